"""A goal may name the lägesbild indicator it is measured by (issue 6)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Integer, Serial
from piccolo.table import Table

from samverkan.conf import DB
from samverkan.db import add_index

ID = "2026-11-25T16:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "goal indicator"


class Goal(Table, tablename="goal", schema=None):
    id = Serial(primary_key=True)


async def schema() -> None:
    await Goal.alter().add_column("indicator_id", Integer(null=True, default=None))
    await add_index(DB, "goal", "goal_indicator", ["indicator_id"])


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="agreements", description=DESCRIPTION)
    manager.add_raw(schema)
    return manager
