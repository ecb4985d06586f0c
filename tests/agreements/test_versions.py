"""Versions and ETags: nobody overwrites a change they have not seen, and a change anywhere in
an agreement gives the agreement a new version."""

import asyncio


def _key(response) -> str:
    return response.json()["extra"][0]["key"]


async def test_get_sends_the_version_as_etag(coordinator):
    agreement = await coordinator.agreement()
    response = await coordinator.get(f"/api/agreements/{agreement['id']}")
    assert response.headers["etag"] == '"1"'
    commitment = await coordinator.commitment(agreement)
    response = await coordinator.get(f"/api/commitments/{commitment['id']}")
    assert response.headers["etag"] == '"1"'
    response = await coordinator.get(f"/api/agreements/{agreement['id']}")
    assert response.headers["etag"] == f'"{response.json()["version"]}"' == '"2"'


async def test_a_change_without_if_match_is_refused_with_428(coordinator):
    agreement = await coordinator.agreement()
    commitment = await coordinator.commitment(agreement)
    for url in (f"/api/agreements/{agreement['id']}", f"/api/commitments/{commitment['id']}",
                f"/api/agreements/{agreement['id']}/parties/{agreement['parties'][0]['id']}"):
        body = {"role": "Ny roll"} if "parties" in url else {"title": "Utan If-Match"}
        response = await coordinator.patch(url, json=body)
        assert response.status_code == 428, (url, response.text)
        assert _key(response) == "If-Match"
    after = await coordinator.fresh(agreement)
    assert after["title"] == agreement["title"]
    assert after["commitments"][0]["title"] == commitment["title"]


async def test_a_stale_if_match_is_refused_and_changes_nothing(coordinator):
    agreement = await coordinator.agreement()
    url = f"/api/agreements/{agreement['id']}"
    first = await coordinator.patch(url, json={"purpose": "Tryggare centrum"},
                                    headers={"If-Match": '"1"'})
    assert first.status_code == 200 and first.headers["etag"] == '"2"'

    second = await coordinator.patch(
        url, json={"title": "Föråldrad ändring", "municipality_codes": ["0180"]},
        headers={"If-Match": '"1"'},
    )
    assert second.status_code == 412
    assert _key(second) == "If-Match"
    after = (await coordinator.get(url)).json()
    assert after["title"] == agreement["title"]
    assert after["purpose"] == "Tryggare centrum"
    assert after["municipality_codes"] == ["2580"]
    assert after["version"] == 2

    assert (await coordinator.patch(url, json={"title": "Svagt ETag"},
                                    headers={"If-Match": 'W/"2"'})).status_code == 200
    assert (await coordinator.patch(url, json={"title": "Nonsens"},
                                    headers={"If-Match": "senaste"})).status_code == 412


async def test_a_stale_status_change_is_refused(coordinator):
    agreement = await coordinator.agreement()
    response = await coordinator.post(
        f"/api/agreements/{agreement['id']}/status", json={"status": "in_preparation"},
        headers={"If-Match": '"0"'},
    )
    assert response.status_code == 412
    assert (await coordinator.fresh(agreement))["status"] == "draft"


async def test_a_change_to_anything_in_an_agreement_gives_it_a_new_version(coordinator):
    agreement = await coordinator.agreement()
    url = f"/api/agreements/{agreement['id']}"
    party = agreement["parties"][0]

    async def version() -> int:
        return (await coordinator.fresh(agreement))["version"]

    assert await version() == 1
    response = await coordinator.patch(f"{url}/parties/{party['id']}", json={"role": "Kommun"},
                                       headers={"If-Match": '"1"'})
    assert response.status_code == 200 and response.json()["version"] == 2
    assert await version() == 2

    commitment = await coordinator.commitment(agreement)
    assert await version() == 3
    response = await coordinator.patch(f"/api/commitments/{commitment['id']}",
                                       json={"description": "Varje vecka"},
                                       headers={"If-Match": '"1"'})
    assert response.status_code == 200
    assert await version() == 4
    await coordinator.post(f"/api/commitments/{commitment['id']}/status", json={"status": "confirmed"})
    assert await version() == 5

    # Someone who read version 1 cannot now overwrite what the parties see.
    response = await coordinator.patch(url, json={"title": "Gammal bild"}, headers={"If-Match": '"1"'})
    assert response.status_code == 412
    response = await coordinator.patch(url, json={"title": "Aktuell bild"}, headers={"If-Match": '"5"'})
    assert response.status_code == 200
    assert response.headers["etag"] == '"6"'


async def test_two_concurrent_changes_from_the_same_version_one_wins(coordinator):
    agreement = await coordinator.agreement()
    url = f"/api/agreements/{agreement['id']}"
    responses = await asyncio.gather(
        coordinator.patch(url, json={"title": "Första samtidiga"}, headers={"If-Match": '"1"'}),
        coordinator.patch(url, json={"title": "Andra samtidiga"}, headers={"If-Match": '"1"'}),
    )
    assert sorted(r.status_code for r in responses) == [200, 412], [r.text for r in responses]
    winner = next(r for r in responses if r.status_code == 200).json()
    after = await coordinator.fresh(agreement)
    assert after["title"] == winner["title"]
    assert after["version"] == 2


async def test_two_concurrent_commitment_changes_from_the_same_version_one_wins(coordinator):
    agreement = await coordinator.agreement()
    commitment = await coordinator.commitment(agreement)
    url = f"/api/commitments/{commitment['id']}"
    responses = await asyncio.gather(*[
        coordinator.patch(url, json={"description": f"Version {i}"}, headers={"If-Match": '"1"'})
        for i in range(3)
    ])
    assert sorted(r.status_code for r in responses) == [200, 412, 412], [r.text for r in responses]
    winner = next(r for r in responses if r.status_code == 200).json()
    assert (await coordinator.get(url)).json()["description"] == winner["description"]
