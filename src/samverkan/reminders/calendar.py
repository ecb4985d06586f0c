"""iCalendar invitations for meetings, so a reminder lands in Outlook as an event."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from samverkan.reminders import mailer
from samverkan.settings import get_settings


def meeting_invite(meeting, recipients, now: datetime) -> str:
    """A METHOD:REQUEST calendar with one event; its UID is stable per follow-up and its
    SEQUENCE is the follow-up's version, so a moved meeting updates the same event."""
    settings = get_settings()
    zone = ZoneInfo(settings.timezone)
    calendar = Calendar()
    calendar.add("prodid", "-//Polisen//Samverkan//SV")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"follow-up-{meeting.follow_up_id}@{mailer.sender_domain()}")
    event.add("sequence", meeting.version)
    event.add("dtstamp", now.astimezone(ZoneInfo("UTC")))
    if meeting.start_time is not None:
        start = datetime.combine(meeting.date, meeting.start_time, zone)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=meeting.duration_minutes))
    else:
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + timedelta(days=1))
    event.add("summary", meeting.title or f"Styrgruppsmöte: {meeting.agreement_title}")
    if meeting.location:
        event.add("location", meeting.location)
    description = f"{meeting.agreement_title}\n{meeting.notes}".strip()
    event.add("description", description)
    organizer = vCalAddress(f"mailto:{mailer.sender_address()}")
    organizer.params["cn"] = vText("Samverkan")
    event["organizer"] = organizer
    for recipient in recipients:
        attendee = vCalAddress(f"mailto:{recipient.email}")
        if recipient.name:
            attendee.params["cn"] = vText(recipient.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    # RFC 5545 3.6.5: each TZID used must be defined by a VTIMEZONE in the same object;
    # Outlook cannot place "Europe/Stockholm" without it. Transitions around the meeting.
    calendar.add_missing_timezones(first_date=meeting.date - timedelta(days=366),
                                   last_date=meeting.date + timedelta(days=366))
    return calendar.to_ical().decode()
