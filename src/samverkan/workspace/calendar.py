"""The personal iCalendar feed: a secret, revocable URL per coordinator.

The page explains how to subscribe and makes or revokes the feed. The feed's URL is shown
once, in the answer to the POST that made it (never in a redirect's URL, a log line or the
audit trail); the feed itself is read without a session, by its token alone.
"""

from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.params import PathParameter
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from samverkan.accounts.service import CurrentUser
from samverkan.db import write_transaction
from samverkan.errors import NotFound
from samverkan.workspace import service
from samverkan.workspace.pages import NOTICES, SIGNED_IN, SignedIn, workspace_page

PAGE = "/workspace/calendar"

NOTICES.update({
    "cal_revoked": "cal_revoked_notice",
    "cal_none": "cal_none_notice",
})

# The token of a feed never reaches a log line, whichever logger would name the path.
service.hide_tokens_in_logs()


async def _page(request: Request, user: CurrentUser, *, status_code: int = 200,
                new_feed: service.NewFeed | None = None) -> Template:
    feed = new_feed or await service.active_feed(user.id)
    return workspace_page(
        request, user, "calendar.html", status_code=status_code, current="calendar",
        feed=feed, new_feed=new_feed, days_back=service.DAYS_BACK,
        days_ahead=service.DAYS_AHEAD,
    )


class CalendarPages(Controller):
    """The calendar page: how to subscribe, make a feed, revoke it."""

    path = "/calendar"
    include_in_schema = False
    dependencies = SIGNED_IN

    @get("/")
    async def calendar_page(self, request: Request, user: SignedIn) -> Template:
        return await _page(request, user)

    @post("/")
    async def create_feed(self, request: Request, user: SignedIn) -> Template:
        """Make a new feed and show its URL in this answer, the one time it is shown: the
        page is not a redirect, so the secret is in no URL and no browser history. A
        feed is the user's own, not a change of anything shared: viewers may have one."""
        async with write_transaction():
            created = await service.create_feed(user)
        return await _page(request, user, status_code=201, new_feed=created)

    @post("/revoke")
    async def revoke_feed(self, request: Request, user: SignedIn) -> Response:
        async with write_transaction():
            revoked = await service.revoke_feed(user)
        return Redirect(f"{PAGE}?done={'cal_revoked' if revoked else 'cal_none'}",
                        status_code=303)


class CalendarFeed(Controller):
    """The feed a calendar program fetches: no session, the token is the key."""

    path = "/calendar/feed"
    include_in_schema = False

    @get("/{name:str}", media_type="text/calendar")
    async def feed(self, name: Annotated[str, PathParameter()]) -> Response[bytes]:
        if not name.endswith(".ics"):
            raise NotFound(service.NOT_FOUND)
        body = await service.feed(name.removesuffix(".ics"))
        return Response(body, media_type="text/calendar", headers={
            "Content-Disposition": 'inline; filename="samverkan.ics"',
        })


# The controllers this module adds to the workspace router (routes.py).
ROUTES: list[ControllerRouterHandler] = [CalendarPages, CalendarFeed]
