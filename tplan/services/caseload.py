"""The caseload: one row of figures per patient, computed by the clinical engine as of a date."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from tplan.clinical import Policy, SessionBook, suggest
from tplan.clinical.levels import level_label
from tplan.clinical.records import craving_by_date, signed_notes
from tplan.domain import Alert, LevelCode, Patient, Suggestion, SuggestionKind
from tplan.services.caseload_summary import (
    SUMMARY_FORMAT,
    attendance_counts,
    attendance_percent,
    attendance_text,
    safety_decision_text,
)


@dataclass(frozen=True, slots=True)
class CaseloadRow:
    """What the caseload shows for one patient; ``suggestion`` is None once discharged."""

    as_of: date
    patient_id: str
    display_name: str
    initials: str
    counselor: str
    active: bool
    level: LevelCode | None
    days_per_week: int | None
    hours_per_week: float | None
    days_in_program: int
    days_at_level: int | None
    last_note: date | None
    """The latest signed note's date of service (a draft is not a note yet)."""
    last_draft: date | None
    """The latest unsigned draft's date of service, if any."""
    attendance30: Fraction | None
    """Attended / (attended + missed) over the sustained window; None with no sessions."""
    attendance30_counts: tuple[int, int] | None
    """(attended, counted) as counted, unreduced: 16 of 18 stays "16/18"."""
    craving: int | None
    """The latest craving rating on a signed note."""
    phq9: int | None
    review_due: date | None
    alerts: tuple[Alert, ...]
    safety: bool
    safety_decided_at: datetime | None
    """When a safety review was decided while the flag waits for a plan review to clear it."""
    kind: SuggestionKind | None
    headline: str
    patient: Patient
    suggestion: Suggestion | None

    @property
    def review_overdue(self) -> bool:
        return self.review_due is not None and self.review_due < self.as_of


def caseload_row(
    patient: Patient, as_of: date, policy: Policy, book: SessionBook | None = None
) -> CaseloadRow:
    """One patient's row; ``book`` (the clinic's sessions) makes attendance session-based."""
    level = patient.level_on(as_of)
    suggestion = suggest(patient, as_of, policy, book) if patient.active else None
    signals: dict[str, Any] = suggestion.signals if suggestion is not None else {}
    ratings = craving_by_date(signed_notes(patient, as_of))
    alerts = tuple(suggestion.alerts) if suggestion is not None else ()
    kind = suggestion.kind if suggestion is not None else None
    review = signals.get("review_due")
    dated = [note for note in patient.notes if note.date_of_service <= as_of]
    attendance = attendance_counts(signals.get("attendance_sustained"))
    safety = is_safety_flag(suggestion)
    return CaseloadRow(
        as_of=as_of,
        patient_id=patient.id,
        display_name=patient.display_name,
        initials=patient.initials,
        counselor=patient.counselor,
        active=patient.active,
        level=level.level if level else None,
        days_per_week=level.days_per_week if level else None,
        hours_per_week=level.hours_per_week if level else None,
        days_in_program=(as_of - patient.admission_date).days,
        days_at_level=signals.get("days_at_level"),
        last_note=max((n.date_of_service for n in dated if n.signed), default=None),
        last_draft=max((n.date_of_service for n in dated if not n.signed), default=None),
        attendance30=Fraction(*attendance) if attendance else None,
        attendance30_counts=attendance,
        craving=ratings[max(ratings)] if ratings else None,
        phq9=(signals.get("phq9_latest") or {}).get("total"),
        review_due=date.fromisoformat(review) if isinstance(review, str) else None,
        alerts=alerts,
        safety=safety,
        safety_decided_at=safety_decided_at(patient, safety, as_of),
        kind=kind,
        headline=suggestion.headline if suggestion is not None else "discharged",
        patient=patient,
        suggestion=suggestion,
    )


def is_safety_flag(suggestion: Suggestion | None) -> bool:
    """The `!!` flag: a safety review suggested, or a safety alert beside any suggestion."""
    if suggestion is None:
        return False
    return suggestion.kind is SuggestionKind.SAFETY_REVIEW or any(
        alert.safety for alert in suggestion.alerts
    )


def safety_decided_at(patient: Patient, flagged: bool, as_of: date) -> datetime | None:
    """When the safety review behind a `!!` flag (``flagged``) was decided, while the flag
    waits for the plan review that clears it (None with no flag or no decision): what every
    place that shows the flag (caseload, patient header, Today, the CLI) shows beside it."""
    if not flagged:
        return None
    pending = patient.pending_safety_decision(as_of)
    return None if pending is None else pending.decided_at


# --- plain renderings for the command line ----------------------------------------------------


