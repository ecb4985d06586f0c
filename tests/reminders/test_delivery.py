"""The delivery pass against a real SMTP server (aiosmtpd), with time moved explicitly.

Every test puts its own messages in the outbox, to addresses of its own, at a moment of its
own in 2021 – before anything else in the suite is due – and leaves them sent or failed, so
passes in other tests never see them half-way. What the server received is counted per
recipient and Message-ID: exactly once, or not at all.
"""

import asyncio
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path

import pytest

from samverkan.db import write_transaction
from samverkan.reminders import mailer, repository, service
from samverkan.settings import get_settings
from tests.factories import unique

pytestmark = pytest.mark.usefixtures("database")

SAMVERKAN = str(Path(sys.executable).with_name("samverkan"))

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Samverkan//test//SV\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:test-{tag}@samverkan.local\r\nDTSTAMP:20210301T060000Z\r\n"
    "DTSTART:20210308T090000Z\r\nDTEND:20210308T100000Z\r\nSUMMARY:Styrgruppsmöte\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def moment(day: int, hour: int = 6) -> datetime:
    """A moment of a test's own, long before anything else in the suite falls due."""
    return datetime(2021, 3, day, hour, 0, tzinfo=UTC)


def address(tag: str) -> str:
    return f"{unique(tag + '-')}@example.se"


def rendered(tag: str) -> dict:
    return {
        "subject": f"Påminnelser från Samverkan – {tag}",
        "body_text": f"Hej!\n\nDet här behöver din uppmärksamhet: {tag}.\n",
        "body_html": f"<p>Hej!</p><p>Det här behöver din <b>uppmärksamhet</b>: {tag}.</p>",
    }


async def put(*recipients: str, now: datetime, attachments=None, step=timedelta(0)) -> list[int]:
    """Enqueue one message per recipient; with step, each one a little later (claim order)."""
    async with write_transaction():
        return [
            await service.enqueue("test", recipient, "Åsa Öberg", "sv", rendered(recipient),
                                  attachments, now=now + i * step)
            for i, recipient in enumerate(recipients)
        ]


async def rows(ids: list[int]) -> list[dict]:
    return await repository.messages(ids)


async def row(message_id: int) -> dict:
    return (await repository.messages([message_id]))[0]


def lf(text: str) -> str:
    """SMTP carries lines ending in CRLF."""
    return text.replace("\r\n", "\n")


def same_moment(a: datetime, b: datetime) -> bool:
    return a.astimezone(UTC) == b.astimezone(UTC)


@pytest.fixture
def outbox_settings(monkeypatch):
    """Change outbox_* settings for one test (get_settings() is cached: patch, then restore)."""
    settings = get_settings()

    def change(**values):
        for name, value in values.items():
            monkeypatch.setattr(settings, name, value)
        return settings

    return change


async def test_a_message_goes_out_once_with_its_headers_parts_and_invitation(smtp):
    now = moment(1)
    to = address("once")
    ics = ICS.format(tag=to)
    [message_id] = await put(to, now=now, attachments=[
        {"filename": "mote-2021-03-08.ics", "content_type": "text/calendar", "content": ics}
    ])

    result = await service.deliver(now=now, worker="test-once", backend=smtp.backend())

    assert result.sent >= 1 and not result.server_unavailable
    [received] = smtp.to(to)
    stored = await row(message_id)
    assert stored["status"] == "sent"
    assert same_moment(stored["sent_at"], now)
    assert stored["attempts"] == 1 and stored["last_error"] is None

    # The envelope and the headers.
    sender = get_settings().mail_sender
    assert received.mail_from == parseaddr(sender)[1]
    assert received.rcpt_tos == [to]
    email = received.email
    assert email["From"] == sender
    assert parseaddr(email["To"]) == ("Åsa Öberg", to)
    assert email["Subject"] == rendered(to)["subject"]
    assert email["Message-ID"] == stored["message_id"]
    assert re.fullmatch(r"<test\.[0-9a-f]{32}@[^>]+>", email["Message-ID"])
    assert same_moment(parsedate_to_datetime(email["Date"]), now)
    assert email["Auto-Submitted"] == "auto-generated"

    # Text and HTML alternatives, and the invitation as an attachment.
    assert email.get_content_type() == "multipart/mixed"
    assert lf(email.get_body(("plain",)).get_content()) == rendered(to)["body_text"]
    assert "<b>uppmärksamhet</b>" in email.get_body(("html",)).get_content()
    [invite] = list(email.iter_attachments())
    assert invite.get_content_type() == "text/calendar"
    assert invite.get_filename() == "mote-2021-03-08.ics"
    assert invite.get_param("method") == "REQUEST"
    content = invite.get_content()
    text = content.decode() if isinstance(content, bytes) else content
    assert lf(text) == lf(ics)

    # A second pass, later, sends nothing more.
    again = await service.deliver(now=now + timedelta(hours=1), worker="test-once-2",
                                  backend=smtp.backend())
    assert len(smtp.to(to)) == 1
    assert (await row(message_id))["status"] == "sent"
    assert same_moment((await row(message_id))["sent_at"], now)
    assert again.server_unavailable is False


