"""Benchmark the coordinators' workspace (issue 7): the Today page and the agreements list of
a coordinator who follows 500 agreements, under load, on PostgreSQL.

    .venv/bin/python bench/workspace.py [--clients 1,8] [--rounds 3] [--duration 5]
                                        [--mine 500] [--others 1500] [--quick] [--keep]

Creates a private database on PostgreSQL (BENCH_PG_URL, default
postgresql://postgres@127.0.0.1:5432), seeds it (bench/workspace_seed.py: the coordinator's
500 agreements with 3–4 parties, commitments, follow-ups and lägesbild rounds, among 1,500
other coordinators' ones), starts `samverkan serve` on it, checks every target answers 200
with what it should, then measures with closed-loop clients (common's load generator, here
sending the workspace's session cookie) at each concurrency of --clients, in interleaved
rounds:
  - today:     GET /workspace/ (the Today page), as the coordinator (session cookie);
  - list:      GET /workspace/agreements (the first page, the latest changed first);
  - filtered:  GET /workspace/agreements?q=Trygghet&status=active&status=under_revision
               &mine=1&sort=period_end (text, statuses, only mine, another order);
  - api:       GET /api/agreements?limit=25 (bearer token), issue 2's hot JSON read path, as
               the yardstick of an authenticated read on this machine;
  - health:    GET /health, the cost of a request through the server and nothing else.
Target: p95 < 100 ms for today, list and filtered. Results go to
bench/results/workspace.json (git-ignored); docs/performance.md has the method and figures.
The database is dropped at the end (--keep keeps it).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import common
from common import HOST, finish_record, free_port, run_record, stop, write_results
from common import machine as describe_machine
from situation_seed import create_database, drop_database, environment

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results" / "workspace.json"
SAMVERKAN = str(Path(sys.executable).parent / "samverkan")
P95_LIMIT_MS = 100.0
MEASURED = ("today", "list", "filtered")
TARGETS = (*MEASURED, "api", "health")
NO_RESET = "_no_reset"  # the suffix of a target measured on create_no_reset_app


def paths(search: str) -> dict[str, str]:
    return {
        "today": "/workspace/",
        "list": "/workspace/agreements",
        "filtered": (f"/workspace/agreements?q={search}&status=active&status=under_revision"
                     "&mine=1&sort=period_end"),
        "api": "/api/agreements?limit=25",
        "health": "/health",
    }


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the servers ------------------------------------------------------------------------------


def create_no_reset_app():
    """The service's app with its PostgreSQL pool taking connections back without asyncpg's
    reset query (pg_advisory_unlock_all, CLOSE ALL, UNLISTEN *, RESET ALL: a second round
    trip for every pooled read; the service uses none of those). Measured beside the service
    as it is, to know what that round trip costs (uvicorn imports this with --app-dir bench)."""
    from samverkan.app import create_app
    from samverkan.conf import DB

    async def keep(connection) -> None:
        return None

    DB.config["reset"] = keep
    return create_app()


def start_service(port: int, env: dict) -> subprocess.Popen:
    out = open("/tmp/samverkan-bench-workspace-serve.log", "w")  # noqa: SIM115 - the server's
    return subprocess.Popen([SAMVERKAN, "serve", "--host", HOST, "--port", str(port)],
                            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def start_no_reset(port: int, env: dict) -> subprocess.Popen:
    """create_no_reset_app under uvicorn with the settings serve gives it (one worker, log
    level info with the access log, proxy headers), so that only the pool differs."""
    out = open("/tmp/samverkan-bench-workspace-no-reset.log", "w")  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "workspace:create_no_reset_app", "--factory",
         "--app-dir", str(BENCH), "--host", HOST, "--port", str(port), "--workers", "1",
         "--log-level", "info", "--proxy-headers"],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def get(port: int, path: str, header: str):
    import httpx

    name, value = header.split(": ", 1)
    return httpx.get(f"http://{HOST}:{port}{path}", headers={name: value}, timeout=30)


def wait_ready(process: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("a server exited; see /tmp/samverkan-bench-workspace-*.log")
        try:
            if get(port, "/health", "Accept: */*").status_code == 200:
                return
        except Exception:  # noqa: BLE001 - not listening yet
            pass
        time.sleep(0.3)
    raise SystemExit("serve did not answer within 90 s")


def check_answers(ports: dict, targets: dict, headers: dict, seeded: dict) -> dict:
    """Every target answers 200 with what it should; returns the answers' sizes."""
    sizes = {}
    for target, path in targets.items():
        name = target.removesuffix(NO_RESET)
        response = get(ports[target], path, headers[target])
        if response.status_code != 200:
            raise SystemExit(f"{target}: {response.status_code} {response.text[:300]}")
        sizes[target] = len(response.content)
        text = response.text
        if name == "today":
            expected = seeded["today_expected"]
            for heading, count in (("Väntar på bekräftelse", expected["proposed"]),
                                   ("Försenade åtaganden", expected["overdue"]),
                                   ("Ska vara klara inom 14 dagar", expected["due_soon"])):
                if f"{heading} ({count})" not in text:
                    raise SystemExit(f"today: no '{heading} ({count})' on the page")
            if "de 500 överenskommelser" not in text and seeded["mine"] == 500:
                raise SystemExit("today: the page does not speak of 500 agreements")
        if name in ("list", "filtered") and text.count('<th scope="row">') == 0:
            raise SystemExit(f"{name}: no agreements listed")
        if name == "list" and text.count('<th scope="row">') != 25:
            raise SystemExit("list: not 25 rows on the first page")
    return sizes


