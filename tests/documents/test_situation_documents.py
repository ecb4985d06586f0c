"""The lägesbild in print: the agreement's PDF holds the latest joint picture, each round
prints on its own, and an internal input is in neither (docs/documents.md)."""

import io
import json
import re

import pikepdf

from tests.documents.conftest import flat, pdf_text
from tests.factories import unique

AGREEMENT_URL = "/api/agreements/{}/document.pdf"
ROUND_URL = "/api/rounds/{}/document.pdf"
SECRET_VALUE = 4321
SECRET_OBSERVATION = "Hemligt: oro i trappuppgång 7B, tre namngivna ungdomar."
SHARED_OBSERVATION = "Färre skadegörelser kring resecentrum sedan belysningen byttes."


async def _picture(api) -> dict:
    """An agreement with two quarters: the police's values in both, the municipality's shared
    input and the housing company's internal one in the second, a goal on the indicator."""
    codes = await api.indicators()
    crime, unsafe = codes["anmald_skadegorelse"], codes["ntu_otrygghet_kvall"]
    agreement = await api.agreement(parties=3, registration_number=unique("KS 2026/"))
    assert (await api.move(agreement, "in_preparation")).status_code == 200
    agreement = await api.fresh(agreement)
    police, municipality, housing = (p["id"] for p in agreement["parties"])
    goal = await api.post(f"/api/agreements/{agreement['id']}/goals", json={
        "title": "Minskad skadegörelse", "indicator_id": crime["id"], "baseline": 120,
        "target": 80,
    })
    assert goal.status_code == 201, goal.text
    requests = [{"party_id": police, "indicator_ids": [crime["id"]]},
                {"party_id": municipality, "indicator_ids": [unsafe["id"]]},
                {"party_id": housing, "indicator_ids": [crime["id"]]}]
    first = await api.round(agreement, "2026-Q1", "2026-04-15", requests)
    second = await api.round(agreement, "2026-Q2", "2026-07-15", requests)
    await api.submit_input(first, police, [{"indicator_id": crime["id"], "value": 110}])
    await api.submit_input(first, municipality, [{"indicator_id": unsafe["id"], "value": 31}])
    await api.submit_input(second, police, [{"indicator_id": crime["id"], "value": 95}],
                           observations=SHARED_OBSERVATION)
    await api.submit_input(second, municipality, [{"indicator_id": unsafe["id"], "value": 29.5}])
    await api.submit_input(second, housing, [{"indicator_id": crime["id"], "value": SECRET_VALUE}],
                           observations=SECRET_OBSERVATION, internal=True)
    return {"agreement": await api.fresh(agreement), "first": first, "second": second,
            "crime": crime, "unsafe": unsafe, "police": police, "municipality": municipality,
            "housing": housing}


def _attachments(pdf: bytes) -> dict[str, bytes]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return {name: spec.get_file().read_bytes() for name, spec in document.attachments.items()}


def _xmp(pdf: bytes) -> str:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return bytes(document.Root.Metadata.read_bytes()).decode("utf-8")


def _assert_pdfa(pdf: bytes, language: str) -> None:
    xmp = _xmp(pdf)
    assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3</pdfaid:part>" in xmp
    assert 'pdfaid:conformance="B"' in xmp or "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert f"<rdf:li>{language}</rdf:li>" in xmp


def _row(pdf: bytes, *cells: str) -> str:
    """The line of a table (pdftotext -layout) holding these cells in this order."""
    pattern = r"\s+".join(re.escape(cell) for cell in cells)
    for line in pdf_text(pdf, layout=True).splitlines():
        line = line.replace("\u00a0", " ")
        if re.search(pattern, line):
            return line
    raise AssertionError(f"no line with {cells!r}")


def _assert_no_secret(text: str) -> None:
    assert "4321" not in text and "4 321" not in text
    assert "trappuppgång" not in text and "Hemligt" not in text


