"""An agreement's page in the workspace: what the API made shows in its sections – parties,
commitments and the parties' answers, the lägesbild, follow-ups, reminders planned and sent,
the history in sentences, invitations, documents – for every staff role that may read it."""

import html
import re
from datetime import timedelta

import pytest

from samverkan import clock
from samverkan.actor import Actor
from samverkan.agreements import service as agreements
from samverkan.agreements.schemas import PartyResponse
from samverkan.db import write_transaction
from samverkan.reminders import repository as reminder_rows
from samverkan.reminders.tables import MessageStatus
from tests.factories import unique

pytestmark = pytest.mark.usefixtures("database")


def page_url(agreement: dict, rest: str = "") -> str:
    return f"/workspace/agreements/{agreement['id']}{rest}"


def text_of(response) -> str:
    """The page's text as a person reads it: tags gone, entities decoded, spaces folded."""
    without_tags = re.sub(r"<[^>]+>", " ", response.text)
    return " ".join(html.unescape(without_tags).split())


def section(response, anchor: str) -> str:
    """The text from the heading with id=anchor to the next heading of the same level."""
    found = re.search(rf'<h2 id="{anchor}">.*?(?=<h2 |</main>)', response.text, re.S)
    assert found, f"no section #{anchor}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())


async def live(coordinator, **values) -> dict:
    """An agreement of two parties in preparation: the parties see it, reminders run."""
    agreement = await coordinator.agreement(**values)
    moved = await coordinator.move(agreement, "in_preparation")
    assert moved.status_code == 200, moved.text
    return await coordinator.fresh(agreement)


async def respond_as_party(agreement: dict, commitment: dict, party_index: int, *,
                           confirm: bool, comment: str, who: str) -> None:
    organization_id = agreement["parties"][party_index]["organization"]["id"]
    async with write_transaction():
        await agreements.respond_as_party(
            Actor(id=None, label=who), commitment["id"], organization_id,
            PartyResponse(comment=comment), confirm=confirm)


async def test_the_sections_show_what_the_api_made(as_coordinator, coordinator):
    agreement = await live(coordinator)
    first, second = agreement["parties"]
    today = clock.today()
    confirmed = await coordinator.commitment(agreement, 0, title=unique("Trygghetsvandring "),
                                             due_date=(today + timedelta(30)).isoformat())
    late = await coordinator.commitment(agreement, 1, title=unique("Belysning "),
                                        due_date=(today - timedelta(12)).isoformat())
    proposed = await coordinator.commitment(agreement, 1, title=unique("Klotter "))
    partner = f"{unique('partner-')}@example.se"
    await respond_as_party(agreement, confirmed, 0, confirm=True, comment="Vi ordnar det",
                           who=partner)
    meeting = await coordinator.post(f"/api/agreements/{agreement['id']}/follow-ups", json={
        "date": (today + timedelta(40)).isoformat(), "kind": "steering_group_meeting",
        "title": "Styrgrupp våren", "location": "Stadshuset, sal 2", "start_time": "13:30"})
    assert meeting.status_code == 201, meeting.text
    invited = await coordinator.post(f"/api/agreements/{agreement['id']}/invitations",
                                     json={"contact_id": second["primary_contact"]["id"]})
    assert invited.status_code == 201, invited.text

    page = await as_coordinator.get(page_url(agreement))
    assert page.status_code == 200
    commitments = section(page, "commitments")
    for party in (first, second):
        assert party["organization"]["name"] in commitments
        assert party["primary_contact"]["name"] in commitments
    assert confirmed["title"] in commitments and proposed["title"] in commitments
    # Each commitment has its anchor, its status in words and the party's answer.
    assert f'id="commitment-{confirmed["id"]}"' in page.text
    row = re.search(rf'<tr id="commitment-{confirmed["id"]}">.*?</tr>', page.text, re.S).group(0)
    assert "Bekräftat" in row and partner in row and "Vi ordnar det" in row
    row = re.search(rf'<tr id="commitment-{proposed["id"]}">.*?</tr>', page.text, re.S).group(0)
    assert "Föreslaget" in row
    # Overdue is said in words, not only by colour.
    row = re.search(rf'<tr id="commitment-{late["id"]}">.*?</tr>', page.text, re.S).group(0)
    assert "12 dagar försenat" in row
    follow_ups = section(page, "follow-ups")
    assert "Styrgrupp våren" in follow_ups and "Stadshuset, sal 2" in follow_ups
    assert "13:30" in follow_ups and "Styrgruppsmöte" in follow_ups
    reminders = section(page, "reminders")
    # The confirmed commitment falls due in 30 days: reminders are planned 14 and 3 days ahead.
    assert f"Åtagandet ”{confirmed['title']}”" in reminders
    assert first["primary_contact"]["email"] in reminders and "Planerad" in reminders
    invitations = section(page, "invitations")
    assert second["primary_contact"]["email"] in invitations
    assert "Inte använd" in invitations
    history = section(page, "history")
    assert "Registrerade överenskommelsen." in history
    assert f"Bekräftade åtagandet ”{confirmed['title']}”" in history
    assert f"{partner} (part, via partnerportalen)" in history
    assert f"Bjöd in {second['primary_contact']['name']}" in history


