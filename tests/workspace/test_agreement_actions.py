"""What a coordinator does on an agreement's page: edit it (and meet someone else's change),
move its lifecycle, add and change commitments, plan follow-ups, run a lägesbild round and
invite partners – each checked by what the page and the API then show."""

import re
from datetime import timedelta

import pytest

from samverkan import clock
from tests.factories import unique
from tests.workspace.test_agreement_page import live, page_url, section, text_of

pytestmark = pytest.mark.usefixtures("database")

VERSION = re.compile(r'name="version" value="(\d+)"')


def field_value(response, field_id: str) -> str:
    """What an <input id=…> or <textarea id=…> holds on the page."""
    found = re.search(rf'<input id="{field_id}"[^>]*value="([^"]*)"', response.text)
    if found:
        return found.group(1)
    found = re.search(rf'<textarea id="{field_id}"[^>]*>(.*?)</textarea>', response.text, re.S)
    assert found, f"no field {field_id}"
    return found.group(1)


def edit_form(values: dict, version: str) -> dict:
    return {"title": values["title"], "kind": "collaboration_agreement",
            "registration_number": values.get("registration_number", ""),
            "period_start": "2026-01-01", "period_end": values.get("period_end", "2029-12-31"),
            "follow_up_cadence": values.get("follow_up_cadence", ""),
            "local_police_area_id": "", "purpose": values.get("purpose", ""),
            "background": "", "governance": "", "version": version}


# --- the agreement's own fields ------------------------------------------------------------


async def test_editing_saves_and_returns_to_the_page(as_coordinator, coordinator):
    agreement = await coordinator.agreement()
    form = await as_coordinator.get(page_url(agreement, "/edit"))
    assert form.status_code == 200
    assert field_value(form, "agreement-title") == agreement["title"]
    version = VERSION.search(form.text).group(1)
    title = unique("Ny rubrik ")
    saved = await as_coordinator.post(page_url(agreement, "/edit"), edit_form(
        {"title": title, "purpose": "Minska brottsligheten\ni centrum",
         "follow_up_cadence": "quarterly"}, version))
    assert saved.status_code == 303
    assert saved.headers["location"] == page_url(agreement, "?done=ag_saved")
    page = await as_coordinator.get(saved.headers["location"])
    assert "Överenskommelsen är sparad." in page.text
    assert f"<h1>{title}</h1>" in page.text and "Varje kvartal" in page.text
    stored = await coordinator.fresh(agreement)
    assert (stored["title"], stored["follow_up_cadence"]) == (title, "quarterly")
    assert stored["purpose"] == "Minska brottsligheten\ni centrum"


async def test_a_change_made_meanwhile_keeps_what_was_typed(as_coordinator, coordinator):
    agreement = await coordinator.agreement()
    form = await as_coordinator.get(page_url(agreement, "/edit"))
    stale = VERSION.search(form.text).group(1)
    # Someone else saves through the API while the form is open.
    theirs = unique("Deras rubrik ")
    changed = await coordinator.patch(f"/api/agreements/{agreement['id']}",
                                      json={"title": theirs},
                                      headers={"If-Match": f'"{stale}"'})
    assert changed.status_code == 200
    mine = unique("Min rubrik ")
    refused = await as_coordinator.post(page_url(agreement, "/edit"), edit_form(
        {"title": mine, "purpose": "Mitt långa syfte som inte får gå förlorat"}, stale))
    assert refused.status_code == 409
    assert "Någon annan har ändrat detta medan du skrev" in refused.text
    assert field_value(refused, "agreement-title") == mine
    assert field_value(refused, "agreement-purpose") == "Mitt långa syfte som inte får gå förlorat"
    assert (await coordinator.fresh(agreement))["title"] == theirs
    current = VERSION.search(refused.text).group(1)
    assert current == str(changed.json()["version"])
    again = await as_coordinator.post(page_url(agreement, "/edit"), edit_form(
        {"title": mine, "purpose": "Mitt långa syfte som inte får gå förlorat"}, current))
    assert again.status_code == 303
    assert (await coordinator.fresh(agreement))["title"] == mine


