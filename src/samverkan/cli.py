"""The `samverkan` command: serve, migrate, seed, demo, and account administration."""

import asyncio
import os
import sys

import click

os.environ.setdefault("PICCOLO_CONF", "samverkan.conf")


def _run(coroutine):
    return asyncio.run(coroutine)


async def _migrate(quiet: bool = False) -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    if quiet:
        # Piccolo prints every step; a newcomer starting the service needs only errors.
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):
            result = await run_forwards("all")
    else:
        result = await run_forwards("all")
    if not result.success:
        raise click.ClickException(f"Migreringen misslyckades: {result.message}")


async def _seed() -> dict[str, int]:
    from samverkan.db import write_transaction
    from samverkan.registry import service as registry

    async with write_transaction():
        return await registry.seed_reference_data()


@click.group()
def main() -> None:
    """Samverkan – registret över samverkansöverenskommelser."""


@main.command()
def migrate() -> None:
    """Run every database migration that has not run yet."""
    _run(_migrate())
    click.echo("Databasen är uppdaterad.")


@main.command()
def seed() -> None:
    """Load reference geography (counties, municipalities, police regions); idempotent."""
    _run(_migrate(quiet=True))
    counts = _run(_seed())
    click.echo(
        f"Referensdata: {counts['police_regions']} polisregioner, {counts['counties']} län, "
        f"{counts['municipalities']} kommuner."
    )


@main.command()
def demo() -> None:
    """Load a Swedish demo: municipalities, organisations, agreements in every status."""
    from samverkan.demo import DEMO_USERS, load_demo

    _run(_migrate(quiet=True))
    _run(_seed())
    created = _run(load_demo())
    click.echo("Demodata laddad." if created else "Demodata fanns redan.")
    for email, password, role in DEMO_USERS:
        click.echo(f"  {role:12} {email}  lösenord: {password}")


@main.command()
@click.option("--host", default=None,
              help="Address to listen on [default: SAMVERKAN_HOST or 127.0.0.1].")
@click.option("--port", default=None, type=int,
              help="Port to listen on [default: SAMVERKAN_PORT or 8000].")
@click.option("--demo", "with_demo", is_flag=True,
              help="Also load the Swedish demo data (idempotent) and print the demo logins.")
@click.option("--workers", default=1, show_default=True,
              help="Worker processes (keep 1 on SQLite).")
def serve(host: str | None, port: int | None, with_demo: bool, workers: int) -> None:
    """Start the web service.

    Runs pending migrations and loads the reference geography first, so a fresh
    database is ready to use. The database is SQLite in SAMVERKAN_DATA_DIR unless
    SAMVERKAN_DATABASE_URL names a PostgreSQL database.
    """
    import uvicorn

    from samverkan.settings import get_settings

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    _run(_migrate(quiet=True))
    _run(_seed())
    if with_demo:
        from samverkan.demo import DEMO_USERS, load_demo

        _run(load_demo())
        url = settings.public_url or f"http://{host}:{port}"  # the address asked for now
        click.echo(f"\nSamverkan körs på {url}")
        click.echo(f"  API-dokumentation: {url}/schema")
        click.echo(f"  Logga in: POST {url}/api/auth/login med någon av")
        for email, password, role in DEMO_USERS:
            click.echo(f"    {role:12} {email}  lösenord: {password}")
        click.echo("")
    uvicorn.run(
        "samverkan.app:create_app", factory=True, host=host, port=port, workers=workers,
        log_level="info", proxy_headers=True,
    )


@main.group()
def user() -> None:
    """Manage user accounts."""


@user.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["admin", "coordinator", "viewer"]), default="coordinator",
              show_default=True)
@click.password_option(help="At least 12 characters; asked for when not given.")
def create_user(email: str, name: str, role: str, password: str) -> None:
    """Create a user account (coordinators register agreements)."""
    from samverkan.accounts import service as accounts
    from samverkan.accounts.schemas import UserCreate
    from samverkan.actor import Actor
    from samverkan.db import write_transaction

    data = _validated(UserCreate, email=email, name=name, role=role, password=password)

    async def create():
        async with write_transaction():
            return await accounts.create_user(Actor.system("cli"), data)

    _run(_migrate(quiet=True))
    created = _run_refusing(create())
    click.echo(f"Konto skapat: {created.email} ({created.role.value}), id {created.id}")


@main.group()
def token() -> None:
    """Manage personal API tokens."""


@token.command("create")
@click.option("--email", required=True, help="The user the token belongs to.")
@click.option("--name", required=True, help="What the token is for, e.g. 'integration'.")
@click.option("--days", type=int, default=None, help="Expire after this many days.")
def create_token(email: str, name: str, days: int | None) -> None:
    """Create a personal API token and print it (it is shown only once)."""
    from samverkan.accounts import service as accounts
    from samverkan.accounts.schemas import TokenCreate
    from samverkan.actor import Actor
    from samverkan.db import write_transaction

    data = _validated(TokenCreate, name=name, expires_in_days=days)

    async def create():
        found = await accounts.user_by_email(email)
        if found is None:
            raise click.ClickException(f"Det finns inget konto för {email}")
        async with write_transaction():
            return await accounts.create_api_token(Actor(found.id, found.email), found.id, data)

    _run(_migrate(quiet=True))
    created = _run_refusing(create())
    click.echo(created.token)
    click.echo(f"API-nyckel {created.name!r} skapad; använd: Authorization: Bearer <nyckeln>",
               err=True)


def _validated(model, **values):
    from pydantic import ValidationError

    try:
        return model(**values)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise click.ClickException(problems) from None


def _run_refusing(coroutine):
    from samverkan.errors import SamverkanError

    try:
        return _run(coroutine)
    except SamverkanError as exc:
        raise click.ClickException(exc.detail) from None


if __name__ == "__main__":
    sys.exit(main())
