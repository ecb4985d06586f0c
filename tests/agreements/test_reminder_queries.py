"""What the agreements domain tells the reminders domain: what is due, which meetings are
coming, which agreements end, who coordinates them, and that something changed.

The queries are global, and other tests make rows too: every test here uses dates in a year
of its own far in the future and looks only at the agreements it made.
"""

from datetime import date, datetime, timedelta

from samverkan import events
from samverkan.agreements import service
from tests.factories import unique

OUTSIDE = 2**31 - 1  # a user id that names no user


def _key(response) -> str:
    return response.json()["extra"][0]["key"]


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _ours(rows, agreements: list[dict]) -> list:
    ids = {a["id"] for a in agreements}
    return [row for row in rows if row.agreement_id in ids]


async def _agreement_of(api, organizations: list[dict], **values) -> dict:
    """An agreement between organizations, each party's primary contact its first contact."""
    body = {
        "title": unique("Påminnelser "),
        "kind": "collaboration_agreement",
        "period_start": "2026-01-01",
        "period_end": "2029-12-31",
        "parties": [
            {"organization_id": o["id"], "role": "Part", "primary_contact_id": o["contacts"][0]["id"]}
            for o in organizations
        ],
        **values,
    }
    response = await api.post("/api/agreements", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def _status(api, commitment: dict, status: str, **extra) -> None:
    response = await api.post(
        f"/api/commitments/{commitment['id']}/status", json={"status": status, **extra}
    )
    assert response.status_code == 200, response.text


async def _moved(api, agreement: dict, *statuses: str) -> None:
    for status in statuses:
        response = await api.move(agreement, status)
        assert response.status_code == 200, (status, response.text)


async def _follow_up(api, agreement: dict, **values) -> dict:
    body = {"kind": "steering_group_meeting", "title": unique("Styrgrupp "), **values}
    response = await api.post(f"/api/agreements/{agreement['id']}/follow-ups", json=body)
    assert response.status_code == 201, response.text
    return response.json()


# --- commitments ----------------------------------------------------------------------------


async def test_commitments_due_between_takes_both_ends_and_only_open_ones_of_live_agreements(
    coordinator,
):
    first, last = date(2090, 3, 1), date(2090, 3, 31)
    live = await coordinator.agreement()
    await _moved(coordinator, live, "in_preparation")
    before = await coordinator.commitment(live, due_date="2090-02-28")
    on_first = await coordinator.commitment(live, due_date="2090-03-01")
    inside = await coordinator.commitment(live, party_index=1, due_date="2090-03-15")
    on_last = await coordinator.commitment(live, due_date="2090-03-31")
    after = await coordinator.commitment(live, due_date="2090-04-01")
    undated = await coordinator.commitment(live)
    confirmed = await coordinator.commitment(live, due_date="2090-03-10")
    await _status(coordinator, confirmed, "confirmed")
    started = await coordinator.commitment(live, due_date="2090-03-11")
    await _status(coordinator, started, "confirmed")
    await _status(coordinator, started, "in_progress")
    cancelled = await coordinator.commitment(live, due_date="2090-03-12")
    await _status(coordinator, cancelled, "cancelled")
    done = await coordinator.commitment(live, due_date="2090-03-13")
    await _status(coordinator, done, "confirmed")
    await _status(coordinator, done, "done")
    declined = await coordinator.commitment(live, due_date="2090-03-14")
    await _status(coordinator, declined, "declined", comment="Inte vårt ansvar")

    draft = await coordinator.agreement()
    await coordinator.commitment(draft, due_date="2090-03-15")
    ended = await coordinator.activate(await coordinator.agreement())
    await coordinator.commitment(ended, due_date="2090-03-15")
    await _moved(coordinator, ended, "ended")

    found = _ours(await service.commitments_due_between(first, last), [live, draft, ended])
    assert [c.commitment_id for c in found] == [
        on_first["id"], confirmed["id"], started["id"], inside["id"], on_last["id"]
    ]
    assert [c.due_date for c in found] == sorted(c.due_date for c in found)
    assert {before["id"], after["id"], undated["id"]}.isdisjoint(c.commitment_id for c in found)
    assert [c.status for c in found] == [
        "proposed", "confirmed", "in_progress", "proposed", "proposed"
    ]
    one = found[3]
    assert one.agreement_title == live["title"]
    assert one.party_id == live["parties"][1]["id"]
    assert one.organization_name == live["parties"][1]["organization"]["name"]
    assert one.primary_contact_id == live["parties"][1]["primary_contact"]["id"]

    # One day is a range too.
    found = _ours(await service.commitments_due_between(first, first), [live])
    assert [c.commitment_id for c in found] == [on_first["id"]]

    # Asked about one agreement (the preview of its reminders), only its rows come back.
    other = await coordinator.agreement()
    await _moved(coordinator, other, "in_preparation")
    await coordinator.commitment(other, due_date="2090-03-20")
    scoped = await service.commitments_due_between(first, last, agreement_id=live["id"])
    assert [c.commitment_id for c in scoped] == [
        on_first["id"], confirmed["id"], started["id"], inside["id"], on_last["id"]
    ]


async def test_a_due_commitment_names_its_responsible_and_its_partys_primary_contact(
    coordinator,
):
    organizations = [await coordinator.organization(contacts=2) for _ in range(2)]
    agreement = await _agreement_of(
        coordinator, organizations, registration_number=unique("Dnr 2090-")
    )
    await _moved(coordinator, agreement, "in_preparation")
    primary = organizations[0]["contacts"][0]["id"]
    responsible = organizations[0]["contacts"][1]["id"]
    with_contact = await coordinator.commitment(
        agreement, responsible_contact_id=responsible, due_date="2090-05-02"
    )
    without = await coordinator.commitment(agreement, due_date="2090-05-03")

    found = _ours(
        await service.commitments_due_between(date(2090, 5, 2), date(2090, 5, 3)), [agreement]
    )
    assert [(c.commitment_id, c.responsible_contact_id, c.primary_contact_id) for c in found] == [
        (with_contact["id"], responsible, primary),
        (without["id"], None, primary),
    ]
    due = found[0]
    assert due.title == with_contact["title"]
    assert due.agreement_id == agreement["id"]
    assert due.agreement_registration_number == agreement["registration_number"]
    assert due.organization_name == organizations[0]["name"]
    assert due.status_changed_at == datetime.fromisoformat(with_contact["status_changed_at"])

    assert await service.commitment_due(with_contact["id"]) == due
    await _status(coordinator, with_contact, "cancelled")
    assert await service.commitment_due(with_contact["id"]) is None
    assert await service.commitment_due(OUTSIDE) is None
    draft = await coordinator.agreement()
    in_draft = await coordinator.commitment(draft, due_date="2090-05-02")
    assert await service.commitment_due(in_draft["id"]) is None


async def test_overdue_is_strictly_before_the_day(coordinator):
    agreement = await coordinator.activate(await coordinator.agreement())
    late = await coordinator.commitment(agreement, due_date="2091-05-31")
    long_late = await coordinator.commitment(agreement, due_date="2091-01-15")
    await _status(coordinator, long_late, "confirmed")
    await coordinator.commitment(agreement, due_date="2091-06-01")  # due today: not overdue
    finished = await coordinator.commitment(agreement, due_date="2091-02-01")
    await _status(coordinator, finished, "confirmed")
    await _status(coordinator, finished, "not_done")
    await coordinator.commitment(agreement)  # no due date: never overdue
    draft = await coordinator.agreement()
    await coordinator.commitment(draft, due_date="2091-05-31")

    found = _ours(await service.commitments_overdue(date(2091, 6, 1)), [agreement, draft])
    assert [c.commitment_id for c in found] == [long_late["id"], late["id"]]


async def test_unconfirmed_since_takes_proposed_commitments_unchanged_since_the_cutoff(
    coordinator,
):
    agreement = await coordinator.agreement()
    await _moved(coordinator, agreement, "in_preparation")
    old = await coordinator.commitment(agreement, due_date="2092-01-01")
    answered = await coordinator.commitment(agreement)
    cutoff = datetime.fromisoformat(answered["status_changed_at"])
    await _status(coordinator, answered, "confirmed")
    newer = await coordinator.commitment(agreement)
    draft = await coordinator.agreement()
    await coordinator.commitment(draft)

    found = _ours(await service.commitments_unconfirmed_since(cutoff), [agreement, draft])
    assert [c.commitment_id for c in found] == [old["id"]]
    assert found[0].status == "proposed"

    # The cutoff itself counts, and the time zone it is written in does not matter.
    at_newer = datetime.fromisoformat(newer["status_changed_at"])
    stockholm = at_newer.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Stockholm"))
    found = _ours(await service.commitments_unconfirmed_since(stockholm), [agreement])
    assert [c.commitment_id for c in found] == [old["id"], newer["id"]]
    found = _ours(
        await service.commitments_unconfirmed_since(at_newer - timedelta(microseconds=1)),
        [agreement],
    )
    assert [c.commitment_id for c in found] == [old["id"]]


# --- meetings -------------------------------------------------------------------------------


async def test_meetings_between_are_the_steering_group_meetings_of_live_agreements(coordinator):
    organizations = [await coordinator.organization() for _ in range(3)]
    agreement = await _agreement_of(coordinator, organizations)
    no_contact = agreement["parties"][1]
    response = await coordinator.patch(
        f"/api/agreements/{agreement['id']}/parties/{no_contact['id']}",
        json={"primary_contact_id": None}, headers={"If-Match": f'"{no_contact["version"]}"'},
    )
    assert response.status_code == 200, response.text
    await _moved(coordinator, agreement, "in_preparation")
    await _follow_up(coordinator, agreement, date="2092-08-31")
    on_first = await _follow_up(
        coordinator, agreement, date="2092-09-01", start_time="09:30", duration_minutes=90,
        location="Stadshuset, sal 3", notes="Dagordning bifogas",
    )
    on_last = await _follow_up(coordinator, agreement, date="2092-09-30")
    await _follow_up(coordinator, agreement, date="2092-10-01")
    await _follow_up(coordinator, agreement, date="2092-09-15", kind="follow_up_report")
    draft = await coordinator.agreement()
    await _follow_up(coordinator, draft, date="2092-09-15")

    found = _ours(
        await service.meetings_between(date(2092, 9, 1), date(2092, 9, 30)), [agreement, draft]
    )
    assert [m.follow_up_id for m in found] == [on_first["id"], on_last["id"]]
    meeting = found[0]
    assert meeting.agreement_title == agreement["title"]
    assert meeting.date == date(2092, 9, 1)
    assert meeting.start_time.isoformat() == "09:30:00"
    assert (meeting.duration_minutes, meeting.location) == (90, "Stadshuset, sal 3")
    assert (meeting.title, meeting.notes) == (on_first["title"], "Dagordning bifogas")
    assert meeting.version == on_first["version"]
    assert meeting.contact_ids == [
        organizations[0]["contacts"][0]["id"], organizations[2]["contacts"][0]["id"]
    ]
    assert found[1].start_time is None
    assert (found[1].duration_minutes, found[1].location) == (120, "")


async def test_a_follow_up_keeps_its_start_time_length_and_place(coordinator):
    agreement = await coordinator.agreement()
    url = f"/api/agreements/{agreement['id']}/follow-ups"
    created = await _follow_up(
        coordinator, agreement, date="2092-11-05", start_time="13:15", duration_minutes=45,
        location="  Polishuset  ",
    )
    assert (created["start_time"], created["duration_minutes"], created["location"]) == (
        "13:15:00", 45, "Polishuset"
    )
    assert (await coordinator.get(url)).json()[0]["start_time"] == "13:15:00"

    item = f"{url}/{created['id']}"
    response = await coordinator.patch(
        item, json={"start_time": None, "location": "Digitalt"},
        headers={"If-Match": f'"{created["version"]}"'},
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["start_time"], updated["duration_minutes"], updated["location"]) == (
        None, 45, "Digitalt"
    )
    for body, field in (
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 1441}, "duration_minutes"),
        ({"duration_minutes": None}, "duration_minutes"),
        ({"location": None}, "location"),
        ({"location": "x" * 201}, "location"),
        ({"start_time": "13:15+01:00"}, "start_time"),
        ({"start_time": "25:00"}, "start_time"),
    ):
        response = await coordinator.patch(
            item, json=body, headers={"If-Match": f'"{updated["version"]}"'}
        )
        assert response.status_code == 400, (body, response.text)
        assert field in _key(response), (body, response.text)
    response = await coordinator.post(
        url, json={"date": "2092-11-06", "kind": "steering_group_meeting", "duration_minutes": 0}
    )
    assert response.status_code == 400


