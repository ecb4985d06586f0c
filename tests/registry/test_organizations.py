"""Organisations and contacts: validated, unique by org number, never silently overwritten."""

from tests.factories import org_number, unique, with_wrong_check_digit


async def test_create_normalises_the_org_number_and_keeps_contacts(coordinator):
    number = org_number("2")
    response = await coordinator.post(
        "/api/organizations",
        json={
            "name": "Luleå kommun " + unique(),
            "kind": "municipality",
            "org_number": number.replace("-", ""),
            "municipality_code": "2580",
            "contacts": [{"name": "Åsa Öberg", "email": "asa.oberg@example.se",
                          "title": "Trygghetssamordnare", "language": "sv"}],
        },
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["org_number"] == number
    assert created["municipality_code"] == "2580"
    assert response.headers["etag"] == '"1"'
    fetched = (await coordinator.get(f"/api/organizations/{created['id']}")).json()
    assert fetched["contacts"][0]["name"] == "Åsa Öberg"

    found = (await coordinator.get("/api/organizations", params={"org_number": number})).json()
    assert found["total"] == 1 and found["items"][0]["id"] == created["id"]


async def test_a_duplicate_org_number_is_a_conflict(coordinator):
    first = await coordinator.organization()
    response = await coordinator.post(
        "/api/organizations",
        json={"name": unique("Dubblett "), "kind": "agency", "org_number": first["org_number"]},
    )
    assert response.status_code == 409
    assert response.json()["extra"][0]["key"] == "org_number"
    assert "finns redan" in response.json()["detail"]


async def test_a_wrong_check_digit_is_refused_naming_the_field(coordinator):
    response = await coordinator.post(
        "/api/organizations",
        json={"name": unique("Fel "), "kind": "business",
              "org_number": with_wrong_check_digit(org_number())},
    )
    assert response.status_code == 400
    problem = response.json()["extra"][0]
    assert problem["key"] == "org_number"
    assert "kontrollsiffran" in problem["message"]


async def test_unknown_municipality_and_kind_are_refused(coordinator):
    response = await coordinator.post(
        "/api/organizations",
        json={"name": unique(), "kind": "municipality", "org_number": org_number("2"),
              "municipality_code": "0000"},
    )
    assert response.status_code == 400
    assert response.json()["extra"][0]["key"] == "municipality_code"
    response = await coordinator.post(
        "/api/organizations", json={"name": unique(), "kind": "church", "org_number": org_number()}
    )
    assert response.status_code == 400
    assert response.json()["extra"][0]["key"] == "kind"


async def test_stale_update_is_refused_and_changes_nothing(coordinator):
    organization = await coordinator.organization()
    url = f"/api/organizations/{organization['id']}"
    first = await coordinator.patch(url, json={"name": "Nytt namn"}, headers={"If-Match": '"1"'})
    assert first.status_code == 200 and first.headers["etag"] == '"2"'
    second = await coordinator.patch(url, json={"name": "Annat namn"}, headers={"If-Match": '"1"'})
    assert second.status_code == 412
    assert (await coordinator.get(url)).json()["name"] == "Nytt namn"


async def test_contacts_are_added_and_changed(coordinator):
    organization = await coordinator.organization(contacts=0)
    response = await coordinator.post(
        f"/api/organizations/{organization['id']}/contacts",
        json={"name": "Per Persson", "email": "per@example.se", "phone": "0920-12 34 56"},
    )
    assert response.status_code == 201, response.text
    contact = response.json()
    response = await coordinator.patch(
        f"/api/contacts/{contact['id']}", json={"language": "en"}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 200 and response.json()["language"] == "en"
    response = await coordinator.post(
        f"/api/organizations/{organization['id']}/contacts",
        json={"name": "Ingen Adress", "email": "inte-en-adress"},
    )
    assert response.status_code == 400
    assert response.json()["extra"][0]["key"] == "email"
    response = await coordinator.patch(
        f"/api/contacts/{contact['id']}", json={"name": None}, headers={"If-Match": '"2"'}
    )
    assert response.status_code == 400
    assert response.json()["extra"][0]["key"] == "name"


async def test_search_by_name(coordinator):
    marker = unique("Sökbar")
    await coordinator.organization(name=f"Bostadsbolaget {marker}", kind="business")
    found = (await coordinator.get("/api/organizations", params={"q": marker.lower()})).json()
    assert found["total"] == 1
    assert (await coordinator.get("/api/organizations/999999")).status_code == 404
