"""The printed agreement: content, typography, archive metadata, attachment, caching."""

import io
import json

import pikepdf

from tests.documents.conftest import flat, page_count, pdf_text
from tests.factories import unique

URL = "/api/agreements/{}/document.pdf"


async def _rich_agreement(api, parties: int = 3) -> dict:
    agreement = await api.agreement(
        parties=parties,
        registration_number=unique("KS 2026/"),
        purpose="Öka tryggheten i Luleå centrum – särskilt kvällstid för äldre och unga.",
        background="Samverkan sedan 2012; överenskommelsen ersätter den från 2020–2023.",
        governance="Styrgruppen möts fyra gånger per år.",
        follow_up_cadence="quarterly",
    )
    path = f"/api/agreements/{agreement['id']}"
    focus = await api.post(f"{path}/focus-areas", json={
        "title": "Trygghet i centrum", "problem": "Otrygghet kvällstid",
        "cause_analysis": "Mörka gångstråk och ansamlingar",
    })
    assert focus.status_code == 201, focus.text
    goal = await api.post(f"{path}/goals", json={
        "title": "Fler känner sig trygga", "indicator": "Andel trygga", "unit": "%",
        "baseline": 61.5, "target": 12000, "measured_how": "Trygghetsmätningen",
    })
    assert goal.status_code == 201, goal.text
    for index in range(parties):
        await api.commitment(agreement, party_index=index, description=f"Beskrivning {index} åäö",
                             due_date="2026-06-30")
    follow_up = await api.post(f"{path}/follow-ups", json={
        "date": "2026-03-15", "kind": "steering_group_meeting", "title": "Styrgrupp Q1",
    })
    assert follow_up.status_code == 201, follow_up.text
    for number, party in enumerate((await api.fresh(agreement))["parties"]):
        response = await api.patch(f"{path}/parties/{party['id']}", json={
            "signatory_name": f"Signatär Öhrström {number}", "signatory_title": "Ordförande",
        }, headers={"If-Match": f'"{party["version"]}"'})
        assert response.status_code == 200, response.text
    return await api.fresh(agreement)


def _xmp(pdf: bytes) -> str:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return bytes(document.Root.Metadata.read_bytes()).decode("utf-8")


def _attachment(pdf: bytes) -> tuple[bytes, str]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        files = document.attachments
        assert list(files) == ["overenskommelse.json"]
        spec = files["overenskommelse.json"]
        relationship = str(spec.obj.get("/AFRelationship"))
        return spec.get_file().read_bytes(), relationship


async def test_every_party_commitment_and_signatory_appears(coordinator):
    agreement = await _rich_agreement(coordinator)
    response = await coordinator.get(URL.format(agreement["id"]))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "private, no-cache"
    text = flat(pdf_text(response.content))
    for party in agreement["parties"]:
        assert party["organization"]["name"] in text
        assert party["organization"]["org_number"] in text
        assert party["signatory_name"] in text
        assert party["primary_contact"]["name"] in text
    for commitment in agreement["commitments"]:
        assert commitment["title"] in text
        assert commitment["description"] in text
    assert agreement["registration_number"] in text
    assert "1 januari 2026 – 31 december 2029" in text  # en dash, spelled-out dates
    assert "Öka tryggheten i Luleå centrum – särskilt" in text
    assert "30 juni 2026" in text
    assert "61,5 %" in text and "12 000 %" in text  # Swedish decimal comma and grouping
    assert "Sida 1 av" in text and "Orsaksanalys" in text and "Underskrifter" in text


def test_non_breaking_spaces_in_dates_and_numbers():
    # pdftotext turns U+00A0 into a plain space, so this is checked in the HTML rendered.
    from samverkan.documents import render

    assert render._date("2026-06-30", "sv_SE") == "30\u00a0juni\u00a02026"
    assert render._number(12000, "st", "sv_SE") == "12\u00a0000\u00a0st"
    assert render._number(61.5, "%", "sv_SE") == "61,5\u00a0%"
    assert render._period("2026-01-01", None, render.LABELS["sv"]) == "1\u00a0januari\u00a02026 – tills vidare"


