"""Access to the portal: sign-in links on request, expiry and single use, tokens stored only
as hashes (also in the outbox once sent), rate limits, and the sessions links open."""

import email
from email import policy

import pytest
from piccolo.conf.apps import Finder

from samverkan import clock
from samverkan.accounts.security import token_hash
from samverkan.db import write_transaction
from samverkan.portal import access
from samverkan.portal.tables import PortalSession
from samverkan.reminders import mailer, service
from samverkan.reminders.tables import OutboxMessage
from tests.portal.links import (
    address,
    change_settings,
    client_address,
    invite,
    later,
    links_of,
    live_agreement,
    messages,
    only_token,
    organization,
    token_in,
    travel,
)

pytestmark = pytest.mark.usefixtures("database")


async def request_link(to: str, client: str | None = None) -> None:
    async with write_transaction():
        return await access.request_link(to, client or client_address())


# --- asking for a sign-in link ------------------------------------------------------------


async def test_known_and_unknown_addresses_get_the_same_answer_but_only_a_known_one_mail(
    coordinator,
):
    person = address("flera-roller")
    first = await organization(coordinator, {"name": "Kim Kontakt", "email": person})
    # The same person is contact of a second organisation, written in another letter case.
    second = await organization(coordinator, {"name": "Kim Kontakt", "email": person.upper(),
                                              "language": "en"})
    unknown = address("okand")

    assert await request_link(person.upper()) is None
    assert await request_link(unknown) is None

    sent = await messages(person, "portal_sign_in")
    assert [m["language"] for m in sent] == ["sv", "en"]
    assert all(m["redact_after_send"] for m in sent)
    assert "Länken gäller i 15 minuter" in sent[0]["body_text"]
    assert "The link is valid for 15 minutes" in sent[1]["body_text"]
    assert await OutboxMessage.count().where(OutboxMessage.recipient == unknown) == 0

    # Each link signs in as the contact it was made for, and lands on the list (None).
    opened = [await access.redeem(token_in(m), client_address()) for m in sent]
    assert [(c.contact_id, c.organization_id, landing) for c, _, landing in opened] == [
        (first["contacts"][0]["id"], first["id"], None),
        (second["contacts"][0]["id"], second["id"], None),
    ]
    assert opened[1][0].language == "en"
    # Used sign-in links are deleted when the next link is used: they open nothing.
    assert await links_of(first["contacts"][0]["id"]) == []


async def test_a_sign_in_link_expires_after_its_minutes(coordinator, monkeypatch):
    org = await organization(coordinator)
    to = org["contacts"][0]["email"]
    start = travel(monkeypatch, clock.now())
    await request_link(to)
    token = await only_token(to, "portal_sign_in")

    travel(monkeypatch, later(start, minutes=15, seconds=1))
    with pytest.raises(access.LinkInvalid):
        await access.redeem(token, client_address())

    await request_link(to)
    fresh = token_in((await messages(to, "portal_sign_in"))[-1])
    travel(monkeypatch, later(start, minutes=15, seconds=1 + 14 * 60))
    contact, _, _ = await access.redeem(fresh, client_address())
    assert contact.contact_id == org["contacts"][0]["id"]


async def test_an_invitation_expires_after_its_days(coordinator, monkeypatch):
    org = await organization(coordinator, {}, {})
    agreement = await live_agreement(coordinator, org, await organization(coordinator))
    start = travel(monkeypatch, clock.now())
    expiring, lasting = org["contacts"]
    await invite(coordinator, agreement, expiring)
    await invite(coordinator, agreement, lasting)

    travel(monkeypatch, later(start, days=7, seconds=1))
    with pytest.raises(access.LinkInvalid):
        await access.redeem(await only_token(expiring["email"], "portal_invitation"),
                            client_address())
    travel(monkeypatch, later(start, days=7, minutes=-1))
    contact, _, landing = await access.redeem(
        await only_token(lasting["email"], "portal_invitation"), client_address()
    )
    assert (contact.contact_id, landing) == (lasting["id"], agreement["id"])


async def test_a_random_token_opens_nothing():
    with pytest.raises(access.LinkInvalid):
        await access.redeem("x" * 43, client_address())


async def test_redeem_refuses_to_run_inside_a_transaction():
    # Its count of attempts must commit even when the link is wrong.
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await access.redeem("x" * 43, client_address())


# --- only hashes are kept -----------------------------------------------------------------


