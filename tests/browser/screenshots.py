"""What the screenshot tests share: where the pictures go (SAMVERKAN_SCREENSHOTS), the two
widths, an agreement as a coordinator would write it, and taking a picture.

Not part of an ordinary run; refresh the pictures with
    SAMVERKAN_SCREENSHOTS=docs/screenshots .venv/bin/pytest tests/browser/test_*_screenshots.py
"""

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from samverkan import clock
from tests.factories import org_number

TARGET = os.environ.get("SAMVERKAN_SCREENSHOTS", "")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

only_when_asked = pytest.mark.skipif(
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


async def lulea_agreement(api):
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


async def shoot(page, area: str, name: str) -> None:
    """The viewport as a PNG of 128 colours: a third of the size, no visible difference."""
    path = Path(TARGET) / f"{area}-{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    shot = Image.open(io.BytesIO(await page.screenshot())).convert("RGB")
    shot.quantize(colors=128).save(path, optimize=True)
