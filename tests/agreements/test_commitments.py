"""Commitments (åtaganden): owned by a party of the agreement, confirmed or declined by it, and
followed up; changing what a confirmed commitment says voids the confirmation."""

import pytest


def _key(response) -> str:
    return response.json()["extra"][0]["key"]


def _contact(agreement: dict, party_index: int) -> int:
    return agreement["parties"][party_index]["primary_contact"]["id"]


async def _status(api, commitment: dict, status: str, **extra):
    return await api.post(
        f"/api/commitments/{commitment['id']}/status", json={"status": status, **extra}
    )


async def test_a_commitment_belongs_to_a_party_of_its_agreement(coordinator):
    agreement = await coordinator.agreement()
    other = await coordinator.agreement()
    url = f"/api/agreements/{agreement['id']}/commitments"

    response = await coordinator.post(
        url, json={"party_id": other["parties"][0]["id"], "title": "Fel part"}
    )
    assert response.status_code == 400
    assert _key(response) == "party_id"

    response = await coordinator.post(
        url, json={"party_id": agreement["parties"][0]["id"], "title": "Fel kontakt",
                   "responsible_contact_id": _contact(agreement, 1)},
    )
    assert response.status_code == 400
    assert _key(response) == "responsible_contact_id"
    assert (await coordinator.get(url)).json() == []

    created = await coordinator.commitment(
        agreement, party_index=1, responsible_contact_id=_contact(agreement, 1),
        due_date="2026-06-30", recurrence="yearly",
    )
    assert created["status"] == "proposed"
    assert created["party_id"] == agreement["parties"][1]["id"]
    listed = (await coordinator.get(url, params={"party": agreement["parties"][1]["id"]})).json()
    assert [c["id"] for c in listed] == [created["id"]]


