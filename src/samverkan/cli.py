"""The `samverkan` command: serve, migrate, seed, demo, and account administration."""

import asyncio
import os
import sys
from pathlib import Path

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
    from samverkan.situation import service as situation

    async with write_transaction():
        counts = await registry.seed_reference_data()
        counts["indicators"] = await situation.seed_indicators()
        return counts


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
    from samverkan.demo import DEMO_PARTNER, DEMO_USERS, load_demo

    _run(_migrate(quiet=True))
    _run(_seed())
    created = _run(load_demo())
    click.echo("Demodata laddad." if created else "Demodata fanns redan.")
    for email, password, role in DEMO_USERS:
        click.echo(f"  {role:12} {email}  lösenord: {password}")
    click.echo(f"  {'partner':12} {DEMO_PARTNER}  partnerportalen /portal/login (länk per e-post)")


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
    if not settings.public_url:
        # Links in e-mails (portal invitations, reminders) must name the address served now,
        # also when --host/--port differ from the settings; worker processes inherit it.
        os.environ["SAMVERKAN_PUBLIC_URL"] = f"http://{host}:{port}"
        get_settings.cache_clear()
    _run(_migrate(quiet=True))
    _run(_seed())
    if with_demo:
        from samverkan.demo import DEMO_PARTNER, DEMO_USERS, load_demo

        _run(load_demo())
        url = settings.public_url or f"http://{host}:{port}"  # the address asked for now
        click.echo(f"\nSamverkan körs på {url}")
        click.echo(f"  API-dokumentation: {url}/schema")
        click.echo(f"  Samordnarnas arbetsyta: {url}/workspace/ – logga in med någon av")
        for email, password, role in DEMO_USERS:
            click.echo(f"    {role:12} {email}  lösenord: {password}")
        click.echo(f"    (samma konton för API:t: POST {url}/api/auth/login eller en API-nyckel)")
        click.echo(f"  Partnerportal: {url}/portal/login – t.ex. med {DEMO_PARTNER}")
        click.echo(f"    (inloggningslänken kommer som e-post till {settings.mail_path}/"
                   " inom en minut)")
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


@main.command()
def worker() -> None:
    """Run the scheduled jobs (reminder sweeps, e-mail delivery) until stopped."""
    import logging

    from samverkan.scheduler import run_forever

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _run(_migrate(quiet=True))
    click.echo("Samverkan worker: påminnelser och utskick körs (Ctrl+C avslutar).")

    async def run():
        from samverkan.app import close_database, open_database

        await open_database()
        try:
            await run_forever()
        finally:
            await close_database()

    try:
        _run(run())
    except KeyboardInterrupt:
        pass


def _moment(value: str | None):
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from samverkan.settings import get_settings

    if value is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} är ingen ISO-tidpunkt, t.ex. 2026-12-01T07:00") from None
    if moment.tzinfo is None:  # a local time, as people in Sweden mean it
        moment = moment.replace(tzinfo=ZoneInfo(get_settings().timezone))
    return moment.astimezone(UTC)


@main.group()
def reminders() -> None:
    """Reminder sweeps and their preview."""


@reminders.command("run")
@click.option("--once", is_flag=True, required=True, help="One sweep and one delivery pass.")
@click.option("--now", default=None, help="Act as if it were this time (ISO 8601; local if "
              "no offset), e.g. 2026-12-01T07:00.")
def reminders_run(once: bool, now: str | None) -> None:
    """Sweep for reminders that are due and deliver the outbox, now."""
    from samverkan.reminders import service

    moment = _moment(now)
    _run(_migrate(quiet=True))

    async def run():
        from samverkan.app import close_database, open_database

        await open_database()
        try:
            return await service.run_once(moment)
        finally:
            await close_database()

    swept, delivered = _run(run())
    click.echo(f"Svep {moment.isoformat()}: {swept.occurrences} påminnelser förfallna, "
               f"{swept.digests} nya sammanställningar.")
    click.echo(f"Utskick: {delivered.sent} skickade, {delivered.retrying} försöks igen, "
               f"{delivered.failed} misslyckade."
               + (" E-postservern svarar inte; försöker senare." if delivered.server_unavailable
                  else ""))


@reminders.command("preview")
@click.argument("agreement_id", type=int)
@click.option("--days", default=120, show_default=True, help="How far ahead.")
def reminders_preview(agreement_id: int, days: int) -> None:
    """Show the reminders recorded and planned for an agreement."""
    from samverkan.reminders import service

    for item in _run(service.planned(agreement_id, days)):
        click.echo(f"{item.due_on}  {item.state:9}  {item.recipient:30}  {item.text}")


@main.group()
def outbox() -> None:
    """The e-mail outbox."""


@outbox.command("list")
@click.option("--status", type=click.Choice(["pending", "sending", "sent", "failed", "cancelled"]))
@click.option("--limit", default=50, show_default=True)
def outbox_list(status: str | None, limit: int) -> None:
    """List messages, newest first."""
    from samverkan.reminders import service

    items, total = _run(service.outbox(status, limit, 0))
    for m in items:
        click.echo(f"{m.id:6}  {m.status.value:9}  {m.attempts}  {m.recipient:30}  {m.subject}"
                   + (f"  [{m.last_error}]" if m.last_error else ""))
    click.echo(f"{total} meddelanden.", err=True)


@outbox.command("retry")
@click.argument("message_id", type=int)
def outbox_retry(message_id: int) -> None:
    """Send a failed message again."""
    from samverkan.actor import Actor
    from samverkan.db import write_transaction
    from samverkan.reminders import service

    async def retry():
        async with write_transaction():
            return await service.retry(Actor.system("cli"), message_id)

    message = _run_refusing(retry())
    click.echo(f"Meddelande {message.id} till {message.recipient} skickas vid nästa utskick.")


@main.group()
def situation() -> None:
    """The shared lägesbild: import indicator values."""


class _Bar:
    """A progress bar that learns its length from the first report (None: a counter)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar = None
        self.shown = 0

    def __call__(self, done: int, total: int | None) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr,
                                         show_pos=True)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


class _DryRun(Exception):
    """Raised inside the transaction of a dry run, so that it rolls back."""


@situation.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check everything, import nothing.")
def situation_import(file: Path, dry_run: bool) -> None:
    """Import indicator values from a CSV or XLSX file: all rows or none.

    Columns: agreement (id or diarienummer), party (org number), indicator (code),
    period (2026, 2026-H1, 2026-T1, 2026-Q1 or 2026-03), place (optional), value.
    A file with any problem imports nothing and lists each problem with its row and column.
    """
    from samverkan.actor import Actor
    from samverkan.db import write_transaction
    from samverkan.situation.importing import read_rows
    from samverkan.situation.imports import ImportRefused, import_rows

    _run(_migrate(quiet=True))
    reading = _Bar("Läser   ")
    try:
        rows, problems = read_rows(file, file.name, progress=reading)
    finally:
        reading.close()

    def refuse(found) -> None:
        for problem in found:
            column = f", kolumn {problem.column}" if problem.column else ""
            click.echo(f"rad {problem.line}{column}: {problem.message}", err=True)
        raise click.ClickException(
            f"{len(found)} fel i {file.name}: ingenting importerades (nothing was imported)"
        )

    if problems:
        refuse(problems)

    async def write():
        writing = _Bar("Skriver ")
        try:
            async with write_transaction():
                report = await import_rows(Actor.system("import"), rows, progress=writing)
                if dry_run:
                    raise _DryRun()
            return report
        finally:
            writing.close()

    try:
        report = _run(write())
    except ImportRefused as exc:
        refuse(exc.problems)
    except _DryRun:
        click.echo(f"Provkörning: {len(rows)} rader utan fel; ingenting importerades.")
        return
    click.echo(
        f"Importerade {report.rows} värden: {report.inputs_created} nya och "
        f"{report.inputs_updated} ändrade underlag i {report.rounds} omgångar."
    )


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
