"""What the operator is told: a night that failed, nights that never ran, and the recovery after either.

Each notice goes through the outbox like any alert (kind `operator`), queued once per key so a retried hook
or a second look never sends it twice, and is sent at once. When the store itself is what failed, the notice
goes straight to the SMTP server: nothing else could tell anyone.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from email.message import EmailMessage
from email.utils import formatdate
from zoneinfo import ZoneInfo

from evalaudit.alert.deliver import SmtpSettings, connect, deliver, header_value, sender_domain
from evalaudit.store import OPERATOR, Store

MAX_LISTED = 14  # nights or runs named in one notice; the rest are counted


@dataclass(frozen=True)
class Notice:
    key: str  # failed:<flow run> | missed:<date> | recovered:<run>
    subject: str
    body: str


def failure_notice(run_id: str | None, flow_run_id: str, line: str, error: str, logs: list[str]) -> Notice:
    """A night that stopped: which run, which step and why (`line`, from `nightly.failure_line`), where the log is."""
    where = "\n".join(f"  {place}" for place in logs)
    return Notice(
        key=f"failed:{flow_run_id}",
        subject=header_value(f"【绩效自评审核】本次审核失败：{run_id or flow_run_id}"),
        body=(
            "运维人员：\n\n"
            f"审核批次 {run_id or '（未开始，未能打开数据库）'} 未完成。\n\n"
            f"{line}\n\n"
            f"错误：{error}\n\n"
            f"运行日志：\n{where}\n\n"
            "处理后可手动重新运行（make audit，或在 Prefect 界面中对 nightly-audit 部署点击 Run）；"
            "下次成功运行时将另行通知恢复。\n"
        ),
    )


def missed_notice(nights: list[date], due_by: clock, last_completed: str | None, zone: str) -> Notice:
    """Nights whose run had not completed by the due hour (the server or machine was down, or it failed)."""
    named = "、".join(night.isoformat() for night in nights[-MAX_LISTED:])
    more = f"等 {len(nights)} 晚" if len(nights) > MAX_LISTED else ""
    title = "昨夜审核未运行" if len(nights) == 1 else f"{len(nights)} 晚审核未运行"
    return Notice(
        key=f"missed:{nights[-1].isoformat()}",
        subject=header_value(f"【绩效自评审核】{title}（{nights[-1].isoformat()}）"),
        body=(
            "运维人员：\n\n"
            f"{named}{more}截至 {due_by.strftime('%H:%M')}（{zone}）没有完成的审核。\n"
            f"最近一次完成的审核：{_local(last_completed, zone) if last_completed else '（无）'}。\n\n"
            "请检查 Prefect 服务器（make serve）与本机是否在运行、计划是否被暂停；"
            "收件箱中的文件未丢失，下次运行将一并审核。\n"
        ),
    )


def missed_line(nights: list[date]) -> str:
    """The digest's and summary's line for the same gap."""
    if len(nights) == 1:
        return f"昨夜审核未运行（{nights[0].isoformat()}），本次已一并审核其间提交的文件"
    return f"{len(nights)} 晚审核未运行（{nights[0].isoformat()} 至 {nights[-1].isoformat()}），本次已一并审核其间提交的文件"


def recovery_notice(run_id: str, earlier: list[dict], nights: list[date], zone: str) -> Notice:
    """The first completed run after failures, interruptions or missed nights."""
    lines = [
        f"  {run['run_id']}（{_local(run['started_at'], zone)}）：{_STATUS.get(run['status'], run['status'])}"
        + (f"，{run['error']}" if run.get("error") else "")
        for run in earlier[-MAX_LISTED:]
    ]
    if nights:
        lines.append(f"  未运行：{'、'.join(night.isoformat() for night in nights[-MAX_LISTED:])}")
    return Notice(
        key=f"recovered:{run_id}",
        subject=header_value(f"【绩效自评审核】审核已恢复：{run_id}"),
        body=(
            "运维人员：\n\n"
            f"审核批次 {run_id} 已正常完成。此前未完成的运行：\n" + "\n".join(lines) + "\n\n"
            "其间未审核的文件已在本次审核。\n"
        ),
    )


_STATUS = {"failed": "失败", "interrupted": "中断", "running": "运行中"}


def missed_nights(last_completed: str | None, at: datetime, due_by: clock, zone: str) -> list[date]:
    """The nights, oldest first, whose window (the 24 hours up to their due time) ended by `at` with no run
    completed in it since `last_completed`. None before the first completed run: a new install missed nothing."""
    if last_completed is None:
        return []
    tz = ZoneInfo(zone)
    since = datetime.fromisoformat(last_completed).astimezone(tz)
    local = at.astimezone(tz)
    nights = []
    day = since.date()
    while True:
        due = datetime.combine(day, due_by, tz)
        if due > local:
            break
        if due - timedelta(days=1) >= since:
            nights.append(day)
        day += timedelta(days=1)
    return nights


def notify(store: Store | None, run_id: str, notice: Notice, recipient: str, smtp: SmtpSettings | None) -> str:
    """Queue `notice` for the operator and send it (only operator notices go now); returns what became of it
    in one Chinese line for the log. Without a store, straight over SMTP."""
    if not recipient:
        return f"未配置 EVALAUDIT_OPERATOR_EMAIL，运维通知未发送：{notice.subject}"
    if store is None:
        return _send_directly(notice, recipient, smtp)
    if store.queue_notice(run_id, notice.key, recipient, notice.subject, notice.body) is None:
        return f"运维通知此前已发出：{notice.subject}"
    delivery = deliver(store, smtp, kinds=(OPERATOR,))
    if delivery.sent:
        return f"已通知运维人员 {recipient}：{notice.subject}"
    return f"运维通知已排队，未能发送（{delivery.error}）：{notice.subject}"


def _send_directly(notice: Notice, recipient: str, smtp: SmtpSettings | None) -> str:
    if smtp is None:
        return f"数据库不可用且未配置 EVALAUDIT_SMTP_HOST，运维通知未发送：{notice.subject}"
    message = EmailMessage()
    message["Subject"] = notice.subject
    message["From"] = header_value(smtp.sender)
    message["To"] = header_value(recipient)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = f"<{notice.key.replace(':', '-')}@{sender_domain(smtp.sender)}>"
    message.set_content(notice.body)
    try:
        with connect(smtp) as server:
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        return f"运维通知无法发送（{error}）：{notice.subject}"
    return f"已通知运维人员 {recipient}（数据库不可用，未记入发件箱）：{notice.subject}"


def _local(stamp: str, zone: str) -> str:
    try:
        return datetime.fromisoformat(stamp).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return str(stamp)
