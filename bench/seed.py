"""Create (or reuse) the benchmark database `samverkan_bench` and fill it.

10,000 agreements, each with 3 parties (the police, a municipality, one more organisation),
one municipality and 10 commitments, bulk-loaded with COPY straight into the tables the
migrations create; plus reference geography, ~500 organisations with a contact each, and a
read-only user. Every run prints one JSON line on stdout: a fresh API token of that user and
the range of agreement ids.

    .venv/bin/python bench/seed.py [--reset]

The data is generated from a fixed seed, so every run of the benchmark reads the same rows.
Rows are written directly, not through the service, so they have no audit events (nothing
the benchmark reads needs them). A database that already holds the right counts is kept.
"""

import argparse
import asyncio
import json
import os
import random
import sys
from datetime import UTC, date, datetime, timedelta

SERVER_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_DATABASE", "samverkan_bench")
DATABASE_URL = f"{SERVER_URL}/{DATABASE}"

# samverkan reads its settings and Piccolo its configuration at import: set both first.
os.environ["SAMVERKAN_DATABASE_URL"] = DATABASE_URL
os.environ["PICCOLO_CONF"] = "samverkan.conf"

import asyncpg  # noqa: E402
from common import migrate_and_reference_data, org_number  # noqa: E402

AGREEMENTS = 10_000
PARTIES_PER_AGREEMENT = 3
COMMITMENTS_PER_AGREEMENT = 10
OTHER_ORGANIZATIONS = 200
BENCH_EMAIL = "bench@example.se"
BENCH_PASSWORD = "bench password, not a secret"

AGREEMENT_KINDS = ["collaboration_agreement", "citizen_promise", "action_plan",
                   "declaration_of_intent"]
AGREEMENT_STATUSES = ["draft", "in_preparation", "awaiting_signature", "active", "active",
                      "active", "active", "under_revision", "ended", "superseded"]
CADENCES = ["monthly", "quarterly", "tertial", "half_yearly", "yearly"]
COMMITMENT_STATUSES = ["proposed", "confirmed", "declined", "in_progress", "done", "not_done",
                       "cancelled"]
OTHER_KINDS = [("business", "Bostadsbolaget {} AB"), ("ngo", "Föreningen Trygga {}"),
               ("region", "Region {}"), ("agency", "{} räddningstjänstförbund")]
LOREM = (
    "Parterna ska gemensamt arbeta för att minska brottsligheten och öka tryggheten i "
    "kommunen genom ett kunskapsbaserat arbete med gemensamma lägesbilder, prioriterade "
    "insatser och regelbunden uppföljning i styrgruppen. "
)


def _text(rng: random.Random, words: int) -> str:
    base = LOREM.split()
    start = rng.randrange(len(base))
    return " ".join(base[(start + k) % len(base)] for k in range(words))


async def _admin() -> asyncpg.Connection:
    return await asyncpg.connect(f"{SERVER_URL}/postgres")


async def _counts() -> dict | None:
    """Row counts of a seeded database, or None when it does not exist or is not seeded."""
    admin = await _admin()
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE)
    finally:
        await admin.close()
    if not exists:
        return None
    conn = await asyncpg.connect(DATABASE_URL)
    try:
        return {
            "agreement": await conn.fetchval("SELECT count(*) FROM agreement"),
            "party": await conn.fetchval("SELECT count(*) FROM party"),
            "commitment": await conn.fetchval("SELECT count(*) FROM commitment"),
            "user": await conn.fetchval(
                "SELECT count(*) FROM account_user WHERE email = $1", BENCH_EMAIL
            ),
        }
    except asyncpg.UndefinedTableError:
        return None
    finally:
        await conn.close()


def _complete(counts: dict | None) -> bool:
    return counts == {
        "agreement": AGREEMENTS,
        "party": AGREEMENTS * PARTIES_PER_AGREEMENT,
        "commitment": AGREEMENTS * COMMITMENTS_PER_AGREEMENT,
        "user": 1,
    }


async def _recreate_database() -> None:
    admin = await _admin()
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await admin.close()



