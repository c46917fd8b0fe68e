"""A small, realistic patient for the services tests (fictional)."""

from __future__ import annotations

import runpy
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from tplan.domain import (
    Attendance,
    Goal,
    LevelChange,
    LevelCode,
    Objective,
    ObjectiveStatus,
    Patient,
    Phq9,
    Problem,
    ProgressNote,
    SessionType,
    StatusChange,
)

TODAY = date(2026, 3, 12)
ADMITTED = date(2026, 1, 5)
SECRET = "Zanzibar-7Q confided about the warehouse"


def note(
    day: date,
    *,
    attended: bool = True,
    craving: int | None = 3,
    signed: bool = True,
    phq9: list[int] | None = None,
) -> ProgressNote:
    written = datetime.combine(day, time(16), tzinfo=UTC)
    return ProgressNote(
        date_of_service=day,
        written_at=written,
        session_type=SessionType.GROUP,
        attendance=Attendance.ATTENDED if attended else Attendance.MISSED,
        sections={"data": SECRET, "assessment": "engaged", "plan": "continue"},
        craving=craving if attended else None,
        measures=[Phq9(items=phq9)] if phq9 else [],
        author="J. Park",
        signed_at=written if signed else None,
        signed_by="J. Park" if signed else "",
    )


def patient(name: str = "Avery Quill") -> Patient:
    """At 2.1 (4 d/wk, 12 h) since admission; one problem, goal and objective; signed notes."""
    objective = Objective(
        text="Name five triggers and a coping step for each",
        history=[StatusChange[ObjectiveStatus](on=ADMITTED, status=ObjectiveStatus.IN_PROGRESS)],
    )
    goal = Goal(text="Stay sober through the program", objectives=[objective])
    days = [TODAY - timedelta(days=n) for n in (20, 13, 9, 6, 2)]
    notes = [note(d, craving=c) for d, c in zip(days, (5, 4, 3, 3, 2), strict=True)]
    notes[-1] = note(days[-1], craving=2, phq9=[1, 1, 1, 1, 1, 1, 0, 0, 0])
    notes.append(note(TODAY - timedelta(days=4), attended=False))
    return Patient(
        display_name=name,
        birth_date=date(1990, 4, 2),
        admission_date=ADMITTED,
        counselor="J. Park",
        level_history=[
            LevelChange(start=ADMITTED, level=LevelCode.L2_1, days_per_week=4, hours_per_week=12)
        ],
        problems=[Problem(title="Drinking to manage work stress", goals=[goal])],
        notes=notes,
    )


DEMO_GENERATOR = Path(__file__).resolve().parents[2] / "sample_data" / "generate_demo.py"


def regenerate_demo(out: Path) -> None:
    """Run ``python sample_data/generate_demo.py OUT`` in this process: the script's own
    ``main``, without the ~0.6 s of CPU a fresh interpreter spends importing the domain."""
    generator = runpy.run_path(str(DEMO_GENERATOR))
    assert generator["main"]([str(out)]) == 0
