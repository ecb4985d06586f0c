"""A private PostgreSQL database holding one agreement's lägesbild, for bench/situation.py.

    .venv/bin/python bench/situation_seed.py --database-url URL [--others 200]

The database must exist and be empty (bench/situation.py creates it with create_database()
and drops it with drop_database(); both are safe to import without samverkan). Prints one
JSON line on stdout: tokens, ids, org numbers, counts.

What is in it, all written through the service's own API (in process, no server):
- the migrations, the reference geography and the starter indicators, plus coordinators'
  indicators up to INDICATORS in all;
- the measured agreement: PARTIES parties (the police, the municipality, a housing company,
  the rescue service, the region), active, with goals on some indicators, and PERIODS
  quarterly rounds 2023-Q1 … 2026-Q4; in each round every party is asked for its own
  PER_PARTY indicators (5 × 8 = all 40) and submits all of them, for PLACE_INDICATORS of them
  also per place (three districts), with an observation; every round but the last is
  accepted and closed, the last one is open with everything submitted; the fifth party's
  inputs of the first four rounds are internal;
- the import target: a second agreement with the same parties and rounds (the same requests)
  but no inputs, which bench/situation.py imports into;
- `--others` agreements with the same parties and a copy of the measured agreement's rounds,
  requests, inputs and values (copied in SQL, with their own party ids), so the tables hold
  many agreements' rows as they would in use;
- a viewer (who reads the picture under load) and an admin, each with an API token.
"""

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
from datetime import date, timedelta

SERVER_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")

PARTIES = 5
INDICATORS = 40
PER_PARTY = 8  # PARTIES × PER_PARTY = INDICATORS: each indicator is one party's
PERIODS = 16
FIRST_YEAR = 2023
PLACES = ("Centrum", "Norra", "Södra")
PLACE_INDICATORS = 2  # of each party's indicators, also reported per place
GOALS = 10
INTERNAL_PARTY, INTERNAL_ROUNDS = 4, 4  # the fifth party's first four inputs are internal

ORGANIZATIONS = [  # name, kind, the first digits of its organisationsnummer
    ("Polismyndigheten", "police", "202100"),
    ("Luleå kommun", "municipality", "212000"),
    ("Lulebo AB", "business", "556000"),
    ("Räddningstjänsten Luleå", "agency", "222000"),
    ("Region Norrbotten", "region", "232100"),
]


# --- the database (no samverkan imports: used by bench/situation.py) ------------------------


def create_database(prefix: str = "samverkan_situation_bench") -> str:
    """A fresh, empty database on the server; returns its URL (drop it with drop_database)."""
    import uuid

    import asyncpg

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"

    async def create() -> None:
        conn = await asyncpg.connect(f"{SERVER_URL}/postgres")
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(create())
    return f"{SERVER_URL}/{name}"


def drop_database(url: str) -> None:
    import asyncpg

    name = url.rsplit("/", 1)[1]

    async def drop() -> None:
        conn = await asyncpg.connect(f"{SERVER_URL}/postgres")
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(drop())


def environment(database_url: str, data_dir: str) -> dict:
    """The environment of every samverkan process of the benchmark."""
    return {
        **os.environ,
        "SAMVERKAN_DATABASE_URL": database_url,
        "SAMVERKAN_DATA_DIR": data_dir,
        "PICCOLO_CONF": "samverkan.conf",
        "SAMVERKAN_WORKER_IN_SERVE": "false",  # only the web app runs in the measured process
    }


def periods() -> list[tuple[str, date]]:
    """(code, first day) of the quarters, oldest first."""
    out = []
    for n in range(PERIODS):
        year, quarter = FIRST_YEAR + n // 4, n % 4 + 1
        out.append((f"{year}-Q{quarter}", date(year, 3 * quarter - 2, 1)))
    return out


def party_indicators(position: int, codes: list[str]) -> list[str]:
    """The indicator codes the party at this position is asked for."""
    return codes[position * PER_PARTY:(position + 1) * PER_PARTY]


