"""Period codes as people write them in spreadsheets, and the periods they name."""

from datetime import date

import pytest

from samverkan.agreements.tables import Cadence
from samverkan.situation.periods import parse_period, period_of, period_start_valid


@pytest.mark.parametrize(("code", "kind", "start", "end", "previous"), [
    ("2026", Cadence.yearly, date(2026, 1, 1), date(2026, 12, 31), "2025"),
    ("2026-H1", Cadence.half_yearly, date(2026, 1, 1), date(2026, 6, 30), "2025-H2"),
    ("2026-T2", Cadence.tertial, date(2026, 5, 1), date(2026, 8, 31), "2026-T1"),
    ("2026-Q1", Cadence.quarterly, date(2026, 1, 1), date(2026, 3, 31), "2025-Q4"),
    ("2024-02", Cadence.monthly, date(2024, 2, 1), date(2024, 2, 29), "2024-01"),
])
def test_a_code_names_one_period_and_back(code, kind, start, end, previous):
    period = parse_period(code)
    assert (period.kind, period.start, period.end) == (kind, start, end)
    assert period.code == code
    assert period.previous().code == previous
    assert period_of(kind, end) == period


@pytest.mark.parametrize("code", ["", "26", "2026-Q5", "2026-T4", "2026-H3", "2026-13", "2026-00",
                                  "2026-q1", "Q1-2026", "2026-1"])
def test_a_code_that_names_no_period_is_refused_in_swedish(code):
    with pytest.raises(ValueError, match="Okänd period"):
        parse_period(code)


def test_a_period_starts_on_its_first_day():
    assert period_start_valid(Cadence.tertial, date(2026, 9, 1))
    assert not period_start_valid(Cadence.tertial, date(2026, 10, 1))
    assert not period_start_valid(Cadence.monthly, date(2026, 10, 2))