def explanation(suggestion: Suggestion | None) -> str:
    """The line under the caseload: why this badge, in one sentence."""
    if suggestion is None:
        return "episode closed"
    safety = [alert for alert in suggestion.alerts if alert.safety]
    if suggestion.kind is SuggestionKind.SAFETY_REVIEW:
        hit = next((h for h in suggestion.fired if h.kind is SuggestionKind.SAFETY_REVIEW), None)
        reason = hit.message if hit else suggestion.headline
        return f"{reason} → same-day safety review"
    if safety:
        return f"{safety[0].message} · {suggestion.headline}"
    if suggestion.kind is SuggestionKind.CONTINUE:
        unmet = suggestion.unmet_step_down
        if unmet:
            shown = "; ".join(c.message for c in unmet[:2])
            more = f" (+{len(unmet) - 2} more)" if len(unmet) > 2 else ""
            return f"{suggestion.headline} — {shown}{more}"
        return suggestion.headline
    hit = next((h for h in suggestion.fired if h.kind is suggestion.kind), None)
    return f"{suggestion.headline} — {hit.message}" if hit else suggestion.headline


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def summary_of(row: CaseloadRow) -> dict[str, Any]:
    """The row as the store keeps it (JSON values only; read back by
    ``caseload_summary.read_summary`` without the domain): everything the caseload line shows."""
    counts = row.attendance30_counts
    return {
        "format": SUMMARY_FORMAT,
        "as_of": row.as_of.isoformat(),
        "patient_id": row.patient_id,
        "display_name": row.display_name,
        "initials": row.initials,
        "counselor": row.counselor,
        "active": row.active,
        "level": row.level.value if row.level else None,
        "level_label": level_label(row.level) if row.level else "",
        "days_per_week": row.days_per_week,
        "hours_per_week": row.hours_per_week,
        "days_in_program": row.days_in_program,
        "days_at_level": row.days_at_level,
        "last_note": _iso(row.last_note),
        "last_draft": _iso(row.last_draft),
        "attendance30": None if counts is None else f"{counts[0]}/{counts[1]}",
        "craving": row.craving,
        "phq9": row.phq9,
        "review_due": _iso(row.review_due),
        "alerts": [
            {"alert": a.alert, "message": a.message, "safety": a.safety} for a in row.alerts
        ],
        "safety": row.safety,
        "safety_decided_at": _iso(row.safety_decided_at),
        "kind": row.kind.value if row.kind else None,
        "headline": row.headline,
        "explanation": explanation(row.suggestion),
    }


_JSON_KEYS = (
    "patient_id", "display_name", "counselor", "active", "level", "days_per_week",
    "hours_per_week", "days_in_program", "days_at_level", "last_note", "last_draft",
    "attendance30",
)


def row_json(row: CaseloadRow) -> dict[str, Any]:
    """A row as JSON-safe values with stable keys (the attendance as ``"a/b"`` and a percent)."""
    summary = summary_of(row)
    attendance = row.attendance30_counts
    return {
        **{key: summary[key] for key in _JSON_KEYS},
        "attendance30_percent": None if attendance is None else attendance_percent(*attendance),
        "craving": row.craving,
        "phq9": row.phq9,
        "review_due": summary["review_due"],
        "alerts": [alert.alert for alert in row.alerts],
        "safety": row.safety,
        "safety_decided_at": summary["safety_decided_at"],
        "safety_decision": safety_decision_text(row.safety_decided_at, row.as_of) or None,
        "suggestion": summary["kind"],
        "headline": row.headline,
    }


def caseload_json(rows: Iterable[CaseloadRow]) -> str:
    return json.dumps([row_json(row) for row in rows], indent=2, ensure_ascii=False)


_COLUMNS = ("", "Patient", "Level", "Day", "Att30", "Crav", "PHQ9", "Review", "Suggest")


def _cells(row: CaseloadRow) -> tuple[str, ...]:
    flag = "!!" if row.safety else ("!" if row.alerts else "")
    level = (
        f"{row.level.value} {row.days_per_week}d/{row.hours_per_week:g}h" if row.level else "—"
    )
    attendance = attendance_text(row.attendance30_counts)
    return (
        flag,
        row.display_name,
        level,
        str(row.days_in_program),
        attendance,
        "—" if row.craving is None else str(row.craving),
        "—" if row.phq9 is None else str(row.phq9),
        row.review_due.isoformat() if row.review_due else "—",
        _suggest_cell(row),
    )


def _suggest_cell(row: CaseloadRow) -> str:
    """The suggestion, with a decided safety review's "decided 10:42, review pending"."""
    if row.kind is None:
        return "discharged"
    kind = row.kind.value.replace("_", " ")
    decided = safety_decision_text(row.safety_decided_at, row.as_of)
    return f"{kind}: {decided}" if decided else kind


def caseload_table(rows: Iterable[CaseloadRow]) -> str:
    """The caseload as an aligned plain-text table (symbols, not colours, carry the flags)."""
    lines = [_COLUMNS, *(_cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(_COLUMNS))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )
