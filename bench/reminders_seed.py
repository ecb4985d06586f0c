"""The data of the reminder benchmark (bench/reminders.py): two PostgreSQL databases.

`samverkan_bench_reminders` holds the base set: 2,000 organisations with 2 contacts each,
50 coordinators, 100,000 active agreements (2 signed parties, 1 coordinator, 1 follow-up
each) and 1,000,000 commitments. At the benchmark's moment NOW (local day TODAY) exactly
DUE = 10,000 open commitments fall due in the 14-day window; a constant share is overdue
(OVERDUE), still unconfirmed after 7 days (UNCONFIRMED), closed although dated inside the
window, ending within 90 days (agreements) or meeting within 7 days (follow-ups). All other
rows are what a real database is mostly made of: commitments due in the past and closed,
due later than the window, or with no due date, and meetings that are past.

`samverkan_bench_reminders_2x` is a copy of it (CREATE DATABASE ... TEMPLATE) plus another
100,000 agreements and 1,000,000 commitments drawn from that "nothing due" mix only: twice
the rows, the same things due.

Rows are generated from a fixed seed and written with COPY straight into the tables the
migrations create (FK triggers off while loading, as pg_restore does; the rows are
consistent by construction). A database whose comment records the same spec is reused.
Nothing here imports samverkan at module level: bench/reminders.py sets the environment
(SAMVERKAN_DATABASE_URL, PICCOLO_CONF) first.
"""

import json
import random
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import asyncpg

SEED_VERSION = 1
STOCKHOLM = ZoneInfo("Europe/Stockholm")
# The benchmark's moment: a weekday morning, 06:05 local (the first sweep of the day).
TODAY = date(2027, 3, 10)
NOW = datetime.combine(TODAY, time(6, 5), STOCKHOLM).astimezone(UTC)
WINDOW = 14  # reminder_commitment_due_days: the first reminder 14 days ahead

KINDS = ["collaboration_agreement", "citizen_promise", "action_plan", "declaration_of_intent"]
ORG_KINDS = ["municipality", "police", "region", "agency", "business", "ngo"]
CADENCES = ["monthly", "quarterly", "tertial", "half_yearly", "yearly"]
WORDS = ("trygghet samverkan brottsförebyggande lägesbild insats uppföljning styrgrupp "
         "kommun polis skola socialtjänst fritidsgård centrum ungdomar nattvandring "
         "belysning klotter skadegörelse bostadsområde medborgardialog").split()


