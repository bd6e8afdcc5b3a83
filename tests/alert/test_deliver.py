"""The outbox against a real SMTP server on localhost: sent once, or kept until it can be."""

from __future__ import annotations

import base64
import smtplib

import pytest
from sqlalchemy import select

from evalaudit.alert.deliver import SmtpSettings, build_message, deliver, smtp_reason
from evalaudit.store import FAILED, PENDING, SENT, PendingAlert, alerts, open_store


def queue(store, *recipients: str, **changes_of: dict) -> None:
    """Alerts for these recipients; `changes_of={"1": {...}}` changes fields of the second, as an older
    version of the outbox might have written it."""
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
                    **changes_of.get(str(i), {}),
                },
                [],
                [],
            )
            for i, r in enumerate(recipients)
        ],
    )


def statuses(store) -> list[tuple[str, str | None]]:
    query = select(alerts.c.status, alerts.c.last_error).order_by(alerts.c.id)
    with store.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]


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
        SmtpSettings.from_env(
            {"EVALAUDIT_SMTP_HOST": "x", "EVALAUDIT_SMTP_SECURITY": "tls1", "EVALAUDIT_MAIL_FROM": "a@b.cn"}
        )


def test_no_header_carries_a_line_break_from_a_unit_name_or_an_address():
    subject, attachment_name = "【绩效自评审核】清溪镇\r\n人民政府：错误 1 处", "审核结果-清溪镇\n人民政府.html"
    alert = PendingAlert(1, "unit", "清溪镇人民政府", "", subject, "正文", attachment_name, b"<p>x</p>", 0)
    message = build_message(alert, "jixiao@czj.cn", "zhen@a.cn\r\nBcc: x@x.cn")
    assert message["Subject"] == "【绩效自评审核】清溪镇 人民政府：错误 1 处"
    assert message["Bcc"] is None and not any(line.startswith("Bcc") for line in message.as_string().splitlines())
    [attachment] = message.iter_attachments()
    assert attachment.get_filename() == "审核结果-清溪镇 人民政府.html"
    assert "\n" not in "".join(str(value) for value in message.values())


def test_an_older_outbox_row_with_a_line_break_in_its_subject_is_sent_on_one_line(store, mailbox):
    queue(store, "a@a.cn", "b@a.cn", "c@a.cn", **{"1": {"subject": "【绩效自评审核】清溪镇\n人民政府：错误 1 处"}})
    result = deliver(store, SmtpSettings.from_env(mailbox.env()))
    assert (result.sent, result.queued, result.failed) == (3, 0, 0)
    [message] = mailbox.to("b@a.cn")
    assert message["Subject"] == "【绩效自评审核】清溪镇 人民政府：错误 1 处"


def test_an_alert_that_cannot_be_built_fails_alone_and_for_good(store, mailbox):
    not_utf8 = "<p>总分有误</p>".encode("gb18030")  # a page an older version saved in another encoding
    queue(store, "a@a.cn", "b@a.cn", "c@a.cn", **{"1": {"attachment": not_utf8}})
    settings = SmtpSettings.from_env(mailbox.env())
    result = deliver(store, settings)
    assert (result.sent, result.queued, result.failed) == (2, 0, 1) and "发送失败" in result.error
    assert sorted(m["To"] for m in mailbox.messages) == ["a@a.cn", "c@a.cn"]
    (first, _), (middle, reason), (third, _) = statuses(store)
    assert (first, middle, third) == (SENT, FAILED, SENT) and "无法生成" in reason and "UnicodeDecodeError" in reason
    assert store.pending_alerts() == []
    again = deliver(store, settings)
    assert (again.sent, again.queued, again.failed) == (0, 0, 0) and len(mailbox.messages) == 2


def test_a_refused_recipient_is_not_given_up_on(store, mailbox):
    mailbox.refuse.add("gone@a.cn")
    queue(store, "gone@a.cn")
    settings = SmtpSettings.from_env(mailbox.env())
    assert deliver(store, settings).failed == 0 and statuses(store)[0][0] == PENDING
    mailbox.refuse.clear()
    assert deliver(store, settings).sent == 1 and mailbox.to("gone@a.cn")


