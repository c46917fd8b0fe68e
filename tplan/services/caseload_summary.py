"""A caseload row as the store keeps it between sessions: plain JSON, read back without the domain.

The services write one summary per patient with each save (``caseload.summary_of``); the
caseload paints its first rows from them before pydantic, the domain models and the engine
are loaded. This module reads them back and imports nothing but the standard library, so
the first paint costs no more than reading the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

SUMMARY_FORMAT = 1
"""Bumped whenever the keys change: a summary of another format reads as no summary."""


def safety_decision_text(decided_at: datetime | None, today: date) -> str:
    """ "decided 10:42, review pending" while a decided safety review waits for the plan review
    that clears it ("decided 11 Mar, …" from another day; "" when nothing was decided). The one
    wording of that fact for the caseload, the patient header, Today and the CLI."""
    if decided_at is None:
        return ""
    local = decided_at.astimezone()
    when = f"{local:%H:%M}" if local.date() == today else f"{local.day} {local:%b}"
    return f"decided {when}, review pending"


@dataclass(frozen=True, slots=True)
class SummaryAlert:
    alert: str
    message: str
    safety: bool


@dataclass(frozen=True, slots=True)
class RowSummary:
    """The caseload figures of one patient as of ``as_of`` (``CaseloadRow`` without objects)."""

    as_of: date
    patient_id: str
    display_name: str
    initials: str
    counselor: str
    active: bool
    level: str | None
    level_label: str
    days_per_week: int | None
    hours_per_week: float | None
    days_in_program: int
    days_at_level: int | None
    last_note: date | None
    last_draft: date | None
    attendance30: tuple[int, int] | None
    """(attended, counted) as counted, unreduced."""
    craving: int | None
    phq9: int | None
    review_due: date | None
    alerts: tuple[SummaryAlert, ...]
    safety: bool
    safety_decided_at: datetime | None
    kind: str | None
    """The suggestion kind's value (``step_up`` ...), None once discharged."""
    headline: str
    explanation: str
    """Why this badge, in one sentence (the line under the caseload)."""


def _day(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)


def attendance_counts(value: Any) -> tuple[int, int] | None:
    """``"16/18"`` -> (16, 18); None when unknown."""
    if not isinstance(value, str) or "/" not in value:
        return None
    attended, counted = value.split("/", 1)
    return int(attended), int(counted)


def read_summary(data: Mapping[str, Any] | None) -> RowSummary | None:
    """The stored summary, or None when there is none or it is of another format or shape
    (the caseload then shows the patient as loading until the engine has computed the row)."""
    if not data or data.get("format") != SUMMARY_FORMAT:
        return None
    try:
        decided = data["safety_decided_at"]
        return RowSummary(
            as_of=date.fromisoformat(data["as_of"]),
            patient_id=str(data["patient_id"]),
            display_name=str(data["display_name"]),
            initials=str(data["initials"]),
            counselor=str(data["counselor"]),
            active=bool(data["active"]),
            level=data["level"],
            level_label=str(data["level_label"]),
            days_per_week=data["days_per_week"],
            hours_per_week=data["hours_per_week"],
            days_in_program=int(data["days_in_program"]),
            days_at_level=data["days_at_level"],
            last_note=_day(data["last_note"]),
            last_draft=_day(data["last_draft"]),
            attendance30=attendance_counts(data["attendance30"]),
            craving=data["craving"],
            phq9=data["phq9"],
            review_due=_day(data["review_due"]),
            alerts=tuple(
                SummaryAlert(str(a["alert"]), str(a["message"]), bool(a["safety"]))
                for a in data["alerts"]
            ),
            safety=bool(data["safety"]),
            safety_decided_at=None if decided is None else datetime.fromisoformat(decided),
            kind=data["kind"],
            headline=str(data["headline"]),
            explanation=str(data["explanation"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def attendance_percent(attended: int, counted: int) -> int | None:
    """The floor of the percentage (CLINICAL.md 5), the same wherever it is shown; None when
    no session counted."""
    return attended * 100 // counted if counted else None


def attendance_text(counts: tuple[int, int] | None) -> str:
    """``"88%"``, or ``"—"`` when unknown."""
    percent = None if counts is None else attendance_percent(*counts)
    return "—" if percent is None else f"{percent}%"
