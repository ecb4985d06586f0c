"""Reference geography: 21 counties, 290 municipalities, 7 police regions, and the local
police areas coordinators maintain."""

from samverkan.db import write_transaction
from samverkan.registry import service as registry
from tests.factories import unique


async def test_counties_municipalities_and_police_regions_are_complete(viewer):
    counties = (await viewer.get("/api/reference/counties")).json()
    municipalities = (await viewer.get("/api/reference/municipalities")).json()
    regions = (await viewer.get("/api/reference/police-regions")).json()
    assert len(counties) == 21
    assert len(municipalities) == 290
    assert sorted(r["name"] for r in regions) == sorted(
        ["Nord", "Mitt", "Stockholm", "Öst", "Väst", "Syd", "Bergslagen"]
    )
    # Every county lies in exactly one police region.
    covered = [code for region in regions for code in region["county_codes"]]
    assert sorted(covered) == sorted(c["code"] for c in counties)
    lulea = next(m for m in municipalities if m["code"] == "2580")
    assert lulea["name"] == "Luleå kommun" and lulea["county_code"] == "25"
    stockholm = next(c for c in counties if c["code"] == "01")
    assert stockholm["police_region"] == "Stockholm"


async def test_municipalities_of_one_county(viewer):
    response = await viewer.get("/api/reference/municipalities", params={"county": "25"})
    names = [m["short_name"] for m in response.json()]
    assert len(names) == 14 and "Kiruna" in names and "Luleå" in names


async def test_seeding_again_changes_nothing(viewer):
    before = (await viewer.get("/api/reference/municipalities")).json()
    async with write_transaction():
        counts = await registry.seed_reference_data()
    assert counts == {"police_regions": 7, "counties": 21, "municipalities": 290}
    assert (await viewer.get("/api/reference/municipalities")).json() == before


async def _police_area(api) -> dict:
    regions = (await api.get("/api/reference/police-regions")).json()
    nord = next(r for r in regions if r["name"] == "Nord")
    response = await api.post(
        "/api/reference/police-areas", json={"name": unique("Polisområde "), "police_region_id": nord["id"]}
    )
    assert response.status_code == 201, response.text
    assert response.headers["etag"] == '"1"'
    return response.json()


async def test_local_police_area_covers_municipalities(coordinator):
    area = await _police_area(coordinator)
    response = await coordinator.post(
        "/api/reference/local-police-areas",
        json={"name": unique("LPO "), "police_area_id": area["id"],
              "municipality_codes": ["2580", "2581"]},
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["municipality_codes"] == ["2580", "2581"]

    response = await coordinator.patch(
        f"/api/reference/local-police-areas/{created['id']}",
        json={"municipality_codes": ["2580"]},
        headers={"If-Match": response.headers["etag"]},
    )
    assert response.status_code == 200, response.text
    assert response.json()["municipality_codes"] == ["2580"]
    listed = (await coordinator.get("/api/reference/local-police-areas")).json()
    assert any(a["id"] == created["id"] and a["municipality_codes"] == ["2580"] for a in listed)


async def test_unknown_municipality_code_is_named(coordinator):
    area = await _police_area(coordinator)
    response = await coordinator.post(
        "/api/reference/local-police-areas",
        json={"name": unique("LPO "), "police_area_id": area["id"], "municipality_codes": ["9999"]},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["extra"][0]["key"] == "municipality_codes"
    assert "9999" in body["detail"]


async def test_a_local_police_area_needs_a_known_police_area(coordinator):
    response = await coordinator.post(
        "/api/reference/local-police-areas",
        json={"name": unique("LPO "), "police_area_id": 999999, "municipality_codes": ["2580"]},
    )
    assert response.status_code == 400
    assert response.json()["extra"][0]["key"] == "police_area_id"


async def test_a_police_area_answers_with_its_etag_and_names_are_unique(coordinator):
    area = await _police_area(coordinator)
    again = await coordinator.post(
        "/api/reference/police-areas",
        json={"name": area["name"], "police_region_id": area["police_region_id"]},
    )
    assert again.status_code == 409
    assert again.json()["extra"][0]["key"] == "name"
    assert "finns redan" in again.json()["detail"]


async def test_local_police_area_names_are_unique_on_create_and_rename(coordinator):
    area = await _police_area(coordinator)
    body = {"police_area_id": area["id"], "municipality_codes": ["2580"]}
    first = (await coordinator.post("/api/reference/local-police-areas",
                                    json={"name": unique("LPO "), **body})).json()
    second = await coordinator.post("/api/reference/local-police-areas",
                                    json={"name": unique("LPO "), **body})
    duplicate = await coordinator.post("/api/reference/local-police-areas",
                                       json={"name": first["name"], **body})
    assert duplicate.status_code == 409
    assert duplicate.json()["extra"][0]["key"] == "name"
    renamed = await coordinator.patch(
        f"/api/reference/local-police-areas/{second.json()['id']}",
        json={"name": first["name"]},
        headers={"If-Match": second.headers["etag"]},
    )
    assert renamed.status_code == 409
    unchanged = await coordinator.get(f"/api/reference/local-police-areas/{second.json()['id']}")
    assert unchanged.json()["name"] == second.json()["name"]
