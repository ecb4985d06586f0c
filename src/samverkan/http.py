"""HTTP conventions shared by every controller: versions as ETags and If-Match checks."""

from typing import Any

from litestar import Response
from litestar.params import HeaderParameter

from samverkan.errors import PreconditionFailed, PreconditionRequired

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
            f"If-Match {if_match!r} är ingen version från denna tjänst", field="If-Match"
        )
    return int(value)


def with_etag(content: Any, version: int, status_code: int = 200) -> Response:
    return Response(content, status_code=status_code, headers={"ETag": etag(version)})