def test_every_attempt_at_an_alert_carries_the_same_message_id_in_the_senders_domain(store, mailbox):
    queue(store, "a@a.cn")
    [alert] = store.pending_alerts()
    first = build_message(alert, "绩效科 <jixiao@czj.example.gov.cn>", "a@a.cn")["Message-ID"]
    again = build_message(alert, "绩效科 <jixiao@czj.example.gov.cn>", "a@a.cn")["Message-ID"]
    assert first == again == f"<alert-{alert.id}@czj.example.gov.cn>"


def test_a_run_stopped_between_the_server_accepting_and_the_store_recording_resends_under_the_same_id(
    store, mailbox, monkeypatch
):
    queue(store, "a@a.cn", "b@a.cn")
    settings = SmtpSettings.from_env(mailbox.env())
    real_mark_sent = store.mark_sent

    def stop_after_the_first(alert_id, recipient):
        raise KeyboardInterrupt  # the machine goes down: the server has the message, the store does not know

    monkeypatch.setattr(store, "mark_sent", stop_after_the_first)
    with pytest.raises(KeyboardInterrupt):
        deliver(store, settings)
    assert [status for status, _ in statuses(store)] == ["sending", PENDING]  # the next run can tell
    monkeypatch.setattr(store, "mark_sent", real_mark_sent)
    result = deliver(store, settings)
    assert (result.sent, result.resent, result.queued) == (2, 1, 0)
    assert [status for status, _ in statuses(store)] == [SENT, SENT]
    copies = mailbox.to("a@a.cn")
    assert len(copies) == 2 and copies[0]["Message-ID"] == copies[1]["Message-ID"]  # one message to the client
    assert len(mailbox.to("b@a.cn")) == 1


def test_the_smtp_password_is_never_in_the_settings_repr():
    env = {
        "EVALAUDIT_SMTP_HOST": "mail.example",
        "EVALAUDIT_SMTP_PASSWORD": "s3cr-et!",
        "EVALAUDIT_MAIL_FROM": "a@b.cn",
    }
    settings = SmtpSettings.from_env(env)
    assert settings.password == "s3cr-et!"
    assert "s3cr-et!" not in repr(settings) and "s3cr-et!" not in str(settings)


def test_a_configured_server_without_a_sender_address_is_a_settings_error():
    with pytest.raises(ValueError, match="EVALAUDIT_MAIL_FROM"):
        SmtpSettings.from_env({"EVALAUDIT_SMTP_HOST": "mail.example"})
    assert SmtpSettings.from_env({"EVALAUDIT_MAIL_FROM": ""}) is None  # no server: nothing to send from


def test_an_alert_with_a_page_and_a_table_attaches_both_each_in_its_type(store, mailbox):
    csv = "\ufeffunit,location\r\n清溪镇,总分\r\n".encode()
    stored = [
        {"name": "审核结果.html", "type": "text/html", "data": base64.b64encode("<p>总分</p>".encode()).decode()},
        {"name": "审核结果.csv", "type": "text/csv", "data": base64.b64encode(csv).decode()},
    ]
    queue(store, "a@a.cn", **{"0": {"attachment_name": None, "attachment": None, "attachments": stored}})
    assert deliver(store, SmtpSettings.from_env(mailbox.env())).sent == 1
    [message] = mailbox.messages
    page, table = message.iter_attachments()
    assert (page.get_content_type(), page.get_content_charset(), page.get_filename()) == (
        "text/html",
        "utf-8",
        "审核结果.html",
    )
    assert page.get_content().strip() == "<p>总分</p>"
    assert (table.get_content_type(), table.get_filename()) == ("text/csv", "审核结果.csv")
    assert table.get_payload(decode=True) == csv  # the BOM kept, for Excel


def test_a_refusal_is_told_in_words_not_as_the_servers_bytes(store, mailbox):
    mailbox.refuse.add("gone@a.cn")
    queue(store, "gone@a.cn")
    result = deliver(store, SmtpSettings.from_env(mailbox.env()))
    [(status, reason)] = statuses(store)
    assert status == PENDING and "收件邮箱不存在或不可用" in reason and "550 mailbox unavailable" in reason
    assert "b'" not in reason and 'b"' not in reason and "收件邮箱不存在" in result.error
    assert (
        smtp_reason(smtplib.SMTPDataError(552, b"5.2.2 Mailbox full"))
        == "收件邮箱已满或邮件过大（552 5.2.2 Mailbox full）"
    )
