"""The sweep: each reminder recorded once – run twice, at the same time in one process, in two
processes – one digest per recipient and day, catch-up after downtime without a pile of
copies, re-planning when a due date moves, silence for closed commitments and ended
agreements; the preview API; and the .eml files of the file backend.

Each test works in a year of its own and looks only at its own recipients (see conftest).
"""

import asyncio
import os
import subprocess
import sys
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.utils import parseaddr
from pathlib import Path

from samverkan import clock
from samverkan.reminders import service
from samverkan.settings import get_settings
from tests.reminders.conftest import (
    Discard,
    agreement_of,
    at,
    contact,
    keys,
    ledger,
    organization,
    outbox,
    patch_commitment,
    set_status,
    sweep_days,
)

SAMVERKAN = str(Path(sys.executable).with_name("samverkan"))


def days(n: int) -> timedelta:
    return timedelta(days=n)


async def _two_parties(api, *contacts: dict):
    """An agreement in preparation; the first party's organisation has these contacts."""
    owner = await organization(api, *contacts)
    other = await organization(api)
    return owner, other, await agreement_of(api, [owner, other])


def _eml_files(folder: Path) -> list:
    return [message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(folder.glob("*.eml"))]


def _to(message) -> str:
    return parseaddr(str(message["To"]))[1].lower()


# --- once ------------------------------------------------------------------------------------


async def test_a_sweep_run_twice_records_once_and_writes_one_digest(coordinator, year):
    owner, other, agreement = await _two_parties(coordinator)
    due = date(year, 5, 20)
    await coordinator.commitment(agreement, 0, due_date=due.isoformat())
    await coordinator.commitment(agreement, 1, due_date=due.isoformat())
    people = [contact(owner)["email"], contact(other)["email"]]
    now = at(due - days(14))

    first = await service.sweep(now=now)
    recorded = await ledger(*people)
    second = await service.sweep(now=now)

    assert first.digests >= 2
    assert second.digests == 0
    assert await ledger(*people) == recorded
    # Due in 14 days, and still unconfirmed since it was proposed: two items, one e-mail.
    assert {(r["rule"], r["recipient"]) for r in recorded} == {
        (rule, email) for rule in ("commitment_due", "commitment_unconfirmed") for email in people
    }
    messages = await outbox(*people)
    assert sorted(m["recipient"] for m in messages) == sorted(people)
    assert {m["digest_date"] for m in messages} == {due - days(14)}


async def test_two_sweeps_at_the_same_time_record_once_and_write_one_digest(coordinator, year):
    owner, other, agreement = await _two_parties(coordinator)
    due = date(year, 9, 1)
    for party in (0, 1, 0):
        await coordinator.commitment(agreement, party, due_date=due.isoformat())
    people = [contact(owner)["email"], contact(other)["email"]]
    now = at(due - days(3), 6, 5)

    # On PostgreSQL two transactions from the pool race each other; SQLite serialises them.
    results = await asyncio.gather(service.sweep(now=now), service.sweep(now=now))

    rows = await ledger(*people)
    assert len(rows) == len({r["key"] for r in rows}) == 6  # 3 commitments × (due-3, unconfirmed)
    messages = await outbox(*people)
    assert sorted(m["recipient"] for m in messages) == sorted(people)
    assert {r["message"] for r in rows} == {m["id"] for m in messages}
    # Whichever ran second found everything recorded and every digest written.
    assert sorted(r.digests for r in results)[0] == 0


