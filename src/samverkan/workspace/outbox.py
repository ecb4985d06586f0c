"""The e-mail the service sends (reminders, invitations, sign-in links): what failed, what
waits, what went out – and a failed message sent again. Coordinators and admins, as the
API's outbox (its recipients are personal data)."""

import math
from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.params import PathParameter
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from samverkan.accounts.service import CurrentUser
from samverkan.db import write_transaction
from samverkan.errors import Conflict
from samverkan.reminders import service as reminders
from samverkan.reminders.schemas import MessageState
from samverkan.web.forms import checked_id
from samverkan.web.i18n import choose_language, translate
from samverkan.workspace.directory import page_links, page_number
from samverkan.workspace.pages import NOTICES, SIGNED_IN, SignedIn, may_write, workspace_page

Id = Annotated[int, PathParameter()]
OUTBOX = "/workspace/outbox"
PAGE_SIZE = 25
# The tabs, in the order a coordinator looks: what needs them first. (A message is
# "sending" only for the moments a delivery pass holds it.)
TABS = ("failed", "pending", "sent", "cancelled")
# Kinds of message the page names; any other kind is shown as stored.
KINDS = ("digest", "portal_invitation", "portal_commitment_changed", "portal_sign_in")

NOTICES.update({"dr_retried": "dr_retried_notice"})


def _status(request: Request) -> str:
    status = request.query_params.get("status", "failed")
    return status if status in TABS else "failed"


class OutboxPages(Controller):
    path = "/outbox"
    include_in_schema = False
    dependencies = SIGNED_IN

    async def _page(self, request: Request, user: CurrentUser, status: str, *,
                    page: int = 1, status_code: int = 200,
                    problem: str | None = None) -> Template:
        messages, total = await reminders.outbox(status, PAGE_SIZE,
                                                 (page - 1) * PAGE_SIZE)
        failed = [m.id for m in messages if m.status == MessageState.failed]
        links = await reminders.link_messages(failed) if failed else set()
        pages = max(1, math.ceil(total / PAGE_SIZE))
        return workspace_page(
            request, user, "outbox.html", status_code=status_code, status=status, tabs=TABS,
            messages=messages, total=total, link_messages=links, kinds=KINDS, problem=problem,
            current="outbox",
            pager=page_links(OUTBOX, {"status": status}, page, pages),
        )

    @get("/")
    async def outbox(self, request: Request, user: SignedIn) -> Template:
        may_write(user)
        return await self._page(request, user, _status(request), page=page_number(request))

    @post("/{message_id:int}/retry")
    async def retry(self, request: Request, user: SignedIn, message_id: Id) -> Response:
        may_write(user)
        message_id = checked_id(message_id)
        try:
            async with write_transaction():
                await reminders.retry(user.actor, message_id)
        except Conflict:
            lang = choose_language(request)
            holds_link = message_id in await reminders.link_messages([message_id])
            problem = translate(lang, "dr_retry_link" if holds_link else "dr_retry_not_failed")
            return await self._page(request, user, "failed", status_code=409, problem=problem)
        return Redirect(f"{OUTBOX}?status=failed&done=dr_retried", status_code=303)


# The controllers this module adds to the workspace router (routes.py).
ROUTES: list[ControllerRouterHandler] = [OutboxPages]
