"""Benchmark the reminder sweep and the outbox's delivery on PostgreSQL (issue 3).

    .venv/bin/python bench/reminders.py [--repeat 5] [--quick] [--reseed] [--markdown FILE]

Two databases (bench/reminders_seed.py): the base set, 100,000 agreements and 1,000,000
commitments of which 10,000 fall due in the sweep's 14-day window, and the doubled set, a
copy with another 100,000 agreements and 1,000,000 commitments none of which is due. Both
are seeded once and reused (--reseed drops and seeds them again; --quick uses sets ten
times smaller, in databases of their own).

Each repetition empties the ledger and the outbox (TRUNCATE reminder, outbox_message) and
times one `service.sweep(NOW)` as the worker runs it (pooled connections). After one
warm-up sweep per set, repetitions alternate between the sets (base, doubled, doubled,
base, ...), switching the Piccolo engine's pool between the two databases outside the
timed part, so a slow minute on the shared machine hits both; the table gives medians and
the median of the per-round ratios doubled/base. Then one more sweep per set runs with every
statement recorded, and the reads of the sweep are shown with EXPLAIN (ANALYZE, BUFFERS).
Last, the digests of a base sweep are delivered with `service.deliver` through
`mailer.SmtpBackend` to a local aiosmtpd server (its own process, counting messages).

Results go to bench/results/reminders.json (git-ignored), the plans to
bench/results/reminders_plans.txt; --markdown writes the docs/performance.md section.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

SERVER_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
BASE_DATABASE = os.environ.get("BENCH_REMINDERS_DATABASE", "samverkan_bench_reminders")

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results" / "reminders.json"
SWEEP_LIMIT_S = 5.0
RATIO_LIMIT = 1.3


def _databases(quick: bool) -> tuple[str, str]:
    base = BASE_DATABASE + ("_quick" if quick else "")
    return base, base + "_2x"


# samverkan reads its settings, and Piccolo its configuration, at import: set both first.
# The engine starts on the base database; use_database() moves its pool between the two.
_QUICK = "--quick" in sys.argv
os.environ["SAMVERKAN_DATABASE_URL"] = f"{SERVER_URL}/{_databases(_QUICK)[0]}"
os.environ["PICCOLO_CONF"] = "samverkan.conf"

import reminders_seed as seed  # noqa: E402 - bench/ is the script's folder, on sys.path
from common import machine as describe_machine  # noqa: E402
from common import migrate_and_reference_data  # noqa: E402

# --- the engine, switched between databases --------------------------------------------------


async def use_database(name: str | None) -> None:
    """Point samverkan's one Piccolo engine at database name (None: close the pool)."""
    from samverkan.conf import DB
    from samverkan.settings import get_settings

    if DB.pool is not None:
        await DB.close_connection_pool()
    if name is None:
        return
    DB.config = {"dsn": f"{SERVER_URL}/{name}"}
    settings = get_settings()
    await DB.start_connection_pool(min_size=settings.postgres_pool_min,
                                   max_size=settings.postgres_pool_max)


async def execute(sql: str, *args) -> list:
    from samverkan.conf import DB

    async with DB.pool.acquire() as conn:
        return await conn.fetch(sql, *args)


# --- instrumentation: where the sweep's time goes, and which statements it runs -------------

PHASES: dict[str, float] = defaultdict(float)
PHASE_ORDER: list[str] = []  # as the sweep runs them; a nested step after its parent
CAPTURE: list | None = None  # (label, sql, args) of each statement while not None


def _timed(name: str, function):
    PHASE_ORDER.append(name)
    if asyncio.iscoroutinefunction(function):
        async def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                PHASES[name] += time.perf_counter() - started
    else:
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                PHASES[name] += time.perf_counter() - started
    return wrapper


def _caller_label() -> str:
    """The outermost repository function on the stack (commitments_due_between, not the
    helper _commitments_due it calls)."""
    label, frame = "?", sys._getframe(2)
    while frame is not None:
        path = frame.f_code.co_filename
        if "/samverkan/" in path and path.endswith("repository.py"):
            label = f"{Path(path).parent.name}.repository.{frame.f_code.co_name}"
        elif label != "?":
            break
        frame = frame.f_back
    return label


