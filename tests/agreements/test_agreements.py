"""Registering agreements: what a coordinator sends is checked and refused naming the field."""

from tests.factories import unique

TOO_BIG = 2**31


def _body(organizations: list[dict], **values) -> dict:
    return {
        "title": unique("Överenskommelse "),
        "kind": "collaboration_agreement",
        "period_start": "2026-01-01",
        "period_end": "2029-12-31",
        "municipality_codes": ["2580"],
        "parties": [
            {"organization_id": org["id"], "role": "Part",
             "primary_contact_id": org["contacts"][0]["id"]}
            for org in organizations
        ],
        **values,
    }


def _key(response) -> str:
    return response.json()["extra"][0]["key"]


async def _count_titled(api, title: str) -> int:
    return (await api.get("/api/agreements", params={"q": title})).json()["total"]


async def test_create_with_parties_returns_the_draft_and_its_parties(coordinator):
    police = await coordinator.organization(kind="police")
    municipality = await coordinator.organization(kind="municipality")
    number = unique("KS 2026/")
    body = _body([police, municipality], registration_number=number,
                 municipality_codes=["2580", "0180"], follow_up_cadence="quarterly")
    response = await coordinator.post("/api/agreements", json=body)
    assert response.status_code == 201, response.text
    assert response.headers["etag"] == '"1"'
    created = response.json()
    assert created["status"] == "draft"
    assert created["version"] == 1
    assert created["registration_number"] == number
    assert created["municipality_codes"] == ["2580", "0180"]
    assert [p["organization"]["name"] for p in created["parties"]] == [
        police["name"], municipality["name"]
    ]
    assert created["parties"][0]["primary_contact"]["id"] == police["contacts"][0]["id"]

    fetched = await coordinator.get(f"/api/agreements/{created['id']}")
    assert fetched.status_code == 200
    assert fetched.json()["title"] == body["title"]
    assert len(fetched.json()["parties"]) == 2