async def test_agreement_pdf_prints_the_latest_picture_with_its_chart(coordinator):
    case = await _picture(coordinator)
    agreement = case["agreement"]
    response = await coordinator.get(AGREEMENT_URL.format(agreement["id"]))
    assert response.status_code == 200, response.text
    text = flat(pdf_text(response.content))

    assert "3 Lägesbild" in text
    assert "Den gemensamma lägesbilden för 2026-Q2 (april–juni 2026)" in text
    assert "3.1 Anmäld skadegörelse" in text
    police = agreement["parties"][0]["organization"]["name"]
    # The latest period's value, the previous one, the change and the goal distances
    # (value − baseline, target − value, share of the way), with true minus signs.
    layout = " ".join(pdf_text(response.content, layout=True).split())
    assert "Part 2026-Q2 2026-Q1 Förändring" in layout
    assert _row(response.content, police, "95", "110", "−15", "−25", "−15", "62 %")
    assert "Mål Minskad skadegörelse: utgångsvärde 120, målvärde 80" in text
    # Swedish decimal comma; the municipality's quarter before.
    municipality = agreement["parties"][1]["organization"]["name"]
    assert _row(response.content, municipality, "29,5", "31", "−1,5")
    # The chart: its title and subtitle are drawn by the SVG, the text alternative under it.
    assert "st · Lägre värden är bättre" in text  # the chart's own subtitle
    assert ("Diagrammet i text Diagrammet visar Anmäld skadegörelse (st) per period från "
            "2026-Q1 till 2026-Q2. Lägre värden är bättre.") in text
    assert f"{police}: från 110 (2026-Q1) till 95 (2026-Q2), en minskning med 15" in text
    assert "Utgångsläge: 120. Mål: 80." in text
    assert SHARED_OBSERVATION in text
    assert "3.4 Underlag" in text and _row(response.content, police, "Inskickat")
    # What is missing: nothing from the internal input is shown, not even what it lacks.
    assert "Alla parter har lämnat det de ombetts om." in text
    _assert_no_secret(text)

    files = _attachments(response.content)
    assert set(files) == {"overenskommelse.json", "lagesbild.json"}
    printed = json.loads(files["lagesbild.json"])
    assert printed["picture"]["round"]["id"] == case["second"]["id"]
    assert printed["picture"]["periods"] == ["2026-Q1", "2026-Q2"]
    # The inputs counted, with their status: the housing company's internal one is not there.
    assert [(i["party_id"], i["status"]) for i in printed["inputs"]] == [
        (case["police"], "submitted"), (case["municipality"], "submitted")]
    _assert_no_secret(files["lagesbild.json"].decode("utf-8"))
    _assert_pdfa(response.content, "sv-SE")


async def test_agreement_pdf_in_english(coordinator):
    case = await _picture(coordinator)
    response = await coordinator.get(AGREEMENT_URL.format(case["agreement"]["id"]),
                                     params={"lang": "en"})
    assert response.status_code == 200, response.text
    text = flat(pdf_text(response.content))
    assert "3 Situation picture" in text
    assert "The joint situation picture for 2026-Q2 (April–June 2026)" in text
    assert "3.1 Reported criminal damage" in text
    assert ("The chart shows Reported criminal damage (st) per period from 2026-Q1 to "
            "2026-Q2") in text
    municipality = case["agreement"]["parties"][1]["organization"]["name"]
    assert _row(response.content, municipality, "29.5", "31", "−1.5")
    assert "The parties' observations" in text and "Still missing" in text
    _assert_no_secret(text)


async def test_no_round_yet_is_said_briefly(coordinator):
    agreement = await coordinator.agreement()
    response = await coordinator.get(AGREEMENT_URL.format(agreement["id"]))
    text = flat(pdf_text(response.content))
    assert ("Ingen lägesbild har tagits fram ännu: överenskommelsen har ingen omgång med "
            "underlag.") in text
    assert set(_attachments(response.content)) == {"overenskommelse.json"}
    english = await coordinator.get(AGREEMENT_URL.format(agreement["id"]), params={"lang": "en"})
    assert "No situation picture yet" in flat(pdf_text(english.content))


