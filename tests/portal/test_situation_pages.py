"""The lägesbild in the partner portal, through HTTP as a browser without JavaScript uses it:
a party's input to a round (draft, submit, read-only, returned with a comment), the numbers
people type, and the joint picture as each organisation sees it – another party's internal
input is not on it."""

import re

import pytest

from samverkan.portal.pages import parse_number, typed_number
from tests.portal.links import live_agreement, organization
from tests.portal.test_pages import (  # noqa: F401 - browsers is a fixture
    Browser,
    assert_page_headers,
    browsers,
    sign_in,
)

pytestmark = pytest.mark.usefixtures("database")

FORM = re.compile(r'<form method="post" action="/portal/rounds/(\d+)"')


async def indicators(coordinator) -> dict[str, dict]:
    response = await coordinator.get("/api/indicators")
    assert response.status_code == 200
    return {i["code"]: i for i in response.json()}


async def situation_world(coordinator, period: str = "2026-Q1") -> dict:
    """Two organisations in an agreement in preparation, a goal on reported criminal damage
    and a round asking both parties for it (and the first for the safety index too)."""
    codes = await indicators(coordinator)
    damage, index = codes["anmald_skadegorelse"], codes["trygghetsindex"]
    ours, theirs = await organization(coordinator), await organization(coordinator)
    agreement = await live_agreement(coordinator, ours, theirs)
    our_party, their_party = (p["id"] for p in agreement["parties"])
    goal = await coordinator.post(f"/api/agreements/{agreement['id']}/goals", json={
        "title": "Minskad skadegörelse", "indicator_id": damage["id"], "baseline": 120,
        "target": 80,
    })
    assert goal.status_code == 201, goal.text
    round_ = await open_round(coordinator, agreement, period, [
        {"party_id": our_party, "indicator_ids": [damage["id"], index["id"]]},
        {"party_id": their_party, "indicator_ids": [damage["id"]]},
    ])
    return {"agreement": agreement, "ours": ours, "theirs": theirs, "round": round_,
            "our_party": our_party, "their_party": their_party, "damage": damage,
            "index": index, "contact": ours["contacts"][0],
            "their_contact": theirs["contacts"][0]}


async def open_round(coordinator, agreement: dict, period: str, requests: list,
                     deadline: str = "2026-04-15") -> dict:
    response = await coordinator.post(f"/api/agreements/{agreement['id']}/rounds", json={
        "period": period, "deadline": deadline, "requests": requests,
    })
    assert response.status_code == 201, response.text
    return response.json()


async def stored_input(coordinator, round_id: int, party_id: int) -> dict | None:
    response = await coordinator.get(f"/api/rounds/{round_id}/inputs/{party_id}")
    if response.status_code == 404:
        return None
    assert response.status_code == 200, response.text
    return response.json()


def values_of(found: dict) -> set[tuple[int, str, float]]:
    return {(v["indicator_id"], v["place"], v["value"]) for v in found["values"]}


async def signed_in(browsers, coordinator, world: dict, contact_key: str = "contact") -> Browser:
    browser = browsers()
    await sign_in(browser, coordinator, world["agreement"], world[contact_key])
    return browser


async def at_round(browsers, coordinator) -> tuple[dict, Browser, str]:
    """A new world, its first party's contact signed in, and the address of its round."""
    world = await situation_world(coordinator)
    browser = await signed_in(browsers, coordinator, world)
    return world, browser, f"/portal/rounds/{world['round']['id']}"


# --- a party's input -----------------------------------------------------------------------


