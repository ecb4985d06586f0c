"""Rules of the workspace's own rows: a coordinator's personal calendar feed.

A feed is a secret URL (…/workspace/calendar/feed/<token>.ics) that a calendar program
fetches without a session. Only a SHA-256 of the token is stored, the URL is shown once
when it is made, and making a new one or revoking it ends the old one. The token is in no
log line (logging filter below) and no audit event.
"""

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from samverkan import clock
from samverkan.accounts import service as accounts
from samverkan.accounts.service import CurrentUser
from samverkan.agreements import service as agreements
from samverkan.audit import service as audit
from samverkan.errors import NotFound
from samverkan.settings import get_settings
from samverkan.web.i18n import choice, translate
from samverkan.workspace import repository

FEED_PATH = "/workspace/calendar/feed/"
# What the feed holds: from two months back (a meeting just held is still there) to
# a little over a year ahead (the next yearly follow-up).
DAYS_BACK = 60
DAYS_AHEAD = 400
# The feed speaks Swedish, as the service does first; a calendar program sends no language.
FEED_LANGUAGE = "sv"
NOT_FOUND = "Kalendern finns inte (calendar feed not found)"


@dataclass(frozen=True)
class Feed:
    """A feed as the calendar page shows it: never its token."""

    id: int
    created_at: datetime


@dataclass(frozen=True)
class NewFeed(Feed):
    """A feed just made: url holds the secret and is shown this once."""

    url: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_url(token: str) -> str:
    return f"{get_settings().base_url.rstrip('/')}{FEED_PATH}{token}.ics"


def _audited(row: dict) -> dict:
    """What the audit trail keeps of a feed: whose it is and when, never the token."""
    return {"id": row["id"], "user_id": row["user_id"], "created_at": row["created_at"],
            "revoked_at": row["revoked_at"]}


async def _revoke(user: CurrentUser, now: datetime) -> int:
    revoked = await repository.revoke_feeds(user.id, now)
    for row in revoked:
        await audit.record(user.actor, "revoke", "calendar_feed", row["id"],
                           after=_audited(row))
    return len(revoked)


async def create_feed(user: CurrentUser) -> NewFeed:
    """A new feed for the user; any earlier one stops working."""
    now = clock.now()
    await _revoke(user, now)
    token = secrets.token_urlsafe(32)
    row = await repository.insert_feed(user.id, token_hash(token), now)
    await audit.record(user.actor, "create", "calendar_feed", row["id"], after=_audited(row))
    return NewFeed(id=row["id"], created_at=row["created_at"], url=feed_url(token))


async def revoke_feed(user: CurrentUser) -> bool:
    """End the user's feed; False when there was none."""
    return await _revoke(user, clock.now()) > 0


async def active_feed(user_id: int) -> Feed | None:
    row = await repository.active_feed(user_id)
    return Feed(id=row["id"], created_at=row["created_at"]) if row else None


# --- the feed itself ----------------------------------------------------------------------


def _text(key: str, **values) -> str:
    return translate(FEED_LANGUAGE, key, **values)


def _host() -> str:
    return urlsplit(get_settings().base_url).hostname or "samverkan"


def _agreement_url(agreement_id: int, anchor: str = "") -> str:
    base = get_settings().base_url.rstrip("/")
    return f"{base}/workspace/agreements/{agreement_id}{'#' + anchor if anchor else ''}"


def _all_day(event: Event, day: date) -> None:
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    # A due date is a deadline, not time taken: it must not show the day as busy.
    event.add("transp", "TRANSPARENT")


