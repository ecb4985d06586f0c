"""Every query of the workspace's own rows: the coordinators' calendar feeds."""

from datetime import datetime

from samverkan.workspace.tables import CalendarFeed

_FEED = (CalendarFeed.id, CalendarFeed.user_id, CalendarFeed.created_at, CalendarFeed.revoked_at)


async def active_feed(user_id: int) -> dict | None:
    return await CalendarFeed.select(*_FEED).where(
        (CalendarFeed.user_id == user_id) & CalendarFeed.revoked_at.is_null()
    ).order_by(CalendarFeed.id, ascending=False).first()


async def feed_by_hash(token_hash: str) -> dict | None:
    """The feed with this hash, if it is not revoked."""
    return await CalendarFeed.select(*_FEED).where(
        (CalendarFeed.token_hash == token_hash) & CalendarFeed.revoked_at.is_null()
    ).first()


async def revoke_feeds(user_id: int, now: datetime) -> list[dict]:
    """Revoke the user's active feeds; the rows as they are now revoked."""
    return await CalendarFeed.update({CalendarFeed.revoked_at: now}).where(
        (CalendarFeed.user_id == user_id) & CalendarFeed.revoked_at.is_null()
    ).returning(*_FEED)


async def insert_feed(user_id: int, token_hash: str, now: datetime) -> dict:
    result = await CalendarFeed.insert(
        CalendarFeed(user_id=user_id, token_hash=token_hash, created_at=now)
    ).returning(*_FEED)
    return result[0]
