"""The IOP week through the workspace: groups and rosters, individual schedules, attendance for
a whole roster in one transaction, suggestions from expected sessions, and the day's agenda."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from services_factories import ADMITTED, TODAY, note, patient

from tplan.clinical import DEFAULT_POLICY
from tplan.domain import (
    AttendanceStatus,
    DecisionOutcome,
    IndividualSchedule,
    RosterEntry,
    SessionType,
    TreatmentGroup,
    TreatmentGroupKind,
    Weekday,
    WeeklyPattern,
)
from tplan.services import (
    FixedClock,
    Mark,
    RecordNotFound,
    ServiceError,
    SessionKey,
    Workspace,
)
from tplan.services.agenda import agenda_json
from tplan.store import is_database_url, open_store

WED = TODAY - timedelta(days=1)
PRESENT, ABSENT = Mark(AttendanceStatus.PRESENT), Mark(AttendanceStatus.ABSENT)


def evening(*members: str) -> TreatmentGroup:
    return TreatmentGroup(
        name="Evening group",
        kind=TreatmentGroupKind.RELAPSE_PREVENTION,
        facilitators=["J. Park"],
        active_from=ADMITTED,
        schedule=[
            WeeklyPattern(
                start=ADMITTED,
                weekdays=[Weekday.MON, Weekday.WED, Weekday.THU],
                start_time=time(18),
                duration_minutes=180,
            )
        ],
        roster=[RosterEntry(patient_id=pid, joined=ADMITTED) for pid in members],
    )


@pytest.fixture
def clinic(workspace: Workspace) -> tuple[Workspace, TreatmentGroup, list[str]]:
    ids = [
        workspace.admit(patient(name)).id for name in ("Avery Quill", "Bo Marchetti", "Cass Ferrow")
    ]
    group = workspace.save_group(evening(*ids))
    return workspace, group, ids


def journal_lines(db_path: str) -> int | None:
    """Saves in a record file's journal (None on a PostgreSQL database: there each save is
    one transaction by construction)."""
    if is_database_url(db_path):
        return None
    path = Path(db_path).with_name(Path(db_path).name + ".journal")
    return len(path.read_text().splitlines()) if path.exists() else 0


def record_all(ws: Workspace, group: TreatmentGroup, first: date, last: date) -> None:
    day = first
    while day <= last:
        if group.meets_on(day):
            session = ws.session(SessionKey(group.id, day))
            ws.record_attendance(session, {p.id: PRESENT for p in ws.session_roster(session)})
        day += timedelta(days=1)


def test_groups_refuse_unknown_members_and_keep_roster_history(clinic) -> None:
    ws, group, ids = clinic
    with pytest.raises(RecordNotFound, match="pt-nobody"):
        ws.save_group(evening("pt-nobody"))
    ws.remove_member(group.id, ids[1], WED)
    assert ws.group(group.id).members_on(WED) == [ids[0], ids[2]]
    assert ws.group(group.id).members_on(WED - timedelta(days=1)) == ids
    ws.add_member(group.id, ids[1], TODAY)
    assert sorted(ws.group(group.id).members_on(TODAY)) == sorted(ids)
    with pytest.raises(RecordNotFound, match="current member"):
        ws.remove_member(group.id, "pt-nobody", TODAY)
    later = WeeklyPattern(
        start=TODAY, weekdays=[Weekday.TUE], start_time=time(9), duration_minutes=120
    )
    changed = ws.change_group_schedule(group.id, later)
    assert changed.meets_on(WED) and not changed.meets_on(TODAY + timedelta(days=4))
    actions = [e.action for e in ws.audit() if e.record_id == group.id]
    assert actions == [
        "create group",
        "remove group member",
        "add group member",
        "change group schedule",
    ]


def test_a_roster_is_recorded_in_one_transaction_and_survives_reopening(
    clinic, db_path: str
) -> None:
    ws, group, ids = clinic
    session = ws.session(SessionKey(group.id, TODAY))
    assert [p.id for p in ws.session_roster(session)] == sorted(
        ids, key=lambda pid: ws.patient(pid).display_name
    )
    with pytest.raises(ServiceError, match="not expected at this session"):
        ws.record_attendance(session, {"pt-stranger": PRESENT})
    before = journal_lines(db_path)
    marks = {
        ids[0]: PRESENT,
        ids[1]: Mark(AttendanceStatus.LATE, late_minutes=20),
        ids[2]: Mark(AttendanceStatus.EXCUSED, reason="court"),
    }
    stored, records = ws.record_attendance(session, marks)
    assert before is None or journal_lines(db_path) == before + 1
    assert {r.recorded_by for r in records} == {"J. Park"}
    ws.close()
    repo = open_store(db_path, "J. Park")
    reopened = Workspace(repo, FixedClock(TODAY), DEFAULT_POLICY, "J. Park")
    try:
        again = reopened.session(SessionKey(group.id, TODAY))
        assert again == stored
        statuses = {pid: r.status for pid, r in reopened.session_attendance(again).items()}
        assert statuses == {
            ids[0]: AttendanceStatus.PRESENT,
            ids[1]: AttendanceStatus.LATE,
            ids[2]: AttendanceStatus.EXCUSED,
        }
    finally:
        reopened.close()


def test_a_cancelled_session_takes_no_attendance(clinic) -> None:
    ws, group, ids = clinic
    cancelled = ws.cancel_session(ws.session(SessionKey(group.id, WED)), "facilitator ill")
    with pytest.raises(ServiceError, match="cancelled by the program"):
        ws.record_attendance(cancelled, {ids[0]: PRESENT})
    assert ws.session(SessionKey(group.id, WED)).cancel_reason == "facilitator ill"


def test_suggestions_wait_for_unrecorded_sessions_and_use_them_once_recorded(clinic) -> None:
    ws, group, ids = clinic
    record_all(ws, group, TODAY - timedelta(days=41), TODAY - timedelta(days=2))
    blocked = ws.suggest(ids[0])
    assert blocked.signals["attendance_source"] == "sessions"
    assert blocked.signals["sessions_not_recorded"] == ["Wed 11 Mar Evening group"]
    criterion = next(c for c in blocked.step_down_criteria if c.criterion == "attendance")
    assert "1 session not recorded: Wed 11 Mar Evening group" in criterion.message
    session = ws.session(SessionKey(group.id, WED))
    ws.record_attendance(session, {ids[0]: ABSENT, ids[1]: PRESENT, ids[2]: PRESENT})
    recorded = next(c for c in ws.suggest(ids[0]).step_down_criteria if c.criterion == "attendance")
    assert recorded.message == "attendance 92% over 30 days (12 of 13), needs >= 90%"
    assert recorded.met
    row = ws.caseload_row(ids[0])
    assert row.attendance30 is not None and int(row.attendance30 * 100) == 92


def test_individual_schedules_appear_on_the_agenda(clinic) -> None:
    ws, _, ids = clinic
    schedule = IndividualSchedule(
        weekday=Weekday.THU,
        start_time=time(13),
        duration_minutes=60,
        clinician="J. Park",
        starts=ADMITTED,
    )
    ws.save_individual_schedule(ids[0], schedule)
    sessions = ws.agenda().sessions
    assert [(s.start.hour, s.kind, s.title, len(s.roster)) for s in sessions] == [
        (13, "individual", "Individual · Avery Quill", 1),
        (18, "group", "Evening group", 3),
    ]
    ws.stop_individual_schedule(ids[0], schedule.id, TODAY)
    assert [s.kind for s in ws.agenda().sessions] == ["group"]
    assert ws.sessions_on(ids[0], TODAY - timedelta(days=7))[0].label == "individual"


def test_the_agenda_counts_attendance_and_notes_and_lists_the_work(clinic) -> None:
    ws, group, ids = clinic
    record_all(ws, group, TODAY - timedelta(days=41), TODAY - timedelta(days=8))
    session = ws.session(SessionKey(group.id, TODAY))
    ws.record_attendance(session, {ids[0]: PRESENT, ids[1]: PRESENT})
    ws.save_draft(ids[0], note(TODAY, signed=False).model_copy(update={"session_id": session.id}))
    ws.save_draft(ids[2], note(TODAY - timedelta(days=3), signed=False))
    decision_day = datetime.combine(TODAY - timedelta(days=7), time(12), tzinfo=UTC)
    ws.clock = FixedClock(decision_day.date())
    ws.record_decision(ids[1], ws.suggest(ids[1]), DecisionOutcome.DEFER, "wait for labs")
    ws.clock = FixedClock(TODAY)

    agenda = ws.agenda()
    (today,) = agenda.sessions
    assert (len(today.roster), today.recorded, today.attended) == (3, 2, 2)
    assert (today.notes_written, today.notes_signed) == (1, 0)
    kinds = [item.kind for item in agenda.worklist]
    assert kinds == sorted(
        kinds,
        key=[
            "safety",
            "attendance_not_recorded",
            "no_note",
            "old_draft",
            "review_due",
            "deferred_decision",
        ].index,
    )
    texts = [item.text for item in agenda.worklist]
    assert "attendance not recorded: Mon 9 Mar Evening group (3 of 3)" in texts
    assert "attendance not recorded: Wed 11 Mar Evening group (3 of 3)" in texts
    assert "no note: Thu 12 Mar Evening group · Bo Marchetti" in texts
    assert "no note: Thu 12 Mar Evening group · Avery Quill" not in texts  # the linked draft
    assert "draft from Mon 9 Mar · Cass Ferrow: sign or delete" in texts
    assert any(t.startswith("deferred decision due Thu 12 Mar · Bo Marchetti: ") for t in texts)
    assert any(item.kind == "review_due" for item in agenda.worklist)
    data = json.loads(agenda_json(agenda))
    assert data["sessions"][0]["attendance_recorded"] == 2
    assert data["sessions"][0]["roster"] == 3
    assert {item["kind"] for item in data["worklist"]} >= {
        "attendance_not_recorded",
        "no_note",
        "old_draft",
        "deferred_decision",
    }


def test_the_caseload_counts_signed_notes_only_and_shows_a_draft_as_a_draft(clinic) -> None:
    ws, _, ids = clinic
    before = ws.caseload_row(ids[0])
    ws.save_draft(ids[0], note(TODAY, signed=False))
    row = ws.caseload_row(ids[0])
    assert row.last_note == before.last_note and row.last_note is not None
    assert row.last_note < TODAY
    assert row.last_draft == TODAY


def test_a_one_off_appointment_is_expected_once_saved(clinic) -> None:
    ws, _, ids = clinic
    from tplan.domain import Session

    family = Session(
        on=TODAY,
        patient_id=ids[2],
        session_type=SessionType.FAMILY,
        start=time(10),
        end=time(11),
    )
    ws.save_session(family)
    titles = [s.title for s in ws.agenda().sessions]
    assert titles[0] == "Family · Cass Ferrow"
    stored = ws.session(SessionKey(family.id, TODAY))
    ws.record_attendance(stored, {ids[2]: PRESENT})
    assert ws.agenda().sessions[0].recorded == 1
