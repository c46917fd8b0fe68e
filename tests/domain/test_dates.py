"""The date shortcuts counselors type, as a table: what they type, today, what it means."""

from __future__ import annotations

from datetime import date

import pytest

from tplan.domain.dates import DATE_MESSAGE, parse_date

SUNDAY = date(2026, 11, 29)

CASES = [
    # typed, direction, meaning (today is Sunday 29 Nov 2026)
    ("t", "past", date(2026, 11, 29)),
    ("Today", "past", date(2026, 11, 29)),
    ("y", "past", date(2026, 11, 28)),
    ("+30", "future", date(2026, 12, 29)),
    ("-7", "past", date(2026, 11, 22)),
    ("+ 2", "past", date(2026, 12, 1)),
    ("mon", "past", date(2026, 11, 23)),
    ("Monday", "future", date(2026, 11, 30)),
    ("sun", "past", date(2026, 11, 29)),
    ("sun", "future", date(2026, 11, 29)),
    ("11/27", "past", date(2026, 11, 27)),
    ("12/3", "past", date(2025, 12, 3)),
    ("12/3", "future", date(2026, 12, 3)),
    ("1/5/27", "past", date(2027, 1, 5)),
    ("27 Nov", "past", date(2026, 11, 27)),
    ("27 nov 2025", "future", date(2025, 11, 27)),
    ("Nov 27", "past", date(2026, 11, 27)),
    ("2 January", "future", date(2027, 1, 2)),
    ("2026-03-12", "past", date(2026, 3, 12)),
]


@pytest.mark.parametrize(("typed", "direction", "meaning"), CASES)
def test_shortcut_means(typed: str, direction: str, meaning: date) -> None:
    assert parse_date(typed, SUNDAY, direction) == meaning  # type: ignore[arg-type]


@pytest.mark.parametrize("typed", ["", "   "])
def test_blank_is_no_date(typed: str) -> None:
    assert parse_date(typed, SUNDAY) is None


@pytest.mark.parametrize("typed", ["soon", "13/45", "31 Feb", "2026-02-30", "mo", "+", "27 Foo"])
def test_nonsense_is_refused_with_the_shortcuts_named(typed: str) -> None:
    with pytest.raises(ValueError, match="t, y, \\+30") as caught:
        parse_date(typed, SUNDAY)
    assert str(caught.value) == DATE_MESSAGE
