"""The agreement lifecycle: only the allowed moves, signatures before activation, replacing an
earlier agreement, and closed agreements that nobody can change."""


def _key(response) -> str:
    return response.json()["extra"][0]["key"]


async def _history_actions(api, agreement: dict) -> list[tuple[str, str]]:
    events = (await api.get(f"/api/agreements/{agreement['id']}/history")).json()["items"]
    return [(event["action"], event["entity_type"]) for event in events]


async def test_the_whole_lifecycle_from_draft_to_ended(coordinator):
    agreement = await coordinator.agreement()
    await coordinator.sign_all(agreement)
    path = ["in_preparation", "awaiting_signature", "active", "under_revision", "active", "ended"]
    version = (await coordinator.fresh(agreement))["version"]
    for status in path:
        response = await coordinator.move(agreement, status, comment=f"Till {status}")
        assert response.status_code == 200, (status, response.text)
        assert response.json()["status"] == status
        assert response.json()["version"] == version + 1
        assert response.headers["etag"] == f'"{version + 1}"'
        version += 1
    assert (await coordinator.fresh(agreement))["status"] == "ended"

    events = (await coordinator.get(f"/api/agreements/{agreement['id']}/history")).json()["items"]
    moves = [e["after"]["status"] for e in events if e["action"] == "status"]
    assert moves == path
    assert events[-1]["after"]["comment"] == "Till ended"
    assert events[-1]["actor"] == coordinator.user.email


async def test_an_illegal_jump_is_refused_listing_the_allowed_moves(coordinator):
    agreement = await coordinator.agreement()
    response = await coordinator.move(agreement, "active")
    assert response.status_code == 409
    assert _key(response) == "status"
    detail = response.json()["detail"]
    assert "allowed: in_preparation)" in detail
    assert "tillåtet: under beredning" in detail
    assert (await coordinator.fresh(agreement))["status"] == "draft"

    active = await coordinator.activate(await coordinator.agreement())
    response = await coordinator.move(active, "draft")
    assert response.status_code == 409
    # Always the same order, the lifecycle's, whatever the process's hash seed.
    assert "allowed: under_revision, ended, superseded)" in response.json()["detail"]
    assert "tillåtet: under revidering, avslutad, ersatt" in response.json()["detail"]


async def test_activation_needs_a_signatory_and_a_signature_from_every_party(coordinator):
    agreement = await coordinator.agreement()
    url = f"/api/agreements/{agreement['id']}"
    first, second = agreement["parties"]
    assert (await coordinator.move(agreement, "in_preparation")).status_code == 200

    response = await coordinator.move(agreement, "awaiting_signature")
    assert response.status_code == 409
    assert _key(response) == "parties"
    assert first["organization"]["name"] in response.json()["detail"]
    assert second["organization"]["name"] in response.json()["detail"]

    # A date of signature without who signed is refused.
    response = await coordinator.patch(
        f"{url}/parties/{first['id']}", json={"signed_on": "2026-01-10"},
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 400
    assert _key(response) == "signatory_name"

    for party in (first, second):
        response = await coordinator.patch(
            f"{url}/parties/{party['id']}",
            json={"signatory_name": "Lars Lokalpolis", "signatory_title": "Lokalpolisområdeschef"},
            headers={"If-Match": '"1"'},
        )
        assert response.status_code == 200, response.text
    assert (await coordinator.move(agreement, "awaiting_signature")).status_code == 200

    response = await coordinator.patch(
        f"{url}/parties/{first['id']}",
        json={"signed_on": "2026-01-12", "signed_place": "Luleå", "signature_method": "paper"},
        headers={"If-Match": '"2"'},
    )
    assert response.status_code == 200, response.text
    response = await coordinator.move(agreement, "active")
    assert response.status_code == 409
    assert _key(response) == "parties"
    assert second["organization"]["name"] in response.json()["detail"]
    assert first["organization"]["name"] not in response.json()["detail"]
    assert (await coordinator.fresh(agreement))["status"] == "awaiting_signature"

    response = await coordinator.patch(
        f"{url}/parties/{second['id']}",
        json={"signed_on": "2026-01-13", "signature_method": "e_signature"},
        headers={"If-Match": '"2"'},
    )
    assert response.status_code == 200, response.text
    assert (await coordinator.move(agreement, "active")).json()["status"] == "active"


async def test_activating_a_successor_supersedes_its_predecessor(coordinator):
    predecessor = await coordinator.activate(await coordinator.agreement())
    successor = await coordinator.agreement(supersedes_id=predecessor["id"])
    assert (await coordinator.fresh(predecessor))["status"] == "active"

    await coordinator.activate(successor)
    assert (await coordinator.fresh(successor))["status"] == "active"
    assert (await coordinator.fresh(predecessor))["status"] == "superseded"
    events = (await coordinator.get(f"/api/agreements/{predecessor['id']}/history")).json()["items"]
    assert events[-1]["action"] == "status"
    assert events[-1]["after"] == {"status": "superseded", "superseded_by": successor["id"]}


async def test_a_successor_leaves_a_predecessor_that_already_ended_alone(coordinator):
    predecessor = await coordinator.activate(await coordinator.agreement())
    assert (await coordinator.move(predecessor, "ended")).status_code == 200
    successor = await coordinator.agreement(supersedes_id=predecessor["id"])
    await coordinator.activate(successor)
    assert (await coordinator.fresh(predecessor))["status"] == "ended"


async def test_an_ended_agreement_is_read_only(coordinator):
    agreement = await coordinator.activate(await coordinator.agreement())
    commitment = await coordinator.commitment(agreement)
    ended = (await coordinator.move(agreement, "ended")).json()
    url = f"/api/agreements/{agreement['id']}"
    if_match = {"If-Match": f'"{ended["version"]}"'}

    response = await coordinator.patch(url, json={"title": "Ändrad i efterhand"}, headers=if_match)
    assert response.status_code == 409
    assert _key(response) == "status"
    assert "avslutad" in response.json()["detail"]

    party = ended["parties"][0]
    refused = [
        await coordinator.patch(f"{url}/parties/{party['id']}", json={"role": "Annan"},
                                headers={"If-Match": f'"{party["version"]}"'}),
        await coordinator.post(f"{url}/focus-areas", json={"title": "Trygg vinter"}),
        await coordinator.post(f"{url}/commitments",
                               json={"party_id": party["id"], "title": "Sent åtagande"}),
        await coordinator.patch(f"/api/commitments/{commitment['id']}", json={"title": "Ny"},
                                headers={"If-Match": f'"{commitment["version"]}"'}),
        await coordinator.post(f"/api/commitments/{commitment['id']}/status",
                               json={"status": "confirmed"}),
        await coordinator.move(agreement, "active"),
    ]
    assert [r.status_code for r in refused] == [409] * len(refused)
    assert "allowed: none)" in refused[-1].json()["detail"]

    after = await coordinator.fresh(agreement)
    assert after["title"] == ended["title"]
    assert after["version"] == ended["version"]
    assert after["status"] == "ended"
