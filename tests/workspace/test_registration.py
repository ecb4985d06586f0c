"""Registering an agreement in the workspace's guided flow, without JavaScript: each step
saves to the draft at once (the API shows it), a reload shows what was saved, the resume
link goes to the first step not done, refusals are said next to the field with the typed
text kept, and nobody but a writer reaches a step."""

import html
import re

import pytest

from tests.factories import Api, org_number, unique, with_wrong_check_digit

pytestmark = pytest.mark.usefixtures("database")

REGISTER = "/workspace/register"


def step(agreement_id: int, slug: str) -> str:
    return f"/workspace/agreements/{agreement_id}/register/{slug}"


async def api_agreement(api: Api, agreement_id: int) -> dict:
    response = await api.get(f"/api/agreements/{agreement_id}")
    assert response.status_code == 200, response.text
    return response.json()


def field_value(page: str, name: str) -> str:
    """The value an <input name=…> shows."""
    found = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', page, re.S)
    assert found, f"no input {name}"
    return html.unescape(found.group(1))


def textarea_value(page: str, name: str) -> str:
    found = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, f"no textarea {name}"
    return html.unescape(found.group(1))


def selected(page: str, name: str) -> list[str]:
    """The values selected in <select name=…>."""
    found = re.search(rf'<select[^>]*name="{re.escape(name)}".*?</select>', page, re.S)
    assert found, f"no select {name}"
    return re.findall(r'<option value="([^"]*)" selected>', found.group(0))


def error_next_to(page: str, field_id: str) -> str:
    found = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', page,
                      re.S)
    assert found, f"no error next to {field_id}"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))


async def start(browser, title: str, **extra) -> int:
    """Step 1 through the form: the new draft's id."""
    data = {"kind": "collaboration_agreement", "title": title, "period_start": "2026-01-01",
            "period_end": "2029-12-31", "municipality_codes": ["2580", "2582"],
            "follow_up_cadence": "quarterly", "go": "next", **extra}
    created = await browser.post(REGISTER, data)
    assert created.status_code == 303, created.text
    found = re.fullmatch(r"/workspace/agreements/(\d+)/register/parties\?done=rg_created",
                         created.headers["location"])
    assert found, created.headers["location"]
    return int(found.group(1))


