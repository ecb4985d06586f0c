"""Rules of accounts: who may sign in, how sessions and API tokens live and end."""

import math
from dataclasses import dataclass
from datetime import timedelta

from samverkan import clock
from samverkan.accounts import repository
from samverkan.accounts.schemas import TokenCreate, TokenCreated, TokenRead, UserCreate, UserRead
from samverkan.accounts.security import hash_password, new_token, token_hash, verify_password
from samverkan.accounts.tables import Role
from samverkan.actor import Actor
from samverkan.audit import service as audit
from samverkan.errors import Conflict, NotFound, SamverkanError, TooManyRequests
from samverkan.settings import get_settings

# A session's last_seen_at is written at most this often, so reads stay reads.
_TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class CurrentUser:
    id: int
    email: str
    name: str
    role: Role

    @property
    def actor(self) -> Actor:
        return Actor(id=self.id, label=self.email)

    @property
    def may_write(self) -> bool:
        return self.role in (Role.admin, Role.coordinator)


class LoginRefused(SamverkanError):
    status_code = 401


class LoginThrottled(TooManyRequests):
    """Too many failed logins for an address; retry_after is in whole seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "För många misslyckade inloggningar; försök igen om en stund "
            "(too many failed logins, try again later)",
            retry_after=retry_after,
        )


def _current(row: dict) -> CurrentUser:
    return CurrentUser(id=row["id"], email=row["email"], name=row["name"], role=Role(row["role"]))


def _failure_window() -> timedelta:
    return timedelta(minutes=get_settings().login_failure_window_minutes)


async def login(email: str, password: str) -> tuple[CurrentUser, str]:
    """Check a password and open a session; returns the user and the cookie value.

    A refusal (LoginRefused) rolls back the caller's transaction, so the failure is not
    recorded here: the caller records it with record_login_failure in a transaction of
    its own, or it would vanish with the rollback and throttling would never start.
    """
    settings = get_settings()
    now = clock.now()
    email = email.lower()
    window = _failure_window()
    failures = await repository.recent_failures(email, now - window)
    if len(failures) >= settings.login_max_failures:
        # Signing in is possible again once the failure that keeps the count at the limit
        # has left the window.
        frees_at = failures[settings.login_max_failures - 1] + window
        raise LoginThrottled(max(1, math.ceil((frees_at - now).total_seconds())))
    row = await repository.user_by_email(email)
    if not verify_password(row["password_hash"] if row else None, password) or not row["active"]:
        raise LoginRefused("Fel e-postadress eller lösenord (wrong e-mail or password)")
    await repository.clear_failures(email)
    await repository.delete_expired_sessions(now)
    token = new_token()
    expires_at = now + timedelta(hours=settings.session_absolute_hours)
    await repository.insert_session(token_hash(token), row["id"], now, expires_at)
    return _current(row), token


async def record_login_failure(email: str) -> None:
    """Count a failed login against the address, and forget failures too old to count."""
    now = clock.now()
    await repository.insert_failure(email.lower(), now)
    await repository.delete_failures_before(now - _failure_window())


async def logout(token: str) -> None:
    await repository.delete_session(token_hash(token))


async def user_for_session(token: str) -> CurrentUser | None:
    """The user of a live session: within its absolute lifetime and its idle timeout."""
    row = await repository.session_by_hash(token_hash(token))
    if row is None or not row["active"]:
        return None
    now = clock.now()
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    if now >= row["expires_at"] or now - row["last_seen_at"] > idle:
        await repository.delete_session(token_hash(token))
        return None
    if now - row["last_seen_at"] > _TOUCH_EVERY:
        await repository.touch_session(row["session_id"], now)
    return _current(row)


async def user_for_api_token(token: str) -> CurrentUser | None:
    row = await repository.token_by_hash(token_hash(token))
    now = clock.now()
    if row is None or not row["active"] or row["revoked_at"] is not None:
        return None
    if row["expires_at"] is not None and now >= row["expires_at"]:
        return None
    if row["last_used_at"] is None or now - row["last_used_at"] > _TOUCH_EVERY:
        await repository.touch_token(row["token_id"], now)
    return _current(row)


async def create_user(actor: Actor, data: UserCreate) -> UserRead:
    email = data.email.lower()
    if await repository.email_taken(email):
        raise Conflict("Det finns redan ett konto med den e-postadressen (e-mail taken)", field="email")
    user_id = await repository.insert_user(
        {
            "email": email,
            "name": data.name,
            "role": data.role,
            "password_hash": hash_password(data.password),
            "active": True,
            "created_at": clock.now(),
        }
    )
    user = UserRead(**await repository.user_by_id(user_id))
    await audit.record(actor, "create", "user", user_id, after=user)
    return user


async def users() -> list[UserRead]:
    return [UserRead(**row) for row in await repository.users()]


async def users_by_ids(ids: list[int]) -> dict[int, UserRead]:
    """The users with these ids, active or not (UserRead.active tells), by id."""
    rows = await repository.users_by_ids(sorted(set(ids)))
    return {row["id"]: UserRead(**row) for row in rows}


async def user_by_email(email: str) -> UserRead | None:
    row = await repository.user_by_email(email.lower())
    return UserRead(**row) if row else None


async def create_api_token(actor: Actor, user_id: int, data: TokenCreate) -> TokenCreated:
    token = new_token()
    now = clock.now()
    expires_at = now + timedelta(days=data.expires_in_days) if data.expires_in_days else None
    token_id = await repository.insert_token(
        {
            "user": user_id,
            "name": data.name,
            "token_hash": token_hash(token),
            "created_at": now,
            "expires_at": expires_at,
        }
    )
    created = TokenRead(**await repository.token(token_id, user_id))
    await audit.record(actor, "create", "api_token", token_id, after=created)
    return TokenCreated(**created.model_dump(), token=token)


async def api_tokens(user_id: int) -> list[TokenRead]:
    return [TokenRead(**row) for row in await repository.tokens_of(user_id)]


async def revoke_api_token(actor: Actor, user_id: int, token_id: int) -> TokenRead:
    """Revoke one of the user's own tokens; another user's token is not found (404)."""
    before = await repository.token(token_id, user_id)
    if before is None:
        raise NotFound("API-nyckeln finns inte (token not found)")
    # Conditional on revoked_at still being empty, so two revokes, even concurrent ones,
    # cannot both succeed and write two audit events.
    if before["revoked_at"] is not None or not await repository.revoke_token(
        token_id, clock.now()
    ):
        raise Conflict("API-nyckeln är redan återkallad (token already revoked)")
    after = TokenRead(**await repository.token(token_id, user_id))
    await audit.record(actor, "revoke", "api_token", token_id, before=TokenRead(**before), after=after)
    return after
