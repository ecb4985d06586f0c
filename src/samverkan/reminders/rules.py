"""The reminder machinery's contract: a rule names who must hear about what, and when.

A rule knows nothing of ledgers, digests or SMTP. It finds its subjects (a commitment, a
meeting, an agreement), says on which local days each subject should be reminded of (its
occurrences), and who the recipients are. The sweep records the latest occurrence that has
fallen due and has not been recorded yet; a later feature adds a rule with `register()` in
a module of its own, names that module in RULE_MODULES, and touches nothing else.
"""

import importlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from samverkan.settings import get_settings


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str = ""
    language: str = "sv"


@dataclass(frozen=True)
class Occurrence:
    """One reminder of one subject, due on a local day, for some recipients."""

    rule: str
    subject_type: str
    subject_id: int
    agreement_id: int | None
    occurrence: str  # stable text naming this occurrence, e.g. "due-3:2026-12-01"
    due_on: date  # the day it is (or was) to be sent
    recipients: tuple[Recipient, ...]
    # What the e-mail says about it: see templates/ for the fields each rule's item uses.
    item: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Candidate:
    """A subject with every occurrence it has, due or not: rules return these."""

    subject_type: str
    subject_id: int
    agreement_id: int | None
    occurrences: tuple[tuple[str, date], ...]  # (occurrence, due_on), in order
    recipients: tuple[Recipient, ...]
    item: dict[str, Any]
    ends_on: date | None = None  # after this day nothing of it is sent any more

    def latest_due(self, today: date) -> tuple[str, date] | None:
        """The most recent occurrence due on or before today: a catch-up sends that one only."""
        if self.ends_on is not None and today > self.ends_on:
            return None
        due = [pair for pair in self.occurrences if pair[1] <= today]
        return max(due, key=lambda pair: pair[1]) if due else None


class Rule(ABC):
    """A kind of reminder. Subclasses set name and implement candidates()."""

    name: str
    description: str

    @abstractmethod
    async def candidates(self, today: date, now: datetime, horizon: int = 0,
                         agreement_id: int | None = None) -> list[Candidate]:
        """Subjects with an occurrence due on or before today + horizon days.

        The sweep asks with horizon 0 about every agreement; the preview of planned
        reminders asks further ahead about one (agreement_id).
        Queries must cost what is due, not what exists (a date range on an index).
        """

    @property
    def enabled(self) -> bool:
        return self.name not in get_settings().reminders_disabled

    async def due(self, today: date, now: datetime) -> list[Occurrence]:
        occurrences = []
        for candidate in await self.candidates(today, now):
            latest = candidate.latest_due(today)
            if latest is not None and candidate.recipients:
                occurrences.append(self.occurrence(candidate, *latest))
        return occurrences

    def occurrence(self, candidate: Candidate, occurrence: str, due_on: date) -> Occurrence:
        return Occurrence(
            rule=self.name,
            subject_type=candidate.subject_type,
            subject_id=candidate.subject_id,
            agreement_id=candidate.agreement_id,
            occurrence=occurrence,
            due_on=due_on,
            recipients=candidate.recipients,
            item={**candidate.item, "rule": self.name, "occurrence": occurrence},
        )


_RULES: dict[str, Rule] = {}

# Modules whose rules register themselves at import; all_rules() loads them, so that a rule
# is never missed because nobody happened to import its module (a CLI command, a test, a job).
RULE_MODULES = ("samverkan.reminders.builtin_rules", "samverkan.situation.reminder_rules")


def register(rule: Rule) -> Rule:
    if rule.name in _RULES:
        raise ValueError(f"reminder rule {rule.name!r} is registered twice")
    _RULES[rule.name] = rule
    return rule


def all_rules() -> list[Rule]:
    for module in RULE_MODULES:
        importlib.import_module(module)
    return list(_RULES.values())


def enabled_rules() -> list[Rule]:
    return [rule for rule in all_rules() if rule.enabled]
