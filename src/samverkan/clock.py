"""The one place the service asks what time it is, so tests and jobs can agree on it."""

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