# --- agreements ending ----------------------------------------------------------------------


async def _in_force(api, ending: str, status: str = "active", **values) -> dict:
    agreement = await api.agreement(period_start="2088-01-01", period_end=ending, **values)
    await api.activate(agreement)
    if status != "active":
        await _moved(api, agreement, status)
    return await api.fresh(agreement)


async def test_agreements_ending_between_are_those_in_force_ending_then(coordinator):
    on_first = await _in_force(coordinator, "2093-03-01")
    on_last = await _in_force(coordinator, "2093-03-31", registration_number=unique("Dnr "))
    revised = await _in_force(coordinator, "2093-03-15", status="under_revision")
    before = await _in_force(coordinator, "2093-02-28")
    after = await _in_force(coordinator, "2093-04-01")
    ended = await _in_force(coordinator, "2093-03-10", status="ended")
    draft = await coordinator.agreement(period_start="2088-01-01", period_end="2093-03-10")
    preparing = await coordinator.agreement(period_start="2088-01-01", period_end="2093-03-10")
    await _moved(coordinator, preparing, "in_preparation")

    party = on_first["parties"][0]
    response = await coordinator.patch(
        f"/api/agreements/{on_first['id']}/parties/{party['id']}",
        json={"signatory_email": "anna.andersson@kommun.example.se"},
        headers={"If-Match": f'"{party["version"]}"'},
    )
    assert response.status_code == 200, response.text

    mine = {a["id"] for a in (on_first, on_last, revised, before, after, ended, draft, preparing)}
    found = [
        a for a in await service.agreements_ending_between(date(2093, 3, 1), date(2093, 3, 31))
        if a.agreement_id in mine
    ]
    assert [a.agreement_id for a in found] == [on_first["id"], revised["id"], on_last["id"]]
    first = found[0]
    assert (first.title, first.kind, first.period_end) == (
        on_first["title"], "collaboration_agreement", date(2093, 3, 1)
    )
    assert first.coordinator_user_ids == [coordinator.user.id]
    assert [s.model_dump() for s in first.signatories] == [
        {"name": "Anna Andersson", "email": "anna.andersson@kommun.example.se"}
    ]
    assert found[2].registration_number == on_last["registration_number"]
    assert found[2].signatories == []
    assert not any(a.has_successor for a in found)