async def test_a_partner_saves_a_draft_submits_it_and_then_sees_it_read_only(
    browsers, coordinator
):
    world, browser, url = await at_round(browsers, coordinator)
    round_id, damage, index = world["round"]["id"], world["damage"], world["index"]

    # What awaits: the round, from the home page and the agreement page.
    home = await browser.get("/portal/")
    assert "Underlag till lägesbilden att lämna" in home.text
    assert f'href="{url}"' in home.text and "senast 15 april 2026" in home.text
    agreement_page = await browser.get(f"/portal/agreements/{world['agreement']['id']}")
    assert f'href="{url}"' in agreement_page.text
    assert f'href="/portal/agreements/{world["agreement"]["id"]}/situation"' in agreement_page.text
    assert "<td>Anmäld skadegörelse</td>" in agreement_page.text  # the goal's indicator

    page = await browser.get(url)
    assert page.status_code == 200
    assert_page_headers(page)
    assert page.text.count("<h1>") == 1
    assert "Underlag till lägesbilden 2026-Q1" in page.text
    assert "15 april 2026" in page.text  # the deadline
    assert "Anmäld skadegörelse (st)" in page.text and "Trygghetsindex (index)" in page.text
    assert "Anmälda brott" in page.text and "Kommunens trygghetsmätning" in page.text
    assert f'<label for="value-{damage["id"]}">Värde för hela området' in page.text
    assert f'id="place-{damage["id"]}-1"' in page.text  # empty rows for places
    assert f'<label for="amount-{damage["id"]}-0">Värde för plats 1' in page.text
    assert "Visas bara för samordnarna och er själva" in page.text
    assert ">Spara utkast</button>" in page.text and ">Skicka in</button>" in page.text

    saved = await browser.post(url, {
        "action": "save", "version": "", f"value-{damage['id']}": "12,5",
        f"place-{damage['id']}-0": "Centrum", f"amount-{damage['id']}-0": "4",
        f"place-{damage['id']}-1": "", f"amount-{damage['id']}-1": "",
        f"value-{index['id']}": "", "observations": "Klotter vid skolan.",
    })
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"{url}?done=input_saved"
    draft = await stored_input(coordinator, round_id, world["our_party"])
    assert draft["status"] == "draft" and draft["internal"] is False
    assert values_of(draft) == {(damage["id"], "", 12.5), (damage["id"], "Centrum", 4)}
    assert draft["observations"] == "Klotter vid skolan."

    again = await browser.get(saved.headers["location"])
    assert "Utkastet är sparat." in again.text
    assert f'name="value-{damage["id"]}" type="text" inputmode="decimal"' in again.text
    assert 'value="12,5"' in again.text and 'value="Centrum"' in again.text
    assert f'id="place-{damage["id"]}-2"' in again.text  # two new empty rows
    version = re.search(r'name="version" value="(\d+)"', again.text).group(1)

    sent = await browser.post(url, {
        "action": "submit", "version": version, f"value-{damage['id']}": "13",
        f"place-{damage['id']}-0": "Centrum", f"amount-{damage['id']}-0": "4",
        f"value-{index['id']}": "6,8", "observations": "Klotter vid skolan.",
    })
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"{url}?done=input_submitted"
    submitted = await stored_input(coordinator, round_id, world["our_party"])
    assert submitted["status"] == "submitted"
    assert submitted["submitted_by"] == world["contact"]["email"]
    assert values_of(submitted) == {(damage["id"], "", 13), (damage["id"], "Centrum", 4),
                                    (index["id"], "", 6.8)}

    shown = await browser.get(sent.headers["location"])
    assert "Underlaget är inskickat." in shown.text
    assert not FORM.search(shown.text)
    assert "Inskickat" in shown.text and world["contact"]["email"] in shown.text
    assert "6,8" in shown.text and "Centrum" in shown.text
    # Home no longer lists it as awaited.
    assert f'href="{url}"' not in (await browser.get("/portal/")).text

    # A submitted input cannot be changed from the portal, even by a form kept open.
    late = await browser.post(url, {"action": "save", f"value-{damage['id']}": "99"})
    assert late.status_code == 409
    assert "Underlaget är redan inskickat" in late.text
    assert values_of(await stored_input(coordinator, round_id, world["our_party"])) == \
        values_of(submitted)


async def test_a_returned_input_shows_the_comment_and_can_be_changed_again(
    browsers, coordinator
):
    world, browser, url = await at_round(browsers, coordinator)
    round_id, damage = world["round"]["id"], world["damage"]
    sent = await browser.post(url, {"action": "submit", f"value-{damage['id']}": "290"})
    assert sent.status_code == 303, sent.text

    comment = "290 skadegörelser på ett kvartal? Kontrollera siffran."
    api = f"/api/rounds/{round_id}/inputs/{world['our_party']}"
    returned = await coordinator.post(f"{api}/return", json={"comment": comment})
    assert returned.status_code == 200, returned.text

    page = await browser.get(url)
    assert "Samordnaren har skickat tillbaka underlaget" in page.text
    assert comment in page.text
    assert "Tillbakaskickat" in page.text
    assert FORM.search(page.text)
    assert 'value="290"' in page.text
    assert f'href="{url}"' in (await browser.get("/portal/")).text  # awaited again

    again = await browser.post(url, {"action": "submit", f"value-{damage['id']}": "29",
                                     "version": str(returned.json()["version"])})
    assert again.status_code == 303, again.text
    resubmitted = await stored_input(coordinator, round_id, world["our_party"])
    assert resubmitted["status"] == "submitted"
    assert values_of(resubmitted) == {(damage["id"], "", 29)}


