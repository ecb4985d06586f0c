"""Screenshots of the portal's pages for docs/screenshots/, at a desktop's and a phone's width.

Not part of an ordinary run; refresh them with
    SAMVERKAN_SCREENSHOTS=docs/screenshots .venv/bin/pytest tests/browser/test_portal_screenshots.py
Each is the viewport only (what a person sees first, or a section scrolled into view), so
the files stay small.
"""

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from samverkan import clock
from tests.browser.portal import CONTINUE
from tests.factories import org_number

TARGET = os.environ.get("SAMVERKAN_SCREENSHOTS", "")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.skipif(
    not TARGET, reason="set SAMVERKAN_SCREENSHOTS=docs/screenshots to refresh the screenshots"
)


async def _organization(api, name, kind, contact):
    response = await api.post("/api/organizations", json={
        "name": name, "kind": kind, "org_number": org_number("2" if kind != "business" else "5"),
        "contacts": [contact],
    })
    assert response.status_code == 201, response.text
    return response.json()


async def _created(response):
    assert response.status_code == 201, response.text
    return response.json()


async def _agreement(api):
    """An agreement as a coordinator would write it, with names people have."""
    stamp = clock.now().strftime("%H%M%S")
    kommun = await _organization(api, "Luleå kommun", "municipality", {
        "name": "Åsa Öberg", "title": "Trygghetssamordnare",
        "email": f"asa.oberg.{stamp}@lulea.example.se", "phone": "0920-45 30 00"})
    lulebo = await _organization(api, "Lulebo AB", "business", {
        "name": "Bengt Berg", "title": "Bovärd", "email": f"bengt.berg.{stamp}@lulebo.example.se"})
    polisen = await _organization(api, "Polismyndigheten", "police", {
        "name": "Cecilia Ek", "title": "Kommunpolis",
        "email": f"cecilia.ek.{stamp}@polisen.example.se"})
    agreement = await _created(await api.post("/api/agreements", json={
        "title": "Samverkansöverenskommelse för ett tryggare Luleå centrum",
        "kind": "collaboration_agreement", "registration_number": f"A-{stamp}-2026",
        "purpose": "Parterna ska tillsammans minska brottsligheten och öka tryggheten i "
                   "Luleå centrum, särskilt kvällar och helger.",
        "background": "Medborgardialoger och trygghetsmätningen 2025 visar att många "
                      "upplever otrygghet vid resecentrum och i parkerna.",
        "period_start": "2026-01-01", "period_end": "2028-12-31",
        "follow_up_cadence": "tertial", "municipality_codes": ["2580"],
        "parties": [{"organization_id": org["id"], "role": role,
                     "primary_contact_id": org["contacts"][0]["id"]}
                    for org, role in ((kommun, "Part"), (lulebo, "Part"),
                                      (polisen, "Samordnande part"))],
    }))
    focus = await _created(await api.post(
        f"/api/agreements/{agreement['id']}/focus-areas",
        json={"title": "Trygghet i offentlig miljö",
              "problem": "Otrygghet vid resecentrum och i parkerna på kvällstid."}))
    await _created(await api.post(
        f"/api/agreements/{agreement['id']}/goals",
        json={"title": "Fler känner sig trygga i centrum", "focus_area_id": focus["id"],
              "indicator": "Andel trygga i trygghetsmätningen", "unit": "%",
              "baseline": 61, "target": 75}))
    await _created(await api.post(
        f"/api/agreements/{agreement['id']}/follow-ups",
        json={"date": "2026-09-15", "kind": "steering_group_meeting", "title": "Styrgrupp",
              "start_time": "13:30", "location": "Stadshuset, Luleå"}))
    moved = await api.move(agreement, "in_preparation")
    assert moved.status_code == 200, moved.text
    agreement = moved.json()
    parties = agreement["parties"]
    commitments = {}
    for key, party, title, due in (
        ("walks", 0, "Trygghetsvandringar i centrum två gånger per termin", "2026-12-31"),
        ("lights", 0, "Bättre belysning längs gång- och cykelvägar", "2027-06-30"),
        ("cameras", 0, "Utreda kameraövervakning vid resecentrum", "2026-10-31"),
        ("hosts", 1, "Fastighetsvärdar i tjänst fredags- och lördagskvällar", "2026-12-31"),
        ("police", 2, "Polisen deltar i trygghetsvandringarna", "2026-12-31"),
    ):
        commitments[key] = await _created(await api.post(
            f"/api/agreements/{agreement['id']}/commitments",
            json={"party_id": parties[party]["id"], "title": title, "due_date": due,
                  "focus_area_id": focus["id"],
                  "description": "Enligt handlingsplanen för Luleå centrum."}))
    return agreement, kommun, commitments


