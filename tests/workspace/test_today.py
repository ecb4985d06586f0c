"""The Today page: what needs the signed-in coordinator in the agreements they follow,
section by section, each line appearing with the data and leaving when it is dealt with."""

import re
from datetime import timedelta

import pytest

from samverkan import clock
from samverkan.actor import Actor
from samverkan.agreements import service as agreements
from samverkan.agreements.schemas import AgreementCreate, PartyResponse
from samverkan.db import write_transaction
from samverkan.reminders import repository as outbox
from samverkan.reminders import service as reminders
from tests.factories import Api, make_user, unique
from tests.web.pages import signed_in_staff

pytestmark = pytest.mark.usefixtures("database")

PARTNER = Actor(id=None, label="partner@example.se")


def section(html: str, section_id: str) -> str:
    """The HTML of one section of the page, by its id."""
    found = re.search(rf'<section class="today-section" id="{section_id}".*?</section>', html,
                      re.S)
    assert found, f"no section {section_id}"
    return found.group(0)


def heading_count(html: str, section_id: str) -> int:
    heading = re.search(r"<h2[^>]*>(.*?)</h2>", section(html, section_id), re.S).group(1)
    return int(re.search(r"\((\d+)\)", heading).group(1))


async def today(browser, section_id: str | None = None) -> str:
    """The Today page; with section_id, with every line of that section shown (the shared
    test coordinator follows many agreements: only the first lines show by default)."""
    page = await browser.get("/workspace/", params={"all": section_id} if section_id else None)
    assert page.status_code == 200, page.text
    return page.text


async def live_agreement(api: Api, **values) -> dict:
    agreement = await api.agreement(**values)
    moved = await api.move(agreement, "in_preparation")
    assert moved.status_code == 200, moved.text
    return agreement


def days(n: int) -> str:
    return (clock.today() + timedelta(days=n)).isoformat()


async def test_a_proposed_commitment_awaits_confirmation_until_its_party_confirms(
        as_coordinator, coordinator):
    agreement = await live_agreement(coordinator)
    commitment = await coordinator.commitment(agreement, party_index=1, due_date=days(200))
    party_name = agreement["parties"][1]["organization"]["name"]

    awaiting = section(await today(as_coordinator, "awaiting"), "awaiting")
    assert commitment["title"] in awaiting
    assert (f'href="/workspace/agreements/{agreement["id"]}#commitment-{commitment["id"]}"'
            in awaiting)
    assert party_name in awaiting and agreement["title"] in awaiting
    assert "föreslaget" in awaiting

    async with write_transaction():
        await agreements.respond_as_party(
            PARTNER, commitment["id"], agreement["parties"][1]["organization"]["id"],
            PartyResponse(comment="Vi gör det"), confirm=True)
    assert (await coordinator.get(f"/api/commitments/{commitment['id']}")).json()[
        "status"] == "confirmed"
    assert commitment["title"] not in await today(as_coordinator, "awaiting")


async def test_overdue_and_due_soon_commitments_until_they_are_done(as_coordinator,
                                                                   coordinator):
    agreement = await live_agreement(coordinator)
    late = await coordinator.commitment(agreement, due_date=days(-3))
    soon = await coordinator.commitment(agreement, party_index=1, due_date=days(5))
    later = await coordinator.commitment(agreement, due_date=days(40))

    overdue = section(await today(as_coordinator, "overdue"), "overdue")
    due_soon = section(await today(as_coordinator, "due-soon"), "due-soon")
    assert late["title"] in overdue and late["title"] not in due_soon
    assert soon["title"] in due_soon and soon["title"] not in overdue
    assert later["title"] not in overdue and later["title"] not in due_soon
    assert agreement["parties"][1]["organization"]["name"] in due_soon

    for status in ("confirmed", "done"):
        moved = await coordinator.post(f"/api/commitments/{late['id']}/status",
                                       json={"status": status})
        assert moved.status_code == 200, moved.text
    assert late["title"] not in await today(as_coordinator, "overdue")
    assert soon["title"] in section(await today(as_coordinator, "due-soon"), "due-soon")


async def test_follow_ups_in_the_next_30_days(as_coordinator, coordinator):
    agreement = await live_agreement(coordinator)
    near, far = unique("Styrgrupp "), unique("Styrgrupp ")
    for title, when in ((near, days(10)), (far, days(60))):
        created = await coordinator.post(
            f"/api/agreements/{agreement['id']}/follow-ups",
            json={"date": when, "kind": "steering_group_meeting", "title": title,
                  "start_time": "13:30", "location": "Stadshuset"})
        assert created.status_code == 201, created.text

    follow_ups = section(await today(as_coordinator, "follow-ups"), "follow-ups")
    assert near in follow_ups and far not in follow_ups
    assert f'href="/workspace/agreements/{agreement["id"]}#follow-ups"' in follow_ups
    assert "kl. 13:30" in follow_ups and "Stadshuset" in follow_ups


async def test_missing_inputs_to_an_open_round_until_the_party_submits(as_coordinator,
                                                                      coordinator):
    agreement = await live_agreement(coordinator)
    crime = next(iter((await coordinator.indicators()).values()))
    first, second = (p["id"] for p in agreement["parties"])
    first_name = agreement["parties"][0]["organization"]["name"]
    second_name = agreement["parties"][1]["organization"]["name"]
    round_ = await coordinator.round(agreement, "2026-Q3", "2026-10-15", [
        {"party_id": first, "indicator_ids": [crime["id"]]},
        {"party_id": second, "indicator_ids": [crime["id"]]},
    ])
    await coordinator.submit_input(round_, first, [{"indicator_id": crime["id"], "value": 12}])
    await coordinator.save_input(round_, second, [{"indicator_id": crime["id"], "value": 3}])

    inputs = section(await today(as_coordinator, "inputs"), "inputs")
    mine = [line for line in inputs.split("<li>") if agreement["title"] in line]
    assert len(mine) == 1
    assert second_name in mine[0] and first_name not in mine[0]
    assert "Lägesbild 2026-Q3" in mine[0] and "Utkast" in mine[0]
    assert f'href="/workspace/agreements/{agreement["id"]}#situation"' in mine[0]

    await coordinator.submit_input(round_, second, [{"indicator_id": crime["id"], "value": 3}])
    assert agreement["title"] not in section(await today(as_coordinator, "inputs"), "inputs")


