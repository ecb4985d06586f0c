"""The `samverkan` command as an operator runs it: real processes on a database of their own
(a fresh SQLite file, or a fresh PostgreSQL database when the suite runs on PostgreSQL)."""

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest

from samverkan.settings import get_settings

SAMVERKAN = str(Path(sys.executable).with_name("samverkan"))


@pytest.fixture(scope="module")
async def cli_env(tmp_path_factory):
    """Environment for the CLI processes: their own database, never the suite's."""
    env = {**os.environ, "SAMVERKAN_ENVIRONMENT": "development", "PICCOLO_CONF": "samverkan.conf"}
    env["SAMVERKAN_DATA_DIR"] = str(tmp_path_factory.mktemp("cli-data"))
    settings = get_settings()
    if settings.is_sqlite:
        env["SAMVERKAN_DATABASE_URL"] = ""
        yield env
        return
    name = f"samverkan_cli_{uuid.uuid4().hex[:8]}"
    admin_url = settings.database_url.rsplit("/", 1)[0] + "/postgres"
    connection = await asyncpg.connect(admin_url)
    await connection.execute(f'CREATE DATABASE "{name}"')
    env["SAMVERKAN_DATABASE_URL"] = settings.database_url.rsplit("/", 1)[0] + "/" + name
    yield env
    await connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    await connection.close()


def run(env, *args, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [SAMVERKAN, *args], env=env, capture_output=True, text=True, input=input, timeout=120
    )


def test_migrate_then_seed_twice_is_idempotent(cli_env):
    migrated = run(cli_env, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "Databasen är uppdaterad" in migrated.stdout
    first = run(cli_env, "seed")
    second = run(cli_env, "seed")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "7 polisregioner, 21 län, 290 kommuner" in first.stdout
    assert second.stdout == first.stdout


def test_demo_loads_once_and_prints_the_logins(cli_env):
    first = run(cli_env, "demo")
    assert first.returncode == 0, first.stderr
    assert "Demodata laddad." in first.stdout
    assert "samordnare@example.se" in first.stdout
    assert "maria.t@example.se  partnerportalen" in first.stdout
    second = run(cli_env, "demo")
    assert second.returncode == 0, second.stderr
    assert "Demodata fanns redan." in second.stdout


def test_user_and_token_create_refuse_bad_input_clearly(cli_env):
    email = f"cli-{uuid.uuid4().hex[:8]}@example.se"
    weak = run(cli_env, "user", "create", "--email", email, "--name", "Kim", "--password", "kort")
    assert weak.returncode != 0
    assert "password" in weak.stderr
    created = run(cli_env, "user", "create", "--email", email, "--name", "Kim Karlsson",
                  "--password", "ett långt och bra lösenord")
    assert created.returncode == 0, created.stderr
    assert f"Konto skapat: {email} (coordinator)" in created.stdout
    again = run(cli_env, "user", "create", "--email", email, "--name", "Kim",
                "--password", "ett långt och bra lösenord")
    assert again.returncode != 0 and "Traceback" not in again.stderr
    unknown = run(cli_env, "token", "create", "--email", "ingen@example.se", "--name", "x")
    assert unknown.returncode != 0
    assert "Det finns inget konto för ingen@example.se" in unknown.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_answers_health_and_a_token_created_on_the_command_line(cli_env):
    email = f"cli-{uuid.uuid4().hex[:8]}@example.se"
    assert run(cli_env, "user", "create", "--email", email, "--name", "Kim Karlsson",
               "--password", "ett långt och bra lösenord").returncode == 0
    issued = run(cli_env, "token", "create", "--email", email, "--name", "integration")
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip()

    port = _free_port()
    server = subprocess.Popen(
        [SAMVERKAN, "serve", "--port", str(port)], env=cli_env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"{base}/health", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "the service did not start within 60 s"
                time.sleep(0.2)
        assert health.status_code == 200
        assert health.json()["status"] == "ok"
        me = httpx.get(f"{base}/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200, me.text
        assert me.json()["email"] == email
        refused = httpx.get(f"{base}/api/auth/me", headers={"Authorization": "Bearer fel"})
        assert refused.status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=30)