def load_rounds(args, ports: dict, targets: dict, headers: dict) -> list[dict]:
    def params(target: str, clients: int, duration: float, seed: int) -> dict:
        return {"port": ports[target], "clients": clients, "duration": duration, "token": "",
                "header": headers[target], "accept": "text/html,application/json",
                "paths": [targets[target]], "seed": seed}

    params.targets = list(targets)
    return common.load_rounds(args.clients, args.rounds, args.warmup, args.duration, params,
                              log)


def summarise(rounds: list[dict], targets: list[str]) -> dict:
    out = {}
    for clients in sorted({r["clients"] for r in rounds}):
        mine = [r for r in rounds if r["clients"] == clients]
        entry: dict = {}
        for target in targets:
            entry[target] = {key: statistics.median(r[target][key] for r in mine)
                             for key in ("rps", "p50_ms", "p95_ms", "p99_ms")}
            entry[target]["errors"] = sum(r[target]["errors"] for r in mine)
        for target in (t for t in targets if t.removesuffix(NO_RESET) in MEASURED):
            if target.endswith(NO_RESET) and target.removesuffix(NO_RESET) in targets:
                service = target.removesuffix(NO_RESET)
                entry[target]["rps_vs_service"] = statistics.median(
                    r[target]["rps"] / r[service]["rps"] for r in mine)
                entry[target]["p95_vs_service"] = statistics.median(
                    r[target]["p95_ms"] / r[service]["p95_ms"] for r in mine)
            for other in (o for o in ("api", "health") if o in targets):
                entry[target][f"p95_vs_{other}"] = statistics.median(
                    r[target]["p95_ms"] / r[other]["p95_ms"] for r in mine)
                entry[target][f"rps_vs_{other}"] = statistics.median(
                    r[target]["rps"] / r[other]["rps"] for r in mine)
            entry[target]["meets_target"] = (entry[target]["p95_ms"] < P95_LIMIT_MS
                                             and entry[target]["errors"] == 0)
        out[str(clients)] = entry
    return out


