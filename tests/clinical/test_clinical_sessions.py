"""Expected sessions and the attendance and hours signals (CLINICAL.md sections 5 and 8).

D is Thursday 12 March 2026. The evening group meets Mon/Wed/Thu 18:00-21:00 (9 h a week);
its 30-day window ending on D holds 14 meetings, its 14-day window 7.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta

import pytest
from clinical_factory import Case, D, day, ready

from tplan.clinical import Outcome, SessionBook, compute_signals, suggest
from tplan.clinical.policy import DEFAULT_POLICY
from tplan.domain import (
    AttendanceRecord,
    AttendanceStatus,
    Discharge,
    DischargeReason,
    IndividualSchedule,
    Patient,
    RosterEntry,
    Session,
    SessionStatus,
    SessionType,
    SuggestionKind,
    TreatmentGroup,
    TreatmentGroupKind,
    Weekday,
    WeeklyPattern,
)

P, A, E, L, X = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.ABSENT,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.LATE,
    AttendanceStatus.CANCELLED,
)
UNRECORDED = None


def evening(roster: Iterable[RosterEntry]) -> TreatmentGroup:
    return TreatmentGroup(
        id="gr-evening",
        name="Evening group",
        kind=TreatmentGroupKind.RELAPSE_PREVENTION,
        facilitators=["J. Park"],
        active_from=date(2025, 1, 6),
        schedule=[
            WeeklyPattern(
                start=date(2025, 1, 6),
                weekdays=[Weekday.MON, Weekday.WED, Weekday.THU],
                start_time=time(18),
                duration_minutes=180,
            )
        ],
        roster=list(roster),
    )


def member(patient: Patient, joined: date | None = None, left: date | None = None) -> RosterEntry:
    return RosterEntry(patient_id=patient.id, joined=joined or patient.admission_date, left=left)


def held(
    patient: Patient,
    group: TreatmentGroup,
    status: Callable[[date], AttendanceStatus | str | None],
    first: date | None = None,
    last: date = D,
) -> SessionBook:
    """Sessions of ``group`` from ``first`` to ``last`` with ``status(day)`` for ``patient``:
    an AttendanceStatus, None (session held, attendance not recorded) or "cancelled" (the
    program cancelled the session)."""
    sessions: list[Session] = []
    records: list[AttendanceRecord] = []
    on = first or patient.admission_date
    while on <= last:
        if group.meets_on(on):
            outcome = status(on)
            session = Session(
                on=on,
                group_id=group.id,
                start=time(18),
                end=time(21),
                status=SessionStatus.CANCELLED if outcome == "cancelled" else SessionStatus.HELD,
                cancel_reason="holiday" if outcome == "cancelled" else "",
            )
            sessions.append(session)
            if isinstance(outcome, AttendanceStatus) and patient.id in group.members_on(on):
                records.append(
                    AttendanceRecord(
                        session_id=session.id,
                        patient_id=patient.id,
                        status=outcome,
                        late_minutes=30 if outcome is L else 0,
                        reason="court" if outcome is E else "",
                        recorded_by="J. Park",
                        recorded_at=datetime.combine(on, time(21, 5), tzinfo=UTC),
                    )
                )
        on += timedelta(days=1)
    return SessionBook.build([group], sessions, records)


def meetings(last: date = D, days: int = 30) -> list[date]:
    """The group's meeting days in the window of ``days`` ending on ``last``, oldest first."""
    group = evening([])
    return [
        last - timedelta(days=n)
        for n in range(days - 1, -1, -1)
        if group.meets_on(last - timedelta(days=n))
    ]


def on_days(days: dict[date, AttendanceStatus | str | None], default=P):
    return lambda on: days.get(on, default)


# --- expected sessions ----------------------------------------------------------------------


