"""`tplan caseload --json` keeps attendance as counted: 16 of 18 stays "16/18", 88% (floor)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from tplan.cli import main
from tplan.domain import (
    Attendance,
    LevelChange,
    LevelCode,
    Patient,
    ProgressNote,
    SessionType,
)
from tplan.services import FixedClock, Workspace
from tplan.store import open_repository

AS_OF = date(2026, 3, 12)


def _note(day: date, attendance: Attendance) -> ProgressNote:
    written = datetime.combine(day, time(16), tzinfo=UTC)
    return ProgressNote(
        date_of_service=day,
        written_at=written,
        session_type=SessionType.GROUP,
        attendance=attendance,
        sections={"data": "group", "assessment": "engaged", "plan": "continue"},
        author="J. Park",
        signed_at=written,
        signed_by="J. Park",
    )


def _patient(attended: int, missed: int) -> Patient:
    days = [AS_OF - timedelta(days=n) for n in range(attended + missed)]
    notes = [
        _note(day, Attendance.ATTENDED if i < attended else Attendance.MISSED)
        for i, day in enumerate(days)
    ]
    admitted = AS_OF - timedelta(days=60)
    return Patient(
        display_name=f"Test {attended}of{attended + missed}",
        birth_date=date(1990, 4, 2),
        admission_date=admitted,
        counselor="J. Park",
        level_history=[
            LevelChange(start=admitted, level=LevelCode.L2_1, days_per_week=4, hours_per_week=12)
        ],
        notes=notes,
    )


def test_caseload_json_keeps_attended_over_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "records" / "c.json"
    workspace = Workspace(open_repository(db, "J. Park"), FixedClock(AS_OF), clinician="J. Park")
    workspace.import_patients([_patient(16, 2), _patient(11, 0)])
    workspace.close()
    monkeypatch.setenv("TPLAN_CLINICIAN", "J. Park")
    monkeypatch.setattr(sys, "argv", ["tplan"])
    assert main(["caseload", "--db", str(db), "--json", "--as-of", AS_OF.isoformat()]) == 0
    rows = {row["display_name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["Test 16of18"]["attendance30"] == "16/18"
    assert rows["Test 16of18"]["attendance30_percent"] == 88
    assert rows["Test 11of11"]["attendance30"] == "11/11"
    assert rows["Test 11of11"]["attendance30_percent"] == 100
    assert main(["caseload", "--db", str(db), "--as-of", AS_OF.isoformat()]) == 0
    table = capsys.readouterr().out
    assert "88%" in table and "100%" in table
