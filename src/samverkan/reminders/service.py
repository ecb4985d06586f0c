"""The sweep (what fell due → ledger → one digest per recipient and day) and the delivery
pass (outbox → mail server), with the guarantees docs/reminders.md states."""

import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from samverkan import clock
from samverkan.actor import Actor
from samverkan.agreements import service as agreements
from samverkan.agreements.lifecycle import LIVE_AGREEMENT
from samverkan.audit import service as audit
from samverkan.db import write_transaction
from samverkan.errors import Conflict, NotFound
from samverkan.reminders import digest, mailer, repository
from samverkan.reminders.rules import Occurrence, enabled_rules
from samverkan.reminders.schemas import OutboxMessageRead, PlannedReminder
from samverkan.reminders.tables import MessageStatus
from samverkan.settings import get_settings

log = logging.getLogger("samverkan.reminders")


def reminder_key(occurrence: Occurrence, email: str) -> str:
    return ":".join((occurrence.rule, occurrence.subject_type, str(occurrence.subject_id),
                     occurrence.occurrence, email))


@dataclass
class SweepResult:
    occurrences: int = 0
    digests: int = 0


async def sweep(now: datetime | None = None) -> SweepResult:
    """Record every reminder due on or before now that is not recorded yet, and write the
    day's digests, in one transaction: the ledger and the outbox commit together."""
    now = now or clock.now()
    today = clock.today(now)
    result = SweepResult()
    async with write_transaction():
        rows = []
        for rule in enabled_rules():
            for occurrence in await rule.due(today, now):
                result.occurrences += 1
                rows.extend(
                    {
                        "key": reminder_key(occurrence, recipient.email),
                        "rule": occurrence.rule,
                        "subject_type": occurrence.subject_type,
                        "subject_id": occurrence.subject_id,
                        "agreement_id": occurrence.agreement_id,
                        "occurrence": occurrence.occurrence,
                        "recipient": recipient.email,
                        "recipient_name": recipient.name,
                        "language": recipient.language,
                        "due_on": occurrence.due_on,
                        "payload": occurrence.item,
                        "created_at": now,
                    }
                    for recipient in occurrence.recipients
                )
        await repository.record_reminders(rows)
        result.digests = await _write_digests(today, now)
    return result


def _message_id(kind: str) -> str:
    return f"<{kind}.{uuid.uuid4().hex}@{mailer.sender_domain()}>"


async def _write_digests(today: date, now: datetime) -> int:
    """One digest per recipient and day. Reminders for someone whose digest of today exists
    already wait for tomorrow's: one e-mail a day, and nothing dropped."""
    waiting = await repository.reminders_awaiting_digest(today)
    by_recipient: dict[str, list[dict]] = {}
    for row in waiting:
        by_recipient.setdefault(row["recipient"], []).append(row)
    served = await repository.digest_recipients_on(today, list(by_recipient))
    messages = []
    for recipient, rows in by_recipient.items():
        if recipient in served:
            continue
        first = rows[0]
        rendered = digest.render(first["recipient_name"], first["language"], today,
                                 [r["payload"] for r in rows])
        messages.append(_message_row("digest", recipient, first["recipient_name"],
                                     first["language"], rendered, _attachments(rows), now, today))
    inserted = await repository.insert_messages(messages)
    await repository.assign_all({
        message_id: [r["id"] for r in by_recipient[recipient]]
        for recipient, message_id in inserted.items()
    })
    return len(inserted)


def _attachments(rows: list[dict]) -> list[dict]:
    return [
        {"filename": f"mote-{r['payload'].get('date')}.ics", "content_type": "text/calendar",
         "content": r["payload"]["ics"]}
        for r in rows if r["payload"].get("ics")
    ]