async def test_a_draft_changed_since_the_page_was_read_is_not_overwritten(
    browsers, coordinator
):
    world, browser, url = await at_round(browsers, coordinator)
    round_id, damage = world["round"]["id"], world["damage"]
    assert (await browser.post(url, {"action": "save", f"value-{damage['id']}": "1"})
            ).status_code == 303
    read = await stored_input(coordinator, round_id, world["our_party"])
    # A colleague saves meanwhile.
    assert (await browser.post(url, {"action": "save", f"value-{damage['id']}": "2",
                                     "version": str(read["version"])})).status_code == 303

    stale = await browser.post(url, {"action": "save", f"value-{damage['id']}": "3",
                                     "version": str(read["version"])})
    assert stale.status_code == 409
    assert "har ändrats sedan du öppnade sidan" in stale.text
    assert 'value="3"' in stale.text  # what was typed is kept…
    assert values_of(await stored_input(coordinator, round_id, world["our_party"])) == {
        (damage["id"], "", 2)}
    # …and the page now carries the newer version: pressing again saves it.
    version = re.search(r'name="version" value="(\d+)"', stale.text).group(1)
    assert int(version) == read["version"] + 1


async def test_values_are_checked_next_to_their_field_and_what_was_typed_is_kept(
    browsers, coordinator
):
    world, browser, url = await at_round(browsers, coordinator)
    round_id, damage, index = world["round"]["id"], world["damage"], world["index"]
    d = damage["id"]

    refused = await browser.post(url, {
        "action": "submit", f"value-{d}": "tolv", f"value-{index['id']}": "1.200,5",
        f"place-{d}-0": "Torget", f"amount-{d}-0": "",
        f"place-{d}-1": "", f"amount-{d}-1": "3",
        f"place-{d}-2": "torget", f"amount-{d}-2": "5",
        "observations": "Sparas inte.", "internal": "1",
    })
    assert refused.status_code == 400
    text = refused.text
    assert "<title>Fel: " in text
    assert "Skriv värdet för Anmäld skadegörelse som ett tal, t.ex. 12,5." in text
    assert "Skriv värdet för Trygghetsindex som ett tal" in text
    assert "Skriv ett värde för Torget (Anmäld skadegörelse)." in text
    assert "Skriv vilken plats värdet på rad 2 gäller (Anmäld skadegörelse)." in text
    assert "Platsen torget finns redan för Anmäld skadegörelse." in text
    assert f'id="value-{d}-error"' in text
    assert f'aria-describedby="value-{d}-hint value-{d}-error" aria-invalid="true"' in text
    assert f'href="#place-{d}-1"' in text  # the summary links to the field
    # What was typed is kept, the box too.
    for typed in ('value="tolv"', 'value="1.200,5"', 'value="torget"', "Sparas inte."):
        assert typed in text, typed
    assert re.search(r'id="internal" name="internal" value="1" checked', text)
    assert await stored_input(coordinator, round_id, world["our_party"]) is None


async def test_numbers_as_people_type_them(browsers, coordinator):
    world, browser, url = await at_round(browsers, coordinator)
    round_id, damage, index = world["round"]["id"], world["damage"], world["index"]
    saved = await browser.post(url, {
        "action": "save", f"value-{damage['id']}": " 1 234,5 ", f"value-{index['id']}": "-0,25",
        f"place-{damage['id']}-0": "  Norra   torget ", f"amount-{damage['id']}-0": "7.5",
    })
    assert saved.status_code == 303, saved.text
    found = await stored_input(coordinator, round_id, world["our_party"])
    assert values_of(found) == {(damage["id"], "", 1234.5), (index["id"], "", -0.25),
                                (damage["id"], "Norra torget", 7.5)}
    page = await browser.get(url)
    assert 'value="1234,5"' in page.text and 'value="-0,25"' in page.text


@pytest.mark.parametrize(("typed", "value"), [
    ("12,5", 12.5), ("12.5", 12.5), ("-3", -3), ("+4", 4), (",5", 0.5), ("7,", 7),
    ("1 200", 1200), ("1\u00a0200,75", 1200.75), ("\u22122,5", -2.5), ("  ", None), ("", None),
    ("0", 0),
])
def test_parse_number_reads_swedish_and_english_decimals(typed, value):
    assert parse_number(typed) == value


@pytest.mark.parametrize("typed", ["tolv", "1,2,3", "1.200,5", "1e3", "inf", "nan", "12 5",
                                   "1 20", "--1", "0x1F", "9" * 41, "١٢"])
def test_parse_number_refuses_what_is_no_number(typed):
    with pytest.raises(ValueError):
        parse_number(typed)


