"""The workspace router: every page under /workspace, its language switch, and the one place
that sends a visitor without a session to sign in."""

from litestar import Router

from samverkan.web.routes import switch_language
from samverkan.workspace import (
    agreement_page,
    calendar,
    directory,
    outbox,
    registration,
    texts,  # noqa: F401  (adds the workspace's words to the catalogue)
    today,
    users,
)
from samverkan.workspace.pages import PREFIX, NotSignedIn, SignInPages, to_login

workspace_router = Router(
    path=PREFIX,
    route_handlers=[
        SignInPages,
        switch_language,
        *today.ROUTES,
        *registration.ROUTES,
        *agreement_page.ROUTES,
        *directory.ROUTES,
        *calendar.ROUTES,
        *users.ROUTES,
        *outbox.ROUTES,
    ],
    exception_handlers={NotSignedIn: to_login},
    include_in_schema=False,
)