@dataclass(frozen=True)
class Spec:
    organizations: int = 2_000
    contacts_per_organization: int = 2
    users: int = 50
    agreements: int = 100_000
    commitments: int = 1_000_000
    due: int = 10_000  # open, due within [TODAY, TODAY + 14]
    overdue: int = 1_000  # open, due before TODAY
    unconfirmed: int = 1_000  # proposed more than 7 days ago (due later or undated)
    closed_in_window: int = 2_000  # dated inside the window but done/cancelled: not due
    ending: int = 300  # agreements whose period ends within 90 days
    meetings_due: int = 200  # steering group meetings within 7 days
    version: int = SEED_VERSION

    @property
    def commitments_per_agreement(self) -> int:
        return self.commitments // self.agreements

    def scaled(self, factor: int) -> "Spec":
        fixed = ("version", "contacts_per_organization")
        return Spec(**{k: (v if k in fixed else v // factor) for k, v in asdict(self).items()})


FULL = Spec()
QUICK = FULL.scaled(10)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def _org_number(i: int) -> str:
    digits = f"55{i:07d}"  # NNNNNN-NNNN: length 11, a dash at 7 (the check digit is not checked)
    return f"{digits[:6]}-{digits[6:]}0"


# --- the database and its marker ------------------------------------------------------------


async def _admin(server_url: str) -> asyncpg.Connection:
    return await asyncpg.connect(f"{server_url}/postgres")


async def marker(server_url: str, database: str) -> dict | None:
    """The spec a database was seeded with (kept as its comment), or None."""
    admin = await _admin(server_url)
    try:
        text = await admin.fetchval(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
            database,
        )
    finally:
        await admin.close()
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


async def _set_marker(server_url: str, database: str, value: dict) -> None:
    admin = await _admin(server_url)
    try:
        literal = json.dumps(value).replace("'", "''")
        await admin.execute(f"COMMENT ON DATABASE \"{database}\" IS '{literal}'")
    finally:
        await admin.close()


async def recreate(server_url: str, database: str, template: str | None = None) -> None:
    admin = await _admin(server_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        suffix = f' TEMPLATE "{template}"' if template else ""
        await admin.execute(f'CREATE DATABASE "{database}"{suffix}')
    finally:
        await admin.close()



# --- row generators ---------------------------------------------------------------------------


class Loader:
    """Generates and COPYs the rows; ids are explicit and contiguous, so the doubled set can
    append after the base set."""

    def __init__(self, conn: asyncpg.Connection, spec: Spec, rng: random.Random) -> None:
        self.conn, self.spec, self.rng = conn, spec, rng

    async def copy(self, table: str, columns: list[str], rows) -> None:
        rows = list(rows)
        for start in range(0, len(rows), 200_000):
            await self.conn.copy_records_to_table(table, records=rows[start:start + 200_000],
                                                  columns=columns)

    def contact_ids(self, organization: int) -> list[int]:
        per = self.spec.contacts_per_organization
        return [(organization - 1) * per + k + 1 for k in range(per)]

    async def organizations(self) -> None:
        spec, rng = self.spec, self.rng
        created = NOW - timedelta(days=800)
        municipalities = [r["id"] for r in await self.conn.fetch("SELECT id FROM municipality")]
        orgs, contacts = [], []
        for o in range(1, spec.organizations + 1):
            kind = ORG_KINDS[o % len(ORG_KINDS)]
            orgs.append((o, f"{kind.capitalize()} {o}", kind, _org_number(o),
                         rng.choice(municipalities), 1, created, created))
            for k, cid in enumerate(self.contact_ids(o)):
                contacts.append((cid, o, f"Kontakt {cid}", f"k{cid}@org{o}.example.se",
                                 f"010-{cid:06d}", "Samordnare" if k == 0 else "Handläggare",
                                 "en" if rng.random() < 0.1 else "sv", 1, created, created))
        await self.copy("organization", ["id", "name", "kind", "org_number", "municipality",
                                         "version", "created_at", "updated_at"], orgs)
        await self.copy("contact", ["id", "organization", "name", "email", "phone", "title",
                                    "language", "version", "created_at", "updated_at"], contacts)
        users = [(u, f"samordnare{u}@polisen.example.se", f"Samordnare {u}", "!bench",
                  "coordinator", True, created) for u in range(1, spec.users + 1)]
        await self.copy("account_user", ["id", "email", "name", "password_hash", "role",
                                         "active", "created_at"], users)

    async def agreements(self, first: int, count: int, ending: set[int],
                         meetings_due: set[int]) -> None:
        """Agreements first..first+count-1, each active, with 2 signed parties, 1 coordinator
        and 1 follow-up. Those in ending end within 90 days, those in meetings_due meet
        within 7 days; all others end later (or never) and met in the past."""
        spec, rng = self.spec, self.rng
        agreements, parties, coordinators, follow_ups = [], [], [], []
        for a in range(first, first + count):
            kind = KINDS[0] if rng.random() < 0.6 else rng.choice(KINDS[1:])
            start = TODAY - timedelta(days=rng.randrange(30, 3 * 365))
            if a in ending:
                end = TODAY + timedelta(days=rng.randrange(0, 91))
            elif rng.random() < 0.3:
                end = None
            else:
                end = TODAY + timedelta(days=rng.randrange(120, 4 * 365))
            created = datetime.combine(start, time(10), STOCKHOLM) - timedelta(days=60)
            agreements.append((
                a, f"Samverkansöverenskommelse {a}: {_text(rng, 3)}", kind, f"RB-{a:07d}",
                _text(rng, 25), _text(rng, 20), _text(rng, 10), start, end,
                rng.choice(CADENCES), "active", rng.randrange(1, 20), created, created,
            ))
            first_org = rng.randrange(1, spec.organizations + 1)
            second_org = rng.randrange(1, spec.organizations)  # another one: a party once
            second_org += second_org >= first_org
            for k, org in enumerate((first_org, second_org)):
                primary = self.contact_ids(org)[0]
                parties.append((
                    2 * (a - 1) + k + 1, a, org, "Polisen" if k == 0 else "Part", primary,
                    f"Undertecknare {org}", "Chef", f"k{primary}@org{org}.example.se",
                    start, "Stockholm", "e_signature", 1,
                ))
            coordinators.append((a, a, (a - 1) % spec.users + 1))
            if a in meetings_due:
                day = TODAY + timedelta(days=rng.randrange(0, 8))
                kind_f = "steering_group_meeting"
            else:
                day = TODAY - timedelta(days=rng.randrange(1, 700))
                kind_f = rng.choice(["steering_group_meeting", "follow_up_report"])
            follow_ups.append((a, a, day, kind_f, "Styrgruppsmöte", _text(rng, 8),
                               time(13, 0), 120, "Stadshuset", 1))
        await self.copy("agreement", [
            "id", "title", "kind", "registration_number", "purpose", "background", "governance",
            "period_start", "period_end", "follow_up_cadence", "status", "version",
            "created_at", "updated_at"], agreements)
        await self.copy("party", [
            "id", "agreement", "organization", "role", "primary_contact", "signatory_name",
            "signatory_title", "signatory_email", "signed_on", "signed_place",
            "signature_method", "version"], parties)
        await self.copy("agreement_coordinator", ["id", "agreement", "user_id"], coordinators)
        await self.copy("follow_up", [
            "id", "agreement", "date", "kind", "title", "notes", "start_time",
            "duration_minutes", "location", "version"], follow_ups)

    def _commitment(self, c: int, a: int, category: str) -> tuple:
        rng = self.rng
        k = rng.randrange(2)
        party = 2 * (a - 1) + k + 1
        # A party's organisation is not stored here: the responsible contact is its second
        # contact in half the rows, else none (the party's primary contact is reminded).
        responsible = None
        status_changed = NOW - timedelta(days=rng.randrange(8, 900), seconds=rng.randrange(86400))
        if category == "due":
            due = TODAY + timedelta(days=rng.randrange(0, WINDOW + 1))
            status = "confirmed" if rng.random() < 0.65 else "in_progress"
        elif category == "overdue":
            due = TODAY - timedelta(days=rng.randrange(1, 200))
            status = "confirmed" if rng.random() < 0.5 else "in_progress"
        elif category == "unconfirmed":
            due = TODAY + timedelta(days=rng.randrange(WINDOW + 1, 400)) if rng.random() < 0.8 else None
            status = "proposed"
            status_changed = NOW - timedelta(days=rng.randrange(8, 120), seconds=rng.randrange(86400))
        elif category == "closed_in_window":
            due = TODAY + timedelta(days=rng.randrange(0, WINDOW + 1))
            status = rng.choice(["done", "done", "cancelled", "not_done"])
        else:  # nothing due: the bulk of a real database
            r = rng.random()
            if r < 0.55:  # due in the past, closed
                due = TODAY - timedelta(days=rng.randrange(1, 7 * 365))
                status = rng.choices(["done", "not_done", "cancelled", "declined"],
                                     [75, 10, 10, 5])[0]
            elif r < 0.80:  # due after the window, being worked on
                due = TODAY + timedelta(days=rng.randrange(WINDOW + 1, 3 * 365))
                status = "confirmed" if rng.random() < 0.6 else "in_progress"
            elif r < 0.99:  # no due date (continuous work), open or not
                due = None
                status = rng.choices(["confirmed", "in_progress", "declined", "cancelled"],
                                     [50, 30, 10, 10])[0]
            else:  # proposed in the last few days: not unconfirmed yet, due later
                due = TODAY + timedelta(days=rng.randrange(WINDOW + 1, 365))
                status = "proposed"
                status_changed = NOW - timedelta(days=rng.randrange(0, 5), seconds=rng.randrange(3600))
        if rng.random() < 0.5:
            responsible = True  # the caller puts the contact's id here
        confirmed = status not in ("proposed", "declined")
        return (c, a, party, f"Åtagande {c}: {_text(rng, 4)}", _text(rng, 15), responsible, due,
                None, status, status_changed,
                "samordnare1@polisen.example.se" if confirmed else None,
                status_changed if confirmed else None, None, rng.randrange(1, 5),
                status_changed - timedelta(days=3), status_changed)

    async def commitments(self, first: int, count: int, agreement_first: int,
                          agreement_count: int, specials: dict[str, int]) -> None:
        """Commitments first..first+count-1, spread evenly over the agreements; specials
        says how many of each non-filler category, at random positions."""
        rng = self.rng
        category = ["filler"] * count
        positions = rng.sample(range(count), sum(specials.values()))
        at = 0
        for name, n in specials.items():
            for p in positions[at:at + n]:
                category[p] = name
            at += n
        party_org = dict(await self.conn.fetch(
            "SELECT id, organization FROM party WHERE agreement BETWEEN $1 AND $2",
            agreement_first, agreement_first + agreement_count - 1))
        columns = ["id", "agreement", "party", "title", "description", "responsible_contact",
                   "due_date", "recurrence", "status", "status_changed_at", "confirmed_by",
                   "confirmed_at", "confirmation_comment", "version", "created_at", "updated_at"]
        batch = []
        for i in range(count):
            a = agreement_first + i % agreement_count
            row = list(self._commitment(first + i, a, category[i]))
            if row[5] is not None:
                row[5] = self.contact_ids(party_org[row[2]])[-1]
            batch.append(tuple(row))
            if len(batch) == 200_000:
                await self.conn.copy_records_to_table("commitment", records=batch,
                                                      columns=columns)
                batch = []
                log(f"  commitments: {i + 1:,} of {count:,}")
        if batch:
            await self.conn.copy_records_to_table("commitment", records=batch, columns=columns)


async def _finish(conn: asyncpg.Connection) -> None:
    for table in ("organization", "contact", "account_user", "agreement", "party",
                  "agreement_coordinator", "follow_up", "commitment"):
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'(SELECT max(id) FROM "{table}"))'
        )


async def _load(url: str, work) -> None:
    conn = await asyncpg.connect(url)
    try:
        # As pg_restore does: no FK triggers while loading rows consistent by construction.
        await conn.execute("SET session_replication_role = replica")
        async with conn.transaction():
            await work(conn)
            await _finish(conn)
        await conn.execute("SET session_replication_role = DEFAULT")
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


async def seed_base(server_url: str, database: str, spec: Spec) -> None:
    """Fill a freshly migrated database with the base set."""
    rng = random.Random(20270310)
    n = spec.agreements
    ending = set(rng.sample(range(1, n + 1), spec.ending))
    meetings = set(rng.sample(range(1, n + 1), spec.meetings_due))

    async def work(conn):
        loader = Loader(conn, spec, rng)
        await loader.organizations()
        await loader.agreements(1, n, ending, meetings)
        log(f"  {n:,} agreements loaded")
        await loader.commitments(1, spec.commitments, 1, n, {
            "due": spec.due, "overdue": spec.overdue, "unconfirmed": spec.unconfirmed,
            "closed_in_window": spec.closed_in_window,
        })

    await _load(f"{server_url}/{database}", work)
    await _set_marker(server_url, database, {"role": "base", **asdict(spec)})


async def seed_doubled(server_url: str, base: str, database: str, spec: Spec) -> None:
    """Copy the base database and add as many agreements and commitments again, none due."""
    await recreate(server_url, database, template=base)
    rng = random.Random(20270311)

    async def work(conn):
        loader = Loader(conn, spec, rng)
        await loader.agreements(spec.agreements + 1, spec.agreements, set(), set())
        log(f"  {spec.agreements:,} more agreements loaded")
        await loader.commitments(spec.commitments + 1, spec.commitments, spec.agreements + 1,
                                 spec.agreements, {})

    await _load(f"{server_url}/{database}", work)
    await _set_marker(server_url, database, {"role": "doubled", **asdict(spec)})


async def counts(url: str) -> dict:
    conn = await asyncpg.connect(url)
    try:
        out = {}
        for table in ("agreement", "party", "commitment", "follow_up", "contact"):
            out[table] = await conn.fetchval(f'SELECT count(*) FROM "{table}"')
        out["commitments_open_in_window"] = await conn.fetchval(
            "SELECT count(*) FROM commitment WHERE due_date BETWEEN $1 AND $2 "
            "AND status IN ('proposed', 'confirmed', 'in_progress')",
            TODAY, TODAY + timedelta(days=WINDOW))
        out["database_size"] = await conn.fetchval(
            "SELECT pg_size_pretty(pg_database_size(current_database()))")
        return out
    finally:
        await conn.close()
