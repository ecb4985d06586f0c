"""HTTP routes of agreements: the agreement, its parties, focus areas, goals, commitments,
follow-ups, lifecycle and history."""

from datetime import date
from typing import Annotated

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import FromQuery, JSONBody, QueryParameter

from samverkan.accounts.service import CurrentUser
from samverkan.agreements import service
from samverkan.agreements.schemas import (
    AgreementCreate,
    AgreementRead,
    AgreementStatusChange,
    AgreementSummary,
    AgreementUpdate,
    CommitmentCreate,
    CommitmentRead,
    CommitmentStatusChange,
    CommitmentUpdate,
    CoordinatorAdd,
    FocusAreaCreate,
    FocusAreaRead,
    FocusAreaUpdate,
    FollowUpCreate,
    FollowUpRead,
    FollowUpUpdate,
    GoalCreate,
    GoalRead,
    GoalUpdate,
    PartyCreate,
    PartyRead,
    PartyUpdate,
    ProgressReportRead,
)
from samverkan.agreements.tables import AgreementKind, AgreementStatus
from samverkan.audit.schemas import AuditEventRead
from samverkan.db import write_transaction
from samverkan.http import IF_MATCH, Limit, Offset, PathId, expected_version, with_etag
from samverkan.schemas import MAX_ID, Page
from samverkan.settings import get_settings

User = Request[CurrentUser, None, None]
IfMatch = Annotated[str | None, IF_MATCH]


def _page_size(limit: int) -> int:
    return min(limit, get_settings().max_page_size)