@pytest.mark.parametrize(("value", "sv", "en"), [
    (12.5, "12,5", "12.5"), (1e20, "100000000000000000000", "100000000000000000000"),
    (3.0, "3", "3"), (0.0001, "0,0001", "0.0001"), (None, "", ""),
])
def test_a_stored_value_goes_back_into_its_field_as_it_is_read(value, sv, en):
    assert typed_number(value, "sv") == sv and typed_number(value, "en") == en
    if value is not None:
        assert parse_number(sv) == value


async def test_a_form_without_its_csrf_token_is_refused_and_saves_nothing(
    browsers, coordinator
):
    world, browser, url = await at_round(browsers, coordinator)
    form = {"action": "submit", f"value-{world['damage']['id']}": "5"}
    for token in (None, "0" * 128):
        if token is None:
            response = await browser.post(url, form, csrf=False)
        else:
            response = await browser.post(url, form, token=token)
        assert response.status_code == 403
        assert "Formuläret kunde inte skickas" in response.text
    assert await stored_input(coordinator, world["round"]["id"], world["our_party"]) is None


async def test_a_closed_round_is_read_only(browsers, coordinator):
    world, browser, url = await at_round(browsers, coordinator)
    closed = await coordinator.post(f"/api/rounds/{world['round']['id']}/close")
    assert closed.status_code == 200, closed.text
    page = await browser.get(url)
    assert "Omgången är stängd" in page.text and not FORM.search(page.text)
    refused = await browser.post(url, {"action": "save", f"value-{world['damage']['id']}": "1"})
    assert refused.status_code == 409
    assert await stored_input(coordinator, world["round"]["id"], world["our_party"]) is None
    assert f'href="{url}"' not in (await browser.get("/portal/")).text


# --- the joint picture ---------------------------------------------------------------------


def party_row(page: str, organization_name: str, place: str = "Hela området") -> str:
    """The cells of an organisation's row in the first indicator table."""
    match = re.search(
        rf'<th scope="row">{re.escape(organization_name)}(?:(?!</tr>).)*?</th>\s*'
        rf"<td>{re.escape(place)}</td>((?:(?!</tr>).)*)</tr>", page, re.S,
    )
    assert match, f"no row of {organization_name}"
    return match.group(1)


async def test_an_internal_input_is_on_its_own_partys_picture_only(browsers, coordinator):
    world = await situation_world(coordinator)
    ours = await signed_in(browsers, coordinator, world)
    theirs = await signed_in(browsers, coordinator, world, "their_contact")
    round_id, damage = world["round"]["id"], world["damage"]
    secret = "Tre familjer med oro – sekretess."
    shared = "Färre skadegörelser kring resecentrum."
    url = f"/portal/rounds/{round_id}"
    assert (await ours.post(url, {"action": "submit", f"value-{damage['id']}": "117",
                                  "observations": secret, "internal": "1"})).status_code == 303
    assert (await theirs.post(url, {"action": "submit", f"value-{damage['id']}": "95",
                                    "observations": shared})).status_code == 303

    picture = f"/portal/agreements/{world['agreement']['id']}/situation"
    own = await ours.get(picture)
    assert own.status_code == 200
    assert_page_headers(own)
    assert "Lägesbild 2026-Q1" in own.text
    assert secret in own.text and shared in own.text
    row = party_row(own.text, world["ours"]["name"])
    assert "117" in row and "Internt" in own.text
    # The goal's distances: 117 is 3 below the baseline 120 and 37 above the target 80.
    assert "<td>−3</td>" in row or "<td>-3</td>" in row
    assert "Från utgångsvärdet" in own.text and "Kvar till målvärdet" in own.text
    assert re.search(r'<svg [^>]*role="img"', own.text)
    assert "Diagrammet visar Anmäld skadegörelse (st) per period" in own.text

    other = await theirs.get(picture)
    assert other.status_code == 200
    assert shared in other.text
    assert secret not in other.text
    # No row at all for the internal input: not even an empty one reading "not delivered".
    assert world["ours"]["name"] not in other.text.split('<h2 id="indicators">')[1].split("</table>")[0]
    assert "117" not in other.text.split('<h2 id="indicators">')[1]
    assert "95" in party_row(other.text, world["theirs"]["name"])
    # What the internal input holds is hidden, and so is what it lacks.
    assert f"{world['ours']['name']} saknar värden" not in other.text
    assert f"{world['ours']['name']} saknar värden" in own.text  # the safety index

    # The round selector and the explicit round give the same page.
    explicit = await theirs.get(f"{picture}?round={round_id}")
    assert explicit.status_code == 200 and secret not in explicit.text
    assert f'href="{picture}?round={round_id}" aria-current="page"' in explicit.text


