"""The application factory: wires routes, authentication, errors, OpenAPI and the database."""

import gc
import sqlite3
from pathlib import Path

import asyncpg
from litestar import Litestar, Router
from litestar.exceptions import HTTPException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router

from samverkan import __version__
from samverkan.accounts.auth import AuthenticationMiddleware, writers_only
from samverkan.accounts.controllers import AuthController, UserController
from samverkan.agreements.controllers import AgreementController, CommitmentController
from samverkan.conf import DB
from samverkan.documents.controllers import DocumentController
from samverkan.errors import (
    SamverkanError,
    handle_database_error,
    handle_http_exception,
    handle_samverkan_error,
    handle_unexpected_error,
)
from samverkan.health import health
from samverkan.portal.controllers import InvitationController
from samverkan.portal.pages import TEMPLATES as PORTAL_TEMPLATES
from samverkan.portal.pages import portal_router
from samverkan.registry.controllers import (
    ContactController,
    OrganizationController,
    ReferenceController,
)
from samverkan.reminders.controllers import OutboxController, PlannedRemindersController
from samverkan.settings import Settings, get_settings
from samverkan.situation.controllers import (
    IndicatorController,
    RoundController,
    SituationController,
)
from samverkan.situation.uploads import ImportController
from samverkan.web import templating
from samverkan.web.errors import pages_or
from samverkan.web.security import csrf_config, page_headers
from samverkan.workspace.pages import TEMPLATES as WORKSPACE_TEMPLATES
from samverkan.workspace.routes import workspace_router

STATIC_DIR = Path(__file__).parent / "static"
# Swagger UI is served from the package (static/swagger-ui/README.md), never from a CDN.
_SWAGGER = "/static/swagger-ui"


def _swagger_ui() -> SwaggerRenderPlugin:
    return SwaggerRenderPlugin(
        js_url=f"{_SWAGGER}/swagger-ui-bundle.js",
        css_url=f"{_SWAGGER}/swagger-ui.css",
        standalone_preset_js_url=f"{_SWAGGER}/swagger-ui-standalone-preset.js",
        favicon=f'<link rel="icon" type="image/png" href="{_SWAGGER}/favicon-32x32.png">',
    )


async def open_database() -> None:
    if DB.engine_type == "postgres" and DB.pool is None:
        settings = get_settings()
        await DB.start_connection_pool(
            min_size=settings.postgres_pool_min, max_size=settings.postgres_pool_max
        )


async def start_worker(app: Litestar) -> None:
    """On the embedded default, serve also runs the reminder worker (docs/reminders.md)."""
    if get_settings().runs_worker_in_serve:
        from samverkan.scheduler import build_scheduler

        scheduler = build_scheduler()
        scheduler.start()
        app.state.scheduler = scheduler


async def stop_worker(app: Litestar) -> None:
    scheduler = getattr(app.state, "scheduler", None)
    if scheduler is not None:
        scheduler.shutdown(wait=False)


async def freeze_startup_objects() -> None:
    """Move what start-up built (modules, the app, its routes) out of the garbage collector's
    reach, so a full collection walks only what requests made: on the lägesbild's joint
    picture a full collection stopped the server ~110 ms every ~30 requests
    (docs/performance.md, issue 6)."""
    gc.collect()
    gc.freeze()


async def close_database() -> None:
    if DB.engine_type == "postgres" and DB.pool is not None:
        await DB.close_connection_pool()


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    api = Router(
        path="/",
        route_handlers=[
            AuthController,
            UserController,
            ReferenceController,
            OrganizationController,
            ContactController,
            AgreementController,
            CommitmentController,
            DocumentController,
            OutboxController,
            PlannedRemindersController,
            InvitationController,
            IndicatorController,
            SituationController,
            RoundController,
            ImportController,
        ],
        middleware=[AuthenticationMiddleware],
        guards=[writers_only],
        security=[{"bearer": []}, {"session": []}],
    )
    return Litestar(
        route_handlers=[
            health,
            api,
            portal_router,
            workspace_router,
            # The pages' CSS and htmx (web/static) beside Swagger UI's files.
            create_static_files_router(path="/static",
                                       directories=[STATIC_DIR, templating.STATIC],
                                       include_in_schema=False),
        ],
        csrf_config=csrf_config(settings),
        template_config=templating.template_config(
            {"portal": PORTAL_TEMPLATES, "workspace": WORKSPACE_TEMPLATES}),
        before_send=[page_headers],
        on_startup=[open_database, start_worker, freeze_startup_objects],
        on_shutdown=[stop_worker, close_database],
        # JSON for the API; under the pages' paths the same errors render as pages.
        exception_handlers={
            SamverkanError: pages_or(handle_samverkan_error),
            sqlite3.IntegrityError: pages_or(handle_database_error),
            asyncpg.exceptions.IntegrityConstraintViolationError: pages_or(handle_database_error),
            HTTPException: pages_or(handle_http_exception),
            Exception: pages_or(handle_unexpected_error),
        },
        openapi_config=OpenAPIConfig(
            title="Samverkan",
            version=__version__,
            description=(
                "Registret över samverkansöverenskommelser mellan Polisen och kommuner, "
                "myndigheter, näringsliv och ideell sektor. Se docs/api.md."
            ),
            path="/schema",
            render_plugins=[_swagger_ui()],
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(type="http", scheme="bearer",
                                             description="Personal API token"),
                    "session": SecurityScheme(type="apiKey", name=settings.session_cookie_name,
                                              security_scheme_in="cookie"),
                }
            ),
        ),
    )