async def test_wrong_input_is_said_next_to_its_field(as_coordinator, coordinator):
    agreement = await coordinator.agreement()
    version = str((await coordinator.fresh(agreement))["version"])
    refused = await as_coordinator.post(page_url(agreement, "/edit"), {
        **edit_form({"title": "", "period_end": "2025-01-01", "purpose": "Behålls"}, version),
        "period_start": "den 1 januari"})
    assert refused.status_code == 400
    assert "Formuläret har fel" in refused.text
    assert "Skriv en rubrik." in refused.text
    assert "Skriv datumet som ÅÅÅÅ-MM-DD" in refused.text
    assert field_value(refused, "agreement-period-start") == "den 1 januari"
    assert field_value(refused, "agreement-purpose") == "Behålls"
    assert 'aria-invalid="true"' in refused.text
    ended = await as_coordinator.post(page_url(agreement, "/edit"), edit_form(
        {"title": "Rubrik", "period_end": "2025-01-01"}, version))
    assert ended.status_code == 400
    assert "Slutdatumet ligger före startdatumet." in ended.text
    # A diarienummer another agreement has: the service's reason next to the field.
    other = await coordinator.agreement(registration_number=unique("Dnr "))
    taken = await as_coordinator.post(page_url(agreement, "/edit"), edit_form(
        {"title": "Rubrik", "registration_number": other["registration_number"]}, version))
    assert taken.status_code == 409
    assert "används redan" in taken.text
    assert field_value(taken, "agreement-registration-number") == other["registration_number"]


# --- the lifecycle -------------------------------------------------------------------------


async def test_an_illegal_move_is_refused_with_its_reason(as_coordinator, coordinator):
    agreement = await coordinator.agreement()
    version = str((await coordinator.fresh(agreement))["version"])
    refused = await as_coordinator.post(page_url(agreement, "/status"), {
        "status": "active", "comment": "Vi kör", "version": version})
    assert refused.status_code == 409
    lifecycle = section(refused, "lifecycle")
    assert "kan inte bli gällande" in lifecycle and "tillåtet: under beredning" in lifecycle
    assert field_value(refused, "move-comment") == "Vi kör"
    assert (await coordinator.fresh(agreement))["status"] == "draft"


async def test_an_allowed_move_is_made_and_told_in_the_history(as_coordinator, coordinator):
    agreement = await coordinator.agreement()
    page = await as_coordinator.get(page_url(agreement))
    lifecycle = section(page, "lifecycle")
    # Only the moves the lifecycle allows from a draft are offered.
    assert "Börja bereda med parterna" in lifecycle and "Gör gällande" not in lifecycle
    version = re.search(r'action="[^"]*/status".*?name="version" value="(\d+)"', page.text,
                        re.S).group(1)
    moved = await as_coordinator.post(page_url(agreement, "/status"), {
        "status": "in_preparation", "comment": "Styrgruppen har beslutat", "version": version})
    assert moved.status_code == 303
    assert moved.headers["location"] == page_url(agreement, "?done=ag_moved#lifecycle")
    assert (await coordinator.fresh(agreement))["status"] == "in_preparation"
    page = await as_coordinator.get(moved.headers["location"])
    assert "Statusen är ändrad." in page.text
    history = section(page, "history")
    assert ("Ändrade status för överenskommelsen från Utkast till Under beredning – "
            "kommentar: ”Styrgruppen har beslutat”.") in history


async def test_going_into_force_needs_every_signature(as_coordinator, coordinator):
    agreement = await coordinator.agreement()
    await coordinator.sign_all(agreement, signed_on=None)
    for status in ("in_preparation", "awaiting_signature"):
        assert (await coordinator.move(agreement, status)).status_code == 200
    page = await as_coordinator.get(page_url(agreement))
    lifecycle = section(page, "lifecycle")
    assert "Gör gällande" in lifecycle and "Har inte skrivit under:" in lifecycle
    version = str((await coordinator.fresh(agreement))["version"])
    refused = await as_coordinator.post(page_url(agreement, "/status"),
                                        {"status": "active", "version": version})
    assert refused.status_code == 409
    assert "Alla parter har inte skrivit under" in section(refused, "lifecycle")
    # A stale page: someone moved the agreement meanwhile.
    assert (await coordinator.move(agreement, "in_preparation")).status_code == 200
    stale = await as_coordinator.post(page_url(agreement, "/status"),
                                      {"status": "active", "version": version})
    assert stale.status_code == 409
    assert "Någon annan har ändrat detta" in section(stale, "lifecycle")


# --- commitments ---------------------------------------------------------------------------


async def test_a_commitment_is_added_edited_and_moved(as_coordinator, coordinator):
    agreement = await live(coordinator)
    party = agreement["parties"][1]
    form = await as_coordinator.get(page_url(agreement, f"/commitments/new?party={party['id']}"))
    assert form.status_code == 200
    assert party["primary_contact"]["name"] in form.text  # a responsible contact to choose
    title = unique("Trygghetsvandringar ")
    added = await as_coordinator.post(page_url(agreement, "/commitments"), {
        "party_id": str(party["id"]), "title": title, "description": "Varje månad",
        "due_date": "2026-12-15", "responsible_contact_id": str(party["primary_contact"]["id"])})
    assert added.status_code == 303, added.text
    created = next(c for c in (await coordinator.fresh(agreement))["commitments"]
                   if c["title"] == title)
    assert added.headers["location"] == page_url(
        agreement, f"?done=ag_commitment_added#commitment-{created['id']}")
    assert (created["party_id"], created["due_date"]) == (party["id"], "2026-12-15")
    assert created["responsible_contact_id"] == party["primary_contact"]["id"]

    url = page_url(agreement, f"/commitments/{created['id']}")
    edit = await as_coordinator.get(url)
    stale = VERSION.search(edit.text).group(1)
    other = await coordinator.patch(f"/api/commitments/{created['id']}",
                                    json={"description": "Ändrad av en kollega"},
                                    headers={"If-Match": f'"{stale}"'})
    assert other.status_code == 200
    conflict = await as_coordinator.post(url, {"title": "Min nya rubrik",
                                               "description": "Min text", "due_date": "",
                                               "responsible_contact_id": "", "version": stale})
    assert conflict.status_code == 409
    assert "Någon annan har ändrat detta" in conflict.text
    assert field_value(conflict, "commitment-title") == "Min nya rubrik"
    assert field_value(conflict, "commitment-description") == "Min text"
    current = VERSION.search(conflict.text).group(1)
    saved = await as_coordinator.post(url, {"title": "Min nya rubrik", "description": "Min text",
                                            "due_date": "", "responsible_contact_id": "",
                                            "version": current})
    assert saved.status_code == 303
    stored = (await coordinator.get(f"/api/commitments/{created['id']}")).json()
    assert (stored["title"], stored["due_date"]) == ("Min nya rubrik", None)

    declined = await as_coordinator.post(url + "/status", {
        "status": "declined", "comment": "", "version": str(stored["version"])})
    assert declined.status_code == 400
    assert "Skriv varför åtagandet avböjs" in declined.text
    confirmed = await as_coordinator.post(url + "/status", {
        "status": "confirmed", "comment": "Bekräftat på styrgruppsmötet",
        "version": str(stored["version"])})
    assert confirmed.status_code == 303
    stored = (await coordinator.get(f"/api/commitments/{created['id']}")).json()
    assert stored["status"] == "confirmed"
    page = await as_coordinator.get(page_url(agreement))
    row = re.search(rf'<tr id="commitment-{created["id"]}">.*?</tr>', page.text, re.S).group(0)
    assert "Bekräftat på styrgruppsmötet" in row
    # A move the lifecycle does not allow any more (a stale form): the reason in words.
    done = await as_coordinator.post(url + "/status", {"status": "done",
                                                       "version": str(stored["version"])})
    assert done.status_code == 303
    again = await as_coordinator.post(url + "/status", {"status": "in_progress"})
    assert again.status_code == 409
    assert "Ett åtagande som är genomfört kan inte bli pågår" in again.text


