"""The agreements list: each filter, sorting, paging, a refused query, and the export of
the whole filtered list as CSV and XLSX (read back as a spreadsheet program would)."""

import csv
import io
import re
from datetime import datetime
from html import unescape
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook

from samverkan import clock
from tests.factories import Api, make_user, unique

pytestmark = pytest.mark.usefixtures("database")

LIST = "/workspace/agreements"


def titles(html: str) -> list[str]:
    """The agreements' titles in the order the table lists them."""
    return [unescape(t) for t in
            re.findall(r'<th scope="row"><a href="/workspace/agreements/\d+">(.*?)</a>', html)]


async def listed(browser, **params) -> list[str]:
    page = await browser.get(LIST, params=params)
    assert page.status_code == 200, page.text
    return titles(page.text)


async def local_police_area(api: Api) -> dict:
    regions = (await api.get("/api/reference/police-regions")).json()
    area = await api.post("/api/reference/police-areas", json={
        "name": unique("Polisområde "), "police_region_id": regions[0]["id"]})
    assert area.status_code == 201, area.text
    local = await api.post("/api/reference/local-police-areas", json={
        "name": unique("LPO "), "police_area_id": area.json()["id"],
        "municipality_codes": ["2580"]})
    assert local.status_code == 201, local.text
    return local.json()


@pytest.fixture(scope="module")
async def world(coordinator, client):
    """Agreements that differ in one respect each, all with one marker word in the title."""
    marker = unique("Lista")
    area = await local_police_area(coordinator)

    async def make(name: str, api: Api = coordinator, **values) -> dict:
        return await api.agreement(title=f"{marker} {name}", **values)

    made = {
        "draft": await make("Alfa", registration_number=unique("KS ")),
        "promise": await make("Bravo", kind="citizen_promise", municipality_codes=["0180"]),
        "area": await make("Charlie", local_police_area_id=area["id"],
                           period_end="2026-06-30"),
        "preparing": await make("Delta"),
    }
    assert (await coordinator.move(made["preparing"], "in_preparation")).status_code == 200
    other = Api(client, await make_user("coordinator"))
    made["others"] = await make("Echo", api=other)
    return {"marker": marker, "lpo": area, **made}


def names(world, *keys) -> list[str]:
    return sorted(world[k]["title"] for k in keys)


async def test_every_filter_narrows_the_list(as_coordinator, coordinator, world):
    marker = world["marker"]
    everything = ("draft", "promise", "area", "preparing", "others")
    assert sorted(await listed(as_coordinator, q=marker)) == names(world, *everything)
    assert sorted(await listed(as_coordinator, q=marker, status="draft")) == names(
        world, "draft", "promise", "area", "others")
    assert sorted(await listed(as_coordinator, q=marker, status=["in_preparation", "active"])) \
        == names(world, "preparing")
    assert await listed(as_coordinator, q=marker, kind="citizen_promise") == names(
        world, "promise")
    assert await listed(as_coordinator, q=marker, municipality="0180") == names(world, "promise")
    assert await listed(as_coordinator, q=marker,
                        local_police_area=world["lpo"]["id"]) == names(world, "area")
    party = world["preparing"]["parties"][1]["organization"]
    assert await listed(as_coordinator, organization=party["id"]) == names(world, "preparing")
    assert await listed(as_coordinator, q=marker, ending_before="2027-01-01") == names(
        world, "area")
    assert sorted(await listed(as_coordinator, q=marker, mine="1")) == names(
        world, "draft", "promise", "area", "preparing")
    # Free text finds the diarienummer and a party's name too.
    assert await listed(as_coordinator, q=world["draft"]["registration_number"]) == names(
        world, "draft")
    assert await listed(as_coordinator, q=party["name"]) == names(world, "preparing")


async def test_the_form_keeps_what_was_chosen(as_coordinator, world):
    page = await as_coordinator.get(LIST, params={
        "q": world["marker"], "status": "draft", "kind": "citizen_promise",
        "municipality": "0180", "ending_before": "2031-01-01", "mine": "1"})
    html = page.text
    assert f'value="{world["marker"]}"' in html
    assert re.search(r'id="filter-status-draft" name="status" value="draft" checked', html)
    assert '<option value="citizen_promise" selected>' in html
    assert '<option value="0180" selected>Stockholms kommun</option>' in html
    assert 'value="2031-01-01"' in html
    assert re.search(r'id="filter-mine" name="mine" value="1"\s*checked', html)
    assert 'aria-current="page">Överenskommelser</a>' in html
    assert "1 överenskommelse" in html


