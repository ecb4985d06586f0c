"""Benchmark the shared lägesbild (issue 6): the joint picture under load, and an import.

    .venv/bin/python bench/situation.py [--clients 1,8,32] [--rounds 3] [--duration 8]
                                        [--rows 100000] [--import-repeat 3] [--quick]

1. The joint picture. Creates a private database on PostgreSQL (BENCH_PG_URL, default
   postgresql://postgres@127.0.0.1:5432), seeds it (bench/situation_seed.py: one agreement
   with 5 parties, 40 indicators and 16 quarterly rounds, everything submitted, some values
   per place; plus --others agreements with a copy of it), starts `samverkan serve` on it and
   a baseline app, then measures with closed-loop clients (common.measure) at each
   concurrency of --clients, in interleaved rounds:
   - picture:   the service, GET /api/agreements/{id}/situation (the latest round);
   - baseline:  a hand-written yardstick (create_baseline_app below, uvicorn with serve's
                settings): the same bearer-token check, then ONE SQL statement reading the
                same values with their periods, parties and indicators, grouped in Python and
                encoded with msgspec – the same data, not the same document (no goals,
                distances, observations or what is missing);
   - agreement: the service, GET /api/agreements/{id} of the same agreement (issue 2's hot
                path), for the cost of any authenticated request on this machine;
   and on request, the same picture route of
   - before:    (--before REV) the service as of git revision REV (its src/ exported with
                git archive), to measure a change in the same run;
   - freeze:    (--freeze) the service with gc.freeze() once started (create_frozen_app
                below): what the garbage collector's full collections cost.
   Every picture target must answer the same JSON. The target: the picture's p95 < 100 ms.
2. The import of --rows values (target over 5,000 rows/s): a CSV for the seeded import
   agreement (5 parties × their 8 indicators × 16 quarters × places), timed as
   - import:     `samverkan situation import FILE` end to end, in its own process (start-up,
                 reading, checking against the database, writing, commit), when the command
                 exists; otherwise not run;
   - read_rows:  samverkan.situation.importing.read_rows alone (parsing and checking the file);
   - executemany: the baseline, one asyncpg executemany INSERT of the same rows (already
                 resolved to input, indicator, place, value) into inputs created first, in
                 one transaction.
   Repetitions alternate import and baseline; the import agreement's inputs are deleted (and
   the tables vacuumed) before each.
The database is dropped at the end (--keep keeps it). Results go to
bench/results/situation.json (git-ignored); docs/performance.md has the method and figures.
"""

import argparse
import asyncio
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import msgspec
from common import HOST, finish_record, free_port, run_record, stop, write_results
from common import load_rounds as common_load_rounds
from common import machine as describe_machine
from situation_seed import create_database, drop_database, environment

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results" / "situation.json"
SAMVERKAN = str(Path(sys.executable).parent / "samverkan")
TARGETS = ("picture", "baseline", "agreement")  # and "before", "freeze" when asked for
P95_LIMIT_MS = 100.0
MIN_ROWS_PER_S = 5_000


# --- the baseline app (uvicorn imports this module with --app-dir bench) --------------------

PICTURE_SQL = """
WITH cur AS (
    SELECT id, period_kind, period_start FROM situation_round
     WHERE agreement_id = $1 ORDER BY period_start DESC, id DESC LIMIT 1
), series AS (
    SELECT r.id, r.period_start, r.id = cur.id AS current
      FROM situation_round r JOIN cur
        ON r.period_kind = cur.period_kind AND r.period_start <= cur.period_start
     WHERE r.agreement_id = $1
)
SELECT v.indicator, ind.code, ind.name_sv, ind.unit, i.party_id, o.name, v.place,
       s.period_start, s.current, v.value, i.internal
  FROM series s
  JOIN situation_input i ON i.round = s.id AND i.status IN ('submitted', 'accepted')
  JOIN input_value v ON v.input = i.id
  JOIN indicator ind ON ind.id = v.indicator
  JOIN party p ON p.id = i.party_id
  JOIN organization o ON o.id = p.organization
 ORDER BY v.indicator, i.party_id, v.place, s.period_start
"""


class PeriodValue(msgspec.Struct):
    period: str
    value: float | None


class PictureRow(msgspec.Struct):
    party_id: int
    organization: str
    place: str
    value: float | None
    previous: float | None
    change: float | None
    internal: bool
    history: list[PeriodValue]


