"""The health check: is the service up and can it reach its database?"""

from litestar import Response, get
from piccolo.querystring import QueryString

from samverkan.conf import DB


@get("/health", tags=["Drift (operations)"])
async def health() -> Response[dict]:
    try:
        await DB.run_querystring(QueryString("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        return Response(
            {"status": "unavailable", "database": DB.engine_type, "detail": str(exc)[:200]},
            status_code=503,
        )
    return Response({"status": "ok", "database": DB.engine_type})