async def _bulk_load() -> None:
    rng = random.Random(20261125)
    conn = await asyncpg.connect(DATABASE_URL)
    try:
        async with conn.transaction():
            await _load(conn, rng)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


async def _load(conn: asyncpg.Connection, rng: random.Random) -> None:
    now = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    municipalities = await conn.fetch("SELECT id, name, short_name FROM municipality ORDER BY id")

    # Organisations: the police, one per municipality, and some others; one contact each.
    organizations, contacts = [], []
    police_id = 1
    organizations.append((police_id, "Polismyndigheten", "police", "202100-0064", None))
    municipal_org = {}
    for m in municipalities:
        org_id = len(organizations) + 1
        municipal_org[m["id"]] = org_id
        organizations.append(
            (org_id, m["name"], "municipality", org_number("212", org_id), m["id"])
        )
    others = []
    for i in range(OTHER_ORGANIZATIONS):
        org_id = len(organizations) + 1
        kind, pattern = OTHER_KINDS[i % len(OTHER_KINDS)]
        m = municipalities[rng.randrange(len(municipalities))]
        organizations.append(
            (org_id, pattern.format(f"{m['short_name']} {i}"), kind, org_number("556", org_id),
             m["id"])
        )
        others.append(org_id)
    await conn.copy_records_to_table(
        "organization",
        records=[(*o, 1, now, now) for o in organizations],
        columns=["id", "name", "kind", "org_number", "municipality", "version", "created_at",
                 "updated_at"],
    )
    for org_id, *_ in organizations:
        contacts.append(
            (org_id, org_id, f"Kontaktperson {org_id}", f"kontakt{org_id}@org{org_id}.example.se",
             f"010-{org_id:06d}", "Samordnare", "sv", 1, now, now)
        )
    await conn.copy_records_to_table(
        "contact",
        records=contacts,
        columns=["id", "organization", "name", "email", "phone", "title", "language", "version",
                 "created_at", "updated_at"],
    )
    contact_of = {c[1]: c[0] for c in contacts}

    agreements, links, parties, commitments = [], [], [], []
    for a in range(1, AGREEMENTS + 1):
        m = municipalities[rng.randrange(len(municipalities))]
        start = date(2020, 1, 1) + timedelta(days=rng.randrange(7 * 365))
        end = start + timedelta(days=365 * rng.choice([1, 2, 3, 4])) if rng.random() < 0.8 else None
        created = now - timedelta(days=61 + rng.randrange(900), seconds=rng.randrange(86400),
                                  microseconds=rng.randrange(1_000_000))
        updated = created + timedelta(seconds=rng.randrange(60 * 86400))
        status = rng.choice(AGREEMENT_STATUSES)
        agreements.append((
            a,
            f"Samverkansöverenskommelse {m['short_name']} {start.year} nr {a}",
            rng.choice(AGREEMENT_KINDS),
            None if status == "draft" else f"A{a:05d}-{start.year}",
            _text(rng, 60),
            _text(rng, 90),
            _text(rng, 30),
            start,
            end,
            rng.choice(CADENCES + [None]),
            status,
            rng.randrange(1, 20),
            created,
            updated,
        ))
        links.append((a, a, m["id"]))
        party_orgs = [police_id, municipal_org[m["id"]], rng.choice(others)]
        party_ids = []
        for role, org_id in zip(("Polisen", "Kommun", "Part"), party_orgs, strict=True):
            party_id = len(parties) + 1
            party_ids.append(party_id)
            signed = status in ("active", "under_revision", "ended", "superseded")
            parties.append((
                party_id, a, org_id, role, f"P{party_id}" if rng.random() < 0.5 else None,
                contact_of[org_id],
                "Anna Andersson" if signed else None,
                "Kommundirektör" if signed else None,
                start if signed else None,
                "Stockholm" if signed else None,
                rng.choice(["paper", "e_signature"]) if signed else None,
                1,
            ))
        for k in range(COMMITMENTS_PER_AGREEMENT):
            commitment_id = len(commitments) + 1
            c_status = rng.choice(COMMITMENT_STATUSES)
            c_created = created + timedelta(seconds=rng.randrange(86400))
            confirmed = c_status in ("confirmed", "in_progress", "done", "not_done")
            commitments.append((
                commitment_id, a, party_ids[k % PARTIES_PER_AGREEMENT],
                f"Åtagande {k + 1}: {_text(rng, 6)}",
                _text(rng, 35),
                contact_of[party_orgs[k % PARTIES_PER_AGREEMENT]] if k % 2 == 0 else None,
                start + timedelta(days=rng.randrange(30, 700)) if rng.random() < 0.8 else None,
                rng.choice(CADENCES) if rng.random() < 0.2 else None,
                c_status,
                c_created,
                BENCH_EMAIL if confirmed else None,
                c_created if confirmed else None,
                "Bekräftat i styrgruppen" if confirmed and k % 3 == 0 else None,
                rng.randrange(1, 5),
                c_created,
                c_created,
            ))

    await conn.copy_records_to_table(
        "agreement",
        records=agreements,
        columns=["id", "title", "kind", "registration_number", "purpose", "background",
                 "governance", "period_start", "period_end", "follow_up_cadence", "status",
                 "version", "created_at", "updated_at"],
    )
    await conn.copy_records_to_table(
        "agreement_municipality", records=links, columns=["id", "agreement", "municipality"]
    )
    await conn.copy_records_to_table(
        "party",
        records=parties,
        columns=["id", "agreement", "organization", "role", "registration_number",
                 "primary_contact", "signatory_name", "signatory_title", "signed_on",
                 "signed_place", "signature_method", "version"],
    )
    await conn.copy_records_to_table(
        "commitment",
        records=commitments,
        columns=["id", "agreement", "party", "title", "description", "responsible_contact",
                 "due_date", "recurrence", "status", "status_changed_at", "confirmed_by",
                 "confirmed_at", "confirmation_comment", "version", "created_at", "updated_at"],
    )
    # Explicit ids were copied: move each id sequence past them.
    for table in ("organization", "contact", "agreement", "agreement_municipality", "party",
                  "commitment"):
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'(SELECT max(id) FROM "{table}"))'
        )