async def test_the_whole_flow_without_javascript_saves_each_step_to_the_draft(
        as_coordinator, coordinator):
    browser = as_coordinator
    title = unique("Samverkan Luleå ")
    first = await browser.get(REGISTER)
    assert first.status_code == 200
    assert '<span aria-current="step">Grunduppgifter</span>' in first.text
    assert "Steg 1 av 7" in first.text

    # --- 1 basics -----------------------------------------------------------------------
    agreement_id = await start(browser, title)
    saved = await api_agreement(coordinator, agreement_id)
    assert saved["status"] == "draft"
    assert saved["title"] == title
    assert saved["municipality_codes"] == ["2580", "2582"]
    assert saved["follow_up_cadence"] == "quarterly"
    assert coordinator.user.id in saved["coordinator_user_ids"]
    # The new draft is offered to continue on the start page.
    assert f'href="/workspace/agreements/{agreement_id}/register">{title}</a>' in (
        await browser.get(REGISTER)).text

    # --- 2 parties: one from the registry, one added on the spot ------------------------
    police = await coordinator.organization(kind="police", name=unique("Lokalpolisområde Luleå "))
    parties_page = await browser.get(step(agreement_id, "parties") + f"?q={police['name']}")
    assert parties_page.status_code == 200
    assert "Utkastet är sparat. Lägg nu till parterna." not in parties_page.text
    assert police["name"] in parties_page.text and "Lägg till som part" in parties_page.text
    added = await browser.post(step(agreement_id, "parties"),
                               {"action": "add_party", "organization_id": police["id"]})
    assert added.status_code == 303
    assert added.headers["location"].endswith("?done=rg_party_added#parties")
    assert "Parten är tillagd." in (await browser.get(added.headers["location"])).text

    number = org_number("2")
    contact_email = f"{unique('k')}@lulea.se"
    municipality_name = unique("Luleå kommun ")
    created = await browser.post(step(agreement_id, "parties"), {
        "action": "new_organization", "org_name": municipality_name, "org_number": number,
        "org_kind": "municipality", "org_municipality": "2580", "contact_name": "Karin Ek",
        "contact_email": contact_email})
    assert created.status_code == 303, created.text
    saved = await api_agreement(coordinator, agreement_id)
    parties = {p["organization"]["name"]: p for p in saved["parties"]}
    assert set(parties) == {police["name"], municipality_name}
    assert parties[police["name"]]["role"] == "Polisen"
    assert parties[police["name"]]["primary_contact"]["id"] == police["contacts"][0]["id"]
    new_party = parties[municipality_name]
    assert new_party["organization"]["org_number"] == number
    assert new_party["organization"]["municipality_code"] == "2580"
    assert new_party["primary_contact"]["email"] == contact_email

    edited = await browser.post(step(agreement_id, "parties"), {
        "action": "parties", "go": "next",
        f"role-{new_party['id']}": "Kommun (huvudman)",
        f"contact-{new_party['id']}": new_party["primary_contact"]["id"],
        f"version-{new_party['id']}": new_party["version"],
        f"role-{parties[police['name']]['id']}": "Polis",
        f"contact-{parties[police['name']]['id']}": "",
        f"version-{parties[police['name']]['id']}": parties[police["name"]]["version"]})
    assert edited.status_code == 303, edited.text
    assert edited.headers["location"] == step(agreement_id, "content") + "?done=saved"
    saved = await api_agreement(coordinator, agreement_id)
    by_id = {p["id"]: p for p in saved["parties"]}
    assert by_id[new_party["id"]]["role"] == "Kommun (huvudman)"
    assert by_id[parties[police["name"]]["id"]]["role"] == "Polis"
    assert by_id[parties[police["name"]]["id"]]["primary_contact"] is None

    # --- 3 content ----------------------------------------------------------------------
    content = await browser.get(step(agreement_id, "content"))
    assert content.status_code == 200
    indicator = next(iter((await coordinator.indicators()).values()))
    focus = await browser.post(step(agreement_id, "content"), {
        "version": field_value(content.text, "version"), "purpose": "Ett tryggare Luleå.",
        "background": "", "governance": "Styrgrupp varje kvartal.",
        "fa-title": "Trygg stadskärna", "fa-problem": "Oro på kvällarna.", "go": "stay"})
    assert focus.status_code == 303, focus.text
    assert focus.headers["location"] == step(agreement_id, "content") + "?done=saved#focus-areas"
    saved = await api_agreement(coordinator, agreement_id)
    assert saved["purpose"] == "Ett tryggare Luleå."
    assert [f["title"] for f in saved["focus_areas"]] == ["Trygg stadskärna"]
    goal = await browser.post(step(agreement_id, "content"), {
        "version": saved["version"], "purpose": "Ett tryggare Luleå.", "background": "",
        "governance": "Styrgrupp varje kvartal.",
        "goal-title": "Färre som känner sig otrygga",
        "goal-focus_area": saved["focus_areas"][0]["id"], "goal-indicator": indicator["id"],
        "goal-baseline": "12,5", "goal-target": "8", "goal-unit": "%", "go": "next"})
    assert goal.status_code == 303, goal.text
    assert goal.headers["location"] == step(agreement_id, "commitments") + "?done=saved"
    saved = await api_agreement(coordinator, agreement_id)
    assert saved["goals"][0]["title"] == "Färre som känner sig otrygga"
    assert saved["goals"][0]["indicator_id"] == indicator["id"]
    assert saved["goals"][0]["focus_area_id"] == saved["focus_areas"][0]["id"]
    assert (saved["goals"][0]["baseline"], saved["goals"][0]["target"]) == (12.5, 8.0)

    # --- 4 commitments per party -------------------------------------------------------
    commitments = await browser.get(step(agreement_id, "commitments"))
    assert municipality_name in commitments.text and "Inga åtaganden än." in commitments.text
    p_police, p_kommun = parties[police["name"]]["id"], new_party["id"]
    saved_commitments = await browser.post(step(agreement_id, "commitments"), {
        f"c-title-{p_police}": "Trygghetsvandringar", f"c-due-{p_police}": "2026-06-30",
        f"c-description-{p_kommun}": "", f"c-title-{p_kommun}": "Bättre belysning",
        f"c-responsible-{p_kommun}": new_party["primary_contact"]["id"], "go": "next"})
    assert saved_commitments.status_code == 303, saved_commitments.text
    assert saved_commitments.headers["location"] == step(agreement_id, "follow-up") + "?done=saved"
    saved = await api_agreement(coordinator, agreement_id)
    owned = {c["title"]: c for c in saved["commitments"]}
    assert owned["Trygghetsvandringar"]["party_id"] == p_police
    assert owned["Trygghetsvandringar"]["due_date"] == "2026-06-30"
    assert owned["Bättre belysning"]["responsible_contact_id"] == new_party["primary_contact"]["id"]

    # --- 5 follow-up ----------------------------------------------------------------------
    follow = await browser.post(step(agreement_id, "follow-up"), {
        "version": saved["version"], "follow_up_cadence": "half_yearly",
        "fu-date": "2026-09-15", "fu-time": "13:30", "fu-location": "Stadshuset",
        "fu-kind": "steering_group_meeting", "fu-title": "Styrgrupp", "go": "next"})
    assert follow.status_code == 303, follow.text
    saved = await api_agreement(coordinator, agreement_id)
    assert saved["follow_up_cadence"] == "half_yearly"
    meeting = saved["follow_ups"][0]
    assert (meeting["date"], meeting["start_time"], meeting["location"], meeting["kind"]) == (
        "2026-09-15", "13:30:00", "Stadshuset", "steering_group_meeting")

    # --- 6 signatories ------------------------------------------------------------------
    signatories = {"go": "next"}
    for party in saved["parties"]:
        pid = party["id"]
        signatories.update({f"s-name-{pid}": f"Undertecknare {pid}",
                            f"s-title-{pid}": "Ordförande", f"s-email-{pid}": f"s{pid}@example.se",
                            f"s-method-{pid}": "paper", f"version-{pid}": party["version"]})
    signed = await browser.post(step(agreement_id, "signatories"), signatories)
    assert signed.status_code == 303, signed.text
    assert signed.headers["location"] == step(agreement_id, "review") + "?done=saved"
    saved = await api_agreement(coordinator, agreement_id)
    for party in saved["parties"]:
        assert party["signatory_name"] == f"Undertecknare {party['id']}"
        assert party["signatory_email"] == f"s{party['id']}@example.se"
        assert party["signature_method"] == "paper"

    # --- 7 review -----------------------------------------------------------------------
    review = await browser.get(step(agreement_id, "review"))
    assert review.status_code == 200
    for text in (title, municipality_name, police["name"], "Ett tryggare Luleå.",
                 "Trygg stadskärna", "Färre som känner sig otrygga", "Trygghetsvandringar",
                 "Bättre belysning", "Stadshuset", "Undertecknare"):
        assert text in review.text, text
    assert f'<a class="button" href="/workspace/agreements/{agreement_id}">Klar' in review.text
    assert "De här stegen är inte klara" not in review.text
    for slug in ("basics", "parties", "content", "commitments", "follow-up", "signatories"):
        assert f'href="{step(agreement_id, slug)}"' in review.text
    # Everything done: the resume link goes to the review.
    resumed = await browser.get(f"/workspace/agreements/{agreement_id}/register")
    assert resumed.headers["location"] == step(agreement_id, "review")