# --- seeding (in a process of its own: samverkan reads its settings at import) ---------------


def _org_number(prefix: str) -> str:
    from stdnum import luhn

    digits = prefix + "001"
    return f"{digits[:6]}-{digits[6:]}{luhn.calc_check_digit(digits)}"


class _Api:
    def __init__(self, client, token: str) -> None:
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    async def __call__(self, method: str, url: str, expect: int = 200, **kwargs) -> dict:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        response = await self.client.request(method, url, headers=headers, **kwargs)
        if response.status_code != expect:
            raise SystemExit(f"{method} {url}: {response.status_code} {response.text[:500]}")
        return response.json()


async def _users() -> dict:
    from samverkan.accounts import service as accounts
    from samverkan.accounts.schemas import TokenCreate, UserCreate
    from samverkan.actor import Actor
    from samverkan.db import write_transaction

    actor = Actor.system("bench")
    tokens = {}
    async with write_transaction():
        for role in ("viewer", "admin"):
            user = await accounts.create_user(actor, UserCreate(
                email=f"bench-{role}@example.se", name=f"Bench {role}", role=role,
                password="bench password, not a secret",
            ))
            tokens[role] = (await accounts.create_api_token(
                actor, user.id, TokenCreate(name="bench"))).token
    return tokens


async def _indicators(api: _Api) -> list[dict]:
    catalogue = await api("GET", "/api/indicators")
    for n in range(len(catalogue), INDICATORS):
        catalogue.append(await api("POST", "/api/indicators", 201, json={
            "code": f"lokal_indikator_{n + 1:02d}", "name_sv": f"Lokal indikator {n + 1}",
            "name_en": f"Local indicator {n + 1}", "unit": "st",
            "source_kind": "other", "higher_is_better": n % 3 == 0,
        }))
    return sorted(catalogue, key=lambda i: i["id"])[:INDICATORS]


async def _agreement(api: _Api, organizations: list[dict], title: str) -> dict:
    created = await api("POST", "/api/agreements", 201, json={
        "title": title, "kind": "collaboration_agreement",
        "period_start": f"{FIRST_YEAR}-01-01", "period_end": f"{FIRST_YEAR + PERIODS // 4}-12-31",
        "municipality_codes": ["2580"],
        "parties": [{"organization_id": o["id"], "role": o["name"],
                     "primary_contact_id": o["contacts"][0]["id"]} for o in organizations],
    })
    return created


async def _activate(api: _Api, agreement: dict) -> dict:
    for party in agreement["parties"]:
        await api("PATCH", f"/api/agreements/{agreement['id']}/parties/{party['id']}",
                  headers={"If-Match": f'"{party["version"]}"'},
                  json={"signatory_name": "Anna Andersson", "signatory_title": "Ordförande",
                        "signed_on": f"{FIRST_YEAR}-01-10", "signed_place": "Luleå",
                        "signature_method": "paper"})
    for status in ("in_preparation", "awaiting_signature", "active"):
        await api("POST", f"/api/agreements/{agreement['id']}/status", json={"status": status})
    return await api("GET", f"/api/agreements/{agreement['id']}")


def _requests(agreement: dict, indicators: list[dict]) -> list[dict]:
    return [{"party_id": party["id"],
             "indicator_ids": [i["id"] for i in indicators[n * PER_PARTY:(n + 1) * PER_PARTY]]}
            for n, party in enumerate(agreement["parties"])]


