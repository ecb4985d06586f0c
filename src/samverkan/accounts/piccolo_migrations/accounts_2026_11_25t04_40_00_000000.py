"""Accounts constraints and indexes, written portably (see samverkan.db)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from samverkan.conf import DB
from samverkan.db import add_check, add_index, one_of

ID = "2026-11-25T04:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "accounts constraints and indexes"


async def constraints() -> None:
    await add_check(
        DB, "account_user", "account_user_role_valid", one_of("role", ["admin", "coordinator", "viewer"])
    )
    await add_check(DB, "account_user", "account_user_email_format", "{email} LIKE '%_@_%'")
    await add_index(DB, "account_session", "account_session_user", ["user"])
    await add_index(DB, "api_token", "api_token_user", ["user"])


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)
    manager.add_raw(constraints)
    return manager
