"""The reminder ledger and the outbox, with their constraints and indexes.

The tables are frozen copies of tables.py as of this migration (a migration must not change
when tables.py does later); Piccolo writes the DDL for each engine.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import JSON, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from samverkan.conf import DB
from samverkan.db import add_check, add_index, add_unique, one_of

ID = "2026-11-25T13:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "reminder ledger and outbox"


class OutboxMessage(Table, tablename="outbox_message"):
    kind = Varchar(length=40, null=False)
    recipient = Varchar(length=254, null=False)
    recipient_name = Varchar(length=200, null=False, default="")
    language = Varchar(length=2, null=False, default="sv")
    digest_date = Date(null=True, default=None)
    subject = Varchar(length=300, null=False, default="")
    body_text = Text(null=False, default="")
    body_html = Text(null=False, default="")
    attachments = JSON(null=False, default="[]")
    message_id = Varchar(length=200, null=False, unique=True)
    status = Varchar(length=20, null=False, default="pending")
    attempts = Integer(null=False, default=0)
    next_attempt_at = Timestamptz(null=False)
    claimed_at = Timestamptz(null=True, default=None)
    claimed_by = Varchar(length=100, null=True, default=None)
    sent_at = Timestamptz(null=True, default=None)
    last_error = Text(null=True, default=None)
    created_at = Timestamptz(null=False)
    updated_at = Timestamptz(null=False)


class Reminder(Table, tablename="reminder"):
    key = Varchar(length=600, null=False, unique=True)
    rule = Varchar(length=60, null=False)
    subject_type = Varchar(length=40, null=False)
    subject_id = Integer(null=False)
    agreement_id = Integer(null=True, default=None)
    occurrence = Varchar(length=80, null=False)
    recipient = Varchar(length=254, null=False)
    recipient_name = Varchar(length=200, null=False, default="")
    language = Varchar(length=2, null=False, default="sv")
    due_on = Date(null=False)
    payload = JSON(null=False, default="{}")
    message = ForeignKey(OutboxMessage, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(null=False)


async def create() -> None:
    await OutboxMessage.create_table()
    await Reminder.create_table()
    await add_check(
        DB, "outbox_message", "outbox_message_status_valid",
        one_of("status", ["pending", "sending", "sent", "failed", "cancelled"]),
    )
    await add_check(DB, "outbox_message", "outbox_message_attempts", "{attempts} >= 0")
    await add_check(DB, "outbox_message", "outbox_message_language", one_of("language", ["sv", "en"]))
    await add_check(DB, "reminder", "reminder_language", one_of("language", ["sv", "en"]))
    await add_unique(
        DB, "outbox_message", "outbox_message_one_digest_a_day", ["kind", "recipient", "digest_date"]
    )
    # The delivery pass looks for what is due to be sent; the sweep for what awaits a digest.
    await add_index(DB, "outbox_message", "outbox_message_due", ["status", "next_attempt_at"])
    await add_index(DB, "reminder", "reminder_awaiting_digest", ["message", "due_on"])
    await add_index(DB, "reminder", "reminder_subject", ["subject_type", "subject_id"])
    await add_index(DB, "reminder", "reminder_agreement", ["agreement_id"])


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="reminders", description=DESCRIPTION)
    manager.add_raw(create)
    return manager
