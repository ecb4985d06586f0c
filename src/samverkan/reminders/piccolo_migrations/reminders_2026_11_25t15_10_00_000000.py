"""Outbox messages that hold a secret (a portal link) lose their body once out of the outbox.

The column is added with Piccolo's own DDL (the same type as in tables.py on both engines).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Boolean, Serial
from piccolo.table import Table

ID = "2026-11-25T15:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "outbox redaction after sending"


class OutboxMessage(Table, tablename="outbox_message", schema=None):
    id = Serial(primary_key=True)


async def schema() -> None:
    await OutboxMessage.alter().add_column(
        "redact_after_send", Boolean(null=False, default=False)
    )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="reminders", description=DESCRIPTION)
    manager.add_raw(schema)
    return manager
