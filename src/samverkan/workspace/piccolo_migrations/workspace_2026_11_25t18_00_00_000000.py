"""The coordinators' personal calendar feeds, with their constraints and indexes.

The table is a frozen copy of tables.py as of this migration (a migration must not change
when tables.py does later); Piccolo writes the DDL for each engine, the portable helpers of
samverkan.db the constraints and indexes.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Integer, Timestamptz, Varchar
from piccolo.table import Table

from samverkan.conf import DB
from samverkan.db import add_check, add_index

ID = "2026-11-25T18:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "calendar feeds"


class CalendarFeed(Table, tablename="calendar_feed"):
    user_id = Integer(null=False)
    token_hash = Varchar(length=64, unique=True, null=False)
    created_at = Timestamptz(null=False)
    revoked_at = Timestamptz(null=True, default=None)


async def create() -> None:
    await CalendarFeed.create_table()
    # A SHA-256 in hex, never the token itself.
    await add_check(DB, "calendar_feed", "calendar_feed_token_hash",
                    "length({token_hash}) = 64")
    await add_check(DB, "calendar_feed", "calendar_feed_revoked_after_created",
                    "{revoked_at} IS NULL OR {revoked_at} >= {created_at}")
    # A user's feeds: the calendar page and revoking.
    await add_index(DB, "calendar_feed", "calendar_feed_user", ["user_id"])
    # At most one feed of a user works at a time, also when two are made at once (a
    # partial unique index: the same statement on both engines).
    await DB.run_ddl('CREATE UNIQUE INDEX "calendar_feed_one_active" ON "calendar_feed" '
                     '("user_id") WHERE "revoked_at" IS NULL')


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="workspace", description=DESCRIPTION)
    manager.add_raw(create)
    return manager
