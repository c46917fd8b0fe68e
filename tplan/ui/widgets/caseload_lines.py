"""Turn caseload summaries into lines to show: display cells, sort keys, flags.

A line is built from a ``RowSummary`` (``tplan.services.caseload_summary``): the one the store
kept with the patient's last save, painted before the domain is loaded, and then the one the
engine computes now. No domain import here: both paths run before pydantic is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from tplan.services.caseload_summary import RowSummary, read_summary, safety_decision_text
from tplan.ui.widgets.caseload_model import (
    BADGES,
    KIND_ORDER,
    CaseloadLine,
    Cell,
    relative_days,
    review_cell,
)

if TYPE_CHECKING:
    from tplan.services.caseload import CaseloadRow

LOADING = "loading…"


def last_note_cell(summary: RowSummary, today: date) -> Cell:
    """The last signed note; a newer draft shows as a draft ("✎ 1 d ago")."""
    draft = summary.last_draft
    if draft is not None and (summary.last_note is None or draft > summary.last_note):
        return Cell(f"✎ {relative_days(draft, today)}", "muted")
    return Cell(relative_days(summary.last_note, today) if summary.last_note else "none")


def _later(days: int | None, gap: timedelta) -> int | None:
    return None if days is None else days + gap.days


def line_from_summary(summary: RowSummary, today: date) -> CaseloadLine:
    """One caseload line; counts of days move on from the summary's date to ``today``."""
    gap = today - summary.as_of
    alerts = summary.alerts
    active = summary.active and summary.kind is not None
    level_text = (
        f"{summary.level} {summary.days_per_week}d/{summary.hours_per_week:g}h"
        if summary.level
        else "—"
    )
    counts = summary.attendance30
    attendance30 = Fraction(*counts) if counts else None
    attendance = None if attendance30 is None else int(attendance30 * 100)
    due = summary.review_due if active else None
    kind = summary.kind if active else None
    badge = Cell(BADGES[kind], kind) if kind else Cell("discharged", "discharged")
    decided = safety_decision_text(summary.safety_decided_at, summary.as_of) if active else ""
    if decided:
        badge = Cell("!! decided", badge.style)
    alert_parts = [("!! " if a.safety else "") + a.message for a in alerts]
    shown = [f"!! safety {decided}", *alert_parts] if decided else alert_parts
    alert_text = "; ".join(shown)
    at_level = _later(summary.days_at_level, gap)
    in_program = summary.days_in_program + gap.days
    craving, phq9 = summary.craving, summary.phq9
    cells = {
        "flag": Cell(
            "!!" if summary.safety else ("!" if alerts else ""),
            "safety" if summary.safety else "alert",
        ),
        "level": Cell(level_text),
        "days": Cell(f"{'—' if at_level is None else at_level}/{in_program}"),
        "attendance": Cell(f"{attendance}%" if attendance is not None else "—"),
        "craving": Cell(str(craving) if craving is not None else "—"),
        "phq9": Cell(str(phq9) if phq9 is not None else "—", "alert" if (phq9 or 0) >= 15 else ""),
        "review": review_cell(due, today),
        "suggestion": badge,
        "last_note": last_note_cell(summary, today),
        "counselor": Cell(summary.counselor),
        "alerts": Cell(alert_text or "—", "" if alerts else "muted"),
    }
    sort_keys: dict[str, Any] = {
        "name": summary.display_name.lower(),
        "level": (summary.level, summary.hours_per_week) if summary.level else None,
        "days": at_level,
        "attendance": attendance30,
        "craving": craving,
        "phq9": phq9,
        "review": due,
        "suggestion": KIND_ORDER[kind] if kind is not None else len(KIND_ORDER),
        "last_note": summary.last_note,
        "counselor": summary.counselor.lower(),
        "alerts": (100 if summary.safety else 0) + len(alerts),
    }
    search = " ".join((level_text, summary.level_label, badge.text, summary.counselor)).lower()
    return CaseloadLine(
        patient_id=summary.patient_id,
        name=summary.display_name,
        initials=summary.initials,
        cells=cells,
        sort_keys=sort_keys,
        kind=kind,
        counselor=summary.counselor,
        active=active,
        overdue=due is not None and due < today,
        alert_count=len(alerts),
        safety=summary.safety,
        explanation=(f"Safety review {decided} · " if decided else "")
        + (summary.explanation if active else "episode closed"),
        search=search,
    )


def loading_line(patient_id: str, name: str) -> CaseloadLine:
    """An active patient whose figures are not computed yet: the name, and "loading…" (the
    initials too, "…", for the moment it shows: privacy mode never shows the name)."""
    muted = Cell("…", "muted")
    return CaseloadLine(
        patient_id=patient_id,
        name=name,
        initials="…",
        cells={"name": Cell(name), "suggestion": Cell(LOADING, "muted"), "level": muted},
        sort_keys={"name": name.lower()},
        kind=None,
        counselor="",
        explanation="figures are being computed…",
        search=LOADING,
    )


def line_from_row(row: CaseloadRow) -> CaseloadLine:
    """One line from the engine's row (through its summary, so both paths show the same)."""
    from tplan.services.caseload import summary_of

    summary = read_summary(summary_of(row))
    if summary is None:  # summary_of writes the very format read_summary reads
        raise RuntimeError("a caseload summary does not read back")
    return line_from_summary(summary, row.as_of)


def lines_from_rows(rows: Iterable[CaseloadRow]) -> list[CaseloadLine]:
    return [line_from_row(row) for row in rows]
