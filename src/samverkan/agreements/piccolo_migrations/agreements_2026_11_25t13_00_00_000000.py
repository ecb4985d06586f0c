"""What reminders need: signatory e-mail, meeting time and place, coordinators, and the
indexes that let a reminder sweep read what is due rather than everything that exists.

Columns and the table are added with Piccolo's own DDL (the same column types as in
tables.py on both engines); constraints and indexes with the portable helpers of
samverkan.db. Everything runs in one raw step, so the order is the order written here.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import ForeignKey, Integer, OnDelete, Serial, Time, Varchar
from piccolo.table import Table

from samverkan.conf import DB
from samverkan.db import add_check, add_index, add_unique

ID = "2026-11-25T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "reminder fields, agreement coordinators and reminder indexes"


class Agreement(Table, tablename="agreement", schema=None):
    id = Serial(primary_key=True)


class Party(Table, tablename="party", schema=None):
    id = Serial(primary_key=True)


class FollowUp(Table, tablename="follow_up", schema=None):
    id = Serial(primary_key=True)


class AgreementCoordinator(Table, tablename="agreement_coordinator", schema=None):
    id = Serial(primary_key=True)
    agreement = ForeignKey(Agreement, null=False, on_delete=OnDelete.cascade)
    user_id = Integer(null=False)


async def schema() -> None:
    # One column per ALTER TABLE: SQLite adds a single column at a time.
    await Party.alter().add_column(
        "signatory_email", Varchar(length=254, null=True, default=None)
    )
    await FollowUp.alter().add_column("start_time", Time(null=True, default=None))
    await FollowUp.alter().add_column("duration_minutes", Integer(null=False, default=120))
    await FollowUp.alter().add_column("location", Varchar(length=200, null=False, default=""))
    await add_check(
        DB, "follow_up", "follow_up_duration_range", "{duration_minutes} BETWEEN 1 AND 1440"
    )

    await AgreementCoordinator.create_table()
    await add_unique(
        DB, "agreement_coordinator", "agreement_coordinator_once", ["agreement", "user_id"]
    )
    await add_check(DB, "agreement_coordinator", "agreement_coordinator_user", "{user_id} >= 1")

    # commitment(due_date) and agreement(period_end) exist since the first constraints.
    await add_index(
        DB, "commitment", "commitment_status_changed", ["status", "status_changed_at"]
    )
    # Overdue is "due before today": on due_date alone that range is every commitment ever
    # due; led by status it is only the open ones.
    await add_index(DB, "commitment", "commitment_status_due", ["status", "due_date"])
    await add_index(DB, "follow_up", "follow_up_date", ["date"])
    # "Has a successor" looks agreements up by the one they supersede.
    await add_index(DB, "agreement", "agreement_supersedes", ["supersedes"])


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="agreements", description=DESCRIPTION)
    manager.add_raw(schema)
    return manager
