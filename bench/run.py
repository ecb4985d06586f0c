"""Benchmark the two busiest reads of the real service against a hand-written baseline.

    .venv/bin/python bench/run.py [--rounds 5] [--duration 10] [--clients 32] [--quick]

Seeds PostgreSQL (bench/seed.py), starts the real service and bench/baseline.py with uvicorn
(one worker each, same flags, same pool size), checks that both answer byte-for-byte the
same JSON, then measures `GET /api/agreements?limit=50` and `GET /api/agreements/{id}`
(random ids) with a closed-loop load generator in its own process: N clients, each with
one keep-alive connection, sending the next request as soon as the last one is answered.
After a warm-up, rounds alternate real, baseline, real, baseline, … and the table reports
medians over rounds plus the median of the per-round ratios real/baseline. Results go to
bench/results/latest.json (git-ignored). docs/performance.md has the method and figures.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from common import HOST, free_port, measure, postgres_version
from common import machine as describe_machine

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results" / "latest.json"
TARGETS = ("real", "baseline")
ROUTES = {
    "list": "GET /api/agreements?limit=50",
    "detail": "GET /api/agreements/{id}",
}
P95_LIMIT_MS = 50.0
MIN_RATIO = 0.5


# --- servers ------------------------------------------------------------------------------


def start_server(name: str, app: str, port: int, env: dict, extra: list[str]) -> subprocess.Popen:
    log = open(f"/tmp/samverkan-bench-{name}.log", "w")  # noqa: SIM115 - lives with the server
    command = [
        sys.executable, "-m", "uvicorn", app, "--factory", *extra,
        "--host", HOST, "--port", str(port), "--workers", "1",
        "--log-level", "warning", "--no-access-log",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def get(port: int, path: str, token: str) -> tuple[int, dict, bytes]:
    import httpx

    response = httpx.get(
        f"http://{HOST}:{port}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    return response.status_code, dict(response.headers), response.content


def wait_ready(name: str, process: subprocess.Popen, port: int, token: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited; see /tmp/samverkan-bench-{name}.log")
        try:
            if get(port, "/api/agreements?limit=1", token)[0] == 200:
                return
        except Exception:  # noqa: BLE001 - not listening yet
            pass
        time.sleep(0.3)
    raise SystemExit(f"{name} did not answer within 60 s; see /tmp/samverkan-bench-{name}.log")


def check_same_answers(ports: dict, token: str, ids: list[int]) -> None:
    """Both targets must give the same bytes and ETag, or the comparison means nothing."""
    rng = random.Random(1)
    paths = ["/api/agreements?limit=50"] + [
        f"/api/agreements/{rng.randint(*ids)}" for _ in range(5)
    ]
    for path in paths:
        real = get(ports["real"], path, token)
        base = get(ports["baseline"], path, token)
        if real[0] != 200 or real[0] != base[0]:
            raise SystemExit(f"{path}: status real {real[0]}, baseline {base[0]}")
        if json.loads(real[2]) != json.loads(base[2]):
            raise SystemExit(f"{path}: the baseline's JSON differs from the real service's")
        if real[1].get("etag") != base[1].get("etag"):
            raise SystemExit(
                f"{path}: ETag real {real[1].get('etag')}, baseline {base[1].get('etag')}"
            )


# --- the run ------------------------------------------------------------------------------


def machine() -> dict:
    return describe_machine(("litestar", "piccolo", "asyncpg", "pydantic", "msgspec", "uvicorn", "uvloop"))


def summarise(rounds: list[dict]) -> dict:
    out: dict = {}
    for route in ROUTES:
        entry: dict = {}
        for target in TARGETS:
            runs = [r[target] for r in rounds if r["route"] == route]
            entry[target] = {
                key: statistics.median(run[key] for run in runs)
                for key in ("rps", "p50_ms", "p95_ms", "p99_ms")
            }
            entry[target]["errors"] = sum(run["errors"] for run in runs)
        pairs = [r for r in rounds if r["route"] == route]
        entry["throughput_ratio"] = statistics.median(
            p["real"]["rps"] / p["baseline"]["rps"] for p in pairs
        )
        entry["p95_ratio"] = statistics.median(
            p["real"]["p95_ms"] / p["baseline"]["p95_ms"] for p in pairs
        )
        entry["meets_target"] = (
            entry["throughput_ratio"] >= MIN_RATIO
            and entry["real"]["p95_ms"] < P95_LIMIT_MS
            and entry["real"]["errors"] == 0
        )
        out[route] = entry
    return out


def print_table(summary: dict, args) -> None:
    print()
    print(f"{args.clients} clients, {args.rounds} rounds x {args.duration:g} s per target and "
          "route; medians over rounds")
    print(f"{'route':<8} {'target':<9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'errors':>6}")
    for route, entry in summary.items():
        for target in TARGETS:
            t = entry[target]
            print(f"{route:<8} {target:<9} {t['rps']:8.0f} {t['p50_ms']:8.1f} {t['p95_ms']:8.1f} "
                  f"{t['p99_ms']:8.1f} {t['errors']:6d}")
        verdict = "MEETS" if entry["meets_target"] else "MISSES"
        print(f"{'':<8} real/baseline: throughput {entry['throughput_ratio']:.2f}x, "
              f"p95 {entry['p95_ratio']:.2f}x -> {verdict} target "
              f"(>= {MIN_RATIO}x throughput, p95 < {P95_LIMIT_MS:g} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5,
                        help="measured rounds per target and route")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per round")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of warm-up per target")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1 round of 2 s, 1 s warm-up")
    parser.add_argument("--reset", action="store_true", help="drop and reseed the database")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON")
    args = parser.parse_args()
    loadavg_at_start = os.getloadavg()
    if args.quick:
        args.rounds, args.duration, args.warmup = 1, 2.0, 1.0

    seed_command = [sys.executable, str(BENCH / "seed.py")] + (["--reset"] if args.reset else [])
    seeded = json.loads(subprocess.run(seed_command, check=True, capture_output=False,
                                       stdout=subprocess.PIPE, text=True).stdout)
    token, ids = seeded["token"], seeded["agreement_ids"]
    env = {
        **os.environ,
        "SAMVERKAN_DATABASE_URL": seeded["database_url"],
        "PICCOLO_CONF": "samverkan.conf",
        "SAMVERKAN_WORKER_IN_SERVE": "false",  # only the web app runs in the measured process
    }
    ports = {"real": free_port(), "baseline": free_port()}
    servers = {
        "real": start_server("real", "samverkan.app:create_app", ports["real"], env, []),
        "baseline": start_server("baseline", "baseline:create_app", ports["baseline"], env,
                                 ["--app-dir", str(BENCH)]),
    }
    try:
        for name, process in servers.items():
            wait_ready(name, process, ports[name], token)
        check_same_answers(ports, token, ids)
        print(f"both targets answer the same JSON; real on :{ports['real']}, "
              f"baseline on :{ports['baseline']}", file=sys.stderr)

        paths = {"list": ["/api/agreements?limit=50"],
                 "detail": [f"/api/agreements/{i}" for i in range(ids[0], ids[1] + 1)]}

        def params(target: str, route: str, duration: float, seed: int) -> dict:
            return {"port": ports[target], "clients": args.clients, "duration": duration,
                    "token": token, "paths": paths[route], "seed": seed}

        for route in ROUTES:
            for target in TARGETS:
                measure(params(target, route, args.warmup, 0))
        rounds = []
        for n in range(args.rounds):
            for route in ROUTES:
                pair = {"round": n + 1, "route": route}
                for target in TARGETS:  # real, baseline, real, baseline, …
                    pair[target] = measure(params(target, route, args.duration, n + 1))
                    r = pair[target]
                    print(f"round {n + 1} {route:<6} {target:<8} {r['rps']:7.0f} req/s  "
                          f"p50 {r['p50_ms']:6.1f}  p95 {r['p95_ms']:6.1f} ms  "
                          f"errors {r['errors']}", file=sys.stderr)
                rounds.append(pair)
    finally:
        for process in servers.values():
            process.terminate()
        for process in servers.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    summary = summarise(rounds)
    print_table(summary, args)
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, "bench/run.py", *sys.argv[1:]]),
        "settings": {"rounds": args.rounds, "duration_s": args.duration,
                     "warmup_s": args.warmup, "clients": args.clients},
        "machine": {**machine(), "loadavg_at_start": loadavg_at_start,
                    "loadavg_at_end": os.getloadavg(),
                    "postgresql": postgres_version(seeded["database_url"])},
        "data": seeded["counts"],
        "routes": ROUTES,
        "summary": summary,
        "rounds": rounds,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2))
    print(f"\nwritten to {args.output}")


if __name__ == "__main__":
    main()
