"""The audit trail is append-only in the database itself, not only by convention."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.conf import DB
from samverkan.db import add_index, make_append_only

ID = "2026-11-25T04:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit append-only and indexes"


async def constraints() -> None:
    await make_append_only(DB, "audit_event")
    await add_index(DB, "audit_event", "audit_event_entity", ["entity_type", "entity_id"])


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)
    manager.add_raw(constraints)
    return manager
