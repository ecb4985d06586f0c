"""Periods of a lägesbild: a month, quarter, tertial, half-year or year, and their codes.

Codes are what people write in a spreadsheet: `2026-03`, `2026-Q1`, `2026-T1` (January to
April, May to August, September to December), `2026-H1`, `2026`.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from samverkan.agreements.tables import Cadence

# Months per period of each kind.
MONTHS = {
    Cadence.monthly: 1,
    Cadence.quarterly: 3,
    Cadence.tertial: 4,
    Cadence.half_yearly: 6,
    Cadence.yearly: 12,
}
_LETTER = {Cadence.quarterly: "Q", Cadence.tertial: "T", Cadence.half_yearly: "H"}
_CODE = re.compile(r"^(\d{4})(?:-(?:(0[1-9]|1[0-2])|([QTH])([1-4])))?$")


@dataclass(frozen=True, order=True)
class Period:
    start: date
    kind: Cadence

    @property
    def end(self) -> date:
        """The last day of the period."""
        return _add_months(self.start, MONTHS[self.kind]) - timedelta(days=1)

    @property
    def code(self) -> str:
        return period_code(self.kind, self.start)

    def previous(self) -> "Period":
        return Period(_add_months(self.start, -MONTHS[self.kind]), self.kind)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_of(kind: Cadence, day: date) -> Period:
    """The period of this kind that holds day."""
    size = MONTHS[Cadence(kind)]
    return Period(date(day.year, (day.month - 1) // size * size + 1, 1), Cadence(kind))


def period_start_valid(kind: Cadence, start: date) -> bool:
    return period_of(kind, start).start == start


def period_code(kind: Cadence, start: date) -> str:
    kind = Cadence(kind)
    if kind == Cadence.yearly:
        return f"{start.year}"
    if kind == Cadence.monthly:
        return f"{start.year}-{start.month:02d}"
    return f"{start.year}-{_LETTER[kind]}{(start.month - 1) // MONTHS[kind] + 1}"


def parse_period(code: str) -> Period:
    """The period a code names; ValueError with a Swedish and English message otherwise."""
    match = _CODE.match(code.strip())
    if match is None:
        raise ValueError(
            f"Okänd period {code!r}: skriv t.ex. 2026, 2026-H1, 2026-T2, 2026-Q3 eller 2026-03 "
            "(unknown period code)"
        )
    year, month, letter, number = match.groups()
    year = int(year)
    if month:
        return Period(date(year, int(month), 1), Cadence.monthly)
    if not letter:
        return Period(date(year, 1, 1), Cadence.yearly)
    kind = next(k for k, v in _LETTER.items() if v == letter)
    count = 12 // MONTHS[kind]
    if not 1 <= int(number) <= count:
        raise ValueError(
            f"Okänd period {code!r}: ett år har {count} perioder av det slaget "
            f"(a year has {count} such periods)"
        )
    return Period(date(year, (int(number) - 1) * MONTHS[kind] + 1, 1), kind)
