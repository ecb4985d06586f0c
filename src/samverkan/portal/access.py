"""Who may enter the portal: e-mailed single-use links (invitations and sign-in links), the
server-side sessions they open, and the rate limits on asking for and using links.

Tokens and session cookies are 256 bits from the CSPRNG; only their SHA-256 is stored, and
the outbox forgets the e-mail that carried a link once it is sent (docs/portal.md).
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from samverkan import clock
from samverkan.accounts import service as accounts
from samverkan.accounts.security import new_token, token_hash
from samverkan.actor import Actor
from samverkan.agreements import service as agreements
from samverkan.agreements.lifecycle import AGREEMENT_STATUS_SV, LIVE_AGREEMENT
from samverkan.agreements.schemas import AgreementRead
from samverkan.audit import service as audit
from samverkan.conf import DB
from samverkan.db import write_transaction
from samverkan.errors import Conflict, InvalidInput, NotFound, SamverkanError, TooManyRequests
from samverkan.portal import mail, repository
from samverkan.portal.schemas import InvitationRead
from samverkan.portal.tables import LinkPurpose, ThrottleKind
from samverkan.registry import service as registry
from samverkan.registry.schemas import ContactRead
from samverkan.reminders import service as reminders
from samverkan.settings import get_settings

# A session's last_seen_at is written at most this often, so reads stay reads.
_TOUCH_EVERY = timedelta(minutes=1)
# Rate-limit keys are stored as given, cut to the column's length.
_KEY_LENGTH = 254


@dataclass(frozen=True)
class PortalContact:
    """Who is signed in to the portal: one contact of one organisation."""

    contact_id: int
    organization_id: int
    email: str
    name: str
    language: str  # "sv" | "en", the contact's preference
    session_id: int

    @property
    def actor(self) -> Actor:
        return Actor(id=None, label=self.email)


class LinkInvalid(SamverkanError):
    """A link that is unknown, used or expired: all three look the same to the visitor."""

    status_code = 400

    def __init__(self) -> None:
        super().__init__(
            "Länken är redan använd eller har gått ut. Be om en ny inloggningslänk med din "
            "e-postadress. (The link has been used or has expired; ask for a new sign-in link "
            "with your e-mail address.)"
        )


class PortalThrottled(TooManyRequests):
    """Too many requests from one client; retry_after is in whole seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "För många försök från din adress; försök igen om en stund "
            "(too many attempts, try again later)",
            retry_after=retry_after,
        )


# --- rate limits -------------------------------------------------------------------------


def _window() -> timedelta:
    return timedelta(minutes=get_settings().portal_link_window_minutes)


async def _wait(kind: ThrottleKind, key: str, limit: int, now: datetime) -> int | None:
    """Seconds until key may make another request of this kind; None if it may now."""
    window = _window()
    recent = await repository.recent_requests(kind, key, now - window)
    if len(recent) < limit:
        return None
    # Possible again once the request that keeps the count at the limit leaves the window.
    frees_at = recent[limit - 1] + window
    return max(1, math.ceil((frees_at - now).total_seconds()))


# --- links -------------------------------------------------------------------------------


async def _new_link(purpose: LinkPurpose, contact_id: int, agreement_id: int | None,
                    created_by: str, lifetime: timedelta, now: datetime) -> tuple[dict, str]:
    """A link row and its token; the token leaves only in the e-mail."""
    token = new_token()
    link_id = await repository.insert_link({
        "token_hash": token_hash(token), "purpose": purpose, "contact_id": contact_id,
        "agreement_id": agreement_id, "created_at": now, "created_by": created_by[:254],
        "expires_at": now + lifetime, "used_at": None,
    })
    return await repository.link(link_id), token


def _invitation_lifetime() -> timedelta:
    return timedelta(days=get_settings().portal_invitation_days)


def _invitation_read(row: dict, contact: ContactRead | None) -> InvitationRead:
    return InvitationRead(
        id=row["id"], agreement_id=row["agreement_id"], contact_id=row["contact_id"],
        contact_name=contact.name if contact else "", email=contact.email if contact else "",
        created_at=row["created_at"], created_by=row["created_by"],
        expires_at=row["expires_at"], used_at=row["used_at"],
    )


def _recipient(contact: ContactRead, organization_name: str) -> mail.Recipient:
    return mail.Recipient(name=contact.name, language=_language(contact),
                          organization=organization_name)


def _language(contact: ContactRead) -> str:
    return getattr(contact.language, "value", contact.language)