async def _rounds(api: _Api, agreement: dict, indicators: list[dict], *, inputs: bool) -> int:
    rng = random.Random(agreement["id"])
    level = {i["id"]: rng.uniform(20, 400) for i in indicators}
    values = 0
    for n, (code, start) in enumerate(periods()):
        last = n == PERIODS - 1
        deadline = (start + timedelta(days=105)).isoformat()
        round_ = await api("POST", f"/api/agreements/{agreement['id']}/rounds", 201, json={
            "period": code, "deadline": deadline, "requests": _requests(agreement, indicators),
        })
        if not inputs:
            continue
        for position, party in enumerate(agreement["parties"]):
            mine = indicators[position * PER_PARTY:(position + 1) * PER_PARTY]
            body = []
            for k, indicator in enumerate(mine):
                level[indicator["id"]] *= rng.uniform(0.9, 1.08)
                whole = round(level[indicator["id"]], 1)
                body.append({"indicator_id": indicator["id"], "place": "", "value": whole})
                if k < PLACE_INDICATORS:
                    body += [{"indicator_id": indicator["id"], "place": place,
                              "value": round(whole * share, 1)}
                             for place, share in zip(PLACES, (0.5, 0.3, 0.2), strict=True)]
            url = f"/api/rounds/{round_['id']}/inputs/{party['id']}"
            await api("PUT", url, json={
                "values": body, "internal": position == INTERNAL_PARTY and n < INTERNAL_ROUNDS,
                "observations": f"{party['organization']['name']} om {code}: läget i centrum "
                                "har förbättrats efter de gemensamma insatserna, men "
                                "skadegörelsen vid resecentrum ökar kvällstid.",
            })
            await api("POST", f"{url}/submit")
            if not last:
                await api("POST", f"{url}/accept")
            values += len(body)
        if not last:
            await api("POST", f"/api/rounds/{round_['id']}/close")
    return values


async def _copy_to(conn, source: int, targets: list[int]) -> None:
    """Copy the source agreement's rounds, requests, inputs and values to each target agreement,
    mapping parties by their position in the agreement."""
    await conn.execute("""
        CREATE TEMP TABLE pmap AS SELECT agreement AS agreement_id, id AS party_id,
               row_number() OVER (PARTITION BY agreement ORDER BY id) AS pos
          FROM party WHERE agreement = ANY($1::int[])""", [source, *targets])
    await conn.execute("""
        INSERT INTO situation_round (agreement_id, period_kind, period_start, period_end,
                                     deadline, status, created_by, created_at, updated_at, version)
        SELECT t.id, r.period_kind, r.period_start, r.period_end, r.deadline, r.status,
               r.created_by, r.created_at, r.updated_at, r.version
          FROM situation_round r CROSS JOIN unnest($2::int[]) AS t(id)
         WHERE r.agreement_id = $1""", source, targets)
    await conn.execute("""
        CREATE TEMP TABLE rmap AS SELECT s.id AS source_round, d.id AS round_id, d.agreement_id
          FROM situation_round s JOIN situation_round d
            ON d.period_kind = s.period_kind AND d.period_start = s.period_start
           AND d.agreement_id = ANY($2::int[])
         WHERE s.agreement_id = $1""", source, targets)
    await conn.execute("""
        INSERT INTO round_request (round, party_id, indicator)
        SELECT rm.round_id, dp.party_id, q.indicator
          FROM round_request q JOIN rmap rm ON rm.source_round = q.round
          JOIN pmap sp ON sp.party_id = q.party_id
          JOIN pmap dp ON dp.agreement_id = rm.agreement_id AND dp.pos = sp.pos""")
    await conn.execute("""
        INSERT INTO situation_input (round, party_id, status, internal, observations,
               return_comment, submitted_at, submitted_by, reviewed_at, reviewed_by, created_at,
               updated_at, version)
        SELECT rm.round_id, dp.party_id, i.status, i.internal, i.observations, i.return_comment,
               i.submitted_at, i.submitted_by, i.reviewed_at, i.reviewed_by, i.created_at,
               i.updated_at, i.version
          FROM situation_input i JOIN rmap rm ON rm.source_round = i.round
          JOIN pmap sp ON sp.party_id = i.party_id
          JOIN pmap dp ON dp.agreement_id = rm.agreement_id AND dp.pos = sp.pos""")
    await conn.execute("""
        INSERT INTO input_value (input, indicator, place, value)
        SELECT d.id, v.indicator, v.place, v.value * (0.8 + 0.4 * random())
          FROM input_value v JOIN situation_input s ON s.id = v.input
          JOIN rmap rm ON rm.source_round = s.round
          JOIN pmap sp ON sp.party_id = s.party_id
          JOIN pmap dp ON dp.agreement_id = rm.agreement_id AND dp.pos = sp.pos
          JOIN situation_input d ON d.round = rm.round_id AND d.party_id = dp.party_id""")


