"""The outbox against a real SMTP server on localhost: sent once, or kept until it can be."""

from __future__ import annotations

import pytest

from evalaudit.alert.deliver import SmtpSettings, deliver
from evalaudit.store import alerts, open_store


def queue(store, *recipients: str) -> None:
    store.queue_alerts(
        "r1",
        [
            (
                {
                    "kind": "unit" if r else "digest",
                    "unit": f"单位{i}",
                    "recipient": r,
                    "subject": f"主题{i}",
                    "body": f"正文{i}：总分填报为88，应为98",
                    "attachment_name": "审核结果.html",
                    "attachment": "<p>总分有误</p>".encode(),
                },
                [],
                [],
            )
            for i, r in enumerate(recipients)
        ],
    )


@pytest.fixture
def store(tmp_path):
    return open_store(f"sqlite:///{tmp_path / 'store.db'}")


def test_each_queued_alert_is_sent_once_with_its_attachment(store, mailbox):
    queue(store, "a@a.cn", "b@a.cn", "")
    settings = SmtpSettings.from_env(mailbox.env())
    result = deliver(store, settings)
    assert (result.sent, result.queued) == (3, 0)
    [message] = mailbox.to("a@a.cn")
    assert message["Subject"] == "主题0" and "总分填报为88，应为98" in mailbox.text(message)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "审核结果.html" and attachment.get_content().strip() == "<p>总分有误</p>"
    assert mailbox.to("shenhe@czj.example.gov.cn")  # the digest goes to the bureau's address
    assert deliver(store, settings).sent == 0 and len(mailbox.messages) == 3


def test_a_server_that_is_down_keeps_everything_queued_until_it_is_up(store, mailbox_down):
    queue(store, "a@a.cn", "b@a.cn")
    settings = SmtpSettings.from_env(mailbox_down.env())
    result = deliver(store, settings)
    assert (result.sent, result.queued) == (0, 2) and "无法连接邮件服务器" in result.error
    assert store.count(alerts, alerts.c.status == "pending", alerts.c.attempts == 1) == 2
    mailbox_down.start()
    assert deliver(store, settings).sent == 2
    assert deliver(store, settings).sent == 0
    assert sorted(m["To"] for m in mailbox_down.messages) == ["a@a.cn", "b@a.cn"]


def test_a_refused_recipient_stays_queued_with_the_reason_and_the_others_go(store, mailbox):
    mailbox.refuse.add("gone@a.cn")
    queue(store, "gone@a.cn", "b@a.cn")
    result = deliver(store, SmtpSettings.from_env(mailbox.env()))
    assert (result.sent, result.queued) == (1, 1) and "拒收" in result.error
    [pending] = store.pending_alerts()
    assert pending.recipient == "gone@a.cn"


def test_without_smtp_settings_alerts_wait_in_the_outbox(store):
    queue(store, "a@a.cn")
    assert SmtpSettings.from_env({}) is None
    result = deliver(store, None)
    assert (result.sent, result.queued) == (0, 1) and "EVALAUDIT_SMTP_HOST" in result.error


def test_a_digest_without_a_bureau_address_waits_for_one(store, mailbox):
    queue(store, "")
    env = {**mailbox.env(), "EVALAUDIT_BUREAU_EMAIL": ""}
    assert deliver(store, SmtpSettings.from_env(env)).queued == 1 and not mailbox.messages
    assert deliver(store, SmtpSettings.from_env(mailbox.env())).sent == 1


def test_an_unknown_security_setting_is_refused():
    with pytest.raises(ValueError, match="EVALAUDIT_SMTP_SECURITY"):
        SmtpSettings.from_env({"EVALAUDIT_SMTP_HOST": "x", "EVALAUDIT_SMTP_SECURITY": "tls1"})