def _note(agreement: AgreementRead) -> mail.AgreementNote:
    return mail.AgreementNote(title=agreement.title,
                              registration_number=agreement.registration_number)


async def _send_invitation(actor: Actor, agreement: AgreementRead, contact: ContactRead,
                           organization_name: str, kind: str, render) -> InvitationRead:
    """An invitation link to agreement for contact, its e-mail (render(token, lifetime,
    expires_at) gives subject and bodies) in the outbox, and the audit event."""
    lifetime = _invitation_lifetime()
    row, token = await _new_link(LinkPurpose.invitation, contact.id, agreement.id, actor.label,
                                 lifetime, clock.now())
    rendered = render(_recipient(contact, organization_name), token, lifetime,
                      row["expires_at"])
    await reminders.enqueue(kind, contact.email, contact.name, _language(contact), rendered,
                            redact_after_send=True)
    invitation = _invitation_read(row, contact)
    await audit.record(actor, "invite", "portal_invitation", row["id"],
                       agreement_id=agreement.id, after=invitation)
    return invitation


async def _inviter(actor: Actor) -> str:
    """How an e-mail names who invites: the user's name and address."""
    if actor.id is not None:
        user = (await accounts.users_by_ids([actor.id])).get(actor.id)
        if user is not None:
            return f"{user.name} ({user.email})"
    return actor.label


async def invite(actor: Actor, agreement_id: int, contact_id: int) -> InvitationRead:
    """Invite a contact of a party to a live agreement: a link valid portal_invitation_days,
    sent through the outbox in the contact's language. Runs in the caller's transaction."""
    agreement = await agreements.agreement(agreement_id)
    if agreement.status not in LIVE_AGREEMENT:
        raise Conflict(
            "Partner kan bara bjudas in till en överenskommelse som är under beredning, väntar "
            "på underskrift, gällande eller under revidering; den här är "
            f"{AGREEMENT_STATUS_SV[agreement.status]} (partners can only be invited to an "
            "agreement past its draft and not yet closed)",
            field="status",
        )
    try:
        contact = await registry.contact(contact_id)
    except NotFound:
        raise InvalidInput("Kontaktpersonen finns inte (unknown contact)",
                           field="contact_id") from None
    parties = {party.organization.id: party.organization for party in agreement.parties}
    if contact.organization_id not in parties:
        raise InvalidInput(
            "Kontaktpersonen arbetar inte för någon av överenskommelsens parter "
            "(the contact does not work for a party of the agreement)",
            field="contact_id",
        )
    inviter = await _inviter(actor)

    def render(recipient, token, lifetime, expires_at):
        return mail.invitation(recipient, inviter, _note(agreement), token, lifetime, expires_at)

    return await _send_invitation(actor, agreement, contact,
                                  parties[contact.organization_id].name,
                                  "portal_invitation", render)


async def invitations(agreement_id: int) -> list[InvitationRead]:
    """The agreement's invitations, newest first, with the contacts' current name and address."""
    await agreements.parties(agreement_id)  # NotFound for an unknown agreement
    rows = await repository.invitations_of(agreement_id)
    contacts = await registry.contacts_by_ids([row["contact_id"] for row in rows])
    return [_invitation_read(row, contacts.get(row["contact_id"])) for row in rows]


async def notify_confirmation_reset(commitment_id: int) -> None:
    """A confirmed commitment changed: tell its responsible contact (else the owning party's
    primary contact), with an invitation-length link to the agreement. Runs in the
    transaction of the change."""
    commitment = await agreements.commitment(commitment_id)
    agreement = await agreements.agreement(commitment.agreement_id)
    if agreement.status not in LIVE_AGREEMENT:
        return
    party = next((p for p in agreement.parties if p.id == commitment.party_id), None)
    if party is None:
        return
    contact = None
    if commitment.responsible_contact_id is not None:
        contact = (await registry.contacts_by_ids([commitment.responsible_contact_id])).get(
            commitment.responsible_contact_id
        )
    contact = contact or party.primary_contact
    if contact is None:
        return

    def render(recipient, token, lifetime, expires_at):
        return mail.commitment_changed(recipient, commitment.title, commitment.due_date,
                                       _note(agreement), token, lifetime, expires_at)

    await _send_invitation(Actor.system("portal"), agreement, contact,
                           party.organization.name, "portal_commitment_changed", render)


