"""The caseload's plain-Python core: column layout, filtering, quick filters and sorting."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tplan.domain import SuggestionKind
from tplan.ui.widgets.caseload_model import (
    COLUMNS,
    CaseloadLine,
    Cell,
    QuickFilter,
    counts,
    fit,
    layout,
    relative_days,
    review_cell,
    select,
    sort_lines,
)

TODAY = date(2026, 3, 12)


def line(
    pid: str,
    name: str,
    *,
    kind: SuggestionKind | None = SuggestionKind.CONTINUE,
    counselor: str = "J. Park",
    active: bool = True,
    overdue: bool = False,
    alerts: int = 0,
    safety: bool = False,
    phq9: int | None = None,
) -> CaseloadLine:
    initials = "".join(part[0] + "." for part in name.split())
    return CaseloadLine(
        patient_id=pid,
        name=name,
        initials=initials,
        cells={"phq9": Cell(str(phq9) if phq9 is not None else "—")},
        sort_keys={"name": name.lower(), "phq9": phq9},
        kind=kind,
        counselor=counselor,
        active=active,
        overdue=overdue,
        alert_count=alerts,
        safety=safety,
        search=f"2.1 iop {kind.value if kind else 'discharged'} {counselor}".lower(),
    )


LINES = [
    line("a", "Avery Quill", kind=SuggestionKind.STEP_DOWN, phq9=4),
    line("b", "Bo Marchetti", kind=SuggestionKind.TAPER, overdue=True, alerts=1, phq9=7),
    line("c", "Cass Ferrow", kind=SuggestionKind.SAFETY_REVIEW, safety=True, alerts=1),
    line("d", "Dell Okafor", counselor="M. Ruiz", phq9=12),
    line("e", "Ema Lindqvist", active=False, kind=None),
]


def ids(lines: list[CaseloadLine]) -> list[str]:
    return [ln.patient_id for ln in lines]


def test_discharged_patients_are_hidden_unless_asked_for() -> None:
    assert ids(select(LINES, "", QuickFilter.ALL, "J. Park", False)) == ["a", "b", "c", "d"]
    assert ids(select(LINES, "", QuickFilter.DISCHARGED, "J. Park", False)) == ["e"]


def test_filter_matches_every_typed_word_case_insensitively() -> None:
    assert ids(select(LINES, "avery", QuickFilter.ALL, "", False)) == ["a"]
    assert ids(select(LINES, "QUILL av", QuickFilter.ALL, "", False)) == ["a"]
    assert ids(select(LINES, "ruiz", QuickFilter.ALL, "", False)) == ["d"]
    assert ids(select(LINES, "taper", QuickFilter.ALL, "", False)) == ["b"]
    assert select(LINES, "nobody", QuickFilter.ALL, "", False) == []


def test_with_privacy_on_the_filter_only_sees_initials() -> None:
    assert select(LINES, "avery", QuickFilter.ALL, "", True) == []
    assert ids(select(LINES, "a.q.", QuickFilter.ALL, "", True)) == ["a"]


@pytest.mark.parametrize(
    ("quick", "expected"),
    [
        (QuickFilter.OVERDUE, ["b"]),
        (QuickFilter.ALERTS, ["b", "c"]),
        (QuickFilter.SAFETY, ["c"]),
        (QuickFilter.STEP_DOWN, ["a"]),
        (QuickFilter.TAPER, ["b"]),
        (QuickFilter.STEP_UP, []),
        (QuickFilter.MINE, ["d"]),
    ],
)
def test_quick_filters(quick: QuickFilter, expected: list[str]) -> None:
    assert ids(select(LINES, "", quick, "M. Ruiz", False)) == expected


def test_counts_feed_the_filter_bar() -> None:
    tally = counts(LINES)
    assert tally[QuickFilter.ALL] == 4
    assert tally[QuickFilter.DISCHARGED] == 1
    assert tally[QuickFilter.OVERDUE] == 1
    assert tally[QuickFilter.SAFETY] == 1
    assert tally[QuickFilter.STEP_DOWN] == 1


def test_sort_puts_unknown_values_last_in_both_directions() -> None:
    assert ids(sort_lines(LINES, "phq9")) == ["a", "b", "d", "c", "e"]
    assert ids(sort_lines(LINES, "phq9", reverse=True)) == ["d", "b", "a", "c", "e"]
    assert ids(sort_lines(LINES, "name", reverse=True)) == ["e", "d", "c", "b", "a"]


def test_layout_fits_80_columns_and_keeps_the_essentials() -> None:
    chosen = layout(79)
    keys = [column.key for column, _ in chosen]
    for essential in ("flag", "name", "level", "attendance", "craving", "phq9", "review"):
        assert essential in keys
    assert "suggestion" in keys
    assert sum(width for _, width in chosen) + len(chosen) - 1 <= 79
    assert dict((c.key, w) for c, w in chosen)["name"] >= 12


def test_layout_uses_the_room_of_a_wide_terminal() -> None:
    chosen = dict((c.key, w) for c, w in layout(198))
    assert set(chosen) == {c.key for c in COLUMNS}
    assert chosen["alerts"] > 60


@given(st.integers(min_value=20, max_value=400))
def test_layout_never_overflows_when_it_can_fit(width: int) -> None:
    chosen = layout(width)
    used = sum(w for _, w in chosen) + len(chosen) - 1
    minimum = sum(c.width or c.min_width for c in COLUMNS if c.priority == 0) + 7
    if width >= minimum:
        assert used <= width


@given(st.text(max_size=40), st.integers(min_value=1, max_value=30))
def test_fit_always_gives_the_exact_width(text: str, width: int) -> None:
    from rich.cells import cell_len

    assert cell_len(fit(text, width)) == width
    assert cell_len(fit(text, width, "right")) == width


def test_numbers_carry_their_context() -> None:
    assert relative_days(date(2026, 3, 9), TODAY) == "3 d ago"
    assert relative_days(date(2026, 3, 21), TODAY) == "in 9 d"
    assert relative_days(TODAY, TODAY) == "today"
    assert review_cell(date(2026, 3, 8), TODAY) == Cell("OVERDUE 4d", "overdue")
    assert review_cell(date(2026, 3, 21), TODAY) == Cell("in 9 d", "")
    assert review_cell(date(2026, 3, 15), TODAY).style == "due"
