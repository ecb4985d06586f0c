"""The audit trail: every write shows who, when, what and how, and nothing erases it."""

from datetime import datetime

import pytest

from samverkan import clock
from samverkan.audit import service as audit
from samverkan.audit.tables import AuditEvent
from samverkan.db import classify_integrity_error, is_sqlite
from tests.factories import unique


async def last_event_id() -> int:
    row = await AuditEvent.select(AuditEvent.id).order_by(AuditEvent.id, ascending=False).first()
    return row["id"] if row else 0


async def events_since(event_id: int) -> list[dict]:
    return await AuditEvent.select(AuditEvent.id, AuditEvent.action, AuditEvent.entity_type).where(
        AuditEvent.id > event_id
    )


async def test_create_and_update_are_in_the_agreement_history(coordinator, viewer):
    started = clock.now()
    agreement = await coordinator.agreement()
    url = f"/api/agreements/{agreement['id']}"
    title = unique("Ny titel ")
    response = await coordinator.patch(
        url,
        json={"title": title, "purpose": "Minska otryggheten i centrum"},
        headers={"If-Match": f'"{agreement["version"]}"'},
    )
    assert response.status_code == 200, response.text
    finished = clock.now()

    # Anyone who may read the agreement may read its history.
    history = await viewer.get(f"{url}/history")
    assert history.status_code == 200, history.text
    page = history.json()
    assert page["total"] == len(page["items"]) == 2
    created, updated = page["items"]

    assert created["action"] == "create" and created["entity_type"] == "agreement"
    assert created["before"] is None
    assert created["after"]["title"] == agreement["title"]

    assert updated["action"] == "update"
    assert updated["actor"] == coordinator.user.email
    assert updated["actor_id"] == coordinator.user.id
    assert started <= datetime.fromisoformat(updated["occurred_at"]) <= finished
    assert updated["before"]["title"] == agreement["title"]
    assert updated["after"]["title"] == title
    assert updated["after"]["purpose"] == "Minska otryggheten i centrum"
    assert {"title", "purpose"} <= set(updated["changed"])
    assert not {"version", "period_start", "kind", "parties"} & set(updated["changed"])


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET actor = 'förfalskad' WHERE id = {}",
                                       "DELETE FROM audit_event WHERE id = {}"])
async def test_the_database_refuses_to_change_the_audit_trail(coordinator, statement):
    organization = await coordinator.organization()
    [event] = await audit.entity_history("organization", organization["id"])

    with pytest.raises(Exception) as refused:
        await AuditEvent.raw(statement, event.id)
    refusal = classify_integrity_error(refused.value)
    assert refusal is not None and refusal.kind == "append_only", refused.value

    [still] = await audit.entity_history("organization", organization["id"])
    assert still == event


async def test_truncate_cannot_empty_the_audit_trail(coordinator):
    organization = await coordinator.organization()
    # SQLite has no TRUNCATE; a DELETE without WHERE is its equivalent.
    statement = "DELETE FROM audit_event" if is_sqlite() else "TRUNCATE audit_event"
    with pytest.raises(Exception) as refused:
        await AuditEvent.raw(statement)
    refusal = classify_integrity_error(refused.value)
    assert refusal is not None and refusal.kind == "append_only", refused.value
    assert len(await audit.entity_history("organization", organization["id"])) == 1


async def test_a_stale_update_leaves_no_audit_event(coordinator):
    agreement = await coordinator.agreement()
    url = f"/api/agreements/{agreement['id']}"
    stale = f'"{agreement["version"]}"'
    assert (await coordinator.patch(url, json={"title": unique()}, headers={"If-Match": stale})
            ).status_code == 200
    before = await last_event_id()
    response = await coordinator.patch(url, json={"title": unique()}, headers={"If-Match": stale})
    assert response.status_code == 412
    assert await events_since(before) == []
    assert (await coordinator.get(f"{url}/history")).json()["total"] == 2


async def test_a_duplicate_org_number_leaves_no_audit_event(coordinator):
    first = await coordinator.organization()
    before = await last_event_id()
    response = await coordinator.post(
        "/api/organizations",
        json={"name": unique("Dubblett "), "kind": "agency", "org_number": first["org_number"]},
    )
    assert response.status_code == 409
    assert await events_since(before) == []


async def test_a_write_that_fails_after_its_event_takes_the_event_with_it(
    coordinator, monkeypatch
):
    """A write and its audit event are committed together or not at all."""
    organization = await coordinator.organization()
    record = audit.record

    async def record_then_fail(*args, **kwargs):
        await record(*args, **kwargs)
        raise RuntimeError("simulated failure after the audit event was written")

    monkeypatch.setattr(audit, "record", record_then_fail)
    url = f"/api/organizations/{organization['id']}"
    response = await coordinator.patch(url, json={"name": unique("Aldrig ")},
                                       headers={"If-Match": '"1"'})
    assert response.status_code == 500
    monkeypatch.undo()

    unchanged = (await coordinator.get(url)).json()
    assert unchanged["name"] == organization["name"] and unchanged["version"] == 1
    events = await audit.entity_history("organization", organization["id"])
    assert [event.action for event in events] == ["create"]
