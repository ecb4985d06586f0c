"""What the benchmarks share: describing the machine, and preparing a database the way the
service itself does (migrations, then the reference geography)."""

import contextlib
import io
import os
import platform
import subprocess
import sys
from importlib import metadata


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
