"""HTTP conventions shared by every controller: versions as ETags and If-Match checks."""

from typing import Annotated, Any

from litestar import Response
from litestar.params import HeaderParameter, PathParameter, QueryParameter

from samverkan.errors import PreconditionFailed, PreconditionRequired
from samverkan.schemas import MAX_ID

# An id in a path: out-of-range numbers answer 400 instead of overflowing in the driver.
PathId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
# Paging: at most 200 rows a page; offsets beyond what any table holds are refused.
Limit = Annotated[int, QueryParameter(ge=1, le=200, description="Page size (max 200)")]
Offset = Annotated[int, QueryParameter(ge=0, le=MAX_ID)]

IF_MATCH = HeaderParameter(
    name="If-Match",
    required=False,
    description='The ETag the change was based on, e.g. "3". A stale value gives 412.',
)


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None, *, required: bool = True) -> int | None:
    """The version a client based its change on, from If-Match ("3", W/"3" or *)."""
    if if_match is None or if_match.strip() == "*":
        if required and if_match is None:
            raise PreconditionRequired(
                'If-Match saknas: skicka ETag från senaste GET, t.ex. If-Match: "3" '
                "(If-Match required)",
                field="If-Match",
            )
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise PreconditionFailed(
            f"If-Match {if_match!r} är ingen version från denna tjänst; skicka ETag från "
            "senaste GET (not a version this service issued)",
            field="If-Match",
        )
    return int(value)


def with_etag(content: Any, version: int, status_code: int = 200) -> Response:
    return Response(content, status_code=status_code, headers={"ETag": etag(version)})
