"""Every query of the reminders domain: the ledger, the outbox, claiming and marking."""

import json
from datetime import date, datetime
from enum import Enum

from piccolo.columns import JSON
from piccolo.columns.combination import And, Or
from piccolo.utils.encoding import dump_json

from samverkan.conf import DB
from samverkan.reminders.tables import MessageStatus, OutboxMessage, Reminder

CHUNK = 500  # rows per INSERT: well under PostgreSQL's 32,767 parameters
BULK = 5_000  # rows per statement on PostgreSQL, where a column is one array parameter


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _bulk() -> bool:
    """On PostgreSQL a sweep's thousands of rows go in one statement per BULK rows, each
    column one array parameter (unnest): building a Piccolo object and a parameter per value
    cost more than the database's work. SQLite keeps Piccolo's multi-row INSERT."""
    return DB.engine_type == "postgres"


def _sql_value(column, value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(column, JSON) and value is not None and not isinstance(value, str):
        return dump_json(value)  # as Piccolo stores it
    return value


async def _insert_unnest(table, rows: list[dict], conflict: str, returning: str = "") -> list:
    """INSERT INTO table (...) SELECT * FROM unnest($1::type[], ...) ON CONFLICT ...: the same
    rows, defaults and conflict handling as table.insert(...).on_conflict(...)."""
    names = list(rows[0])
    columns = [table._meta.get_column_by_name(name) for name in names]
    listed = ", ".join(f'"{c._meta.db_column_name}"' for c in columns)
    arrays = ", ".join(f"{{}}::{c.column_type}[]" for c in columns)
    values = [[_sql_value(c, row[name]) for row in rows]
              for c, name in zip(columns, names, strict=True)]
    return await table.raw(
        f'INSERT INTO "{table._meta.tablename}" ({listed}) SELECT * FROM unnest({arrays}) '
        f"ON CONFLICT {conflict}{returning}",
        *values,
    )


async def record_reminders(rows: list[dict]) -> None:
    """Insert ledger rows; a key that is already there (an earlier or a parallel sweep) is
    skipped by the database, never duplicated."""
    if _bulk():
        for start in range(0, len(rows), BULK):
            await _insert_unnest(Reminder, rows[start:start + BULK], '("key") DO NOTHING')
        return
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
    if _bulk() and rows:
        for start in range(0, len(rows), BULK):
            result = await _insert_unnest(OutboxMessage, rows[start:start + BULK], "DO NOTHING",
                                          ' RETURNING "id", "recipient"')
            inserted.update((row["recipient"], row["id"]) for row in result)
        return inserted
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


async def assign_all(assignments: dict[int, list[int]]) -> None:
    """assign() for many messages: message id → the ledger rows it carries. On PostgreSQL
    one UPDATE per BULK rows instead of one per message."""
    if not _bulk():
        for message_id, reminder_ids in assignments.items():
            await assign(message_id, reminder_ids)
        return
    pairs = [(r, m) for m, reminder_ids in assignments.items() for r in reminder_ids]
    for start in range(0, len(pairs), BULK):
        chunk = pairs[start:start + BULK]
        await Reminder.raw(
            'UPDATE "reminder" SET "message" = m.message_id '
            "FROM unnest({}::integer[], {}::integer[]) AS m(reminder_id, message_id) "
            'WHERE "reminder"."id" = m.reminder_id AND "reminder"."message" IS NULL',
            [r for r, _ in chunk], [m for _, m in chunk],
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


async def sent_reminders_of_agreement(agreement_id: int, limit: int) -> list[dict]:
    """The agreement's ledger rows that went into an e-mail, with that e-mail's status,
    newest first, at most limit."""
    rows = await Reminder.select(
        Reminder.id, Reminder.rule, Reminder.recipient, Reminder.recipient_name,
        Reminder.due_on, Reminder.payload, Reminder.created_at,
        Reminder.message.as_alias("message_id"),
        Reminder.message.status.as_alias("message_status"),
        Reminder.message.sent_at.as_alias("sent_at"),
        Reminder.message.last_error.as_alias("last_error"),
        Reminder.message.updated_at.as_alias("message_updated_at"),
    ).where(
        Reminder.agreement_id == agreement_id, Reminder.message.is_not_null()
    ).order_by(Reminder.created_at, ascending=False).order_by(
        Reminder.id, ascending=False
    ).limit(limit)
    for row in rows:
        row["payload"] = _json(row["payload"])
    return rows


async def count_messages(status: str) -> int:
    """How many e-mails are in this status (led by the index on status)."""
    return await OutboxMessage.count().where(OutboxMessage.status == status)


async def redacted_message_ids(message_ids: list[int]) -> set[int]:
    """Which of these messages lose their content once out of the outbox (a sign-in link)."""
    if not message_ids:
        return set()
    rows = await OutboxMessage.select(OutboxMessage.id).where(
        OutboxMessage.id.is_in(sorted(set(message_ids)))
        & (OutboxMessage.redact_after_send == True)  # noqa: E712  (Piccolo's column operator)
    )
    return {row["id"] for row in rows}