async def request_link(email: str, client: str) -> None:
    """Send a sign-in link to every contact with this address, and nothing else.

    The outcome is the same whether the address is known or not. Too many requests from the
    client raise PortalThrottled (429); too many for the address send nothing more, silently.
    Runs in the caller's transaction: the refusal comes before anything is written.
    """
    settings = get_settings()
    now = clock.now()
    email = email.strip().lower()[:_KEY_LENGTH]
    client = client[:_KEY_LENGTH]
    await repository.delete_requests_before(now - _window())
    wait = await _wait(ThrottleKind.link_client, client,
                       settings.portal_link_requests_per_client, now)
    if wait is not None:
        raise PortalThrottled(wait)
    await repository.insert_request(ThrottleKind.link_client, client, now)
    if await _wait(ThrottleKind.link_address, email,
                   settings.portal_link_requests_per_address, now) is not None:
        return
    await repository.insert_request(ThrottleKind.link_address, email, now)
    await repository.delete_spent_sign_in_links(now)
    contacts = await registry.contacts_by_email(email)
    if not contacts:
        return
    organizations = await registry.organizations_by_ids([c.organization_id for c in contacts])
    lifetime = timedelta(minutes=settings.portal_link_minutes)
    for contact in contacts:
        row, token = await _new_link(LinkPurpose.sign_in, contact.id, None, email, lifetime, now)
        rendered = mail.sign_in(_recipient(contact, organizations[contact.organization_id].name),
                                token, lifetime, row["expires_at"])
        await reminders.enqueue("portal_sign_in", contact.email, contact.name,
                                _language(contact), rendered, now=now, redact_after_send=True)


# --- sessions ----------------------------------------------------------------------------


def _portal_contact(contact: ContactRead, session_id: int) -> PortalContact:
    return PortalContact(
        contact_id=contact.id, organization_id=contact.organization_id, email=contact.email,
        name=contact.name, language=_language(contact), session_id=session_id,
    )


async def redeem(token: str, client: str) -> tuple[PortalContact, str, int | None]:
    """Use a link: mark it used and open a new session. Returns the contact, the session
    cookie's value and the agreement to land on (an invitation's) or None.

    Opens its own transactions, so call it outside one: the attempt is counted and committed
    before the link is checked, or a wrong link would roll its own count back and guessing
    would never be throttled. Unknown, used or expired links raise LinkInvalid; too many
    attempts from the client raise PortalThrottled.
    """
    if DB.transaction_exists():
        raise RuntimeError("portal.access.redeem() opens its own transactions")
    settings = get_settings()
    now = clock.now()
    client = client[:_KEY_LENGTH]
    async with write_transaction():
        await repository.delete_requests_before(now - _window())
        wait = await _wait(ThrottleKind.redeem_client, client,
                           settings.portal_link_attempts_per_client, now)
        if wait is None:
            await repository.insert_request(ThrottleKind.redeem_client, client, now)
    if wait is not None:
        raise PortalThrottled(wait)
    async with write_transaction():
        link = await repository.consume_link(token_hash(token), now)
        if link is None:
            raise LinkInvalid()
        contact = (await registry.contacts_by_ids([link["contact_id"]])).get(link["contact_id"])
        if contact is None:
            raise LinkInvalid()
        await repository.delete_spent_sign_in_links(now)
        await repository.delete_ended_sessions(
            now, now - timedelta(minutes=settings.portal_session_idle_minutes)
        )
        cookie = new_token()
        session_id = await repository.insert_session(
            token_hash(cookie), contact.id, now,
            now + timedelta(hours=settings.portal_session_absolute_hours),
        )
    return _portal_contact(contact, session_id), cookie, link["agreement_id"]


async def contact_for_session(cookie_value: str) -> PortalContact | None:
    """The contact of a live session: within its absolute lifetime and its idle timeout.
    A session past either, or whose contact is gone, is deleted."""
    if not cookie_value:
        return None
    hashed = token_hash(cookie_value)
    row = await repository.session_by_hash(hashed)
    if row is None:
        return None
    now = clock.now()
    idle = timedelta(minutes=get_settings().portal_session_idle_minutes)
    contact = None
    if now < row["expires_at"] and now - row["last_seen_at"] <= idle:
        contact = (await registry.contacts_by_ids([row["contact_id"]])).get(row["contact_id"])
    if contact is None:
        await repository.delete_session(hashed)
        return None
    if now - row["last_seen_at"] > _TOUCH_EVERY:
        await repository.touch_session(row["id"], now)
    return _portal_contact(contact, row["id"])


async def logout(cookie_value: str) -> None:
    """End the session on the server: the cookie opens nothing any more."""
    if cookie_value:
        await repository.delete_session(token_hash(cookie_value))
