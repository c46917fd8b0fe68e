"""Small valid patients for the store tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tplan.domain import (
    Attendance,
    LevelChange,
    LevelCode,
    Patient,
    ProgressNote,
    SessionType,
)

SECRET = "Zanzibar-7Q confided about the warehouse"
"""Distinctive record content: tests assert it never shows up in errors or the audit trail."""

ADMITTED = date(2026, 1, 5)


def make_note(day: int, *, signed: bool = False, text: str = SECRET) -> ProgressNote:
    written = datetime(2026, 1, 5, 15, tzinfo=UTC) + timedelta(days=day)
    return ProgressNote(
        date_of_service=ADMITTED + timedelta(days=day),
        written_at=written,
        session_type=SessionType.GROUP,
        attendance=Attendance.ATTENDED,
        sections={"data": text, "assessment": "steady", "plan": "continue"},
        craving=3,
        author="J. Park",
        signed_at=written if signed else None,
        signed_by="J. Park" if signed else "",
    )


def make_patient(name: str = "Avery Quill", notes: int = 2, signed: int = 1) -> Patient:
    return Patient(
        display_name=name,
        birth_date=date(1990, 4, 2),
        admission_date=ADMITTED,
        counselor="J. Park",
        level_history=[
            LevelChange(
                start=ADMITTED, level=LevelCode.L2_1, days_per_week=4, hours_per_week=12
            )
        ],
        notes=[make_note(day, signed=day < signed) for day in range(notes)],
    )


def without_checksums(raw: dict) -> dict:
    """A parsed record file as a tplan before the snapshot checksum wrote it (store format 1),
    so a test can hand-edit a document and still have the file open."""
    for key in ("store_format", "snapshot_crc32", "previous_journal_epoch"):
        raw["_meta"]["1"].pop(key, None)
    return raw