async def test_sorting_by_a_column_keeps_the_filters(as_coordinator, world):
    marker = world["marker"]
    alphabetical = names(world, "draft", "promise", "area", "preparing", "others")
    page = await as_coordinator.get(LIST, params={"q": marker, "sort": "title"})
    assert titles(page.text) == alphabetical
    header = re.search(r'<th scope="col" aria-sort="ascending"><a class="al-sort" '
                       r'href="([^"]+)">.*?Titel', page.text)
    assert header, "the title column says it is sorted ascending"
    # Its link turns the order round and keeps the search.
    turned = await as_coordinator.get(unescape(header.group(1)))
    assert titles(turned.text) == alphabetical[::-1]
    assert 'aria-sort="descending"' in turned.text
    assert f"q={marker}" in unescape(header.group(1))

    by_end = await listed(as_coordinator, q=marker, sort="period_end")
    assert by_end[0] == world["area"]["title"]
    # The default order is the latest changed first.
    assert (await listed(as_coordinator, q=marker))[0] == world["others"]["title"]


async def test_25_to_a_page_with_the_page_count(as_coordinator, coordinator):
    marker = unique("Sidor")
    for n in range(27):
        await coordinator.agreement(title=f"{marker} {n:02d}")
    first = await as_coordinator.get(LIST, params={"q": marker, "sort": "title"})
    assert len(titles(first.text)) == 25
    assert "Sida 1 av 2" in first.text and "27 överenskommelser" in first.text
    following = re.search(r'<a href="([^"]+)" rel="next">Nästa sida</a>', first.text)
    second = await as_coordinator.get(unescape(following.group(1)))
    assert titles(second.text) == [f"{marker} 25", f"{marker} 26"]
    assert "Sida 2 av 2" in second.text and 'rel="next"' not in second.text
    back = re.search(r'<a href="([^"]+)" rel="prev">', second.text)
    assert titles((await as_coordinator.get(unescape(back.group(1)))).text)[0] == f"{marker} 00"
    # A page past the end shows the last one.
    assert "Sida 2 av 2" in (await as_coordinator.get(
        LIST, params={"q": marker, "page": "9"})).text


@pytest.mark.parametrize("params, field, message", [
    ({"ending_before": "2026-13-01"}, "ending_before", "Skriv datumet som ÅÅÅÅ-MM-DD"),
    ({"status": "aktiv"}, "status", "Välj bland statusarna i listan."),
    ({"kind": "avtal"}, "kind", "Välj en typ i listan."),
    ({"municipality": "9999"}, "municipality", "Välj en kommun i listan."),
    ({"municipality": "Luleå"}, "municipality", "Välj en kommun i listan."),
    ({"local_police_area": "abc"}, "local_police_area", "Välj ett lokalpolisområde i listan."),
    ({"local_police_area": str(2**31 - 2)}, "local_police_area",
     "Välj ett lokalpolisområde i listan."),
    ({"organization": "0"}, "organization", "Välj en organisation i listan."),
    ({"organization": "99999999999999999999"}, "organization", "Välj en organisation i listan."),
    ({"q": "x" * 201}, "q", "Söktexten får vara högst 200 tecken lång."),
])
async def test_a_bad_filter_is_a_400_with_the_message_next_to_it(as_coordinator, params,
                                                                 field, message):
    for path in (LIST, f"{LIST}.csv", f"{LIST}.xlsx"):
        page = await as_coordinator.get(path, params=params)
        assert page.status_code == 400, path
        assert page.headers["content-type"].startswith("text/html")
        html = page.text
        assert message in html
        assert f'<p class="field-error" id="filter-{field}-error">' in html
        assert f'href="#filter-{field}"' in html  # the summary at the top links to it
        assert "Rätta filtren ovan" in html


@pytest.mark.parametrize("params, message", [
    ({"sort": "namn"}, "Listan kan inte sorteras så."),
    ({"page": "x"}, "Sidnumret ska vara ett heltal"),
    ({"page": "0"}, "Sidnumret ska vara ett heltal"),
])
async def test_a_bad_sort_or_page_is_a_400_too(as_coordinator, params, message):
    page = await as_coordinator.get(LIST, params=params)
    assert page.status_code == 400
    assert message in page.text and 'href="#results-heading"' in page.text


