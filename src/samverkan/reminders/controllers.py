"""The outbox and the planned reminders, for coordinators (JSON API)."""

from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.params import QueryParameter

from samverkan.accounts.service import CurrentUser
from samverkan.agreements import service as agreements
from samverkan.db import write_transaction
from samverkan.http import Limit, Offset, PathId
from samverkan.reminders import service
from samverkan.reminders.schemas import MessageState, OutboxMessageRead, PlannedReminder
from samverkan.schemas import Page

User = Request[CurrentUser, None, None]


def coordinators_only(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """The outbox holds people's addresses: coordinators and admins only, also to read."""
    if not connection.user.may_write:
        raise PermissionDeniedException(
            "Endast samordnare och administratörer (coordinators and administrators only)"
        )


class OutboxController(Controller):
    path = "/api/outbox"
    tags = ["Påminnelser (reminders)"]
    guards = [coordinators_only]

    @get("/")
    async def list_outbox(
        self,
        status: Annotated[MessageState | None, QueryParameter(description="Only this status")] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[OutboxMessageRead]:
        items, total = await service.outbox(status.value if status else None, limit, offset)
        return Page(items=items, total=total, limit=limit, offset=offset)

    @post("/{message_id:int}/retry", status_code=200)
    async def retry(self, request: User, message_id: PathId) -> OutboxMessageRead:
        async with write_transaction():
            return await service.retry(request.user.actor, message_id)


class PlannedRemindersController(Controller):
    path = "/api/agreements"
    tags = ["Påminnelser (reminders)"]
    guards = [coordinators_only]

    @get("/{agreement_id:int}/reminders")
    async def planned(
        self,
        agreement_id: PathId,
        days: Annotated[int, QueryParameter(ge=1, le=400, description="How far ahead")] = 120,
    ) -> list[PlannedReminder]:
        await agreements.agreement(agreement_id)  # 404 for an unknown agreement
        return await service.planned(agreement_id, days)
