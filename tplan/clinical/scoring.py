"""Scoring of the standardized instruments exactly as CLINICAL.md section 4 states.

Every function refuses impossible input (an item of 5, a missing item, a total of 28) with a
``ScoringError`` instead of returning a wrong score. The messages name the item and its
allowed range, never the answer itself (record content stays out of exceptions).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from tplan.domain import Bam, Gad7, Phq9

PHQ9_MEANINGFUL_CHANGE = 5
"""A change of 5 PHQ-9 points is clinically meaningful."""

BAM_USE_ITEMS = (4, 5, 6)
BAM_RISK_ITEMS = (1, 2, 3, 8, 11, 15)
BAM_PROTECTIVE_ITEMS = (9, 10, 12, 13, 14, 16)
BAM_USE_CONCERN = 1
"""BAM Use is a concern at >= 1."""
BAM_RISK_CONCERN = 12
"""BAM Risk is a concern at >= 12."""
BAM_PROTECTIVE_CONCERN = 12
"""BAM Protective is a concern at <= 12."""

_PHQ9_BANDS = ((4, "minimal"), (9, "mild"), (14, "moderate"), (19, "moderately severe"))
_GAD7_BANDS = ((4, "minimal"), (9, "mild"), (14, "moderate"))


class ScoringError(ValueError):
    """The answers cannot be scored (an item out of range, missing, or of the wrong kind)."""


def _items(
    answers: Phq9 | Gad7 | Bam | Sequence[int], instrument: str, count: int, top: int
) -> list[int]:
    raw = answers.items if isinstance(answers, Phq9 | Gad7 | Bam) else answers
    if isinstance(raw, str | bytes) or not isinstance(raw, Sequence):
        raise ScoringError(f"{instrument} answers must be a list of {count} numbers")
    items = list(raw)
    for position, value in enumerate(items, start=1):
        if value is None:
            raise ScoringError(f"{instrument} item {position} is missing")
        if isinstance(value, bool) or not isinstance(value, int):
            raise ScoringError(f"{instrument} item {position} must be a whole number 0-{top}")
        if not 0 <= value <= top:
            raise ScoringError(
                f"{instrument} item {position} is out of range; items are scored 0-{top}"
            )
    if len(items) != count:
        missing = "missing" if len(items) < count else "too many"
        raise ScoringError(
            f"{instrument} needs exactly {count} items, got {len(items)} ({missing} answers)"
        )
    return items


def _band(total: int, top: int, bands: tuple[tuple[int, str], ...], last: str, name: str) -> str:
    if isinstance(total, bool) or not isinstance(total, int) or not 0 <= total <= top:
        raise ScoringError(f"a {name} total must be a whole number 0-{top}")
    for upper, band in bands:
        if total <= upper:
            return band
    return last


def phq9_total(answers: Phq9 | Sequence[int]) -> int:
    """Sum of the nine items, 0-27."""
    return sum(_items(answers, "PHQ-9", 9, 3))


def phq9_band(total: int) -> str:
    """minimal 0-4, mild 5-9, moderate 10-14, moderately severe 15-19, severe 20-27."""
    return _band(total, 27, _PHQ9_BANDS, "severe", "PHQ-9")


def phq9_item9(answers: Phq9 | Sequence[int]) -> int:
    """Item 9, thoughts of self-harm (0-3)."""
    return _items(answers, "PHQ-9", 9, 3)[8]


def phq9_item9_flag(answers: Phq9 | Sequence[int]) -> bool:
    """Item 9 above 0 is a safety flag whatever the total."""
    return phq9_item9(answers) > 0


def phq9_meaningful_change(previous: int, latest: int) -> bool:
    """True when two PHQ-9 totals differ by 5 or more points, in either direction."""
    phq9_band(previous)
    phq9_band(latest)
    return abs(latest - previous) >= PHQ9_MEANINGFUL_CHANGE


def gad7_total(answers: Gad7 | Sequence[int]) -> int:
    """Sum of the seven items, 0-21."""
    return sum(_items(answers, "GAD-7", 7, 3))


def gad7_band(total: int) -> str:
    """minimal 0-4, mild 5-9, moderate 10-14, severe 15-21."""
    return _band(total, 21, _GAD7_BANDS, "severe", "GAD-7")


@dataclass(frozen=True, slots=True)
class BamSubscales:
    """The three BAM subscales (the BAM has no total) and their concern flags."""

    use: int
    risk: int
    protective: int

    @property
    def use_concern(self) -> bool:
        return self.use >= BAM_USE_CONCERN

    @property
    def risk_concern(self) -> bool:
        return self.risk >= BAM_RISK_CONCERN

    @property
    def protective_concern(self) -> bool:
        return self.protective <= BAM_PROTECTIVE_CONCERN

    def as_dict(self) -> dict[str, int | bool]:
        return {
            "use": self.use,
            "risk": self.risk,
            "protective": self.protective,
            "use_concern": self.use_concern,
            "risk_concern": self.risk_concern,
            "protective_concern": self.protective_concern,
        }


def bam_subscales(answers: Bam | Sequence[int]) -> BamSubscales:
    """Use = items 4+5+6; Risk = 1+2+3+8+11+15; Protective = 9+10+12+13+14+16 (1-based)."""
    items = _items(answers, "BAM", 17, 4)

    def total(numbers: tuple[int, ...]) -> int:
        return sum(items[n - 1] for n in numbers)

    return BamSubscales(
        use=total(BAM_USE_ITEMS), risk=total(BAM_RISK_ITEMS), protective=total(BAM_PROTECTIVE_ITEMS)
    )


def craving_mean(ratings: Iterable[int]) -> Fraction | None:
    """Exact mean of craving ratings (0-10); None when there is no rating (unknown)."""
    values = list(ratings)
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
            raise ScoringError("a craving rating must be a whole number 0-10")
    if not values:
        return None
    return Fraction(sum(values), len(values))
