"""TRUNCATE must not empty the audit trail either (PostgreSQL; SQLite has no TRUNCATE)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.conf import DB
from samverkan.db import refuse_truncate

ID = "2026-11-25T12:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit refuses truncate"


async def constraints() -> None:
    await refuse_truncate(DB, "audit_event")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)
    manager.add_raw(constraints)
    return manager
