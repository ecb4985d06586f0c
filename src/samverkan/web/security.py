"""Security of the server-rendered pages: CSRF protection and security headers.

(Skeleton: filled in by the partner portal work, issue 5.)
"""

from litestar.config.csrf import CSRFConfig

from samverkan.settings import Settings


def csrf_config(settings: Settings) -> CSRFConfig | None:
    return None
