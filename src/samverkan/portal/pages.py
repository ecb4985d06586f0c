"""The portal's pages (Jinja, server-rendered) under /portal."""

from litestar import Router

portal_router = Router(path="/portal", route_handlers=[])
