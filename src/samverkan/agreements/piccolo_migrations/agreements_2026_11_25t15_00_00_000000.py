"""Progress reports: what a party reports about its own commitment (issue 5)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Date, ForeignKey, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from samverkan.conf import DB
from samverkan.db import add_check, add_index, one_of

ID = "2026-11-25T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "progress reports on commitments"


class Commitment(Table, tablename="commitment", schema=None):
    id = Serial(primary_key=True)


class ProgressReport(Table, tablename="progress_report", schema=None):
    id = Serial(primary_key=True)
    commitment = ForeignKey(Commitment, null=False, on_delete=OnDelete.cascade)
    status = Varchar(length=20, null=False)
    note = Text(null=False, default="")
    as_of = Date(null=False)
    reported_by = Varchar(length=254, null=False)
    reported_at = Timestamptz(null=False)


async def schema() -> None:
    await ProgressReport.create_table()
    await add_check(
        DB, "progress_report", "progress_report_status",
        one_of("status", ["in_progress", "done", "not_done"]),
    )
    await add_check(DB, "progress_report", "progress_report_reported_by", "{reported_by} <> ''")
    await add_index(DB, "progress_report", "progress_report_commitment", ["commitment"])


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="agreements", description=DESCRIPTION)
    manager.add_raw(schema)
    return manager
