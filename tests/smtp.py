"""A real SMTP server on localhost (aiosmtpd) that keeps what it receives, for the alert tests."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mailbox:
    """Every message the server accepted, parsed; `refuse` makes it reject those recipients."""

    port: int = field(default_factory=free_port)
    messages: list[EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    login: tuple[str, str] | None = None  # (user, password) the server then requires, over plain SMTP
    controller: Controller | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd hook)
        if address in self.refuse:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def start(self) -> Mailbox:
        auth = {}
        if self.login is not None:
            auth = {"authenticator": self._authenticate, "auth_required": True, "auth_require_tls": False}
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **auth)
        self.controller.start()
        return self

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        user, password = self.login or ("", "")
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            user.encode(),
            password.encode(),
        )
        return AuthResult(success=ok)

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def env(self) -> dict[str, str]:
        """The environment that points evalaudit at this server (running or not)."""
        env = {
            "EVALAUDIT_SMTP_HOST": "127.0.0.1",
            "EVALAUDIT_SMTP_PORT": str(self.port),
            "EVALAUDIT_MAIL_FROM": "jixiao@czj.example.gov.cn",
            "EVALAUDIT_BUREAU_EMAIL": "shenhe@czj.example.gov.cn",
            "EVALAUDIT_SMTP_TIMEOUT": "5",
        }
        if self.login is not None:
            env.update(EVALAUDIT_SMTP_USER=self.login[0], EVALAUDIT_SMTP_PASSWORD=self.login[1])
        return env

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]

    @staticmethod
    def text(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()