async def test_a_round_prints_on_its_own(coordinator, document_cache):
    case = await _picture(coordinator)
    agreement = case["agreement"]
    url = ROUND_URL.format(case["first"]["id"])
    response = await coordinator.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "private, no-cache"
    assert f'lagesbild-{agreement["id"]}-2026-Q1.pdf' in response.headers["content-disposition"]
    text = flat(pdf_text(response.content))
    cover = flat(pdf_text(response.content, page=1))
    assert "LÄGESBILD · 2026-Q1" in cover
    assert agreement["title"] in cover and agreement["registration_number"] in cover
    assert "Period 2026-Q1 (januari–mars 2026)" in cover
    assert "Sista dag för underlag 15 april 2026" in cover
    assert "Omgångens status Öppen" in cover
    for party in agreement["parties"]:
        assert party["organization"]["name"] in cover
    assert "Lägesbild 2026-Q1" in text  # heading and footer
    police = agreement["parties"][0]["organization"]["name"]
    assert _row(response.content, police, "110", "–", "–", "−10", "−30", "25 %")  # no 2025-Q4
    assert "Diagrammet visar Anmäld skadegörelse (st) per period för 2026-Q1." in text
    # The first quarter's round asked the housing company too, and it gave nothing.
    housing = agreement["parties"][2]["organization"]["name"]
    assert f"{housing} har inte lämnat sitt underlag (Anmäld skadegörelse)." in text
    _assert_pdfa(response.content, "sv-SE")

    files = _attachments(response.content)
    assert list(files) == ["lagesbild.json"]
    printed = json.loads(files["lagesbild.json"])["picture"]
    assert printed["round"]["id"] == case["first"]["id"] and printed["periods"] == ["2026-Q1"]
    with pikepdf.open(io.BytesIO(response.content)) as document:
        assert str(document.docinfo.Title) == "Lägesbild 2026-Q1"
        spec = document.attachments["lagesbild.json"]
        assert str(spec.obj.get("/AFRelationship")) == "/Data"

    # The same round again, from scratch: the same bytes; the ETag answers 304.
    for cached in document_cache.iterdir():
        cached.unlink()
    again = await coordinator.get(url)
    assert again.content == response.content
    assert again.headers["etag"] == response.headers["etag"]
    not_modified = await coordinator.get(url, headers={"If-None-Match": response.headers["etag"]})
    assert not_modified.status_code == 304 and not_modified.content == b""

    english = await coordinator.get(url, params={"lang": "en"})
    english_text = flat(pdf_text(english.content))
    assert "Period 2026-Q1 (January–March 2026)" in english_text
    assert "Inputs due 15 April 2026" in english_text
    assert english.headers["etag"] != response.headers["etag"]
    _assert_pdfa(english.content, "en-GB")

    tagged = await coordinator.get(url, params={"variant": "ua"})
    with pikepdf.open(io.BytesIO(tagged.content)) as document:
        assert "/StructTreeRoot" in document.Root


async def test_an_internal_input_is_in_neither_pdf_while_a_shared_one_is(coordinator):
    case = await _picture(coordinator)
    documents = [
        (await coordinator.get(AGREEMENT_URL.format(case["agreement"]["id"]))).content,
        (await coordinator.get(ROUND_URL.format(case["second"]["id"]))).content,
        (await coordinator.get(ROUND_URL.format(case["second"]["id"]),
                               params={"lang": "en", "variant": "ua"})).content,
    ]
    # The coordinators' own view has it: it is the print that leaves it out.
    api = (await coordinator.get(f"/api/agreements/{case['agreement']['id']}/situation")).json()
    assert SECRET_OBSERVATION in [o["text"] for o in api["observations"]]
    for pdf in documents:
        text = flat(pdf_text(pdf))
        _assert_no_secret(text)
        assert SHARED_OBSERVATION in text
        assert "95" in text
        picture = _attachments(pdf)["lagesbild.json"].decode("utf-8")
        _assert_no_secret(picture)
        assert SHARED_OBSERVATION in picture


