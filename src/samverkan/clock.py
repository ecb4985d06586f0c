"""The one place the service asks what time it is, so tests and jobs can agree on it."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from samverkan.settings import get_settings


def now() -> datetime:
    return datetime.now(UTC)


def today(at: datetime | None = None) -> date:
    """The day it is (or was at `at`) where the service works: settings.timezone."""
    return (at or now()).astimezone(ZoneInfo(get_settings().timezone)).date()