async def test_the_picture_lists_every_round_and_what_is_missing(browsers, coordinator):
    world = await situation_world(coordinator)
    browser = await signed_in(browsers, coordinator, world)
    first, damage = world["round"], world["damage"]
    second = await open_round(coordinator, world["agreement"], "2026-Q2", [
        {"party_id": world["our_party"], "indicator_ids": [damage["id"]]},
        {"party_id": world["their_party"], "indicator_ids": [damage["id"]]},
    ], deadline="2026-07-15")
    for round_, value in ((first, "110"), (second, "95")):
        response = await browser.post(f"/portal/rounds/{round_['id']}",
                                      {"action": "submit", f"value-{damage['id']}": value})
        assert response.status_code == 303, response.text

    picture = f"/portal/agreements/{world['agreement']['id']}/situation"
    latest = await browser.get(picture)
    assert "Lägesbild 2026-Q2" in latest.text
    row = party_row(latest.text, world["ours"]["name"])
    assert re.search(r"<td>95</td>\s*<td>110</td>\s*<td>[−-]15</td>", row), row
    assert f'href="{picture}?round={first["id"]}"' in latest.text
    assert f"{world['theirs']['name']} har inte skickat in sitt underlag " \
           f"(Anmäld skadegörelse)." in latest.text

    earlier = await browser.get(f"{picture}?round={first['id']}")
    assert "Lägesbild 2026-Q1" in earlier.text
    assert "<td>110</td>" in party_row(earlier.text, world["ours"]["name"])


async def test_an_agreement_without_rounds_has_an_empty_picture(browsers, coordinator):
    ours, theirs = await organization(coordinator), await organization(coordinator)
    agreement = await live_agreement(coordinator, ours, theirs)
    browser = browsers()
    await sign_in(browser, coordinator, agreement, ours["contacts"][0])
    page = await browser.get(f"/portal/agreements/{agreement['id']}/situation")
    assert page.status_code == 200
    assert "Det finns ingen lägesbild ännu" in page.text
    assert "Ingen omgång för lägesbilden har öppnats ännu." in (
        await browser.get(f"/portal/agreements/{agreement['id']}")).text


async def test_rounds_and_pictures_not_the_partners_are_the_missing_page(browsers, coordinator):
    world = await situation_world(coordinator)
    elsewhere = await situation_world(coordinator)
    browser = await signed_in(browsers, coordinator, world)
    missing = await browser.get("/portal/rounds/2147483000")
    assert missing.status_code == 404
    own_picture = f"/portal/agreements/{world['agreement']['id']}/situation"
    for url in (
        f"/portal/rounds/{elsewhere['round']['id']}",
        f"/portal/agreements/{elsewhere['agreement']['id']}/situation",
        f"{own_picture}?round={elsewhere['round']['id']}",
        f"{own_picture}?round=abc",
        f"{own_picture}?round=0",
        f"{own_picture}?round=99999999999",
        "/portal/rounds/0",
    ):
        response = await browser.get(url)
        assert response.status_code == 404, url
        assert response.text == missing.text.replace(
            "/portal/rounds/2147483000", url.replace("&", "&amp;").replace("?", "%3F")
            .replace("=", "%3D")
        ), url
    refused = await browser.post(f"/portal/rounds/{elsewhere['round']['id']}",
                                 {"action": "submit", "value-1": "1"})
    assert refused.status_code == 404
    assert await stored_input(coordinator, elsewhere["round"]["id"],
                              elsewhere["our_party"]) is None


async def test_the_pages_in_english(browsers, coordinator):
    world, browser, url = await at_round(browsers, coordinator)
    assert (await browser.get(f"/portal/language/en?next={url}")).status_code == 303
    page = await browser.get(url)
    assert '<html lang="en">' in page.text
    assert "Input to the situation picture 2026-Q1" in page.text
    assert "Reported criminal damage (st)" in page.text and ">Save draft</button>" in page.text
    assert "Shown only to the coordinators and yourselves" in page.text
    # An English decimal point reads as well as a comma; typed back with a point.
    saved = await browser.post(url, {"action": "submit",
                                     f"value-{world['damage']['id']}": "12.5"})
    assert saved.status_code == 303, saved.text
    picture = await browser.get(f"/portal/agreements/{world['agreement']['id']}/situation")
    assert "Situation picture 2026-Q1" in picture.text
    assert "The chart shows Reported criminal damage (st) per period" in picture.text
    assert "<td>12.5</td>" in picture.text
