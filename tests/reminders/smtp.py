"""A real SMTP server for the tests (aiosmtpd), on 127.0.0.1 and a port of its own.

It keeps every message it accepted, can refuse chosen recipients (550: permanently, 451:
try later), can hold a chosen recipient's DATA until released (a send in flight when a
worker is killed, or one worker kept busy while another works), and can be stopped and started again on the same port (an outage).
"""

import asyncio
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def email(self) -> EmailMessage:
        return message_from_bytes(self.content, policy=policy.default)

    @property
    def message_id(self) -> str:
        return self.email["Message-ID"]


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    refuse: dict[str, int] = field(default_factory=dict)  # address → 550 or 451
    hold: set[str] = field(default_factory=set)  # addresses whose DATA waits for release
    # What a held DATA gets once released: 451 drops it (never acknowledged while the
    # client was there), 250 accepts it (a slow server).
    hold_then: int = 451
    holding: threading.Event = field(default_factory=threading.Event)  # a DATA is held now
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    delay: float = 0.0  # seconds each accepted message takes

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        code = self.refuse.get(address.lower())
        if code == 550:
            return "550 5.1.1 No such user here"
        if code == 451:
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.hold & {a.lower() for a in envelope.rcpt_tos}:
            self.holding.set()
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, self.released.wait, 60)
            if self.hold_then != 250:
                return "451 4.3.0 Held and dropped"
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
            )
        return "250 Message accepted for delivery"


class SmtpServer:
    """Start with start(), stop with stop(); start() again listens on the same port."""

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.handler = Handler()
        self.controller: Controller | None = None

    def start(self) -> "SmtpServer":
        assert self.controller is None, "already running"
        self.handler.released.clear()
        self.handler.holding.clear()
        # A controller's loop is closed when it stops: a new one for every start.
        self.controller = Controller(self.handler, hostname=self.host, port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        """Close the port and drop every open connection, a held DATA too (unanswered)."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
        self.handler.released.set()  # no handler left waiting in a thread

    @property
    def running(self) -> bool:
        return self.controller is not None

    # --- what the tests ask ------------------------------------------------------------

    def refuse(self, address: str, code: int) -> None:
        assert code in (550, 451)
        self.handler.refuse[address.lower()] = code

    def accept(self, address: str) -> None:
        self.handler.refuse.pop(address.lower(), None)

    def to(self, *addresses: str) -> list[Received]:
        """Messages received for any of addresses."""
        wanted = {a.lower() for a in addresses}
        with self.handler.lock:
            return [r for r in self.handler.received if wanted & {t.lower() for t in r.rcpt_tos}]

    def settings(self, **extra):
        """The deployment's settings, pointed at this server."""
        from samverkan.settings import get_settings

        return get_settings().model_copy(update={
            "mail_backend": "smtp", "smtp_host": self.host, "smtp_port": self.port,
            "smtp_security": "none", "smtp_username": "", "smtp_timeout_seconds": 10.0,
            **extra,
        })

    def env(self) -> dict[str, str]:
        """Environment for a subprocess that should send through this server."""
        return {
            "SAMVERKAN_MAIL_BACKEND": "smtp", "SAMVERKAN_SMTP_HOST": self.host,
            "SAMVERKAN_SMTP_PORT": str(self.port), "SAMVERKAN_SMTP_SECURITY": "none",
            "SAMVERKAN_SMTP_USERNAME": "", "SAMVERKAN_SMTP_TIMEOUT_SECONDS": "10",
        }

    def backend(self, **extra):
        from samverkan.reminders import mailer

        return mailer.SmtpBackend(self.settings(**extra))
