"""The coordinators' workspace (issue 7) reads every list from the user's rows in
agreement_coordinator: an index led by user_id, so that the user's agreements are an index
range (with the agreement ids in it, read without the table) and not a scan of every
agreement's coordinators.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.conf import DB
from samverkan.db import add_index

ID = "2026-11-25T19:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "agreement coordinators by user"


async def schema() -> None:
    # agreement_coordinator_once (agreement, user_id) serves "the coordinators of an
    # agreement"; this one "the agreements of a coordinator".
    await add_index(
        DB, "agreement_coordinator", "agreement_coordinator_user", ["user_id", "agreement"]
    )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="agreements", description=DESCRIPTION)
    manager.add_raw(schema)
    return manager
