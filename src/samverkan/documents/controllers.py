"""HTTP route of documents: the printable agreement as PDF/A (docs/documents.md). A lägesbild
round's document is under the round's routes (situation/controllers.py) and uses the same
ETag rules."""

from typing import Annotated, Literal

from litestar import Controller, Response, get
from litestar.params import HeaderParameter, QueryParameter

from samverkan.documents import service
from samverkan.http import PathId

CACHE_CONTROL = "private, no-cache"

# The query and header parameters of every printed document's route.
Lang = Annotated[Literal["sv", "en"], QueryParameter(description="sv (default) or en")]
Variant = Annotated[
    Literal["a3b", "ua"],
    QueryParameter(description="a3b: PDF/A-3b for the archive (default); "
                               "ua: tagged PDF/UA-1 for screen readers"),
]
IfNoneMatch = Annotated[str | None, HeaderParameter(name="If-None-Match", required=False)]


def matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = [c.strip().removeprefix("W/") for c in if_none_match.split(",")]
    return "*" in candidates or etag in candidates


async def pdf_response(document, if_none_match: str | None) -> Response[bytes]:
    """The document, or 304 when the client's copy (If-None-Match) is still the one."""
    headers = {"ETag": document.etag, "Cache-Control": CACHE_CONTROL}
    if matches(if_none_match, document.etag):
        return Response(b"", status_code=304, headers=headers)
    body = await service.pdf(document)
    headers["Content-Disposition"] = f'inline; filename="{document.filename}"'
    return Response(body, media_type="application/pdf", headers=headers)


class DocumentController(Controller):
    path = "/api/agreements"
    tags = ["Dokument (documents)"]

    @get("/{agreement_id:int}/document.pdf", media_type="application/pdf")
    async def agreement_document(
        self,
        agreement_id: PathId,
        lang: Lang = "sv",
        variant: Variant = "a3b",
        if_none_match: IfNoneMatch = None,
    ) -> Response[bytes]:
        """The agreement as a printable, archivable PDF, with its JSON attached."""
        return await pdf_response(await service.describe(agreement_id, lang, variant),
                                  if_none_match)