async def test_the_csv_export_holds_the_whole_filtered_list_in_order(as_coordinator, world):
    marker = world["marker"]
    query = {"q": marker, "sort": "title"}
    page = await as_coordinator.get(LIST, params=query)
    assert f'href="{LIST}.csv?{urlencode(query)}"'.replace("&", "&amp;") in page.text
    response = await as_coordinator.get(f"{LIST}.csv", params=query)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    today = clock.today().isoformat()
    assert response.headers["content-disposition"] == (
        f'attachment; filename="samverkansoverenskommelser-{today}.csv"')
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Diarienummer", "Titel", "Typ", "Status", "Period från", "Period till",
                       "Kommuner", "Parter", "Senast ändrad"]
    assert [r[1] for r in rows[1:]] == titles(page.text)
    promise = next(r for r in rows if r[1] == world["promise"]["title"])
    assert promise[2:5] == ["Medborgarlöfte", "Utkast", "2026-01-01"]
    assert promise[6] == "Stockholms kommun"
    assert promise[7] == ", ".join(p["organization"]["name"] for p in world["promise"]["parties"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", promise[8])


async def test_the_xlsx_export_has_real_dates_and_a_filter(as_coordinator, world):
    response = await as_coordinator.get(f"{LIST}.xlsx", params={"q": world["marker"],
                                                               "sort": "-title"})
    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Diarienummer", "Titel")
    expected = names(world, "draft", "promise", "area", "preparing", "others")[::-1]
    assert [r[1] for r in rows[1:]] == expected
    area = next(r for r in rows if r[1] == world["area"]["title"])
    assert area[4] == datetime(2026, 1, 1) and area[5] == datetime(2026, 6, 30)
    assert isinstance(area[8], datetime)
    assert sheet.auto_filter.ref == f"A1:I{len(rows)}"
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width > 20


async def test_values_that_look_like_formulas_are_written_as_text(as_coordinator,
                                                                 coordinator):
    marker = unique("Formel")
    evil = await coordinator.organization(name=f"@{marker} AB")
    honest = await coordinator.organization()
    created = await coordinator.post("/api/agreements", json={
        "title": f'=HYPERLINK("http://evil.example","{marker}")',
        "kind": "collaboration_agreement", "period_start": "2026-01-01",
        "registration_number": f"-{marker}",
        "parties": [{"organization_id": org["id"], "role": "Part"} for org in (evil, honest)]})
    assert created.status_code == 201, created.text
    agreement = created.json()
    query = {"organization": str(evil["id"])}

    rows = list(csv.reader(io.StringIO(
        (await as_coordinator.get(f"{LIST}.csv", params=query)).content.decode("utf-8-sig")),
        delimiter=";"))
    assert rows[1][0] == f"'-{marker}"
    assert rows[1][1] == f"'{agreement['title']}"
    assert rows[1][7].startswith(f"'@{marker} AB")

    sheet = load_workbook(io.BytesIO(
        (await as_coordinator.get(f"{LIST}.xlsx", params=query)).content)).active
    cells = list(sheet.iter_rows(min_row=2))[0]
    assert [c.data_type for c in cells[:2]] == ["s", "s"]
    assert cells[1].value == f"'{agreement['title']}"
    assert cells[7].value.startswith(f"'@{marker}")


async def test_an_empty_list_says_so_and_offers_no_export(as_coordinator):
    page = await as_coordinator.get(LIST, params={"q": unique("Ingenting")})
    assert page.status_code == 200
    assert "Inga överenskommelser matchar filtren." in page.text
    assert ".csv" not in page.text


async def test_a_viewer_reads_the_list_and_the_export(as_viewer, world):
    assert world["draft"]["title"] in await listed(as_viewer, q=world["marker"])
    assert (await as_viewer.get(f"{LIST}.csv", params={"q": world["marker"]})).status_code == 200


async def test_the_api_filters_by_local_police_area_and_coordinator(coordinator, world):
    marker = world["marker"]

    async def titles_from_api(**params) -> list[str]:
        response = await coordinator.get("/api/agreements", params={"q": marker, **params})
        assert response.status_code == 200, response.text
        return sorted(item["title"] for item in response.json()["items"])

    assert await titles_from_api(local_police_area=world["lpo"]["id"]) == names(world, "area")
    assert await titles_from_api(coordinator=coordinator.user.id) == names(
        world, "draft", "promise", "area", "preparing")
    assert (await coordinator.get("/api/agreements",
                                  params={"coordinator": "x"})).status_code == 400


async def test_the_export_stops_at_its_cap_and_the_list_says_so(as_coordinator, world,
                                                                monkeypatch):
    from samverkan.workspace import today

    monkeypatch.setattr(today, "EXPORT_CAP", 2)
    monkeypatch.setattr(today, "EXPORT_CHUNK", 1)
    query = {"q": world["marker"], "sort": "title"}
    page = await as_coordinator.get(LIST, params=query)
    assert "Filen innehåller de 2 första av 5 överenskommelser." in page.text
    rows = list(csv.reader(io.StringIO(
        (await as_coordinator.get(f"{LIST}.csv", params=query)).content.decode("utf-8-sig")),
        delimiter=";"))
    assert [r[1] for r in rows[1:]] == names(world, "draft", "promise", "area", "preparing",
                                             "others")[:2]


async def test_the_export_speaks_the_pages_language(as_coordinator, world):
    as_coordinator.client.cookies.set("samverkan_lang", "en")
    try:
        response = await as_coordinator.get(f"{LIST}.csv", params={"q": world["marker"]})
    finally:
        as_coordinator.client.cookies.delete("samverkan_lang")
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header == ("Registration number;Title;Kind;Status;Period from;Period until;"
                      "Municipalities;Parties;Last changed")
