"""The caseload as plain Python rows: columns, cells, filtering and sorting.

No Textual here, so filtering and sorting stay cheap and testable; the virtualized table in
``caseload_table`` only renders what these functions hand it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Literal

Align = Literal["left", "right"]


@dataclass(frozen=True, slots=True)
class Column:
    """One caseload column; ``width`` 0 means "takes the room left over"."""

    key: str
    title: str
    width: int
    align: Align = "left"
    priority: int = 0
    """Columns with a higher number are dropped first when the terminal is narrow."""
    min_width: int = 0


COLUMNS: tuple[Column, ...] = (
    Column("flag", "", 2),
    Column("name", "Patient", 0, min_width=12),
    Column("level", "Level", 10),
    Column("days", "Days", 7, "right", priority=1),
    Column("attendance", "Att30", 5, "right"),
    Column("craving", "Crav", 4, "right"),
    Column("phq9", "PHQ9", 4, "right"),
    Column("review", "Review", 11),
    Column("suggestion", "Suggest", 11),
    Column("last_note", "Last note", 9, priority=2),
    Column("counselor", "Counselor", 14, priority=4),
    Column("alerts", "Alerts", 0, priority=3, min_width=16),
)
NAME_WANTS = 22
"""Cells the name column gets before optional columns (counselor, alerts) are shown."""
_NAME_MIN = 12

COLUMN_KEYS: tuple[str, ...] = tuple(column.key for column in COLUMNS)
SORTABLE: tuple[str, ...] = tuple(key for key in COLUMN_KEYS if key != "flag")
HIGH_FIRST = frozenset({"days", "craving", "phq9", "alerts"})
"""Columns whose first sort puts the highest value on top: what needs attention first. The
others start low first (lowest attendance, soonest review, oldest last note, names A-Z)."""

SAFETY_REVIEW, STEP_UP, INTENSIFY, STEP_DOWN, TAPER, CONTINUE = (
    "safety_review", "step_up", "intensify", "step_down", "taper", "continue",
)
SUGGESTION_KINDS: tuple[str, ...] = (SAFETY_REVIEW, STEP_UP, INTENSIFY, STEP_DOWN, TAPER, CONTINUE)
"""``tplan.domain.SuggestionKind``'s values in its order, as strings: this module is imported
before the domain is loaded (a StrEnum member equals and hashes as its value)."""

BADGES: dict[str, str] = {
    SAFETY_REVIEW: "!! safety",
    STEP_UP: "▲▲ step up",
    INTENSIFY: "▲ intensify",
    STEP_DOWN: "▼ step down",
    TAPER: "↘ taper",
    CONTINUE: "= continue",
}
"""Suggestion badges: a symbol and a word, so colour never carries the meaning alone."""

KIND_ORDER: dict[str, int] = {kind: i for i, kind in enumerate(SUGGESTION_KINDS)}


class QuickFilter(StrEnum):
    ALL = "all"
    OVERDUE = "overdue"
    ALERTS = "alerts"
    SAFETY = "safety"
    STEP_UP = "step up"
    INTENSIFY = "intensify"
    STEP_DOWN = "step down"
    TAPER = "taper"
    MINE = "mine"
    DISCHARGED = "discharged"


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    style: str = ""
    """A component-class suffix of the table (``overdue``, ``safety`` ...), or empty."""


@dataclass(frozen=True, slots=True)
class CaseloadLine:
    """One patient, ready to show: display cells, sort keys and what the filters test."""

    patient_id: str
    name: str
    initials: str
    cells: dict[str, Cell]
    sort_keys: dict[str, Any]
    kind: str | None
    """The suggestion kind's value (``step_up`` ...), None when discharged or not computed."""
    counselor: str
    active: bool = True
    overdue: bool = False
    alert_count: int = 0
    safety: bool = False
    explanation: str = ""
    search: str = field(default="", compare=False)
    """Lower-case text of the shown columns other than the name (level, badge, counselor)."""
    hay: str = field(default="", compare=False, repr=False)
    hay_private: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        # What filtering searches, built once: the name as shown, then the other columns.
        object.__setattr__(self, "hay", f"{self.name.lower()}\n{self.search}")
        object.__setattr__(self, "hay_private", f"{self.initials.lower()}\n{self.search}")

    def display_name(self, privacy: bool) -> str:
        return self.initials if privacy else self.name


_WORD_ENDS = " ,;·"


def fit(text: str, width: int, align: Align = "left", words: bool = False) -> str:
    """Pad or cut ``text`` to ``width`` terminal cells, marking a cut with an ellipsis;
    ``words``: cut after a whole word ("!! safety review…", not "… decide…") when one fits."""
    from rich.cells import cell_len, set_cell_size

    if width <= 0:
        return ""
    length = cell_len(text)
    if length > width:
        if width == 1:
            return "…"
        cut = set_cell_size(text, width - 1)
        if words:
            at_end = len(cut) >= len(text) or text[len(cut)] in _WORD_ENDS
            if not at_end and " " in cut.strip():
                cut = cut[: cut.rstrip().rindex(" ")]
            cut = cut.rstrip(_WORD_ENDS) or cut
        text, length = cut + "…", cell_len(cut) + 1
    pad = " " * (width - length)
    return pad + text if align == "right" else text + pad


