"""Every rule fires on its day and on no other, to the people it names, also across a
daylight-saving change: the local (Europe/Stockholm) day decides, not the UTC one.

Each test sweeps day by day through a year of its own (see conftest) and looks only at what
was recorded for its own recipients.
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from icalendar import Calendar

from samverkan import clock
from samverkan.reminders import service
from samverkan.settings import get_settings
from tests.factories import make_user
from tests.reminders.conftest import (
    STOCKHOLM,
    Discard,
    agreement_of,
    at,
    contact,
    email,
    keys,
    last_sunday,
    ledger,
    new_coordinator,
    organization,
    outbox,
    set_status,
    sweep_days,
)

DAY = timedelta(days=1)


def days(n: int) -> timedelta:
    return timedelta(days=n)


def email_of(i: int) -> str:
    return email(f"signatory{i}")


# --- commitments -----------------------------------------------------------------------------


async def test_a_commitment_is_reminded_14_and_3_days_before_it_falls_due(
    coordinator, year, only_rules
):
    only_rules("commitment_due")
    owner = await organization(coordinator, {}, {})  # a primary contact and a responsible one
    other = await organization(coordinator)
    agreement = await agreement_of(coordinator, [owner, other])
    due = date(year, 6, 20)
    responsible = contact(owner, 1)["email"]
    primary_of_owner = contact(owner)["email"]
    primary_of_other = contact(other)["email"]
    with_contact = await coordinator.commitment(
        agreement, 0, due_date=due.isoformat(), responsible_contact_id=contact(owner, 1)["id"]
    )
    without_contact = await coordinator.commitment(agreement, 1, due_date=due.isoformat())

    news = await sweep_days(due - days(16), due + days(2),
                            responsible, primary_of_owner, primary_of_other)

    def recorded(name: str) -> set:
        return {("commitment_due", with_contact["id"], f"{name}:{due}", responsible),
                ("commitment_due", without_contact["id"], f"{name}:{due}", primary_of_other)}

    # Not at due-15, nothing new from due-13 to due-4, then due-3, and nothing after.
    assert news == {due - days(14): recorded("due-14"), due - days(3): recorded("due-3")}
    # The responsible contact is reminded instead of the primary one, not as well.
    assert await ledger(primary_of_owner) == []
    rows = await ledger(responsible)
    assert [(r["due_on"], r["agreement_id"]) for r in rows] == [
        (due - days(14), agreement["id"]), (due - days(3), agreement["id"])
    ]
    digests = await outbox(responsible)
    assert [m["digest_date"] for m in digests] == [due - days(14), due - days(3)]
    assert all(with_contact["title"] in m["body_text"] for m in digests)
    # A party's contact follows the commitment up in the partner portal.
    portal = f"{get_settings().base_url}/portal/agreements/{agreement['id']}"
    assert all(portal in m["body_text"] and portal in m["body_html"] for m in digests)


async def test_a_commitment_that_is_not_done_is_reminded_the_day_after_then_weekly(
    coordinator, year, only_rules
):
    only_rules("commitment_overdue")
    owner = await organization(coordinator, {}, {})
    other = await organization(coordinator)
    agreement = await agreement_of(coordinator, [owner, other])
    due = date(year, 2, 10)
    responsible = contact(owner, 1)["email"]
    primary_of_other = contact(other)["email"]
    with_contact = await coordinator.commitment(
        agreement, 0, due_date=due.isoformat(), responsible_contact_id=contact(owner, 1)["id"]
    )
    without_contact = await coordinator.commitment(agreement, 1, due_date=due.isoformat())

    news = await sweep_days(due - DAY, due + days(16), responsible, primary_of_other,
                            contact(owner)["email"])

    def recorded(i: int) -> set:
        return {("commitment_overdue", with_contact["id"], f"overdue-{i}:{due}", responsible),
                ("commitment_overdue", without_contact["id"], f"overdue-{i}:{due}",
                 primary_of_other)}

    # The day after, then weekly: not on the due day, not on days 2 to 7, 9 to 14.
    assert news == {due + days(1): recorded(0), due + days(8): recorded(1),
                    due + days(15): recorded(2)}


async def test_an_unconfirmed_commitment_reminds_both_contacts_seven_days_after_it_was_proposed(
    coordinator, year, only_rules, monkeypatch
):
    only_rules("commitment_unconfirmed")
    owner = await organization(coordinator, {}, {})
    other = await organization(coordinator)
    agreement = await agreement_of(coordinator, [owner, other])
    responsible = contact(owner, 1)["email"]
    primary = contact(owner)["email"]
    proposed_on = date(year, 4, 10)
    with monkeypatch.context() as time_machine:
        time_machine.setattr(clock, "now", lambda: at(proposed_on, 16, 45))
        waiting = await coordinator.commitment(
            agreement, 0, responsible_contact_id=contact(owner, 1)["id"]
        )
        answered = await coordinator.commitment(
            agreement, 0, responsible_contact_id=contact(owner, 1)["id"]
        )
        time_machine.setattr(clock, "now", lambda: at(proposed_on + days(2), 10))
        await set_status(coordinator, answered, "confirmed")

    news = await sweep_days(proposed_on, proposed_on + days(10), responsible, primary)

    assert set(news) == {proposed_on + days(7)}
    assert {(rule, subject, recipient) for rule, subject, _, recipient in
            news[proposed_on + days(7)]} == {
        ("commitment_unconfirmed", waiting["id"], responsible),
        ("commitment_unconfirmed", waiting["id"], primary),
    }
    assert {r["due_on"] for r in await ledger(responsible, primary)} == {proposed_on + days(7)}


async def test_the_unconfirmed_reminder_comes_on_the_seventh_local_day_from_its_first_minute(
    coordinator, year, only_rules, monkeypatch
):
    only_rules("commitment_unconfirmed")
    owner = await organization(coordinator)
    agreement = await agreement_of(coordinator, [owner, await organization(coordinator)])
    proposed_on = date(year, 5, 4)
    # 00:30 local on 4 May is 22:30 UTC on 3 May: the local day is the one that counts.
    with monkeypatch.context() as time_machine:
        time_machine.setattr(clock, "now", lambda: at(proposed_on, 0, 30))
        commitment = await coordinator.commitment(agreement, 0)
    primary = contact(owner)["email"]

    await service.sweep(now=at(proposed_on + days(6), 23, 59))
    assert await ledger(primary) == []
    await service.sweep(now=at(proposed_on + days(7), 0, 1))
    [row] = await ledger(primary)
    assert (row["subject_id"], row["due_on"]) == (commitment["id"], proposed_on + days(7))


# --- meetings --------------------------------------------------------------------------------


def _invite(message: dict) -> Calendar:
    [attachment] = [a for a in message["attachments"] if a["content_type"] == "text/calendar"]
    return Calendar.from_ical(attachment["content"])


def _event(calendar: Calendar):
    [event] = calendar.walk("VEVENT")
    return event


async def _follow_up(api, agreement: dict, **values) -> dict:
    response = await api.post(f"/api/agreements/{agreement['id']}/follow-ups", json=values)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_meeting_is_announced_a_week_ahead_to_every_party_with_an_invitation(
    coordinator, year, only_rules
):
    only_rules("meeting")
    organizations = [await organization(coordinator) for _ in range(3)]
    agreement = await agreement_of(coordinator, organizations)
    primaries = [contact(org)["email"] for org in organizations]
    meeting_day = date(year, 6, 16)
    meeting = await _follow_up(
        coordinator, agreement, date=meeting_day.isoformat(), kind="steering_group_meeting",
        title="Styrgruppsmöte om trygghet", start_time="13:30", duration_minutes=90,
        location="Stadshuset, sal 3",
    )
    # A follow-up report is not a meeting: nobody is invited to it.
    await _follow_up(coordinator, agreement, date=meeting_day.isoformat(), kind="follow_up_report")

    news = await sweep_days(meeting_day - days(9), meeting_day + DAY, *primaries)

    occurrence = f"meeting-7:{meeting_day}T13:30:00"
    assert news == {meeting_day - days(7): {
        ("meeting", meeting["id"], occurrence, address) for address in primaries
    }}
    host = get_settings().mail_sender.rsplit("@", 1)[1].rstrip(">")
    uids = set()
    for address in primaries:
        [message] = await outbox(address)
        assert message["digest_date"] == meeting_day - days(7)
        assert "Styrgruppsmöte" in message["body_text"]
        assert message["attachments"][0]["filename"] == f"mote-{meeting_day}.ics"
        invite = _invite(message)
        assert str(invite["METHOD"]) == "REQUEST"
        event = _event(invite)
        start = event["DTSTART"]
        assert start.params["TZID"] == "Europe/Stockholm"
        assert start.dt.replace(tzinfo=None) == datetime(year, 6, 16, 13, 30)
        assert start.dt.astimezone(UTC) == datetime(year, 6, 16, 11, 30, tzinfo=UTC)
        assert event["DTEND"].dt - start.dt == timedelta(minutes=90)
        assert str(event["SUMMARY"]) == "Styrgruppsmöte om trygghet"
        assert str(event["LOCATION"]) == "Stadshuset, sal 3"
        attendees = event["ATTENDEE"]
        attendees = attendees if isinstance(attendees, list) else [attendees]
        assert {str(a).removeprefix("mailto:") for a in attendees} == set(primaries)
        # Every TZID used is defined in the calendar itself (RFC 5545 3.6.5): Outlook needs it.
        assert [str(tz["TZID"]) for tz in invite.walk("VTIMEZONE")] == ["Europe/Stockholm"]
        uids.add(str(event["UID"]))
    assert uids == {f"follow-up-{meeting['id']}@{host}"}


async def test_a_moved_meeting_keeps_its_invitations_uid_with_a_higher_sequence(
    coordinator, year, only_rules
):
    only_rules("meeting")
    organizations = [await organization(coordinator) for _ in range(2)]
    agreement = await agreement_of(coordinator, organizations)
    primary = contact(organizations[0])["email"]
    meeting_day = date(year, 9, 8)
    meeting = await _follow_up(
        coordinator, agreement, date=meeting_day.isoformat(), kind="steering_group_meeting",
        title="Styrgrupp", start_time="09:00",
    )
    await service.sweep(now=at(meeting_day - days(7)))
    [first] = await outbox(primary)
    await service.deliver(now=at(meeting_day - days(7), 9), backend=Discard())

    response = await coordinator.patch(
        f"/api/agreements/{agreement['id']}/follow-ups/{meeting['id']}",
        json={"start_time": "14:00"}, headers={"If-Match": f'"{meeting["version"]}"'},
    )
    assert response.status_code == 200, response.text
    await service.sweep(now=at(meeting_day - days(6)))

    second = [m for m in await outbox(primary) if m["id"] != first["id"]]
    assert [m["digest_date"] for m in second] == [meeting_day - days(6)]
    before, after = _event(_invite(first)), _event(_invite(second[0]))
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after["DTSTART"].dt.replace(tzinfo=None) == datetime.combine(meeting_day, time(14))


# --- agreements ------------------------------------------------------------------------------


async def test_an_ending_agreement_reminds_its_coordinators_and_signatories_90_and_30_days_ahead(
    client, coordinator, year, only_rules
):
    only_rules("agreement_ending")
    boss = await new_coordinator(client)
    deputy = await make_user("coordinator")
    organizations = [await organization(boss) for _ in range(2)]
    signatories = [email_of(i) for i in range(2)]
    ends = date(year, 12, 31)
    agreement = await agreement_of(
        boss, organizations, status="active", period_end=ends.isoformat(),
        signatories=[{"signatory_email": s} for s in signatories],
    )
    response = await boss.post(f"/api/agreements/{agreement['id']}/coordinators",
                               json={"user_id": deputy.id})
    assert response.status_code == 201, response.text
    # Not in force yet: its end is no news to anybody.
    preparing = await agreement_of(boss, organizations[:1] + [await organization(boss)],
                                   period_end=ends.isoformat())
    people = [boss.user.email, deputy.email, *signatories,
              *(contact(org)["email"] for org in organizations)]

    news = await sweep_days(ends - days(92), ends - days(88), *people)
    news |= await sweep_days(ends - days(32), ends - days(28), *people)

    def recorded(d: int) -> set:
        return {("agreement_ending", agreement["id"], f"ending-{d}:{ends}", address.lower())
                for address in (boss.user.email, deputy.email, *signatories)}

    assert news == {ends - days(90): recorded(90), ends - days(30): recorded(30)}
    assert not [r for r in await ledger(*people) if r["subject_id"] == preparing["id"]]
    # The suite's shared coordinator does not coordinate this agreement.
    assert not [r for r in await ledger(coordinator.user.email)
                if r["agreement_id"] == agreement["id"]]


async def test_an_ending_agreement_links_coordinators_to_the_workspace_and_signatories_to_the_portal(
    client, year, only_rules
):
    only_rules("agreement_ending")
    boss = await new_coordinator(client)
    signatory = email_of(5)
    ends = date(year, 11, 30)
    agreement = await agreement_of(
        boss, [await organization(boss), await organization(boss)], status="active",
        period_end=ends.isoformat(),
        # The coordinator signed for one party, too: reminded once, as a coordinator.
        signatories=[{"signatory_email": signatory}, {"signatory_email": boss.user.email}],
    )

    await service.sweep(now=at(ends - days(90)))

    [to_boss] = await outbox(boss.user.email)
    [to_signatory] = await outbox(signatory)
    assert f"/workspace/agreements/{agreement['id']}" in to_boss["body_text"]
    assert "/portal/" not in to_boss["body_text"]
    assert f"/portal/agreements/{agreement['id']}" in to_signatory["body_text"]
    assert "/workspace/" not in to_signatory["body_text"]


async def test_a_signatory_without_a_name_is_reminded_and_breaks_nothing(
    client, year, only_rules
):
    only_rules("agreement_ending")
    boss = await new_coordinator(client)
    agreement = await agreement_of(
        boss, [await organization(boss), await organization(boss)], status="active",
        period_end=date(year, 10, 31).isoformat(),
    )
    # A party joining an agreement in force, with only an address for its signatory.
    latecomer = await organization(boss)
    signatory = email_of(3)
    response = await boss.post(f"/api/agreements/{agreement['id']}/parties", json={
        "organization_id": latecomer["id"], "role": "Part", "signatory_email": signatory,
    })
    assert response.status_code == 201, response.text

    await service.sweep(now=at(date(year, 10, 31) - days(90)))

    assert {(r["recipient"], r["recipient_name"]) for r in await ledger(signatory)} == {
        (signatory, "")
    }
    [message] = await outbox(signatory)
    assert message["subject"].startswith("Påminnelser från Samverkan")


async def test_a_citizen_promise_without_a_successor_is_due_for_renewal_60_days_before_it_ends(
    client, year, only_rules
):
    only_rules("citizen_promise_renewal")
    boss = await new_coordinator(client)
    organizations = [await organization(boss) for _ in range(2)]
    ends = date(year, 8, 31)

    async def promise(**values) -> dict:
        return await agreement_of(boss, organizations, status="active", kind="citizen_promise",
                                  period_end=ends.isoformat(), **values)

    alone = await promise()
    replaced = await promise()
    await agreement_of(boss, organizations, status="draft", kind="citizen_promise",
                       period_start=ends.isoformat(), supersedes_id=replaced["id"])
    umbrella = await agreement_of(boss, organizations, status="draft")
    followed = await promise(parent_id=umbrella["id"])
    await agreement_of(boss, organizations, status="draft", kind="citizen_promise",
                       parent_id=umbrella["id"], period_start=(ends + DAY).isoformat())
    # Not a citizen promise: it ends, but there is nothing to renew.
    await agreement_of(boss, organizations, status="active", period_end=ends.isoformat())

    news = await sweep_days(ends - days(62), ends - days(57), boss.user.email)

    # Neither the replaced one nor the one followed by a later promise under the same
    # umbrella, nor the collaboration agreement.
    assert news == {ends - days(60): {
        ("citizen_promise_renewal", alone["id"], f"renewal:{ends}", boss.user.email)
    }}
    assert followed["id"] not in {subject for _, subject, _, _ in news[ends - days(60)]}


# --- switched off ----------------------------------------------------------------------------


async def test_a_rule_switched_off_sends_nothing_and_plans_nothing(coordinator, year, settings):
    owner = await organization(coordinator)
    agreement = await agreement_of(coordinator, [owner, await organization(coordinator)])
    due = date(year, 3, 20)
    await coordinator.commitment(agreement, 0, due_date=due.isoformat())
    primary = contact(owner)["email"]
    settings(reminders_disabled=["commitment_due", "commitment_unconfirmed"])

    planned = await service.planned(agreement["id"], 30, now=at(due - days(20)))
    assert {p.rule for p in planned} == {"commitment_overdue"}  # the others are still on
    await service.sweep(now=at(due - days(14)))
    await service.sweep(now=at(due - days(3)))
    assert await ledger(primary) == []
    assert await outbox(primary) == []

    settings(reminders_disabled=["commitment_unconfirmed"])
    await service.sweep(now=at(due - days(3), 9))
    assert [r["occurrence"] for r in await ledger(primary)] == [f"due-3:{due}"]


# --- daylight saving -------------------------------------------------------------------------

# (month of the change, days after its Sunday, UTC offset on that local day)
DST_DAYS = [
    pytest.param(3, 0, 1, id="march-the-sunday-itself"),
    pytest.param(3, 1, 2, id="march-the-first-summer-day"),
    pytest.param(10, 0, 2, id="october-the-sunday-itself"),
    pytest.param(10, 1, 1, id="october-the-first-winter-day"),
]


@pytest.mark.parametrize(("month", "after", "offset"), DST_DAYS)
async def test_the_local_day_decides_across_a_daylight_saving_change(
    coordinator, year, settings, only_rules, month, after, offset
):
    only_rules("commitment_due")
    settings(reminder_commitment_due_days=[3])
    day = last_sunday(year, month) + days(after)
    assert last_sunday(year, month).weekday() == 6
    owner = await organization(coordinator)
    agreement = await agreement_of(coordinator, [owner, await organization(coordinator)])
    commitment = await coordinator.commitment(agreement, 0, due_date=(day + days(3)).isoformat())
    primary = contact(owner)["email"]

    # 00:30 on the local day is still the evening before in UTC, by the day's own offset.
    first_minutes = at(day, 0, 30)
    assert first_minutes == datetime.combine(day - DAY, time(24 - offset, 30), UTC)

    await service.sweep(now=first_minutes - timedelta(hours=1))  # 23:30 the evening before
    assert await ledger(primary) == []
    await service.sweep(now=first_minutes)
    [row] = await ledger(primary)
    assert (row["subject_id"], row["occurrence"], row["due_on"]) == (
        commitment["id"], f"due-3:{day + days(3)}", day
    )
    [message] = await outbox(primary)
    assert message["digest_date"] == day


async def test_a_meeting_invitation_has_the_local_time_of_its_own_side_of_the_change(
    coordinator, year, only_rules
):
    only_rules("meeting")
    organizations = [await organization(coordinator) for _ in range(2)]
    agreement = await agreement_of(coordinator, organizations)
    change = last_sunday(year, 3)
    winter, summer = change - DAY, change + DAY
    for day in (winter, summer):
        await _follow_up(coordinator, agreement, date=day.isoformat(), title=f"Möte {day}",
                         kind="steering_group_meeting", start_time="13:30")
    primary = contact(organizations[1])["email"]

    await service.sweep(now=at(winter - days(7)))
    await service.sweep(now=at(summer - days(7)))

    starts = sorted(_event(_invite(m))["DTSTART"].dt for m in await outbox(primary))
    assert [s.astimezone(UTC) for s in starts] == [
        datetime.combine(winter, time(12, 30), UTC), datetime.combine(summer, time(11, 30), UTC)
    ]
    assert all(s.tzinfo is not None and s.astimezone(STOCKHOLM).time() == time(13, 30)
               for s in starts)
    assert {r["rule"] for r in await ledger(primary)} == {"meeting"}
    assert len(await keys(primary)) == 2