async def test_a_reloaded_step_shows_what_was_saved_and_resuming_finds_the_first_step_left(
        as_coordinator, coordinator):
    browser = as_coordinator
    title = unique("Omladdning ")
    agreement_id = await start(browser, title, registration_number=unique("Dnr "))
    # "Save and continue later" kept the draft and went to Today.
    later = await browser.post(REGISTER, {"kind": "citizen_promise", "title": unique("Senare "),
                                          "period_start": "2026-01-01", "go": "later"})
    assert later.headers["location"] == "/workspace/?done=rg_saved_later"

    basics = await browser.get(step(agreement_id, "basics"))
    assert field_value(basics.text, "title") == title
    assert sorted(selected(basics.text, "municipality_codes")) == ["2580", "2582"]
    assert selected(basics.text, "follow_up_cadence") == ["quarterly"]
    assert 'value="collaboration_agreement" checked' in basics.text
    assert "Valda nu: Bodens kommun, Luleå kommun." in basics.text

    resume = f"/workspace/agreements/{agreement_id}/register"
    assert (await browser.get(resume)).headers["location"] == step(agreement_id, "parties")
    # Past the parties only with two of them.
    early = await browser.get(step(agreement_id, "content"))
    assert early.headers["location"] == step(agreement_id, "parties") + "?done=rg_need_parties"
    one = await coordinator.organization()
    await browser.post(step(agreement_id, "parties"),
                       {"action": "add_party", "organization_id": one["id"]})
    refused = await browser.post(step(agreement_id, "parties"), {"action": "parties", "go": "next"})
    assert refused.status_code == 400
    assert "Lägg till minst två parter innan du går vidare. Polisen är oftast en av dem." in (
        refused.text)
    two = await coordinator.organization(kind="police")
    await browser.post(step(agreement_id, "parties"),
                       {"action": "add_party", "organization_id": two["id"]})
    assert (await browser.get(resume)).headers["location"] == step(agreement_id, "content")

    saved = await api_agreement(coordinator, agreement_id)
    purpose = "Syftet är\natt minska oron."
    await browser.post(step(agreement_id, "content"), {
        "version": saved["version"], "purpose": purpose, "background": "", "governance": "",
        "go": "later"})
    reloaded = await browser.get(step(agreement_id, "content"))
    assert textarea_value(reloaded.text, "purpose") == purpose
    assert (await browser.get(resume)).headers["location"] == step(agreement_id, "commitments")
    # The step indicator: the current step marked, links to the steps done.
    assert f'<a href="{step(agreement_id, "content")}" aria-current="step">' in reloaded.text
    assert f'<a href="{step(agreement_id, "parties")}">Parter</a> <span class="rg-step-state">' \
           "(klart)</span>" in reloaded.text
    assert f'href="{step(agreement_id, "signatories")}"' not in reloaded.text


