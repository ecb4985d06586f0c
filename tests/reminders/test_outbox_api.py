"""The outbox for coordinators: listing it (by status, a page at a time) and sending a failed
message again, through the API and through the `samverkan outbox` command."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from samverkan.audit import service as audit
from samverkan.db import write_transaction
from samverkan.reminders import repository, service
from tests.factories import unique

pytestmark = pytest.mark.usefixtures("database")

SAMVERKAN = str(Path(sys.executable).with_name("samverkan"))
CREATED = datetime(2021, 4, 1, 6, 0, tzinfo=UTC)


@pytest.fixture
async def messages():
    """Make outbox messages in a given state; afterwards, any still waiting to be sent is
    cancelled, so no delivery pass in another test picks it up."""
    made: list[int] = []

    async def make(status: str = "failed", count: int = 1) -> list[dict]:
        ids = []
        async with write_transaction():
            for _ in range(count):
                to = f"{unique('outbox-')}@example.se"
                message_id = await service.enqueue(
                    "test", to, "Per Persson", "sv",
                    {"subject": f"Påminnelse {to}", "body_text": "Hej", "body_html": ""},
                    now=CREATED,
                )
                values = {"status": status}
                if status == "failed":
                    values |= {"attempts": 8, "last_error": "550 5.1.1 No such user here"}
                if status == "sent":
                    values |= {"attempts": 1, "sent_at": CREATED}
                await repository.update_message(message_id, values)
                ids.append(message_id)
        made.extend(ids)
        return await repository.messages(ids)

    yield make
    async with write_transaction():
        for row in await repository.messages(made):
            if row["status"] in ("pending", "sending"):
                await repository.update_message(row["id"], {"status": "cancelled"})


def samverkan(*args: str) -> subprocess.CompletedProcess:
    # The environment conftest set up: the suite's own database.
    return subprocess.run([SAMVERKAN, *args], env=dict(os.environ), capture_output=True,
                          text=True, timeout=120)


async def test_coordinators_list_the_outbox_by_status_a_page_at_a_time(coordinator, messages):
    failed = await messages("failed", 3)
    [sent] = await messages("sent")

    response = await coordinator.get("/api/outbox", params={"status": "failed", "limit": 2})

    assert response.status_code == 200, response.text
    page = response.json()
    assert page["limit"] == 2 and page["offset"] == 0 and page["total"] >= 3
    # Newest first: the last two made here.
    assert [m["id"] for m in page["items"]] == [failed[2]["id"], failed[1]["id"]]
    first = page["items"][0]
    assert first["status"] == "failed" and first["attempts"] == 8
    assert first["recipient"] == failed[2]["recipient"]
    assert first["message_id"] == failed[2]["message_id"]
    assert first["last_error"].startswith("550")
    assert "body_html" not in first and "attachments" not in first

    following = (await coordinator.get(
        "/api/outbox", params={"status": "failed", "limit": 2, "offset": 2}
    )).json()
    assert following["items"][0]["id"] == failed[0]["id"]
    assert following["total"] == page["total"]

    everything = (await coordinator.get("/api/outbox", params={"limit": 10})).json()
    assert everything["items"][0]["id"] == sent["id"]
    assert everything["items"][0]["status"] == "sent"
    assert everything["total"] > page["total"]
    only_sent = (await coordinator.get("/api/outbox", params={"status": "sent"})).json()
    assert {m["status"] for m in only_sent["items"]} == {"sent"}
    assert sent["id"] in {m["id"] for m in only_sent["items"]}

    assert (await coordinator.get("/api/outbox", params={"status": "lost"})).status_code == 400
    assert (await coordinator.get("/api/outbox", params={"limit": 201})).status_code == 400


async def test_only_coordinators_and_admins_see_the_outbox(client, coordinator, admin, viewer):
    assert (await coordinator.get("/api/outbox")).status_code == 200
    assert (await admin.get("/api/outbox")).status_code == 200
    assert (await viewer.get("/api/outbox")).status_code == 403
    assert (await client.get("/api/outbox")).status_code == 401
    assert (await viewer.post("/api/outbox/1/retry")).status_code == 403
    assert (await client.post("/api/outbox/1/retry")).status_code == 401


async def test_retrying_a_failed_message_makes_it_pending_again_and_is_audited(
    coordinator, messages
):
    [failed] = await messages("failed")

    response = await coordinator.post(f"/api/outbox/{failed['id']}/retry")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "pending" and body["attempts"] == 0
    [stored] = await repository.messages([failed["id"]])
    assert (stored["status"], stored["attempts"]) == ("pending", 0)
    assert stored["next_attempt_at"] <= datetime.now(UTC)  # due at the next pass
    [event] = [e for e in await audit.entity_history("outbox_message", failed["id"])
               if e.action == "retry"]
    assert event.actor_id == coordinator.user.id
    assert event.before["status"] == "failed" and event.before["attempts"] == 8
    assert event.after["status"] == "pending" and event.after["attempts"] == 0

    # Now pending: a second retry is refused.
    again = await coordinator.post(f"/api/outbox/{failed['id']}/retry")
    assert again.status_code == 409


async def test_only_failed_messages_can_be_retried(coordinator, messages):
    [sent] = await messages("sent")
    [pending] = await messages("pending")

    for message in (sent, pending):
        response = await coordinator.post(f"/api/outbox/{message['id']}/retry")
        assert response.status_code == 409, response.text
        [stored] = await repository.messages([message["id"]])
        assert stored["status"] == message["status"]
        assert not [e for e in await audit.entity_history("outbox_message", message["id"])
                    if e.action == "retry"]
    assert (await coordinator.post("/api/outbox/2000000000/retry")).status_code == 404
    assert (await coordinator.post("/api/outbox/0/retry")).status_code == 400


async def test_the_outbox_command_lists_failed_messages_and_retries_one(messages):
    failed = await messages("failed", 2)
    [sent] = await messages("sent")

    listed = samverkan("outbox", "list", "--status", "failed", "--limit", "200")

    assert listed.returncode == 0, listed.stderr
    lines = {line.split()[0]: line for line in listed.stdout.splitlines() if line.strip()}
    for message in failed:
        line = lines[str(message["id"])]
        assert "failed" in line and message["recipient"] in line and "550" in line
    assert str(sent["id"]) not in lines
    assert "meddelanden" in listed.stderr

    retried = samverkan("outbox", "retry", str(failed[0]["id"]))

    assert retried.returncode == 0, retried.stderr
    assert f"Meddelande {failed[0]['id']} till {failed[0]['recipient']}" in retried.stdout
    [stored] = await repository.messages([failed[0]["id"]])
    assert (stored["status"], stored["attempts"]) == ("pending", 0)
    [event] = [e for e in await audit.entity_history("outbox_message", failed[0]["id"])
               if e.action == "retry"]
    assert event.actor == "system:cli" and event.actor_id is None
    assert (await repository.messages([failed[1]["id"]]))[0]["status"] == "failed"

    refused = samverkan("outbox", "retry", str(sent["id"]))
    assert refused.returncode != 0 and "Bara misslyckade" in refused.stderr
    unknown = samverkan("outbox", "retry", "2000000000")
    assert unknown.returncode != 0 and "finns inte" in unknown.stderr