async def test_agreements_in_force_that_end_within_90_days(as_coordinator, coordinator):
    ending = await coordinator.agreement(period_start="2024-01-01", period_end=days(30))
    lasting = await coordinator.agreement(period_start="2024-01-01", period_end=days(200))
    for agreement in (ending, lasting):
        await coordinator.activate(agreement)

    page = section(await today(as_coordinator, "ending"), "ending")
    assert ending["title"] in page and lasting["title"] not in page
    assert f'href="/workspace/agreements/{ending["id"]}#lifecycle"' in page


async def test_drafts_link_to_their_registration_until_they_move_on(as_coordinator,
                                                                   coordinator):
    draft = await coordinator.agreement()
    drafts = section(await today(as_coordinator, "drafts"), "drafts")
    assert f'href="/workspace/agreements/{draft["id"]}/register"' in drafts
    assert draft["title"] in drafts

    assert (await coordinator.move(draft, "in_preparation")).status_code == 200
    assert draft["title"] not in section(await today(as_coordinator, "drafts"), "drafts")


async def test_failed_e_mails_are_counted_with_a_link_to_them(as_coordinator):
    before = heading_count(await today(as_coordinator), "failed")
    async with write_transaction():
        to = f"{unique('today-')}@example.se"
        message_id = await reminders.enqueue(
            "test", to, "Per Persson", "sv",
            {"subject": "Påminnelse", "body_text": "Hej", "body_html": ""})
        await outbox.update_message(message_id, {"status": "failed", "attempts": 8})

    page = await today(as_coordinator)
    assert heading_count(page, "failed") == before + 1
    assert 'href="/workspace/outbox?status=failed"' in section(page, "failed")


async def test_another_coordinators_agreements_do_not_show(as_coordinator, client):
    other = Api(client, await make_user("coordinator"))
    agreement = await live_agreement(other)
    commitment = await other.commitment(agreement, due_date=days(2))
    draft = await other.agreement()

    page = await today(as_coordinator)
    assert commitment["title"] not in page
    assert agreement["title"] not in page and draft["title"] not in page


async def test_someone_who_follows_nothing_is_told_so_and_sent_to_the_list(app):
    browser = await signed_in_staff(app, await make_user("coordinator"))
    page = await today(browser)
    assert "Du följer inga överenskommelser ännu." in page
    assert '<a href="/workspace/agreements">Se alla överenskommelser</a>' in page
    assert 'id="awaiting"' not in page
    assert 'aria-current="page">Idag</a>' in page
    await browser.close()


async def test_empty_sections_say_so_in_words(app):
    user = await make_user("coordinator")  # follows one draft with nothing to do in it
    browser = await signed_in_staff(app, user)
    async with write_transaction():
        await agreements.create_agreement(
            Actor(id=user.id, label=user.email),
            AgreementCreate(title=unique("Tom "), kind="collaboration_agreement",
                            period_start="2026-01-01", period_end="2030-12-31",
                            municipality_codes=["2580"], parties=[]),
        )
    page = await today(browser)
    for section_id, words in (
        ("awaiting", "Inga åtaganden väntar på att en part bekräftar dem."),
        ("overdue", "Inga åtaganden är försenade."),
        ("due-soon", "Inga åtaganden ska vara klara de närmaste 14 dagarna."),
        ("follow-ups", "Inga möten eller uppföljningar är inplanerade"),
        ("inputs", "Alla parter har skickat in sina underlag"),
        ("ending", "Ingen gällande överenskommelse upphör de närmaste 90 dagarna."),
    ):
        assert words in section(page, section_id)
        assert heading_count(page, section_id) == 0
    assert heading_count(page, "drafts") == 1
    await browser.close()


async def test_a_viewer_sees_the_page_and_english_works(as_viewer):
    page = await as_viewer.get("/workspace/")
    assert page.status_code == 200
    assert "<h1>Idag</h1>" in page.text
    as_viewer.client.cookies.set("samverkan_lang", "en")
    english = await as_viewer.get("/workspace/")
    assert "<h1>Today</h1>" in english.text
    assert "You do not follow any agreements yet." in english.text


async def test_a_long_section_shows_its_first_lines_and_offers_the_rest(app, client):
    user = await make_user("coordinator")
    api = Api(client, user)
    agreement = await live_agreement(api)
    made = [await api.commitment(agreement, due_date=days(-30 + n)) for n in range(12)]
    browser = await signed_in_staff(app, user)

    overdue = section(await today(browser), "overdue")
    assert heading_count(await today(browser), "overdue") == 12
    assert [c["title"] in overdue for c in made] == [True] * 10 + [False] * 2
    assert "Visar de 10 första av 12." in overdue
    assert 'href="/workspace/?all=overdue#overdue">Visa alla 12</a>' in overdue
    everything = section(await today(browser, "overdue"), "overdue")
    assert all(c["title"] in everything for c in made)
    assert "Visa alla" not in everything
    # The same commitments await confirmation too, the longest waiting first.
    assert heading_count(await today(browser), "awaiting") == 12
    await browser.close()