async def test_an_ending_agreement_knows_whether_it_has_a_successor(coordinator):
    replaced = await _in_force(coordinator, "2094-06-30")
    alone = await _in_force(coordinator, "2094-06-30")
    await coordinator.agreement(
        period_start="2094-07-01", period_end="2098-06-30", supersedes_id=replaced["id"]
    )

    # Citizen promises (medborgarlöften) are renewed under the same parent agreement.
    parent = await coordinator.agreement(period_start="2088-01-01", period_end="2099-12-31")
    other_parent = await coordinator.agreement(period_start="2088-01-01", period_end="2099-12-31")
    promise = {"kind": "citizen_promise", "parent_id": parent["id"]}
    renewed = await _in_force(coordinator, "2094-06-30", **promise)
    await coordinator.agreement(period_start="2094-07-01", period_end="2095-06-30", **promise)
    earlier_only = await _in_force(
        coordinator, "2094-06-30", kind="citizen_promise", parent_id=other_parent["id"]
    )
    await coordinator.agreement(
        period_start="2087-01-01", period_end="2087-12-31", kind="citizen_promise",
        parent_id=other_parent["id"],
    )
    # A later agreement of another kind under the same parent is no new citizen promise.
    await coordinator.agreement(
        period_start="2094-07-01", period_end="2099-12-31", parent_id=other_parent["id"]
    )

    mine = {replaced["id"], alone["id"], renewed["id"], earlier_only["id"]}
    found = {
        a.agreement_id: a.has_successor
        for a in await service.agreements_ending_between(date(2094, 6, 30), date(2094, 6, 30))
        if a.agreement_id in mine
    }
    assert found == {
        replaced["id"]: True, alone["id"]: False, renewed["id"]: True, earlier_only["id"]: False
    }