async def _shoot(page, name: str) -> None:
    """The viewport as a PNG of 128 colours: a third of the size, no visible difference."""
    path = Path(TARGET) / f"portal-{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    shot = Image.open(io.BytesIO(await page.screenshot())).convert("RGB")
    shot.quantize(colors=128).save(path, optimize=True)


async def test_screenshots(page, live_coordinator, mailbox):
    agreement, kommun, c = await _agreement(live_coordinator)
    contact = kommun["contacts"][0]

    for size, suffix in ((DESKTOP, "desktop"), (PHONE, "phone")):
        await page.set_viewport_size(size)
        await page.goto("/portal/login")
        await _shoot(page, f"login-{suffix}")
    await page.set_viewport_size(DESKTOP)

    response = await live_coordinator.post(f"/api/agreements/{agreement['id']}/invitations",
                                           json={"contact_id": contact["id"]})
    assert response.status_code == 201, response.text
    await page.goto(await mailbox.url(contact["email"], "/portal/link/"))
    await _shoot(page, "link-desktop")
    await page.get_by_role("button", name=CONTINUE).click()
    await page.wait_for_url(f"**/portal/agreements/{agreement['id']}")

    # One confirmed and reported on, one declined, one still awaiting an answer.
    await page.goto(f"/portal/commitments/{c['walks']['id']}")
    await page.get_by_label("Kommentar (frivillig)").fill(
        "Vi bjuder in fastighetsägarna och föreningarna i centrum.")
    await page.get_by_role("button", name="Bekräfta åtagandet").click()
    await page.get_by_role("status").wait_for()
    report = page.get_by_role("region", name="Rapportera läget")
    await report.get_by_label("Pågår").check()
    await report.get_by_label("Beskrivning").fill(
        "Första vandringen hölls i mars med tolv deltagare. Fyra platser med dålig "
        "belysning är anmälda till tekniska förvaltningen.")
    await report.get_by_label("Läget gäller den").fill(
        (clock.today() - timedelta(days=2)).isoformat())
    await report.get_by_role("button").click()
    await page.get_by_role("status").wait_for()
    await page.goto(f"/portal/commitments/{c['cameras']['id']}")
    await page.get_by_label("Varför avböjer ni?").fill(
        "Kameraövervakning beslutas av kommunstyrelsen; vi tar upp frågan där.")
    await page.get_by_role("button", name="Avböj åtagandet").click()
    await page.get_by_role("status").wait_for()

    pages = {
        "home": "/portal/",
        "agreement": f"/portal/agreements/{agreement['id']}",
        "commitment-answer": f"/portal/commitments/{c['lights']['id']}",
        "commitment-report": f"/portal/commitments/{c['walks']['id']}",
        "profile": "/portal/profile",
    }
    for size, suffix in ((DESKTOP, "desktop"), (PHONE, "phone")):
        await page.set_viewport_size(size)
        for name, url in pages.items():
            await page.goto(url)
            await _shoot(page, f"{name}-{suffix}")
        # Further down the pages: the commitments, the report form and the history.
        await page.goto(pages["agreement"])
        await page.locator("#own-commitments").evaluate("e => e.scrollIntoView()")
        await _shoot(page, f"agreement-commitments-{suffix}")
        await page.goto(pages["commitment-report"])
        await page.locator("#report-title").evaluate("e => e.scrollIntoView()")
        await _shoot(page, f"commitment-report-form-{suffix}")
        await page.goto(pages["commitment-answer"])
        await page.get_by_role("button", name="Avböj åtagandet").click()
        await page.locator("#decline-comment-error").wait_for()
        await page.locator("#decline-comment-error").scroll_into_view_if_needed()
        await _shoot(page, f"commitment-error-{suffix}")

    await page.set_viewport_size(DESKTOP)
    await page.get_by_role("link", name="English").click()
    await page.goto(pages["agreement"])
    await _shoot(page, "agreement-english-desktop")
    await page.goto("/portal/commitments/999999")
    await _shoot(page, "not-found-desktop")
