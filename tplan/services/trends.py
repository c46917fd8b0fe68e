"""What the Trends tab and the plan's summary line show, read the way the rules read it.

Attendance is counted once, by ``tplan.clinical.signals`` (sessions when scheduled, else signed
notes); craving and instruments come from signed notes only, as for the engine.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TypeVar

from tplan.clinical.expected import SessionBook
from tplan.clinical.levels import level_label, level_name
from tplan.clinical.records import craving_by_date, measures, signed_notes
from tplan.clinical.signals import Rate, attendance_rate
from tplan.domain import Patient

M = TypeVar("M")

__all__ = [
    "Rate",
    "attendance_weeks",
    "craving_series",
    "craving_weeks",
    "level_label",
    "level_name",
    "measure_series",
]


def attendance_weeks(
    patient: Patient, today: date, weeks: int, book: SessionBook | None = None
) -> list[tuple[date, Rate]]:
    """(week start, attendance) for each of the last ``weeks`` 7-day windows, oldest first."""
    out: list[tuple[date, Rate]] = []
    for week in range(weeks - 1, -1, -1):
        end = today - timedelta(days=7 * week)
        out.append((end - timedelta(days=6), attendance_rate(patient, end, 7, book)))
    return out


def craving_series(patient: Patient, today: date) -> list[tuple[date, int]]:
    """One craving rating per date (signed notes up to today), oldest first."""
    return sorted(craving_by_date(signed_notes(patient, today)).items())


def craving_weeks(patient: Patient, today: date, weeks: int) -> list[int | None]:
    """The mean craving of each of the last ``weeks`` weeks (None for a week without ratings)."""
    ratings = craving_series(patient, today)
    out: list[int | None] = []
    for week in range(weeks - 1, -1, -1):
        end = today - timedelta(days=7 * week)
        start = end - timedelta(days=6)
        found = [value for day, value in ratings if start <= day <= end]
        out.append(round(sum(found) / len(found)) if found else None)
    return out


def measure_series(patient: Patient, today: date, kind: type[M]) -> list[tuple[date, M]]:
    """Instruments of one kind on signed notes up to today, oldest first."""
    return [(dated.on, dated.measure) for dated in measures(patient, today, kind)]