async def test_a_new_owner_cannot_keep_the_old_owners_contact(coordinator):
    agreement = await coordinator.agreement()
    commitment = await coordinator.commitment(
        agreement, party_index=0, responsible_contact_id=_contact(agreement, 0)
    )
    url = f"/api/commitments/{commitment['id']}"
    new_owner = agreement["parties"][1]["id"]

    response = await coordinator.patch(url, json={"party_id": new_owner}, headers={"If-Match": '"1"'})
    assert response.status_code == 400
    assert _key(response) == "responsible_contact_id"
    unchanged = (await coordinator.get(url)).json()
    assert unchanged["party_id"] == agreement["parties"][0]["id"]
    assert unchanged["version"] == 1

    response = await coordinator.patch(
        url, json={"party_id": new_owner, "responsible_contact_id": _contact(agreement, 1)},
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    assert response.json()["party_id"] == new_owner
    assert response.json()["responsible_contact_id"] == _contact(agreement, 1)

    # Handing it back without a contact is fine too.
    response = await coordinator.patch(
        url, json={"party_id": agreement["parties"][0]["id"], "responsible_contact_id": None},
        headers={"If-Match": '"2"'},
    )
    assert response.status_code == 200, response.text
    assert response.json()["responsible_contact_id"] is None


async def test_confirming_records_who_when_and_why(coordinator):
    agreement = await coordinator.agreement()
    commitment = await coordinator.commitment(agreement)
    response = await _status(coordinator, commitment, "confirmed", comment="Vi tar det i budgeten")
    assert response.status_code == 200, response.text
    confirmed = response.json()
    assert confirmed["status"] == "confirmed"
    assert confirmed["confirmed_by"] == coordinator.user.email
    assert confirmed["confirmed_at"] is not None
    assert confirmed["confirmation_comment"] == "Vi tar det i budgeten"
    assert confirmed["status_changed_at"] >= commitment["status_changed_at"]

    events = (await coordinator.get(f"/api/agreements/{agreement['id']}/history")).json()["items"]
    last = events[-1]
    assert (last["action"], last["entity_type"], last["entity_id"]) == (
        "status", "commitment", commitment["id"]
    )
    assert "status" in last["changed"]


async def test_declining_needs_a_comment(coordinator):
    agreement = await coordinator.agreement()
    commitment = await coordinator.commitment(agreement)
    for body in ({}, {"comment": "   "}):
        response = await _status(coordinator, commitment, "declined", **body)
        assert response.status_code == 400
        assert _key(response) == "comment"
    assert (await coordinator.get(f"/api/commitments/{commitment['id']}")).json()["status"] == "proposed"

    response = await _status(coordinator, commitment, "declined", comment="Saknar resurser i år")
    assert response.status_code == 200
    assert response.json()["confirmation_comment"] == "Saknar resurser i år"
    # A declined commitment can be proposed again, which clears the answer.
    response = await _status(coordinator, commitment, "proposed")
    assert response.status_code == 200
    assert response.json()["confirmed_by"] is None


async def test_an_illegal_commitment_move_lists_the_allowed_ones(coordinator):
    agreement = await coordinator.agreement()
    commitment = await coordinator.commitment(agreement)
    response = await _status(coordinator, commitment, "done")
    assert response.status_code == 409
    assert _key(response) == "status"
    assert "allowed: confirmed, declined, cancelled)" in response.json()["detail"]


@pytest.mark.parametrize(
    "change",
    [{"title": "Nytt innehåll"}, {"description": "Fler kontroller"}, {"due_date": "2026-12-31"},
     "owner"],
    ids=["title", "description", "due_date", "owner"],
)
async def test_changing_what_a_confirmed_commitment_says_voids_the_confirmation(coordinator, change):
    agreement = await coordinator.agreement()
    commitment = await coordinator.commitment(agreement, due_date="2026-06-30")
    confirmed = (await _status(coordinator, commitment, "confirmed", comment="Ja")).json()
    if change == "owner":
        change = {"party_id": agreement["parties"][1]["id"]}
    response = await coordinator.patch(
        f"/api/commitments/{commitment['id']}", json=change,
        headers={"If-Match": f'"{confirmed["version"]}"'},
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["status"] == "proposed"
    assert changed["confirmed_by"] is None
    assert changed["confirmed_at"] is None
    assert changed["confirmation_comment"] is None


async def test_a_change_of_substance_to_the_same_value_keeps_the_confirmation(coordinator):
    agreement = await coordinator.agreement()
    commitment = await coordinator.commitment(agreement)
    confirmed = (await _status(coordinator, commitment, "confirmed")).json()
    area = (await coordinator.post(f"/api/agreements/{agreement['id']}/focus-areas",
                                   json={"title": "Trygg skolväg"})).json()
    response = await coordinator.patch(
        f"/api/commitments/{commitment['id']}",
        json={"title": commitment["title"], "focus_area_id": area["id"]},
        headers={"If-Match": f'"{confirmed["version"]}"'},
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "confirmed"
    assert response.json()["confirmed_by"] == coordinator.user.email


async def test_follow_ups_record_an_outcome_per_commitment(coordinator):
    agreement = await coordinator.agreement()
    first = await coordinator.commitment(agreement, party_index=0)
    second = await coordinator.commitment(agreement, party_index=1)
    stranger = await coordinator.commitment(await coordinator.agreement())
    url = f"/api/agreements/{agreement['id']}/follow-ups"
    body = {"date": "2026-06-15", "kind": "steering_group_meeting", "title": "Styrgrupp juni"}

    response = await coordinator.post(url, json={**body, "outcomes": [
        {"commitment_id": first["id"], "outcome": "on_track"},
        {"commitment_id": stranger["id"], "outcome": "achieved"},
    ]})
    assert response.status_code == 400
    assert _key(response) == "outcomes.1.commitment_id"

    response = await coordinator.post(url, json={**body, "outcomes": [
        {"commitment_id": first["id"], "outcome": "on_track"},
        {"commitment_id": first["id"], "outcome": "delayed"},
    ]})
    assert response.status_code == 400
    assert _key(response) == "outcomes"
    assert (await coordinator.get(url)).json() == []

    response = await coordinator.post(url, json={**body, "outcomes": [
        {"commitment_id": first["id"], "outcome": "on_track", "note": "30 kontroller hittills"},
        {"commitment_id": second["id"], "outcome": "delayed"},
    ]})
    assert response.status_code == 201, response.text
    follow_up = response.json()
    assert {(o["commitment_id"], o["outcome"]) for o in follow_up["outcomes"]} == {
        (first["id"], "on_track"), (second["id"], "delayed")
    }

    response = await coordinator.patch(
        f"{url}/{follow_up['id']}",
        json={"outcomes": [{"commitment_id": second["id"], "outcome": "achieved"}]},
        headers={"If-Match": f'"{follow_up["version"]}"'},
    )
    assert response.status_code == 200, response.text
    assert response.json()["outcomes"] == [
        {"commitment_id": second["id"], "outcome": "achieved", "note": ""}
    ]
    response = await coordinator.patch(
        f"{url}/{follow_up['id']}",
        json={"outcomes": [{"commitment_id": stranger["id"], "outcome": "achieved"}]},
        headers={"If-Match": f'"{follow_up["version"] + 1}"'},
    )
    assert response.status_code == 400
    assert _key(response) == "outcomes.0.commitment_id"
    listed = (await coordinator.get(url)).json()
    assert [o["commitment_id"] for o in listed[0]["outcomes"]] == [second["id"]]
