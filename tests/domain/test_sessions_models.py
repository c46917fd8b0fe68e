"""Groups, rosters, individual schedules, sessions and attendance: what is accepted, what not."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from pydantic import ValidationError

from tplan.domain import (
    AttendanceRecord,
    AttendanceStatus,
    IndividualSchedule,
    RosterEntry,
    Session,
    SessionStatus,
    SessionType,
    TreatmentGroup,
    TreatmentGroupKind,
    Weekday,
    WeeklyPattern,
    friendly_errors,
)

MON = date(2026, 11, 23)  # a Monday
NOW = datetime(2026, 11, 23, 21, 5, tzinfo=UTC)


def evening_group(**changes: object) -> TreatmentGroup:
    fields: dict[str, object] = {
        "name": "Evening relapse prevention",
        "kind": TreatmentGroupKind.RELAPSE_PREVENTION,
        "facilitators": ["J. Park"],
        "active_from": date(2026, 9, 1),
        "schedule": [
            WeeklyPattern(
                start=date(2026, 9, 1),
                weekdays=[Weekday.THU, Weekday.MON, Weekday.WED],
                start_time=time(18),
                duration_minutes=180,
            )
        ],
    }
    fields.update(changes)
    return TreatmentGroup.model_validate(fields)


def test_pattern_orders_weekdays_and_describes_itself() -> None:
    group = evening_group()
    assert group.pattern.weekdays == [Weekday.MON, Weekday.WED, Weekday.THU]
    assert group.pattern.describe() == "Mon/Wed/Thu 18:00-21:00"
    assert group.meets_on(MON) and not group.meets_on(date(2026, 11, 24))


def test_pattern_history_keeps_the_old_weeks() -> None:
    later = WeeklyPattern(
        start=date(2026, 11, 25), weekdays=[Weekday.TUE], start_time=time(9), duration_minutes=60
    )
    group = evening_group(schedule=[*evening_group().schedule, later])
    assert group.meets_on(MON)  # Monday before the change
    assert not group.meets_on(date(2026, 11, 30))  # Monday after it
    assert group.meets_on(date(2026, 12, 1))


def test_group_outside_its_active_dates_does_not_meet() -> None:
    group = evening_group(active_to=date(2026, 11, 22))
    assert not group.meets_on(MON)
    assert not group.meets_on(date(2026, 8, 31))


def test_roster_as_of_a_day_respects_join_and_leave() -> None:
    group = evening_group(
        roster=[
            RosterEntry(patient_id="pt-a", joined=date(2026, 11, 1)),
            RosterEntry(patient_id="pt-b", joined=date(2026, 11, 1), left=MON),
            RosterEntry(patient_id="pt-c", joined=MON),
        ]
    )
    assert group.members_on(MON) == ["pt-a", "pt-c"]
    assert group.members_on(date(2026, 11, 22)) == ["pt-a", "pt-b"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"weekdays": ["mon", "mon"]}, "weekday twice"),
        ({"weekdays": []}, "at least 1"),
        ({"duration_minutes": 0}, "must be at least 5"),
    ],
)
def test_bad_patterns_are_refused(changes: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "start": MON,
        "weekdays": ["mon"],
        "start_time": "18:00",
        "duration_minutes": 60,
    }
    with pytest.raises(ValidationError) as caught:
        WeeklyPattern.model_validate({**fields, **changes})
    assert message in " ".join(friendly_errors(caught.value))


def test_overlapping_stays_and_bad_dates_are_refused() -> None:
    with pytest.raises(ValidationError, match="still on the roster"):
        evening_group(
            roster=[
                RosterEntry(patient_id="pt-a", joined=date(2026, 11, 1)),
                RosterEntry(patient_id="pt-a", joined=MON),
            ]
        )
    with pytest.raises(ValidationError, match="after the day they joined"):
        RosterEntry(patient_id="pt-a", joined=MON, left=MON)
    with pytest.raises(ValidationError, match="ends before it starts"):
        evening_group(active_to=date(2026, 8, 1))
    with pytest.raises(ValidationError, match="at least 1"):
        evening_group(facilitators=[])
    with pytest.raises(ValidationError, match="Extra inputs"):
        evening_group(colour="red")


def test_a_member_may_rejoin_after_leaving() -> None:
    group = evening_group(
        roster=[
            RosterEntry(patient_id="pt-a", joined=date(2026, 10, 1), left=date(2026, 10, 15)),
            RosterEntry(patient_id="pt-a", joined=MON),
        ]
    )
    assert group.members_on(date(2026, 10, 20)) == []
    assert group.members_on(MON) == ["pt-a"]
    assert group.stay_of("pt-a") is group.roster[1]


def test_individual_schedule_every_two_weeks() -> None:
    schedule = IndividualSchedule(
        weekday=Weekday.TUE,
        every_weeks=2,
        start_time=time(13),
        duration_minutes=50,
        clinician="J. Park",
        starts=date(2026, 11, 20),  # a Friday: the first session is Tue 24 Nov
        stopped=date(2026, 12, 22),
    )
    days = [date(2026, 11, 24), date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 15)]
    assert [schedule.occurs_on(day) for day in days] == [True, False, True, False]
    assert not schedule.occurs_on(date(2026, 12, 22))  # stopped that day
    assert schedule.describe() == "individual Tue 13:00-13:50 every 2 weeks (J. Park)"
    with pytest.raises(ValidationError, match="from a treatment group"):
        schedule.model_copy(update={}).model_validate(
            {**schedule.model_dump(), "session_type": SessionType.GROUP}
        )


def test_session_belongs_to_a_group_or_a_patient_and_cancellation_needs_a_reason() -> None:
    held = Session(on=MON, group_id="gr-evening", start=time(18), end=time(21), topic="HALT")
    assert held.duration_minutes == 180 and held.occurrence == ("gr-evening", MON)
    with pytest.raises(ValidationError, match="either to a group or to one patient"):
        Session(on=MON, start=time(18), end=time(21))
    with pytest.raises(ValidationError, match="needs a reason"):
        Session(
            on=MON, group_id="gr-x", start=time(18), end=time(21), status=SessionStatus.CANCELLED
        )
    with pytest.raises(ValidationError, match="ends before it starts"):
        Session(on=MON, group_id="gr-x", start=time(18), end=time(17))
    with pytest.raises(ValidationError, match="has the type group"):
        Session(on=MON, patient_id="pt-a", start=time(13), end=time(14))
    individual = Session(
        on=MON,
        patient_id="pt-a",
        schedule_id="is-1",
        session_type=SessionType.INDIVIDUAL,
        start=time(13),
        end=time(14),
    )
    assert individual.occurrence == ("is-1", MON)


def record(status: AttendanceStatus, **changes: object) -> AttendanceRecord:
    fields: dict[str, object] = {
        "session_id": "ss-1",
        "patient_id": "pt-a",
        "status": status,
        "recorded_by": "J. Park",
        "recorded_at": NOW,
    }
    return AttendanceRecord.model_validate({**fields, **changes})


def test_attendance_statuses_and_minutes_attended() -> None:
    session = Session(on=MON, group_id="gr-x", start=time(18), end=time(21))
    assert record(AttendanceStatus.PRESENT).minutes_attended(session) == 180
    late = record(AttendanceStatus.LATE, late_minutes=20, left_early_minutes=10)
    assert late.attended and late.minutes_attended(session) == 150
    assert record(AttendanceStatus.ABSENT).minutes_attended(session) == 0
    assert AttendanceStatus.ABSENT.counted and not AttendanceStatus.EXCUSED.counted
    assert not AttendanceStatus.CANCELLED.counted


@pytest.mark.parametrize(
    ("status", "changes", "message"),
    [
        (AttendanceStatus.LATE, {}, "by how many minutes"),
        (AttendanceStatus.LEFT_EARLY, {}, "how many minutes before the end"),
        (AttendanceStatus.ABSENT, {"late_minutes": 5}, "only apply to someone who attended"),
        (AttendanceStatus.EXCUSED, {}, "needs a reason"),
        (AttendanceStatus.PRESENT, {"recorded_by": ""}, "must not be empty"),
        (AttendanceStatus.EXCUSED, {"reason": "court\x07"}, "control character"),
    ],
)
def test_bad_attendance_is_refused_with_a_sentence(
    status: AttendanceStatus, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        record(status, **changes)
    assert message in " ".join(friendly_errors(caught.value))
