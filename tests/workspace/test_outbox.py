"""The e-mail outbox page: a message the mail server refused is listed as failed with its
error, "Försök igen" puts it back in the queue, a message that held a sign-in link is
explained instead of retried, and viewers may not see the recipients."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from samverkan.db import write_transaction
from samverkan.reminders import repository, service
from tests.factories import unique

pytestmark = pytest.mark.usefixtures("database")

# A moment of these tests' own, long before anything else in the suite falls due, so their
# delivery passes meet only their own messages (as tests/reminders/test_delivery.py does).
MOMENT = datetime(2021, 5, 4, 6, 0, tzinfo=UTC)


@pytest.fixture
async def refused(smtp):
    """Put messages in the outbox and have the mail server refuse them for good (550); any
    left waiting afterwards is withdrawn, so no later delivery pass sends it."""
    made: list[int] = []

    async def send(redact: bool = False) -> dict:
        to = f"{unique('studsar-')}@example.se"
        smtp.refuse(to, 550)
        async with write_transaction():
            message_id = await service.enqueue(
                "portal_invitation" if redact else "digest", to, "Bo Studs", "sv",
                {"subject": f"Påminnelser {to}", "body_text": "Hej", "body_html": ""},
                now=MOMENT, redact_after_send=redact,
            )
        made.append(message_id)
        await service.deliver(now=MOMENT + timedelta(seconds=10), worker=unique("test-ws-"),
                              backend=smtp.backend())
        [row] = await repository.messages([message_id])
        assert row["status"] == "failed", row
        return row

    yield send
    async with write_transaction():
        for row in await repository.messages(made):
            if row["status"] in ("pending", "sending"):
                await repository.update_message(row["id"], {"status": "cancelled"})


async def test_a_refused_message_is_listed_and_sent_again(as_coordinator, refused):
    message = await refused()

    page = await as_coordinator.get("/workspace/outbox")

    assert page.status_code == 200
    assert 'aria-current="page">Misslyckade</a>' in page.text
    assert message["recipient"] in page.text and message["subject"] in page.text
    assert "550" in page.text  # the server's refusal, as it said it
    assert "Påminnelser</td>" in page.text
    retry_url = f"/workspace/outbox/{message['id']}/retry"
    assert f'action="{retry_url}"' in page.text
    assert "Försök igen" in page.text

    retried = await as_coordinator.post(retry_url)

    assert retried.status_code == 303
    assert retried.headers["location"] == "/workspace/outbox?status=failed&done=dr_retried"
    after = await as_coordinator.get(retried.headers["location"])
    assert "Meddelandet skickas igen vid nästa utskick" in after.text
    assert message["recipient"] not in after.text
    [stored] = await repository.messages([message["id"]])
    assert (stored["status"], stored["attempts"]) == ("pending", 0)
    waiting = await as_coordinator.get("/workspace/outbox?status=pending")
    assert message["recipient"] in waiting.text
    assert 'aria-current="page">Väntar</a>' in waiting.text

    # Pressed twice (an old page): explained, not a second retry.
    again = await as_coordinator.post(retry_url)
    assert again.status_code == 409
    assert "det har inte misslyckats" in again.text


async def test_a_message_with_a_sign_in_link_is_explained_not_retried(as_coordinator, refused):
    message = await refused(redact=True)

    page = await as_coordinator.get("/workspace/outbox")
    row = re.search(rf"{re.escape(message['recipient'])}.*?</tr>", page.text, re.S).group(0)
    assert "Innehöll en inloggningslänk och kan inte skickas igen" in row
    assert "Försök igen" not in row

    refused_retry = await as_coordinator.post(f"/workspace/outbox/{message['id']}/retry")
    assert refused_retry.status_code == 409
    assert "det innehöll en inloggningslänk" in refused_retry.text
    [stored] = await repository.messages([message["id"]])
    assert stored["status"] == "failed"


async def test_the_tabs_and_an_unknown_message(as_coordinator):
    for status, heading in (("sent", "Skickade meddelanden"), ("pending", "Meddelanden som väntar"),
                            ("cancelled", "Återkallade meddelanden")):
        page = await as_coordinator.get(f"/workspace/outbox?status={status}")
        assert page.status_code == 200 and heading in page.text
    assert "Misslyckade meddelanden" in (await as_coordinator.get(
        "/workspace/outbox?status=nonsense")).text
    assert (await as_coordinator.post("/workspace/outbox/2000000000/retry")).status_code == 404


async def test_viewers_do_not_see_the_outbox(as_viewer, refused):
    message = await refused()
    assert (await as_viewer.get("/workspace/outbox")).status_code == 403
    assert (await as_viewer.post(f"/workspace/outbox/{message['id']}/retry")).status_code == 403
    [stored] = await repository.messages([message["id"]])
    assert stored["status"] == "failed"
