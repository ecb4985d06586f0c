"""Every query of accounts."""

from datetime import datetime

from samverkan.accounts.tables import ApiToken, LoginFailure, Session, User
from samverkan.db import read_pool

_USER = (User.id, User.email, User.name, User.role, User.active)


async def user_by_email(email: str) -> dict | None:
    return await User.select(*_USER, User.password_hash).where(User.email == email).first()


async def user_by_id(user_id: int) -> dict | None:
    return await User.select(*_USER).where(User.id == user_id).first()


async def users_by_ids(user_ids: list[int]) -> list[dict]:
    if not user_ids:
        return []
    return await User.select(*_USER).where(User.id.is_in(user_ids))


async def users() -> list[dict]:
    return await User.select(*_USER).order_by(User.email)


async def insert_user(values: dict) -> int:
    result = await User.insert(User(**values))
    return result[0]["id"]


async def email_taken(email: str) -> bool:
    return await User.exists().where(User.email == email)


async def recent_failures(email: str, since: datetime) -> list[datetime]:
    """When an address failed to sign in since a moment, newest first."""
    rows = await LoginFailure.select(LoginFailure.failed_at).where(
        (LoginFailure.email == email) & (LoginFailure.failed_at >= since)
    ).order_by(LoginFailure.failed_at, ascending=False)
    return [row["failed_at"] for row in rows]


async def insert_failure(email: str, at: datetime) -> None:
    await LoginFailure.insert(LoginFailure(email=email, failed_at=at))


async def delete_failures_before(moment: datetime) -> None:
    await LoginFailure.delete().where(LoginFailure.failed_at < moment)


async def clear_failures(email: str) -> None:
    await LoginFailure.delete().where(LoginFailure.email == email)


async def insert_session(token_hash: str, user_id: int, now: datetime, expires_at: datetime) -> None:
    await Session.insert(
        Session(
            token_hash=token_hash, user=user_id, created_at=now, last_seen_at=now, expires_at=expires_at
        )
    )


async def session_by_hash(token_hash: str) -> dict | None:
    return await Session.select(
        Session.id.as_alias("session_id"),
        Session.last_seen_at,
        Session.expires_at,
        *(getattr(Session.user, column._meta.name).as_alias(column._meta.name) for column in _USER),
    ).where(Session.token_hash == token_hash).first()


async def touch_session(session_id: int, now: datetime) -> None:
    await Session.update({Session.last_seen_at: now}).where(Session.id == session_id)


async def delete_session(token_hash: str) -> None:
    await Session.delete().where(Session.token_hash == token_hash)


async def delete_expired_sessions(now: datetime) -> None:
    await Session.delete().where(Session.expires_at < now)


async def insert_token(values: dict) -> int:
    result = await ApiToken.insert(ApiToken(**values))
    return result[0]["id"]


_TOKEN = (
    ApiToken.id,
    ApiToken.name,
    ApiToken.created_at,
    ApiToken.expires_at,
    ApiToken.last_used_at,
    ApiToken.revoked_at,
)


async def tokens_of(user_id: int) -> list[dict]:
    return await ApiToken.select(*_TOKEN).where(ApiToken.user == user_id).order_by(ApiToken.id)


async def token(token_id: int, user_id: int) -> dict | None:
    return await ApiToken.select(*_TOKEN).where(
        (ApiToken.id == token_id) & (ApiToken.user == user_id)
    ).first()


# Every API request looks its token up, so on PostgreSQL this is one prepared statement
# on the pool (the same columns as the Piccolo query below, which SQLite and transactions use).
_TOKEN_BY_HASH_SQL = """
SELECT t.id AS token_id, t.expires_at, t.revoked_at, t.last_used_at,
       u.id, u.email, u.name, u.role, u.active
FROM api_token t JOIN account_user u ON u.id = t."user"
WHERE t.token_hash = $1
"""


async def token_by_hash(token_hash: str):
    """The token and its user (a mapping: token_id, expires_at, …, id, email, name, role, active)."""
    pool = read_pool()
    if pool is not None:
        return await pool.fetchrow(_TOKEN_BY_HASH_SQL, token_hash)
    return await ApiToken.select(
        ApiToken.id.as_alias("token_id"),
        ApiToken.expires_at,
        ApiToken.revoked_at,
        ApiToken.last_used_at,
        *(getattr(ApiToken.user, column._meta.name).as_alias(column._meta.name) for column in _USER),
    ).where(ApiToken.token_hash == token_hash).first()


async def touch_token(token_id: int, now: datetime) -> None:
    await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == token_id)


async def revoke_token(token_id: int, now: datetime) -> bool:
    """Revoke a live token; False if it was already revoked (by this or another request)."""
    rows = await ApiToken.update({ApiToken.revoked_at: now}).where(
        (ApiToken.id == token_id) & ApiToken.revoked_at.is_null()
    ).returning(ApiToken.id)
    return bool(rows)