def _message_row(kind, recipient, name, language, rendered, attachments, now, day=None) -> dict:
    return {
        "kind": kind, "recipient": recipient, "recipient_name": name, "language": language,
        "digest_date": day, **rendered, "attachments": attachments,
        "message_id": _message_id(kind), "status": MessageStatus.pending, "attempts": 0,
        "next_attempt_at": now, "created_at": now, "updated_at": now,
    }


async def enqueue(kind: str, recipient: str, name: str, language: str, rendered: dict,
                  attachments: list[dict] | None = None, now: datetime | None = None,
                  redact_after_send: bool = False) -> int:
    """Put one message (an invitation, say) in the outbox, inside the caller's transaction.

    redact_after_send: the body holds a secret (a sign-in link); once the message is sent
    or given up, the outbox keeps only a note in its place (REDACTED).
    """
    now = now or clock.now()
    row = _message_row(kind, recipient.lower(), name, language, rendered, attachments or [], now)
    row["redact_after_send"] = redact_after_send
    inserted = await repository.insert_messages([row])
    return inserted[recipient.lower()]


# What is left of a redacted message's body: the outbox must not become a store of working
# links, and a message that left (or never will) is not needed in full any more.
REDACTED = ("Innehållet är borttaget eftersom det innehöll en inloggningslänk. "
            "(The content was removed because it contained a sign-in link.)")


def _redaction(message: dict) -> dict:
    if not message.get("redact_after_send"):
        return {}
    return {"body_text": REDACTED, "body_html": f"<p>{REDACTED}</p>"}


# --- when a subject changes --------------------------------------------------------------


async def recall(subject_type: str, subject_id: int, now: datetime | None = None) -> int:
    """A subject changed (a due date moved, a commitment closed): withdraw what is recorded
    for it and not sent yet. The next sweep plans afresh from the new state, so nothing is
    sent for the old date and nothing twice. Runs inside the caller's transaction."""
    now = now or clock.now()
    rows = await repository.unsent_reminders_of(subject_type, subject_id)
    if subject_type == "agreement" and not await _live(subject_id):
        # An agreement that ended (or was superseded, or went back to draft) takes the
        # unsent reminders of its commitments and meetings with it, not only its own.
        rows = await repository.unsent_reminders_of_agreement(subject_id)
    if not rows:
        return 0
    await repository.delete_reminders([r["id"] for r in rows])
    touched = sorted({r["message"] for r in rows if r["message"] is not None})
    remaining = await repository.message_reminders(touched)
    for message in await repository.messages(touched):
        left = [r for r in remaining if r["message"] == message["id"]]
        if not left:
            await repository.update_message(
                # Giving up the day's slot lets a reminder re-planned for today still go
                # out today, in a digest of its own: the cancelled one was never sent.
                message["id"],
                {"status": MessageStatus.cancelled, "digest_date": None, "updated_at": now},
            )
            continue
        rendered = digest.render(message["recipient_name"], message["language"],
                                 message["digest_date"] or clock.today(now),
                                 [r["payload"] for r in left])
        await repository.update_message(
            message["id"], {**rendered, "attachments": _attachments(left), "updated_at": now}
        )
    return len(rows)


async def _live(agreement_id: int) -> bool:
    try:
        return (await agreements.agreement(agreement_id)).status in LIVE_AGREEMENT
    except NotFound:
        return False


# --- delivery ----------------------------------------------------------------------------


@dataclass
class DeliveryResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    server_unavailable: bool = False


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _backoff(attempts: int) -> timedelta:
    settings = get_settings()
    seconds = settings.outbox_retry_base_seconds * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.outbox_retry_max_seconds))


