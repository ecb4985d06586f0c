"""The suite runs against a real database: SQLite by default, PostgreSQL when
SAMVERKAN_DATABASE_URL points at one (`make test` runs both)."""

import os
import tempfile

# Settings and the engine are read once, at import: choose the database before anything
# from samverkan is imported.
os.environ.setdefault("PICCOLO_CONF", "samverkan.conf")
os.environ["SAMVERKAN_ENVIRONMENT"] = "test"
if not os.environ.get("SAMVERKAN_DATABASE_URL"):
    os.environ["SAMVERKAN_DATABASE_URL"] = ""
    os.environ["SAMVERKAN_DATA_DIR"] = tempfile.mkdtemp(prefix="samverkan-test-")

import asyncpg
import httpx
import pytest

from samverkan.settings import get_settings
from tests.factories import Api, make_user


async def _reset_postgres(url: str) -> None:
    """Start from an empty schema, so migrations edited since the last run apply cleanly."""
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()


@pytest.fixture(scope="session")
async def database():
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from samverkan.app import close_database, open_database
    from samverkan.db import write_transaction
    from samverkan.registry import service as registry

    settings = get_settings()
    if not settings.is_sqlite:
        await _reset_postgres(settings.database_url)
    result = await run_forwards("all")
    assert result.success, result.message
    async with write_transaction():
        await registry.seed_reference_data()
    await open_database()
    yield settings
    await close_database()


@pytest.fixture(scope="session")
async def app(database):
    from samverkan.app import create_app

    return create_app()


@pytest.fixture(scope="session")
async def client(app):
    # httpx's ASGI transport runs the app on the tests' own event loop. Litestar's test
    # client runs it on a loop in another thread, and an asyncpg pool belongs to the loop
    # it was opened on; the database fixture opens the pool (the app's startup hook is
    # not run here, and would leave an open pool alone).
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture(scope="session")
async def coordinator(client) -> Api:
    return Api(client, await make_user("coordinator"))


@pytest.fixture(scope="session")
async def admin(client) -> Api:
    return Api(client, await make_user("admin"))


@pytest.fixture(scope="session")
async def viewer(client) -> Api:
    return Api(client, await make_user("viewer"))
