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
import asyncio
import json
import math
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from common import machine as describe_machine

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results" / "latest.json"
HOST = "127.0.0.1"
TARGETS = ("real", "baseline")
ROUTES = {
    "list": "GET /api/agreements?limit=50",
    "detail": "GET /api/agreements/{id}",
}
P95_LIMIT_MS = 50.0
MIN_RATIO = 0.5


# --- load generator (runs in a child process) ---------------------------------------------


def _request(path: str, token: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {token}\r\n"
        "Accept: application/json\r\n\r\n"
    ).encode()


async def _read_response(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 response; return its status code."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lower = head.lower()
    at = lower.find(b"\r\ncontent-length:")
    if at >= 0:
        end = lower.index(b"\r\n", at + 2)
        await reader.readexactly(int(lower[at + 17 : end]))
    elif b"transfer-encoding: chunked" in lower:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def _load(params: dict) -> dict:
    port, clients, duration = params["port"], params["clients"], params["duration"]
    token, route = params["token"], params["route"]
    low, high = params["ids"]
    rng = random.Random(params["seed"])
    list_request = _request("/api/agreements?limit=50", token)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    failures = 0
    go = asyncio.Event()
    clock = time.perf_counter
    deadline = 0.0

    def next_request() -> bytes:
        if route == "list":
            return list_request
        return _request(f"/api/agreements/{rng.randint(low, high)}", token)

    async def client() -> None:
        nonlocal failures
        reader, writer = await asyncio.open_connection(HOST, port)
        await go.wait()
        while True:
            started = clock()
            if started >= deadline:
                break
            try:
                writer.write(next_request())
                status = await _read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                failures += 1
                writer.close()
                reader, writer = await asyncio.open_connection(HOST, port)
                continue
            finished = clock()
            if finished <= deadline:  # a request still open at the deadline is not counted
                latencies.append(finished - started)
                statuses[status] = statuses.get(status, 0) + 1
        writer.close()

    tasks = [asyncio.create_task(client()) for _ in range(clients)]
    await asyncio.sleep(0.2)  # let every client connect before the clock starts
    begun = clock()
    deadline = begun + duration
    go.set()
    await asyncio.gather(*tasks)
    latencies.sort()
    ok = statuses.get(200, 0)

    def pct(p: float) -> float:
        if not latencies:
            return float("nan")
        rank = max(1, math.ceil(p / 100 * len(latencies)))  # nearest-rank percentile
        return latencies[rank - 1] * 1000

    return {
        "requests": len(latencies),
        "ok": ok,
        "errors": len(latencies) - ok + failures,
        "statuses": {str(k): v for k, v in statuses.items()},
        "duration_s": duration,
        "rps": ok / duration,
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "max_ms": latencies[-1] * 1000 if latencies else float("nan"),
    }


def _load_process(pipe, params: dict) -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    pipe.send(asyncio.run(_load(params)))
    pipe.close()


def measure(params: dict) -> dict:
    """One load run in a fresh process, so the generator never shares an interpreter."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_load_process, args=(sender, params), daemon=True)
    process.start()
    sender.close()  # so recv() sees EOF if the child dies without answering
    try:
        result = receiver.recv()
    except EOFError:
        raise SystemExit(f"the load generator failed (exit code {process.exitcode})") from None
    finally:
        process.join()
    return result


# --- servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


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


def postgres_version(url: str) -> str:
    import asyncpg

    async def version() -> str:
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetchval("SHOW server_version")
        finally:
            await conn.close()

    return asyncio.run(version())


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

        def params(target: str, route: str, duration: float, seed: int) -> dict:
            return {"port": ports[target], "clients": args.clients, "duration": duration,
                    "token": token, "route": route, "ids": ids, "seed": seed}

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