async def test_sent_and_failed_reminders_show_with_their_status(as_coordinator, coordinator):
    agreement = await live(coordinator)
    now = clock.now()
    sent_to, failed_to, waiting_to = (f"{unique(p)}@example.se" for p in ("a-", "b-", "c-"))
    title = unique("Åtagande ")
    payload = {"rule": "commitment_due", "title": title, "organization": "Kommunen",
               "date": "2026-12-01", "agreement_id": agreement["id"]}
    async with write_transaction():
        await reminder_rows.record_reminders([
            {"key": unique("test:"), "rule": "commitment_due", "subject_type": "commitment",
             "subject_id": 1, "agreement_id": agreement["id"], "occurrence": "due-3",
             "recipient": recipient, "recipient_name": name, "language": "sv",
             "due_on": clock.today(), "payload": payload, "created_at": now}
            for recipient, name in ((sent_to, "Sara Skickad"), (failed_to, "Filip Fel"),
                                    (waiting_to, "Vera Väntar"))
        ])
        ids = {}
        for recipient, status in ((sent_to, MessageStatus.sent), (failed_to, MessageStatus.failed),
                                  (waiting_to, MessageStatus.pending)):
            inserted = await reminder_rows.insert_messages([{
                "kind": "test", "recipient": recipient, "recipient_name": "", "language": "sv",
                "digest_date": None, "subject": "Påminnelse", "body_text": "", "body_html": "",
                "attachments": [], "message_id": f"<{unique()}@test>", "status": status,
                "attempts": 1, "next_attempt_at": now, "created_at": now, "updated_at": now,
                "sent_at": now if status == MessageStatus.sent else None,
                "last_error": "550 mailbox unavailable" if status == MessageStatus.failed
                else None,
            }])
            ids[recipient] = inserted[recipient]
        for recipient, message_id in ids.items():
            rows = [r for r in await reminder_rows.reminders_of_agreement(agreement["id"])
                    if r["recipient"] == recipient]
            await reminder_rows.assign(message_id, [r["id"] for r in rows])

    reminders = section(await as_coordinator.get(page_url(agreement)), "reminders")
    sent = reminders[reminders.index("Skickade"):]
    assert "Sara Skickad" in sent and "Skickad" in sent
    assert "Filip Fel" in sent and "Misslyckades" in sent and "550 mailbox unavailable" in sent
    assert "Vera Väntar" in sent and "Väntar" in sent
    assert f"Åtagandet ”{title}” (Kommunen) ska vara klart 1 december 2026." in sent
    as_coordinator.client.cookies.set("samverkan_lang", "en")
    english = await as_coordinator.get(page_url(agreement))
    assert "Failed" in section(english, "reminders")
    assert f"The commitment “{title}” (Kommunen) is due on 1 December 2026." in section(
        english, "reminders")


async def test_the_history_tells_what_changed_in_sentences(as_coordinator, coordinator):
    agreement = await coordinator.agreement(title=unique("Före "))
    fresh = await coordinator.fresh(agreement)
    new_title = unique("Efter ")
    changed = await coordinator.patch(
        f"/api/agreements/{agreement['id']}",
        json={"title": new_title, "period_end": "2030-06-30", "purpose": "Ett nytt syfte"},
        headers={"If-Match": f'"{fresh["version"]}"'})
    assert changed.status_code == 200, changed.text
    commitment = await coordinator.commitment(agreement, 0, title="Första rubriken")
    renamed = await coordinator.patch(
        f"/api/commitments/{commitment['id']}", json={"title": "Andra rubriken"},
        headers={"If-Match": f'"{commitment["version"]}"'})
    assert renamed.status_code == 200, renamed.text
    party = agreement["parties"][1]
    other = await coordinator.post(
        f"/api/organizations/{party['organization']['id']}/contacts",
        json={"name": "Nils Nyberg", "email": f"{unique('n')}@example.se"})
    assert other.status_code == 201, other.text
    switched = await coordinator.patch(
        f"/api/agreements/{agreement['id']}/parties/{party['id']}",
        json={"primary_contact_id": other.json()["id"], "role": "Bostadsbolag"},
        headers={"If-Match": f'"{party["version"]}"'})
    assert switched.status_code == 200, switched.text
    history = section(await as_coordinator.get(page_url(agreement)), "history")
    assert (f"Ändrade parten {party['organization']['name']}: roll ”Part” → ”Bostadsbolag”; "
            f"kontaktperson ”{party['primary_contact']['name']}” → ”Nils Nyberg”") in history
    assert (f"Ändrade överenskommelsen: rubrik ”{agreement['title']}” → ”{new_title}”"
            in history)
    assert "→ ”Efter" in history and "; periodens slut 31 december 2029 → 30 juni 2030" in history
    assert "ändrade också syfte" in history
    assert "Ändrade åtagandet ”Andra rubriken”: rubrik ”Första rubriken” → ”Andra rubriken”" \
        in history
    assert coordinator.user.email in history
    # Newest first.
    assert history.index("Andra rubriken") < history.index("Registrerade överenskommelsen")


