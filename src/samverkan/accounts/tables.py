"""Tables of accounts: users, their server-side sessions and personal API tokens."""

from enum import Enum

from piccolo.columns import Boolean, ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.table import Table


class Role(str, Enum):
    admin = "admin"
    coordinator = "coordinator"
    viewer = "viewer"


class User(Table, tablename="account_user"):
    email = Varchar(length=254, unique=True, null=False)
    name = Varchar(length=200, null=False)
    password_hash = Varchar(length=200, null=False)
    role = Varchar(length=20, choices=Role, null=False)
    active = Boolean(default=True, null=False)
    created_at = Timestamptz(null=False)


class Session(Table, tablename="account_session"):
    # Only a SHA-256 of the cookie value is stored, so a leaked table opens no session.
    token_hash = Varchar(length=64, unique=True, null=False)
    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade)
    created_at = Timestamptz(null=False)
    last_seen_at = Timestamptz(null=False)
    expires_at = Timestamptz(null=False)


class ApiToken(Table, tablename="api_token"):
    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade)
    name = Varchar(length=100, null=False)
    token_hash = Varchar(length=64, unique=True, null=False)
    created_at = Timestamptz(null=False)
    expires_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class LoginFailure(Table, tablename="login_failure"):
    """Failed logins per address, for throttling guessing."""

    email = Varchar(length=254, null=False, index=True)
    failed_at = Timestamptz(null=False)