# --- signatory e-mail ---------------------------------------------------------------------


async def test_a_signatory_email_must_be_an_email_address(coordinator):
    organizations = [await coordinator.organization() for _ in range(2)]
    body = {
        "title": unique("Överenskommelse "), "kind": "collaboration_agreement",
        "period_start": "2026-01-01",
        "parties": [{"organization_id": o["id"], "signatory_email": "inte en adress"}
                    for o in organizations],
    }
    response = await coordinator.post("/api/agreements", json=body)
    assert response.status_code == 400
    assert "signatory_email" in _key(response)

    agreement = await coordinator.agreement()
    party = agreement["parties"][0]
    assert party["signatory_email"] is None
    url = f"/api/agreements/{agreement['id']}/parties/{party['id']}"
    headers = {"If-Match": f'"{party["version"]}"'}
    for bad in ("anna@", "anna.example.se", "anna@@example.se", "x" * 250 + "@example.se"):
        response = await coordinator.patch(url, json={"signatory_email": bad}, headers=headers)
        assert response.status_code == 400, (bad, response.text)
        assert _key(response) == "signatory_email"
    response = await coordinator.patch(
        url, json={"signatory_email": "Anna@Example.se"}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["signatory_email"] == "Anna@example.se"
    assert (await coordinator.fresh(agreement))["parties"][0]["signatory_email"] == (
        "Anna@example.se"
    )


# --- coordinators ---------------------------------------------------------------------------


async def test_coordinators_are_added_and_removed_and_the_agreement_moves_on(
    coordinator, admin, viewer
):
    agreement = await coordinator.agreement()
    assert agreement["coordinator_user_ids"] == [coordinator.user.id]
    url = f"/api/agreements/{agreement['id']}/coordinators"
    version = agreement["version"]

    response = await coordinator.post(url, json={"user_id": admin.user.id})
    assert response.status_code == 201, response.text
    assert response.json()["coordinator_user_ids"] == [coordinator.user.id, admin.user.id]
    assert response.json()["version"] == version + 1
    assert response.headers["etag"] == f'"{version + 1}"'

    response = await coordinator.post(url, json={"user_id": admin.user.id})
    assert response.status_code == 409
    assert _key(response) == "user_id"
    response = await coordinator.post(url, json={"user_id": OUTSIDE})
    assert response.status_code == 400
    assert _key(response) == "user_id"
    assert (await viewer.post(url, json={"user_id": viewer.user.id})).status_code == 403
    assert (await viewer.delete(f"{url}/{admin.user.id}")).status_code == 403
    response = await coordinator.post(
        f"/api/agreements/{OUTSIDE}/coordinators", json={"user_id": admin.user.id}
    )
    assert response.status_code == 404

    response = await coordinator.delete(f"{url}/{coordinator.user.id}")
    assert response.status_code == 204, response.text
    after = await coordinator.fresh(agreement)
    assert after["coordinator_user_ids"] == [admin.user.id]
    assert after["version"] == version + 2
    response = await coordinator.delete(f"{url}/{coordinator.user.id}")
    assert response.status_code == 404
    assert (await coordinator.delete(f"{url}/{viewer.user.id}")).status_code == 404

    history = (await coordinator.get(f"/api/agreements/{agreement['id']}/history")).json()["items"]
    changes = [(e["action"], e["before"], e["after"]) for e in history
               if e["entity_type"] == "coordinator"]
    assert changes == [
        ("create", None, {"user_id": admin.user.id}),
        ("delete", {"user_id": coordinator.user.id}, None),
    ]


async def test_a_closed_agreements_coordinators_cannot_change(coordinator, admin):
    agreement = await coordinator.activate(await coordinator.agreement())
    await _moved(coordinator, agreement, "ended")
    url = f"/api/agreements/{agreement['id']}/coordinators"
    assert (await coordinator.post(url, json={"user_id": admin.user.id})).status_code == 409
    assert (await coordinator.delete(f"{url}/{coordinator.user.id}")).status_code == 409


# --- events ---------------------------------------------------------------------------------


class _Recorder:
    """A handler that remembers what it was told, and what the service said at that moment."""

    def __init__(self) -> None:
        self.seen: list[dict] = []

    async def commitment(self, **payload) -> None:
        found = await service.commitment(payload["commitment_id"])
        self.seen.append({**payload, "due_date": found.due_date.isoformat()})

    async def other(self, **payload) -> None:
        self.seen.append(payload)


async def test_a_due_date_change_is_announced_after_the_write(coordinator, admin):
    agreement = await coordinator.agreement()
    commitment = await coordinator.commitment(agreement, due_date="2095-01-10")
    recorder = _Recorder()
    subscribed = [
        (events.COMMITMENT_CHANGED, recorder.commitment),
        (events.FOLLOW_UP_CHANGED, recorder.other),
        (events.AGREEMENT_CHANGED, recorder.other),
    ]
    for event, handler in subscribed:
        events.subscribe(event, handler)
    try:
        response = await coordinator.patch(
            f"/api/commitments/{commitment['id']}", json={"due_date": "2095-02-20"},
            headers={"If-Match": '"1"'},
        )
        assert response.status_code == 200, response.text
        assert recorder.seen == [{"commitment_id": commitment["id"], "due_date": "2095-02-20"}]

        recorder.seen.clear()
        meeting = await _follow_up(coordinator, agreement, date="2095-03-01")
        response = await coordinator.post(
            f"/api/agreements/{agreement['id']}/coordinators", json={"user_id": admin.user.id}
        )
        assert response.status_code == 201
        assert recorder.seen == [
            {"follow_up_id": meeting["id"]}, {"agreement_id": agreement["id"]}
        ]
    finally:
        for event, handler in subscribed:
            events._handlers[event].remove(handler)