async def test_a_long_history_shows_more_on_request(as_coordinator, coordinator):
    agreement = await coordinator.agreement()
    for n in range(30):
        await coordinator.commitment(agreement, 0, title=f"Åtagande nummer {n}")
    page = await as_coordinator.get(page_url(agreement))
    history = section(page, "history")
    assert "De 25 senaste av 31 händelser" in history
    assert "Åtagande nummer 29" in history and "Registrerade överenskommelsen" not in history
    assert f'href="{page_url(agreement)}?history=50#history"' in page.text
    more = section(await as_coordinator.get(page_url(agreement, "?history=50")), "history")
    assert "De 31 senaste av 31 händelser" in more and "Registrerade överenskommelsen" in more


async def test_a_viewer_reads_the_page_but_changes_nothing(as_viewer, coordinator):
    agreement = await live(coordinator)
    commitment = await coordinator.commitment(agreement, 0)
    page = await as_viewer.get(page_url(agreement))
    assert page.status_code == 200
    assert commitment["title"] in page.text
    assert "Du har läsbehörighet" in page.text
    assert page_url(agreement, "/edit") not in page.text
    assert 'action="' + page_url(agreement, "/status") not in page.text
    # Addresses of invitations and reminders are for coordinators, as in the API.
    assert "Visas bara för samordnare" in section(page, "invitations")
    for path, data in (("/edit", {"title": "Ny"}), ("/status", {"status": "draft"}),
                       ("/invitations", {"contact_id": "1"}),
                       ("/commitments", {"party_id": str(agreement["parties"][0]["id"]),
                                         "title": "x"}),
                       (f"/commitments/{commitment['id']}", {"title": "x"}),
                       (f"/commitments/{commitment['id']}/status", {"status": "cancelled"}),
                       ("/follow-ups", {"date": "2026-12-01", "kind": "follow_up_report"}),
                       ("/rounds", {"period": "2026-Q4", "deadline": "2026-12-31"})):
        refused = await as_viewer.post(page_url(agreement, path), data)
        assert refused.status_code == 403, path
    assert (await coordinator.fresh(agreement))["status"] == "in_preparation"


async def test_an_unknown_agreement_or_row_is_not_found(as_coordinator, coordinator):
    assert (await as_coordinator.get("/workspace/agreements/2147483000")).status_code == 404
    assert (await as_coordinator.get("/workspace/agreements/99999999999")).status_code == 404
    assert (await as_coordinator.get("/workspace/agreements/2147483000/edit")).status_code == 404
    one, other = await coordinator.agreement(), await coordinator.agreement()
    foreign = await coordinator.commitment(other, 0)
    missing = await as_coordinator.get(page_url(one, f"/commitments/{foreign['id']}"))
    assert missing.status_code == 404
    assert "Sidan finns inte" in missing.text
    wrong_party = await as_coordinator.get(
        page_url(one, f"/commitments/new?party={other['parties'][0]['id']}"))
    assert wrong_party.status_code == 404
    assert (await as_coordinator.get(page_url(one, "/situation?round=2147483000"))
            ).status_code == 404


async def test_the_agreement_downloads_as_pdf(as_coordinator, as_viewer, coordinator):
    agreement = await coordinator.agreement()
    page = await as_coordinator.get(page_url(agreement))
    assert page_url(agreement, "/document.pdf?lang=sv") in page.text
    for browser in (as_coordinator, as_viewer):
        pdf = await browser.get(page_url(agreement, "/document.pdf?lang=en"))
        assert pdf.status_code == 200
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        assert "attachment" in pdf.headers["content-disposition"]


async def test_a_draft_links_to_its_registration(as_coordinator, coordinator):
    agreement = await coordinator.agreement()
    page = await as_coordinator.get(page_url(agreement))
    assert "Fortsätt registreringen" in page.text
    assert f'href="{page_url(agreement, "/register")}"' in page.text
    # A draft is not for the parties yet: nobody can be invited, no round opened.
    assert "Parter kan bjudas in när" in section(page, "invitations")
    assert "Omgångar kan öppnas när" in section(page, "situation")