async def test_a_refused_address_fails_alone_and_the_others_go_out(smtp):
    now = moment(2)
    good = [address("good") for _ in range(3)]
    bad = address("bad")
    smtp.refuse(bad, 550)
    ids = await put(good[0], bad, good[1], good[2], now=now, step=timedelta(seconds=1))
    later = now + timedelta(seconds=10)

    result = await service.deliver(now=later, worker="test-550", backend=smtp.backend())

    assert result.failed >= 1 and result.sent >= 3
    by_recipient = {r["recipient"]: r for r in await rows(ids)}
    failed = by_recipient[bad]
    assert failed["status"] == "failed"
    assert failed["attempts"] == 1
    assert "550" in failed["last_error"]
    assert failed["sent_at"] is None and failed["claimed_by"] is None
    for to in good:
        assert by_recipient[to]["status"] == "sent"
        assert len(smtp.to(to)) == 1
    assert smtp.to(bad) == []

    # A permanent refusal is not tried again by later passes.
    await service.deliver(now=later + timedelta(days=1), worker="test-550-2",
                          backend=smtp.backend())
    assert (await row(failed["id"]))["attempts"] == 1
    assert (await row(failed["id"]))["status"] == "failed"
    assert all(len(smtp.to(to)) == 1 for to in good)


async def test_a_temporary_refusal_is_retried_with_backoff_then_given_up(smtp, outbox_settings):
    outbox_settings(outbox_max_attempts=3, outbox_retry_base_seconds=60,
                    outbox_retry_max_seconds=3600)
    now = moment(3)
    busy, fine = address("busy"), address("fine")
    smtp.refuse(busy, 451)
    [busy_id, fine_id] = await put(busy, fine, now=now)

    async def deliver_at(at: datetime):
        return await service.deliver(now=at, worker=unique("test-451-"), backend=smtp.backend())

    first = await deliver_at(now)
    assert first.retrying >= 1
    message = await row(busy_id)
    assert (message["status"], message["attempts"]) == ("pending", 1)
    assert "451" in message["last_error"]
    assert same_moment(message["next_attempt_at"], now + timedelta(seconds=60))
    assert (await row(fine_id))["status"] == "sent"  # the busy mailbox blocks no one

    # Not due before its next attempt ...
    await deliver_at(now + timedelta(seconds=59))
    assert (await row(busy_id))["attempts"] == 1
    # ... due after it; the wait doubles.
    second_at = now + timedelta(seconds=60)
    await deliver_at(second_at)
    message = await row(busy_id)
    assert (message["status"], message["attempts"]) == ("pending", 2)
    assert same_moment(message["next_attempt_at"], second_at + timedelta(seconds=120))
    await deliver_at(second_at + timedelta(seconds=119))
    assert (await row(busy_id))["attempts"] == 2

    # The third attempt is the last (outbox_max_attempts = 3): failed, and visible as such.
    third = await deliver_at(second_at + timedelta(seconds=120))
    assert third.failed >= 1
    message = await row(busy_id)
    assert (message["status"], message["attempts"]) == ("failed", 3)
    assert "451" in message["last_error"]
    await deliver_at(now + timedelta(days=2))
    assert (await row(busy_id))["attempts"] == 3
    assert smtp.to(busy) == [] and len(smtp.to(fine)) == 1


