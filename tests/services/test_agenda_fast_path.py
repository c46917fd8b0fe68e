"""The Today agenda's fast path (every patient's expected sessions in one walk of the groups,
notes indexed once per patient, records filtered before sorting) gives what the one-patient-at-
a-time computation gives, on the demo."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest

from tplan.clinical import DEFAULT_POLICY, ExpectedSession, SessionBook, records
from tplan.domain import Patient, ProgressNote
from tplan.domain.rules import wall_clock
from tplan.services import FixedClock, Workspace
from tplan.services.agenda import NoteIndex, agenda_sessions, worklist
from tplan.services.demo import DEMO_ANCHOR, load_demo, load_demo_sessions
from tplan.services.week import week_of
from tplan.store import open_repository

DAYS = (DEMO_ANCHOR, DEMO_ANCHOR - timedelta(days=40), DEMO_ANCHOR + timedelta(days=3))


@cache
def demo(today: date) -> tuple[dict[str, Patient], SessionBook]:
    patients = {p.id: p for p in load_demo(today)}
    bundle = load_demo_sessions(today)
    return patients, SessionBook.build(bundle.groups, bundle.sessions, bundle.attendance)


def one_at_a_time(
    book: SessionBook, patients: dict[str, Patient], first: date, last: date
) -> dict[str, list[ExpectedSession]]:
    return {pid: book.expected(p, first, last) for pid, p in patients.items()}


@pytest.mark.parametrize("day", DAYS, ids=["anchor", "weeks-before", "days-after"])
def test_every_patients_expected_sessions_match_one_patient_at_a_time(day: date) -> None:
    patients, book = demo(DEMO_ANCHOR)
    for first in (day, day - timedelta(days=29), day - timedelta(days=90)):
        batch = book.expected_by_patient(patients.values(), first, day)
        assert batch == one_at_a_time(book, patients, first, day)
    # the widest window holds admissions and a patient discharged (leaving her group)
    discharged = next(p for p in patients.values() if p.discharge is not None)
    assert batch[discharged.id][-1].on < discharged.discharge.on
    assert any(entries[0].on > first for entries in batch.values() if entries)
    assert sum(len(v) for v in batch.values()) > 100


def naive_note_for(patient: Patient, entry: ExpectedSession) -> ProgressNote | None:
    """What documents a session, read straight off the record: a note linked to the session,
    else an unlinked note of that day and session type written or signed once the session had
    begun (a signed one first, else the first in record order)."""
    for note in patient.notes:
        if entry.session is not None and note.session_id == entry.session.id:
            return note
    after = [
        note
        for note in patient.notes
        if note.session_id is None
        and note.date_of_service == entry.on
        and note.session_type is entry.session_type
        and wall_clock(note.signed_at or note.written_at) >= datetime.combine(entry.on, entry.start)
    ]
    signed = [note for note in after if note.signed]
    return (signed or after or [None])[0]


def test_indexed_notes_find_the_note_a_scan_of_the_record_finds() -> None:
    patients, book = demo(DEMO_ANCHOR)
    index = NoteIndex(patients)
    found = 0
    for pid, entries in one_at_a_time(book, patients, DEMO_ANCHOR - timedelta(days=60),
                                      DEMO_ANCHOR).items():
        for entry in entries:
            expected = naive_note_for(patients[pid], entry)
            assert index[pid].note_for(entry, entry.session_type) is expected
            found += expected is not None
        drafts = [n for n in patients[pid].notes if not n.signed]
        assert index[pid].drafts == drafts
    assert found > 20


def test_the_agenda_from_the_fast_path_is_the_agenda_from_the_full_computation() -> None:
    patients, book = demo(DEMO_ANCHOR)
    active = {pid: p for pid, p in patients.items() if p.active}
    documented, kinds = 0, set[str]()
    for day in (DEMO_ANCHOR, DEMO_ANCHOR - timedelta(days=1), DEMO_ANCHOR - timedelta(days=5)):
        first = day - timedelta(days=DEFAULT_POLICY.windows.sustained_days - 1)
        fast = book.expected_by_patient(active.values(), first, day)
        full = one_at_a_time(book, active, first, day)
        sessions = agenda_sessions(day, fast, active, NoteIndex(active))
        assert sessions == agenda_sessions(day, full, active)
        documented += sum(s.notes_written for s in sessions)
        todo = worklist(day, fast, active, DEFAULT_POLICY, NoteIndex(active))
        assert todo == worklist(day, full, active, DEFAULT_POLICY)
        kinds |= {w.kind for w in todo}
    assert documented > 0
    assert kinds >= {"attendance_not_recorded", "no_note", "safety", "review_due"}


@pytest.mark.parametrize(
    "having",
    [lambda n: n.measures, lambda n: n.screen is not None, lambda n: n.use is not None],
    ids=["measures", "screen", "use"],
)
def test_notes_filtered_before_sorting_keep_the_order_of_all_signed_notes(having) -> None:
    patients, _ = demo(DEMO_ANCHOR)
    kept = 0
    for patient in patients.values():
        for as_of in (DEMO_ANCHOR, DEMO_ANCHOR - timedelta(days=20)):
            every = [n for n in records.signed_notes(patient, as_of) if having(n)]
            assert records.signed_notes(patient, as_of, having=having) == every
            kept += len(every)
    assert kept > 0



def test_each_day_of_the_week_holds_the_sessions_today_shows_for_that_day() -> None:
    patients, book = demo(DEMO_ANCHOR)
    active = {pid: p for pid, p in patients.items() if p.active}
    week = week_of(DEMO_ANCHOR + timedelta(days=2), book, active)
    assert week.monday.weekday() == 0 and week.monday <= DEMO_ANCHOR <= week.sunday
    assert [d.on for d in week.days] == [week.monday + timedelta(days=n) for n in range(7)]
    for day in week.days:
        alone = book.expected_by_patient(active.values(), day.on, day.on)
        assert list(day.sessions) == agenda_sessions(day.on, alone, active)
    assert sum(len(d.sessions) for d in week.days) >= 5


def test_the_days_sessions_alone_are_the_agendas_sessions(tmp_path: Path) -> None:
    """What Today paints first (one day's schedule) is what the whole agenda shows after."""
    repo = open_repository(tmp_path / "demo.json", "J. Park")
    workspace = Workspace(repo, FixedClock(DEMO_ANCHOR), clinician="J. Park")
    try:
        workspace.import_patients(load_demo(DEMO_ANCHOR))
        bundle = load_demo_sessions(DEMO_ANCHOR)
        repo.import_clinic_records(bundle.groups, bundle.sessions, bundle.attendance)
        shown = 0
        for day in (DEMO_ANCHOR, DEMO_ANCHOR - timedelta(days=1), DEMO_ANCHOR + timedelta(days=2)):
            alone = workspace.day_sessions(day)
            assert alone == workspace.agenda(day).sessions
            shown += len(alone)
        assert shown >= 3
    finally:
        workspace.close()
