"""Helpers for the stress tests: a small record file of fictional patients, and the CLI run
in-process with its exit code and stderr (fast enough to repeat under hypothesis).

A module of its own name, not conftest.py: ``from conftest import ...`` finds whichever
conftest was loaded last, which is another directory's when several are given to pytest."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tplan.cli import main
from tplan.domain import (
    Attendance,
    LevelChange,
    LevelCode,
    Patient,
    ProgressNote,
    SessionType,
)
from tplan.store import open_repository

TODAY = date(2026, 3, 12)
ADMITTED = date(2026, 1, 5)
SECRET = "Zanzibar-7Q confided about the warehouse"
"""Distinctive record content: it must never appear in an error message."""


def note(n: int, *, text: str = SECRET, note_id: str | None = None) -> ProgressNote:
    written = datetime(2026, 1, 6, 15, tzinfo=UTC) + timedelta(days=n % 60)
    extra = {"id": note_id} if note_id else {}
    return ProgressNote(
        **extra,
        date_of_service=written.date(),
        written_at=written,
        session_type=SessionType.GROUP,
        attendance=Attendance.ATTENDED,
        sections={"data": text, "assessment": "steady", "plan": "continue"},
        craving=2,
        author="J. Park",
    )


def patient(name: str, index: int, notes: int = 2) -> Patient:
    return Patient(
        id=f"pt-stress{index:04d}",
        display_name=name,
        birth_date=date(1990, 4, 2),
        admission_date=ADMITTED,
        counselor="J. Park",
        level_history=[
            LevelChange(start=ADMITTED, level=LevelCode.L2_1, days_per_week=4, hours_per_week=12)
        ],
        notes=[note(n) for n in range(notes)],
    )


def seed(path: Path, names: tuple[str, ...] = ("Avery Quill", "Bo Marchetti", "Cass Ferrow"),
         writes: int = 2) -> list[Patient]:
    """Create a record file; ``writes`` > 1 leaves a backup (the file before the last write).

    Each write is its own session: closing compacts the journal into the file, and the
    snapshot it replaces becomes the backup.
    """
    with open_repository(path, "J. Park") as repo:
        stored = repo.import_patients(patient(name, i) for i, name in enumerate(names))
    for extra in range(writes - 1):
        with open_repository(path, "J. Park") as repo:
            first = stored[0].model_copy(deep=True)
            first.notes = [*first.notes, note(100 + extra)]
            stored[0] = repo.put(first, "save_draft")
    return stored


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str) -> CliResult:
    """``tplan ARGS`` in this process; argparse's exit (usage errors) becomes the exit code."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
    return CliResult(code, out.getvalue(), err.getvalue())
