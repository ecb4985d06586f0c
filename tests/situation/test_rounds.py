"""Input rounds and the joint picture: each party brings its values and observations, the
coordinator accepts or returns them, and one picture shows them period by period."""

import csv
import io

import pytest

from samverkan.situation import service
from samverkan.situation.service import Audience


async def _live(api, parties: int = 3) -> dict:
    agreement = await api.agreement(parties=parties)
    assert (await api.move(agreement, "in_preparation")).status_code == 200
    return await api.fresh(agreement)


async def test_two_parties_submit_one_is_returned_and_the_picture_shows_changes_and_goals(
    coordinator,
):
    codes = await coordinator.indicators()
    crime, unsafe = codes["anmald_skadegorelse"], codes["ntu_otrygghet_kvall"]
    agreement = await _live(coordinator)
    police, municipality, housing = (p["id"] for p in agreement["parties"])
    goal = await coordinator.post(f"/api/agreements/{agreement['id']}/goals", json={
        "title": "Minskad skadegörelse", "indicator_id": crime["id"], "baseline": 120,
        "target": 80,
    })
    assert goal.status_code == 201, goal.text
    requests = [{"party_id": police, "indicator_ids": [crime["id"]]},
                {"party_id": municipality, "indicator_ids": [unsafe["id"]]},
                {"party_id": housing, "indicator_ids": [crime["id"]]}]
    first = await coordinator.round(agreement, "2026-Q1", "2026-04-15", requests)
    second = await coordinator.round(agreement, "2026-Q2", "2026-07-15", requests)

    await coordinator.submit_input(first, police, [{"indicator_id": crime["id"], "value": 110}])
    await coordinator.submit_input(first, municipality,
                                   [{"indicator_id": unsafe["id"], "value": 31}])

    await coordinator.submit_input(second, police,
                                   [{"indicator_id": crime["id"], "value": 95},
                                   {"indicator_id": crime["id"], "place": "Centrum", "value": 40}],
                                   observations="Färre skadegörelser kring resecentrum.")
    wrong = await coordinator.submit_input(second, municipality,
                                           [{"indicator_id": unsafe["id"], "value": 290}])
    url = f"/api/rounds/{second['id']}/inputs/{municipality}"
    returned = await coordinator.post(f"{url}/return",
                                      json={"comment": "290 % kan inte stämma – procent?"})
    assert returned.status_code == 200, returned.text
    assert returned.json()["status"] == "returned"
    # Returned, it no longer counts: the picture says what is missing from whom.
    picture = (await coordinator.get(f"/api/agreements/{agreement['id']}/situation")).json()
    assert picture["round"]["period"] == "2026-Q2"
    assert picture["periods"] == ["2026-Q1", "2026-Q2"]
    missing = {m["party_id"]: m for m in picture["missing"]}
    assert missing[municipality] == {"party_id": municipality, "organization": missing[municipality]["organization"],
                                     "indicator_ids": [unsafe["id"]], "submitted": False}
    assert missing[housing]["indicator_ids"] == [crime["id"]]
    assert police not in missing

    again = await coordinator.put(url, json={"values": [{"indicator_id": unsafe["id"], "value": 29}]},
                                  headers={"If-Match": f'"{returned.json()["version"]}"'})
    assert again.status_code == 200, again.text
    assert (await coordinator.post(f"{url}/submit")).json()["status"] == "submitted"
    accepted = await coordinator.post(f"{url}/accept")
    assert accepted.json()["status"] == "accepted"
    assert wrong["version"] < accepted.json()["version"]

    picture = (await coordinator.get(f"/api/agreements/{agreement['id']}/situation")).json()
    blocks = {b["indicator"]["code"]: b for b in picture["indicators"]}
    crime_rows = {(r["party_id"], r["place"]): r for r in blocks["anmald_skadegorelse"]["rows"]}
    whole = crime_rows[(police, "")]
    assert (whole["value"], whole["previous"], whole["change"]) == (95, 110, -15)
    assert [h["value"] for h in whole["history"]] == [110, 95]
    assert whole["distances"] == [{"goal_id": goal.json()["id"], "from_baseline": -25,
                                   "to_target": -15, "progress": 0.625}]
    assert crime_rows[(police, "Centrum")]["previous"] is None
    assert crime_rows[(housing, "")]["value"] is None  # asked for, not given
    unsafe_row = blocks["ntu_otrygghet_kvall"]["rows"][0]
    assert (unsafe_row["value"], unsafe_row["previous"], unsafe_row["change"]) == (29, 31, -2)
    assert blocks["anmald_skadegorelse"]["goals"][0]["target"] == 80
    assert [o["text"] for o in picture["observations"]] == ["Färre skadegörelser kring resecentrum."]
    assert [m["party_id"] for m in picture["missing"]] == [housing]

    earlier = (await coordinator.get(f"/api/agreements/{agreement['id']}/situation",
                                     params={"round": first["id"]})).json()
    assert earlier["periods"] == ["2026-Q1"]
    history = (await coordinator.get(f"/api/agreements/{agreement['id']}/history")).json()["items"]
    actions = [e["action"] for e in history if e["entity_type"] == "situation_input"]
    assert actions.count("return") == 1 and actions.count("accept") == 1