class AgreementController(Controller):
    path = "/api/agreements"
    tags = ["Överenskommelser (agreements)"]

    @get("/")
    async def list_agreements(
        self,
        status: Annotated[
            list[AgreementStatus] | None, QueryParameter(description="One or more statuses")
        ] = None,
        kind: FromQuery[AgreementKind | None] = None,
        municipality: Annotated[
            str | None, QueryParameter(pattern=r"^\d{4}$", description="Municipality code, e.g. 0180")
        ] = None,
        organization: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID, description="Organisation id of a party")] = None,
        ending_before: Annotated[
            date | None, QueryParameter(description="Period ends before this date")
        ] = None,
        q: Annotated[
            str | None,
            QueryParameter(max_length=200, description="Free text: title, diarienummer, party name"),
        ] = None,
        local_police_area: Annotated[
            int | None, QueryParameter(ge=1, le=MAX_ID, description="Local police area id")
        ] = None,
        coordinator: Annotated[
            int | None,
            QueryParameter(ge=1, le=MAX_ID, description="User id of one of the coordinators"),
        ] = None,
        sort: Annotated[
            str,
            QueryParameter(description="title, period_start, period_end, updated_at, created_at, "
                      "status, registration_number or id; prefix - for descending"),
        ] = "-updated_at",
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[Page[AgreementSummary]]:
        limit = _page_size(limit)
        # A Page model, or on PostgreSQL the same page already encoded (the hot read path).
        body = await service.agreements_response(
            statuses=status or [],
            kind=kind,
            municipality_code=municipality,
            organization_id=organization,
            ending_before=ending_before,
            text=q,
            sort=sort,
            limit=limit,
            offset=offset,
            local_police_area_id=local_police_area,
            coordinator_user_id=coordinator,
        )
        return Response(body)

    @post("/")
    async def create_agreement(self, request: User, data: JSONBody[AgreementCreate]) -> Response[AgreementRead]:
        """Register an agreement as a draft, optionally with its parties in the same call."""
        async with write_transaction():
            created = await service.create_agreement(request.user.actor, data)
        return with_etag(created, created.version, 201)

    @get("/{agreement_id:int}")
    async def get_agreement(self, agreement_id: PathId) -> Response[AgreementRead]:
        """The whole agreement: parties, focus areas, goals, commitments and follow-ups."""
        # An AgreementRead, or on PostgreSQL the same agreement already encoded.
        body, version = await service.agreement_response(agreement_id)
        return with_etag(body, version)

    @patch("/{agreement_id:int}")
    async def update_agreement(
        self, request: User, agreement_id: PathId, data: JSONBody[AgreementUpdate], if_match: IfMatch = None
    ) -> Response[AgreementRead]:
        async with write_transaction():
            updated = await service.update_agreement(
                request.user.actor, agreement_id, data, expected_version(if_match)
            )
        return with_etag(updated, updated.version)

    @post("/{agreement_id:int}/status", status_code=200)
    async def change_status(
        self, request: User, agreement_id: PathId, data: JSONBody[AgreementStatusChange], if_match: IfMatch = None
    ) -> Response[AgreementRead]:
        """Move the lifecycle; an illegal move answers 409 and names what is allowed."""
        async with write_transaction():
            updated = await service.change_agreement_status(
                request.user.actor, agreement_id, data, expected_version(if_match, required=False)
            )
        return with_etag(updated, updated.version)

    @get("/{agreement_id:int}/history")
    async def history(
        self, agreement_id: PathId, limit: Limit = 100, offset: Offset = 0
    ) -> Page[AuditEventRead]:
        """The audit trail: every write to the agreement and what is in it, oldest first."""
        limit = _page_size(limit)
        items, total = await service.history(agreement_id, limit, offset)
        return Page(items=items, total=total, limit=limit, offset=offset)

    # --- coordinators ----------------------------------------------------------------------

    @post("/{agreement_id:int}/coordinators")
    async def add_coordinator(
        self, request: User, agreement_id: PathId, data: JSONBody[CoordinatorAdd]
    ) -> Response[AgreementRead]:
        """Make an active user a coordinator; answers with the agreement and its new ETag."""
        async with write_transaction():
            updated = await service.add_coordinator(request.user.actor, agreement_id, data.user_id)
        return with_etag(updated, updated.version, 201)

    @delete("/{agreement_id:int}/coordinators/{user_id:int}")
    async def remove_coordinator(self, request: User, agreement_id: PathId, user_id: PathId) -> None:
        async with write_transaction():
            await service.remove_coordinator(request.user.actor, agreement_id, user_id)

    # --- parties ---------------------------------------------------------------------------

    @get("/{agreement_id:int}/parties")
    async def list_parties(self, agreement_id: PathId) -> list[PartyRead]:
        return await service.parties(agreement_id)

    @post("/{agreement_id:int}/parties")
    async def add_party(self, request: User, agreement_id: PathId, data: JSONBody[PartyCreate]) -> Response[PartyRead]:
        async with write_transaction():
            created = await service.add_party(request.user.actor, agreement_id, data)
        return with_etag(created, created.version, 201)

    @patch("/{agreement_id:int}/parties/{party_id:int}")
    async def update_party(
        self, request: User, agreement_id: PathId, party_id: PathId, data: JSONBody[PartyUpdate],
        if_match: IfMatch = None,
    ) -> Response[PartyRead]:
        async with write_transaction():
            updated = await service.update_party(
                request.user.actor, agreement_id, party_id, data, expected_version(if_match)
            )
        return with_etag(updated, updated.version)

    @delete("/{agreement_id:int}/parties/{party_id:int}")
    async def remove_party(
        self, request: User, agreement_id: PathId, party_id: PathId, if_match: IfMatch = None
    ) -> None:
        async with write_transaction():
            await service.remove_party(
                request.user.actor, agreement_id, party_id, expected_version(if_match, required=False)
            )

    # --- focus areas -----------------------------------------------------------------------

    @get("/{agreement_id:int}/focus-areas")
    async def list_focus_areas(self, agreement_id: PathId) -> list[FocusAreaRead]:
        return (await service.agreement(agreement_id)).focus_areas

    @post("/{agreement_id:int}/focus-areas")
    async def add_focus_area(
        self, request: User, agreement_id: PathId, data: JSONBody[FocusAreaCreate]
    ) -> Response[FocusAreaRead]:
        async with write_transaction():
            created = await service.add_focus_area(request.user.actor, agreement_id, data)
        return with_etag(created, created.version, 201)

    @patch("/{agreement_id:int}/focus-areas/{focus_area_id:int}")
    async def update_focus_area(
        self, request: User, agreement_id: PathId, focus_area_id: PathId, data: JSONBody[FocusAreaUpdate],
        if_match: IfMatch = None,
    ) -> Response[FocusAreaRead]:
        async with write_transaction():
            updated = await service.update_focus_area(
                request.user.actor, agreement_id, focus_area_id, data, expected_version(if_match)
            )
        return with_etag(updated, updated.version)

    @delete("/{agreement_id:int}/focus-areas/{focus_area_id:int}")
    async def remove_focus_area(
        self, request: User, agreement_id: PathId, focus_area_id: PathId, if_match: IfMatch = None
    ) -> None:
        async with write_transaction():
            await service.remove_focus_area(
                request.user.actor, agreement_id, focus_area_id,
                expected_version(if_match, required=False),
            )

    # --- goals -----------------------------------------------------------------------------

    @get("/{agreement_id:int}/goals")
    async def list_goals(self, agreement_id: PathId) -> list[GoalRead]:
        return (await service.agreement(agreement_id)).goals

    @post("/{agreement_id:int}/goals")
    async def add_goal(self, request: User, agreement_id: PathId, data: JSONBody[GoalCreate]) -> Response[GoalRead]:
        async with write_transaction():
            created = await service.add_goal(request.user.actor, agreement_id, data)
        return with_etag(created, created.version, 201)

    @patch("/{agreement_id:int}/goals/{goal_id:int}")
    async def update_goal(
        self, request: User, agreement_id: PathId, goal_id: PathId, data: JSONBody[GoalUpdate],
        if_match: IfMatch = None,
    ) -> Response[GoalRead]:
        async with write_transaction():
            updated = await service.update_goal(
                request.user.actor, agreement_id, goal_id, data, expected_version(if_match)
            )
        return with_etag(updated, updated.version)

    @delete("/{agreement_id:int}/goals/{goal_id:int}")
    async def remove_goal(
        self, request: User, agreement_id: PathId, goal_id: PathId, if_match: IfMatch = None
    ) -> None:
        async with write_transaction():
            await service.remove_goal(
                request.user.actor, agreement_id, goal_id, expected_version(if_match, required=False)
            )

    # --- commitments -----------------------------------------------------------------------

    @get("/{agreement_id:int}/commitments")
    async def list_commitments(
        self, agreement_id: PathId, party: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID, description="Party id")] = None
    ) -> list[CommitmentRead]:
        return await service.commitments(agreement_id, party)

    @post("/{agreement_id:int}/commitments")
    async def add_commitment(
        self, request: User, agreement_id: PathId, data: JSONBody[CommitmentCreate]
    ) -> Response[CommitmentRead]:
        async with write_transaction():
            created = await service.add_commitment(request.user.actor, agreement_id, data)
        return with_etag(created, created.version, 201)

    # --- follow-ups ------------------------------------------------------------------------

    @get("/{agreement_id:int}/follow-ups")
    async def list_follow_ups(self, agreement_id: PathId) -> list[FollowUpRead]:
        return await service.follow_ups(agreement_id)

    @post("/{agreement_id:int}/follow-ups")
    async def add_follow_up(
        self, request: User, agreement_id: PathId, data: JSONBody[FollowUpCreate]
    ) -> Response[FollowUpRead]:
        async with write_transaction():
            created = await service.add_follow_up(request.user.actor, agreement_id, data)
        return with_etag(created, created.version, 201)

    @patch("/{agreement_id:int}/follow-ups/{follow_up_id:int}")
    async def update_follow_up(
        self, request: User, agreement_id: PathId, follow_up_id: PathId, data: JSONBody[FollowUpUpdate],
        if_match: IfMatch = None,
    ) -> Response[FollowUpRead]:
        async with write_transaction():
            updated = await service.update_follow_up(
                request.user.actor, agreement_id, follow_up_id, data, expected_version(if_match)
            )
        return with_etag(updated, updated.version)

    @delete("/{agreement_id:int}/follow-ups/{follow_up_id:int}")
    async def remove_follow_up(
        self, request: User, agreement_id: PathId, follow_up_id: PathId, if_match: IfMatch = None
    ) -> None:
        async with write_transaction():
            await service.remove_follow_up(
                request.user.actor, agreement_id, follow_up_id,
                expected_version(if_match, required=False),
            )


