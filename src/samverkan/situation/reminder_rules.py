"""Round deadlines plug into the reminder rules (issue 6): the parties asked for something in
an open round whose input has not come in (none yet, a draft, or returned) are reminded
before the deadline and once the day after it has passed.

Loaded by reminders.rules.all_rules() (RULE_MODULES); nobody imports it by hand.
"""

from dataclasses import replace
from datetime import timedelta

from samverkan.agreements import service as agreements
from samverkan.agreements.lifecycle import LIVE_AGREEMENT
from samverkan.agreements.schemas import AgreementRead
from samverkan.reminders.rules import Candidate, Recipient, Rule, register
from samverkan.settings import get_settings
from samverkan.situation import service as situation
from samverkan.web import links

# A deadline reminder missed on its day (the worker was down, the party's input was sent
# back late) is still sent during this many days after the deadline; older rounds are not
# looked at, so a sweep reads the rounds near their deadline, not every open one.
OVERDUE_CATCH_UP_DAYS = 7
# The digest's sentence for the reminder after the deadline (reminders/digest.py).
OVERDUE_PHRASE = "situation_deadline_overdue"


class SituationDeadlineRule(Rule):
    name = "situation_deadline"
    description = ("Lägesbildsunderlag som inte har lämnats: 7 och 1 dag före sista dag, och "
                   "dagen efter (a round's deadline)")

    @property
    def days(self) -> list[int]:
        return sorted({d for d in get_settings().reminder_situation_deadline_days if d > 0},
                      reverse=True)

    async def candidates(self, today, now, horizon=0, agreement_id=None):
        days = self.days
        rounds = await situation.rounds_awaiting_input(
            today - timedelta(OVERDUE_CATCH_UP_DAYS),
            today + timedelta((days[0] if days else 0) + horizon),
            agreement_id=agreement_id,
        )
        read: dict[int, AgreementRead] = {}
        for due in rounds:
            if due.agreement_id not in read:
                read[due.agreement_id] = await agreements.agreement(due.agreement_id)
        candidates = []
        for due in rounds:
            agreement = read[due.agreement_id]
            if agreement.status not in LIVE_AGREEMENT:
                continue
            parties = {party.id: party for party in agreement.parties}
            recipients: dict[str, Recipient] = {}
            for party_id in due.party_ids:
                party = parties.get(party_id)  # a party removed since the round was opened
                contact = party.primary_contact if party is not None else None
                if contact is not None and contact.email.lower() not in recipients:
                    recipients[contact.email.lower()] = Recipient(
                        contact.email.lower(), contact.name, contact.language
                    )
            deadline = due.deadline
            candidates.append(Candidate(
                subject_type="situation_round",
                subject_id=due.round_id,
                agreement_id=due.agreement_id,
                occurrences=tuple(
                    [(f"before-{d}:{deadline}", deadline - timedelta(d)) for d in days]
                    + [(f"overdue:{deadline}", deadline + timedelta(1))]
                ),
                recipients=tuple(recipients.values()),
                item={
                    "agreement_id": due.agreement_id,
                    "agreement_title": agreement.title,
                    "registration_number": agreement.registration_number,
                    "title": due.period,
                    "period": due.period,
                    "deadline": deadline.isoformat(),
                    "date": deadline.isoformat(),
                    # The line links to the round, where the input is entered; the digest's
                    # group for the agreement links to the agreement.
                    "link": links.portal_round(due.round_id),
                    "agreement_link": links.portal_agreement(due.agreement_id),
                },
                ends_on=deadline + timedelta(OVERDUE_CATCH_UP_DAYS),
            ))
        return candidates

    def occurrence(self, candidate, occurrence, due_on):
        found = super().occurrence(candidate, occurrence, due_on)
        if occurrence.startswith("overdue:"):
            return replace(found, item={**found.item, "phrase": OVERDUE_PHRASE})
        return found


register(SituationDeadlineRule())
