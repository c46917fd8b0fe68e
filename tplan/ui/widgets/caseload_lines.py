"""Turn a patient and the engine's suggestion into one caseload line (display cells + sort keys).

The numbers come from the suggestion's ``signals`` (what the engine computed as of the date),
so the caseload and the decision panel never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from tplan.clinical.levels import level_label
from tplan.clinical.records import craving_by_date, signed_notes
from tplan.domain import Patient, Suggestion, SuggestionKind
from tplan.ui.widgets.caseload_model import (
    BADGES,
    KIND_ORDER,
    CaseloadLine,
    Cell,
    relative_days,
    review_cell,
)


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def explanation(suggestion: Suggestion | None) -> str:
    """The line under the table: why this badge, in one sentence."""
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


def line_for_patient(patient: Patient, suggestion: Suggestion | None, today: date) -> CaseloadLine:
    """One caseload line; ``suggestion`` is None for a discharged patient."""
    signals: dict[str, Any] = suggestion.signals if suggestion is not None else {}
    active = patient.active and suggestion is not None and patient.discharge is None
    level = patient.level_on(today) or patient.current_level
    level_text = f"{level.level.value} {level.days_per_week}d/{level.hours_per_week:g}h"
    days_at_level = signals.get("days_at_level")
    days_in_program = (today - patient.admission_date).days
    alerts = list(suggestion.alerts) if suggestion is not None else []
    safety = any(a.safety for a in alerts) or (
        suggestion is not None and suggestion.kind is SuggestionKind.SAFETY_REVIEW
    )
    flag = "!!" if safety else ("!" if alerts else "")
    due = _day(signals.get("review_due")) if active else None
    attendance = signals.get("attendance_sustained_percent")
    ratings = sorted(craving_by_date(signed_notes(patient, today)).items())
    craving = ratings[-1][1] if ratings else None
    phq9 = (signals.get("phq9_latest") or {}).get("total")
    last_note = max((n.date_of_service for n in patient.notes), default=None)
    kind = suggestion.kind if active and suggestion is not None else None
    badge = Cell(BADGES[kind], kind.value) if kind else Cell("discharged", "discharged")
    alert_text = "; ".join(("!! " if a.safety else "") + a.message for a in alerts)
    cells = {
        "flag": Cell(flag, "safety" if safety else "alert"),
        "level": Cell(level_text),
        "days": Cell(f"{days_at_level if days_at_level is not None else '—'}/{days_in_program}"),
        "attendance": Cell(f"{attendance}%" if attendance is not None else "—"),
        "craving": Cell(str(craving) if craving is not None else "—"),
        "phq9": Cell(str(phq9) if phq9 is not None else "—", "alert" if (phq9 or 0) >= 15 else ""),
        "review": review_cell(due, today),
        "suggestion": badge,
        "last_note": Cell(relative_days(last_note, today) if last_note else "none"),
        "counselor": Cell(patient.counselor),
        "alerts": Cell(alert_text or "—", "muted" if not alerts else ""),
    }
    sort_keys: dict[str, Any] = {
        "name": patient.display_name.lower(),
        "level": (level.level.value, level.hours_per_week),
        "days": days_at_level,
        "attendance": attendance,
        "craving": craving,
        "phq9": phq9,
        "review": due,
        "suggestion": KIND_ORDER[kind] if kind is not None else len(KIND_ORDER),
        "last_note": last_note,
        "counselor": patient.counselor.lower(),
        "alerts": (2 if safety else 0) * 100 + len(alerts),
    }
    search = " ".join(
        (level_text, level_label(level.level, level.edition), badge.text, patient.counselor)
    ).lower()
    return CaseloadLine(
        patient_id=patient.id,
        name=patient.display_name,
        initials=patient.initials,
        cells=cells,
        sort_keys=sort_keys,
        kind=kind,
        counselor=patient.counselor,
        active=active,
        overdue=due is not None and due < today,
        alert_count=len(alerts),
        safety=safety,
        explanation=explanation(suggestion if active else None),
        search=search,
    )


def lines_from_rows(rows: Iterable[Any], today: date) -> list[CaseloadLine]:
    """Caseload rows from the workspace (each with its patient and suggestion) as lines."""
    return [line_for_patient(row.patient, row.suggestion, today) for row in rows]