async def test_an_invalid_org_number_is_refused_in_swedish_next_to_the_field_with_text_kept(
        as_coordinator, coordinator):
    browser = as_coordinator
    agreement_id = await start(browser, unique("Orgnr "))
    typed = {"action": "new_organization", "org_name": "Bostadsbolaget Hem AB",
             "org_kind": "business", "contact_name": "Per Olsson",
             "contact_email": "per@hem.se"}
    wrong = with_wrong_check_digit(org_number("5"))
    refused = await browser.post(step(agreement_id, "parties"), {**typed, "org_number": wrong})
    assert refused.status_code == 400
    assert error_next_to(refused.text, "new-org-number").endswith(
        "Organisationsnumret är ogiltigt: kontrollsiffran stämmer inte. Kontrollera siffrorna.")
    assert field_value(refused.text, "org_number") == wrong
    assert field_value(refused.text, "org_name") == "Bostadsbolaget Hem AB"
    assert field_value(refused.text, "contact_email") == "per@hem.se"
    assert selected(refused.text, "org_kind") == ["business"]
    assert 'href="#new-org-number"' in refused.text  # the error summary links to the field

    short = await browser.post(step(agreement_id, "parties"), {**typed, "org_number": "55667"})
    assert "skriv tio siffror" in error_next_to(short.text, "new-org-number")
    personal = await browser.post(step(agreement_id, "parties"),
                                  {**typed, "org_number": "198112189876"})
    assert personal.status_code == 400
    assert (await api_agreement(coordinator, agreement_id))["parties"] == []

    # A number the registry knows: its name, and a button that adds that one instead.
    known = await coordinator.organization(kind="business")
    taken = await browser.post(step(agreement_id, "parties"),
                               {**typed, "org_number": known["org_number"]})
    assert taken.status_code == 400
    assert known["name"] in error_next_to(taken.text, "new-org-number")
    assert f'name="existing_organization_id" value="{known["id"]}"' in taken.text
    instead = await browser.post(step(agreement_id, "parties"), {
        **typed, "org_number": known["org_number"], "existing_organization_id": known["id"]})
    assert instead.status_code == 303
    parties = (await api_agreement(coordinator, agreement_id))["parties"]
    assert [p["organization"]["id"] for p in parties] == [known["id"]]

    missing = await browser.post(step(agreement_id, "parties"), {
        "action": "new_organization", "org_name": "", "org_number": "", "org_kind": "",
        "contact_name": "", "contact_email": "inte-en-adress"})
    assert missing.status_code == 400
    for field_id, text in (("new-org-name", "Skriv organisationens namn."),
                           ("new-org-number", "Skriv organisationsnumret."),
                           ("new-org-kind", "Välj typ av organisation."),
                           ("new-org-contact-name", "Skriv kontaktpersonens namn."),
                           ("new-org-contact-email", "Skriv en e-postadress")):
        assert text in error_next_to(missing.text, field_id)


