"""Validation of the domain records: what a counselor may type, and what is refused and why."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from tplan.domain import (
    Addendum,
    AddendumKind,
    Attendance,
    Bam,
    DrugScreen,
    Envelope,
    Gad7,
    Goal,
    LevelChange,
    NoteFormat,
    Objective,
    ObjectiveProgress,
    ObjectiveStatus,
    Patient,
    Phq9,
    Problem,
    ProgressNote,
    ProgressRating,
    ScreenResult,
    SessionType,
    StatusChange,
    UseReport,
    friendly_errors,
    status_as_of,
)
from tplan.domain.base import with_status

D = date(2026, 3, 12)
NOW = datetime(2026, 3, 12, 15, 0, tzinfo=UTC)


def level(start: date = date(2026, 1, 20), code: str = "2.1") -> LevelChange:
    return LevelChange(start=start, level=code, days_per_week=3, hours_per_week=9)


def patient(**changes: object) -> Patient:
    data: dict[str, object] = {
        "display_name": "Avery Quill",
        "birth_date": date(1991, 6, 2),
        "admission_date": date(2026, 1, 20),
        "counselor": "J. Park",
        "level_history": [level()],
    }
    data.update(changes)
    return Patient(**data)


def note(**changes: object) -> ProgressNote:
    data: dict[str, object] = {
        "date_of_service": D,
        "written_at": NOW,
        "session_type": SessionType.GROUP,
        "attendance": Attendance.ATTENDED,
        "author": "J. Park",
        "sections": {"data": "Attended group.", "assessment": "Engaged.", "plan": "Continue."},
    }
    data.update(changes)
    return ProgressNote(**data)


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return friendly_errors(exc.value)


def test_minimal_patient_gets_stable_ids_and_schema_version() -> None:
    p = patient()
    assert p.id.startswith("pt-")
    assert p.schema_version == 1
    assert p.current_level.level == "2.1"
    assert p.initials == "A.Q."


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("birth_date", "1991-02-30", "birth date: must be a date like 2026-03-12"),
        ("birth_date", "yesterday", "birth date: must be a date like 2026-03-12"),
        ("display_name", "", "display name: must not be empty"),
        ("display_name", "   ", "display name: must not be empty"),
        ("display_name", "Ann\x07Lee", "invisible control character (U+0007)"),
        ("display_name", "Ann\nLee", "display name: must be a single line"),
        ("display_name", "x" * 201, "display name: is too long (at most 200 characters)"),
        ("counselor", None, "counselor: must be text"),
        ("level_history", [], "level history: needs at least one level of care"),
        ("shoe_size", 42, "shoe size: is not a field tplan knows"),
    ],
)
def test_invalid_patient_fields_are_named_in_plain_words(
    field: str, value: object, expected: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        patient(**{field: value})
    assert any(expected in message for message in errors_of(exc)), errors_of(exc)


def test_missing_required_fields_are_each_named() -> None:
    with pytest.raises(ValidationError) as exc:
        Patient.model_validate({"display_name": "Avery Quill"})
    messages = errors_of(exc)
    for field in ("birth date", "admission date", "counselor", "level history"):
        assert f"{field}: is required" in messages


def test_birth_after_admission_and_discharge_before_admission_are_refused() -> None:
    with pytest.raises(ValidationError, match="birth date is after the admission date"):
        patient(birth_date=date(2026, 2, 1))
    with pytest.raises(ValidationError, match="discharge date is before the admission date"):
        patient(discharge={"on": "2026-01-01", "reason": "completed", "aftercare": "OP weekly"})


@pytest.mark.parametrize(
    ("model", "items", "ok"),
    [
        (Phq9, [0] * 9, True),
        (Phq9, [3] * 9, True),
        (Phq9, [0] * 8, False),
        (Phq9, [0] * 8 + [4], False),
        (Phq9, [0] * 8 + [-1], False),
        (Gad7, [1] * 7, True),
        (Gad7, [1] * 8, False),
        (Bam, [4] * 17, True),
        (Bam, [5] + [0] * 16, False),
        (Bam, [0] * 16, False),
    ],
)
def test_instrument_items_must_be_complete_and_in_range(
    model: type, items: list[int], ok: bool
) -> None:
    if ok:
        assert model(items=items).items == items
    else:
        with pytest.raises(ValidationError):
            model(items=items)


def test_craving_out_of_range_is_refused_with_its_bounds() -> None:
    with pytest.raises(ValidationError) as exc:
        note(craving=11)
    assert "craving: must be at most 10" in errors_of(exc)


def test_note_sections_must_belong_to_the_format() -> None:
    with pytest.raises(ValidationError, match="a DAP note has no section 'behavior'"):
        note(sections={"behavior": "x"})
    birp = note(format=NoteFormat.BIRP, sections={"behavior": "b", "response": "r"})
    assert birp.format is NoteFormat.BIRP


def test_use_report_without_use_cannot_name_substances() -> None:
    with pytest.raises(ValidationError, match="no use was reported"):
        UseReport(used=False, substances=["alcohol"])


def test_screen_needs_at_least_one_result_and_knows_its_date() -> None:
    with pytest.raises(ValidationError):
        DrugScreen(results=[])
    screened = note(
        screen=DrugScreen(
            results=[ScreenResult(substance="buprenorphine", result="positive", expected=True)]
        )
    )
    assert screened.screen_date() == D


def test_late_entry_is_a_note_written_after_the_day_of_service() -> None:
    assert not note().late_entry
    assert note(written_at=datetime(2026, 3, 14, 9, 0, tzinfo=UTC)).late_entry


def test_addenda_only_on_signed_notes() -> None:
    addendum = Addendum(
        kind=AddendumKind.CORRECTION, reason="wrong date", text="Session was on Tuesday.",
        author="J. Park", written_at=NOW,
    )
    with pytest.raises(ValidationError, match="addenda belong to signed notes"):
        note(addenda=[addendum])
    assert note(signed_at=NOW, signed_by="J. Park", addenda=[addendum]).signed


def test_user_text_is_kept_exactly_including_markup_and_emoji() -> None:
    typed = "[bold]not bold[/bold] <b>html</b> 🙂 שלום\tend\r\nline two"
    saved = note(sections={"data": typed})
    assert saved.sections["data"] == typed.replace("\r\n", "\n")


def test_note_refers_only_to_objectives_in_the_plan() -> None:
    objective = Objective(
        text="Name 5 triggers", history=[StatusChange(on=D, status=ObjectiveStatus.IN_PROGRESS)]
    )
    plan = [Problem(title="Drinking", goals=[Goal(text="Stay sober", objectives=[objective])])]
    good = note(objectives_addressed=[ObjectiveProgress(objective_id=objective.id,
                                                        rating=ProgressRating.IMPROVING)])
    assert patient(problems=plan, notes=[good]).notes[0].objectives_addressed
    bad = note(objectives_addressed=[ObjectiveProgress(objective_id="ob-missing",
                                                       rating=ProgressRating.IMPROVING)])
    with pytest.raises(ValidationError, match="not in the plan"):
        patient(problems=plan, notes=[bad])


def test_ids_must_be_unique_within_a_record() -> None:
    first = note(id="nt-same")
    with pytest.raises(ValidationError, match="used twice"):
        patient(notes=[first, note(id="nt-same")])


def test_status_as_of_uses_the_last_change_on_or_before_the_date() -> None:
    history = [
        StatusChange(on=date(2026, 2, 1), status=ObjectiveStatus.IN_PROGRESS),
        StatusChange(on=date(2026, 3, 1), status=ObjectiveStatus.ACHIEVED),
    ]
    assert status_as_of(history, date(2026, 1, 31)) is None
    assert status_as_of(history, date(2026, 2, 28)) is ObjectiveStatus.IN_PROGRESS
    assert status_as_of(history, date(2026, 3, 1)) is ObjectiveStatus.ACHIEVED


def test_a_status_change_is_dated_and_only_a_change_is_added() -> None:
    (first,) = with_status(None, ObjectiveStatus.IN_PROGRESS, date(2026, 2, 1))
    assert (first.on, first.status) == (date(2026, 2, 1), ObjectiveStatus.IN_PROGRESS)
    objective = Objective(id="ob-1", text="Name 5 triggers", history=[first])
    assert with_status(objective, ObjectiveStatus.IN_PROGRESS, D) == [first]
    assert with_status(objective, ObjectiveStatus.ACHIEVED, D)[1:] == [
        StatusChange(on=D, status=ObjectiveStatus.ACHIEVED)
    ]


def test_level_on_and_age_group() -> None:
    p = patient(
        birth_date=date(2008, 6, 1),
        level_history=[level(date(2026, 2, 15), "1"), level(date(2026, 1, 20), "2.1")],
    )
    assert [c.level for c in p.level_history] == ["2.1", "1"]
    assert p.level_on(date(2026, 2, 14)).level == "2.1"
    assert p.level_on(date(2026, 2, 15)).level == "1"
    assert p.level_on(date(2026, 1, 19)) is None
    assert p.age_group_on(date(2026, 5, 31)) == "adolescent"
    assert p.age_group_on(date(2026, 6, 1)) == "adult"


def test_schedule_must_be_plausible() -> None:
    with pytest.raises(ValidationError, match="need at least one session day"):
        LevelChange(start=D, level="2.1", days_per_week=0, hours_per_week=9)
    with pytest.raises(ValidationError, match="12 hours per session day"):
        LevelChange(start=D, level="2.1", days_per_week=1, hours_per_week=19)


def test_envelope_round_trips_a_patient_exactly() -> None:
    p = patient(notes=[note(craving=3, measures=[Phq9(items=[1, 0, 1, 0, 1, 0, 0, 0, 0])])])
    envelope = Envelope(generated_at=NOW, as_of=D, patients=[p])
    again = Envelope.model_validate_json(envelope.model_dump_json())
    assert again.patients[0] == p
    assert again.notice == (
        "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
    )