async def deliver(now: datetime | None = None, worker: str | None = None,
                  backend=None, max_batches: int = 100) -> DeliveryResult:
    """Claim due messages batch by batch and send them. A message is marked sent only after
    the server accepted it; a worker that dies mid-pass leaves its claims to go stale and be
    taken again (the one window where a message can go out twice: see docs/reminders.md)."""
    settings = get_settings()
    now = now or clock.now()
    worker = worker or worker_name()
    stale = now - timedelta(minutes=settings.outbox_claim_timeout_minutes)
    result = DeliveryResult()
    for _ in range(max_batches):
        async with write_transaction():
            batch = await repository.claim(now, stale, worker, settings.outbox_batch_size)
        if not batch:
            break
        try:
            async with (backend or mailer.backend(settings)) as transport:
                for message in batch:
                    try:
                        await transport.send(mailer.build_email(message, settings.mail_sender),
                                             message)
                    except mailer.DeliveryError as exc:
                        await _failed(message, worker, now, str(exc), exc.permanent, result)
                        continue
                    async with write_transaction():
                        await repository.mark(message["id"], worker, {
                            "status": MessageStatus.sent, "sent_at": now,
                            "attempts": message["attempts"] + 1, "last_error": None,
                            "updated_at": now, **_redaction(message),
                        })
                    result.sent += 1
        except mailer.ServerUnavailable as exc:
            log.warning("mail server unavailable, will retry: %s", exc)
            result.server_unavailable = True
            await _release(batch, worker, now, error=str(exc))
            break
    return result


async def _release(batch, worker, now, error: str | None = None) -> None:
    """The server is down: hand the claimed messages back for a later pass. This costs no
    attempt – no message is to blame – so an outage never turns mail into failures. Those
    already sent in this pass are marked sent and stay so (mark() needs status sending)."""
    delay = _backoff(1)
    async with write_transaction():
        for message in batch:
            values = {"status": MessageStatus.pending, "claimed_at": None, "claimed_by": None,
                      "next_attempt_at": now + delay, "updated_at": now}
            if error:
                values["last_error"] = f"Servern svarar inte (server unavailable): {error}"[:2000]
            await repository.mark(message["id"], worker, values)


async def _failed(message, worker, now, error, permanent, result) -> None:
    attempts = message["attempts"] + 1
    give_up = permanent or attempts >= get_settings().outbox_max_attempts
    values = {"attempts": attempts, "last_error": error[:2000], "claimed_at": None,
              "claimed_by": None, "updated_at": now}
    if give_up:
        values |= {"status": MessageStatus.failed, **_redaction(message)}
        result.failed += 1
    else:
        values |= {"status": MessageStatus.pending, "next_attempt_at": now + _backoff(attempts)}
        result.retrying += 1
    async with write_transaction():
        await repository.mark(message["id"], worker, values)
    log.warning("message %s to %s not sent (%s): %s", message["id"], message["recipient"],
                "gave up" if give_up else "will retry", error)


async def run_once(now: datetime | None = None) -> tuple[SweepResult, DeliveryResult]:
    """One sweep and one delivery pass, as `samverkan reminders run --once` does."""
    now = now or clock.now()
    swept = await sweep(now)
    delivered = await deliver(now)
    return swept, delivered


# --- the outbox for coordinators ---------------------------------------------------------


async def outbox(status: str | None, limit: int, offset: int) -> tuple[list[OutboxMessageRead], int]:
    rows, total = await repository.list_messages(status, limit, offset)
    return [OutboxMessageRead(**row) for row in rows], total


async def retry(actor: Actor, message_id: int, now: datetime | None = None) -> OutboxMessageRead:
    """Send a failed message again: its attempts start over."""
    now = now or clock.now()
    found = await repository.messages([message_id])
    if not found:
        raise NotFound("Meddelandet finns inte (message not found)")
    before = found[0]
    if before["status"] != MessageStatus.failed:
        raise Conflict(
            f"Bara misslyckade meddelanden kan skickas om; detta är {before['status']} "
            "(only failed messages can be retried)", field="status",
        )
    if before["redact_after_send"]:
        raise Conflict(
            "Meddelandets innehåll är borttaget eftersom det innehöll en inloggningslänk; "
            "skicka en ny inbjudan i stället (the content was removed: send a new invitation)",
            field="status",
        )
    await repository.update_message(message_id, {
        "status": MessageStatus.pending, "attempts": 0, "next_attempt_at": now,
        "updated_at": now,
    })
    after = OutboxMessageRead(**(await repository.messages([message_id]))[0])
    await audit.record(actor, "retry", "outbox_message", message_id,
                       before=OutboxMessageRead(**before), after=after)
    return after