def instrument() -> None:
    """Wrap the sweep's steps with timers (a few microseconds each) and the engine with a
    statement recorder that is off unless CAPTURE is a list."""
    from samverkan.agreements import service as agreements
    from samverkan.conf import DB
    from samverkan.reminders import builtin_rules, digest, repository, service
    from samverkan.reminders.rules import all_rules

    queries = {  # the agreements query each rule leads with
        "commitment_due": "commitments_due_between",
        "commitment_overdue": "commitments_overdue",
        "commitment_unconfirmed": "commitments_unconfirmed_since",
        "meeting": "meetings_between",
        "agreement_ending": "agreements_ending_between",
    }
    for rule in all_rules():
        rule.due = _timed(f"rule {rule.name}", rule.due)
        name = queries.get(rule.name)
        if name:
            setattr(agreements, name, _timed(f"  agreements.{name}", getattr(agreements, name)))
    builtin_rules._contacts = _timed("contacts of candidates (within the rules above)",
                                     builtin_rules._contacts)
    repository.record_reminders = _timed("record ledger rows", repository.record_reminders)
    service._write_digests = _timed("write digests", service._write_digests)
    repository.reminders_awaiting_digest = _timed("  read awaiting ledger rows",
                                                  repository.reminders_awaiting_digest)
    digest.render = _timed("  render digests", digest.render)
    repository.insert_messages = _timed("  insert outbox messages", repository.insert_messages)
    linking = "assign_all" if hasattr(repository, "assign_all") else "assign"
    setattr(repository, linking, _timed("  link ledger rows to messages",
                                        getattr(repository, linking)))

    engine = type(DB)  # its instances have slots: the method is replaced on the class
    original = engine.run_querystring

    async def recording(self, querystring, in_pool: bool = True):
        if CAPTURE is not None:
            sql, args = querystring.compile_string(engine_type="postgres")
            CAPTURE.append((_caller_label(), sql, list(args)))
        return await original(self, querystring, in_pool=in_pool)

    engine.run_querystring = recording


# --- the sweep ------------------------------------------------------------------------------


async def fresh_ledger() -> None:
    await execute("TRUNCATE reminder, outbox_message RESTART IDENTITY")


async def timed_sweep(database: str) -> dict:
    from samverkan.reminders import service

    await use_database(database)
    await fresh_ledger()
    PHASES.clear()
    PHASES.update(dict.fromkeys(PHASE_ORDER, 0.0))
    started = time.perf_counter()
    result = await service.sweep(seed.NOW)
    seconds = time.perf_counter() - started
    by_rule = {r["rule"]: r["n"] for r in await execute(
        "SELECT rule, count(DISTINCT (subject_type, subject_id)) AS n FROM reminder GROUP BY rule")}
    rows = await execute("SELECT count(*) AS n FROM reminder")
    return {"seconds": seconds, "occurrences": result.occurrences, "digests": result.digests,
            "ledger_rows": rows[0]["n"], "by_rule": by_rule, "phases": dict(PHASES)}


_TRIM = 150


def _trim(line: str) -> str:
    # IN lists of a few thousand parameters: keep the start of the line.
    return line if len(line) <= _TRIM else line[:_TRIM] + " …"


async def plans(database: str) -> list[dict]:
    """One sweep with every statement recorded; EXPLAIN (ANALYZE, BUFFERS) of the first
    SELECT of each repository function it called (its real SQL and arguments)."""
    global CAPTURE
    from samverkan.reminders import service

    await use_database(database)
    await fresh_ledger()
    CAPTURE = []
    try:
        await service.sweep(seed.NOW)
        captured = CAPTURE
    finally:
        CAPTURE = None
    calls: dict[str, int] = defaultdict(int)
    for label, _, _ in captured:
        calls[label] += 1
    out, seen = [], set()
    for label, sql, args in captured:
        if label in seen or not sql.lstrip().upper().startswith("SELECT"):
            continue
        seen.add(label)
        rows = await execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, *args)
        plan = [r[0] for r in rows]
        execution = next((float(m.group(1)) for line in plan
                          if (m := re.match(r"Execution Time: ([\d.]+) ms", line))), None)
        out.append({"label": label, "calls": calls[label], "sql": sql,
                    "args": [a if len(str(a)) < 60 else f"{str(a)[:57]}..." for a in args[:8]]
                    + ([f"... {len(args)} parameters"] if len(args) > 8 else []),
                    "plan": [_trim(line) for line in plan], "execution_ms": execution})
    out.append({"label": "statements in one sweep", "calls": len(captured), "sql": "",
                "args": [], "plan": [], "execution_ms": None,
                "by_label": dict(sorted(calls.items()))})
    return out