def build_calendar(name: str, entries: agreements.CoordinatorCalendar, now: datetime) -> bytes:
    """The iCalendar text of a coordinator's feed: one VEVENT per due date, follow-up and
    period end, each with a UID that stays the same as long as the thing it is about."""
    settings = get_settings()
    zone = ZoneInfo(settings.timezone)
    host = _host()
    stamp = now.astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//Polisen//Samverkan//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _text("cal_feed_name", name=name))
    calendar.add("x-wr-timezone", settings.timezone)
    calendar.add("x-wr-caldesc", _text("cal_feed_description"))
    # How often a subscribing program should fetch the feed again (Apple, Outlook).
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    timed: list[date] = []
    for commitment in entries.commitments:
        event = Event()
        event.add("uid", f"commitment-{commitment.id}@{host}")
        event.add("dtstamp", stamp)
        _all_day(event, commitment.due_date)
        event.add("summary", _text("cal_event_commitment", title=commitment.title,
                                   agreement=commitment.agreement_title))
        url = _agreement_url(commitment.agreement_id, f"commitment-{commitment.id}")
        event.add("description", "\n".join([
            _text("cal_event_party", organization=commitment.organization_name),
            _text("cal_event_status",
                  status=choice(FEED_LANGUAGE, "commitment_status", commitment.status)),
            url,
        ]))
        event.add("url", url)
        calendar.add_component(event)
    for entry in entries.follow_ups:
        follow_up = entry.follow_up
        event = Event()
        event.add("uid", f"follow-up-{follow_up.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("sequence", follow_up.version)
        if follow_up.start_time is not None:
            start = datetime.combine(follow_up.date, follow_up.start_time, zone)
            event.add("dtstart", start)
            event.add("dtend", start + timedelta(minutes=follow_up.duration_minutes))
            timed.append(follow_up.date)
        else:
            event.add("dtstart", follow_up.date)
            event.add("dtend", follow_up.date + timedelta(days=1))
        kind = choice(FEED_LANGUAGE, "follow_up_kind", follow_up.kind)
        what = f"{kind}: {follow_up.title}" if follow_up.title else kind
        event.add("summary", _text("cal_event_follow_up", what=what,
                                   agreement=entry.agreement_title))
        if follow_up.location:
            event.add("location", follow_up.location)
        url = _agreement_url(follow_up.agreement_id, "follow-ups")
        event.add("description", "\n".join(filter(None, [follow_up.notes.strip(), url])))
        event.add("url", url)
        calendar.add_component(event)
    for ending in entries.endings:
        event = Event()
        event.add("uid", f"agreement-end-{ending.agreement_id}@{host}")
        event.add("dtstamp", stamp)
        _all_day(event, ending.period_end)
        event.add("summary", _text("cal_event_agreement_end", agreement=ending.title))
        url = _agreement_url(ending.agreement_id)
        event.add("description", "\n".join([
            _text("cal_event_status", status=choice(FEED_LANGUAGE, "status", ending.status)),
            url,
        ]))
        event.add("url", url)
        calendar.add_component(event)
    if timed:
        # RFC 5545 3.6.5: every TZID used needs its VTIMEZONE in the same object.
        calendar.add_missing_timezones(first_date=min(timed) - timedelta(days=366),
                                       last_date=max(timed) + timedelta(days=366))
    return calendar.to_ical()


async def feed(token: str) -> bytes:
    """The calendar a feed's token opens. An unknown or revoked token, or one of a user who
    can no longer sign in, is NotFound – the same answer for each."""
    row = await repository.feed_by_hash(token_hash(token)) if _plausible(token) else None
    if row is None:
        raise NotFound(NOT_FOUND)
    owner = (await accounts.users_by_ids([row["user_id"]])).get(row["user_id"])
    if owner is None or not owner.active:
        raise NotFound(NOT_FOUND)
    now = clock.now()
    today = clock.today(now)
    entries = await agreements.calendar_of_coordinator(
        owner.id, today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD)
    )
    return build_calendar(owner.name, entries, now)


_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


def _plausible(token: str) -> bool:
    """Only what token_urlsafe can make is looked up."""
    return bool(_TOKEN.match(token))


# --- keeping the token out of logs ---------------------------------------------------------

_IN_PATH = re.compile(re.escape(FEED_PATH) + r"[^\s\"'?#]+")


def hide_feed_tokens(text: str) -> str:
    return _IN_PATH.sub(f"{FEED_PATH}…", text)


class HideFeedTokens(logging.Filter):
    """Replaces a feed's token in a log record (the server's access log names each path it
    served) before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and FEED_PATH in record.msg:
            record.msg = hide_feed_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                hide_feed_tokens(arg) if isinstance(arg, str) and FEED_PATH in arg else arg
                for arg in record.args
            )
        return True


# The loggers that name a request's path: the ASGI server's access and error logs, and the
# application's own (an unexpected error logs the path it happened on).
LOGGERS_NAMING_PATHS = ("uvicorn.access", "uvicorn.error", "litestar")


def hide_tokens_in_logs() -> None:
    for name in LOGGERS_NAMING_PATHS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, HideFeedTokens) for f in logger.filters):
            logger.addFilter(HideFeedTokens())
