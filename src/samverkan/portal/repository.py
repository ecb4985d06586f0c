"""Every query of the portal: links, portal sessions and the rate-limit counts."""

from datetime import datetime

from piccolo.columns.combination import Or

from samverkan.portal.tables import LinkPurpose, PortalLink, PortalSession, PortalThrottle

_LINK = (
    PortalLink.id, PortalLink.purpose, PortalLink.contact_id, PortalLink.agreement_id,
    PortalLink.created_at, PortalLink.created_by, PortalLink.expires_at, PortalLink.used_at,
)


# --- links -------------------------------------------------------------------------------


async def insert_link(values: dict) -> int:
    result = await PortalLink.insert(PortalLink(**values))
    return result[0]["id"]


async def link(link_id: int) -> dict | None:
    return await PortalLink.select(*_LINK).where(PortalLink.id == link_id).first()


async def invitations_of(agreement_id: int) -> list[dict]:
    """An agreement's invitation links, newest first."""
    return await PortalLink.select(*_LINK).where(
        (PortalLink.agreement_id == agreement_id)
        & (PortalLink.purpose == LinkPurpose.invitation)
    ).order_by(PortalLink.id, ascending=False)


async def consume_link(token_hash: str, now: datetime) -> dict | None:
    """Mark the link used if it is unused and unexpired, and return it; None otherwise.

    The conditions sit in the UPDATE's WHERE, so of two requests with the same link only
    one can succeed, whatever the isolation level.
    """
    rows = await PortalLink.update({PortalLink.used_at: now}).where(
        (PortalLink.token_hash == token_hash)
        & PortalLink.used_at.is_null()
        & (PortalLink.expires_at > now)
    ).returning(*_LINK)
    return rows[0] if rows else None


async def delete_spent_sign_in_links(now: datetime) -> None:
    """Sign-in links that are used or expired open nothing and record nothing worth keeping.
    Invitations stay: they are the coordinators' record of who was invited, and when."""
    await PortalLink.delete().where(
        (PortalLink.purpose == LinkPurpose.sign_in)
        & Or(PortalLink.used_at.is_not_null(), PortalLink.expires_at <= now)
    )


# --- sessions ----------------------------------------------------------------------------


async def insert_session(token_hash: str, contact_id: int, now: datetime,
                         expires_at: datetime) -> int:
    result = await PortalSession.insert(PortalSession(
        token_hash=token_hash, contact_id=contact_id, created_at=now, last_seen_at=now,
        expires_at=expires_at,
    ))
    return result[0]["id"]


async def session_by_hash(token_hash: str) -> dict | None:
    return await PortalSession.select(
        PortalSession.id, PortalSession.contact_id, PortalSession.last_seen_at,
        PortalSession.expires_at,
    ).where(PortalSession.token_hash == token_hash).first()


async def touch_session(session_id: int, now: datetime) -> None:
    await PortalSession.update({PortalSession.last_seen_at: now}).where(
        PortalSession.id == session_id
    )


async def delete_session(token_hash: str) -> None:
    await PortalSession.delete().where(PortalSession.token_hash == token_hash)


async def delete_ended_sessions(now: datetime, idle_since: datetime) -> None:
    """Sessions past their absolute end or unused since idle_since."""
    await PortalSession.delete().where(
        Or(PortalSession.expires_at <= now, PortalSession.last_seen_at < idle_since)
    )


# --- rate limits -------------------------------------------------------------------------


async def recent_requests(kind: str, key: str, since: datetime) -> list[datetime]:
    """When key made a request of this kind since a moment, newest first."""
    rows = await PortalThrottle.select(PortalThrottle.at).where(
        (PortalThrottle.kind == kind) & (PortalThrottle.key == key) & (PortalThrottle.at >= since)
    ).order_by(PortalThrottle.at, ascending=False)
    return [row["at"] for row in rows]


async def insert_request(kind: str, key: str, at: datetime) -> None:
    await PortalThrottle.insert(PortalThrottle(kind=kind, key=key, at=at))


async def delete_requests_before(moment: datetime) -> None:
    await PortalThrottle.delete().where(PortalThrottle.at < moment)