def test_expected_sessions_follow_joins_leaves_admission_discharge_and_cancellations() -> None:
    patient = Case(admitted_ago=20).build()  # admitted Fri 20 Feb
    other = Case(admitted_ago=60).set(display_name="Other Patient").build()
    group = evening(
        [
            member(patient, joined=day(60)),  # on the roster before admission: not yet expected
            member(other, joined=day(60), left=day(8)),  # left on Wed 4 Mar
        ]
    )
    cancelled = day(14)  # Thu 26 Feb
    book = held(patient, group, on_days({cancelled: "cancelled"}), first=day(60))
    expected = book.expected(patient, day(30), D)
    assert expected[0].on == date(2026, 2, 23)  # first meeting on or after admission
    assert [e.outcome for e in expected if e.on == cancelled] == [Outcome.CANCELLED]
    assert all(e.outcome is Outcome.ATTENDED for e in expected if e.on != cancelled)
    left = book.expected(other, day(30), D)
    assert left[-1].on == date(2026, 3, 2)  # Mon 2 Mar: the last meeting before leaving
    assert {e.outcome for e in left} == {Outcome.UNRECORDED, Outcome.CANCELLED}  # none recorded
    discharged = patient.model_copy(
        update={
            "discharge": Discharge(
                on=day(7), reason=DischargeReason.COMPLETED, aftercare="weekly outpatient"
            )
        }
    )
    assert book.expected(discharged, day(30), D)[-1].on == date(2026, 3, 4)  # Wed before Thu 5


def test_a_member_leaving_mid_week_and_rejoining_gets_only_their_sessions() -> None:
    patient = Case(admitted_ago=30).build()
    group = evening(
        [
            member(patient, joined=day(30), left=day(7)),  # leaves Thu 5 Mar
            member(patient, joined=day(2)),  # back on Tue 10 Mar
        ]
    )
    book = SessionBook.build([group], [], [])
    days = [e.on for e in book.expected(patient, day(10), D)]
    assert days == [date(2026, 3, 2), date(2026, 3, 4), date(2026, 3, 11), date(2026, 3, 12)]


def test_individual_schedules_and_one_off_appointments_are_expected() -> None:
    schedule = IndividualSchedule(
        id="is-weekly",
        weekday=Weekday.TUE,
        start_time=time(13),
        duration_minutes=60,
        clinician="J. Park",
        starts=day(30),  # Tue 10 Feb
        stopped=day(6),  # stopped Fri 6 Mar
    )
    patient = Case(admitted_ago=30).set(individual_schedules=[schedule]).build()
    one_off = Session(
        on=day(1),
        patient_id=patient.id,
        session_type=SessionType.FAMILY,
        start=time(10),
        end=time(11),
    )
    moved = Session(
        on=date(2026, 2, 24),
        patient_id=patient.id,
        schedule_id=schedule.id,
        session_type=SessionType.INDIVIDUAL,
        start=time(15),
        end=time(16),
    )
    book = SessionBook.build([], [one_off, moved], [])
    assert book.has_schedule(patient)
    expected = book.expected(patient, day(30), D)
    assert [(e.on.isoformat(), e.label, e.start.hour) for e in expected] == [
        ("2026-02-10", "individual", 13),
        ("2026-02-17", "individual", 13),
        ("2026-02-24", "individual", 15),  # the stored session replaces the scheduled one
        ("2026-03-03", "individual", 13),
        ("2026-03-11", "family", 10),
    ]
    assert not SessionBook.build([], [], []).has_schedule(Case().build())


# --- the attendance signal ------------------------------------------------------------------


def sustained(patient: Patient, book: SessionBook):
    return compute_signals(patient, D, DEFAULT_POLICY, book).attendance_sustained


