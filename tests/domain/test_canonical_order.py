"""Keys whose order shows in an export are put in one order on validation, whatever order a
store hands them back in (PostgreSQL's jsonb sorts keys by length)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tplan.domain import NoteFormat
from tplan.domain.group_notes import GroupNote, MemberPart
from tplan.domain.notes import ProgressNote
from tplan.domain.sessions import AttendanceStatus
from tplan.domain.suggestion import RuleHit

WRITTEN = datetime(2026, 3, 2, 15, tzinfo=UTC)


def test_a_notes_sections_come_in_the_formats_order() -> None:
    note = ProgressNote(
        date_of_service=date(2026, 3, 2), written_at=WRITTEN, session_type="individual",
        attendance="attended", format=NoteFormat.BIRP, author="J. Park",
        sections={"plan": "p", "behavior": "b", "response": "r", "intervention": "i"},
    )
    assert list(note.sections) == ["behavior", "intervention", "response", "plan"]
    note.sections = {"plan": "later", "behavior": "first"}
    assert list(note.sections) == ["behavior", "plan"]
    assert list(note.model_dump(mode="json")["sections"]) == ["behavior", "plan"]


def test_a_members_sections_come_in_the_group_notes_order() -> None:
    member = MemberPart(
        patient_id="pt-avery", attendance=AttendanceStatus.PRESENT,
        sections={"plan": "p", "assessment": "a"},
    )
    note = GroupNote(
        session_id="ss-1", group_id="gr-1", on=date(2026, 3, 2), format=NoteFormat.DAP,
        members=[member], author="J. Park", written_at=WRITTEN,
    )
    assert list(note.members[0].sections) == ["assessment", "plan"]


def test_engine_data_kept_in_a_record_has_its_keys_sorted_at_every_depth() -> None:
    hit = RuleHit(
        rule="step_up.use_events", kind="step_up", message="2 use events",
        data={"zeta": 1, "alpha": {"y": [{"b": 1, "a": 2}], "x": 0}},
    )
    assert list(hit.data) == ["alpha", "zeta"]
    assert list(hit.data["alpha"]) == ["x", "y"]
    assert list(hit.data["alpha"]["y"][0]) == ["a", "b"]
