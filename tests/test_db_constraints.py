"""The database's own constraints hold whatever bypasses the API's validation, on both engines,
and a refusal that reaches the API is a 4xx, never a 500."""

from datetime import date

import pytest

from samverkan import clock
from samverkan.accounts.tables import User
from samverkan.agreements.tables import Agreement, Commitment
from samverkan.audit.tables import AuditEvent
from samverkan.db import classify_integrity_error
from samverkan.registry import repository as registry_repository
from samverkan.registry.tables import Contact, Organization
from tests.factories import org_number, unique

# The direct inserts need the migrated schema the `database` fixture sets up.
pytestmark = pytest.mark.usefixtures("database")


def organization_row(**values) -> Organization:
    now = clock.now()
    return Organization(
        **{"name": unique("Direkt "), "kind": "agency", "org_number": org_number("2"),
           "created_at": now, "updated_at": now, **values}
    )


def agreement_row(**values) -> Agreement:
    now = clock.now()
    return Agreement(
        **{"title": unique("Direkt "), "kind": "action_plan", "period_start": date(2026, 1, 1),
           "created_at": now, "updated_at": now, **values}
    )


async def refused(query, kind: str) -> None:
    """Run query and expect the database to refuse it with a constraint of kind."""
    with pytest.raises(Exception) as caught:
        await query
    refusal = classify_integrity_error(caught.value)
    assert refusal is not None, f"not an integrity error: {caught.value!r}"
    assert refusal.kind == kind, refusal.detail


async def test_a_valid_row_goes_in():
    # So the refusals below are about the one bad value, not the rest of the row.
    row = organization_row()
    await Organization.insert(row)
    assert await Organization.exists().where(Organization.org_number == row.org_number)


@pytest.mark.parametrize(
    "values",
    [{"kind": "church"}, {"org_number": "5566778899"}, {"name": "   "}],
    ids=["kind", "org_number_format", "blank_name"],
)
async def test_checks_on_organizations(values):
    row = organization_row(**values)
    await refused(Organization.insert(row), "check")
    assert not await Organization.exists().where(Organization.org_number == row.org_number)


@pytest.mark.parametrize(
    "values",
    [{"status": "archived"}, {"kind": "contract"}, {"period_end": date(2025, 12, 31)}],
    ids=["status", "kind", "period_order"],
)
async def test_checks_on_agreements(values):
    row = agreement_row(**values)
    await refused(Agreement.insert(row), "check")
    assert not await Agreement.exists().where(Agreement.title == row.title)


async def test_a_check_also_holds_for_updates():
    [created] = await Agreement.insert(agreement_row())
    await refused(
        Agreement.update({Agreement.status: "archived"}).where(Agreement.id == created["id"]),
        "check",
    )
    row = await Agreement.select(Agreement.status).where(Agreement.id == created["id"]).first()
    assert row["status"] == "draft"


async def test_user_roles_and_addresses_are_checked():
    base = {"name": "Direkt", "password_hash": "$argon2id$x", "active": True,
            "created_at": clock.now()}
    await refused(
        User.insert(User(email=f"{unique()}@example.se", role="superuser", **base)), "check"
    )
    await refused(User.insert(User(email=unique("ingen-snabel-a"), role="viewer", **base)), "check")


async def test_a_duplicate_org_number_is_refused_by_a_unique_index():
    first = organization_row()
    await Organization.insert(first)
    await refused(Organization.insert(organization_row(org_number=first.org_number)), "unique")
    count = await Organization.count().where(Organization.org_number == first.org_number)
    assert count == 1


async def test_foreign_keys_are_enforced():
    now = clock.now()
    contact = Contact(organization=2_000_000_000, name="Ingen", email="ingen@example.se",
                      language="sv", created_at=now, updated_at=now)
    await refused(Contact.insert(contact), "foreign_key")

    [organization] = await Organization.insert(organization_row())
    await Contact.insert(Contact(organization=organization["id"], name="Finns",
                                 email="finns@example.se", language="sv",
                                 created_at=now, updated_at=now))
    # An organisation with contacts cannot be deleted from under them (ON DELETE RESTRICT).
    await refused(
        Organization.delete().where(Organization.id == organization["id"]), "foreign_key"
    )
    assert await Organization.exists().where(Organization.id == organization["id"])


async def test_a_commitment_needs_an_existing_party():
    [agreement] = await Agreement.insert(agreement_row())
    now = clock.now()
    commitment = Commitment(agreement=agreement["id"], party=2_000_000_000, title="Åtagande",
                            status="proposed", status_changed_at=now, created_at=now,
                            updated_at=now)
    await refused(Commitment.insert(commitment), "foreign_key")


async def test_the_api_answers_a_database_refusal_with_409(coordinator, monkeypatch):
    """If the service's own duplicate check misses (a race, or a bug), the unique index
    still refuses, and the client gets a conflict rather than an internal error."""
    first = await coordinator.organization()

    async def never_taken(*_args, **_kwargs) -> bool:
        return False

    monkeypatch.setattr(registry_repository, "org_number_taken", never_taken)
    before = await last_event_id()
    response = await coordinator.post(
        "/api/organizations",
        json={"name": unique("Kapplöpning "), "kind": "agency", "org_number": first["org_number"]},
    )
    assert response.status_code == 409, response.text
    assert response.json()["detail"].startswith("Uppgiften finns redan")
    assert await Organization.count().where(Organization.org_number == first["org_number"]) == 1
    assert not await AuditEvent.exists().where(AuditEvent.id > before)


async def last_event_id() -> int:
    row = await AuditEvent.select(AuditEvent.id).order_by(AuditEvent.id, ascending=False).first()
    return row["id"] if row else 0
