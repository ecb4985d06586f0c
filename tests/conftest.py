"""The suite runs against a real database: SQLite by default, PostgreSQL when
SAMVERKAN_DATABASE_URL points at one (`make test` runs both).

On PostgreSQL each run works in a database of its own, created on the server named by the
URL (e.g. `test_3f9a1c2b` beside `test`) and dropped afterwards, so that runs at the same
time never disturb each other and nothing in `test` itself is touched.
"""

import asyncio
import atexit
import os
import tempfile
import uuid

import asyncpg

# Settings and the engine are read once, at import: choose the database before anything
# from samverkan is imported.
os.environ.setdefault("PICCOLO_CONF", "samverkan.conf")
os.environ["SAMVERKAN_ENVIRONMENT"] = "test"


async def _create_private_database(url: str) -> str:
    base, name = url.rsplit("/", 1)
    private = f"{name.split('?')[0]}_{uuid.uuid4().hex[:8]}"
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(f'CREATE DATABASE "{private}"')
    finally:
        await connection.close()
    atexit.register(lambda: asyncio.run(_drop_database(url, private)))
    return f"{base}/{private}"


async def _drop_database(url: str, name: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


if not os.environ.get("SAMVERKAN_DATABASE_URL"):
    os.environ["SAMVERKAN_DATABASE_URL"] = ""
    os.environ["SAMVERKAN_DATA_DIR"] = tempfile.mkdtemp(prefix="samverkan-test-")
elif not os.environ.get("SAMVERKAN_TEST_DATABASE_CREATED"):
    # Subprocesses started by tests inherit the private database from the environment.
    os.environ["SAMVERKAN_DATABASE_URL"] = asyncio.run(
        _create_private_database(os.environ["SAMVERKAN_DATABASE_URL"])
    )
    os.environ["SAMVERKAN_TEST_DATABASE_CREATED"] = "1"

import httpx  # noqa: E402
import pytest  # noqa: E402

from samverkan.settings import get_settings  # noqa: E402
from tests.factories import Api, make_user  # noqa: E402


@pytest.fixture(scope="session")
async def database():
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from samverkan.app import close_database, open_database
    from samverkan.db import write_transaction
    from samverkan.registry import service as registry

    settings = get_settings()
    result = await run_forwards("all")
    assert result.success, result.message
    from samverkan.situation import service as situation

    async with write_transaction():
        await registry.seed_reference_data()
        await situation.seed_indicators()
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
