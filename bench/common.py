"""What the benchmarks share: describing the machine, preparing a database the way the
service itself does (migrations, then the reference geography), and the HTTP load generator."""

import asyncio
import contextlib
import io
import math
import multiprocessing
import os
import platform
import random
import socket
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

HOST = "127.0.0.1"


def machine(packages: tuple[str, ...]) -> dict:
    """CPU, cores, RAM, Python and the versions of packages, for the results' record."""
    info: dict = {"nproc": os.cpu_count(), "python": platform.python_version(),
                  "kernel": platform.release()}
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                info["cpu"] = line.split(":", 1)[1].strip()
    except OSError:
        pass
    with open("/proc/meminfo") as f:
        info["ram_gib"] = round(int(f.readline().split()[1]) / 1024 / 1024, 1)
    for package in packages:
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    return info


async def migrate_and_reference_data() -> None:
    """Piccolo's migrations and the registry's reference geography, on the database
    samverkan.conf.DB points at (set SAMVERKAN_DATABASE_URL before importing samverkan)."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    with contextlib.redirect_stdout(io.StringIO()) as out:
        result = await run_forwards("all")
    if not result.success:
        sys.stderr.write(out.getvalue())
        raise SystemExit(f"migrations failed: {result.message}")

    from samverkan.db import write_transaction
    from samverkan.registry.service import seed_reference_data

    async with write_transaction():
        await seed_reference_data()


def run_record(script: str, started, args, **settings) -> dict:
    """The head of a run's results: when, the exact command, and the load settings (clients,
    rounds, seconds per round and of warm-up) with the script's own."""
    return {
        "date": started.isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, script, *sys.argv[1:]]),
        "settings": {"clients": args.clients, "rounds": args.rounds,
                     "duration_s": args.duration, "warmup_s": args.warmup, **settings},
    }


def finish_record(result: dict, machine_info: dict, loadavg_at_start, url: str, root) -> None:
    """Add to a run's results the machine (with the load average at the start and now and
    PostgreSQL's version), the commit measured and when the run finished."""
    from datetime import UTC, datetime

    result["machine"] = {**machine_info, "loadavg_at_start": loadavg_at_start,
                         "loadavg_at_end": os.getloadavg(), "postgresql": postgres_version(url)}
    result["commit"] = commit(root)
    result["finished"] = datetime.now(UTC).isoformat(timespec="seconds")


def commit(root) -> str:
    """The commit measured, and whether src/ had uncommitted changes."""
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root,
                          capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=root,
                           capture_output=True, text=True).stdout.strip()
    return head + (" (with uncommitted changes in src/)" if dirty else "")


def write_results(path, result: dict) -> None:
    """Write a run's results as JSON (git-ignored under bench/results) and say where."""
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, default=str))
    print(f"\nwritten to {path}")


def stop(processes) -> None:
    """Terminate the servers, killing any that has not ended within 10 s."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def postgres_version(url: str) -> str:
    import asyncpg

    async def version() -> str:
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetchval("SHOW server_version")
        finally:
            await conn.close()

    return asyncio.run(version())


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# --- load generator (runs in a child process) ---------------------------------------------
#
# measure({"port", "clients", "duration", "token", "paths", "seed"}): `clients` closed-loop
# clients, each on one keep-alive HTTP/1.1 connection, send GET requests for paths drawn
# uniformly at random from `paths` with a bearer token, each as soon as the last is answered.
# Optional: "header" (a whole header line, e.g. a session cookie, instead of the bearer token)
# and "accept" (instead of application/json).


def _request(path: str, params: dict) -> bytes:
    header = params.get("header") or f"Authorization: Bearer {params['token']}"
    accept = params.get("accept", "application/json")
    return (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n{header}\r\nAccept: {accept}\r\n\r\n"
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
    requests = [_request(path, params) for path in params["paths"]]
    rng = random.Random(params["seed"])
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    failures = 0
    go = asyncio.Event()
    clock = time.perf_counter
    deadline = 0.0

    def next_request() -> bytes:
        return requests[0] if len(requests) == 1 else rng.choice(requests)

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


def load_rounds(clients: list[int], rounds: int, warmup: float, duration: float,
                params, log) -> list[dict]:
    """At each concurrency of `clients`: a warm-up of every target, then `rounds` rounds that
    measure the targets in turn (interleaved, so that a change in the machine's load touches
    them alike). params(target, clients, duration, seed) gives measure()'s parameters, its
    targets are params.targets; each result is logged with log(message)."""
    out = []
    for n_clients in clients:
        for target in params.targets:
            measure(params(target, n_clients, warmup, 0))
        for n in range(rounds):
            entry = {"clients": n_clients, "round": n + 1}
            for target in params.targets:
                entry[target] = r = measure(params(target, n_clients, duration, n + 1))
                log(f"{n_clients:3d} clients round {n + 1} {target:<9} {r['rps']:7.1f} req/s  "
                    f"p50 {r['p50_ms']:7.1f}  p95 {r['p95_ms']:7.1f} ms  errors {r['errors']}")
            out.append(entry)
    return out


# --- seeding ------------------------------------------------------------------------------


def _luhn(digits: str) -> str:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def org_number(prefix: str, i: int) -> str:
    """A valid organisationsnummer (NNNNNN-NNNN, Luhn check digit) from a prefix and i; digits
    3–4 of a real one are >= 20, so give a prefix whose third and fourth digits are."""
    digits = f"{prefix}{i:06d}"
    number = digits + _luhn(digits)
    return f"{number[:6]}-{number[6:]}"