async def everything_stored() -> str:
    """Every row of every table, as text: what a copy of the database would give away."""
    rows = []
    for table in Finder().get_table_classes():
        rows.extend(await table.select())
    return repr(rows)


async def test_no_token_stays_in_the_database_once_its_e_mail_is_sent(
    coordinator, monkeypatch, tmp_path
):
    change_settings(monkeypatch, mail_backend="file", mail_dir=tmp_path)
    org = await organization(coordinator)
    contact = org["contacts"][0]
    agreement = await live_agreement(coordinator, org, await organization(coordinator))
    await invite(coordinator, agreement, contact)
    await request_link(contact["email"])
    [invitation] = await messages(contact["email"], "portal_invitation")
    [sign_in] = await messages(contact["email"], "portal_sign_in")
    tokens = [token_in(invitation), token_in(sign_in)]

    await service.deliver()

    for message in (invitation, sign_in):
        [stored] = await messages(contact["email"], message["kind"])
        assert stored["status"] == "sent"
        assert stored["body_text"] == service.REDACTED
        assert stored["subject"] == message["subject"]
        # What went out carried the link.
        sent = email.message_from_bytes(
            (tmp_path / f"{stored['created_at']:%Y%m%d}-{stored['id']}.eml").read_bytes(),
            policy=policy.default,
        )
        assert token_in({"body_text": sent.get_body(("plain",)).get_content(),
                         "body_html": sent.get_body(("html",)).get_content()}) in tokens
    stored = await everything_stored()
    assert not [token for token in tokens if token in stored]
    assert all(token_hash(token) in stored for token in tokens)

    # The session cookie a link gives is kept as a hash too.
    _, cookie, _ = await access.redeem(tokens[0], client_address())
    assert len(cookie) >= 43
    stored = await everything_stored()
    assert cookie not in stored and token_hash(cookie) in stored


class RefusingBackend:
    """A mail server that refuses one address for good and accepts every other."""

    def __init__(self, refused: str) -> None:
        self.refused = refused

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return None

    async def send(self, message, row):
        if row["recipient"] == self.refused:
            raise mailer.DeliveryError("550 no such user", permanent=True)


async def test_a_link_e_mail_given_up_as_failed_is_redacted_and_not_retried(coordinator):
    org = await organization(coordinator)
    contact = org["contacts"][0]
    agreement = await live_agreement(coordinator, org, await organization(coordinator))
    await invite(coordinator, agreement, contact)

    await service.deliver(backend=RefusingBackend(contact["email"]))

    [failed] = await messages(contact["email"], "portal_invitation")
    assert failed["status"] == "failed"
    assert failed["body_text"] == service.REDACTED and "/portal/link/" not in failed["body_html"]
    retried = await coordinator.post(f"/api/outbox/{failed['id']}/retry")
    assert retried.status_code == 409, retried.text
    assert "skicka en ny inbjudan" in retried.json()["detail"]


# --- rate limits --------------------------------------------------------------------------


async def test_an_address_gets_only_so_many_links_in_the_window(coordinator, monkeypatch):
    settings = change_settings(monkeypatch, portal_link_requests_per_address=3)
    to = (await organization(coordinator))["contacts"][0]["email"]
    start = travel(monkeypatch, clock.now())

    for _ in range(4):
        assert await request_link(to) is None  # each from another client
    assert len(await messages(to, "portal_sign_in")) == 3
    # Unknown addresses are counted alike, so the answer never tells them apart.
    unknown = address("okand")
    for _ in range(4):
        assert await request_link(unknown) is None

    travel(monkeypatch, later(start, minutes=settings.portal_link_window_minutes, seconds=1))
    await request_link(to)
    assert len(await messages(to, "portal_sign_in")) == 4


async def test_a_client_may_ask_for_only_so_many_links_in_the_window(coordinator, monkeypatch):
    settings = change_settings(monkeypatch, portal_link_requests_per_client=3)
    client = client_address()
    start = travel(monkeypatch, clock.now())
    for _ in range(3):
        await request_link(address(), client)
    to = (await organization(coordinator))["contacts"][0]["email"]

    with pytest.raises(access.PortalThrottled) as throttled:
        await request_link(to, client)
    assert throttled.value.status_code == 429
    assert 0 < throttled.value.retry_after <= settings.portal_link_window_minutes * 60
    assert await messages(to, "portal_sign_in") == []
    await request_link(to, client_address())  # another client is not affected
    assert len(await messages(to, "portal_sign_in")) == 1

    travel(monkeypatch, later(start, seconds=throttled.value.retry_after + 1))
    await request_link(to, client)
    assert len(await messages(to, "portal_sign_in")) == 2