async def seed(database_url: str, others: int) -> dict:
    import logging

    import asyncpg
    import httpx
    from common import migrate_and_reference_data

    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request

    from samverkan.app import close_database, create_app, open_database
    from samverkan.db import write_transaction
    from samverkan.situation import service as situation

    await migrate_and_reference_data()
    async with write_transaction():
        await situation.seed_indicators()
    tokens = await _users()
    await open_database()
    try:
        transport = httpx.ASGITransport(app=create_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            api = _Api(client, tokens["admin"])
            indicators = await _indicators(api)
            organizations = []
            for name, kind, prefix in ORGANIZATIONS:
                organizations.append(await api("POST", "/api/organizations", 201, json={
                    "name": name, "kind": kind, "org_number": _org_number(prefix),
                    "contacts": [{"name": f"Kontakt {name}", "title": "Samordnare",
                                  "email": f"kontakt{len(organizations)}@example.se"}],
                }))
            measured = await _activate(
                api, await _agreement(api, organizations, "Samverkan för ett tryggare Luleå"))
            for n, indicator in enumerate(indicators[::INDICATORS // GOALS][:GOALS]):
                await api("POST", f"/api/agreements/{measured['id']}/goals", 201, json={
                    "title": f"Mål {n + 1}: {indicator['name_sv']}", "indicator_id": indicator["id"],
                    "baseline": 100.0 + n, "target": 80.0 - n, "unit": indicator["unit"],
                })
            values = await _rounds(api, measured, indicators, inputs=True)
            target = await _activate(
                api, await _agreement(api, organizations, "Importmål: samma parter och omgångar"))
            await _rounds(api, target, indicators, inputs=False)
            other_ids = []
            for n in range(others):
                other = await _agreement(api, organizations, f"Annan överenskommelse {n + 1}")
                await api("POST", f"/api/agreements/{other['id']}/status",
                          json={"status": "in_preparation"})
                other_ids.append(other["id"])
    finally:
        await close_database()

    conn = await asyncpg.connect(database_url)
    try:
        if other_ids:
            async with conn.transaction():
                await _copy_to(conn, measured["id"], other_ids)
        await conn.execute("ANALYZE")
        counts = {table: await conn.fetchval(f'SELECT count(*) FROM "{table}"') for table in (
            "agreement", "situation_round", "round_request", "situation_input", "input_value")}
        rounds = await conn.fetch(
            "SELECT id FROM situation_round WHERE agreement_id = $1 ORDER BY period_start",
            measured["id"])
    finally:
        await conn.close()
    return {
        "tokens": tokens,
        "agreement_id": measured["id"],
        "round_ids": [r["id"] for r in rounds],
        "import_agreement_id": target["id"],
        "org_numbers": [o["org_number"] for o in organizations],
        "indicator_codes": [i["code"] for i in indicators],
        "periods": [code for code, _ in periods()],
        "values_of_agreement": values,
        "other_agreements": others,
        "counts": counts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="an empty database")
    parser.add_argument("--others", type=int, default=200,
                        help="further agreements with a copy of the lägesbild")
    args = parser.parse_args()
    data_dir = (os.environ.get("SAMVERKAN_DATA_DIR")
                or tempfile.mkdtemp(prefix="samverkan-bench-"))
    os.environ.update(environment(args.database_url, data_dir))
    print(json.dumps(asyncio.run(seed(args.database_url, args.others))))


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
