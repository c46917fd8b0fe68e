"""Sessions in the exports: attended ones as FHIR Encounters, attendance in the documents,
facilitators' names gone from a redacted copy."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import orjson
import pytest
from fhir.resources.R4B.bundle import Bundle

from tplan.clinical import ExpectedSession
from tplan.domain import (
    AttendanceRecord,
    AttendanceStatus,
    ExportFormat,
    ExportLogEntry,
    Patient,
    Session,
)
from tplan.export import render

AS_OF = date(2026, 3, 12)


def group_session(
    pid: str, day: date, status: AttendanceStatus | None, **record: object
) -> ExpectedSession:
    session = Session(
        on=day,
        group_id="gr-evening",
        start=time(18),
        end=time(21),
        topic="Coping with cravings",
        facilitators=["Rowan Quistle"],
    )
    attendance = None
    if status is not None:
        attendance = AttendanceRecord(
            session_id=session.id,
            patient_id=pid,
            status=status,
            recorded_by="Casey Counselor",
            recorded_at=datetime(day.year, day.month, day.day, 21, tzinfo=UTC),
            **record,
        )
    return ExpectedSession(
        on=day,
        patient_id=pid,
        occurrence="gr-evening",
        label="Evening relapse prevention",
        start=time(18),
        end=time(21),
        session=session,
        record=attendance,
        group_id="gr-evening",
    )


@pytest.fixture
def sessions(rich_patient: Patient) -> list[ExpectedSession]:
    pid = rich_patient.id
    return [
        group_session(pid, date(2026, 3, 2), AttendanceStatus.PRESENT),
        group_session(pid, date(2026, 3, 4), AttendanceStatus.LATE, late_minutes=30),
        group_session(pid, date(2026, 3, 5), AttendanceStatus.ABSENT),
        group_session(pid, date(2026, 3, 9), AttendanceStatus.EXCUSED, reason="court"),
        group_session(pid, date(2026, 3, 11), None),  # not recorded yet
        group_session(pid, date(2026, 3, 16), AttendanceStatus.PRESENT),  # after the as-of date
    ]


def export(patient: Patient, sessions: list[ExpectedSession], fmt: ExportFormat, **kw) -> str:
    return render(
        patient,
        fmt,
        as_of=AS_OF,
        generated_at=datetime(2026, 3, 12, 14, tzinfo=UTC),
        suggestion=None,
        disclosure=ExportLogEntry(
            id="ex-sessions",
            at=datetime(2026, 3, 12, 14, tzinfo=UTC),
            by="Casey Counselor",
            format=fmt,
            as_of=AS_OF,
        ),
        sessions=sessions,
        **kw,
    ).decode()


def test_sessions_with_a_known_outcome_are_encounters(
    rich_patient: Patient, sessions: list[ExpectedSession]
) -> None:
    data = export(rich_patient, sessions, ExportFormat.FHIR)
    Bundle.model_validate_json(data)
    bundle = orjson.loads(data)
    encounters = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Encounter"
    ]
    assert [(e["period"]["start"], e["status"]) for e in encounters] == [
        ("2026-03-02", "finished"),
        ("2026-03-04", "finished"),
        ("2026-03-05", "cancelled"),
        ("2026-03-09", "cancelled"),
    ]
    assert [e.get("length", {}).get("value") for e in encounters[:2]] == [180, 150]
    assert encounters[0]["type"][0]["coding"][0]["code"] == "group"
    assert encounters[3]["reasonCode"][0]["text"] == "excused absence: court"
    episodes = {
        e["fullUrl"]: e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "EpisodeOfCare"
    }
    assert all(e["episodeOfCare"][0]["reference"] in episodes for e in encounters)
    section = next(
        s for s in bundle["entry"][0]["resource"]["section"] if s["title"].startswith("Sessions")
    )
    assert len(section["entry"]) == 4
    assert "2 attended, 1 missed, 1 excused, 1 unrecorded" in section["text"]["div"]


@pytest.mark.parametrize("fmt", [ExportFormat.MARKDOWN, ExportFormat.HTML])
def test_documents_show_attendance(
    fmt: ExportFormat, rich_patient: Patient, sessions: list[ExpectedSession]
) -> None:
    text = export(rich_patient, sessions, fmt)
    assert "2 attended, 1 missed, 1 excused, 1 unrecorded" in text
    assert "Evening relapse prevention" in text and "excused (court)" in text
    assert "None recorded." in export(rich_patient, [], fmt)


@pytest.mark.parametrize("fmt", [ExportFormat.MARKDOWN, ExportFormat.HTML, ExportFormat.FHIR])
def test_a_facilitator_named_in_a_session_is_redacted_everywhere(
    fmt: ExportFormat, rich_patient: Patient, sessions: list[ExpectedSession]
) -> None:
    assert rich_patient.aftercare is not None
    rich_patient.aftercare = rich_patient.aftercare.model_copy(
        update={"plan": "Weekly group with Rowan; QUISTLE to follow up."}
    )
    full = export(rich_patient, sessions, fmt)
    assert "Rowan" in full and "QUISTLE" in full
    redacted = export(rich_patient, sessions, fmt, redact=True)
    assert "rowan" not in redacted.lower() and "quistle" not in redacted.lower()