class PictureIndicator(msgspec.Struct):
    id: int
    code: str
    name_sv: str
    unit: str
    rows: list[PictureRow]


class Picture(msgspec.Struct):
    agreement_id: int
    periods: list[str]
    indicators: list[PictureIndicator]


def _quarter(start: date) -> str:
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def _baseline_picture(agreement_id: int, rows) -> Picture:
    starts = sorted({r[7] for r in rows})
    periods = [_quarter(s) for s in starts]
    current = starts[-1] if starts else None
    indicators: dict[int, PictureIndicator] = {}
    cells: dict[tuple, dict] = {}
    for (indicator_id, code, name, unit, party_id, organization, place, start, is_current,
         value, internal) in rows:
        if indicator_id not in indicators:
            indicators[indicator_id] = PictureIndicator(indicator_id, code, name, unit, [])
        key = (indicator_id, party_id, place)
        cell = cells.get(key)
        if cell is None:
            cell = cells[key] = {"organization": organization, "values": {}, "internal": False}
        cell["values"][start] = value
        if is_current:
            cell["internal"] = internal
    for (indicator_id, party_id, place), cell in cells.items():
        values = cell["values"]
        if current not in values:
            continue
        value = values[current]
        previous = values.get(starts[-2]) if len(starts) > 1 else None
        indicators[indicator_id].rows.append(PictureRow(
            party_id, cell["organization"], place, value, previous,
            None if previous is None else value - previous, cell["internal"],
            [PeriodValue(p, values.get(s)) for p, s in zip(periods, starts, strict=True)],
        ))
    return Picture(agreement_id, periods, list(indicators.values()))


_ENCODER = msgspec.json.Encoder()


def create_baseline_app():
    from typing import Annotated

    from baseline import _authenticated, _close_pool, _json, _open_pool, _refused
    from litestar import Litestar, Request, Response, get
    from litestar.params import Parameter

    @get("/situation/{agreement_id:int}")
    async def picture(request: Request,
                      agreement_id: Annotated[int, Parameter(ge=1, le=2**31 - 1)]) -> Response:
        async with request.app.state.pool.acquire() as conn:
            if not await _authenticated(conn, request):
                return _refused()
            rows = await conn.fetch(PICTURE_SQL, agreement_id)
        return _json(_ENCODER.encode(_baseline_picture(agreement_id, rows)))

    return Litestar(route_handlers=[picture], on_startup=[_open_pool],
                    on_shutdown=[_close_pool], openapi_config=None)


def create_frozen_app():
    """The service's app, with everything alive once it has started moved out of the garbage
    collector's reach (gc.freeze()), so that a full collection only walks what requests made."""
    import gc

    from samverkan.app import create_app

    async def freeze() -> None:
        gc.collect()
        gc.freeze()

    app = create_app()
    app.on_startup.append(freeze)
    return app