async def test_a_client_may_try_only_so_many_links_right_or_wrong(coordinator, monkeypatch):
    # A window shorter than the link's life, so the link outlives the wait.
    settings = change_settings(monkeypatch, portal_link_attempts_per_client=3,
                               portal_link_window_minutes=10)
    client = client_address()
    to = (await organization(coordinator))["contacts"][0]["email"]
    start = travel(monkeypatch, clock.now())
    await request_link(to)
    token = await only_token(to, "portal_sign_in")

    for guess in range(3):
        with pytest.raises(access.LinkInvalid):
            await access.redeem(f"gissning-{guess}", client)
    with pytest.raises(access.PortalThrottled) as throttled:
        await access.redeem(token, client)
    assert 0 < throttled.value.retry_after <= settings.portal_link_window_minutes * 60

    # The throttled attempt did not use the link up.
    travel(monkeypatch, later(start, seconds=throttled.value.retry_after + 1))
    contact, _, _ = await access.redeem(token, client)
    assert contact.email == to


# --- sessions -----------------------------------------------------------------------------


async def signed_in(coordinator, monkeypatch) -> tuple[str, str]:
    """A contact's address and the cookie of a session opened now (clock held still)."""
    to = (await organization(coordinator))["contacts"][0]["email"]
    travel(monkeypatch, clock.now())
    await request_link(to)
    _, cookie, _ = await access.redeem(await only_token(to, "portal_sign_in"), client_address())
    return to, cookie


async def session_rows(cookie: str) -> int:
    return await PortalSession.count().where(PortalSession.token_hash == token_hash(cookie))


async def test_a_session_ends_after_its_idle_time(coordinator, monkeypatch):
    settings = change_settings(monkeypatch, portal_session_idle_minutes=30)
    to, cookie = await signed_in(coordinator, monkeypatch)
    start = clock.now()

    travel(monkeypatch, later(start, minutes=29))
    assert (await access.contact_for_session(cookie)).email == to
    # Idle time counts from the last use, not from the start.
    travel(monkeypatch, later(start, minutes=29 + 30))
    assert (await access.contact_for_session(cookie)).email == to
    travel(monkeypatch, later(start, minutes=29 + 30 + settings.portal_session_idle_minutes + 1))
    assert await access.contact_for_session(cookie) is None
    assert await session_rows(cookie) == 0


async def test_a_session_ends_after_its_absolute_time_however_busy(coordinator, monkeypatch):
    settings = change_settings(monkeypatch, portal_session_absolute_hours=8)
    to, cookie = await signed_in(coordinator, monkeypatch)
    start = clock.now()
    minutes = 0
    while minutes + 20 < settings.portal_session_absolute_hours * 60:
        minutes += 20
        travel(monkeypatch, later(start, minutes=minutes))
        assert (await access.contact_for_session(cookie)).email == to, minutes
    travel(monkeypatch, later(start, hours=settings.portal_session_absolute_hours))
    assert await access.contact_for_session(cookie) is None
    assert await session_rows(cookie) == 0


async def test_each_link_opens_a_new_session_and_logout_ends_it(coordinator, monkeypatch):
    to, cookie = await signed_in(coordinator, monkeypatch)
    await request_link(to)
    second = token_in((await messages(to, "portal_sign_in"))[-1])
    contact, other_cookie, _ = await access.redeem(second, client_address())
    assert other_cookie != cookie
    assert (await access.contact_for_session(cookie)).session_id != contact.session_id

    await access.logout(cookie)
    assert await access.contact_for_session(cookie) is None
    assert await session_rows(cookie) == 0
    assert (await access.contact_for_session(other_cookie)).email == to
    assert await access.contact_for_session("") is None
    assert await access.contact_for_session("not-a-session") is None


async def test_ended_sessions_are_deleted_when_the_next_link_is_used(coordinator, monkeypatch):
    to, cookie = await signed_in(coordinator, monkeypatch)
    hours = change_settings(monkeypatch).portal_session_absolute_hours
    travel(monkeypatch, later(clock.now(), hours=hours, minutes=1))
    await request_link(to)
    await access.redeem(token_in((await messages(to, "portal_sign_in"))[-1]), client_address())
    assert await session_rows(cookie) == 0