async def test_submit_accept_and_return_give_new_etags(coordinator):
    case = await _picture(coordinator)
    agreement_url = AGREEMENT_URL.format(case["agreement"]["id"])
    round_url = ROUND_URL.format(case["second"]["id"])
    earlier_url = ROUND_URL.format(case["first"]["id"])
    input_url = f"/api/rounds/{case['second']['id']}/inputs/{case['municipality']}"

    async def etags() -> tuple[str, str]:
        first = await coordinator.get(agreement_url)
        second = await coordinator.get(round_url)
        assert first.status_code == second.status_code == 200
        return first.headers["etag"], second.headers["etag"]

    seen = [await etags()]
    earlier = (await coordinator.get(earlier_url)).headers["etag"]

    accepted = await coordinator.post(f"{input_url}/accept")
    assert accepted.status_code == 200, accepted.text
    seen.append(await etags())
    municipality = case["agreement"]["parties"][1]["organization"]["name"]
    assert _row((await coordinator.get(round_url)).content, municipality, "Godkänt")
    returned = await coordinator.post(f"{input_url}/return", json={"comment": "Fel kvartal?"})
    assert returned.status_code == 200, returned.text
    seen.append(await etags())
    # Returned, the value is not counted: the documents say it is missing.
    text = flat(pdf_text((await coordinator.get(round_url)).content))
    assert (f"{municipality} har inte lämnat sitt underlag "
            "(Otrygg ute sent på kvällen (NTU)).") in text
    # A draft is nobody's business but the party's: saving one changes no document.
    await coordinator.save_input(case["second"], case["municipality"],
                                 [{"indicator_id": case["unsafe"]["id"], "value": 28}])
    assert await etags() == seen[-1]
    submitted = await coordinator.post(f"{input_url}/submit")
    assert submitted.status_code == 200, submitted.text
    seen.append(await etags())
    assert "28" in flat(pdf_text((await coordinator.get(agreement_url)).content))

    agreement_etags = [a for a, _ in seen]
    round_etags = [r for _, r in seen]
    assert len(set(agreement_etags)) == len(seen)
    assert len(set(round_etags)) == len(seen)
    stale = await coordinator.get(agreement_url, headers={"If-None-Match": seen[0][0]})
    assert stale.status_code == 200
    # An earlier round's document does not change with a later round's inputs.
    assert (await coordinator.get(earlier_url)).headers["etag"] == earlier


async def test_round_document_errors_and_roles(coordinator, viewer, client):
    assert (await coordinator.get(ROUND_URL.format(2_000_000_000))).status_code == 404
    case = await _picture(coordinator)
    url = ROUND_URL.format(case["first"]["id"])
    assert (await coordinator.get(url, params={"lang": "de"})).status_code == 400
    assert (await viewer.get(url)).status_code == 200
    assert (await client.get(url)).status_code == 401


async def test_the_portal_copy_prints_the_picture_without_internal_inputs(app, coordinator):
    # The partner portal's PDF is the same documents service's: the other party's internal
    # input is not in it – and neither is the partner's own (a print is an export).
    from tests.portal.test_pages import Browser, sign_in, two_party_agreement

    world = await two_party_agreement(coordinator)
    agreement = await coordinator.fresh(world["agreement"])
    ours, theirs = (p["id"] for p in agreement["parties"])
    crime = (await coordinator.indicators())["anmald_skadegorelse"]
    round_ = await coordinator.round(agreement, "2026-T1", "2026-05-10",
                                     [{"party_id": ours, "indicator_ids": [crime["id"]]},
                                     {"party_id": theirs, "indicator_ids": [crime["id"]]}])
    await coordinator.submit_input(round_, ours, [{"indicator_id": crime["id"], "value": 77}],
                                   observations=SHARED_OBSERVATION)
    await coordinator.submit_input(round_, theirs,
                                   [{"indicator_id": crime["id"], "value": SECRET_VALUE}],
                                   observations=SECRET_OBSERVATION, internal=True)
    browser = Browser(app)
    try:
        await sign_in(browser, coordinator, agreement, world["contact"])
        response = await browser.get(f"/portal/agreements/{agreement['id']}/document.pdf")
    finally:
        await browser.close()
    assert response.status_code == 200
    text = flat(pdf_text(response.content))
    assert "2026-T1 (januari–april 2026)" in text
    assert world["ours"]["name"] in text
    assert _row(response.content, "Partnerorganisation", "77")  # the name wraps in its cell
    assert SHARED_OBSERVATION in text
    _assert_no_secret(text)
