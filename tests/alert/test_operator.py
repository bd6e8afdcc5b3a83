"""The operator's notices: nights that never ran, found from the last completed run; each notice sent once,
through the outbox, to a real SMTP server; straight to it when there is no store."""

from __future__ import annotations

from datetime import UTC, date, datetime
from datetime import time as clock

from evalaudit.alert.deliver import SmtpSettings
from evalaudit.alert.operator import failure_notice, missed_nights, missed_notice, notify
from evalaudit.store import open_store
from tests.smtp import Mailbox

SEVEN = clock(7, 0)
SHANGHAI = "Asia/Shanghai"
OPERATOR = "yunwei@czj.example.gov.cn"


def at(text: str) -> datetime:
    """A Shanghai wall-clock time."""
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(SHANGHAI))


def utc(text: str) -> str:
    return at(text).astimezone(UTC).isoformat()


def test_a_night_is_missed_when_no_run_completed_in_the_24_hours_up_to_its_due_time():
    done = utc("2026-11-30T02:40")  # the night of the 30th, done by 07:00
    assert missed_nights(done, at("2026-12-01T06:59"), SEVEN, SHANGHAI) == []
    assert missed_nights(done, at("2026-12-01T07:00"), SEVEN, SHANGHAI) == [date(2026, 12, 1)]
    assert missed_nights(done, at("2026-12-03T09:00"), SEVEN, SHANGHAI) == [date(2026, 12, d) for d in (1, 2, 3)]
    # a run completed late in the morning still counts for the next night's window only
    late = utc("2026-11-30T08:15")
    assert missed_nights(late, at("2026-12-01T07:30"), SEVEN, SHANGHAI) == []


def test_a_store_that_never_completed_a_run_has_missed_nothing():
    assert missed_nights(None, at("2026-12-01T09:00"), SEVEN, SHANGHAI) == []


def test_the_missed_notice_names_the_nights_and_the_last_completed_run():
    notice = missed_notice([date(2026, 12, 1)], SEVEN, utc("2026-11-30T02:40"), SHANGHAI)
    assert "昨夜审核未运行" in notice.subject and "2026-12-01" in notice.subject
    assert "07:00" in notice.body and "2026-11-30 02:40" in notice.body
    assert notice.key == "missed:2026-12-01"


def smtp_of(box: Mailbox) -> SmtpSettings:
    return SmtpSettings.from_env(box.env())


def test_a_notice_goes_through_the_outbox_once_however_often_it_is_raised(tmp_path, mailbox):
    store = open_store(f"sqlite:///{tmp_path / 'evalaudit.db'}")
    notice = failure_notice("r1", "flow-1", "本次审核未完成（检查时出错）", "RuntimeError: boom", ["/var/log/x.log"])
    first = notify(store, "r1", notice, OPERATOR, smtp_of(mailbox))
    again = notify(store, "r1", notice, OPERATOR, smtp_of(mailbox))
    assert "已通知" in first and "此前已发出" in again
    [message] = mailbox.to(OPERATOR)
    assert message["Subject"] == notice.subject
    assert "检查时出错" in message.get_content() and "/var/log/x.log" in message.get_content()


def test_a_notice_does_not_send_the_units_queued_alerts_with_it(tmp_path, mailbox):
    store = open_store(f"sqlite:///{tmp_path / 'evalaudit.db'}")
    store.queue_alerts(
        "r0", [({"kind": "unit", "unit": "某单位", "recipient": "unit@x.example", "subject": "s", "body": "b"}, [], [])]
    )
    notify(store, "r1", failure_notice("r1", "f", "l", "e", []), OPERATOR, smtp_of(mailbox))
    assert [m["To"] for m in mailbox.messages] == [OPERATOR]
    assert [alert.recipient for alert in store.pending_alerts()] == ["unit@x.example"]


def test_without_a_store_the_notice_goes_straight_to_the_server(mailbox):
    notice = failure_notice(
        None, "flow-2", "本次审核未完成（清点收件箱时出错）：数据库无法访问", "OperationalError", []
    )
    assert "数据库不可用" in notify(None, "", notice, OPERATOR, smtp_of(mailbox))
    [message] = mailbox.to(OPERATOR)
    assert message["Message-ID"].startswith("<failed-flow-2@")


def test_without_an_operator_address_nothing_is_queued_and_the_log_says_so(tmp_path, mailbox):
    store = open_store(f"sqlite:///{tmp_path / 'evalaudit.db'}")
    said = notify(store, "r1", failure_notice("r1", "f", "l", "e", []), "", smtp_of(mailbox))
    assert "EVALAUDIT_OPERATOR_EMAIL" in said
    assert store.pending_alerts() == [] and mailbox.messages == []