async def test_an_internal_input_is_seen_by_its_party_and_coordinators_only(coordinator):
    codes = await coordinator.indicators()
    indicator = codes["orosanmalningar_unga"]
    agreement = await _live(coordinator)
    police, municipality, _ = (p["id"] for p in agreement["parties"])
    requests = [{"party_id": municipality, "indicator_ids": [indicator["id"]]},
                {"party_id": police, "indicator_ids": [indicator["id"]]}]
    round_ = await coordinator.round(agreement, "2026-T1", "2026-05-10", requests)
    await coordinator.submit_input(round_, municipality,
                                   [{"indicator_id": indicator["id"], "value": 17}],
                                   observations="Tre familjer med oro – sekretess.", internal=True)
    await coordinator.submit_input(round_, police, [{"indicator_id": indicator["id"], "value": 5}])

    def values(picture) -> dict:
        return {r.party_id: r.value for b in picture.indicators for r in b.rows}

    everyone = await service.joint_picture(agreement["id"])
    assert values(everyone) == {municipality: 17, police: 5}
    assert [o.internal for o in everyone.observations] == [True]

    own = await service.joint_picture(agreement["id"], audience=Audience(frozenset({municipality})))
    assert values(own)[municipality] == 17

    other = await service.joint_picture(agreement["id"], audience=Audience(frozenset({police})))
    assert values(other) == {police: 5}  # not even an empty row for the internal one
    assert other.observations == [] and other.missing == []
    assert "sekretess" not in other.model_dump_json()

    exported = await coordinator.get(f"/api/agreements/{agreement['id']}/situation.csv")
    assert exported.status_code == 200
    text = exported.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:5] == ["indikator", "namn", "enhet", "part", "plats"]
    assert "17" not in [cell for row in rows[1:] for cell in row[5:]]
    assert any(row[-2] == "5" for row in rows[1:])


async def test_rounds_refuse_what_cannot_be(coordinator, viewer):
    codes = await coordinator.indicators()
    indicator = codes["anlagda_brander"]
    draft = await coordinator.agreement()
    url = f"/api/agreements/{draft['id']}/rounds"
    body = {"period": "2026-H1", "deadline": "2026-07-31",
            "requests": [{"party_id": draft["parties"][0]["id"], "indicator_ids": [indicator["id"]]}]}
    assert (await coordinator.post(url, json=body)).status_code == 409  # a draft

    agreement = await _live(coordinator, parties=2)
    url = f"/api/agreements/{agreement['id']}/rounds"
    body["requests"][0]["party_id"] = agreement["parties"][0]["id"]
    for change, field in [({"period": "2026-H3"}, "period"),
                          ({"deadline": "2025-12-31"}, "deadline"),
                          ({"requests": [{"party_id": draft["parties"][0]["id"],
                                          "indicator_ids": [indicator["id"]]}]},
                           "requests.0.party_id"),
                          ({"requests": [{"party_id": agreement["parties"][0]["id"],
                                          "indicator_ids": [2147483647]}]},
                           "requests.0.indicator_ids")]:
        response = await coordinator.post(url, json={**body, **change})
        assert response.status_code == 400, (change, response.text)
        assert response.json()["extra"][0]["key"] == field
    assert (await viewer.post(url, json=body)).status_code == 403
    created = await coordinator.post(url, json=body)
    assert created.status_code == 201
    assert created.json()["period_end"] == "2026-06-30"
    assert (await coordinator.post(url, json=body)).status_code == 409  # the same period twice

    round_url = f"/api/rounds/{created.json()['id']}"
    party = agreement["parties"][0]["id"]
    bad = await coordinator.put(f"{round_url}/inputs/{party}",
                                json={"values": [{"indicator_id": indicator["id"], "value": "NaN"}]})
    assert bad.status_code == 400
    twice = await coordinator.put(f"{round_url}/inputs/{party}", json={"values": [
        {"indicator_id": indicator["id"], "value": 1}, {"indicator_id": indicator["id"], "value": 2}]})
    assert twice.status_code == 400
    stranger = await coordinator.put(f"{round_url}/inputs/{draft['parties'][0]['id']}", json={})
    assert stranger.status_code == 404
    await coordinator.submit_input(created.json(), party,
                                   [{"indicator_id": indicator["id"], "value": 3}])
    late = await coordinator.put(f"{round_url}/inputs/{party}", json={})
    assert late.status_code == 409  # submitted: the coordinator returns it first
    assert (await coordinator.post(f"{round_url}/inputs/{party}/return", json={"comment": " "})).status_code == 400
    closed = await coordinator.post(f"{round_url}/close")
    assert closed.json()["status"] == "closed"
    assert (await coordinator.put(f"{round_url}/inputs/{agreement['parties'][1]['id']}",
                                  json={})).status_code == 409


@pytest.mark.parametrize("code", ["Ab", "x", "a" * 41, "ä-kod", "-ab"])
async def test_indicator_codes_are_plain(coordinator, code):
    response = await coordinator.post("/api/indicators", json={
        "code": code, "name_sv": "Test", "name_en": "Test", "source_kind": "other"})
    if code == "Ab":  # lower-cased, then fine – unless taken
        assert response.status_code in (201, 409)
    else:
        assert response.status_code == 400