async def test_with_the_server_down_nothing_is_lost_and_all_go_out_once_it_is_back(smtp):
    now = moment(4)
    recipients = [address("outage") for _ in range(5)]
    ids = await put(*recipients, now=now)
    smtp.stop()

    down = await service.deliver(now=now, worker="test-down", backend=smtp.backend())

    assert down.server_unavailable is True
    assert down.sent == down.failed == down.retrying == 0
    backoff = timedelta(seconds=get_settings().outbox_retry_base_seconds)
    for message in await rows(ids):
        assert message["status"] == "pending"
        assert message["attempts"] == 0  # no message is to blame: no attempt used
        assert message["claimed_by"] is None and message["claimed_at"] is None
        assert same_moment(message["next_attempt_at"], now + backoff)
        assert "server unavailable" in message["last_error"]

    # Still down when they fall due again: still nothing lost, still no attempt used.
    still_down = await service.deliver(now=now + backoff, worker="test-down-2",
                                       backend=smtp.backend())
    assert still_down.server_unavailable is True
    assert {(m["status"], m["attempts"]) for m in await rows(ids)} == {("pending", 0)}
    retry_at = now + 2 * backoff

    smtp.start()
    # Back, but the messages wait for their time.
    await service.deliver(now=retry_at - timedelta(seconds=1), worker="test-back-early",
                          backend=smtp.backend())
    assert smtp.to(*recipients) == []

    back = await service.deliver(now=retry_at, worker="test-back", backend=smtp.backend())
    assert back.sent >= 5 and not back.server_unavailable
    for message in await rows(ids):
        assert (message["status"], message["attempts"]) == ("sent", 1)
        assert message["last_error"] is None
    assert Counter(r.message_id for r in smtp.to(*recipients)) == Counter(
        {m["message_id"]: 1 for m in await rows(ids)}
    )

    await service.deliver(now=retry_at + timedelta(hours=1), worker="test-back-2",
                          backend=smtp.backend())
    assert len(smtp.to(*recipients)) == 5


async def test_a_server_lost_in_the_middle_of_a_pass_costs_no_attempt_and_loses_nothing(smtp):
    now = moment(9)
    recipients = [address("midway") for _ in range(4)]
    ids = await put(*recipients, now=now, step=timedelta(seconds=1))
    start = now + timedelta(seconds=10)
    smtp.handler.hold.add(recipients[1])  # the server goes away while taking the second

    delivering = asyncio.create_task(
        service.deliver(now=start, worker="test-midway", backend=smtp.backend())
    )
    assert await asyncio.to_thread(smtp.handler.holding.wait, 30)
    await asyncio.to_thread(smtp.stop)
    result = await asyncio.wait_for(delivering, 60)

    assert result.server_unavailable is True
    messages = await rows(ids)
    assert (messages[0]["status"], messages[0]["attempts"]) == ("sent", 1)
    for message in messages[1:]:
        assert (message["status"], message["attempts"]) == ("pending", 0)
        assert message["claimed_by"] is None
    assert len(smtp.to(recipients[0])) == 1 and smtp.to(*recipients[1:]) == []

    smtp.handler.hold.clear()
    smtp.start()
    await service.deliver(now=start + timedelta(minutes=5), worker="test-midway-2",
                          backend=smtp.backend())
    messages = await rows(ids)
    assert [m["status"] for m in messages] == ["sent"] * 4
    assert Counter(r.message_id for r in smtp.to(*recipients)) == Counter(
        {m["message_id"]: 1 for m in messages}
    )


KILLED_WORKER = """
import asyncio, sys
from datetime import datetime
from samverkan.app import close_database, open_database
from samverkan.reminders import service

async def main():
    await open_database()
    try:
        print(await service.deliver(now=datetime.fromisoformat(sys.argv[1]), worker=sys.argv[2]))
    finally:
        await close_database()

asyncio.run(main())
"""


