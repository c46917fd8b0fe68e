"""Words for codes: how enum values and levels of care read in a document."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum

from tplan.clinical.levels import level_name
from tplan.domain import LevelChange


def level_label(change: LevelChange) -> str:
    """E.g. "ASAM 2.1 Intensive outpatient (IOP)"."""
    return f"ASAM {change.level.value} {level_name(change.level, change.edition)}"


def schedule_label(change: LevelChange) -> str:
    """E.g. "3 days, 9 hours a week"."""
    days = "day" if change.days_per_week == 1 else "days"
    return f"{change.days_per_week} {days}, {number(change.hours_per_week)} hours a week"


def label(value: object) -> str:
    """An enum value as words: ``not_started`` -> "not started"."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        value = value.value
    return str(value).replace("_", " ")


def number(value: float) -> str:
    """3.0 -> "3", 1.5 -> "1.5"."""
    return f"{value:g}"


def when(value: datetime | date | None) -> str:
    """A date as ISO; a time as UTC minutes ("2026-03-12 14:05 UTC")."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.strftime("%Y-%m-%d %H:%M")
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()
