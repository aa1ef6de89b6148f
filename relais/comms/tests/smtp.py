"""A real SMTP server for the tests (aiosmtpd in a thread), and a backend that dies after N e-mails."""

from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from django.core.mail.backends.smtp import EmailBackend


@dataclass
class Received:
    to: list[str]
    message: EmailMessage

    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())

    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        assert part is not None
        return str(part.get_content())


@dataclass
class Inbox:
    """What the SMTP server accepted; addresses in ``refuse`` are answered 550 at RCPT TO; once it holds
    ``fail_after`` messages it answers every further DATA 421 (a server going down mid-batch)."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    fail_after: int | None = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.fail_after is not None and len(self.received) >= self.fail_after:
            return "421 4.3.2 service shutting down"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(to=list(envelope.rcpt_tos), message=parsed))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.to]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def smtp_server(inbox: Inbox) -> Controller:
    return Controller(inbox, hostname="127.0.0.1", port=free_port())


class JobKilled(BaseException):
    """The worker process killed mid-job: not an Exception, so job_run records nothing and the job stays
    running, as after a real kill (Celery then delivers it again: acks late)."""


class DyingEmailBackend(EmailBackend):
    """The SMTP backend, but the process 'dies' (set by the test) before handing over the e-mail after
    ``limit`` accepted ones, or right after the server accepted the ``die_after_accepting``-th, before the
    sender could record it."""

    limit: int | None = None
    die_after_accepting: int | None = None
    sent = 0

    def send_messages(self, email_messages: Any) -> int:
        if DyingEmailBackend.limit is not None and DyingEmailBackend.sent >= DyingEmailBackend.limit:
            raise JobKilled("killed")
        count = super().send_messages(email_messages)
        DyingEmailBackend.sent += count
        if DyingEmailBackend.sent == DyingEmailBackend.die_after_accepting:
            raise JobKilled("killed while the server answered")
        return count
