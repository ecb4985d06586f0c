"""Finding agreements: free text, filters, sorting and pages. Other tests create agreements
too, so every query here is scoped by a marker unique to the test (in the title, or a party
organisation of its own)."""

import pytest

from samverkan.settings import get_settings
from tests.factories import unique


async def _list(api, **params) -> dict:
    response = await api.get("/api/agreements", params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def _titles(api, **params) -> list[str]:
    return [item["title"] for item in (await _list(api, **params))["items"]]


async def _three(api) -> tuple[str, dict, dict, dict]:
    """Alfa: draft collaboration agreement in Luleå to 2027; Beta: citizen promise in
    Stockholm for 2026, in preparation; Gamma: open-ended action plan in Tanum, active."""
    marker = unique("Lista")
    alfa = await api.agreement(
        title=f"{marker} Alfa", registration_number=unique("KS 2026/"), municipality_codes=["2580"],
        period_start="2026-01-01", period_end="2027-12-31",
    )
    beta = await api.agreement(
        title=f"{marker} Beta", kind="citizen_promise", municipality_codes=["0180"],
        period_start="2026-01-01", period_end="2026-12-31",
    )
    assert (await api.move(beta, "in_preparation")).status_code == 200
    gamma = await api.agreement(
        title=f"{marker} Gamma", kind="action_plan", municipality_codes=["1435"],
        period_start="2025-07-01", period_end=None,
    )
    await api.activate(gamma)
    return marker, alfa, beta, gamma


async def test_free_text_finds_title_diarienummer_and_party_name_ignoring_case(coordinator):
    marker, alfa, beta, gamma = await _three(coordinator)
    found = await _list(coordinator, q=marker.upper())
    assert found["total"] == 3
    assert {item["id"] for item in found["items"]} == {alfa["id"], beta["id"], gamma["id"]}
    assert await _titles(coordinator, q=f"{marker} ALFA".lower()) == [alfa["title"]]

    found = await _list(coordinator, q=alfa["registration_number"].lower())
    assert [item["id"] for item in found["items"]] == [alfa["id"]]

    party_name = beta["parties"][1]["organization"]["name"]
    found = await _list(coordinator, q=f"  {party_name.upper()} ")
    assert [item["id"] for item in found["items"]] == [beta["id"]]
    assert party_name in [p["name"] for p in found["items"][0]["parties"]]

    # Wildcards are taken literally.
    assert (await _list(coordinator, q=f"{marker}%Gamma"))["total"] == 0
    assert (await _list(coordinator, q=f"{marker}_Alfa"))["total"] == 0


async def test_a_partys_own_diarienummer_is_searchable(coordinator):
    agreement = await coordinator.agreement()
    party = agreement["parties"][0]
    number = unique("LPO 2026-")
    response = await coordinator.patch(
        f"/api/agreements/{agreement['id']}/parties/{party['id']}",
        json={"registration_number": number}, headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    found = await _list(coordinator, q=number.lower())
    assert [item["id"] for item in found["items"]] == [agreement["id"]]


async def test_swedish_letters_are_found_as_written(coordinator):
    marker = unique("Åtgärd")
    created = await coordinator.agreement(title=f"{marker} Trygghet i Årjäng och Östra Göinge")
    assert await _titles(coordinator, q=f"{marker} Trygghet i Årjäng") == [created["title"]]


@pytest.mark.skipif(get_settings().is_sqlite, reason="SQLite's LIKE folds ASCII letters only")
async def test_swedish_letters_ignore_case_on_postgresql(coordinator):
    marker = unique("åtgärd")
    created = await coordinator.agreement(title=f"{marker} trygghet i årjäng och östra göinge")
    assert await _titles(coordinator, q=f"{marker} TRYGGHET I ÅRJÄNG OCH ÖSTRA".upper()) == [
        created["title"]
    ]


async def test_filters_by_status_kind_municipality_organisation_and_end(coordinator):
    marker, alfa, beta, gamma = await _three(coordinator)

    assert await _titles(coordinator, q=marker, status="draft") == [alfa["title"]]
    found = await _titles(coordinator, q=marker, status=["draft", "active"], sort="title")
    assert found == [alfa["title"], gamma["title"]]
    assert await _titles(coordinator, q=marker, status="ended") == []

    assert await _titles(coordinator, q=marker, kind="citizen_promise") == [beta["title"]]
    assert await _titles(coordinator, q=marker, municipality="1435") == [gamma["title"]]
    assert await _titles(coordinator, q=marker, municipality="0180", status="draft") == []

    organization = alfa["parties"][0]["organization"]["id"]
    found = await _list(coordinator, organization=organization)
    assert [item["id"] for item in found["items"]] == [alfa["id"]]

    # Open-ended agreements do not end before anything.
    assert await _titles(coordinator, q=marker, ending_before="2027-01-01") == [beta["title"]]
    found = await _titles(coordinator, q=marker, ending_before="2028-01-01", sort="period_end")
    assert found == [beta["title"], alfa["title"]]


async def test_sorting_ascending_and_descending(coordinator):
    marker, alfa, beta, gamma = await _three(coordinator)
    assert await _titles(coordinator, q=marker, sort="title") == [
        alfa["title"], beta["title"], gamma["title"]
    ]
    assert await _titles(coordinator, q=marker, sort="-title") == [
        gamma["title"], beta["title"], alfa["title"]
    ]
    assert await _titles(coordinator, q=marker, sort="period_start") == [
        gamma["title"], alfa["title"], beta["title"]  # Alfa and Beta tie; then by id
    ]
    assert await _titles(coordinator, q=marker, sort="-period_start") == [
        beta["title"], alfa["title"], gamma["title"]
    ]
    # The default: most recently changed first (Gamma was activated last).
    assert (await _titles(coordinator, q=marker))[0] == gamma["title"]


async def test_pages_do_not_overlap_and_the_total_is_right(coordinator):
    marker = unique("Sida")
    created = [await coordinator.agreement(title=f"{marker} {i}") for i in range(5)]
    seen: list[int] = []
    for offset in (0, 2, 4, 6):
        page = await _list(coordinator, q=marker, sort="-id", limit=2, offset=offset)
        assert page["total"] == 5
        assert (page["limit"], page["offset"]) == (2, offset)
        assert len(page["items"]) == {0: 2, 2: 2, 4: 1, 6: 0}[offset]
        seen += [item["id"] for item in page["items"]]
    assert seen == sorted((a["id"] for a in created), reverse=True)


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"sort": "secret_column"}, "sort"),
        ({"sort": "-"}, "sort"),
        ({"limit": 201}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"status": "archived"}, "status"),
        ({"kind": "contract"}, "kind"),
        ({"municipality": "258"}, "municipality"),
        ({"municipality": "0000"}, "municipality"),
        ({"ending_before": "2026-13-01"}, "ending_before"),
        ({"q": "x" * 201}, "q"),
    ],
)
async def test_bad_query_parameters_are_refused_naming_them(coordinator, params, key):
    response = await coordinator.get("/api/agreements", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["extra"][0]["key"] == key
