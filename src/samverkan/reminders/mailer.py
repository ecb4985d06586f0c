"""Sending an outbox message: as an .eml file (the embedded default) or through SMTP."""

import os
import ssl
import tempfile
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from functools import lru_cache
from pathlib import Path

import aiosmtplib

from samverkan.settings import Settings, get_settings


class DeliveryError(Exception):
    """This message could not be sent now; permanent=True means trying again will not help."""

    def __init__(self, detail: str, *, permanent: bool = False) -> None:
        super().__init__(detail)
        self.permanent = permanent


class ServerUnavailable(Exception):
    """The mail server cannot be reached at all: no message is to blame, try later."""


def build_email(message, sender: str) -> EmailMessage:
    """The MIME message of an outbox row: text and HTML alternatives, attachments, headers."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = formataddr((message["recipient_name"], message["recipient"]))
    email["Subject"] = message["subject"]
    # The row's own time, not the clock: a retried message is the same message.
    email["Date"] = format_datetime(message["created_at"])
    email["Message-ID"] = message["message_id"]
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message["body_text"])
    if message["body_html"]:
        email.add_alternative(message["body_html"], subtype="html")
    # After the body: set_content() drops every Content-* header set before it.
    email["Content-Language"] = "sv-SE" if message["language"] == "sv" else "en-GB"
    for attachment in message["attachments"] or []:
        maintype, _, subtype = attachment["content_type"].partition("/")
        params = {"method": "REQUEST"} if subtype == "calendar" else {}
        if maintype == "text":
            # Encoded as UTF-8 below; without the label a reader decodes it as US-ASCII
            # and "Styrgruppsmöte" arrives garbled.
            params["charset"] = "utf-8"
        email.add_attachment(
            attachment["content"].encode(), maintype=maintype, subtype=subtype,
            filename=attachment["filename"], params=params,
        )
    return email


class FileBackend:
    """Writes each message as <mail_dir>/<date>-<id>.eml: what would have been sent."""

    def __init__(self, settings: Settings) -> None:
        self.folder = Path(settings.mail_path)

    async def __aenter__(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    async def __aexit__(self, *exc) -> None:
        return None

    async def send(self, email: EmailMessage, message) -> None:
        stamp = message["created_at"].strftime("%Y%m%d")
        target = self.folder / f"{stamp}-{message['id']}.eml"
        # Written whole then renamed: a reader never sees half a message.
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(email.as_bytes())
        os.replace(temporary, target)


class SmtpBackend:
    """One SMTP connection per delivery pass (aiosmtplib)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client: aiosmtplib.SMTP | None = None

    async def __aenter__(self):
        s = self.settings
        self.client = aiosmtplib.SMTP(
            hostname=s.smtp_host, port=s.smtp_port, timeout=s.smtp_timeout_seconds,
            use_tls=s.smtp_security == "tls",
            start_tls=True if s.smtp_security == "starttls" else False,
            tls_context=ssl.create_default_context() if s.smtp_security != "none" else None,
        )
        try:
            await self.client.connect()
            if s.smtp_username:
                await self.client.login(s.smtp_username, s.smtp_password)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise ServerUnavailable(f"{s.smtp_host}:{s.smtp_port}: {exc}") from exc
        return self

    async def __aexit__(self, *exc) -> None:
        if self.client is not None and self.client.is_connected:
            try:
                await self.client.quit()
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                self.client.close()

    async def send(self, email: EmailMessage, message) -> None:
        assert self.client is not None
        try:
            await self.client.send_message(email)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            raise DeliveryError(str(exc), permanent=all(500 <= c < 600 for c in codes)) from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise DeliveryError(f"{exc.code} {exc.message}", permanent=500 <= exc.code < 600) from exc
        except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPConnectError, OSError,
                TimeoutError) as exc:
            raise ServerUnavailable(str(exc)) from exc


def backend(settings: Settings | None = None):
    settings = settings or get_settings()
    return SmtpBackend(settings) if settings.mail_backend == "smtp" else FileBackend(settings)


def sender_address() -> str:
    return _parse_sender(get_settings().mail_sender)[0]


def sender_domain() -> str:
    """The sender's domain: it names Message-IDs and calendar UIDs as ours."""
    return _parse_sender(get_settings().mail_sender)[1]


@lru_cache(maxsize=8)
def _parse_sender(sender: str) -> tuple[str, str]:
    # Parsed once per configured sender, not once per message of a sweep's thousands.
    address = parseaddr(sender)[1]
    return address, address.partition("@")[2] or "samverkan.local"
