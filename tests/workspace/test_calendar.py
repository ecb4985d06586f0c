"""The personal calendar feed: made on the calendar page and shown once, read by a calendar
program without a session as iCalendar, with the dates of the agreements its owner
coordinates and nobody else's; revoked or replaced it answers 404, and its token is kept
nowhere in clear text – not in a table, not in the audit trail, not in a log line."""

import logging
import re
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from icalendar import Calendar

from samverkan import clock
from samverkan.audit.tables import AuditEvent
from samverkan.settings import get_settings
from samverkan.workspace.tables import CalendarFeed
from tests.factories import Api, make_user
from tests.web.pages import signed_in_staff

pytestmark = pytest.mark.usefixtures("database")

FEED_URL = re.compile(r'>(https?://[^<]+/workspace/calendar/feed/([A-Za-z0-9_-]+)\.ics)</textarea>')
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
async def person(app, client):
    """A coordinator of one's own (a feed is personal): its API client and its browser."""
    user = await make_user("coordinator")
    browser = await signed_in_staff(app, user)
    yield Api(client, user), browser
    await browser.close()


async def new_feed(browser) -> tuple[str, str]:
    """Make a feed on the calendar page: (its URL, its token)."""
    made = await browser.post("/workspace/calendar")
    assert made.status_code == 201, made.text
    found = FEED_URL.search(made.text)
    assert found, made.text
    return found.group(1), found.group(2)


