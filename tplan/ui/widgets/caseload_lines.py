"""Turn the workspace's caseload rows into lines to show: display cells, sort keys, flags."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from tplan.domain import Suggestion, SuggestionKind
from tplan.services.caseload import CaseloadRow
from tplan.services.trends import level_label
from tplan.ui.widgets.caseload_model import (
    BADGES,
    KIND_ORDER,
    CaseloadLine,
    Cell,
    relative_days,
    review_cell,
)


def last_note_cell(row: CaseloadRow, today: date) -> Cell:
    """The last signed note; a newer draft shows as a draft ("✎ 1 d ago")."""
    draft = row.last_draft
    if draft is not None and (row.last_note is None or draft > row.last_note):
        return Cell(f"✎ {relative_days(draft, today)}", "muted")
    return Cell(relative_days(row.last_note, today) if row.last_note else "none")


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


def decided_note(row: CaseloadRow) -> str:
    """ "decided 10:42, review pending" while a decided safety review waits for the plan review."""
    decided = row.safety_decided_at
    if decided is None:
        return ""
    local = decided.astimezone()
    when = f"{local:%H:%M}" if local.date() == row.as_of else f"{local.day} {local:%b}"
    return f"decided {when}, review pending"


def line_from_row(row: CaseloadRow) -> CaseloadLine:
    """One caseload line from the workspace's row (figures computed by the engine)."""
    today = row.as_of
    alerts = row.alerts
    active = row.active and row.kind is not None
    level_text = (
        f"{row.level.value} {row.days_per_week}d/{row.hours_per_week:g}h" if row.level else "—"
    )
    attendance = None if row.attendance30 is None else int(row.attendance30 * 100)
    due = row.review_due if active else None
    kind = row.kind if active else None
    badge = Cell(BADGES[kind], kind.value) if kind else Cell("discharged", "discharged")
    decided = decided_note(row) if active else ""
    if decided:
        badge = Cell("!! decided", badge.style)
    alert_parts = [("!! " if a.safety else "") + a.message for a in alerts]
    shown = [f"!! safety review {decided}", *alert_parts] if decided else alert_parts
    alert_text = "; ".join(shown)
    at_level = "—" if row.days_at_level is None else str(row.days_at_level)
    cells = {
        "flag": Cell(
            "!!" if row.safety else ("!" if alerts else ""), "safety" if row.safety else "alert"
        ),
        "level": Cell(level_text),
        "days": Cell(f"{at_level}/{row.days_in_program}"),
        "attendance": Cell(f"{attendance}%" if attendance is not None else "—"),
        "craving": Cell(str(row.craving) if row.craving is not None else "—"),
        "phq9": Cell(
            str(row.phq9) if row.phq9 is not None else "—", "alert" if (row.phq9 or 0) >= 15 else ""
        ),
        "review": review_cell(due, today),
        "suggestion": badge,
        "last_note": last_note_cell(row, today),
        "counselor": Cell(row.counselor),
        "alerts": Cell(alert_text or "—", "" if alerts else "muted"),
    }
    sort_keys: dict[str, Any] = {
        "name": row.display_name.lower(),
        "level": (row.level.value, row.hours_per_week) if row.level else None,
        "days": row.days_at_level,
        "attendance": row.attendance30,
        "craving": row.craving,
        "phq9": row.phq9,
        "review": due,
        "suggestion": KIND_ORDER[kind] if kind is not None else len(KIND_ORDER),
        "last_note": row.last_note,
        "counselor": row.counselor.lower(),
        "alerts": (100 if row.safety else 0) + len(alerts),
    }
    label = level_label(row.level) if row.level else ""
    search = " ".join((level_text, label, badge.text, row.counselor)).lower()
    return CaseloadLine(
        patient_id=row.patient_id,
        name=row.display_name,
        initials=row.initials,
        cells=cells,
        sort_keys=sort_keys,
        kind=kind,
        counselor=row.counselor,
        active=active,
        overdue=due is not None and due < today,
        alert_count=len(alerts),
        safety=row.safety,
        explanation=(
            f"Safety review {decided} · " if decided else ""
        ) + explanation(row.suggestion if active else None),
        search=search,
    )


def lines_from_rows(rows: Iterable[CaseloadRow]) -> list[CaseloadLine]:
    return [line_from_row(row) for row in rows]