class CommitmentController(Controller):
    path = "/api/commitments"
    tags = ["Åtaganden (commitments)"]

    @get("/{commitment_id:int}")
    async def get_commitment(self, commitment_id: PathId) -> Response[CommitmentRead]:
        found = await service.commitment(commitment_id)
        return with_etag(found, found.version)

    @patch("/{commitment_id:int}")
    async def update_commitment(
        self, request: User, commitment_id: PathId, data: JSONBody[CommitmentUpdate], if_match: IfMatch = None
    ) -> Response[CommitmentRead]:
        """Change a commitment; changing what a confirmed one says resets its confirmation."""
        async with write_transaction():
            updated = await service.update_commitment(
                request.user.actor, commitment_id, data, expected_version(if_match)
            )
        return with_etag(updated, updated.version)

    @get("/{commitment_id:int}/reports")
    async def list_progress_reports(self, commitment_id: PathId) -> list[ProgressReportRead]:
        """The owning party's progress reports on the commitment, newest first."""
        await service.commitment(commitment_id)
        return await service.progress_reports(commitment_id)

    @post("/{commitment_id:int}/status", status_code=200)
    async def change_status(
        self, request: User, commitment_id: PathId, data: JSONBody[CommitmentStatusChange],
        if_match: IfMatch = None,
    ) -> Response[CommitmentRead]:
        """Confirm, decline (with a comment), start, finish or cancel a commitment."""
        async with write_transaction():
            updated = await service.change_commitment_status(
                request.user.actor, commitment_id, data, expected_version(if_match, required=False)
            )
        return with_etag(updated, updated.version)
