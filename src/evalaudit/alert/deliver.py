"""The outbox: queued alerts go out over SMTP; what cannot be sent stays queued for the next run, and an alert
whose message can never be built is marked failed instead of holding back the others.

Settings come from the environment, so the same deployment runs against a test server or the bureau's:

  EVALAUDIT_SMTP_HOST      server name; unset = queue only, send nothing
  EVALAUDIT_SMTP_PORT      25 (587 with starttls, 465 with ssl)
  EVALAUDIT_SMTP_SECURITY  none | starttls | ssl
  EVALAUDIT_SMTP_USER, EVALAUDIT_SMTP_PASSWORD   login, when the server wants one
  EVALAUDIT_MAIL_FROM      sender address (required with a host: a unit must be able to answer it)
  EVALAUDIT_BUREAU_EMAIL   where the digest goes
"""

from __future__ import annotations

import base64
import os
import re
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from evalaudit.store import FAILED, PENDING, SENDING, SENT, PendingAlert, Store

DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str = "none"
    user: str = ""
    password: str = field(default="", repr=False)  # never in a log line or a traceback's locals
    sender: str = ""  # EVALAUDIT_MAIL_FROM: required with a host (no made-up address a unit cannot answer)
    bureau_email: str = ""
    timeout: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpSettings | None:
        """None when no SMTP host is configured: alerts are then only queued."""
        env = os.environ if env is None else env
        host = env.get("EVALAUDIT_SMTP_HOST", "").strip()
        if not host:
            return None
        security = env.get("EVALAUDIT_SMTP_SECURITY", "none").strip().lower() or "none"
        if security not in DEFAULT_PORTS:
            raise ValueError(f"EVALAUDIT_SMTP_SECURITY 应为 none、starttls 或 ssl，而不是“{security}”")
        sender = env.get("EVALAUDIT_MAIL_FROM", "").strip()
        if not sender:
            raise ValueError(
                f"已设置邮件服务器 EVALAUDIT_SMTP_HOST（{host}），但未设置发件人地址 EVALAUDIT_MAIL_FROM："
                "请设置为财政局的真实邮箱（单位会回复到这个地址），如 jixiao@czj.example.gov.cn"
            )
        return cls(
            host=host,
            port=int(env.get("EVALAUDIT_SMTP_PORT") or DEFAULT_PORTS[security]),
            security=security,
            user=env.get("EVALAUDIT_SMTP_USER", ""),
            password=env.get("EVALAUDIT_SMTP_PASSWORD", ""),
            sender=sender,
            bureau_email=env.get("EVALAUDIT_BUREAU_EMAIL", ""),
            timeout=float(env.get("EVALAUDIT_SMTP_TIMEOUT") or 30),
        )


@dataclass
class Delivery:
    sent: int = 0
    queued: int = 0  # still pending after this attempt
    failed: int = 0  # given up on: the message cannot be built or sent as it is
    resent: int = 0  # of `sent`: alerts a stopped run was handing over, sent again under their Message-ID
    error: str = ""  # why the rest stayed queued, or why some were given up on


# The connection itself is gone: nothing more can be sent tonight. Any other SMTP error is the server's answer
# about one message (a refused recipient, a full mailbox): that alert waits for the next run.
# (smtplib's errors are OSErrors too, so the order of the `except` clauses below matters.)
CONNECTION_LOST = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, smtplib.SMTPHeloError)
_LINE_BREAKS = re.compile(r"[\r\n]+")


def header_value(text: str) -> str:
    """A header can never carry a line break, whatever a unit name or an older outbox row holds: a line
    break would end the header (or, in a lenient mailer, start a new one)."""
    return _LINE_BREAKS.sub(" ", text).strip()


def message_id(alert_id: int, sender: str) -> str:
    """The same for every attempt at one alert, so a copy sent again after a crash is one message to the
    recipient's mail client (and to servers that drop duplicates); the domain is the sender's."""
    return f"<alert-{alert_id}@{sender_domain(sender)}>"


def sender_domain(sender: str) -> str:
    """The domain of the sender's address, for Message-IDs (a reserved one when the address has none)."""
    return parseaddr(sender)[1].rpartition("@")[2].strip() or "evalaudit.invalid"


def build_message(alert: PendingAlert, sender: str, recipient: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = header_value(alert.subject)
    message["From"] = header_value(sender)
    message["To"] = header_value(recipient)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id(alert.id, sender)
    message.set_content(alert.body)
    if alert.attachment is not None:  # an outbox row of an older version: one HTML page
        attach(message, alert.attachment_name or "report.html", "text/html", alert.attachment)
    for item in alert.attachments or ():
        attach(message, item["name"], item["type"], base64.b64decode(item["data"]))
    return message


def attach(message: EmailMessage, name: str, mime: str, data: bytes) -> None:
    """One attachment: an HTML page as text/html in UTF-8 (mail clients show the Chinese page as written); a
    CSV as text/csv, its bytes as written (UTF-8 with a BOM, so Excel opens the Chinese text), base64."""
    filename = header_value(name) or "attachment"
    if mime == "text/html":
        message.add_attachment(data.decode("utf-8"), subtype="html", filename=filename)
    else:
        maintype, _, subtype = mime.partition("/")
        params = {"charset": "utf-8"} if maintype == "text" else {}
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename, params=params)