async def test_a_worker_killed_in_the_middle_of_a_pass_loses_nothing(smtp):
    now = moment(5)
    recipients = [address("killed") for _ in range(4)]
    ids = await put(*recipients, now=now, step=timedelta(seconds=1))  # claimed in this order
    start = now + timedelta(seconds=10)
    # The server holds the second message's DATA: the worker is killed while sending it.
    smtp.handler.hold.add(recipients[1])
    env = {**os.environ, **smtp.env(), "SAMVERKAN_SMTP_TIMEOUT_SECONDS": "120"}
    worker = subprocess.Popen(
        [sys.executable, "-c", KILLED_WORKER, start.isoformat(), "doomed-worker"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        held = await asyncio.to_thread(smtp.handler.holding.wait, 60)
        assert held, worker.stderr.read().decode() if worker.poll() is not None else "no send"
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    smtp.handler.hold.clear()
    smtp.handler.released.set()

    states = [(m["recipient"], m["status"], m["claimed_by"]) for m in await rows(ids)]
    assert states[0] == (recipients[0], "sent", "doomed-worker")
    assert all(s[1:] == ("sending", "doomed-worker") for s in states[1:]), states
    assert len(smtp.to(recipients[0])) == 1 and smtp.to(*recipients[1:]) == []

    # A pass before the claim has gone stale leaves them alone: the worker may be alive.
    timeout = timedelta(minutes=get_settings().outbox_claim_timeout_minutes)
    early = await service.deliver(now=start + timeout - timedelta(minutes=1), worker="restart-1",
                                  backend=smtp.backend())
    assert smtp.to(*recipients[1:]) == []
    assert {m["status"] for m in (await rows(ids))[1:]} == {"sending"}
    assert early.server_unavailable is False

    # After outbox_claim_timeout_minutes the next pass takes them over and sends them.
    await service.deliver(now=start + timeout + timedelta(minutes=1), worker="restart-2",
                          backend=smtp.backend())
    messages = await rows(ids)
    assert [m["status"] for m in messages] == ["sent"] * 4
    assert [m["claimed_by"] for m in messages] == ["doomed-worker"] + ["restart-2"] * 3
    assert Counter(r.message_id for r in smtp.to(*recipients)) == Counter(
        {m["message_id"]: 1 for m in messages}
    )


async def test_two_worker_processes_at_once_deliver_each_message_exactly_once(smtp):
    now = moment(6)
    count = 120
    recipients = [address("pair") for _ in range(count)]
    ids = await put(*recipients, now=now, step=timedelta(milliseconds=10))
    # Whichever worker takes the first message is kept busy with it (its batch claimed)
    # until the other has delivered something: the two passes surely overlap.
    smtp.handler.hold.add(recipients[0])
    smtp.handler.hold_then = 250
    smtp.handler.delay = 0.005
    env = {**os.environ, **smtp.env(), "SAMVERKAN_OUTBOX_BATCH_SIZE": "5"}
    at = (now + timedelta(minutes=1)).isoformat()
    workers = [
        subprocess.Popen([SAMVERKAN, "reminders", "run", "--once", "--now", at], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    try:
        assert await asyncio.to_thread(smtp.handler.holding.wait, 60)
        for _ in range(600):
            if smtp.to(*recipients[1:]):
                break
            await asyncio.sleep(0.1)
        smtp.handler.released.set()
        outputs = [await asyncio.to_thread(w.communicate, timeout=180) for w in workers]
    finally:
        smtp.handler.released.set()
        for w in workers:
            if w.poll() is None:
                w.kill()
    for w, (_out, err) in zip(workers, outputs, strict=True):
        assert w.returncode == 0, err
    sent = [int(re.search(r"Utskick: (\d+) skickade", out).group(1)) for out, _ in outputs]

    messages = await rows(ids)
    assert {m["status"] for m in messages} == {"sent"}
    received = Counter(r.message_id for r in smtp.to(*recipients))
    assert received == Counter({m["message_id"]: 1 for m in messages})
    assert sum(sent) >= count
    # Both took part: the messages were shared between the two workers, none taken twice.
    assert all(n > 0 for n in sent), sent
    assert len({m["claimed_by"] for m in messages}) == 2


async def test_two_passes_at_once_in_one_process_share_the_outbox(smtp):
    now = moment(7)
    recipients = [address("gather") for _ in range(60)]
    ids = await put(*recipients, now=now)
    smtp.handler.delay = 0.005

    results = await asyncio.gather(*(
        service.deliver(now=now, worker=f"gather-{n}", backend=smtp.backend(), max_batches=100)
        for n in range(3)
    ))

    messages = await rows(ids)
    assert {m["status"] for m in messages} == {"sent"}
    assert sum(r.sent for r in results) >= len(recipients)
    assert Counter(r.message_id for r in smtp.to(*recipients)) == Counter(
        {m["message_id"]: 1 for m in messages}
    )


async def test_the_file_backend_writes_each_message_as_an_eml_file(tmp_path):
    now = moment(8)
    to = address("file")
    [message_id] = await put(to, now=now, attachments=[
        {"filename": "mote.ics", "content_type": "text/calendar", "content": ICS.format(tag=to)}
    ])
    folder = tmp_path / "mail"
    backend = mailer.FileBackend(get_settings().model_copy(update={"mail_dir": folder}))

    result = await service.deliver(now=now, worker="test-file", backend=backend)

    assert result.sent >= 1
    stored = await row(message_id)
    assert stored["status"] == "sent"
    target = folder / f"20210308-{message_id}.eml"
    assert target.exists(), sorted(p.name for p in folder.iterdir())
    assert not list(folder.glob("*.part"))
    from email import message_from_bytes, policy

    email = message_from_bytes(target.read_bytes(), policy=policy.default)
    assert email["Message-ID"] == stored["message_id"]
    assert parseaddr(email["To"])[1] == to
    assert lf(email.get_body(("plain",)).get_content()) == rendered(to)["body_text"]
    assert [a.get_content_type() for a in email.iter_attachments()] == ["text/calendar"]

    files = sorted(folder.iterdir())
    await service.deliver(now=now + timedelta(hours=1), worker="test-file-2", backend=backend)
    assert sorted(folder.iterdir()) == files
