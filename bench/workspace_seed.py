"""A private PostgreSQL database with a coordinator who follows 500 agreements, for
bench/workspace.py.

    .venv/bin/python bench/workspace_seed.py --database-url URL [--mine 500] [--others 1500]

The database must exist and be empty (bench/workspace.py creates it with
situation_seed.create_database()). Prints one JSON line on stdout: the coordinator's session
cookie and API token, the search word of the filtered list, and row counts.

What is in it (the migrations, the reference geography and the starter indicators first;
then rows bulk-loaded with COPY from a fixed random seed, relative to today, so that the
Today page always has overdue, soon-due and proposed commitments, meetings ahead and rounds
waiting):
- 591 organisations (the police, the 290 municipalities, 300 others), a contact each; 28
  police areas and 90 local police areas covering the municipalities;
- the measured coordinator's --mine agreements in 60 municipalities, and --others agreements
  of three other coordinators elsewhere; each agreement in a realistic status mix, 3–4
  parties (the police, the municipality, one or two others), 2–3 commitments per party whose
  status follows their due date (old ones mostly done, new ones confirmed or proposed), 3
  follow-ups within a year either side of today, and for two in five of the live ones a
  closed and an open lägesbild round with 3 indicators asked of each party, about half of
  them submitted;
- 7 e-mails that failed, and one agreement in ten of the coordinator's also followed by a
  colleague.
"""

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
from datetime import UTC, date, datetime, time, timedelta

from common import org_number

MINE_MUNICIPALITIES = 60
OTHER_ORGANIZATIONS = 300
LOCAL_POLICE_AREAS = 90
POLICE_AREAS = 28
PASSWORD = "bench password, not a secret"
COORDINATOR = "bench-coordinator@example.se"
SEARCH_WORD = "Trygghet"

STATUSES = (["draft"] * 8 + ["in_preparation"] * 10 + ["awaiting_signature"] * 4
            + ["active"] * 60 + ["under_revision"] * 8 + ["ended"] * 7 + ["superseded"] * 3)
LIVE = {"in_preparation", "awaiting_signature", "active", "under_revision"}
KINDS = (["collaboration_agreement"] * 6 + ["citizen_promise"] * 3 + ["action_plan"]
         + ["declaration_of_intent"])
CADENCES = ["quarterly", "tertial", "half_yearly", "yearly"]
OTHER_KINDS = [("business", "Bostadsbolaget {} AB"), ("ngo", "Föreningen Trygga {}"),
               ("region", "Region {}"), ("agency", "{} räddningstjänstförbund")]
THEMES = ["Trygghet i centrum", "Brottsförebyggande arbete", "Trygg skolväg",
          "Minskad narkotikahandel", "Tryggare bostadsområden", "Ordning och reda",
          "Unga i riskzon", "Tryggare stationsområde"]
COMMITMENT_TITLES = ["Trygghetsvandringar varje månad", "Bättre belysning i parken",
                     "Föräldravandringar på helger", "Klottersanering inom 24 timmar",
                     "Gemensam lägesbild varje kvartal", "Fältassistenter kvällstid",
                     "Kameraövervakning vid resecentrum", "Samverkansmöte med skolorna",
                     "Polisens närvaro vid evenemang", "Medborgardialog i stadsdelen"]


def _commitment_status(rng: random.Random, due: date | None, today: date) -> str:
    """Old commitments are mostly carried out; new ones confirmed, under way or proposed."""
    if due is not None and due < today - timedelta(days=30):
        return rng.choices(["done", "not_done", "cancelled", "in_progress", "confirmed"],
                           [70, 10, 8, 7, 5])[0]
    return rng.choices(["proposed", "confirmed", "in_progress", "declined", "done"],
                       [12, 40, 38, 3, 7])[0]


async def _users() -> dict:
    from samverkan.accounts import service as accounts
    from samverkan.accounts.schemas import TokenCreate, UserCreate
    from samverkan.actor import Actor
    from samverkan.db import write_transaction

    actor = Actor.system("bench")
    ids = []
    async with write_transaction():
        for n in range(4):
            email = COORDINATOR if n == 0 else f"bench-colleague-{n}@example.se"
            user = await accounts.create_user(actor, UserCreate(
                email=email, name="Bench coordinator" if n == 0 else f"Kollega {n}",
                role="coordinator", password=PASSWORD))
            ids.append(user.id)
        token = (await accounts.create_api_token(actor, ids[0], TokenCreate(name="bench"))).token
        _, cookie = await accounts.login(COORDINATOR, PASSWORD)
    return {"ids": ids, "token": token, "cookie": cookie}