async def fetch(app, url: str) -> httpx.Response:
    """The feed as a calendar program fetches it: no cookies, only the URL."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="https://testserver") as program:
        return await program.get(urlsplit(url).path)


def events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


async def agreement_with_dates(api: Api) -> dict:
    """A live agreement (in preparation) the api's user coordinates, ending in 100 days, with
    a commitment due in 10 days and a steering group meeting at 13:30 in 20 days."""
    today = clock.today()
    agreement = await api.agreement(period_start=(today - timedelta(days=30)).isoformat(),
                                    period_end=(today + timedelta(days=100)).isoformat())
    commitment = await api.commitment(agreement, due_date=(today + timedelta(days=10)).isoformat())
    meeting = await api.post(f"/api/agreements/{agreement['id']}/follow-ups", json={
        "date": (today + timedelta(days=20)).isoformat(), "kind": "steering_group_meeting",
        "title": "Styrgruppen ses", "start_time": "13:30", "duration_minutes": 90,
        "location": "Polishuset, sal 3",
    })
    assert meeting.status_code == 201, meeting.text
    moved = await api.move(agreement, "in_preparation")
    assert moved.status_code == 200, moved.text
    return {"agreement": agreement, "commitment": commitment, "meeting": meeting.json()}


async def test_a_new_feed_is_shown_once_and_then_only_said_to_exist(person):
    _, browser = person
    page = await browser.get("/workspace/calendar")
    assert page.status_code == 200
    assert "Du har ingen kalenderadress." in page.text
    assert "Outlook" in page.text and "Google Kalender" in page.text

    url, token = await new_feed(browser)

    assert url == f"{get_settings().base_url}/workspace/calendar/feed/{token}.ics"
    assert len(token) >= 40
    again = await browser.get("/workspace/calendar")
    assert token not in again.text
    assert "Du har en kalenderadress som skapades" in again.text
    assert "Skapa en ny kalenderadress" in again.text


async def test_the_feed_holds_due_dates_meetings_and_period_ends(app, person):
    api, browser = person
    made = await agreement_with_dates(api)
    agreement, commitment, meeting = made["agreement"], made["commitment"], made["meeting"]
    url, _ = await new_feed(browser)

    response = await fetch(app, url)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]) == "Samverkan – Test coordinator"
    found = events(response.content)
    host = urlsplit(get_settings().base_url).hostname
    due = found[f"commitment-{commitment['id']}@{host}"]
    assert str(due["summary"]) == f"Åtagande: {commitment['title']} – {agreement['title']}"
    assert due.decoded("dtstart") == date.fromisoformat(commitment["due_date"])
    assert due.decoded("dtend") == date.fromisoformat(commitment["due_date"]) + timedelta(days=1)
    assert str(due["url"]).endswith(
        f"/workspace/agreements/{agreement['id']}#commitment-{commitment['id']}")

    held = found[f"follow-up-{meeting['id']}@{host}"]
    start = held.decoded("dtstart")
    assert isinstance(start, datetime)
    assert start == datetime.combine(date.fromisoformat(meeting["date"]), time(13, 30), STOCKHOLM)
    assert held.decoded("dtend") - start == timedelta(minutes=90)
    assert str(held["location"]) == "Polishuset, sal 3"
    assert str(held["summary"]) == f"Styrgruppsmöte: Styrgruppen ses – {agreement['title']}"
    # The time zone the start names is defined in the calendar itself.
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]

    ending = found[f"agreement-end-{agreement['id']}@{host}"]
    assert ending.decoded("dtstart") == date.fromisoformat(agreement["period_end"])
    assert str(ending["summary"]) == f"Överenskommelsen löper ut: {agreement['title']}"

    # The same things keep their UIDs: fetched again, the calendar updates, not duplicates.
    assert set(events((await fetch(app, url)).content)) == set(found)


async def test_another_coordinators_agreements_are_not_in_the_feed(app, person, coordinator):
    api, browser = person
    mine = await agreement_with_dates(api)
    theirs = await agreement_with_dates(coordinator)
    url, _ = await new_feed(browser)

    body = (await fetch(app, url)).content.decode()

    assert mine["commitment"]["title"] in body
    assert theirs["agreement"]["title"] not in body
    assert theirs["commitment"]["title"] not in body


async def test_a_revoked_feed_is_gone_and_a_new_one_replaces_the_old(app, person):
    _, browser = person
    first_url, _ = await new_feed(browser)
    assert (await fetch(app, first_url)).status_code == 200

    second_url, _ = await new_feed(browser)

    assert second_url != first_url
    assert (await fetch(app, first_url)).status_code == 404
    assert (await fetch(app, second_url)).status_code == 200

    revoked = await browser.post("/workspace/calendar/revoke")
    assert revoked.status_code == 303
    assert revoked.headers["location"] == "/workspace/calendar?done=cal_revoked"
    page = await browser.get(revoked.headers["location"])
    assert "Kalenderadressen är avstängd och fungerar inte längre." in page.text
    assert "Du har ingen kalenderadress." in page.text
    assert (await fetch(app, second_url)).status_code == 404


async def test_unknown_tokens_and_other_names_are_not_found(app, person):
    _, browser = person
    url, token = await new_feed(browser)
    base = url.removesuffix(f"{token}.ics")
    for wrong in (f"{token[:-1]}x.ics", f"{token}.txt", f"{token}", "x.ics", "%2e%2e.ics"):
        assert (await fetch(app, base + wrong)).status_code == 404, wrong


async def test_the_feed_of_a_deactivated_user_is_not_found(app, person):
    api, browser = person
    url, _ = await new_feed(browser)
    from samverkan.accounts.tables import User

    await User.update({User.active: False}).where(User.id == api.user.id)
    assert (await fetch(app, url)).status_code == 404


async def test_the_token_is_stored_nowhere_in_clear_text(person):
    api, browser = person
    _, token = await new_feed(browser)
    await browser.post("/workspace/calendar/revoke")

    rows = await CalendarFeed.select().where(CalendarFeed.user_id == api.user.id)
    assert rows and all(token not in str(row) for row in rows)
    events_of_feeds = await AuditEvent.select().where(
        AuditEvent.entity_type == "calendar_feed", AuditEvent.actor_id == api.user.id
    )
    assert {e["action"] for e in events_of_feeds} == {"create", "revoke"}
    assert all(token not in str(event) for event in events_of_feeds)


async def test_the_token_is_left_out_of_log_lines(app, caplog):
    # The ASGI server's access log names the path it served, as uvicorn formats it.
    token = "A" * 43
    path = f"/workspace/calendar/feed/{token}.ics"
    with caplog.at_level(logging.INFO):
        logging.getLogger("uvicorn.access").info(
            '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", path, "1.1", 200)
        logging.getLogger("uvicorn.error").info(f"something about {path}")
    assert "/workspace/calendar/feed/" in caplog.text
    assert token not in caplog.text


async def test_a_viewer_may_have_a_feed_of_their_own(app, as_viewer):
    # A feed changes nothing shared; a viewer coordinates nothing, so it is empty.
    url, _ = await new_feed(as_viewer)
    response = await fetch(app, url)
    assert response.status_code == 200
    assert events(response.content) == {}
    assert (await as_viewer.post("/workspace/calendar/revoke")).status_code == 303
    assert (await fetch(app, url)).status_code == 404
