"""A level change fits the patient's group memberships (both backends): the groups they are on
from its date with the hours each adds, the fewest to leave so the hours fit, free-day groups
for an intensification, and several rosters saved as one transaction."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from pydantic import ValidationError
from services_factories import ADMITTED, TODAY, patient

from tplan.domain import (
    AttendanceStatus,
    LevelChange,
    LevelCode,
    RosterEntry,
    TreatmentGroup,
    TreatmentGroupKind,
    Weekday,
    WeeklyPattern,
)
from tplan.services import Mark, SessionKey, Workspace

EVENINGS = [Weekday.MON, Weekday.WED, Weekday.THU]


def member(pid: str, joined: date = ADMITTED) -> RosterEntry:
    return RosterEntry(patient_id=pid, joined=joined)


def group(name: str, days: list[Weekday], minutes: int, *stays: RosterEntry) -> TreatmentGroup:
    return TreatmentGroup(
        name=name,
        kind=TreatmentGroupKind.SKILLS,
        facilitators=["J. Park"],
        active_from=ADMITTED,
        schedule=[
            WeeklyPattern(
                start=ADMITTED, weekdays=days, start_time=time(9), duration_minutes=minutes
            )
        ],
        roster=list(stays),
    )


def step(ws: Workspace, pid: str, level: LevelCode, hours: float) -> None:
    ws.change_level(
        pid, LevelChange(start=TODAY, level=level, days_per_week=2, hours_per_week=hours)
    )


def test_a_step_down_proposes_the_fewest_groups_whose_leaving_fits(workspace: Workspace) -> None:
    pid = workspace.admit(patient()).id
    # Thu 12 Mar .. Wed 18 Mar: the evening group 9 h, family 1.5 h, Saturday's 2 h (joined
    # after the change's date: that stay never begins, it is taken off the roster)
    evening = workspace.save_group(group("Evening", EVENINGS, 180, member(pid)))
    family = workspace.save_group(group("Family", [Weekday.TUE], 90, member(pid)))
    later = member(pid, TODAY + timedelta(days=2))
    saturday = workspace.save_group(group("Saturday", [Weekday.SAT], 120, later))
    step(workspace, pid, LevelCode.L1, 1.5)

    fit = workspace.group_fit(pid)
    assert fit is not None and (fit.on, fit.hours, fit.level_hours) == (TODAY, 12.5, 1.5)
    offered = {c.group.name: (c.hours, c.ticked) for c in fit.leave}
    assert offered == {"Evening": (9, True), "Family": (1.5, False), "Saturday": (2, True)}
    assert fit.join == ()
    assert not fit.fits_after({evening.id}) and fit.fits_after({evening.id, saturday.id})

    workspace.fit_groups(pid, fit.on, {evening.id, saturday.id})
    assert [(e.joined, e.left) for e in workspace.group(evening.id).roster] == [(ADMITTED, TODAY)]
    assert workspace.group(saturday.id).roster == []
    assert workspace.group(family.id).members_on(TODAY + timedelta(days=5)) == [pid]
    assert workspace.schedule_mismatch(workspace.patient(pid)) is None
    assert workspace.group_fit(pid) is None  # fits now: nothing more to offer


def test_no_choice_that_fits_is_never_pre_ticked(workspace: Workspace) -> None:
    pid = workspace.admit(patient()).id
    workspace.save_group(group("Evening", EVENINGS, 180, member(pid)))
    step(workspace, pid, LevelCode.L1, 4)
    fit = workspace.group_fit(pid)
    assert fit is not None and [(c.hours, c.ticked) for c in fit.leave] == [(9, False)]


def test_an_intensification_offers_groups_on_free_days_ticking_none(workspace: Workspace) -> None:
    pid = workspace.admit(patient()).id
    workspace.save_group(group("Family", [Weekday.TUE], 90, member(pid)))
    evening = workspace.save_group(group("Evening", EVENINGS, 180))
    workspace.save_group(group("Tuesday skills", [Weekday.TUE, Weekday.FRI], 120))  # Tue taken
    step(workspace, pid, LevelCode.L2_1, 10.5)
    fit = workspace.group_fit(pid)
    assert fit is not None
    assert [(c.group.name, c.hours, c.ticked) for c in fit.join] == [("Evening", 9, False)]
    assert [c.ticked for c in fit.leave] == [False]
    workspace.fit_groups(pid, fit.on, (), {evening.id})
    assert workspace.group(evening.id).members_on(TODAY) == [pid]
    assert workspace.schedule_mismatch(workspace.patient(pid)) is None


def test_several_rosters_are_saved_all_or_none(workspace: Workspace) -> None:
    pid = workspace.admit(patient()).id
    first = workspace.save_group(group("First", [Weekday.MON], 60, member(pid)))
    second = workspace.save_group(group("Second", [Weekday.TUE], 60, member(pid)))
    left = first.model_copy(update={"roster": [first.roster[0].model_copy(update={"left": TODAY})]})
    broken = second.model_copy(  # skips validation: a stay that ends before it begins
        update={"roster": [second.roster[0].model_copy(update={"left": ADMITTED})]}
    )
    with pytest.raises(ValidationError):
        workspace.repo.save_groups([left, broken], "fit groups to level")
    assert workspace.group(first.id).roster[0].left is None  # the first was not saved either
    saved = workspace.repo.save_groups([left, second], "fit groups to level")
    assert [g.roster[0].left for g in saved] == [TODAY, None]
    assert workspace.group(first.id).roster[0].left == TODAY


def test_a_recorded_session_on_the_day_keeps_its_member_until_the_next(
    workspace: Workspace,
) -> None:
    pid = workspace.admit(patient()).id
    evening = workspace.save_group(group("Evening", EVENINGS, 180, member(pid)))
    tonight = workspace.session(SessionKey(evening.id, TODAY))
    workspace.record_attendance(tonight, {pid: Mark(AttendanceStatus.PRESENT)})
    step(workspace, pid, LevelCode.L1, 3)
    fit = workspace.group_fit(pid)
    assert fit is not None
    (choice,) = fit.leave
    assert (choice.from_day, choice.attended, choice.hours, choice.ticked) == (
        TODAY + timedelta(days=1), TODAY, 6, True  # tonight's 3 h stay: 3 h fits
    )
    workspace.fit_groups(pid, fit.on, {evening.id})
    (stay,) = workspace.group(evening.id).roster
    assert stay.left == TODAY + timedelta(days=1)
    assert [p.id for p in workspace.session_roster(tonight)] == [pid]