# --- delivery -------------------------------------------------------------------------------


def _smtp_server(port: int, counter, ready, stop) -> None:
    from aiosmtpd.controller import Controller

    class Count:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            with counter.get_lock():
                counter.value += 1
            return "250 Message accepted for delivery"

    controller = Controller(Count(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def delivery(database: str, repeat: int) -> dict:
    """Deliver the digests of one base sweep to a local SMTP server, repeat times (the
    messages are put back to pending in between); messages per second, median."""
    from samverkan.reminders import mailer, service
    from samverkan.settings import get_settings

    context = multiprocessing.get_context("spawn")
    counter, ready, stop = context.Value("q", 0), context.Event(), context.Event()
    port = free_port()
    server = context.Process(target=_smtp_server, args=(port, counter, ready, stop), daemon=True)
    server.start()
    try:
        if not ready.wait(30):
            raise SystemExit("the SMTP server did not start")
        settings = get_settings().model_copy(update={
            "mail_backend": "smtp", "smtp_host": "127.0.0.1", "smtp_port": port,
            "smtp_security": "none", "smtp_username": "", "smtp_password": ""})
        swept = await timed_sweep(database)
        runs = []
        for n in range(repeat):
            await execute(
                "UPDATE outbox_message SET status = 'pending', attempts = 0, sent_at = NULL, "
                "claimed_at = NULL, claimed_by = NULL, next_attempt_at = $1", seed.NOW)
            before = counter.value
            sent = passes = 0
            started = time.perf_counter()
            while True:
                result = await service.deliver(seed.NOW, worker="bench",
                                               backend=mailer.SmtpBackend(settings))
                passes += 1
                if result.failed or result.retrying or result.server_unavailable:
                    raise SystemExit(f"delivery failed: {result}")
                sent += result.sent
                if result.sent == 0:
                    break
            seconds = time.perf_counter() - started
            received = counter.value - before
            runs.append({"sent": sent, "received": received, "seconds": seconds,
                         "per_second": sent / seconds, "passes": passes})
            log(f"delivery {n + 1}: {sent} messages in {seconds:.2f} s = "
                f"{sent / seconds:.0f}/s (server received {received})")
            if received != sent or sent != swept["digests"]:
                raise SystemExit(f"sent {sent}, received {received}, digests {swept['digests']}")
        return {"messages": swept["digests"], "runs": runs,
                "median_per_second": statistics.median(r["per_second"] for r in runs),
                "median_seconds": statistics.median(r["seconds"] for r in runs),
                "batch_size": settings.outbox_batch_size}
    finally:
        stop.set()
        server.join(10)


# --- machine and report ------------------------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def machine() -> dict:
    info = describe_machine(("piccolo", "asyncpg", "aiosmtplib", "aiosmtpd", "jinja2", "babel",
                             "icalendar", "pydantic"))
    info["loadavg_at_start"] = [round(x, 2) for x in os.getloadavg()]
    try:
        info["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=BENCH,
                                        capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=BENCH.parent,
                               capture_output=True, text=True).stdout.strip()
        info["src_uncommitted_changes"] = bool(dirty)
    except OSError:
        pass
    return info


def _median(values):
    return statistics.median(values) if values else float("nan")


def summarise(rounds: list[dict]) -> dict:
    base = [r["base"]["seconds"] for r in rounds]
    doubled = [r["doubled"]["seconds"] for r in rounds]
    ratios = [r["doubled"]["seconds"] / r["base"]["seconds"] for r in rounds]
    phases = {}
    for which in ("base", "doubled"):
        names = list(rounds[0][which]["phases"])
        phases[which] = {n: _median([r[which]["phases"].get(n, 0.0) for r in rounds])
                         for n in names}
    summary = {
        "base_median_s": _median(base), "doubled_median_s": _median(doubled),
        "base_min_s": min(base), "base_max_s": max(base),
        "doubled_min_s": min(doubled), "doubled_max_s": max(doubled),
        "ratio_median_of_rounds": _median(ratios), "ratio_of_medians": _median(doubled) / _median(base),
        "ratios": ratios, "phases": phases,
    }
    summary["meets_sweep_target"] = summary["base_median_s"] < SWEEP_LIMIT_S
    summary["meets_ratio_target"] = summary["ratio_median_of_rounds"] < RATIO_LIMIT
    return summary


def print_table(result: dict) -> None:
    s, spec = result["summary"], result["spec"]
    print()
    print(f"sweep at {seed.NOW.isoformat()} (local day {seed.TODAY}), "
          f"{len(result['rounds'])} repetitions per set, alternating; medians")
    print(f"{'set':<9} {'agreements':>10} {'commitments':>11} {'due':>6} {'median s':>9} "
          f"{'min s':>7} {'max s':>7} {'occurr.':>8} {'digests':>8}")
    for which in ("base", "doubled"):
        c = result["counts"][which]
        first = result["rounds"][0][which]
        print(f"{which:<9} {c['agreement']:>10,} {c['commitment']:>11,} "
              f"{c['commitments_open_in_window']:>6,} {s[which + '_median_s']:>9.3f} "
              f"{s[which + '_min_s']:>7.3f} {s[which + '_max_s']:>7.3f} "
              f"{first['occurrences']:>8,} {first['digests']:>8,}")
    print(f"doubled/base: median of per-round ratios {s['ratio_median_of_rounds']:.3f}, "
          f"ratio of medians {s['ratio_of_medians']:.3f}")
    print(f"targets: sweep < {SWEEP_LIMIT_S:g} s -> "
          f"{'MEETS' if s['meets_sweep_target'] else 'MISSES'}; ratio < {RATIO_LIMIT} -> "
          f"{'MEETS' if s['meets_ratio_target'] else 'MISSES'}")
    print("\nwhere the time goes (median seconds; indented lines are part of the line above)")
    for name in s["phases"]["base"]:
        print(f"  {name:<42} {s['phases']['base'][name]:8.3f} {s['phases']['doubled'].get(name, 0):8.3f}")
    d = result.get("delivery")
    if d:
        print(f"\ndelivery: {d['messages']:,} digests to a local SMTP server, "
              f"median {d['median_seconds']:.2f} s = {d['median_per_second']:.0f} messages/s")
    print(f"\nspec: {spec}")


def markdown(result: dict) -> str:
    s, m, spec = result["summary"], result["machine"], result["spec"]
    base_c, dbl_c = result["counts"]["base"], result["counts"]["doubled"]
    first = result["rounds"][0]["base"]
    d = result.get("delivery") or {}
    verdict = "meets" if s["meets_sweep_target"] and s["meets_ratio_target"] else "misses"
    lines = [
        "## Reminder sweep (issue 3)",
        "",
        "The reminder sweep (`reminders.service.sweep`: every rule's due query, the ledger "
        "rows, one digest per recipient, in one transaction) on PostgreSQL, against a set "
        "twice as large with the same things due; and the outbox's delivery to a local SMTP "
        "server.",
        "",
        "```",
        result["command"],
        "```",
        "",
        f"Measured {result['date']} on {m.get('cpu', '?')}, nproc {m['nproc']}, "
        f"{m['ram_gib']} GiB RAM (1-minute load average {m['loadavg_at_start'][0]} at the "
        f"start, {result['loadavg_at_end'][0]} at the end), "
        f"PostgreSQL {result['postgresql']} (default settings, shared_buffers "
        f"{result['shared_buffers']}), Python {m['python']}, Piccolo {m.get('piccolo')}, "
        f"asyncpg {m.get('asyncpg')}, aiosmtplib {m.get('aiosmtplib')}, aiosmtpd "
        f"{m.get('aiosmtpd')}, Jinja2 {m.get('jinja2')}, Babel {m.get('babel')}; "
        f"commit {m.get('commit')}"
        + (" with uncommitted changes in src/" if m.get("src_uncommitted_changes") else "")
        + ".",
        "",
        f"Data at the sweep's moment {seed.NOW.isoformat()} (local day {seed.TODAY}): "
        f"{spec['organizations']:,} organisations × {spec['contacts_per_organization']} "
        f"contacts, {spec['users']} coordinators; every agreement active with 2 signed "
        f"parties, 1 coordinator and 1 follow-up. Due: {spec['due']:,} open commitments in the "
        f"14-day window, {spec['overdue']:,} overdue, {spec['unconfirmed']:,} unconfirmed for "
        f"over 7 days, {spec['ending']} agreements ending within 90 days, "
        f"{spec['meetings_due']} steering group meetings within 7 days; also "
        f"{spec['closed_in_window']:,} closed commitments dated inside the window. Everything "
        "else is what is never due: commitments due in the past and closed (55 %), due after "
        "the window (25 %), undated (19 %), proposed in the last days (1 %).",
        "",
        "| | base | doubled |",
        "| --- | ---: | ---: |",
        f"| agreements | {base_c['agreement']:,} | {dbl_c['agreement']:,} |",
        f"| commitments | {base_c['commitment']:,} | {dbl_c['commitment']:,} |",
        f"| open commitments in the 14-day window | {base_c['commitments_open_in_window']:,} | "
        f"{dbl_c['commitments_open_in_window']:,} |",
        f"| occurrences recorded / ledger rows / digests | {first['occurrences']:,} / "
        f"{first['ledger_rows']:,} / {first['digests']:,} | "
        f"{result['rounds'][0]['doubled']['occurrences']:,} / "
        f"{result['rounds'][0]['doubled']['ledger_rows']:,} / "
        f"{result['rounds'][0]['doubled']['digests']:,} |",
        f"| database size | {base_c['database_size']} | {dbl_c['database_size']} |",
        f"| **sweep, median of {len(result['rounds'])}** | **{s['base_median_s']:.2f} s** | "
        f"**{s['doubled_median_s']:.2f} s** |",
        f"| sweep, min – max | {s['base_min_s']:.2f} – {s['base_max_s']:.2f} s | "
        f"{s['doubled_min_s']:.2f} – {s['doubled_max_s']:.2f} s |",
        "",
        "| figure | result | target | |",
        "| --- | ---: | ---: | --- |",
        f"| sweep with 1,000,000 commitments, median | {s['base_median_s']:.2f} s | "
        f"< {SWEEP_LIMIT_S:g} s | {'meets' if s['meets_sweep_target'] else 'misses'} |",
        f"| doubled / base, median of per-round ratios | {s['ratio_median_of_rounds']:.2f}× | "
        f"< {RATIO_LIMIT}× | {'meets' if s['meets_ratio_target'] else 'misses'} |",
        f"| doubled / base, ratio of medians | {s['ratio_of_medians']:.2f}× | | |",
    ]
    if d:
        lines.append(
            f"| delivery to a local SMTP server, median of {len(d['runs'])} | "
            f"{d['median_per_second']:.0f} messages/s ({d['messages']:,} digests in "
            f"{d['median_seconds']:.1f} s) | | |")
    lines += [
        "",
        f"Verdict: the sweep **{verdict}** both targets.",
        "",
        "Where a sweep's time goes (median seconds; indented steps are part of the one above):",
        "",
        "| step | base | doubled |",
        "| --- | ---: | ---: |",
    ]
    for name, value in s["phases"]["base"].items():
        label = name.strip()
        label = f"  ↳ {label}" if name.startswith("  ") else label
        lines.append(f"| {label} | {value:.3f} | {s['phases']['doubled'].get(name, 0):.3f} |")
    lines += ["", "Query plans of the sweep's reads on the doubled set (EXPLAIN (ANALYZE, "
              "BUFFERS) of the SQL Piccolo emitted, with its arguments; long IN lists cut; "
              "every plan is in bench/results/reminders_plans.txt):", ""]
    keep = ("agreements.repository.commitments_due_between",
            "agreements.repository.commitments_due_before",
            "agreements.repository.commitments_in_status_since",
            "agreements.repository.meetings_between",
            "agreements.repository.agreements_ending_between")
    plans_by = {p["label"]: p for p in result["plans"]["doubled"]}
    base_by = {p["label"]: p for p in result["plans"]["base"]}
    lines += ["| query (×calls in one sweep) | rows | execution base | execution doubled |",
              "| --- | ---: | ---: | ---: |"]
    for p in result["plans"]["doubled"]:
        if not p["plan"] or p["label"].startswith("reminders."):
            continue  # the ledger's reads, explained after the sweep, find nothing left
        rows = next((m.group(1) for line in p["plan"]
                     if (m := re.search(r"actual time=[\d.]+\.\.[\d.]+ rows=(\d+)", line))), "?")
        b = base_by.get(p["label"], {}).get("execution_ms")
        lines.append(f"| `{p['label']}` ×{p['calls']} | {rows} | "
                     f"{b if b is not None else '?'} ms | {p['execution_ms']} ms |")
    for label in keep:
        p = plans_by.get(label)
        if not p:
            continue
        lines += ["", f"`{label}`:", "", "```"]
        lines += p["plan"]
        lines += ["```"]
    lines += [
        "",
        "Method:",
        "",
        "- Both sets are seeded once by bench/reminders_seed.py with COPY (fixed random seed) "
        "and reused; the doubled set is a `CREATE DATABASE … TEMPLATE` copy of the base set "
        "plus 100,000 agreements and 1,000,000 commitments drawn from the never-due mix, "
        "then `VACUUM ANALYZE`. The seeding checks that the window holds exactly the due count "
        "in both.",
        "- Every repetition starts from an empty ledger and outbox (`TRUNCATE reminder, "
        "outbox_message`; they are the only tables the sweep writes) and times "
        "`service.sweep(now)` alone, on a connection pool as the worker has it. One warm-up "
        "sweep per set is not counted. Repetitions alternate between the sets (the engine's "
        "pool is moved between the two databases outside the timed part), so load from other "
        "work on the shared 2-core machine falls on both; the ratio is the median of the "
        "per-round ratios.",
        "- The timers of the steps wrap the functions the sweep calls (a few microseconds "
        "each) and are on in every repetition, so the steps add up to the sweep.",
        "- The plans come from one further sweep per set with every statement recorded at the "
        "engine: the first SELECT of each repository function is explained with its own "
        "arguments, right after the sweep (warm cache). The open-ended commitment reads "
        "(overdue, unconfirmed) go page by page (1,000 rows) along the index (status, date): "
        "a full page is followed by one more read, hence ×2 for exactly 1,000 rows; the plan "
        "shown is the first page's.",
        "- The machine is shared (2 cores; other sessions run test suites): single sweeps "
        "vary by up to half their time between rounds, so only medians and the median of "
        "per-round ratios are read as results; the min – max row shows the spread.",
        "- Delivery: the digests of one base sweep, sent by `service.deliver(now, "
        "backend=mailer.SmtpBackend(...))` (one worker, batches of "
        f"{d.get('batch_size', '?')}, one SMTP connection per batch, each message marked sent "
        "in its own transaction) to an aiosmtpd `Controller` in its own process whose "
        "handler only counts; the count is checked against the messages sent. Between "
        "repetitions the messages are put back to pending.",
    ]
    return "\n".join(lines) + "\n"


# --- the run ----------------------------------------------------------------------------------


async def prepare(spec, base: str, doubled: str, reseed: bool) -> dict:
    wanted_base = {"role": "base", **seed.asdict(spec)}
    wanted_doubled = {"role": "doubled", **seed.asdict(spec)}
    fresh = False
    if reseed or await seed.marker(SERVER_URL, base) != wanted_base:
        log(f"seeding {base} ...")
        started = time.perf_counter()
        await use_database(None)
        await seed.recreate(SERVER_URL, base)
        await use_database(base)
        await migrate_and_reference_data()
        await use_database(None)
        await seed.seed_base(SERVER_URL, base, spec)
        log(f"{base} seeded in {time.perf_counter() - started:.0f} s")
        fresh = True
    else:
        await use_database(base)
        await migrate_and_reference_data()  # migrations added since the seeding
    if fresh or await seed.marker(SERVER_URL, doubled) != wanted_doubled:
        log(f"seeding {doubled} ...")
        started = time.perf_counter()
        await use_database(None)  # a template database must have no connections
        await seed.seed_doubled(SERVER_URL, base, doubled, spec)
        log(f"{doubled} seeded in {time.perf_counter() - started:.0f} s")
    else:
        await use_database(doubled)
        await migrate_and_reference_data()
    counts = {"base": await seed.counts(f"{SERVER_URL}/{base}"),
              "doubled": await seed.counts(f"{SERVER_URL}/{doubled}")}
    for which, expected in (("base", 1), ("doubled", 2)):
        c = counts[which]
        if (c["agreement"] != expected * spec.agreements
                or c["commitment"] != expected * spec.commitments
                or c["commitments_open_in_window"] != spec.due):
            raise SystemExit(f"{which} set is not as seeded: {c}; run with --reseed")
    return counts


async def run(args) -> dict:
    spec = seed.QUICK if args.quick else seed.FULL
    base, doubled = _databases(args.quick)
    started_at = datetime.now(UTC)
    info = machine()
    counts = await prepare(spec, base, doubled, args.reseed)
    log(f"counts: {counts}")
    instrument()
    sets = {"base": base, "doubled": doubled}
    for which, name in sets.items():
        warm = await timed_sweep(name)
        log(f"warm-up {which}: {warm['seconds']:.3f} s, {warm['occurrences']} occurrences, "
            f"{warm['digests']} digests")
    rounds = []
    for n in range(args.repeat):
        order = ("base", "doubled") if n % 2 == 0 else ("doubled", "base")
        entry = {"round": n + 1, "order": order}
        for which in order:
            entry[which] = await timed_sweep(sets[which])
            log(f"round {n + 1} {which:<8} {entry[which]['seconds']:.3f} s "
                f"({entry[which]['occurrences']} occurrences, {entry[which]['digests']} digests)")
        rounds.append(entry)
    for entry in rounds:
        b, d = entry["base"], entry["doubled"]
        if b["by_rule"] != d["by_rule"] or b["digests"] != d["digests"]:
            raise SystemExit(f"the sets differ in what is due: {b['by_rule']} / {d['by_rule']}")
        if b["by_rule"].get("commitment_due") != spec.due:
            raise SystemExit(f"commitment_due recorded {b['by_rule']}, not {spec.due}")
    plan_sets = {}
    for which, name in sets.items():
        plan_sets[which] = await plans(name)
    delivered = None if args.no_delivery else await delivery(base, max(3, min(args.repeat, 5)))
    await use_database(base)
    server = await execute("SELECT current_setting('server_version') AS v, "
                           "current_setting('shared_buffers') AS b")
    await use_database(None)
    return {
        "date": started_at.isoformat(timespec="seconds"),
        "command": " ".join([".venv/bin/python", "bench/reminders.py", *sys.argv[1:]]),
        "machine": info, "postgresql": server[0]["v"], "shared_buffers": server[0]["b"],
        "spec": seed.asdict(spec), "now": seed.NOW.isoformat(), "databases": sets,
        "counts": counts, "rounds": rounds, "summary": summarise(rounds),
        "plans": plan_sets, "delivery": delivered,
        "loadavg_at_end": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed sweeps per set (>= 1)")
    parser.add_argument("--quick", action="store_true",
                        help="sets ten times smaller, in databases of their own: a smoke run")
    parser.add_argument("--reseed", action="store_true", help="drop and seed both sets again")
    parser.add_argument("--no-delivery", action="store_true", help="skip the SMTP delivery")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON")
    parser.add_argument("--markdown", type=Path, default=None,
                        help="also write the docs/performance.md section to this file")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    result = asyncio.run(run(args))
    print_table(result)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, default=str))
    with open(args.output.with_name(args.output.stem + "_plans.txt"), "w") as out:
        for which, entries in result["plans"].items():
            for p in entries:
                out.write(f"== {which}: {p['label']} (called {p['calls']}x)\n{p['sql']}\n"
                          f"args: {p['args']}\n" + "\n".join(p["plan"]) + "\n\n")
                if "by_label" in p:
                    out.write(json.dumps(p["by_label"], indent=1) + "\n\n")
    if args.markdown:
        args.markdown.write_text(markdown(result))
    print(f"\nwritten to {args.output}" + (f" and {args.markdown}" if args.markdown else ""))


if __name__ == "__main__":
    main()
