"""The portal's links, sessions and rate-limit counts, with their constraints and indexes.

The tables are frozen copies of tables.py as of this migration (a migration must not change
when tables.py does later); Piccolo writes the DDL for each engine, the portable helpers of
samverkan.db the constraints and indexes.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Integer, Timestamptz, Varchar
from piccolo.table import Table

from samverkan.conf import DB
from samverkan.db import add_check, add_index, one_of

ID = "2026-11-25T15:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "portal links, sessions and rate limits"


class PortalLink(Table, tablename="portal_link"):
    token_hash = Varchar(length=64, unique=True, null=False)
    purpose = Varchar(length=20, null=False)
    contact_id = Integer(null=False)
    agreement_id = Integer(null=True, default=None)
    created_at = Timestamptz(null=False)
    created_by = Varchar(length=254, null=False)
    expires_at = Timestamptz(null=False)
    used_at = Timestamptz(null=True, default=None)


class PortalSession(Table, tablename="portal_session"):
    token_hash = Varchar(length=64, unique=True, null=False)
    contact_id = Integer(null=False)
    created_at = Timestamptz(null=False)
    last_seen_at = Timestamptz(null=False)
    expires_at = Timestamptz(null=False)


class PortalThrottle(Table, tablename="portal_throttle"):
    kind = Varchar(length=20, null=False)
    key = Varchar(length=254, null=False)
    at = Timestamptz(null=False)


async def create() -> None:
    await PortalLink.create_table()
    await PortalSession.create_table()
    await PortalThrottle.create_table()
    await add_check(
        DB, "portal_link", "portal_link_purpose", one_of("purpose", ["invitation", "sign_in"])
    )
    # An invitation always names the agreement it lands on.
    await add_check(
        DB, "portal_link", "portal_link_invitation_agreement",
        "{purpose} <> 'invitation' OR {agreement_id} IS NOT NULL",
    )
    await add_check(DB, "portal_link", "portal_link_expiry", "{expires_at} > {created_at}")
    await add_check(DB, "portal_session", "portal_session_expiry", "{expires_at} > {created_at}")
    await add_check(
        DB, "portal_throttle", "portal_throttle_kind",
        one_of("kind", ["link_address", "link_client", "redeem_client"]),
    )
    # The coordinators' list of an agreement's invitations; pruning by expiry.
    await add_index(DB, "portal_link", "portal_link_agreement", ["agreement_id"])
    await add_index(DB, "portal_link", "portal_link_expires", ["expires_at"])
    await add_index(DB, "portal_session", "portal_session_expires", ["expires_at"])
    await add_index(DB, "portal_session", "portal_session_last_seen", ["last_seen_at"])
    # Counting a key's requests in the window, and pruning what has left it.
    await add_index(DB, "portal_throttle", "portal_throttle_key", ["kind", "key", "at"])
    await add_index(DB, "portal_throttle", "portal_throttle_at", ["at"])


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)
    manager.add_raw(create)
    return manager