def layout(
    width: int, columns: Sequence[Column] = COLUMNS, gap: int = 1
) -> list[tuple[Column, int]]:
    """Which columns fit in ``width`` cells and how wide each one is.

    Fixed columns keep their width; flexible ones (width 0) share what is left. Low-priority
    columns are dropped until the flexible ones get their minimum, and optional ones
    (priority >= 2) also give way until the name gets ``NAME_WANTS`` cells.
    """
    chosen = list(columns)

    def room() -> int:
        return width - sum(c.width for c in chosen if c.width) - gap * (len(chosen) - 1)

    def drop(min_priority: int) -> bool:
        droppable = [c for c in chosen if c.priority >= min_priority]
        if not droppable:
            return False
        chosen.remove(max(droppable, key=lambda c: (c.priority, chosen.index(c))))
        return True

    def wanted(name_width: int) -> int:
        return sum(name_width if c.key == "name" else c.min_width for c in chosen if not c.width)

    while room() < wanted(_NAME_MIN) and drop(1):
        pass
    while room() < wanted(NAME_WANTS) and drop(2):
        pass
    flexible = [c for c in chosen if not c.width]
    left = max(0, room())
    sizes: dict[str, int] = {}
    if flexible:
        name_first = sorted(flexible, key=lambda c: c.key != "name")
        for index, column in enumerate(name_first):
            if index == len(name_first) - 1:
                sizes[column.key] = max(column.min_width, left)
            else:
                share = max(column.min_width, min(left - _min_rest(name_first, index), NAME_WANTS))
                sizes[column.key] = share
                left -= share
    return [(c, c.width or sizes[c.key]) for c in chosen]


def _min_rest(columns: Sequence[Column], index: int) -> int:
    return sum(c.min_width for c in columns[index + 1 :])


def matches(line: CaseloadLine, query: str, privacy: bool) -> bool:
    """Filter as you type: every word of the query appears in what the row shows."""
    hay = line.hay_private if privacy else line.hay
    return all(word in hay for word in query.lower().split())


def quick_filter_test(quick: QuickFilter, me: str) -> Callable[[CaseloadLine], bool]:
    """The predicate of a quick filter; discharged patients show only under their own filter."""
    kind_for = {
        QuickFilter.SAFETY: SAFETY_REVIEW,
        QuickFilter.STEP_UP: STEP_UP,
        QuickFilter.INTENSIFY: INTENSIFY,
        QuickFilter.STEP_DOWN: STEP_DOWN,
        QuickFilter.TAPER: TAPER,
    }
    if quick is QuickFilter.DISCHARGED:
        return lambda line: not line.active
    if quick is QuickFilter.OVERDUE:
        return lambda line: line.active and line.overdue
    if quick is QuickFilter.ALERTS:  # every flagged row: "!" and "!!"
        return lambda line: line.active and (line.alert_count > 0 or line.safety)
    if quick is QuickFilter.MINE:
        return lambda line: line.active and line.counselor == me
    if quick in kind_for:
        kind = kind_for[quick]
        if kind == SAFETY_REVIEW:
            return lambda line: line.active and (line.safety or line.kind == kind)
        return lambda line: line.active and line.kind == kind
    return lambda line: line.active


def select(
    lines: Iterable[CaseloadLine],
    query: str,
    quick: QuickFilter,
    me: str,
    privacy: bool,
) -> list[CaseloadLine]:
    """The rows to show, in the order given (sort first, then select)."""
    test = quick_filter_test(quick, me)
    words = query.lower().split()
    if not words:
        return [line for line in lines if test(line)]
    if privacy:
        return [ln for ln in lines if test(ln) and all(w in ln.hay_private for w in words)]
    return [ln for ln in lines if test(ln) and all(w in ln.hay for w in words)]


def sort_lines(
    lines: Iterable[CaseloadLine], key: str, reverse: bool = False
) -> list[CaseloadLine]:
    """Sort by one column; unknown values (None) always sink to the bottom, then by name."""

    def sort_key(line: CaseloadLine) -> tuple[bool, Any, str]:
        value = line.sort_keys.get(key)
        return (value is None, value if value is not None else 0, line.name.lower())

    known = [line for line in lines if line.sort_keys.get(key) is not None]
    unknown = [line for line in lines if line.sort_keys.get(key) is None]
    known.sort(key=sort_key, reverse=reverse)
    unknown.sort(key=lambda line: line.name.lower())
    return known + unknown


def counts(lines: Iterable[CaseloadLine], me: str = "") -> dict[QuickFilter, int]:
    """How many rows each quick filter would show (for the filter bar): the filters' own tests,
    so a count never disagrees with the rows its filter shows."""
    lines = list(lines)
    result: dict[QuickFilter, int] = {}
    for quick in QuickFilter:
        test = quick_filter_test(quick, me)
        result[quick] = sum(1 for line in lines if test(line))
    return result


def relative_days(day: date | None, today: date) -> str:
    """``today``, ``3 d ago``, ``in 9 d``: numbers with their context."""
    if day is None:
        return "—"
    delta = (day - today).days
    if delta == 0:
        return "today"
    return f"in {delta} d" if delta > 0 else f"{-delta} d ago"


def review_cell(due: date | None, today: date) -> Cell:
    if due is None:
        return Cell("—")
    delta = (due - today).days
    if delta < 0:
        return Cell(f"OVERDUE {-delta}d", "overdue")
    if delta == 0:
        return Cell("due today", "due")
    return Cell(f"in {delta} d", "due" if delta <= 7 else "")