async def planned(agreement_id: int, horizon_days: int = 120,
                  now: datetime | None = None) -> list[PlannedReminder]:
    """What is recorded for an agreement, and what the rules will send in the coming days."""
    now = now or clock.now()
    today = clock.today(now)
    recorded = await repository.reminders_of_agreement(agreement_id)
    keys = {row["key"] for row in recorded}
    plan = [
        PlannedReminder(
            rule=row["rule"], subject_type=row["subject_type"], subject_id=row["subject_id"],
            occurrence=row["occurrence"], due_on=row["due_on"], recipient=row["recipient"],
            text=digest.sentence(row["payload"], "sv"),
            state=row["message_status"] or "recorded", sent_at=row["sent_at"],
        )
        for row in recorded
    ]
    last = today + timedelta(horizon_days)
    for rule in enabled_rules():
        for candidate in await rule.candidates(today, now, horizon_days, agreement_id):
            if candidate.agreement_id != agreement_id:
                continue
            for name, due_on in candidate.occurrences:
                if not today <= due_on <= last:
                    continue
                if candidate.ends_on is not None and due_on > candidate.ends_on:
                    continue
                occurrence = rule.occurrence(candidate, name, due_on)
                for recipient in candidate.recipients:
                    if reminder_key(occurrence, recipient.email) in keys:
                        continue
                    plan.append(PlannedReminder(
                        rule=rule.name, subject_type=candidate.subject_type,
                        subject_id=candidate.subject_id, occurrence=name, due_on=due_on,
                        recipient=recipient.email, text=digest.sentence(occurrence.item, "sv"),
                        state="planned", sent_at=None,
                    ))
    return sorted(plan, key=lambda p: (p.due_on, p.rule, p.subject_id, p.recipient))


# --- the workspace's agreement page ------------------------------------------------------


@dataclass(frozen=True)
class SentReminder:
    """A reminder about an agreement that went into an e-mail, and how that e-mail fared."""

    recipient: str
    recipient_name: str
    rule: str
    due_on: date
    payload: dict
    status: str  # the e-mail's: pending, sending, sent, failed or cancelled
    sent_at: datetime | None
    last_error: str | None
    created_at: datetime
    changed_at: datetime | None

    def text(self, language: str) -> str:
        return digest.sentence(self.payload, language if language in ("sv", "en") else "sv")


async def sent_reminders(agreement_id: int, limit: int = 50) -> list[SentReminder]:
    """The agreement's reminders that were put in an e-mail, newest first, at most limit."""
    return [
        SentReminder(
            recipient=row["recipient"], recipient_name=row["recipient_name"], rule=row["rule"],
            due_on=row["due_on"], payload=row["payload"], status=row["message_status"],
            sent_at=row["sent_at"], last_error=row["last_error"], created_at=row["created_at"],
            changed_at=row["message_updated_at"],
        )
        for row in await repository.sent_reminders_of_agreement(agreement_id, limit)
    ]


# --- the coordinators' workspace: the Today page -----------------------------------------


async def failed_count() -> int:
    """How many e-mails were given up on after their last attempt (the outbox's "failed")."""
    return await repository.count_messages(MessageStatus.failed.value)


# --- the workspace's outbox page ---------------------------------------------------------


async def link_messages(message_ids: list[int]) -> set[int]:
    """Which of these messages held a sign-in link: once sent or given up their content is
    removed, so a failed one cannot be sent again (retry refuses it); a new invitation can."""
    return await repository.redacted_message_ids(message_ids)