async def test_pdfa_identification_metadata_and_attachment(coordinator):
    agreement = await _rich_agreement(coordinator, parties=2)
    response = await coordinator.get(URL.format(agreement["id"]))
    xmp = _xmp(response.content)
    assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3</pdfaid:part>" in xmp
    assert 'pdfaid:conformance="B"' in xmp or "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert agreement["title"] in xmp
    assert "<rdf:li>sv-SE</rdf:li>" in xmp
    assert agreement["parties"][0]["organization"]["name"] in xmp  # author
    with pikepdf.open(io.BytesIO(response.content)) as document:
        assert str(document.Root.Lang) == "sv-SE"
        assert str(document.docinfo.Title) == agreement["title"]
    embedded, relationship = _attachment(response.content)
    api = await coordinator.get(f"/api/agreements/{agreement['id']}")
    assert embedded == api.content  # byte for byte what the API answers
    assert json.loads(embedded) == api.json()
    assert relationship == "/Data"


async def test_same_version_same_bytes_and_a_change_gives_a_new_document(
    coordinator, document_cache
):
    agreement = await _rich_agreement(coordinator, parties=2)
    url = URL.format(agreement["id"])
    first = await coordinator.get(url)
    for cached in document_cache.iterdir():
        cached.unlink()  # render again from scratch
    second = await coordinator.get(url)
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]

    not_modified = await coordinator.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified.headers["etag"] == first.headers["etag"]

    changed = await coordinator.patch(
        f"/api/agreements/{agreement['id']}", json={"governance": "Styrgruppen möts varannan månad."},
        headers={"If-Match": f'"{agreement["version"]}"'},
    )
    assert changed.status_code == 200, changed.text
    stale = await coordinator.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert stale.status_code == 200
    assert stale.headers["etag"] != first.headers["etag"]
    assert stale.content != first.content
    assert "varannan månad" in flat(pdf_text(stale.content))
    # Each variant and language is its own document.
    english = await coordinator.get(url, params={"lang": "en"})
    assert english.headers["etag"] not in (stale.headers["etag"], first.headers["etag"])


async def test_draft_marked_on_every_page_and_active_not(coordinator):
    agreement = await _rich_agreement(coordinator, parties=2)
    draft = (await coordinator.get(URL.format(agreement["id"]))).content
    pages = page_count(draft)
    assert pages >= 3
    for page in range(1, pages + 1):
        assert "UTKAST" in pdf_text(draft, page), f"page {page} of the draft has no mark"

    await coordinator.activate(agreement)
    active = (await coordinator.get(URL.format(agreement["id"]))).content
    for page in range(1, page_count(active) + 1):
        assert "UTKAST" not in pdf_text(active, page)
    text = flat(pdf_text(active))
    assert "Gällande" in text and "Undertecknad av Anna Andersson" in text
    assert "10 januari 2026" in text and "Luleå" in text


async def test_english_headings(coordinator):
    agreement = await _rich_agreement(coordinator, parties=2)
    response = await coordinator.get(URL.format(agreement["id"]), params={"lang": "en"})
    assert response.status_code == 200
    text = flat(pdf_text(response.content))
    for heading in ("Parties", "Purpose and background", "Focus areas", "Goals",
                    "Commitments", "Follow-up", "Governance", "Signatures", "Page 1 of"):
        assert heading in text
    assert "Åtaganden" not in text
    assert "1 January 2026 – 31 December 2029" in text
    # The draft mark in the footer is a CSS string: its middle dot printed, not "u00b7".
    assert "UTKAST · DRAFT" in text and "u00b7" not in text
    assert "<rdf:li>en-GB</rdf:li>" in _xmp(response.content)


async def test_ua_variant_is_tagged(coordinator):
    agreement = await _rich_agreement(coordinator, parties=2)
    response = await coordinator.get(URL.format(agreement["id"]), params={"variant": "ua"})
    assert response.status_code == 200
    with pikepdf.open(io.BytesIO(response.content)) as document:
        assert bool(document.Root.MarkInfo.Marked) is True
        assert "/StructTreeRoot" in document.Root
    assert "pdfuaid:part" in _xmp(response.content)
    embedded, _ = _attachment(response.content)
    assert json.loads(embedded)["id"] == agreement["id"]


async def test_unknown_agreement_and_bad_parameters(coordinator):
    assert (await coordinator.get(URL.format(2_000_000_000))).status_code == 404
    agreement = await coordinator.agreement()
    assert (await coordinator.get(URL.format(agreement["id"]), params={"lang": "de"})).status_code == 400
    assert (await coordinator.get(URL.format(agreement["id"]), params={"variant": "x"})).status_code == 400


async def test_viewer_may_download_and_anonymous_may_not(coordinator, viewer, client):
    agreement = await coordinator.agreement()
    response = await viewer.get(URL.format(agreement["id"]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert (await client.get(URL.format(agreement["id"]))).status_code == 401