async def test_the_org_number_check_answers_valid_invalid_and_known(as_coordinator, coordinator):
    browser = as_coordinator
    check = "/workspace/register/check-org"
    number = org_number("8")
    valid = await browser.get(check, params={"org_number": number.replace("-", "")})
    assert valid.status_code == 200
    assert f"Giltigt organisationsnummer: {number}." in valid.text
    assert "<html" not in valid.text  # a fragment, not a page
    invalid = await browser.get(check, params={"org_number": with_wrong_check_digit(number)})
    assert "kontrollsiffran stämmer inte" in invalid.text
    assert (await browser.get(check, params={"org_number": ""})).text.strip() == ""

    known = await coordinator.organization(kind="ngo")
    agreement = await coordinator.agreement(parties=2)
    answer = await browser.get(check, params={"org_number": known["org_number"],
                                              "agreement_id": agreement["id"]})
    assert f"{known['name']} ({known['org_number']}) finns redan i registret." in html.unescape(
        answer.text)
    assert f'name="existing_organization_id" value="{known["id"]}"' in answer.text
    party = agreement["parties"][0]["organization"]
    already = await browser.get(check, params={"org_number": party["org_number"],
                                               "agreement_id": agreement["id"]})
    assert f"{party['name']} är redan part i överenskommelsen." in html.unescape(already.text)
    assert "existing_organization_id" not in already.text

    # The page asks for it as the number is typed.
    parties_page = await browser.get(step(agreement["id"], "parties"))
    assert (f'hx-get="/workspace/register/check-org?agreement_id={agreement["id"]}"'
            in parties_page.text)
    assert 'hx-trigger="keyup changed delay:400ms, change"' in parties_page.text


async def test_a_version_conflict_keeps_the_typed_text(as_coordinator, coordinator):
    browser = as_coordinator
    agreement = await coordinator.agreement(parties=2)
    page = await browser.get(step(agreement["id"], "content"))
    shown_version = field_value(page.text, "version")
    # Someone else changes the agreement meanwhile.
    changed = await coordinator.patch(f"/api/agreements/{agreement['id']}",
                                      json={"background": "Ändrat av någon annan."},
                                      headers={"If-Match": f'"{shown_version}"'})
    assert changed.status_code == 200, changed.text
    typed = "Mitt syfte, skrivet medan någon annan ändrade."
    stale = await browser.post(step(agreement["id"], "content"), {
        "version": shown_version, "purpose": typed, "background": "", "governance": "",
        "fa-title": "Mitt fokusområde", "go": "next"})
    assert stale.status_code == 409
    assert "Någon annan har ändrat detta medan du skrev." in stale.text
    assert textarea_value(stale.text, "purpose") == typed
    assert field_value(stale.text, "fa-title") == "Mitt fokusområde"
    now = await api_agreement(coordinator, agreement["id"])
    assert now["purpose"] == "" and now["focus_areas"] == []
    assert field_value(stale.text, "version") == str(now["version"])
    # Pressing the button again saves over the newer version.
    again = await browser.post(step(agreement["id"], "content"), {
        "version": field_value(stale.text, "version"), "purpose": typed, "background": "",
        "governance": "", "fa-title": "Mitt fokusområde", "go": "next"})
    assert again.status_code == 303
    now = await api_agreement(coordinator, agreement["id"])
    assert now["purpose"] == typed
    assert [f["title"] for f in now["focus_areas"]] == ["Mitt fokusområde"]

    # A party's version: the signatory typed is kept.
    party = now["parties"][0]
    await coordinator.patch(f"/api/agreements/{agreement['id']}/parties/{party['id']}",
                            json={"role": "Ändrad"}, headers={"If-Match": f'"{party["version"]}"'})
    signatory = await browser.post(step(agreement["id"], "signatories"), {
        f"s-name-{party['id']}": "Anna Berg", f"version-{party['id']}": party["version"],
        "go": "next"})
    assert signatory.status_code == 409
    assert field_value(signatory.text, f"s-name-{party['id']}") == "Anna Berg"
    assert field_value(signatory.text, f"version-{party['id']}") == str(party["version"] + 1)