# What an SMTP server's refusal means, in the words a reviewer reads (RFC 5321 reply codes).
SMTP_REPLIES = {
    421: "邮件服务器暂时不可用",
    450: "收件邮箱暂时不可用（稍后重试）",
    451: "邮件服务器处理出错（稍后重试）",
    452: "邮件服务器存储空间不足（稍后重试）",
    500: "邮件服务器不认识该命令",
    501: "地址或参数格式有误",
    503: "命令顺序有误",
    530: "邮件服务器要求先登录（请检查 EVALAUDIT_SMTP_USER、EVALAUDIT_SMTP_PASSWORD）",
    535: "邮件服务器登录失败（用户名或密码错误）",
    550: "收件邮箱不存在或不可用（请核对单位名录中的邮箱）",
    551: "收件人不在该邮件服务器上（请核对单位名录中的邮箱）",
    552: "收件邮箱已满或邮件过大",
    553: "收件地址格式不被接受（请核对单位名录中的邮箱）",
    554: "邮件被拒收（可能被当作垃圾邮件，或服务器策略不允许）",
}


def smtp_reason(error: BaseException) -> str:
    """An SMTP refusal in words: what the reply code means, then what the server said (decoded, not b'…')."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = [f"{address}：{_reply(code, text)}" for address, (code, text) in error.recipients.items()]
        return "；".join(refused) or "收件人被拒收"
    if isinstance(error, smtplib.SMTPSenderRefused):
        return f"发件人 {error.sender} 被拒绝：{_reply(error.smtp_code, error.smtp_error)}"
    if isinstance(error, smtplib.SMTPResponseException):
        return _reply(error.smtp_code, error.smtp_error)
    return str(error) or type(error).__name__


def _reply(code: int, text: bytes | str) -> str:
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    meaning = SMTP_REPLIES.get(code) or (
        "邮件服务器暂时拒绝（稍后重试）" if 400 <= code < 500 else "邮件服务器拒绝" if code >= 500 else "邮件服务器回复"
    )
    said = " ".join(said.split())
    return f"{meaning}（{code} {said}）" if said else f"{meaning}（{code}）"


def deliver(store: Store, settings: SmtpSettings | None, kinds: Sequence[str] | None = None) -> Delivery:
    """Send every pending alert, oldest first, each marked sent as soon as the server accepted it.

    A server that cannot be reached leaves everything queued; a recipient the server refuses leaves that
    alert queued with the reason, and the others still go. An alert whose message cannot be built or
    encoded is marked failed (for good, with the reason) and the others still go. `kinds`: only those.
    """
    pending = store.pending_alerts(kinds)
    if not pending:
        return Delivery()
    if settings is None:
        return Delivery(queued=len(pending), error="未配置 EVALAUDIT_SMTP_HOST，提醒邮件已排队，配置后下次运行时发送")
    result = Delivery()
    done = 0  # alerts dealt with (sent, kept or given up on) before the connection could fail
    try:
        with connect(settings) as smtp:
            for alert in pending:
                status, reason = _send_one(smtp, store, alert, settings)
                done += 1
                if status == SENT:
                    result.sent += 1
                    result.resent += alert.status == SENDING
                elif status == FAILED:
                    result.failed += 1
                else:
                    result.queued += 1
                    result.error = reason
    except OSError as error:  # socket errors and every smtplib error that escaped one message
        reason = f"无法连接邮件服务器 {settings.host}:{settings.port}（{smtp_reason(error)}），未发送的提醒已排队，下次运行时发送"
        for alert in pending[done:]:
            store.mark_failed(alert.id, reason)
        result.queued += len(pending) - done
        result.error = reason
    if result.failed:
        failed = f"{result.failed} 封提醒邮件无法生成，已标记为发送失败、不再重发（原因见发件箱 alerts 表）"
        result.error = f"{result.error}；{failed}" if result.error else failed
    return result


def _send_one(smtp: smtplib.SMTP, store: Store, alert: PendingAlert, settings: SmtpSettings) -> tuple[str, str]:
    """Send one alert and record what became of it: (SENT | PENDING | FAILED, why it was not sent).

    Only a lost connection escapes; anything wrong with this one message stays with this message.
    """
    recipient = alert.recipient or (settings.bureau_email if alert.kind == "digest" else "")
    if not recipient:
        store.mark_failed(alert.id, "未配置 EVALAUDIT_BUREAU_EMAIL（财政局收件地址）")
        return PENDING, "未配置 EVALAUDIT_BUREAU_EMAIL，审核摘要已排队"
    try:
        message = build_message(alert, settings.sender, recipient)
        store.mark_sending(alert.id)
        smtp.send_message(message)
    except CONNECTION_LOST:
        raise
    except smtplib.SMTPException as error:
        reason = smtp_reason(error)
        store.mark_failed(alert.id, f"邮件服务器拒收：{reason}")
        return PENDING, f"部分邮件被拒收：{reason}"
    except OSError:
        raise
    except Exception as error:  # noqa: BLE001 — a message that cannot be built or encoded never will be
        reason = f"邮件无法生成或编码，已停止发送：{type(error).__name__}: {error}"
        store.mark_undeliverable(alert.id, reason)
        _reset(smtp)
        return FAILED, reason
    store.mark_sent(alert.id, recipient)
    return SENT, ""


def _reset(smtp: smtplib.SMTP) -> None:
    """Abandon a half-started mail transaction so the next alert starts clean (a dead connection shows
    itself on the next send)."""
    try:
        smtp.rset()
    except (smtplib.SMTPException, OSError):
        pass


def connect(settings: SmtpSettings) -> smtplib.SMTP:
    """A logged-in connection to the configured server (TLS as set)."""
    smtp: smtplib.SMTP
    if settings.security == "ssl":
        smtp = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    if settings.user:
        smtp.login(settings.user, settings.password)
    return smtp
