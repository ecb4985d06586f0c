"""Settings of a deployment, read once from the environment (prefix SAMVERKAN_) and `.env`."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("var")


class Settings(BaseSettings):
    """Every knob of a deployment; docs/configuration.md describes each one."""

    model_config = SettingsConfigDict(env_prefix="SAMVERKAN_", env_file=".env", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    database_url: str = Field(
        default="",
        description="postgresql://user:password@host:port/db; empty means SQLite in data_dir.",
    )
    data_dir: Path = DEFAULT_DATA_DIR
    sqlite_busy_timeout_seconds: float = 30.0
    postgres_pool_min: int = 2
    postgres_pool_max: int = 10

    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""

    session_cookie_name: str = "samverkan_session"
    session_idle_minutes: int = 120
    session_absolute_hours: int = 12
    login_max_failures: int = 10
    login_failure_window_minutes: int = 15

    max_page_size: int = 200
    # Signs the CSRF cookie of the pages; empty means a random key kept in data_dir/secret_key.
    secret_key: str = ""

    # --- partner portal (docs/portal.md) --------------------------------------------------
    portal_cookie_name: str = "samverkan_portal"
    portal_invitation_days: int = Field(7, ge=1)
    portal_link_minutes: int = Field(15, ge=1)
    portal_session_idle_minutes: int = Field(30, ge=1)
    portal_session_absolute_hours: int = Field(8, ge=1)
    # Requests for a sign-in link, per e-mail address and per client address, in the window.
    portal_link_window_minutes: int = Field(60, ge=1)
    portal_link_requests_per_address: int = Field(3, ge=1)
    portal_link_requests_per_client: int = Field(20, ge=1)
    # Attempts to use a link (right or wrong) per client address in the window.
    portal_link_attempts_per_client: int = Field(30, ge=1)

    # --- reminders (docs/reminders.md) ----------------------------------------------------
    timezone: str = "Europe/Stockholm"
    reminders_disabled: list[str] = Field(
        default_factory=list,
        description='Rules switched off, e.g. ["commitment_overdue"]; see docs/reminders.md.',
    )
    reminder_commitment_due_days: list[int] = Field(default_factory=lambda: [14, 3])
    reminder_overdue_repeat_days: int = Field(7, ge=1)
    reminder_unconfirmed_days: int = Field(7, ge=1)
    reminder_meeting_days: int = Field(7, ge=1)
    reminder_agreement_ending_days: list[int] = Field(default_factory=lambda: [90, 30])
    reminder_renewal_days: int = Field(60, ge=1)
    # Days before a lägesbild round's deadline to remind the parties that have not submitted
    # (and once the day after it has passed).
    reminder_situation_deadline_days: list[int] = Field(default_factory=lambda: [7, 1])
    # The worker sweeps at five past every hour in this range (local time), and at start.
    reminder_sweep_hours: str = "6-20"
    # serve runs the worker in-process: default on SQLite (the embedded default), off otherwise.
    worker_in_serve: bool | None = None

    # --- mail -----------------------------------------------------------------------------
    mail_backend: Literal["file", "smtp"] = "file"
    mail_dir: Path | None = Field(None, description="Where the file backend writes .eml files")
    mail_sender: str = "Samverkan <samverkan@localhost>"
    smtp_host: str = "localhost"
    smtp_port: int = 587
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_timeout_seconds: float = 30.0
    outbox_max_attempts: int = Field(8, ge=1)
    outbox_retry_base_seconds: int = Field(60, ge=1)
    outbox_retry_max_seconds: int = Field(6 * 3600, ge=1)
    outbox_claim_timeout_minutes: int = Field(15, ge=1)
    outbox_batch_size: int = Field(100, ge=1)

    # --- documents (docs/documents.md) ----------------------------------------------------
    document_render_timeout_seconds: float = Field(60.0, gt=0)
    document_render_concurrency: int = Field(2, ge=1)

    @property
    def document_cache_dir(self) -> Path:
        return self.data_dir / "documents"

    @property
    def is_sqlite(self) -> bool:
        return not self.database_url or self.database_url.startswith("sqlite:")

    @property
    def sqlite_path(self) -> Path:
        if self.database_url.startswith("sqlite:///"):
            return Path(self.database_url.removeprefix("sqlite:///"))
        return self.data_dir / "samverkan.sqlite"

    @property
    def secure_cookies(self) -> bool:
        return self.environment == "production"

    @property
    def portal_cookies_secure(self) -> bool:
        """The portal's cookies are Secure everywhere but on a developer's machine."""
        return self.environment != "development"

    @property
    def mail_path(self) -> Path:
        return self.mail_dir or self.data_dir / "mail"

    @property
    def runs_worker_in_serve(self) -> bool:
        return self.is_sqlite if self.worker_in_serve is None else self.worker_in_serve

    @property
    def base_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