# --- servers --------------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def start_service(port: int, env: dict) -> subprocess.Popen:
    """`samverkan serve` as a person runs it (it also logs every request)."""
    out = open("/tmp/samverkan-bench-situation-serve.log", "w")  # noqa: SIM115 - the server's
    return subprocess.Popen([SAMVERKAN, "serve", "--host", HOST, "--port", str(port)],
                            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def start_uvicorn(name: str, app: str, port: int, env: dict) -> subprocess.Popen:
    """An app factory under uvicorn with the settings serve gives it (one worker, log level
    info with the access log, proxy headers), so that only the app differs."""
    out = open(f"/tmp/samverkan-bench-situation-{name}.log", "w")  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", app, "--factory", "--app-dir", str(BENCH),
         "--host", HOST, "--port", str(port), "--workers", "1", "--log-level", "info",
         "--proxy-headers"],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def export_revision(revision: str) -> Path:
    """src/ of a git revision in a temporary folder, to put first on PYTHONPATH."""
    folder = Path(tempfile.mkdtemp(prefix="samverkan-bench-rev-"))
    archive = subprocess.run(["git", "archive", revision, "src"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "src"


def get(port: int, path: str, token: str):
    import httpx

    return httpx.get(f"http://{HOST}:{port}{path}",
                     headers={"Authorization": f"Bearer {token}"}, timeout=30)


def wait_ready(name: str, process: subprocess.Popen, port: int, path: str, token: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited; see /tmp/samverkan-bench-situation-{name}.log")
        try:
            if get(port, path, token).status_code == 200:
                return
        except Exception:  # noqa: BLE001 - not listening yet
            pass
        time.sleep(0.3)
    raise SystemExit(f"{name} did not answer within 90 s")


def check_answers(ports: dict, paths: dict, token: str) -> dict:
    """The picture and the baseline must hold the same values, and every picture target the
    same JSON, or the comparison is void; returns the answers' sizes."""
    answers = {target: get(port, paths[target], token) for target, port in ports.items()}
    for name, response in answers.items():
        if response.status_code != 200:
            raise SystemExit(f"{name}: {response.status_code} {response.text[:300]}")
    picture, base, agreement = answers["picture"], answers["baseline"], answers["agreement"]
    p, b = picture.json(), base.json()
    for other in ("before", "freeze"):
        if other in answers and answers[other].json() != p:
            raise SystemExit(f"{other} answers another picture than the service")

    def cells(indicators, rows_of, indicator_of) -> dict:
        return {(indicator_of(block), r["party_id"], r["place"]):
                (r["value"], r["previous"], [h["value"] for h in r["history"]])
                for block in indicators for r in rows_of(block) if r["value"] is not None}

    mine = cells(p["indicators"], lambda x: x["rows"], lambda x: x["indicator"]["id"])
    theirs = cells(b["indicators"], lambda x: x["rows"], lambda x: x["id"])
    if p["periods"] != b["periods"] or mine != theirs:
        raise SystemExit("the baseline's values differ from the picture's")
    return {"picture_bytes": len(picture.content), "baseline_bytes": len(base.content),
            "agreement_bytes": len(agreement.content), "picture_cells": len(mine),
            "picture_rows": sum(len(x["rows"]) for x in p["indicators"])}


def load_rounds(args, ports: dict, paths: dict, token: str) -> list[dict]:
    def params(target: str, clients: int, duration: float, seed: int) -> dict:
        return {"port": ports[target], "clients": clients, "duration": duration, "token": token,
                "paths": [paths[target]], "seed": seed}

    params.targets = list(ports)
    return common_load_rounds(args.clients, args.rounds, args.warmup, args.duration, params,
                              log)


def summarise_load(rounds: list[dict]) -> dict:
    out = {}
    for clients in sorted({r["clients"] for r in rounds}):
        mine = [r for r in rounds if r["clients"] == clients]
        entry: dict = {}
        for target in [t for t in (*TARGETS, "before", "freeze") if t in mine[0]]:
            entry[target] = {key: statistics.median(r[target][key] for r in mine)
                             for key in ("rps", "p50_ms", "p95_ms", "p99_ms")}
            entry[target]["errors"] = sum(r[target]["errors"] for r in mine)
        for other in ("baseline", "agreement"):
            entry[f"p95_vs_{other}"] = statistics.median(
                r["picture"]["p95_ms"] / r[other]["p95_ms"] for r in mine)
            entry[f"rps_vs_{other}"] = statistics.median(
                r["picture"]["rps"] / r[other]["rps"] for r in mine)
        for variant in ("before", "freeze"):
            if variant in entry:  # the variant against the service as it is
                entry[f"{variant}_rps_vs_picture"] = statistics.median(
                    r[variant]["rps"] / r["picture"]["rps"] for r in mine)
                entry[f"{variant}_p95_vs_picture"] = statistics.median(
                    r[variant]["p95_ms"] / r["picture"]["p95_ms"] for r in mine)
        entry["meets_target"] = (entry["picture"]["p95_ms"] < P95_LIMIT_MS
                                 and entry["picture"]["errors"] == 0)
        out[str(clients)] = entry
    return out


# --- the import -----------------------------------------------------------------------------


def write_csv(path: Path, seeded: dict, rows: int) -> int:
    """rows values for the import agreement: each party its own 8 indicators, every quarter,
    the whole area and then districts, written as a Swedish Excel CSV (';', decimal comma)."""
    codes, orgs, periods = seeded["indicator_codes"], seeded["org_numbers"], seeded["periods"]
    per_party = len(codes) // len(orgs)
    cells = len(periods) * len(orgs) * per_party
    places = [""] + [f"Område {n:03d}" for n in range(1, -(-rows // cells))]
    written = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, delimiter=";", lineterminator="\r\n")
        out.writerow(["agreement", "party", "indicator", "period", "place", "value"])
        for place_index, place in enumerate(places):
            for p_index, period in enumerate(periods):
                for o_index, org in enumerate(orgs):
                    for code in codes[o_index * per_party:(o_index + 1) * per_party]:
                        if written == rows:
                            return written
                        value = (p_index * 7 + o_index * 13 + place_index) % 500 + 0.5
                        out.writerow([seeded["import_agreement_id"], org, code, period, place,
                                      f"{value:.1f}".replace(".", ",")])
                        written += 1
    return written


def import_command_exists(env: dict) -> bool:
    done = subprocess.run([SAMVERKAN, "situation", "import", "--help"], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    return done.returncode == 0


async def _reset_import(url: str, agreement_id: int) -> int:
    """Delete the import agreement's inputs (their values go with them) and vacuum."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            "DELETE FROM situation_input WHERE round IN "
            "(SELECT id FROM situation_round WHERE agreement_id = $1)", agreement_id)
        await conn.execute("VACUUM ANALYZE input_value")
        await conn.execute("VACUUM ANALYZE situation_input")
        return await conn.fetchval("SELECT count(*) FROM input_value")
    finally:
        await conn.close()


async def _imported(url: str, agreement_id: int) -> int:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(
            "SELECT count(*) FROM input_value v JOIN situation_input i ON i.id = v.input "
            "JOIN situation_round r ON r.id = i.round WHERE r.agreement_id = $1", agreement_id)
    finally:
        await conn.close()


def time_import(path: Path, env: dict, url: str, agreement_id: int, rows: int) -> dict:
    started = time.perf_counter()
    done = subprocess.run([SAMVERKAN, "situation", "import", str(path)], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the import failed ({done.returncode}):\n{done.stderr[-2000:]}")
    found = asyncio.run(_imported(url, agreement_id))
    if found != rows:
        raise SystemExit(f"the import wrote {found} values, not {rows}")
    return {"seconds": seconds, "rows_per_s": rows / seconds, "stdout": done.stdout.strip()}


def time_read_rows(path: Path, rows: int) -> dict:
    """read_rows alone, in a fresh process (as the command reads the file)."""
    code = (
        "import json, sys, time\n"
        "from samverkan.situation.importing import read_rows\n"
        "started = time.perf_counter()\n"
        "rows, problems = read_rows(sys.argv[1], sys.argv[1])\n"
        "print(json.dumps({'seconds': time.perf_counter() - started, 'rows': len(rows),\n"
        "                  'problems': len(problems)}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    if result["rows"] != rows or result["problems"]:
        raise SystemExit(f"read_rows: {result}")
    return {**result, "rows_per_s": rows / result["seconds"]}


async def _executemany(url: str, seeded: dict, path: Path) -> dict:
    """The baseline: the same rows, resolved to ids up front (not timed), inserted with one
    executemany in one transaction, after creating the inputs they belong to."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        agreement_id = seeded["import_agreement_id"]
        indicator_id = dict(await conn.fetch("SELECT code, id FROM indicator"))
        party_of = dict(await conn.fetch(
            "SELECT o.org_number, p.id FROM party p JOIN organization o ON o.id = p.organization "
            "WHERE p.agreement = $1", agreement_id))
        round_of = {_quarter(r["period_start"]): r["id"] for r in await conn.fetch(
            "SELECT id, period_start FROM situation_round WHERE agreement_id = $1", agreement_id)}
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.reader(f, delimiter=";")
            next(reader)
            rows = [(round_of[period], party_of[party], indicator_id[code], place,
                     float(value.replace(",", ".")))
                    for _, party, code, period, place, value in reader]
        inputs = sorted({(r[0], r[1]) for r in rows})
        now = datetime.now(UTC)
        started = time.perf_counter()
        async with conn.transaction():
            input_of = {}
            for round_id, party_id in inputs:
                input_of[(round_id, party_id)] = await conn.fetchval(
                    "INSERT INTO situation_input (round, party_id, status, internal, observations,"
                    " return_comment, submitted_at, submitted_by, created_at, updated_at, version)"
                    " VALUES ($1, $2, 'submitted', false, '', '', $3, 'bench', $3, $3, 1)"
                    " RETURNING id", round_id, party_id, now)
            await conn.executemany(
                "INSERT INTO input_value (input, indicator, place, value) VALUES ($1, $2, $3, $4)",
                [(input_of[(r[0], r[1])], r[2], r[3], r[4]) for r in rows])
        seconds = time.perf_counter() - started
    finally:
        await conn.close()
    return {"seconds": seconds, "rows_per_s": len(rows) / seconds}


def import_rounds(args, seeded: dict, env: dict, url: str, available: bool) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="samverkan-bench-import-"))
    path = folder / "lagesbild.csv"
    rows = write_csv(path, seeded, args.rows)
    result: dict = {"rows": rows, "file_bytes": path.stat().st_size, "command": available,
                    "repetitions": []}
    agreement_id = seeded["import_agreement_id"]
    for n in range(args.import_repeat):
        entry: dict = {"read_rows": time_read_rows(path, rows)}
        if available:
            asyncio.run(_reset_import(url, agreement_id))
            entry["import"] = time_import(path, env, url, agreement_id, rows)
        asyncio.run(_reset_import(url, agreement_id))
        entry["executemany"] = asyncio.run(_executemany(url, seeded, path))
        asyncio.run(_reset_import(url, agreement_id))
        result["repetitions"].append(entry)
        log(f"import round {n + 1}: " + ", ".join(
            f"{k} {v['seconds']:.2f} s ({v['rows_per_s']:,.0f} rows/s)" for k, v in entry.items()))
    reps = result["repetitions"]
    for key in ("read_rows", "import", "executemany"):
        if key in reps[0]:
            result[key] = {m: statistics.median(r[key][m] for r in reps)
                           for m in ("seconds", "rows_per_s")}
    if available:
        result["import_vs_executemany"] = statistics.median(
            r["import"]["rows_per_s"] / r["executemany"]["rows_per_s"] for r in reps)
        result["meets_target"] = result["import"]["rows_per_s"] > MIN_ROWS_PER_S
        result["report"] = reps[-1]["import"]["stdout"]
    path.unlink()
    folder.rmdir()
    return result


# --- the run --------------------------------------------------------------------------------


def machine() -> dict:
    return describe_machine(("litestar", "piccolo", "asyncpg", "pydantic", "msgspec", "uvicorn",
                             "uvloop", "openpyxl"))


def print_summary(result: dict) -> None:
    if "load" in result:
        print_load(result)
    if "import" in result:
        print_import(result["import"])


def print_load(result: dict) -> None:
    print()
    print(f"joint picture: {result['sizes']['picture_bytes']:,} bytes, "
          f"{result['sizes']['picture_rows']} rows; medians over {result['settings']['rounds']} "
          f"rounds of {result['settings']['duration_s']:g} s")
    print(f"{'clients':>7} {'target':<10} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'errors':>6}")
    for clients, entry in result["load"].items():
        for target in [t for t in (*TARGETS, "before", "freeze") if t in entry]:
            t = entry[target]
            print(f"{clients:>7} {target:<10} {t['rps']:8.1f} {t['p50_ms']:8.1f} "
                  f"{t['p95_ms']:8.1f} {t['p99_ms']:8.1f} {t['errors']:6d}")
        print(f"{'':>7} picture p95 {entry['picture']['p95_ms']:.1f} ms: "
              f"{'MEETS' if entry['meets_target'] else 'MISSES'} < {P95_LIMIT_MS:g} ms; "
              f"p95 {entry['p95_vs_baseline']:.2f}x baseline, "
              f"{entry['p95_vs_agreement']:.2f}x agreement; req/s "
              f"{entry['rps_vs_baseline']:.2f}x baseline")
        for variant in ("before", "freeze"):
            if variant in entry:
                print(f"{'':>7} {variant}: req/s {entry[f'{variant}_rps_vs_picture']:.2f}x, "
                      f"p95 {entry[f'{variant}_p95_vs_picture']:.2f}x the picture's")


def print_import(imp: dict) -> None:
    print(f"\nimport of {imp['rows']:,} values ({imp['file_bytes']:,} bytes of CSV), medians "
          f"of {len(imp['repetitions'])}:")
    for key in ("import", "read_rows", "executemany"):
        if key in imp:
            print(f"  {key:<12} {imp[key]['seconds']:6.2f} s  "
                  f"{imp[key]['rows_per_s']:10,.0f} rows/s")
    if imp["command"]:
        print(f"  import / executemany: {imp['import_vs_executemany']:.2f}x -> "
              f"{'MEETS' if imp['meets_target'] else 'MISSES'} > {MIN_ROWS_PER_S:,} rows/s")
    else:
        print("  `samverkan situation import` does not exist yet: only read_rows measured")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="1,8,32",
                        help="concurrencies to measure, comma-separated")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per concurrency")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per round")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up")
    parser.add_argument("--others", type=int, default=200,
                        help="further agreements with a copy of the lägesbild")
    parser.add_argument("--rows", type=int, default=100_000, help="values to import")
    parser.add_argument("--import-repeat", type=int, default=3)
    parser.add_argument("--before", metavar="REV", default=None,
                        help="also measure the picture route of the service at git revision REV")
    parser.add_argument("--freeze", action="store_true",
                        help="also measure the picture route with gc.freeze() after start-up")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1 round of 2 s at 1 and 8 clients, 10,000 rows once")
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.quick:
        args.clients, args.rounds, args.duration, args.warmup = "1,8", 1, 2.0, 1.0
        args.others, args.rows, args.import_repeat = 20, 10_000, 1
    args.clients = [int(c) for c in args.clients.split(",")]
    loadavg_at_start = os.getloadavg()
    started = datetime.now(UTC)

    url = create_database()
    data_dir = tempfile.mkdtemp(prefix="samverkan-bench-data-")
    env = environment(url, data_dir)
    servers: list[subprocess.Popen] = []
    exported: list[Path] = []
    result: dict = {}
    try:
        log(f"seeding {url} ...")
        began = time.perf_counter()
        seeded = json.loads(subprocess.run(
            [sys.executable, str(BENCH / "situation_seed.py"), "--database-url", url,
             "--others", str(args.others)],
            env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout)
        log(f"seeded in {time.perf_counter() - began:.1f} s: {seeded['counts']}")
        token, agreement_id = seeded["tokens"]["viewer"], seeded["agreement_id"]
        paths = {"picture": f"/api/agreements/{agreement_id}/situation",
                 "baseline": f"/situation/{agreement_id}",
                 "agreement": f"/api/agreements/{agreement_id}"}
        result = {
            **run_record("bench/situation.py", started, args, others=args.others,
                         before=args.before, freeze=args.freeze),
            "data": {k: seeded[k] for k in ("counts", "values_of_agreement", "periods")},
            "paths": paths,
        }
        if not args.skip_load:
            ports = {"picture": free_port(), "baseline": free_port()}
            ports["agreement"] = ports["picture"]
            started_servers = {
                "serve": (start_service(ports["picture"], env), ports["picture"], "picture"),
                "baseline": (start_uvicorn("baseline", "situation:create_baseline_app",
                                           ports["baseline"], env),
                             ports["baseline"], "baseline"),
            }
            if args.before:
                ports["before"] = free_port()
                paths["before"] = paths["picture"]
                src = export_revision(args.before)
                exported.append(src.parent)
                result["before_commit"] = subprocess.run(
                    ["git", "rev-parse", "--short", args.before], cwd=ROOT, capture_output=True,
                    text=True).stdout.strip()
                started_servers["before"] = (start_uvicorn(
                    "before", "samverkan.app:create_app", ports["before"],
                    {**env, "PYTHONPATH": str(src)}), ports["before"], "before")
            if args.freeze:
                ports["freeze"] = free_port()
                paths["freeze"] = paths["picture"]
                started_servers["freeze"] = (start_uvicorn(
                    "freeze", "situation:create_frozen_app", ports["freeze"], env),
                    ports["freeze"], "freeze")
            servers = [process for process, _, _ in started_servers.values()]
            for name, (process, port, target) in started_servers.items():
                wait_ready(name, process, port, paths[target], token)
            result["sizes"] = check_answers(ports, paths, token)
            log(f"both answer the same values: {result['sizes']}")
            result["rounds"] = load_rounds(args, ports, paths, token)
            result["load"] = summarise_load(result["rounds"])
            stop(servers)
            servers = []
        if not args.skip_import:
            available = import_command_exists(env)
            log("importing" + ("" if available else
                               " (no `samverkan situation import` yet: read_rows only)"))
            result["import"] = import_rounds(args, seeded, env, url, available)
        finish_record(result, machine(), loadavg_at_start, url, ROOT)
    finally:
        stop(servers)
        shutil.rmtree(data_dir, ignore_errors=True)
        for folder in exported:
            shutil.rmtree(folder, ignore_errors=True)
        if args.keep:
            log(f"kept {url}")
        else:
            drop_database(url)
    print_summary(result)
    write_results(args.output, result)


if __name__ == "__main__":
    main()