async def test_an_agreement_ending_soon_without_successor_asks_for_renewal(as_coordinator,
                                                                         coordinator):
    today = clock.today()
    agreement = await coordinator.agreement(
        period_start=(today - timedelta(300)).isoformat(),
        period_end=(today + timedelta(45)).isoformat())
    await coordinator.activate(agreement)
    page = await as_coordinator.get(page_url(agreement))
    assert "Dags att förnya." in text_of(page)
    far = await coordinator.agreement(period_end=(today + timedelta(400)).isoformat())
    await coordinator.activate(far)
    assert "Dags att förnya." not in text_of(await as_coordinator.get(page_url(far)))


async def test_the_joint_picture_shows_inputs_with_the_internal_ones_marked(as_coordinator,
                                                                          coordinator):
    agreement = await live(coordinator)
    first, second = (p["id"] for p in agreement["parties"])
    indicator = (await coordinator.indicators())["anmalda_brott"]
    round_ = await coordinator.round(agreement, "2026-Q2", "2026-07-15", [
        {"party_id": first, "indicator_ids": [indicator["id"]]},
        {"party_id": second, "indicator_ids": [indicator["id"]]}])
    await coordinator.submit_input(round_, first, [{"indicator_id": indicator["id"],
                                                    "value": 1234.5}],
                                   observations="Fler anmälningar vid torget")
    await coordinator.submit_input(round_, second, [{"indicator_id": indicator["id"],
                                                     "value": 77}],
                                   observations="Bara för samordnarna", internal=True)
    accepted = await coordinator.post(f"/api/rounds/{round_['id']}/inputs/{first}/accept")
    assert accepted.status_code == 200

    page = await as_coordinator.get(page_url(agreement, f"/situation?round={round_['id']}"))
    assert page.status_code == 200
    shown = text_of(page)
    assert "Lägesbild 2026-Q2" in shown
    assert "1 234,5" in shown and "Fler anmälningar vid torget" in shown
    # The internal input is there for coordinators, marked as such.
    assert "Bara för samordnarna" in shown and "Internt" in shown
    assert "Godkänt" in shown and "Inskickat" in shown
    assert f'/api/agreements/{agreement["id"]}/situation.csv?round={round_["id"]}' in page.text
    assert f'/api/rounds/{round_["id"]}/document.pdf' in page.text
    # The staff session opens the API's export the page links to.
    exported = await as_coordinator.get(
        f'/api/agreements/{agreement["id"]}/situation.csv?round={round_["id"]}')
    assert exported.status_code == 200
    assert "1234,5" in exported.text and ";77" not in exported.text  # internal: left out
    # The agreement's page tells the round and what each party has sent.
    situation = section(await as_coordinator.get(page_url(agreement)), "situation")
    assert "Omgång 2026-Q2" in situation and "Godkänt" in situation
    assert "Granska underlaget från" in situation


async def test_the_page_speaks_english_when_asked(as_coordinator, coordinator):
    agreement = await live(coordinator)
    await coordinator.commitment(agreement, 0)
    as_coordinator.client.cookies.set("samverkan_lang", "en")
    page = await as_coordinator.get(page_url(agreement))
    assert page.status_code == 200
    assert '<html lang="en">' in page.text
    assert "Parties and commitments" in page.text and "Proposed" in page.text
    assert "Registered the agreement." in section(page, "history")
    assert "Start preparing with the parties" not in page.text  # already in preparation
    assert "Send for signature" in section(page, "lifecycle")


async def test_an_ended_agreement_is_read_only(as_coordinator, coordinator):
    agreement = await coordinator.agreement()
    commitment = await coordinator.commitment(agreement, 0)
    await coordinator.activate(agreement)
    assert (await coordinator.move(agreement, "ended")).status_code == 200
    page = await as_coordinator.get(page_url(agreement))
    assert page.status_code == 200
    assert "Avslutad" in section(page, "lifecycle")
    assert "kan inte ändras längre" in section(page, "lifecycle")
    assert page_url(agreement, "/edit") not in page.text
    assert "Lägg till ett åtagande" not in page.text
    edit = await as_coordinator.get(page_url(agreement, "/edit"))
    assert "kan inte ändras" in edit.text and 'action="' + page_url(agreement, "/edit") \
        not in edit.text
    fresh = await coordinator.fresh(agreement)
    refused = await as_coordinator.post(page_url(agreement, "/edit"), {
        "title": "Ny", "kind": "collaboration_agreement", "period_start": "2026-01-01",
        "version": str(fresh["version"])})
    assert refused.status_code == 409
    assert "kan inte längre ändras" in refused.text
    shown = await as_coordinator.get(page_url(agreement, f"/commitments/{commitment['id']}"))
    assert shown.status_code == 200 and "Ändra status" not in shown.text
