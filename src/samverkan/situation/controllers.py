"""HTTP routes of the lägesbild: the indicator catalogue, rounds, inputs and the joint picture."""

import csv
import io
from typing import Annotated

from litestar import Controller, Request, Response, get, post, put
from litestar.params import JSONBody, QueryParameter

from samverkan.accounts.service import CurrentUser
from samverkan.db import write_transaction
from samverkan.documents import controllers as document_controllers
from samverkan.documents import service as documents
from samverkan.errors import NotFound
from samverkan.http import IF_MATCH, PathId, expected_version, with_etag
from samverkan.schemas import MAX_ID
from samverkan.situation import service
from samverkan.situation.schemas import (
    IndicatorCreate,
    IndicatorRead,
    InputRead,
    InputWrite,
    JointPicture,
    ReturnInput,
    RoundCreate,
    RoundRead,
)

User = Request[CurrentUser, None, None]
IfMatch = Annotated[str | None, IF_MATCH]
RoundQuery = Annotated[
    int | None, QueryParameter(ge=1, le=MAX_ID, description="A round id; default the latest")
]


class IndicatorController(Controller):
    path = "/api/indicators"
    tags = ["Lägesbild (situation picture)"]

    @get("/")
    async def list_indicators(self) -> list[IndicatorRead]:
        return await service.indicators()

    @post("/")
    async def create_indicator(self, request: User, data: JSONBody[IndicatorCreate]) -> IndicatorRead:
        async with write_transaction():
            return await service.create_indicator(request.user.actor, data)


class SituationController(Controller):
    path = "/api/agreements"
    tags = ["Lägesbild (situation picture)"]

    @get("/{agreement_id:int}/rounds")
    async def list_rounds(self, agreement_id: PathId) -> list[RoundRead]:
        return await service.rounds(agreement_id)

    @post("/{agreement_id:int}/rounds")
    async def create_round(self, request: User, agreement_id: PathId,
                           data: JSONBody[RoundCreate]) -> Response[RoundRead]:
        """Open a round: the period, a deadline and which indicators each party is asked for."""
        async with write_transaction():
            created = await service.create_round(request.user.actor, agreement_id, data)
        return with_etag(created, created.version, status_code=201)

    @get("/{agreement_id:int}/situation")
    async def joint_picture(self, agreement_id: PathId, round: RoundQuery = None) -> JointPicture:
        """The joint picture of a round (coordinators see internal inputs, marked internal)."""
        return await service.joint_picture(agreement_id, round)

    @get("/{agreement_id:int}/situation.csv", media_type="text/csv")
    async def joint_picture_csv(self, agreement_id: PathId, round: RoundQuery = None) -> Response[str]:
        """The joint picture as CSV, as shared with all parties: internal inputs left out."""
        picture = await service.joint_picture(agreement_id, round, service.EXPORT)
        return Response(
            _csv(picture), media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="lagesbild-{agreement_id}-'
                                            f'{picture.round.period}.csv"'},
        )


def _csv(picture: JointPicture) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["indikator", "namn", "enhet", "part", "plats", *picture.periods,
                     "förändring"])
    for block in picture.indicators:
        for row in block.rows:
            writer.writerow([
                block.indicator.code, block.indicator.name_sv, block.indicator.unit,
                row.organization, row.place,
                *["" if h.value is None else f"{h.value:g}".replace(".", ",") for h in row.history],
                "" if row.change is None else f"{row.change:g}".replace(".", ","),
            ])
    # A byte-order mark, so that Excel opens the Swedish letters right.
    return "\ufeff" + out.getvalue()


class RoundController(Controller):
    path = "/api/rounds"
    tags = ["Lägesbild (situation picture)"]

    @get("/{round_id:int}")
    async def get_round(self, round_id: PathId) -> Response[RoundRead]:
        found = await service.round_(round_id)
        return with_etag(found, found.version)

    @post("/{round_id:int}/close", status_code=200)
    async def close_round(self, request: User, round_id: PathId,
                          if_match: IfMatch = None) -> Response[RoundRead]:
        async with write_transaction():
            closed = await service.close_round(
                request.user.actor, round_id, expected_version(if_match, required=False)
            )
        return with_etag(closed, closed.version)

    @get("/{round_id:int}/inputs")
    async def list_inputs(self, round_id: PathId) -> list[InputRead]:
        return await service.inputs(round_id)

    @get("/{round_id:int}/inputs/{party_id:int}")
    async def get_input(self, round_id: PathId, party_id: PathId) -> Response[InputRead]:
        found = await service.input_(round_id, party_id)
        if found is None:
            raise NotFound(service.INPUT_NOT_FOUND)
        return with_etag(found, found.version)

    @put("/{round_id:int}/inputs/{party_id:int}")
    async def save_input(self, request: User, round_id: PathId, party_id: PathId,
                         data: JSONBody[InputWrite], if_match: IfMatch = None) -> Response[InputRead]:
        """Save a party's input as a draft, on its behalf (partners use the portal)."""
        async with write_transaction():
            saved = await service.save_input(request.user.actor, round_id, party_id, data,
                                             expected_version(if_match, required=False))
        return with_etag(saved, saved.version)

    @post("/{round_id:int}/inputs/{party_id:int}/submit", status_code=200)
    async def submit_input(self, request: User, round_id: PathId, party_id: PathId,
                           if_match: IfMatch = None) -> Response[InputRead]:
        async with write_transaction():
            moved = await service.submit_input(request.user.actor, round_id, party_id,
                                               expected_version(if_match, required=False))
        return with_etag(moved, moved.version)

    @post("/{round_id:int}/inputs/{party_id:int}/accept", status_code=200)
    async def accept_input(self, request: User, round_id: PathId, party_id: PathId,
                           if_match: IfMatch = None) -> Response[InputRead]:
        async with write_transaction():
            moved = await service.accept_input(request.user.actor, round_id, party_id,
                                               expected_version(if_match, required=False))
        return with_etag(moved, moved.version)

    @post("/{round_id:int}/inputs/{party_id:int}/return", status_code=200)
    async def return_input(self, request: User, round_id: PathId, party_id: PathId,
                           data: JSONBody[ReturnInput], if_match: IfMatch = None) -> Response[InputRead]:
        """Send an input back to the party with a comment; it can then change and resubmit."""
        async with write_transaction():
            moved = await service.return_input(request.user.actor, round_id, party_id,
                                               data.comment,
                                               expected_version(if_match, required=False))
        return with_etag(moved, moved.version)

    @get("/{round_id:int}/document.pdf", media_type="application/pdf")
    async def round_document(
        self,
        round_id: PathId,
        lang: document_controllers.Lang = "sv",
        variant: document_controllers.Variant = "a3b",
        if_none_match: document_controllers.IfNoneMatch = None,
    ) -> Response[bytes]:
        """The round printed on its own: a cover with the agreement, then the round's joint
        picture as shared with every party (internal inputs left out), its JSON attached."""
        return await document_controllers.pdf_response(
            await documents.describe_round(round_id, lang, variant), if_none_match
        )