async def test_invalid_basics_are_refused_next_to_each_field_with_the_text_kept(as_coordinator):
    refused = await as_coordinator.post(REGISTER, {
        "kind": "", "title": "", "period_start": "1 januari", "period_end": "2020-01-01",
        "registration_number": "Dnr 1", "municipality_codes": ["2580", "9999"]})
    assert refused.status_code == 400
    assert "Skriv överenskommelsens rubrik." in error_next_to(refused.text, "basics-title")
    assert "Välj typ av överenskommelse." in error_next_to(refused.text, "basics-kind")
    assert "Skriv datumet som ÅÅÅÅ-MM-DD" in error_next_to(refused.text, "basics-period-start")
    assert "Välj ett av alternativen" in error_next_to(refused.text, "basics-municipalities")
    assert field_value(refused.text, "period_start") == "1 januari"
    assert field_value(refused.text, "registration_number") == "Dnr 1"
    backwards = await as_coordinator.post(REGISTER, {
        "kind": "action_plan", "title": "Baklänges", "period_start": "2026-01-01",
        "period_end": "2025-01-01"})
    assert backwards.status_code == 400
    assert "Slutdatumet ligger före startdatumet." in error_next_to(backwards.text,
                                                                     "basics-period-end")


async def test_a_taken_registration_number_is_said_next_to_its_field(as_coordinator, coordinator):
    number = unique("Dnr ")
    await coordinator.agreement(registration_number=number)
    taken = await as_coordinator.post(REGISTER, {
        "kind": "action_plan", "title": unique("Dubblett "), "period_start": "2026-01-01",
        "registration_number": number})
    assert taken.status_code == 409
    assert "Diarienumret används redan" in error_next_to(taken.text, "basics-registration-number")
    assert field_value(taken.text, "registration_number") == number


async def test_a_viewer_gets_403_on_every_step(as_viewer, coordinator):
    agreement = await coordinator.agreement(parties=2)
    for url in (REGISTER, f"/workspace/agreements/{agreement['id']}/register",
                "/workspace/register/check-org?org_number=212000-0142",
                *(step(agreement["id"], slug) for slug in (
                    "basics", "parties", "content", "commitments", "follow-up", "signatories",
                    "review"))):
        assert (await as_viewer.get(url)).status_code == 403, url
    assert (await as_viewer.post(REGISTER, {"kind": "action_plan", "title": "x",
                                            "period_start": "2026-01-01"})).status_code == 403
    refused = await as_viewer.post(step(agreement["id"], "content"),
                                   {"purpose": "Får inte sparas"})
    assert refused.status_code == 403
    assert (await api_agreement(coordinator, agreement["id"]))["purpose"] == ""
    assert 'href="/workspace/register"' not in (await as_viewer.get("/workspace/calendar")).text


async def test_an_agreement_past_its_draft_is_not_edited_through_the_flow(
        as_coordinator, coordinator):
    agreement = await coordinator.agreement(parties=2)
    moved = await coordinator.move(agreement, "in_preparation")
    assert moved.status_code == 200, moved.text
    for url in (step(agreement["id"], "content"), f"/workspace/agreements/{agreement['id']}/register"):
        page = await as_coordinator.get(url)
        assert page.status_code == 200
        assert "Överenskommelsen är registrerad" in page.text
        assert "är inte längre ett utkast (status: Under beredning)" in html.unescape(page.text)
        assert f'href="/workspace/agreements/{agreement["id"]}"' in page.text
    refused = await as_coordinator.post(step(agreement["id"], "content"),
                                        {"purpose": "Ska inte sparas", "go": "next"})
    assert refused.status_code == 409
    assert (await api_agreement(coordinator, agreement["id"]))["purpose"] == ""


async def test_someone_elses_draft_may_be_continued_and_says_who_started_it(
        as_coordinator, admin, coordinator):
    agreement = await admin.agreement(parties=2)
    page = await as_coordinator.get(step(agreement["id"], "content"))
    assert page.status_code == 200
    assert "Du samordnar inte den här överenskommelsen; registreringen påbörjades av Test admin" \
        in page.text
    saved = await as_coordinator.post(step(agreement["id"], "content"), {
        "version": field_value(page.text, "version"), "purpose": "Fortsatt av en kollega.",
        "background": "", "governance": "", "go": "stay"})
    assert saved.status_code == 303
    assert (await api_agreement(coordinator, agreement["id"]))["purpose"] == (
        "Fortsatt av en kollega.")


