"""Caseload rows: the engine's figures per patient as of a date."""

from __future__ import annotations

import json
from datetime import timedelta
from fractions import Fraction

from services_factories import TODAY, note, patient

from tplan.domain import Discharge, DischargeReason, LevelCode, SuggestionKind
from tplan.services import Workspace
from tplan.services.caseload import caseload_json, caseload_table
from tplan.services.caseload_summary import attendance_percent, attendance_text


def test_row_figures(workspace: Workspace) -> None:
    stored = workspace.admit(patient("Avery Quill"))
    (row,) = workspace.caseload()
    assert row.as_of == TODAY
    assert (row.patient_id, row.display_name, row.initials) == (stored.id, "Avery Quill", "A.Q.")
    assert (row.level, row.days_per_week, row.hours_per_week) == (LevelCode.L2_1, 4, 12)
    assert row.days_in_program == (TODAY - stored.admission_date).days
    assert row.days_at_level == row.days_in_program
    assert row.last_note == TODAY - timedelta(days=2)
    assert row.attendance30 == Fraction(5, 6)
    assert row.craving == 2
    assert row.phq9 == 6
    assert row.review_due == stored.admission_date + timedelta(days=30)
    assert row.review_overdue
    assert "review_overdue" in [alert.alert for alert in row.alerts]
    assert row.kind is SuggestionKind.CONTINUE and row.headline.startswith("Continue")
    assert not row.safety
    assert row.patient is stored and row.suggestion is not None


def test_safety_flag_from_phq9_item_nine(workspace: Workspace) -> None:
    worried = patient("Bo Marchetti")
    worried.notes = [*worried.notes, note(TODAY, phq9=[2, 2, 2, 2, 2, 2, 2, 2, 1])]
    workspace.admit(worried)
    row = workspace.caseload_row(worried.id)
    assert row.safety and row.kind is SuggestionKind.SAFETY_REVIEW
    assert row.phq9 == 17


def test_as_of_date_only_counts_earlier_records(workspace: Workspace) -> None:
    stored = workspace.admit(patient())
    earlier = TODAY - timedelta(days=10)
    (row,) = workspace.caseload(earlier)
    assert row.as_of == earlier
    assert row.last_note == TODAY - timedelta(days=13)
    assert row.phq9 is None
    assert row.days_in_program == (earlier - stored.admission_date).days


def test_discharged_rows_only_when_asked(workspace: Workspace) -> None:
    active = workspace.admit(patient("Avery Quill"))
    gone = workspace.admit(patient("Cass Ferrow"))
    workspace.discharge(
        gone.id, Discharge(on=TODAY, reason=DischargeReason.COMPLETED, aftercare="SMART")
    )
    assert [r.patient_id for r in workspace.caseload()] == [active.id]
    assert workspace.discharged_count() == 1
    assert workspace.discharged_names() == {gone.id: "Cass Ferrow"}
    assert [r.patient_id for r in workspace.discharged_caseload()] == [gone.id]
    rows = workspace.caseload(include_discharged=True)
    closed = rows[1]
    assert (closed.patient_id, closed.active, closed.suggestion, closed.kind) == (
        gone.id, False, None, None
    )


def test_plain_renderings(workspace: Workspace) -> None:
    workspace.admit(patient("Avery Quill"))
    rows = workspace.caseload()
    data = json.loads(caseload_json(rows))
    assert data[0]["attendance30"] == "5/6"
    assert data[0]["attendance30_percent"] == 83
    assert data[0]["suggestion"] == "continue"
    table = caseload_table(rows).splitlines()
    assert table[0].split()[:2] == ["Patient", "Level"]
    assert "Avery Quill" in table[1] and "83%" in table[1] and "2.1 4d/12h" in table[1]
    assert table[1].startswith("!")


def test_attendance_shows_the_floor_of_its_percentage_wherever_it_is_shown() -> None:
    assert attendance_percent(26, 29) == 89  # 89.65...: the floor, not rounded up
    assert attendance_percent(0, 0) is None
    assert attendance_text((26, 29)) == "89%"
    assert attendance_text(None) == "—"
