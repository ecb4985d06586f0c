"""Every query of the reminders domain: the ledger, the outbox, claiming and marking."""

import json
from datetime import date, datetime

from piccolo.columns.combination import And, Or

from samverkan.conf import DB
from samverkan.reminders.tables import MessageStatus, OutboxMessage, Reminder

CHUNK = 500  # rows per INSERT: well under PostgreSQL's 32,767 parameters


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


async def record_reminders(rows: list[dict]) -> None:
    """Insert ledger rows; a key that is already there (an earlier or a parallel sweep) is
    skipped by the database, never duplicated."""
    for start in range(0, len(rows), CHUNK):
        await Reminder.insert(*(Reminder(**row) for row in rows[start:start + CHUNK])).on_conflict(
            target=Reminder.key, action="DO NOTHING"
        )


async def reminders_awaiting_digest(today: date) -> list[dict]:
    rows = await Reminder.select(
        Reminder.id, Reminder.recipient, Reminder.recipient_name, Reminder.language,
        Reminder.payload, Reminder.due_on,
    ).where(Reminder.message.is_null(), Reminder.due_on <= today).order_by(Reminder.id)
    for row in rows:
        row["payload"] = _json(row["payload"])
    return rows


async def digest_recipients_on(day: date, recipients: list[str]) -> set[str]:
    """Recipients who already have their digest for day."""
    found: set[str] = set()
    for start in range(0, len(recipients), CHUNK):
        rows = await OutboxMessage.select(OutboxMessage.recipient).where(
            OutboxMessage.kind == "digest",
            OutboxMessage.digest_date == day,
            OutboxMessage.recipient.is_in(recipients[start:start + CHUNK]),
        )
        found.update(row["recipient"] for row in rows)
    return found


async def insert_messages(rows: list[dict]) -> dict[str, int]:
    """Insert messages; one that would be a second digest for a recipient and day is skipped.
    Returns recipient → id of the messages this call inserted."""
    inserted: dict[str, int] = {}
    for start in range(0, len(rows), CHUNK):
        result = await OutboxMessage.insert(
            *(OutboxMessage(**row) for row in rows[start:start + CHUNK])
        ).on_conflict(action="DO NOTHING").returning(OutboxMessage.id, OutboxMessage.recipient)
        inserted.update((row["recipient"], row["id"]) for row in result)
    return inserted


async def assign(message_id: int, reminder_ids: list[int]) -> None:
    for start in range(0, len(reminder_ids), CHUNK):
        await Reminder.update({Reminder.message: message_id}).where(
            Reminder.id.is_in(reminder_ids[start:start + CHUNK]), Reminder.message.is_null()
        )


async def claim(now: datetime, stale_before: datetime, worker: str, limit: int) -> list[dict]:
    """Take up to limit messages that are due (or whose claim has gone stale: a worker died
    mid-pass) and mark them as being sent by worker. On PostgreSQL the rows are locked with
    SKIP LOCKED, so two workers never take the same message; SQLite's write lock serialises
    the claim anyway."""
    due = Or(
        And(OutboxMessage.status == MessageStatus.pending, OutboxMessage.next_attempt_at <= now),
        And(OutboxMessage.status == MessageStatus.sending, OutboxMessage.claimed_at < stale_before),
    )
    query = OutboxMessage.select(OutboxMessage.id).where(due).order_by(
        OutboxMessage.next_attempt_at
    ).limit(limit)
    if DB.engine_type == "postgres":
        query = query.lock_rows("UPDATE", skip_locked=True)
    ids = [row["id"] for row in await query]
    if not ids:
        return []
    await OutboxMessage.update(
        {OutboxMessage.status: MessageStatus.sending, OutboxMessage.claimed_at: now,
         OutboxMessage.claimed_by: worker, OutboxMessage.updated_at: now}
    ).where(OutboxMessage.id.is_in(ids))
    return await messages(ids)


async def messages(ids: list[int]) -> list[dict]:
    rows = await OutboxMessage.select().where(OutboxMessage.id.is_in(ids)).order_by(
        OutboxMessage.id
    )
    for row in rows:
        row["attachments"] = _json(row["attachments"])
    return rows


async def mark(message_id: int, worker: str, values: dict) -> bool:
    """Update a message this worker still holds; False when its claim was taken over."""
    updated = await OutboxMessage.update(values).where(
        OutboxMessage.id == message_id,
        OutboxMessage.status == MessageStatus.sending,
        OutboxMessage.claimed_by == worker,
    ).returning(OutboxMessage.id)
    return bool(updated)


async def update_message(message_id: int, values: dict) -> None:
    await OutboxMessage.update(values).where(OutboxMessage.id == message_id)


async def list_messages(status: str | None, limit: int, offset: int) -> tuple[list[dict], int]:
    query = OutboxMessage.select(
        *(c for c in OutboxMessage._meta.columns if c._meta.name not in ("body_html", "attachments"))
    )
    count = OutboxMessage.count()
    if status:
        query = query.where(OutboxMessage.status == status)
        count = count.where(OutboxMessage.status == status)
    rows = await query.order_by(OutboxMessage.id, ascending=False).limit(limit).offset(offset)
    return rows, await count


async def message_reminders(message_ids: list[int]) -> list[dict]:
    rows = await Reminder.select().where(Reminder.message.is_in(message_ids or [-1])).order_by(
        Reminder.id
    )
    for row in rows:
        row["payload"] = _json(row["payload"])
    return rows


async def unsent_reminders_of(subject_type: str, subject_id: int) -> list[dict]:
    """Ledger rows of a subject that are not yet out of the door: no message, or a message
    still waiting (pending/failed). A message being sent right now is past recall."""
    return await _unsent(
        (Reminder.subject_type == subject_type) & (Reminder.subject_id == subject_id)
    )


async def unsent_reminders_of_agreement(agreement_id: int) -> list[dict]:
    """Like unsent_reminders_of, for every subject of an agreement (its commitments too)."""
    return await _unsent(Reminder.agreement_id == agreement_id)


async def _unsent(condition) -> list[dict]:
    rows = await Reminder.select(Reminder.id, Reminder.message).where(condition)
    held = [r["message"] for r in rows if r["message"] is not None]
    waiting = set()
    if held:
        waiting = {
            m["id"] for m in await OutboxMessage.select(OutboxMessage.id).where(
                OutboxMessage.id.is_in(held),
                OutboxMessage.status.is_in([MessageStatus.pending, MessageStatus.failed]),
            )
        }
    return [r for r in rows if r["message"] is None or r["message"] in waiting]


async def delete_reminders(ids: list[int]) -> None:
    if ids:
        await Reminder.delete().where(Reminder.id.is_in(ids))


async def reminders_of_agreement(agreement_id: int) -> list[dict]:
    rows = await Reminder.select(
        *Reminder.all_columns(), Reminder.message.status.as_alias("message_status"),
        Reminder.message.sent_at.as_alias("sent_at"),
    ).where(Reminder.agreement_id == agreement_id).order_by(Reminder.due_on, Reminder.id)
    for row in rows:
        row["payload"] = _json(row["payload"])
    return rows