async def test_a_commitment_needs_a_title(as_coordinator, coordinator):
    agreement = await coordinator.agreement()
    party = agreement["parties"][0]
    refused = await as_coordinator.post(page_url(agreement, "/commitments"), {
        "party_id": str(party["id"]), "title": " ", "description": "Beskrivningen finns kvar",
        "due_date": "31/12"})
    assert refused.status_code == 400
    assert "Skriv en rubrik." in refused.text and "Skriv datumet som" in refused.text
    assert field_value(refused, "commitment-description") == "Beskrivningen finns kvar"
    assert (await coordinator.fresh(agreement))["commitments"] == []


# --- follow-ups ----------------------------------------------------------------------------


async def test_a_follow_up_is_planned_changed_and_removed(as_coordinator, coordinator):
    agreement = await live(coordinator)
    day = (clock.today() + timedelta(20)).isoformat()
    bad = await as_coordinator.post(page_url(agreement, "/follow-ups"), {
        "date": day, "kind": "steering_group_meeting", "title": "Styrgrupp",
        "start_time": "25:99", "duration_minutes": "90", "location": "Polishuset"})
    assert bad.status_code == 400 and "Skriv tiden som TT:MM" in bad.text
    assert field_value(bad, "follow-up-location") == "Polishuset"
    added = await as_coordinator.post(page_url(agreement, "/follow-ups"), {
        "date": day, "kind": "steering_group_meeting", "title": "Styrgrupp",
        "start_time": "09:30", "duration_minutes": "90", "location": "Polishuset"})
    assert added.status_code == 303
    follow_up = (await coordinator.fresh(agreement))["follow_ups"][0]
    assert (follow_up["start_time"], follow_up["location"]) == ("09:30:00", "Polishuset")
    url = page_url(agreement, f"/follow-ups/{follow_up['id']}")
    saved = await as_coordinator.post(url, {
        "date": day, "kind": "steering_group_meeting", "title": "Styrgrupp hösten",
        "start_time": "10:00", "duration_minutes": "60", "location": "Stadshuset",
        "version": str(follow_up["version"])})
    assert saved.status_code == 303
    follow_ups = section(await as_coordinator.get(page_url(agreement)), "follow-ups")
    assert "Styrgrupp hösten" in follow_ups and "Stadshuset" in follow_ups
    stale = await as_coordinator.post(url + "/delete", {"version": str(follow_up["version"])})
    assert stale.status_code == 409
    assert "Någon annan har ändrat detta" in section(stale, "follow-ups")
    current = (await coordinator.fresh(agreement))["follow_ups"][0]["version"]
    removed = await as_coordinator.post(url + "/delete", {"version": str(current)})
    assert removed.status_code == 303
    assert (await coordinator.fresh(agreement))["follow_ups"] == []
    history = section(await as_coordinator.get(page_url(agreement)), "history")
    assert "Tog bort uppföljningen (styrgruppsmöte)" in history


# --- the lägesbild -------------------------------------------------------------------------


