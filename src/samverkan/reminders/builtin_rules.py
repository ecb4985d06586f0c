"""The reminders every deployment has (issue 3); each can be switched off in settings."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from samverkan.accounts import service as accounts
from samverkan.agreements import service as agreements
from samverkan.registry import service as registry
from samverkan.reminders import calendar
from samverkan.reminders.rules import Candidate, Recipient, Rule, register
from samverkan.settings import get_settings
from samverkan.web import links


async def _contacts(ids: list[int | None]) -> dict[int, Recipient]:
    found = await registry.contacts_by_ids([i for i in ids if i is not None])
    return {
        contact_id: Recipient(contact.email.lower(), contact.name, contact.language)
        for contact_id, contact in found.items()
    }


async def _users(ids: list[int]) -> dict[int, Recipient]:
    found = await accounts.users_by_ids(ids)
    return {
        user_id: Recipient(user.email.lower(), user.name, "sv")
        for user_id, user in found.items()
        if user.active
    }


def _unique(recipients) -> tuple[Recipient, ...]:
    seen: dict[str, Recipient] = {}
    for recipient in recipients:
        if recipient is not None and recipient.email not in seen:
            seen[recipient.email] = recipient
    return tuple(seen.values())


def _commitment_item(row) -> dict:
    return {
        "agreement_id": row.agreement_id,
        "agreement_title": row.agreement_title,
        "registration_number": row.agreement_registration_number,
        "title": row.title,
        "organization": row.organization_name,
        "date": row.due_date.isoformat() if row.due_date else None,
        # Commitment reminders go to the parties' contacts, who follow up in the portal.
        "link": links.portal_agreement(row.agreement_id),
    }


async def _commitment_candidates(rows, occurrences, *, ends_on=None, everyone=False):
    """Candidates for commitment rows: the responsible contact, else the party's primary one
    (everyone=True: both)."""
    contacts = await _contacts(
        [r.responsible_contact_id for r in rows] + [r.primary_contact_id for r in rows]
    )
    candidates = []
    for row in rows:
        responsible = contacts.get(row.responsible_contact_id)
        primary = contacts.get(row.primary_contact_id)
        recipients = _unique([responsible, primary] if everyone else [responsible or primary])
        candidates.append(
            Candidate(
                subject_type="commitment",
                subject_id=row.commitment_id,
                agreement_id=row.agreement_id,
                occurrences=tuple(occurrences(row)),
                recipients=recipients,
                item=_commitment_item(row),
                ends_on=ends_on(row) if ends_on else None,
            )
        )
    return candidates


class CommitmentDueRule(Rule):
    name = "commitment_due"
    description = "Ett åtagande förfaller om 14 och om 3 dagar (a commitment falls due)"

    @property
    def days(self) -> list[int]:
        return sorted(set(get_settings().reminder_commitment_due_days), reverse=True)

    async def candidates(self, today, now, horizon=0, agreement_id=None):
        if not self.days:
            return []
        rows = await agreements.commitments_due_between(
            today, today + timedelta(self.days[0] + horizon), agreement_id=agreement_id
        )
        return await _commitment_candidates(
            rows,
            lambda r: [(f"due-{d}:{r.due_date}", r.due_date - timedelta(d)) for d in self.days],
            ends_on=lambda r: r.due_date,
        )


class CommitmentOverdueRule(Rule):
    name = "commitment_overdue"
    description = "Ett åtagande är försenat: dagen efter, sedan varje vecka (overdue)"

    async def candidates(self, today, now, horizon=0, agreement_id=None):
        repeat = get_settings().reminder_overdue_repeat_days
        last = today + timedelta(horizon)
        rows = await agreements.commitments_overdue(last, agreement_id=agreement_id)

        def occurrences(row):
            first = row.due_date + timedelta(1)
            count = (last - first).days // repeat + 1
            return [(f"overdue-{i}:{row.due_date}", first + timedelta(i * repeat))
                    for i in range(max(count, 0))]

        return await _commitment_candidates(rows, occurrences)


class CommitmentUnconfirmedRule(Rule):
    name = "commitment_unconfirmed"
    description = "Ett åtagande är obekräftat sju dagar efter förslaget (unconfirmed)"

    async def candidates(self, today, now, horizon=0, agreement_id=None):
        days = get_settings().reminder_unconfirmed_days
        zone = ZoneInfo(get_settings().timezone)
        # Proposed on or before this local day, the reminder is due today + horizon at most.
        last_day = today + timedelta(horizon) - timedelta(days)
        cutoff = datetime.combine(last_day + timedelta(1), datetime.min.time(), zone)
        unconfirmed = await agreements.commitments_unconfirmed_since(cutoff, agreement_id=agreement_id)
        rows = [r for r in unconfirmed
                if r.status_changed_at < cutoff]

        def occurrences(row):
            proposed_on = row.status_changed_at.astimezone(zone).date()
            return [(f"unconfirmed:{row.status_changed_at.isoformat()}", proposed_on + timedelta(days))]

        return await _commitment_candidates(rows, occurrences, everyone=True)


class MeetingRule(Rule):
    name = "meeting"
    description = "Ett styrgruppsmöte om sju dagar, med kalenderinbjudan (a meeting ahead)"

    async def candidates(self, today, now, horizon=0, agreement_id=None):
        days = get_settings().reminder_meeting_days
        rows = await agreements.meetings_between(
            today, today + timedelta(days + horizon), agreement_id=agreement_id
        )
        contacts = await _contacts([i for r in rows for i in r.contact_ids])
        candidates = []
        for row in rows:
            recipients = _unique(contacts.get(i) for i in row.contact_ids)
            candidates.append(
                Candidate(
                    subject_type="follow_up",
                    subject_id=row.follow_up_id,
                    agreement_id=row.agreement_id,
                    # A moved meeting is a new occurrence: its date and time are in the name.
                    occurrences=((f"meeting-{days}:{row.date}T{row.start_time or ''}",
                                  row.date - timedelta(days)),),
                    recipients=recipients,
                    item={
                        "agreement_id": row.agreement_id,
                        "agreement_title": row.agreement_title,
                        "title": row.title,
                        "date": row.date.isoformat(),
                        "time": row.start_time.strftime("%H:%M") if row.start_time else None,
                        "location": row.location,
                        "link": links.portal_agreement(row.agreement_id),
                        "ics": calendar.meeting_invite(row, recipients, now),
                    },
                    ends_on=row.date,
                )
            )
        return candidates


async def _agreement_candidates(rows, occurrences, ends_on):
    """Per agreement: its coordinators, linked to its page in the workspace, and its
    signatories (the parties' people), linked to it in the partner portal; a coordinator who
    also signed is reminded once, as a coordinator."""
    users = await _users([u for r in rows for u in r.coordinator_user_ids])
    candidates = []
    for row in rows:
        coordinators = _unique([users.get(u) for u in row.coordinator_user_ids])
        taken = {recipient.email for recipient in coordinators}
        # A signatory may have an address but no name yet: the ledger's name is never NULL.
        signatories = _unique([Recipient(s.email.lower(), s.name or "") for s in row.signatories
                               if s.email and s.email.lower() not in taken])
        for recipients, link in ((coordinators, links.workspace_agreement(row.agreement_id)),
                                 (signatories, links.portal_agreement(row.agreement_id))):
            if not recipients:
                continue
            candidates.append(
                Candidate(
                    subject_type="agreement",
                    subject_id=row.agreement_id,
                    agreement_id=row.agreement_id,
                    occurrences=tuple(occurrences(row)),
                    recipients=recipients,
                    item={
                        "agreement_id": row.agreement_id,
                        "agreement_title": row.title,
                        "registration_number": row.registration_number,
                        "title": row.title,
                        "date": row.period_end.isoformat(),
                        "link": link,
                    },
                    ends_on=ends_on(row),
                )
            )
    return candidates


class AgreementEndingRule(Rule):
    name = "agreement_ending"
    description = "En överenskommelse upphör om 90 och om 30 dagar (an agreement ends)"

    async def candidates(self, today, now, horizon=0, agreement_id=None):
        days = sorted(set(get_settings().reminder_agreement_ending_days), reverse=True)
        if not days:
            return []
        rows = await agreements.agreements_ending_between(
            today, today + timedelta(days[0] + horizon), agreement_id=agreement_id
        )
        return await _agreement_candidates(
            rows,
            lambda r: [(f"ending-{d}:{r.period_end}", r.period_end - timedelta(d)) for d in days],
            lambda r: r.period_end,
        )


class RenewalRule(Rule):
    name = "citizen_promise_renewal"
    description = "Ett medborgarlöfte behöver förnyas: det upphör inom 60 dagar utan efterföljare"

    async def candidates(self, today, now, horizon=0, agreement_id=None):
        days = get_settings().reminder_renewal_days
        rows = await agreements.agreements_ending_between(
            today, today + timedelta(days + horizon), agreement_id=agreement_id
        )
        rows = [r for r in rows if r.kind == "citizen_promise" and not r.has_successor]
        return await _agreement_candidates(
            rows,
            lambda r: [(f"renewal:{r.period_end}", r.period_end - timedelta(days))],
            lambda r: r.period_end,
        )


for _rule in (CommitmentDueRule(), CommitmentOverdueRule(), CommitmentUnconfirmedRule(),
              MeetingRule(), AgreementEndingRule(), RenewalRule()):
    register(_rule)