async def _load(conn, rng: random.Random, mine: int, others: int, users: list[int],
                today: date) -> dict:
    now = datetime.now(UTC)
    municipalities = await conn.fetch(
        "SELECT m.id, m.name, m.short_name, c.police_region FROM municipality m "
        "JOIN county c ON c.id = m.county ORDER BY m.id")
    regions = [r["id"] for r in await conn.fetch("SELECT id FROM police_region ORDER BY id")]
    indicators = [r["id"] for r in await conn.fetch("SELECT id FROM indicator ORDER BY id")]

    # Police areas and local police areas, each local area covering a run of municipalities.
    police_areas = [(n + 1, f"Polisområde {n + 1}", regions[n % len(regions)], 1)
                    for n in range(POLICE_AREAS)]
    await conn.copy_records_to_table("police_area", records=police_areas,
                                     columns=["id", "name", "police_region", "version"])
    local_areas, area_links, area_of = [], [], {}
    for n in range(LOCAL_POLICE_AREAS):
        covered = municipalities[n * len(municipalities) // LOCAL_POLICE_AREAS:
                                 (n + 1) * len(municipalities) // LOCAL_POLICE_AREAS]
        local_areas.append((n + 1, f"LPO {covered[0]['short_name']}",
                            police_areas[n % POLICE_AREAS][0], 1))
        for m in covered:
            area_links.append((len(area_links) + 1, n + 1, m["id"]))
            area_of[m["id"]] = n + 1
    await conn.copy_records_to_table("local_police_area", records=local_areas,
                                     columns=["id", "name", "police_area", "version"])
    await conn.copy_records_to_table(
        "local_police_area_municipality", records=area_links,
        columns=["id", "local_police_area", "municipality"])

    # Organisations with a contact each.
    organizations = [(1, "Polismyndigheten", "police", "202100-0064", None)]
    municipal_org = {}
    for m in municipalities:
        org_id = len(organizations) + 1
        municipal_org[m["id"]] = org_id
        organizations.append((org_id, m["name"], "municipality", org_number("212", org_id),
                              m["id"]))
    others_near: dict[int, list[int]] = {}
    for i in range(OTHER_ORGANIZATIONS):
        org_id = len(organizations) + 1
        kind, pattern = OTHER_KINDS[i % len(OTHER_KINDS)]
        m = municipalities[i % len(municipalities)]
        organizations.append((org_id, pattern.format(f"{m['short_name']} {i}"), kind,
                              org_number("556", org_id), m["id"]))
        others_near.setdefault(m["id"], []).append(org_id)
    all_others = [o[0] for o in organizations if o[2] not in ("police", "municipality")]
    await conn.copy_records_to_table(
        "organization", records=[(*o, 1, now, now) for o in organizations],
        columns=["id", "name", "kind", "org_number", "municipality", "version", "created_at",
                 "updated_at"])
    await conn.copy_records_to_table(
        "contact",
        records=[(o[0], o[0], f"Kontaktperson {o[0]}", f"kontakt{o[0]}@org{o[0]}.example.se",
                  "Samordnare", "sv", 1, now, now) for o in organizations],
        columns=["id", "organization", "name", "email", "title", "language", "version",
                 "created_at", "updated_at"])

    agreements, links, coordinators, parties, commitments, follow_ups = [], [], [], [], [], []
    rounds, requests, inputs = [], [], []
    mine_places = municipalities[:MINE_MUNICIPALITIES]
    other_places = municipalities[MINE_MUNICIPALITIES:]
    for a in range(1, mine + others + 1):
        is_mine = a <= mine
        m = rng.choice(mine_places if is_mine else other_places)
        status = rng.choice(STATUSES)
        start = date(today.year - rng.randrange(0, 4), rng.randrange(1, 13), 1)
        if status in ("draft", "in_preparation", "awaiting_signature"):
            start = date(today.year + 1, 1, 1)
        end = None
        if rng.random() < 0.9:
            end = start + timedelta(days=365 * rng.choice([1, 2, 3, 4]) - 1)
            if status in ("active", "under_revision") and end < today:
                end = today + timedelta(days=rng.randrange(1, 700))
            if status in ("ended", "superseded") and end >= today:
                end = today - timedelta(days=rng.randrange(1, 400))
                start = end - timedelta(days=365 * rng.choice([1, 2, 3, 4]) - 1)
        created = datetime.combine(start - timedelta(days=60), time(9), UTC)
        updated = now - timedelta(days=rng.randrange(0, 400), seconds=rng.randrange(86400))
        theme = rng.choice(THEMES)
        cadence = rng.choice(CADENCES)
        agreements.append((
            a, f"{theme} i {m['short_name']} {start.year}–{end.year if end else ''} nr {a}",
            rng.choice(KINDS), None if status == "draft" else f"A{a:05d}-{start.year}",
            f"Parterna arbetar gemensamt med {theme.lower()}.", "", "", start, end, cadence,
            area_of[m["id"]], status, rng.randrange(1, 20), created, updated,
        ))
        links.append((a, a, m["id"]))
        coordinator = users[0] if is_mine else users[1 + a % 3]
        coordinators.append((len(coordinators) + 1, a, coordinator))
        if is_mine and a % 10 == 0:
            coordinators.append((len(coordinators) + 1, a, users[1]))
        party_orgs = [1, municipal_org[m["id"]]]
        nearby = others_near.get(m["id"]) or all_others
        party_orgs += rng.sample(nearby + all_others[:5], rng.choice([1, 2]))
        party_orgs = list(dict.fromkeys(party_orgs))
        signed = status in ("active", "under_revision", "ended", "superseded")
        party_ids = []
        for position, org_id in enumerate(party_orgs):
            party_id = len(parties) + 1
            party_ids.append(party_id)
            parties.append((
                party_id, a, org_id, ["Polisen", "Kommunen", "Part", "Part"][position], None,
                org_id, "Anna Andersson" if signed else None, "Ordförande" if signed else None,
                start if signed else None, "Stockholm" if signed else None,
                "paper" if signed else None, 1,
            ))
        for party_id, org_id in zip(party_ids, party_orgs, strict=True):
            for _ in range(rng.choice([2, 3])):
                due = (today + timedelta(days=rng.randrange(-420, 420))
                       if rng.random() < 0.85 else None)
                c_status = _commitment_status(rng, due, today)
                if status == "draft":
                    c_status = "proposed"
                changed = now - timedelta(days=rng.randrange(1, 200))
                confirmed = c_status in ("confirmed", "in_progress", "done", "not_done")
                commitments.append((
                    len(commitments) + 1, a, party_id, rng.choice(COMMITMENT_TITLES),
                    "", org_id if rng.random() < 0.5 else None, due, None, c_status, changed,
                    "kontakt@example.se" if confirmed else None, changed if confirmed else None,
                    None, 1, changed, changed,
                ))
        for n in range(3):
            when = today + timedelta(days=rng.randrange(-365, 365))
            meeting = n < 2
            follow_ups.append((
                len(follow_ups) + 1, a, when,
                "steering_group_meeting" if meeting else "follow_up_report",
                "Styrgruppsmöte" if meeting else "Uppföljningsrapport", "",
                time(rng.choice([9, 10, 13, 14])) if meeting else None, 120,
                "Stadshuset" if meeting else "", 1,
            ))
        if status in LIVE and rng.random() < 0.4:
            quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
            previous = (quarter_start - timedelta(days=1)).replace(day=1)
            previous = date(previous.year, 3 * ((previous.month - 1) // 3) + 1, 1)
            for period_start, state in ((previous, "closed"), (quarter_start, "open")):
                round_id = len(rounds) + 1
                period_end = (date(period_start.year + (period_start.month == 10),
                                   (period_start.month + 2) % 12 + 1, 1) - timedelta(days=1))
                deadline = today + timedelta(days=rng.randrange(-20, 30)) if state == "open" \
                    else period_end + timedelta(days=20)
                rounds.append((round_id, a, "quarterly", period_start, period_end, deadline,
                               state, "bench@example.se", now, now, 1))
                for position, party_id in enumerate(party_ids):
                    for k in range(3):
                        requests.append((len(requests) + 1, round_id, party_id,
                                         indicators[(position * 3 + k) % len(indicators)]))
                    came = "accepted" if state == "closed" else rng.choices(
                        ["submitted", "draft", None], [50, 20, 30])[0]
                    if came:
                        inputs.append((len(inputs) + 1, round_id, party_id, came, False, "", "",
                                       now if came != "draft" else None,
                                       "kontakt@example.se" if came != "draft" else None,
                                       now, now, 1))

    await conn.copy_records_to_table(
        "agreement", records=agreements,
        columns=["id", "title", "kind", "registration_number", "purpose", "background",
                 "governance", "period_start", "period_end", "follow_up_cadence",
                 "local_police_area", "status", "version", "created_at", "updated_at"])
    await conn.copy_records_to_table("agreement_municipality", records=links,
                                     columns=["id", "agreement", "municipality"])
    await conn.copy_records_to_table("agreement_coordinator", records=coordinators,
                                     columns=["id", "agreement", "user_id"])
    await conn.copy_records_to_table(
        "party", records=parties,
        columns=["id", "agreement", "organization", "role", "registration_number",
                 "primary_contact", "signatory_name", "signatory_title", "signed_on",
                 "signed_place", "signature_method", "version"])
    await conn.copy_records_to_table(
        "commitment", records=commitments,
        columns=["id", "agreement", "party", "title", "description", "responsible_contact",
                 "due_date", "recurrence", "status", "status_changed_at", "confirmed_by",
                 "confirmed_at", "confirmation_comment", "version", "created_at", "updated_at"])
    await conn.copy_records_to_table(
        "follow_up", records=follow_ups,
        columns=["id", "agreement", "date", "kind", "title", "notes", "start_time",
                 "duration_minutes", "location", "version"])
    await conn.copy_records_to_table(
        "situation_round", records=rounds,
        columns=["id", "agreement_id", "period_kind", "period_start", "period_end", "deadline",
                 "status", "created_by", "created_at", "updated_at", "version"])
    await conn.copy_records_to_table("round_request", records=requests,
                                     columns=["id", "round", "party_id", "indicator"])
    await conn.copy_records_to_table(
        "situation_input", records=inputs,
        columns=["id", "round", "party_id", "status", "internal", "observations",
                 "return_comment", "submitted_at", "submitted_by", "created_at", "updated_at",
                 "version"])
    await conn.copy_records_to_table(
        "outbox_message",
        records=[("digest", f"borta{n}@example.se", "Borta", "sv", f"Påminnelse {n}",
                  "Hej", "", "[]", f"<bench-failed-{n}@samverkan>", "failed", 8, now,
                  "550 5.1.1 No such user here", False, now, now) for n in range(7)],
        columns=["kind", "recipient", "recipient_name", "language", "subject", "body_text",
                 "body_html", "attachments", "message_id", "status", "attempts",
                 "next_attempt_at", "last_error", "redact_after_send", "created_at",
                 "updated_at"])
    for table in ("police_area", "local_police_area", "local_police_area_municipality",
                  "organization", "contact", "agreement", "agreement_municipality",
                  "agreement_coordinator", "party", "commitment", "follow_up",
                  "situation_round", "round_request", "situation_input"):
        await conn.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                           f'(SELECT max(id) FROM "{table}"))')
    return {"agreements": len(agreements), "parties": len(parties),
            "commitments": len(commitments), "follow_ups": len(follow_ups),
            "rounds": len(rounds), "organizations": len(organizations)}


async def seed(database_url: str, mine: int, others: int) -> dict:
    import asyncpg
    from common import migrate_and_reference_data

    from samverkan import clock
    from samverkan.db import write_transaction
    from samverkan.situation import service as situation

    await migrate_and_reference_data()
    async with write_transaction():
        await situation.seed_indicators()
    users = await _users()
    today = clock.today()
    conn = await asyncpg.connect(database_url)
    try:
        async with conn.transaction():
            counts = await _load(conn, random.Random(20261125), mine, others, users["ids"],
                                 today)
        await conn.execute("ANALYZE")
        expected = dict(await conn.fetchrow("""
            SELECT count(*) FILTER (WHERE c.status = 'proposed') AS proposed,
                   count(*) FILTER (WHERE c.due_date < $2) AS overdue,
                   count(*) FILTER (WHERE c.due_date BETWEEN $2 AND $2 + 14) AS due_soon
              FROM commitment c JOIN agreement a ON a.id = c.agreement
             WHERE c.agreement IN (SELECT agreement FROM agreement_coordinator WHERE user_id = $1)
               AND c.status IN ('proposed', 'confirmed', 'in_progress')
               AND a.status IN ('in_preparation', 'awaiting_signature', 'active',
                                'under_revision')""", users["ids"][0], today))
    finally:
        await conn.close()
    return {"cookie": users["cookie"], "token": users["token"], "search": SEARCH_WORD,
            "counts": counts, "today_expected": expected, "today": today.isoformat()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="an empty database")
    parser.add_argument("--mine", type=int, default=500, help="the coordinator's agreements")
    parser.add_argument("--others", type=int, default=1500, help="other coordinators' ones")
    args = parser.parse_args()
    from situation_seed import environment

    data_dir = (os.environ.get("SAMVERKAN_DATA_DIR")
                or tempfile.mkdtemp(prefix="samverkan-bench-"))
    os.environ.update(environment(args.database_url, data_dir))
    print(json.dumps(asyncio.run(seed(args.database_url, args.mine, args.others))))


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