async def test_period_end_before_period_start_is_refused(coordinator):
    organizations = [await coordinator.organization() for _ in range(2)]
    body = _body(organizations, period_start="2027-01-01", period_end="2026-12-31")
    response = await coordinator.post("/api/agreements", json=body)
    assert response.status_code == 400
    assert _key(response) == "period_end"
    assert await _count_titled(coordinator, body["title"]) == 0

    created = await coordinator.agreement()
    response = await coordinator.patch(
        f"/api/agreements/{created['id']}", json={"period_end": "2025-12-31"},
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 400
    assert _key(response) == "period_end"


async def test_unknown_or_malformed_municipality_code_is_refused(coordinator):
    organizations = [await coordinator.organization() for _ in range(2)]
    response = await coordinator.post(
        "/api/agreements", json=_body(organizations, municipality_codes=["2580", "0000"])
    )
    assert response.status_code == 400
    assert _key(response) == "municipality_codes"
    assert "0000" in response.json()["detail"]
    response = await coordinator.post(
        "/api/agreements", json=_body(organizations, municipality_codes=["258"])
    )
    assert response.status_code == 400
    assert _key(response).startswith("municipality_codes")


async def test_oversized_title_is_refused(coordinator):
    organizations = [await coordinator.organization() for _ in range(2)]
    response = await coordinator.post("/api/agreements", json=_body(organizations, title="Å" * 301))
    assert response.status_code == 400
    assert _key(response) == "title"
    response = await coordinator.post("/api/agreements", json=_body(organizations, title="   "))
    assert response.status_code == 400
    assert _key(response) == "title"


async def test_an_unknown_field_is_refused_not_ignored(coordinator):
    organizations = [await coordinator.organization() for _ in range(2)]
    body = _body(organizations, signed_by_everyone=True)
    response = await coordinator.post("/api/agreements", json=body)
    assert response.status_code == 400
    assert "signed_by_everyone" in response.text
    assert await _count_titled(coordinator, body["title"]) == 0


async def test_fewer_than_two_parties_cannot_leave_draft(coordinator):
    # A draft may be registered with one party (docs/api.md, "Två parter"); it cannot be
    # prepared, signed or activated until a second party is added.
    organization = await coordinator.organization()
    response = await coordinator.post("/api/agreements", json=_body([organization]))
    assert response.status_code == 201, response.text
    draft = response.json()
    response = await coordinator.move(draft, "in_preparation")
    assert response.status_code == 409
    assert _key(response) == "parties"
    assert (await coordinator.fresh(draft))["status"] == "draft"

    other = await coordinator.organization()
    response = await coordinator.post(
        f"/api/agreements/{draft['id']}/parties", json={"organization_id": other["id"]}
    )
    assert response.status_code == 201, response.text
    assert (await coordinator.move(draft, "in_preparation")).status_code == 200


async def test_the_same_organisation_twice_is_refused_and_nothing_is_saved(coordinator):
    organization = await coordinator.organization()
    body = _body([organization, organization])
    response = await coordinator.post("/api/agreements", json=body)
    assert response.status_code == 409
    assert _key(response) == "parties.1.organization_id"
    assert organization["name"] in response.json()["detail"]
    assert await _count_titled(coordinator, body["title"]) == 0

    created = await coordinator.agreement()
    response = await coordinator.post(
        f"/api/agreements/{created['id']}/parties",
        json={"organization_id": created["parties"][0]["organization"]["id"]},
    )
    assert response.status_code == 409
    assert _key(response) == "organization_id"


async def test_a_missing_or_malformed_parent_is_refused(coordinator):
    organizations = [await coordinator.organization() for _ in range(2)]
    for parent in (2**31 - 1, 0, -5, "tio"):
        response = await coordinator.post("/api/agreements", json=_body(organizations, parent_id=parent))
        assert response.status_code == 400, (parent, response.text)
        assert _key(response) == "parent_id"
    response = await coordinator.post(
        "/api/agreements", json=_body(organizations, supersedes_id=2**31 - 1)
    )
    assert response.status_code == 400
    assert _key(response) == "supersedes_id"

    parent = await coordinator.agreement()
    child = await coordinator.agreement(parent_id=parent["id"])
    assert child["parent_id"] == parent["id"]


async def test_an_agreement_cannot_be_its_own_ancestor(coordinator):
    grandparent = await coordinator.agreement()
    parent = await coordinator.agreement(parent_id=grandparent["id"])
    child = await coordinator.agreement(parent_id=parent["id"])

    for target in (grandparent, parent, child):
        current = await coordinator.fresh(grandparent)
        response = await coordinator.patch(
            f"/api/agreements/{grandparent['id']}", json={"parent_id": target["id"]},
            headers={"If-Match": f'"{current["version"]}"'},
        )
        assert response.status_code == 400, (target["id"], response.text)
        assert _key(response) == "parent_id"
    assert (await coordinator.fresh(grandparent))["parent_id"] is None

    # Moving the child directly under the grandparent is no cycle.
    response = await coordinator.patch(
        f"/api/agreements/{child['id']}", json={"parent_id": grandparent["id"]},
        headers={"If-Match": f'"{child["version"]}"'},
    )
    assert response.status_code == 200, response.text
    assert response.json()["parent_id"] == grandparent["id"]


async def test_an_agreement_cannot_supersede_its_own_successor(coordinator):
    first = await coordinator.agreement()
    second = await coordinator.agreement(supersedes_id=first["id"])
    for target in (first, second):
        response = await coordinator.patch(
            f"/api/agreements/{first['id']}", json={"supersedes_id": target["id"]},
            headers={"If-Match": f'"{first["version"]}"'},
        )
        assert response.status_code == 400, response.text
        assert _key(response) == "supersedes_id"
    assert (await coordinator.fresh(first))["supersedes_id"] is None


async def test_a_duplicate_registration_number_is_a_conflict(coordinator):
    number = unique("KS 2026/")
    first = await coordinator.agreement(registration_number=number)
    organizations = [await coordinator.organization() for _ in range(2)]
    body = _body(organizations, registration_number=number)
    response = await coordinator.post("/api/agreements", json=body)
    assert response.status_code == 409
    assert _key(response) == "registration_number"
    assert number in response.json()["detail"]
    assert await _count_titled(coordinator, body["title"]) == 0

    other = await coordinator.agreement()
    response = await coordinator.patch(
        f"/api/agreements/{other['id']}", json={"registration_number": number},
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 409
    assert _key(response) == "registration_number"

    # Saving an agreement with its own number again is no conflict.
    response = await coordinator.patch(
        f"/api/agreements/{first['id']}", json={"registration_number": number, "purpose": "Trygghet"},
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text


async def test_ids_beyond_32_bits_are_refused_not_a_server_error(coordinator):
    created = await coordinator.agreement()
    for url in (f"/api/agreements/{TOO_BIG}", f"/api/agreements/{TOO_BIG}/parties",
                f"/api/commitments/{TOO_BIG}", f"/api/agreements/{created['id']}/parties/{TOO_BIG}"):
        response = await coordinator.get(url)
        assert response.status_code in (400, 404, 405), (url, response.text)
    assert (await coordinator.get(f"/api/agreements/{TOO_BIG}")).status_code == 400
    assert (await coordinator.get(f"/api/agreements/{TOO_BIG - 1}")).status_code == 404

    organizations = [await coordinator.organization() for _ in range(2)]
    for field in ("parent_id", "supersedes_id", "local_police_area_id"):
        response = await coordinator.post("/api/agreements", json=_body(organizations, **{field: TOO_BIG}))
        assert response.status_code == 400, (field, response.text)
        assert _key(response) == field
    body = _body(organizations)
    body["parties"][0]["organization_id"] = TOO_BIG
    response = await coordinator.post("/api/agreements", json=body)
    assert response.status_code == 400
    assert _key(response) == "parties.0.organization_id"

    for path, body in (
        ("commitments", {"party_id": TOO_BIG, "title": "Åtagande"}),
        ("follow-ups", {"date": "2026-06-01", "kind": "follow_up_report",
                        "outcomes": [{"commitment_id": TOO_BIG, "outcome": "on_track"}]}),
        ("parties", {"organization_id": TOO_BIG}),
    ):
        response = await coordinator.post(f"/api/agreements/{created['id']}/{path}", json=body)
        assert response.status_code == 400, (path, response.text)
    response = await coordinator.get("/api/agreements", params={"organization": TOO_BIG})
    assert response.status_code == 400
    response = await coordinator.patch(
        f"/api/agreements/{TOO_BIG}", json={"title": "X"}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 400