def test_step_down_attendance_on_both_sides_of_90_percent() -> None:
    patient = ready().build()
    group = evening([member(patient)])
    window = meetings()
    assert len(window) == 14
    one_miss = held(patient, group, on_days({window[3]: A}))
    rate = sustained(patient, one_miss)
    assert (rate.attended, rate.sessions, rate.percent_floor) == (13, 14, 92)
    assert suggest(patient, D, book=one_miss).kind is SuggestionKind.STEP_DOWN
    two_misses = held(patient, group, on_days({window[3]: A, window[5]: A}))
    result = suggest(patient, D, book=two_misses)
    assert result.kind is not SuggestionKind.STEP_DOWN
    (attendance,) = [c for c in result.step_down_criteria if c.criterion == "attendance"]
    assert not attendance.met
    assert attendance.message == "attendance 85% over 30 days (12 of 14), needs >= 90%"


def test_excused_and_cancelled_do_not_count_and_late_counts_as_attended() -> None:
    patient = ready().build()
    window = meetings()
    outcomes = {window[0]: E, window[1]: E, window[2]: "cancelled", window[3]: L, window[4]: A}
    rate = sustained(patient, held(patient, evening([member(patient)]), on_days(outcomes)))
    assert (rate.attended, rate.missed, rate.excused) == (10, 1, 2)
    assert rate.percent_floor == 90  # 10/11 = 90.9%: the step-down criterion holds
    criteria = suggest(
        patient, D, book=held(patient, evening([member(patient)]), on_days(outcomes))
    ).step_down_criteria
    assert next(c for c in criteria if c.criterion == "attendance").met


def test_a_step_down_blocked_by_unrecorded_sessions_is_unblocked_once_recorded() -> None:
    patient = ready().build()
    group = evening([member(patient)])
    window = meetings()
    missing = {window[-4]: UNRECORDED, window[-3]: UNRECORDED}  # Thu 5 and Mon 9 Mar
    blocked = suggest(patient, D, book=held(patient, group, on_days(missing)))
    assert blocked.kind is SuggestionKind.CONTINUE
    (attendance,) = [c for c in blocked.step_down_criteria if c.criterion == "attendance"]
    assert not attendance.met
    assert attendance.message == (
        "attendance 100% over 30 days (12 of 12); 2 sessions not recorded: "
        "Thu 5 Mar Evening group, Mon 9 Mar Evening group, needs >= 90%"
    )
    assert attendance.data["not_recorded"] == [
        "Thu 5 Mar Evening group",
        "Mon 9 Mar Evening group",
    ]
    assert blocked.signals["sessions_not_recorded"] == attendance.data["not_recorded"]
    (alert,) = [a for a in blocked.alerts if a.alert == "attendance_not_recorded"]
    assert alert.message.startswith("attendance not recorded for 2 sessions more than 2 days old")
    recorded = suggest(patient, D, book=held(patient, group, on_days({})))
    assert recorded.kind is SuggestionKind.STEP_DOWN
    assert not [a for a in recorded.alerts if a.alert == "attendance_not_recorded"]


def test_todays_session_counts_only_once_recorded() -> None:
    patient = ready().build()
    group = evening([member(patient)])
    later_today = suggest(patient, D, book=held(patient, group, on_days({D: UNRECORDED})))
    assert later_today.kind is SuggestionKind.STEP_DOWN
    assert later_today.signals["attendance_sustained"] == "13/13"
    missed_today = held(patient, group, on_days({D: A, meetings()[0]: A}))
    assert suggest(patient, D, book=missed_today).signals["attendance_sustained"] == "12/14"


def test_unrecorded_alert_waits_more_than_two_days() -> None:
    patient = ready().build()
    group = evening([member(patient)])
    two_days = suggest(patient, D, book=held(patient, group, on_days({day(1): UNRECORDED})))
    assert not [a for a in two_days.alerts if a.alert == "attendance_not_recorded"]
    # still unknown for the criterion, whatever its age
    assert not next(c for c in two_days.step_down_criteria if c.criterion == "attendance").met
    three_days = suggest(patient, D, book=held(patient, group, on_days({day(3): UNRECORDED})))
    (alert,) = [a for a in three_days.alerts if a.alert == "attendance_not_recorded"]
    assert alert.data == {"sessions": ["Mon 9 Mar Evening group"]}