async def test_two_processes_running_the_same_sweep_at_once_send_one_digest_each(
    coordinator, year, tmp_path
):
    owner, other, agreement = await _two_parties(coordinator)
    due = date(year, 11, 11)
    for party in (0, 1):
        await coordinator.commitment(agreement, party, due_date=due.isoformat())
    people = [contact(owner)["email"], contact(other)["email"]]
    folder = tmp_path / "mail"
    # The conftest put the suite's database in the environment; the processes inherit it.
    env = {**os.environ, "SAMVERKAN_MAIL_BACKEND": "file", "SAMVERKAN_MAIL_DIR": str(folder)}
    local = (due - days(14)).isoformat() + "T07:05"  # no offset: Stockholm time

    processes = [
        subprocess.Popen([SAMVERKAN, "reminders", "run", "--once", "--now", local], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [(*p.communicate(timeout=180), p.returncode) for p in processes]

    for out, err, code in outputs:
        assert code == 0, err
        assert "Svep" in out
    messages = await outbox(*people)
    assert sorted(m["recipient"] for m in messages) == sorted(people)
    assert {m["status"] for m in messages} == {"sent"}
    assert {m["digest_date"] for m in messages} == {due - days(14)}
    files = [e for e in _eml_files(folder) if _to(e) in people]
    assert sorted(_to(e) for e in files) == sorted(people)
    assert len(await ledger(*people)) == 4


async def test_catching_up_after_three_days_down_sends_one_digest_with_the_latest_occurrence(
    coordinator, year, settings, only_rules
):
    only_rules("commitment_due", "commitment_overdue")
    settings(reminder_commitment_due_days=[5, 4, 3])
    owner, _, agreement = await _two_parties(coordinator)
    due = date(year, 3, 12)
    overdue_since = date(year, 2, 1)
    soon = await coordinator.commitment(agreement, 0, due_date=due.isoformat())
    late = await coordinator.commitment(agreement, 0, due_date=overdue_since.isoformat())
    primary = contact(owner)["email"]

    await service.sweep(now=at(overdue_since + days(1)))  # the last run before the outage
    assert await keys(primary) == {
        ("commitment_overdue", late["id"], f"overdue-0:{overdue_since}", primary)
    }
    # Down for the three days due-5, due-4 and due-3 (and over weekly overdue days): back on
    # due-2, the sweep records the latest occurrence of each, not every one it missed.
    before = await keys(primary)
    await service.sweep(now=at(due - days(2)))
    new = await keys(primary) - before

    weeks = (due - days(2) - (overdue_since + days(1))).days // 7
    assert new == {
        ("commitment_due", soon["id"], f"due-3:{due}", primary),
        ("commitment_overdue", late["id"], f"overdue-{weeks}:{overdue_since}", primary),
    }
    digests = await outbox(primary)
    assert [m["digest_date"] for m in digests] == [overdue_since + days(1), due - days(2)]
    assert digests[1]["body_text"].count(soon["title"]) == 1
    # The next days bring nothing new: what was caught up is not sent again.
    assert await sweep_days(due - days(1), due, primary) == {}


# --- one e-mail a day ------------------------------------------------------------------------


async def test_one_email_per_recipient_and_day_gathers_items_of_several_agreements(
    coordinator, year, only_rules
):
    only_rules("commitment_due", "meeting")
    shared = await organization(coordinator)
    first = await agreement_of(coordinator, [shared, await organization(coordinator)])
    second = await agreement_of(coordinator, [shared, await organization(coordinator)])
    day = date(year, 10, 5)
    a = await coordinator.commitment(first, 0, due_date=(day + days(14)).isoformat())
    b = await coordinator.commitment(second, 0, due_date=(day + days(3)).isoformat())
    response = await coordinator.post(f"/api/agreements/{first['id']}/follow-ups", json={
        "date": (day + days(7)).isoformat(), "kind": "steering_group_meeting",
        "title": "Styrgrupp höst", "start_time": "10:00",
    })
    assert response.status_code == 201, response.text
    primary = contact(shared)["email"]

    await service.sweep(now=at(day, 7))

    [message] = await outbox(primary)
    assert message["digest_date"] == day
    assert len(await ledger(primary)) == 3
    for text in (message["body_text"], message["body_html"]):
        for item in (a["title"], b["title"], first["title"], second["title"], "Styrgrupp höst"):
            assert item in text
        for agreement in (first, second):
            assert f"/portal/agreements/{agreement['id']}" in text
    assert [att["content_type"] for att in message["attachments"]] == ["text/calendar"]

    # Something falling due later the same day waits for tomorrow's e-mail; nothing is lost.
    c = await coordinator.commitment(second, 0, due_date=(day + days(3)).isoformat())
    await service.sweep(now=at(day, 15))
    assert len(await outbox(primary)) == 1
    await service.sweep(now=at(day + days(1), 7))
    later = [m for m in await outbox(primary) if m["id"] != message["id"]]
    assert [m["digest_date"] for m in later] == [day + days(1)]
    assert c["title"] in later[0]["body_text"] and a["title"] not in later[0]["body_text"]


async def test_a_contact_who_reads_english_gets_the_digest_in_english(
    coordinator, year, only_rules
):
    only_rules("commitment_due")
    owner, _, agreement = await _two_parties(
        coordinator, {"name": "Jane Doe", "language": "en"}
    )
    due = date(year, 12, 1)
    commitment = await coordinator.commitment(agreement, 0, due_date=due.isoformat())
    await service.sweep(now=at(due - days(3)))

    [message] = await outbox(contact(owner)["email"])
    assert message["language"] == "en"
    assert message["subject"] == "Reminders from Samverkan – 28\u00a0November " + str(year)
    assert "Hello Jane Doe," in message["body_text"]
    assert (f"The commitment “{commitment['title']}” ({owner['name']}) is due on "
            f"1\u00a0December {year}.") in message["body_text"]
    assert 'lang="en"' in message["body_html"]
    assert "Påminnelser" not in message["body_text"]


# --- re-planning and stopping ----------------------------------------------------------------


async def test_moving_a_due_date_withdraws_the_old_reminder_and_plans_the_new_one(
    coordinator, year, only_rules
):
    only_rules("commitment_due")
    owner, other, agreement = await _two_parties(coordinator)
    due, moved_to = date(year, 6, 30), date(year, 7, 5)
    moved = await coordinator.commitment(agreement, 0, due_date=due.isoformat())
    kept = await coordinator.commitment(agreement, 0, due_date=due.isoformat())
    alone = await coordinator.commitment(agreement, 1, due_date=due.isoformat())
    mine, theirs = contact(owner)["email"], contact(other)["email"]

    await service.sweep(now=at(due - days(14)))
    [pending] = await outbox(mine)
    [only] = await outbox(theirs)
    assert moved["title"] in pending["body_text"] and kept["title"] in pending["body_text"]

    # Through the API, with If-Match, before the day's digests are delivered.
    await patch_commitment(coordinator, moved, due_date=moved_to.isoformat())
    await patch_commitment(coordinator, alone, due_date=moved_to.isoformat())

    [pending] = await outbox(mine)
    assert pending["status"] == "pending"
    assert kept["title"] in pending["body_text"] and kept["title"] in pending["body_html"]
    assert moved["title"] not in pending["body_text"] + pending["body_html"]
    [only] = await outbox(theirs)
    assert only["status"] == "cancelled"

    news = await sweep_days(due - days(14), moved_to + days(1), mine, theirs)
    assert news == {
        moved_to - days(14): {("commitment_due", moved["id"], f"due-14:{moved_to}", mine),
                              ("commitment_due", alone["id"], f"due-14:{moved_to}", theirs)},
        due - days(3): {("commitment_due", kept["id"], f"due-3:{due}", mine)},
        moved_to - days(3): {("commitment_due", moved["id"], f"due-3:{moved_to}", mine),
                             ("commitment_due", alone["id"], f"due-3:{moved_to}", theirs)},
    }
    assert f"due-14:{due}" not in {r["occurrence"] for r in await ledger(mine, theirs)
                                   if r["subject_id"] in (moved["id"], alone["id"])}
    # Each item went into exactly one live e-mail.
    live = [m for m in await outbox(mine, theirs) if m["status"] != "cancelled"]
    for commitment, count in ((moved, 2), (kept, 2), (alone, 2)):
        assert sum(commitment["title"] in m["body_text"] for m in live) == count


async def test_a_reminder_replanned_for_today_still_goes_out_today(coordinator, year, only_rules):
    only_rules("commitment_due")
    owner, _, agreement = await _two_parties(coordinator)
    today = date(year, 6, 16)
    commitment = await coordinator.commitment(agreement, 0, due_date=(today + days(14)).isoformat())
    recipient = contact(owner)["email"]
    await service.sweep(now=at(today))
    [first] = await outbox(recipient)

    # Moved to three days ahead: its only item is withdrawn, and the 3-day reminder is due now.
    await patch_commitment(coordinator, commitment, due_date=(today + days(3)).isoformat())
    await service.sweep(now=at(today, 9))

    messages = {m["id"]: m for m in await outbox(recipient)}
    assert messages[first["id"]]["status"] == "cancelled"
    [live] = [m for m in messages.values() if m["status"] != "cancelled"]
    assert live["digest_date"] == today
    assert commitment["title"] in live["body_text"]
    assert "19\u00a0juni" in live["body_text"]


async def test_closing_a_commitment_stops_its_reminders(coordinator, year, only_rules):
    only_rules("commitment_overdue")
    owner, _, agreement = await _two_parties(coordinator)
    due = date(year, 1, 20)
    done = await coordinator.commitment(agreement, 0, due_date=due.isoformat())
    dropped = await coordinator.commitment(agreement, 0, due_date=due.isoformat())
    primary = contact(owner)["email"]
    await service.sweep(now=at(due + days(1)))
    [message] = await outbox(primary)

    await set_status(coordinator, done, "confirmed", "in_progress", "done")
    await set_status(coordinator, dropped, "cancelled")

    assert (await outbox(primary))[0]["status"] == "cancelled"
    assert await ledger(primary) == []
    assert await sweep_days(due + days(1), due + days(16), primary) == {}
    assert [m["id"] for m in await outbox(primary)] == [message["id"]]


async def test_an_agreement_that_ends_takes_its_pending_reminders_with_it(
    coordinator, year, only_rules
):
    only_rules("commitment_due", "commitment_overdue")
    owner, other = await organization(coordinator), await organization(coordinator)
    agreement = await agreement_of(coordinator, [owner, other], status="active")
    due = date(year, 4, 15)
    await coordinator.commitment(agreement, 0, due_date=due.isoformat())
    primary = contact(owner)["email"]
    await service.sweep(now=at(due - days(3)))
    [message] = await outbox(primary)
    assert message["status"] == "pending"

    response = await coordinator.move(agreement, "ended")
    assert response.status_code == 200, response.text

    [message] = await outbox(primary)
    assert message["status"] == "cancelled"
    assert await sweep_days(due - days(3), due + days(9), primary) == {}


# --- the preview -----------------------------------------------------------------------------


async def test_the_agreements_reminders_show_what_is_recorded_and_what_is_planned(
    coordinator, viewer, year, only_rules, monkeypatch
):
    only_rules("commitment_due", "commitment_overdue")
    owner, _, agreement = await _two_parties(coordinator)
    due = date(year, 8, 20)
    commitment = await coordinator.commitment(agreement, 0, due_date=due.isoformat())
    primary = contact(owner)["email"]
    today = due - days(14)
    await service.sweep(now=at(today))
    url = f"/api/agreements/{agreement['id']}/reminders"

    monkeypatch.setattr(clock, "now", lambda: at(today, 9))
    response = await coordinator.get(url, params={"days": 30})
    assert response.status_code == 200, response.text
    assert [(p["rule"], p["occurrence"], p["due_on"], p["recipient"], p["state"])
            for p in response.json()] == [
        ("commitment_due", f"due-14:{due}", str(today), primary, "pending"),
        ("commitment_due", f"due-3:{due}", str(due - days(3)), primary, "planned"),
        ("commitment_overdue", f"overdue-0:{due}", str(due + days(1)), primary, "planned"),
        ("commitment_overdue", f"overdue-1:{due}", str(due + days(8)), primary, "planned"),
        ("commitment_overdue", f"overdue-2:{due}", str(due + days(15)), primary, "planned"),
    ]
    assert all(commitment["title"] in p["text"] for p in response.json())

    await service.deliver(now=at(today, 9), backend=Discard())
    first = (await coordinator.get(url, params={"days": 30})).json()[0]
    assert (first["state"], first["sent_at"] is not None) == ("sent", True)

    assert (await viewer.get(url)).status_code == 403
    assert (await coordinator.get("/api/agreements/2147483647/reminders")).status_code == 404


# --- the file backend ------------------------------------------------------------------------


async def test_the_file_backend_writes_each_digest_as_an_eml_file(coordinator, year, mail_dir):
    owner, _, agreement = await _two_parties(coordinator, {"name": "Åsa Öberg"})
    due = date(year, 2, 27)
    commitment = await coordinator.commitment(agreement, 0, due_date=due.isoformat())
    primary = contact(owner)["email"]
    await service.sweep(now=at(due - days(3)))
    [message] = await outbox(primary)

    result = await service.deliver(now=at(due - days(3), 8, 1))

    assert result.sent >= 1
    path = mail_dir / f"{(due - days(3)).strftime('%Y%m%d')}-{message['id']}.eml"
    assert path.exists(), sorted(p.name for p in mail_dir.iterdir())
    email = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert email["From"] == get_settings().mail_sender
    assert str(email["To"]) == f"Åsa Öberg <{primary}>"
    assert email["Subject"] == message["subject"]
    assert email["Subject"].startswith("Påminnelser från Samverkan – ")
    assert email["Message-ID"] == message["message_id"]
    assert email["Message-ID"].startswith("<digest.") and email["Message-ID"].endswith(">")
    plain, html = email.get_body(("plain",)), email.get_body(("html",))
    assert plain is not None and html is not None
    assert commitment["title"] in plain.get_content()
    assert commitment["title"] in html.get_content()
    assert f"/portal/agreements/{agreement['id']}" in plain.get_content()
    assert "Hej Åsa Öberg!" in plain.get_content()
    [sent] = await outbox(primary)
    assert sent["status"] == "sent"
    assert not list(mail_dir.glob("*.part"))


async def test_a_commitment_done_before_its_day_is_never_reminded(coordinator, year, only_rules):
    only_rules("commitment_due", "commitment_overdue")
    owner, _, agreement = await _two_parties(coordinator)
    due = date(year, 7, 7)
    commitment = await coordinator.commitment(agreement, 0, due_date=due.isoformat())
    await set_status(coordinator, commitment, "confirmed", "done")
    assert await sweep_days(due - days(15), due + days(9), contact(owner)["email"]) == {}
