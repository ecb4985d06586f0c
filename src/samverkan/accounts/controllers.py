"""HTTP routes of accounts: login, logout, the signed-in user, API tokens and users."""

from litestar import Controller, Request, Response, delete, get, post
from litestar.params import JSONBody

from samverkan.accounts import service
from samverkan.accounts.auth import admins_only, session_cookie
from samverkan.accounts.schemas import (
    LoginRequest,
    TokenCreate,
    TokenCreated,
    TokenRead,
    UserCreate,
    UserRead,
)
from samverkan.accounts.service import CurrentUser
from samverkan.db import write_transaction
from samverkan.http import PathId
from samverkan.settings import get_settings


class AuthController(Controller):
    path = "/api/auth"
    tags = ["Inloggning (auth)"]

    @post("/login", exclude_from_auth=True, status_code=200)
    async def login(self, data: JSONBody[LoginRequest]) -> Response[UserRead]:
        """Sign in with e-mail and password; answers with a session cookie."""
        try:
            async with write_transaction():
                user, token = await service.login(data.email, data.password)
        except service.LoginRefused:
            # The login's own transaction was rolled back; the failure must outlive it.
            async with write_transaction():
                await service.record_login_failure(data.email)
            raise
        max_age = get_settings().session_absolute_hours * 3600
        body = UserRead(id=user.id, email=user.email, name=user.name, role=user.role, active=True)
        return Response(body, cookies=[session_cookie(token, max_age)])

    @post("/logout", status_code=200, any_role=True)
    async def logout(self, request: Request) -> Response[dict]:
        """End the session on the server and clear the cookie."""
        cookie = request.cookies.get(get_settings().session_cookie_name)
        if cookie:
            await service.logout(cookie)
        return Response({"detail": "Utloggad (logged out)"}, cookies=[session_cookie("", 0)])

    @get("/me")
    async def me(self, request: Request[CurrentUser, None, None]) -> UserRead:
        user = request.user
        return UserRead(id=user.id, email=user.email, name=user.name, role=user.role, active=True)

    @get("/tokens")
    async def tokens(self, request: Request[CurrentUser, None, None]) -> list[TokenRead]:
        return await service.api_tokens(request.user.id)

    @post("/tokens", any_role=True)
    async def create_token(
        self, request: Request[CurrentUser, None, None], data: JSONBody[TokenCreate]
    ) -> TokenCreated:
        """Create a personal API token; the token itself is shown only in this answer."""
        async with write_transaction():
            return await service.create_api_token(request.user.actor, request.user.id, data)

    @delete("/tokens/{token_id:int}", status_code=200, any_role=True)
    async def revoke_token(
        self, request: Request[CurrentUser, None, None], token_id: PathId
    ) -> TokenRead:
        async with write_transaction():
            return await service.revoke_api_token(request.user.actor, request.user.id, token_id)


class UserController(Controller):
    path = "/api/users"
    tags = ["Användare (users)"]
    guards = [admins_only]

    @get("/")
    async def list_users(self) -> list[UserRead]:
        return await service.users()

    @post("/")
    async def create_user(self, request: Request[CurrentUser, None, None], data: JSONBody[UserCreate]) -> UserRead:
        async with write_transaction():
            return await service.create_user(request.user.actor, data)