@pytest.mark.parametrize(
    ("misses", "kind"),
    [
        (3, SuggestionKind.INTENSIFY),  # 3/6 = 50%: below 75%, not below 50%
        (1, SuggestionKind.STEP_DOWN),  # 5/6 = 83% over 14 days (13/14 over 30)
        (4, SuggestionKind.STEP_UP),  # 2/6 = 33%: below 50%
    ],
)
def test_low_recent_attendance_steps_up_or_intensifies(misses: int, kind: SuggestionKind) -> None:
    patient = ready().build()
    recent = meetings(days=14)
    book = held(patient, evening([member(patient)]), on_days(dict.fromkeys(recent[:misses], A)))
    assert suggest(patient, D, book=book).kind is kind


def test_rules_that_fire_on_low_attendance_use_recorded_sessions_only() -> None:
    patient = ready().build()
    recent = meetings(days=14)
    outcomes = {**dict.fromkeys(recent[:2], A), **dict.fromkeys(recent[2:5], UNRECORDED)}
    result = suggest(patient, D, book=held(patient, evening([member(patient)]), on_days(outcomes)))
    assert result.kind is SuggestionKind.STEP_UP  # 1 of 3 recorded (today's): 33%, below 50%
    hit = next(h for h in result.fired if h.rule == "step_up.attendance")
    assert hit.message.startswith("attendance 33% over 14 days (1 of 3); 3 sessions not recorded")


def test_a_patient_without_a_schedule_keeps_the_notes_attendance() -> None:
    patient = ready(attended=15, missed=3).build()
    someone_else = Case().build()
    book = held(someone_else, evening([member(someone_else)]), on_days({}))
    with_book = suggest(patient, D, book=book)
    assert with_book == suggest(patient, D)
    assert with_book.signals["attendance_source"] == "notes"
    assert with_book.signals["attendance_sustained"] == "15/18"


# --- hours delivered ------------------------------------------------------------------------


def hours_alerts(patient: Patient, book: SessionBook) -> list[str]:
    return [
        a.message for a in suggest(patient, D, book=book).alerts if a.alert == "hours_below_minimum"
    ]


def test_hours_below_the_minimum_for_two_complete_weeks_alert() -> None:
    patient = ready().build()  # 2.1: minimum 9 h a week; the group gives 9 h when attended
    group = evening([member(patient)])
    full = held(patient, group, on_days({}))
    assert [w.hours for w in compute_signals(patient, D, DEFAULT_POLICY, full).hours_weeks] == [
        9.0,
        9.0,
    ]
    assert hours_alerts(patient, full) == []
    late_twice = held(patient, group, on_days({date(2026, 2, 23): L, date(2026, 3, 2): L}))
    assert hours_alerts(patient, late_twice) == [
        "hours delivered below the level's minimum of 9 h for 2 weeks running: "
        "8.5 h week of Mon 23 Feb, 8.5 h week of Mon 2 Mar"
    ]
    one_week = held(patient, group, on_days({date(2026, 3, 2): A}))
    assert hours_alerts(patient, one_week) == []  # only one week below
    excused = held(patient, group, on_days({date(2026, 2, 23): E, date(2026, 3, 2): E}))
    assert len(hours_alerts(patient, excused)) == 1  # excused: not delivered either
    unknown = held(patient, group, on_days({date(2026, 2, 23): A, date(2026, 3, 2): UNRECORDED}))
    assert hours_alerts(patient, unknown) == []  # a week with an unrecorded session is unknown


def test_hours_count_only_weeks_wholly_in_care() -> None:
    patient = ready(admitted_ago=10).build()  # admitted Mon 2 Mar
    signals = compute_signals(
        patient, D, DEFAULT_POLICY, held(patient, evening([member(patient)]), on_days({}))
    )
    assert [w.start for w in signals.hours_weeks] == [date(2026, 3, 2)]
