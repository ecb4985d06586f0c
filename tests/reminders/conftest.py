"""Shared helpers for the reminder tests.

The sweep is global: it looks at every agreement in the database, and other tests make rows
too. So every test works in a year of its own far in the future (`year`), passes the time
explicitly (`at()` turns a local Stockholm time into the UTC moment a sweep is given), and
looks only at the ledger rows and outbox messages of its own recipients (contacts and users
with unique e-mail addresses).
"""

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from samverkan.reminders import service
from samverkan.reminders.rules import all_rules
from samverkan.reminders.tables import OutboxMessage, Reminder
from samverkan.settings import get_settings
from tests.factories import Api, make_user, org_number, unique
from tests.reminders.smtp import SmtpServer

STOCKHOLM = ZoneInfo("Europe/Stockholm")

# One far-future year per test: nothing else in the suite falls due then, and each test's
# own leftovers (open commitments, say) only ever reach that test's recipients.
_years = itertools.count(2100)


@pytest.fixture
def year() -> int:
    return next(_years)


def at(day: date, hour: int = 8, minute: int = 0) -> datetime:
    """The UTC moment of a local (Europe/Stockholm) wall-clock time on day."""
    return datetime.combine(day, time(hour, minute), STOCKHOLM).astimezone(UTC)


def last_sunday(year: int, month: int) -> date:
    """The last Sunday of a month: the EU's daylight-saving days are in March and October."""
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 6) % 7)


# --- settings -------------------------------------------------------------------------------


@pytest.fixture
def settings(monkeypatch):
    """Change settings for one test: settings(reminder_overdue_repeat_days=3). The settings
    object is cached for the whole process; monkeypatch puts every value back afterwards."""
    current = get_settings()

    def change(**values):
        for name, value in values.items():
            assert hasattr(current, name), name
            monkeypatch.setattr(current, name, value)
        return current

    return change


@pytest.fixture
def only_rules(settings):
    """Switch every rule off but these, so a test sees only what it is about."""

    def keep(*names: str) -> None:
        known = {rule.name for rule in all_rules()}
        assert set(names) <= known, set(names) - known
        settings(reminders_disabled=sorted(known - set(names)))

    return keep


@pytest.fixture
def mail_dir(tmp_path, settings):
    """The file backend, writing into a folder of this test's own."""
    folder = tmp_path / "mail"
    settings(mail_backend="file", mail_dir=folder)
    return folder


class Discard:
    """A mail backend that accepts every message and keeps none: for delivery passes that
    only need messages marked sent."""

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return None

    async def send(self, email, message):
        return None


# --- people and agreements -----------------------------------------------------------------


def email(prefix: str = "k") -> str:
    return f"{unique(prefix + '-')}@example.se"


async def organization(api: Api, *contacts: dict, kind: str = "municipality") -> dict:
    """An organisation with these contacts (name, email, language...); one if none given."""
    people = [
        {"name": f"Kontakt {i}", "email": email(), **person}
        for i, person in enumerate(contacts or ({},))
    ]
    response = await api.post("/api/organizations", json={
        "name": unique("Organisation "), "kind": kind,
        "org_number": org_number("2" if kind in ("municipality", "police", "agency") else "5"),
        "contacts": people,
    })
    assert response.status_code == 201, response.text
    return response.json()


def contact(org: dict, index: int = 0) -> dict:
    return org["contacts"][index]


async def agreement_of(api: Api, organizations: list[dict], status: str = "in_preparation",
                       signatories: list[dict] | None = None, **values) -> dict:
    """An agreement between organizations (each party's primary contact is its organisation's
    first contact), moved on to status. For "active", every party signs; signatories gives
    each party's signatory fields (signatory_email, say)."""
    body = {
        "title": unique("Påminnelseavtal "),
        "kind": "collaboration_agreement",
        "period_start": "2026-01-01",
        "period_end": None,
        "parties": [
            {"organization_id": org["id"], "role": "Part",
             "primary_contact_id": contact(org)["id"],
             **((signatories or [{}] * len(organizations))[i])}
            for i, org in enumerate(organizations)
        ],
        **values,
    }
    response = await api.post("/api/agreements", json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    if status == "draft":
        return created
    if status == "active":
        return await api.activate(created)
    response = await api.move(created, "in_preparation")
    assert response.status_code == 200, response.text
    if status != "in_preparation":
        response = await api.move(created, status)
        assert response.status_code == 200, response.text
    return response.json()


async def new_coordinator(client) -> Api:
    """A coordinator of one's own: agreements it registers remind only this address."""
    return Api(client, await make_user("coordinator"))


async def set_status(api: Api, commitment: dict, *statuses: str) -> dict:
    """Walk a commitment through statuses (e.g. "confirmed", "done")."""
    body = commitment
    for status in statuses:
        response = await api.post(f"/api/commitments/{commitment['id']}/status",
                                  json={"status": status})
        assert response.status_code == 200, response.text
        body = response.json()
    return body


async def patch_commitment(api: Api, commitment: dict, **values) -> dict:
    current = (await api.get(f"/api/commitments/{commitment['id']}")).json()
    response = await api.patch(f"/api/commitments/{commitment['id']}", json=values,
                               headers={"If-Match": f'"{current["version"]}"'})
    assert response.status_code == 200, response.text
    return response.json()


# --- what was recorded and written --------------------------------------------------------


async def ledger(*recipients: str, rule: str | None = None) -> list[dict]:
    """Ledger rows of these recipients (optionally of one rule), oldest first."""
    query = Reminder.select().where(Reminder.recipient.is_in([r.lower() for r in recipients]))
    if rule:
        query = query.where(Reminder.rule == rule)
    return await query.order_by(Reminder.id)


async def keys(*recipients: str, rule: str | None = None) -> set[tuple[str, int, str, str]]:
    """(rule, subject id, occurrence, recipient) of what is recorded for these recipients."""
    return {(r["rule"], r["subject_id"], r["occurrence"], r["recipient"])
            for r in await ledger(*recipients, rule=rule)}


async def outbox(*recipients: str, kind: str = "digest") -> list[dict]:
    """Outbox messages to these recipients, oldest first, attachments decoded."""
    rows = await OutboxMessage.select(OutboxMessage.id).where(
        OutboxMessage.recipient.is_in([r.lower() for r in recipients]), OutboxMessage.kind == kind
    )
    from samverkan.reminders import repository

    return await repository.messages([r["id"] for r in rows]) if rows else []


async def sweep_days(first: date, last: date, *recipients: str, hour: int = 8,
                     rule: str | None = None) -> dict[date, set]:
    """Sweep once a day (at hour, local time) from first to last; what each day newly
    recorded for recipients, for the days that recorded anything."""
    news: dict[date, set] = {}
    seen = await keys(*recipients, rule=rule)
    day = first
    while day <= last:
        await service.sweep(now=at(day, hour))
        now_seen = await keys(*recipients, rule=rule)
        if now_seen - seen:
            news[day] = now_seen - seen
        seen = now_seen
        day += timedelta(days=1)
    return news


# --- mail -------------------------------------------------------------------------------------


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) of the test's own; tests/workspace/test_outbox.py
    imports it too."""
    server = SmtpServer().start()
    yield server
    server.stop()
