"""The users of the service (admins only): who has an account, with which role, and a form
to make a new one. The rules are the API's (accounts.service, accounts.schemas)."""

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler
from pydantic import ValidationError

from samverkan.accounts import service as accounts
from samverkan.accounts.schemas import UserCreate
from samverkan.accounts.service import CurrentUser
from samverkan.accounts.tables import Role
from samverkan.db import write_transaction
from samverkan.errors import Conflict
from samverkan.web.forms import EMAIL_MAX, NAME_MAX, check_text
from samverkan.web.i18n import choose_language, translate
from samverkan.workspace.pages import NOTICES, SIGNED_IN, SignedIn, admin_only, workspace_page

USERS = "/workspace/users"
# As UserCreate: at least 12 characters, and no more than anyone types.
PASSWORD_MIN = 12
PASSWORD_MAX = 1000
ROLES = [role.value for role in Role]

NOTICES.update({"dr_user_created": "dr_user_created_notice"})

_MESSAGES = {"email": "dr_email_invalid", "name": "dr_user_name_required",
             "role": "dr_role_required", "password": "dr_password_too_short"}


def _read(form: Any, lang: str) -> tuple[dict[str, str], dict[str, str], UserCreate | None]:
    values = {name: str(form.get(name, "")).strip() for name in ("name", "email", "role")}
    password = str(form.get("password", ""))
    errors: dict[str, str] = {}
    check_text(errors, lang, "name", values["name"], NAME_MAX, required="dr_user_name_required",
               too_long="dr_name_too_long")
    check_text(errors, lang, "email", values["email"], EMAIL_MAX, required="dr_email_required",
               too_long="dr_email_invalid")
    if values["role"] not in ROLES:
        errors["role"] = translate(lang, "dr_role_required")
    if len(password) < PASSWORD_MIN:
        errors["password"] = translate(lang, "dr_password_too_short", min=PASSWORD_MIN)
    elif len(password) > PASSWORD_MAX:
        errors["password"] = translate(lang, "dr_password_too_long", max=PASSWORD_MAX)
    data = None
    if not errors:
        try:
            data = UserCreate(name=values["name"], email=values["email"], role=values["role"],
                              password=password)
        except ValidationError as exc:
            for problem in exc.errors():
                field = str(problem["loc"][0]) if problem["loc"] else "name"
                field = field if field in _MESSAGES else "name"
                errors.setdefault(field, translate(lang, _MESSAGES[field], min=PASSWORD_MIN))
    return values, errors, data


class UserPages(Controller):
    """The list of users and the form that makes one."""

    path = "/users"
    include_in_schema = False
    dependencies = SIGNED_IN

    async def _page(self, request: Request, user: CurrentUser, *, values: dict[str, str],
                    errors: dict[str, str] | None = None, status_code: int = 200) -> Template:
        lang = choose_language(request)
        roles = [(role, translate(lang, f"dr_role_{role}")) for role in ROLES]
        return workspace_page(
            request, user, "users.html", status_code=status_code, current="users",
            users=await accounts.users(), roles=roles, values=values, errors=errors or {},
            password_min=PASSWORD_MIN,
        )

    @get("/")
    async def users(self, request: Request, user: SignedIn) -> Template:
        admin_only(user)
        return await self._page(request, user,
                                values={"name": "", "email": "", "role": Role.coordinator.value})

    @post("/")
    async def create_user(self, request: Request, user: SignedIn) -> Response:
        admin_only(user)
        lang = choose_language(request)
        values, errors, data = _read(await request.form(), lang)
        if errors:
            # The password is never sent back into the page: it is typed again.
            return await self._page(request, user, values=values, errors=errors,
                                    status_code=400)
        try:
            async with write_transaction():
                await accounts.create_user(user.actor, data)
        except Conflict:
            return await self._page(
                request, user, values=values, status_code=409,
                errors={"email": translate(lang, "dr_email_taken", email=data.email)},
            )
        return Redirect(f"{USERS}?done=dr_user_created", status_code=303)


# The controllers this module adds to the workspace router (routes.py).
ROUTES: list[ControllerRouterHandler] = [UserPages]
