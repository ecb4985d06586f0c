"""The workspace's own rows: a coordinator's personal calendar feed (its secret is kept only
as a SHA-256 hash; revoking it sets revoked_at)."""

from piccolo.columns import Integer, Timestamptz, Varchar
from piccolo.table import Table


class CalendarFeed(Table, tablename="calendar_feed"):
    user_id = Integer(null=False)
    token_hash = Varchar(length=64, unique=True, null=False)
    created_at = Timestamptz(null=False)
    revoked_at = Timestamptz(null=True, default=None)