def print_summary(result: dict) -> None:
    print()
    print(f"sizes: {result['sizes']}; medians over {result['settings']['rounds']} rounds of "
          f"{result['settings']['duration_s']:g} s")
    print(f"{'clients':>7} {'target':<18} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'errors':>6} {'p95/api':>8} {'rps/api':>8}  verdict")
    for clients, entry in result["load"].items():
        for target in entry:
            t = entry[target]
            label = target.replace(NO_RESET, " (no reset)")
            ratios = (f"{t.get('p95_vs_api', float('nan')):8.2f} "
                      f"{t.get('rps_vs_api', float('nan')):8.2f}  "
                      f"{'MEETS' if t['meets_target'] else 'MISSES'} < {P95_LIMIT_MS:g} ms"
                      if "meets_target" in t else "")
            if "rps_vs_service" in t:
                ratios += (f"; vs the service: req/s {t['rps_vs_service']:.2f}x, "
                           f"p95 {t['p95_vs_service']:.2f}x")
            print(f"{clients:>7} {label:<18} {t['rps']:8.1f} {t['p50_ms']:8.1f} "
                  f"{t['p95_ms']:8.1f} {t['p99_ms']:8.1f} {t['errors']:6d} {ratios}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="1,8", help="concurrencies, comma-separated")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per concurrency")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per round")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up")
    parser.add_argument("--mine", type=int, default=500, help="agreements the coordinator follows")
    parser.add_argument("--others", type=int, default=1500, help="other coordinators' agreements")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1 round of 2 s at 1 and 8 clients")
    parser.add_argument("--targets", default=",".join(TARGETS),
                        help="what to measure, comma-separated (a smoke run of one page)")
    parser.add_argument("--database-url", default=None,
                        help="an already seeded database (bench/workspace_seed.py's output "
                             "in --seeded): neither seeded nor dropped")
    parser.add_argument("--seeded", type=Path, default=None,
                        help="the JSON bench/workspace_seed.py printed for --database-url")
    parser.add_argument("--no-reset", action="store_true",
                        help="also measure the pages on create_no_reset_app (the pool without "
                             "asyncpg's reset query)")
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.duration, args.warmup = 1, 2.0, 1.0
    args.clients = [int(c) for c in args.clients.split(",")]
    chosen = [t for t in args.targets.split(",") if t]
    if set(chosen) - set(TARGETS):
        parser.error(f"--targets: choose among {', '.join(TARGETS)}")
    if bool(args.database_url) != bool(args.seeded):
        parser.error("--database-url and --seeded go together")
    loadavg_at_start = os.getloadavg()
    started = datetime.now(UTC)

    own = args.database_url is None
    url = create_database("samverkan_workspace_bench") if own else args.database_url
    data_dir = tempfile.mkdtemp(prefix="samverkan-bench-data-")
    env = environment(url, data_dir)
    servers: list[subprocess.Popen] = []
    result: dict = {}
    try:
        if own:
            log(f"seeding {url} ...")
            began = time.perf_counter()
            seeded = json.loads(subprocess.run(
                [sys.executable, str(BENCH / "workspace_seed.py"), "--database-url", url,
                 "--mine", str(args.mine), "--others", str(args.others)],
                env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout)
            log(f"seeded in {time.perf_counter() - began:.1f} s: {seeded['counts']}, "
                f"today: {seeded['today_expected']}")
        else:
            seeded = json.loads(args.seeded.read_text())
        seeded["mine"] = args.mine
        targets = {name: path for name, path in paths(seeded["search"]).items()
                   if name in chosen}
        cookie = f"Cookie: samverkan_session={seeded['cookie']}"
        headers = {name: cookie for name in MEASURED}
        headers["api"] = f"Authorization: Bearer {seeded['token']}"
        headers["health"] = "Accept: */*"
        port = free_port()
        ports = dict.fromkeys(targets, port)
        servers.append(start_service(port, env))
        wait_ready(servers[-1], port)
        if args.no_reset:
            variant = free_port()
            servers.append(start_no_reset(variant, env))
            wait_ready(servers[-1], variant)
            for name in [t for t in targets if t in MEASURED]:
                targets[name + NO_RESET] = targets[name]
                headers[name + NO_RESET] = headers[name]
                ports[name + NO_RESET] = variant
            # measured side by side: each page, then the same page without the reset
            targets = dict(sorted(targets.items(),
                                  key=lambda item: list(TARGETS).index(
                                      item[0].removesuffix(NO_RESET))))
        sizes = check_answers(ports, targets, headers, seeded)
        log(f"every target answers as it should: {sizes}")
        result = {
            **run_record("bench/workspace.py", started, args, mine=args.mine,
                         others=args.others, no_reset=args.no_reset),
            "data": {k: seeded[k] for k in ("counts", "today_expected", "today")},
            "paths": targets,
            "sizes": sizes,
        }
        result["rounds"] = load_rounds(args, ports, targets, headers)
        result["load"] = summarise(result["rounds"], list(targets))
        finish_record(result, describe_machine(("litestar", "piccolo", "asyncpg", "pydantic",
                                                "jinja2", "uvicorn", "uvloop")),
                      loadavg_at_start, url, ROOT)
    finally:
        stop(servers)
        shutil.rmtree(data_dir, ignore_errors=True)
        if args.keep or not own:
            log(f"kept {url}")
        else:
            drop_database(url)
    if "load" in result:
        print_summary(result)
        write_results(args.output, result)


if __name__ == "__main__":
    main()
