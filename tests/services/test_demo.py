"""The demo caseload: fictional, current on any day, and written for every suggestion and alert."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from services_factories import regenerate_demo

from tplan.clinical.engine import suggest
from tplan.domain import (
    AgeGroup,
    DecisionOutcome,
    GroupKind,
    Patient,
    Phq9,
    ScreenResultValue,
    SessionType,
    Suggestion,
    SuggestionKind,
)
from tplan.services.demo import (
    DEMO_ANCHOR,
    EXPECTED_FILE,
    EXPECTED_KINDS,
    demo_file,
    load_demo,
    read_demo,
    shift_patient,
)

OTHER_DAY = date(2031, 7, 9)
"""A 'today' far from the anchor (and across leap years) to check that the shift keeps stories."""
TODAYS = (DEMO_ANCHOR, date.today(), OTHER_DAY)
TODAY_IDS = ["anchor", "today", "other-day"]

ALERTS = {
    "review_overdue",
    "review_due_soon",
    "overdose_risk",
    "no_signed_note",
    "no_screen",
    "no_baseline_phq9",
    "draft_note_old",
}


@cache
def caseload(today: date) -> tuple[Patient, ...]:
    return tuple(load_demo(today))


@cache
def suggestions(today: date) -> dict[str, Suggestion]:
    return {patient.id: suggest(patient, today) for patient in caseload(today)}


def by_id(today: date, patient_id: str) -> Patient:
    return next(patient for patient in caseload(today) if patient.id == patient_id)


# --- fictional and complete ----------------------------------------------------------------


def test_at_least_twelve_patients_each_with_a_story() -> None:
    ids = [patient.id for patient in caseload(DEMO_ANCHOR)]
    assert len(ids) >= 12
    assert len(set(ids)) == len(ids)
    assert set(ids) == set(EXPECTED_KINDS)


def test_every_patient_carries_fictional_markers() -> None:
    names = set()
    for patient in caseload(DEMO_ANCHOR):
        assert patient.id.startswith("demo-")
        mrns = [i.value for i in patient.identifiers if i.system == "MRN"]
        assert len(mrns) == 1 and re.fullmatch(r"DEMO-\d{4}", mrns[0]), patient.id
        names.add(patient.display_name)
    assert len(names) == len(caseload(DEMO_ANCHOR))


def test_two_or_three_counselors_and_most_patients_belong_to_j_park() -> None:
    counts = Counter(patient.counselor for patient in caseload(DEMO_ANCHOR))
    assert 2 <= len(counts) <= 3
    assert counts.most_common(1)[0][0] == "J. Park"
    assert counts["J. Park"] > len(caseload(DEMO_ANCHOR)) / 2


def test_the_stories_cover_every_suggestion_kind() -> None:
    assert set(EXPECTED_KINDS.values()) == set(SuggestionKind)


# --- every patient gets the kind its story was written for ------------------------------------


@pytest.mark.parametrize("today", TODAYS, ids=TODAY_IDS)
@pytest.mark.parametrize("patient_id", sorted(EXPECTED_KINDS))
def test_patient_gets_the_kind_of_its_story(patient_id: str, today: date) -> None:
    got = suggestions(today)[patient_id]
    assert got.kind is EXPECTED_KINDS[patient_id], got.headline


@pytest.mark.parametrize("today", TODAYS, ids=TODAY_IDS)
def test_the_engine_shows_all_six_kinds_across_the_caseload(today: date) -> None:
    assert {s.kind for s in suggestions(today).values()} == set(SuggestionKind)


@pytest.mark.parametrize("today", TODAYS, ids=TODAY_IDS)
def test_every_alert_appears_somewhere(today: date) -> None:
    seen = {alert.alert for s in suggestions(today).values() for alert in s.alerts}
    assert seen >= ALERTS


# --- dates are relative to the day the demo is opened ----------------------------------------


def _dates(value: Any) -> Iterator[date]:
    """Every date and datetime inside a dumped (python mode) record, in a stable order."""
    if isinstance(value, date):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _dates(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _dates(item)


def test_latest_note_is_within_a_few_days_of_today() -> None:
    for today in (OTHER_DAY, date(2020, 1, 1)):
        active = [patient for patient in caseload(today) if patient.active]
        latest = max(note.date_of_service for p in active for note in p.notes)
        assert today - timedelta(days=3) <= latest <= today


def test_no_session_screen_or_measure_is_dated_after_today() -> None:
    for patient in caseload(OTHER_DAY):
        for note in patient.notes:
            assert note.date_of_service <= OTHER_DAY
            assert note.written_at.date() <= OTHER_DAY
            assert (note.screen_date() or OTHER_DAY) <= OTHER_DAY


def test_shift_moves_every_date_and_datetime_by_the_same_days() -> None:
    originals = read_demo().patients
    days = (OTHER_DAY - DEMO_ANCHOR).days
    for original, moved in zip(originals, caseload(OTHER_DAY), strict=True):
        before = list(_dates(original.model_dump()))
        after = list(_dates(moved.model_dump()))
        assert len(before) == len(after) > 0
        for old, new in zip(before, after, strict=True):
            assert type(old) is type(new)
            assert new - old == timedelta(days=days)
        assert moved.age_on(OTHER_DAY) == original.age_on(DEMO_ANCHOR)


def test_shift_keeps_everything_that_is_not_a_date() -> None:
    original = read_demo().patients[0]
    moved = shift_patient(original, 400)
    for note_before, note_after in zip(original.notes, moved.notes, strict=True):
        assert note_after.sections == note_before.sections
        assert note_after.id == note_before.id
    assert shift_patient(moved, -400) == original


def test_a_stored_decision_still_reads_as_on_its_day() -> None:
    """The copy of the suggestion in a decision moves too: as_of, messages, signals and data."""
    patient = next(p for p in read_demo().patients if p.decisions)
    moved = shift_patient(patient, 100)
    old, new = patient.decisions[0].suggestion, moved.decisions[0].suggestion
    assert new.as_of == old.as_of + timedelta(days=100)
    shifted_iso = (date.fromisoformat(old.signals["last_use"]) + timedelta(days=100)).isoformat()
    assert new.signals["last_use"] == shifted_iso
    assert shifted_iso in new.fired[0].message
    assert new.fired[0].data["events"] == [shifted_iso]
    assert moved.decisions[0].decided_at - patient.decisions[0].decided_at == timedelta(days=100)


def test_only_real_iso_dates_in_a_stored_suggestion_move() -> None:
    patient = next(p for p in read_demo().patients if p.decisions)
    decision = patient.decisions[0]
    hit = decision.suggestion.fired[0].model_copy(
        update={"message": "ref 2026-13-40, code 12026-01-010, on 2026-01-31", "data": {"n": 3}}
    )
    suggestion = decision.suggestion.model_copy(update={"fired": [hit]})
    edited = patient.model_copy(
        update={"decisions": [decision.model_copy(update={"suggestion": suggestion})]}
    )
    moved = shift_patient(edited, 1).decisions[0].suggestion.fired[0]
    assert moved.message == "ref 2026-13-40, code 12026-01-010, on 2026-02-01"
    assert moved.data == {"n": 3}


def test_a_stored_decision_matches_what_the_engine_says_on_its_day() -> None:
    for today in TODAYS:
        for patient in caseload(today):
            for decision in patient.decisions:
                stored = decision.suggestion
                assert suggest(patient, stored.as_of).kind is stored.kind


# --- the bundled file -------------------------------------------------------------------------


def test_loading_leaves_the_bundled_file_unchanged() -> None:
    path = demo_file()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    first = load_demo(OTHER_DAY)
    first[0].notes.clear()
    assert load_demo(OTHER_DAY)[0].notes, "a loaded patient must not share state with the next"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert read_demo().as_of == DEMO_ANCHOR


def test_the_generator_regenerates_the_bundled_files_identically(tmp_path: Path) -> None:
    out = tmp_path / "demo_caseload.json"
    regenerate_demo(out)
    assert out.read_bytes() == demo_file().read_bytes()
    assert (tmp_path / EXPECTED_FILE).read_bytes() == demo_file(EXPECTED_FILE).read_bytes()
    assert out.stat().st_mode & 0o777 == 0o600


# --- the stories have what an IOP record has ----------------------------------------------------


def _all_notes() -> list[tuple[Patient, Any]]:
    return [(p, note) for p in caseload(DEMO_ANCHOR) for note in p.notes]


def test_caseload_includes_the_required_situations() -> None:
    patients = caseload(DEMO_ANCHOR)
    assert any(p.age_group_on(DEMO_ANCHOR) is AgeGroup.ADOLESCENT for p in patients)
    assert any(
        note.session_type is SessionType.FAMILY
        for p in patients
        if p.age_group_on(DEMO_ANCHOR) is AgeGroup.ADOLESCENT
        for note in p.notes
    )
    discharged = [p for p in patients if not p.active]
    assert len(discharged) == 1 and discharged[0].discharge.aftercare
    with_decision = [p for p in patients if p.decisions]
    assert with_decision
    for patient in with_decision:
        decision = patient.decisions[0]
        assert decision.outcome is DecisionOutcome.ACCEPT
        assert any(change.decision_id == decision.id for change in patient.level_history)
        assert len(patient.level_history) >= 2
    assert any(len({lv.level for lv in p.level_history}) > 1 for p in patients)
    stepping_down = [p for p in patients if EXPECTED_KINDS[p.id] is SuggestionKind.STEP_DOWN]
    assert any(p.aftercare is not None for p in stepping_down)
    assert all(p.relapse_prevention is not None for p in stepping_down)
    assert sum(p.relapse_prevention is not None for p in patients) >= len(patients) // 2
    assert any(r.counselor_signature and r.patient_signature for p in patients for r in p.reviews)
    assert {GroupKind.AA, GroupKind.NA, GroupKind.SMART} <= {
        g.kind for p in patients for g in p.groups
    }


def test_buprenorphine_patient_has_expected_positive_screens() -> None:
    moud = [p for p in caseload(DEMO_ANCHOR) if any(m.moud for m in p.medications)]
    expected_positives = [
        result
        for p in moud
        for note in p.notes
        if note.screen
        for result in note.screen.results
        if result.substance == "buprenorphine" and result.result is ScreenResultValue.POSITIVE
    ]
    assert expected_positives and all(result.expected for result in expected_positives)
    assert any("buprenorphine" in m.screens_as for p in moud for m in p.medications)


def test_notes_come_in_dap_and_birp_with_addenda_late_entries_and_drafts() -> None:
    notes = [note for _, note in _all_notes()]
    assert {note.format.value for note in notes} >= {"DAP", "BIRP"}
    assert any(note.signed and note.addenda for note in notes)
    assert any(note.late_entry for note in notes)
    assert any(not note.signed for note in notes)


def test_each_active_patient_has_phq9_gad7_and_craving_series() -> None:
    for patient in caseload(DEMO_ANCHOR):
        measures = [m for note in patient.notes for m in note.measures]
        assert any(isinstance(m, Phq9) for m in measures), patient.id
        assert any(m.instrument == "GAD-7" for m in measures), patient.id
        ratings = [note.craving for note in patient.notes if note.craving is not None]
        assert len(ratings) >= 8, patient.id
        weeks = (DEMO_ANCHOR - patient.admission_date).days / 7
        assert 4 <= weeks <= 10, patient.id


def test_every_datetime_is_timezone_aware() -> None:
    stamps = [d for p in read_demo().patients for d in _dates(p.model_dump())]
    assert all(d.tzinfo is not None for d in stamps if isinstance(d, datetime))