async def test_removing_rows_and_bad_values_in_the_later_steps(as_coordinator, coordinator):
    browser = as_coordinator
    agreement = await coordinator.agreement(parties=2)
    aid = agreement["id"]
    pid = agreement["parties"][0]["id"]
    bad = await browser.post(step(aid, "content"), {
        "version": agreement["version"], "purpose": "", "goal-baseline": "tolv",
        "fa-problem": "Problem utan rubrik"})
    assert bad.status_code == 400
    assert "Skriv ett tal" in error_next_to(bad.text, "goal-baseline")
    assert "Skriv målets rubrik." in error_next_to(bad.text, "goal-title")
    assert "Skriv fokusområdets rubrik." in error_next_to(bad.text, "fa-title")
    assert textarea_value(bad.text, "fa-problem") == "Problem utan rubrik"

    bad_commitment = await browser.post(step(aid, "commitments"), {
        f"c-due-{pid}": "31/12", f"c-title-{pid}": ""})
    assert bad_commitment.status_code == 400
    assert "Skriv vad åtagandet gäller." in error_next_to(bad_commitment.text, f"c-title-{pid}")
    assert "ÅÅÅÅ-MM-DD" in error_next_to(bad_commitment.text, f"c-due-{pid}")

    bad_follow_up = await browser.post(step(aid, "follow-up"), {
        "version": agreement["version"], "fu-time": "halv två", "fu-kind": "steering_group_meeting"})
    assert bad_follow_up.status_code == 400
    assert "TT:MM" in error_next_to(bad_follow_up.text, "fu-time")
    assert "Skriv ett datum" in error_next_to(bad_follow_up.text, "fu-date")

    await browser.post(step(aid, "follow-up"), {
        "version": agreement["version"], "fu-date": "2026-03-01", "fu-kind": "follow_up_report"})
    follow_up = (await api_agreement(coordinator, aid))["follow_ups"][0]
    removed = await browser.post(step(aid, "follow-up"), {
        "action": "remove_follow_up", "follow_up_id": follow_up["id"],
        "version": follow_up["version"]})
    assert removed.status_code == 303
    assert (await api_agreement(coordinator, aid))["follow_ups"] == []

    bad_signatory = await browser.post(step(aid, "signatories"), {
        f"s-name-{pid}": "Eva", f"s-email-{pid}": "eva-at-example", f"version-{pid}": 1})
    assert bad_signatory.status_code == 400
    assert "Skriv en e-postadress" in error_next_to(bad_signatory.text, f"s-email-{pid}")
    assert field_value(bad_signatory.text, f"s-name-{pid}") == "Eva"

    # A party with commitments cannot be removed; one without can.
    await coordinator.commitment(agreement, party_index=0)
    party = (await api_agreement(coordinator, aid))["parties"][0]
    refused = await browser.post(step(aid, "parties"), {
        "action": "remove_party", "party_id": party["id"], "version": party["version"]})
    assert refused.status_code == 409
    assert "Parten har åtaganden" in refused.text
    other = (await api_agreement(coordinator, aid))["parties"][1]
    gone = await browser.post(step(aid, "parties"), {
        "action": "remove_party", "party_id": other["id"], "version": other["version"]})
    assert gone.status_code == 303
    assert [p["id"] for p in (await api_agreement(coordinator, aid))["parties"]] == [party["id"]]


async def test_every_step_speaks_english_when_asked(as_coordinator, coordinator):
    agreement = await coordinator.agreement(parties=2)
    as_coordinator.client.cookies.set("samverkan_lang", "en")
    try:
        for number, (slug, heading) in enumerate((
                ("basics", "Basics"), ("parties", "Parties"),
                ("content", "Purpose, focus areas and goals"), ("commitments", "Commitments"),
                ("follow-up", "Follow-up"), ("signatories", "Signatories"),
                ("review", "Review")), start=1):
            page = await as_coordinator.get(step(agreement["id"], slug))
            assert page.status_code == 200, slug
            assert f"<h1>{heading}</h1>" in page.text
            assert f"Step {number} of 7" in page.text
        start_page = await as_coordinator.get(REGISTER)
        assert "Save and continue later" in start_page.text
        check = await as_coordinator.get("/workspace/register/check-org",
                                         params={"org_number": "212000-0143"})
        assert "the check digit does not match" in check.text
    finally:
        as_coordinator.client.cookies.delete("samverkan_lang")
