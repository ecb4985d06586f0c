"""What a party does with its own commitments (through the partner portal): confirm or
decline what is proposed, report progress on what it confirmed – and nothing of others'."""

from datetime import timedelta

import pytest

from samverkan import clock, events
from samverkan.actor import Actor
from samverkan.agreements import service
from samverkan.agreements.schemas import PartyResponse, ProgressReportCreate
from samverkan.db import write_transaction
from samverkan.errors import Conflict, InvalidInput, NotFound

PARTNER = Actor(id=None, label="partner@example.se")


async def _live_agreement(coordinator) -> dict:
    agreement = await coordinator.agreement()
    response = await coordinator.move(agreement, "in_preparation")
    assert response.status_code == 200, response.text
    return agreement


def _organization(agreement: dict, party_index: int) -> int:
    return agreement["parties"][party_index]["organization"]["id"]


async def _respond(commitment: dict, organization_id: int, confirm: bool, comment=None):
    async with write_transaction():
        return await service.respond_as_party(
            PARTNER, commitment["id"], organization_id, PartyResponse(comment=comment),
            confirm=confirm,
        )


async def _report(commitment: dict, organization_id: int, status: str, note="", as_of=None):
    async with write_transaction():
        return await service.report_progress(
            PARTNER, commitment["id"], organization_id,
            ProgressReportCreate(status=status, note=note, as_of=as_of or clock.today()),
        )


async def test_a_party_confirms_and_declines_only_its_own_commitments(coordinator):
    agreement = await _live_agreement(coordinator)
    own = await coordinator.commitment(agreement, party_index=0)
    declined = await coordinator.commitment(agreement, party_index=0)
    others = await coordinator.commitment(agreement, party_index=1)
    mine = _organization(agreement, 0)

    with pytest.raises(NotFound):
        await _respond(others, mine, confirm=True)
    with pytest.raises(NotFound):
        await _respond({"id": 2**31 - 1}, mine, confirm=True)

    confirmed = await _respond(own, mine, confirm=True, comment="Vi tar det")
    assert confirmed.status == "confirmed"
    assert confirmed.confirmed_by == PARTNER.label

    with pytest.raises(InvalidInput) as refused:
        await _respond(declined, mine, confirm=False, comment="   ")
    assert refused.value.field == "comment"
    result = await _respond(declined, mine, confirm=False, comment="Ingår inte i vårt uppdrag")
    assert result.status == "declined"
    assert result.confirmation_comment == "Ingår inte i vårt uppdrag"

    with pytest.raises(Conflict):  # answered already
        await _respond(own, mine, confirm=False, comment="Ångrar oss")

    assert (await coordinator.get(f"/api/commitments/{others['id']}")).json()["status"] == "proposed"
    history = (await coordinator.get(f"/api/agreements/{agreement['id']}/history")).json()["items"]
    responses = [e for e in history if e["entity_type"] == "commitment" and e["action"] == "status"]
    assert {(e["entity_id"], e["actor"]) for e in responses} == {
        (own["id"], PARTNER.label), (declined["id"], PARTNER.label)
    }


async def test_a_draft_is_not_shown_to_its_parties(coordinator):
    agreement = await coordinator.agreement()
    commitment = await coordinator.commitment(agreement, party_index=0)
    organization = _organization(agreement, 0)

    assert agreement["id"] not in await service.agreement_ids_with_party(organization)
    with pytest.raises(NotFound):
        await _respond(commitment, organization, confirm=True)

    await coordinator.move(agreement, "in_preparation")
    assert agreement["id"] in await service.agreement_ids_with_party(organization)
    assert agreement["id"] not in await service.agreement_ids_with_party(
        _organization(await coordinator.agreement(), 0)
    )


async def test_progress_reports_move_the_commitment_and_keep_their_history(coordinator):
    agreement = await _live_agreement(coordinator)
    commitment = await coordinator.commitment(agreement, party_index=1)
    owner = _organization(agreement, 1)

    with pytest.raises(Conflict):  # not confirmed yet
        await _report(commitment, owner, "in_progress")
    await _respond(commitment, owner, confirm=True)

    with pytest.raises(NotFound):
        await _report(commitment, _organization(agreement, 0), "in_progress")
    with pytest.raises(InvalidInput) as refused:
        await _report(commitment, owner, "in_progress", as_of=clock.today() + timedelta(days=2))
    assert refused.value.field == "as_of"

    first = await _report(commitment, owner, "in_progress", note="Två av fyra trygghetsvandringar",
                          as_of=clock.today() - timedelta(days=3))
    await _report(commitment, owner, "in_progress", note="Tre av fyra")
    last = await _report(commitment, owner, "done", note="Alla fyra genomförda")

    current = (await coordinator.get(f"/api/commitments/{commitment['id']}")).json()
    assert current["status"] == "done"
    reports = (await coordinator.get(f"/api/commitments/{commitment['id']}/reports")).json()
    assert [r["note"] for r in reports] == [
        "Alla fyra genomförda", "Tre av fyra", "Två av fyra trygghetsvandringar"
    ]
    assert reports[-1]["as_of"] == first.as_of.isoformat()
    assert reports[0]["id"] == last.id and reports[0]["reported_by"] == PARTNER.label

    with pytest.raises(Conflict):  # done is done
        await _report(commitment, owner, "in_progress")
    history = (await coordinator.get(f"/api/agreements/{agreement['id']}/history")).json()["items"]
    assert sum(e["entity_type"] == "progress_report" for e in history) == 3


async def test_reports_of_an_unknown_commitment_are_not_found(coordinator):
    response = await coordinator.get("/api/commitments/2147483647/reports")
    assert response.status_code == 404


async def test_changing_a_confirmed_commitment_asks_the_party_again(coordinator, monkeypatch):
    agreement = await _live_agreement(coordinator)
    commitment = await coordinator.commitment(agreement, party_index=0)
    owner = _organization(agreement, 0)
    confirmed = await _respond(commitment, owner, confirm=True)
    announced = []

    async def record(commitment_id: int) -> None:
        announced.append(commitment_id)

    events.subscribe(events.COMMITMENT_CONFIRMATION_RESET, record)
    try:
        url = f"/api/commitments/{commitment['id']}"
        response = await coordinator.patch(
            url, json={"responsible_contact_id": None},
            headers={"If-Match": f'"{confirmed.version}"'},
        )
        assert response.status_code == 200
        assert response.json()["status"] == "confirmed"  # who answers is not what was promised
        assert announced == []

        response = await coordinator.patch(
            url, json={"due_date": "2027-03-31"},
            headers={"If-Match": f'"{response.json()["version"]}"'},
        )
        assert response.status_code == 200
        assert response.json()["status"] == "proposed"
        assert response.json()["confirmed_by"] is None
        assert announced == [commitment["id"]]
    finally:
        events._handlers[events.COMMITMENT_CONFIRMATION_RESET].remove(record)