async def _user_and_token() -> str:
    from samverkan.accounts import service as accounts
    from samverkan.accounts.schemas import TokenCreate, UserCreate
    from samverkan.actor import Actor
    from samverkan.db import write_transaction

    actor = Actor.system("bench")
    async with write_transaction():
        user = await accounts.user_by_email(BENCH_EMAIL)
        if user is None:
            user = await accounts.create_user(
                actor,
                UserCreate(email=BENCH_EMAIL, name="Benchmark", role="viewer",
                           password=BENCH_PASSWORD),
            )
        created = await accounts.create_api_token(actor, user.id, TokenCreate(name="bench"))
    return created.token


async def seed(reset: bool = False) -> dict:
    counts = None if reset else await _counts()
    seeded = False
    if not _complete(counts):
        log(f"seeding {DATABASE} (found {counts}) ...")
        await _recreate_database()
        await migrate_and_reference_data()
        await _bulk_load()
        seeded = True
    else:
        await migrate_and_reference_data()  # migrations added since the last seeding
    token = await _user_and_token()
    conn = await asyncpg.connect(DATABASE_URL)
    try:
        low, high = await conn.fetchrow("SELECT min(id), max(id) FROM agreement")
        counts = {
            "agreements": await conn.fetchval("SELECT count(*) FROM agreement"),
            "parties": await conn.fetchval("SELECT count(*) FROM party"),
            "commitments": await conn.fetchval("SELECT count(*) FROM commitment"),
        }
    finally:
        await conn.close()
    return {"database_url": DATABASE_URL, "token": token, "agreement_ids": [low, high],
            "counts": counts, "seeded_now": seeded}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reset", action="store_true", help="drop and reseed even if complete")
    args = parser.parse_args()
    started = datetime.now()
    result = asyncio.run(seed(args.reset))
    log(f"{DATABASE}: {result['counts']} "
        f"({'seeded' if result['seeded_now'] else 'already seeded'}, "
        f"{(datetime.now() - started).total_seconds():.1f} s)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
