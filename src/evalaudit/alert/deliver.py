"""The outbox: queued alerts go out over SMTP; what cannot be sent stays queued for the next run.

Settings come from the environment, so the same deployment runs against a test server or the bureau's:

  EVALAUDIT_SMTP_HOST      server name; unset = queue only, send nothing
  EVALAUDIT_SMTP_PORT      25 (587 with starttls, 465 with ssl)
  EVALAUDIT_SMTP_SECURITY  none | starttls | ssl
  EVALAUDIT_SMTP_USER, EVALAUDIT_SMTP_PASSWORD   login, when the server wants one
  EVALAUDIT_MAIL_FROM      sender address
  EVALAUDIT_BUREAU_EMAIL   where the digest goes
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from evalaudit.store import PendingAlert, Store

DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str = "none"
    user: str = ""
    password: str = ""
    sender: str = "evalaudit@localhost"
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
        return cls(
            host=host,
            port=int(env.get("EVALAUDIT_SMTP_PORT") or DEFAULT_PORTS[security]),
            security=security,
            user=env.get("EVALAUDIT_SMTP_USER", ""),
            password=env.get("EVALAUDIT_SMTP_PASSWORD", ""),
            sender=env.get("EVALAUDIT_MAIL_FROM", "") or "evalaudit@localhost",
            bureau_email=env.get("EVALAUDIT_BUREAU_EMAIL", ""),
            timeout=float(env.get("EVALAUDIT_SMTP_TIMEOUT") or 30),
        )


@dataclass
class Delivery:
    sent: int = 0
    queued: int = 0  # still pending after this attempt
    error: str = ""  # why the rest stayed queued


def build_message(alert: PendingAlert, sender: str, recipient: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = alert.subject
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(idstring=f"evalaudit-alert-{alert.id}")
    message.set_content(alert.body)
    if alert.attachment is not None:
        # as text with its charset, so mail clients show the Chinese page as written
        message.add_attachment(
            alert.attachment.decode("utf-8"), subtype="html", filename=alert.attachment_name or "report.html"
        )
    return message


def deliver(store: Store, settings: SmtpSettings | None) -> Delivery:
    """Send every pending alert, oldest first, each marked sent as soon as the server accepted it.

    A server that cannot be reached leaves everything queued; a recipient the server refuses leaves that
    alert queued with the reason, and the others still go.
    """
    pending = store.pending_alerts()
    if not pending:
        return Delivery()
    if settings is None:
        return Delivery(queued=len(pending), error="未配置 EVALAUDIT_SMTP_HOST，提醒邮件已排队，配置后下次运行时发送")
    result = Delivery()
    try:
        with _connect(settings) as smtp:
            for alert in pending:
                recipient = alert.recipient or (settings.bureau_email if alert.kind == "digest" else "")
                if not recipient:
                    store.mark_failed(alert.id, "未配置 EVALAUDIT_BUREAU_EMAIL（财政局收件地址）")
                    result.queued += 1
                    result.error = "未配置 EVALAUDIT_BUREAU_EMAIL，审核摘要已排队"
                    continue
                try:
                    smtp.send_message(build_message(alert, settings.sender, recipient))
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
                    store.mark_failed(alert.id, f"邮件服务器拒收：{error}")
                    result.queued += 1
                    result.error = f"部分邮件被拒收：{error}"
                    continue
                store.mark_sent(alert.id, recipient)
                result.sent += 1
    except (OSError, smtplib.SMTPException) as error:
        reason = f"无法连接邮件服务器 {settings.host}:{settings.port}（{error}），未发送的提醒已排队，下次运行时发送"
        for alert in pending[result.sent + result.queued :]:
            store.mark_failed(alert.id, reason)
        result.queued = len(pending) - result.sent
        result.error = reason
    return result


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
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
