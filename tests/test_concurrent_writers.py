"""Ten writers at once must all succeed: on SQLite that needs WAL, a busy timeout and write
transactions that take the lock at BEGIN, or some of them meet "database is locked"."""

import asyncio
import os
import subprocess
import sys
import uuid

from tests.factories import org_number, unique

WRITERS = 10

# One OS process writing through the service layer, as a second worker or a CLI run would.
WRITER = """
import asyncio, sys
from samverkan.actor import Actor
from samverkan.db import write_transaction
from samverkan.registry import service
from samverkan.registry.schemas import OrganizationCreate

async def main(marker, numbers):
    for i, number in enumerate(numbers):
        async with write_transaction():
            await service.create_organization(
                Actor.system("writer"),
                OrganizationCreate(name=f"{marker} {i}", kind="business", org_number=number),
            )

asyncio.run(main(sys.argv[1], sys.argv[2:]))
"""


async def test_ten_concurrent_api_writers_all_succeed(coordinator):
    marker = unique("Samtidig ")

    async def write(i: int):
        return await coordinator.post(
            "/api/organizations",
            json={"name": f"{marker} {i}", "kind": "business", "org_number": org_number(),
                  "contacts": [{"name": "Kim", "email": f"{unique()}@example.se"}]},
        )

    responses = await asyncio.gather(*(write(i) for i in range(WRITERS)))
    assert [r.status_code for r in responses] == [201] * WRITERS, [r.text for r in responses]
    listed = (await coordinator.get("/api/organizations", params={"q": marker})).json()
    assert listed["total"] == WRITERS


async def test_ten_processes_write_to_the_same_database(coordinator):
    marker = f"Process-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, f"{marker}-{p}", *(org_number() for _ in range(5))],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for p in range(WRITERS)
    ]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in processes]
    failures = [stderr for code, stderr in results if code != 0]
    assert not failures, failures[0]
    assert not any("database is locked" in stderr for _, stderr in results)
    listed = (await coordinator.get("/api/organizations", params={"q": marker})).json()
    assert listed["total"] == WRITERS * 5