async def test_a_round_is_opened_reviewed_and_closed(as_coordinator, coordinator):
    agreement = await live(coordinator)
    first, second = (p["id"] for p in agreement["parties"])
    indicator = (await coordinator.indicators())["anmalda_brott"]
    form = await as_coordinator.get(page_url(agreement, "/rounds/new"))
    assert form.status_code == 200 and indicator["name_sv"] in form.text
    bad = await as_coordinator.post(page_url(agreement, "/rounds"), {
        "period": "våren", "deadline": "2026-10-15", "indicator_ids": [str(indicator["id"])]})
    assert bad.status_code == 400 and "Skriv perioden som" in bad.text
    assert field_value(bad, "round-period") == "våren"
    opened = await as_coordinator.post(page_url(agreement, "/rounds"), {
        "period": "2026-Q3", "deadline": "2026-10-15", "indicator_ids": [str(indicator["id"])]})
    assert opened.status_code == 303
    round_ = (await coordinator.get(f"/api/agreements/{agreement['id']}/rounds")).json()[0]
    assert round_["period"] == "2026-Q3"
    assert {r["party_id"] for r in round_["requests"]} == {first, second}
    twice = await as_coordinator.post(page_url(agreement, "/rounds"), {
        "period": "2026-Q3", "deadline": "2026-10-15"})
    assert twice.status_code == 409 and "Det finns redan en omgång för 2026-Q3" in twice.text

    await coordinator.submit_input(round_, first, [{"indicator_id": indicator["id"],
                                                    "value": 10}])
    await coordinator.submit_input(round_, second, [{"indicator_id": indicator["id"],
                                                     "value": 20}])
    situation = section(await as_coordinator.get(page_url(agreement)), "situation")
    assert situation.count("Granska underlaget från") == 2
    inputs = {i["party_id"]: i for i in
              (await coordinator.get(f"/api/rounds/{round_['id']}/inputs")).json()}
    base = page_url(agreement, f"/rounds/{round_['id']}/inputs")
    accepted = await as_coordinator.post(f"{base}/{first}/accept",
                                         {"version": str(inputs[first]["version"])})
    assert accepted.status_code == 303
    empty = await as_coordinator.post(f"{base}/{second}/return",
                                      {"comment": " ", "version": str(inputs[second]["version"])})
    assert empty.status_code == 400 and "Skriv vad parten behöver ändra." in empty.text
    returned = await as_coordinator.post(f"{base}/{second}/return", {
        "comment": "Siffran ser för hög ut", "version": str(inputs[second]["version"])})
    assert returned.status_code == 303
    inputs = {i["party_id"]: i for i in
              (await coordinator.get(f"/api/rounds/{round_['id']}/inputs")).json()}
    assert inputs[first]["status"] == "accepted"
    assert (inputs[second]["status"], inputs[second]["return_comment"]) == (
        "returned", "Siffran ser för hög ut")
    again = await as_coordinator.post(f"{base}/{first}/accept")
    assert again.status_code == 409 and "Bara ett inskickat underlag" in again.text

    page = await as_coordinator.get(page_url(agreement))
    situation = section(page, "situation")
    assert "Godkänt" in situation and "Tillbakaskickat" in situation
    assert "Godkände underlaget från" in section(page, "history")
    version = str((await coordinator.get(f"/api/rounds/{round_['id']}")).json()["version"])
    closed = await as_coordinator.post(page_url(agreement, f"/rounds/{round_['id']}/close"),
                                       {"version": version})
    assert closed.status_code == 303
    assert (await coordinator.get(f"/api/rounds/{round_['id']}")).json()["status"] == "closed"
    # A round of another agreement is not this page's to touch.
    other = await live(coordinator)
    foreign = await as_coordinator.post(page_url(other, f"/rounds/{round_['id']}/close"))
    assert foreign.status_code == 404


# --- invitations ---------------------------------------------------------------------------


async def test_a_partner_is_invited_and_a_draft_refuses(as_coordinator, coordinator):
    draft = await coordinator.agreement()
    contact = draft["parties"][0]["primary_contact"]
    refused = await as_coordinator.post(page_url(draft, "/invitations"),
                                        {"contact_id": str(contact["id"])})
    assert refused.status_code == 409
    assert "Partner kan bara bjudas in" in section(refused, "invitations")

    agreement = await live(coordinator)
    contact = agreement["parties"][1]["primary_contact"]
    page = await as_coordinator.get(page_url(agreement))
    assert f'<option value="{contact["id"]}">' in page.text
    missing = await as_coordinator.post(page_url(agreement, "/invitations"), {"contact_id": ""})
    assert missing.status_code == 400
    assert "Välj en kontaktperson" in section(missing, "invitations")
    foreign = await as_coordinator.post(page_url(agreement, "/invitations"),
                                        {"contact_id": str(draft["parties"][1]["primary_contact"]["id"])})
    assert foreign.status_code == 400
    invited = await as_coordinator.post(page_url(agreement, "/invitations"),
                                        {"contact_id": str(contact["id"])})
    assert invited.status_code == 303
    page = await as_coordinator.get(invited.headers["location"])
    assert "Inbjudan är skickad." in page.text
    assert contact["email"] in section(page, "invitations")
    listed = (await coordinator.get(f"/api/agreements/{agreement['id']}/invitations")).json()
    assert [i["contact_id"] for i in listed] == [contact["id"]]
    assert text_of(page).count("Bjöd in") == 1
