"""Fitting a patient's group memberships to a level change: which groups they are on from the
change's effective date, the hours each adds in the week from then, which to leave so the
expected sessions' hours fit the new level (a step-down), or which groups meet on their free
days (an intensification); the counselor's answer is saved as one transaction."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations
from typing import TYPE_CHECKING

from tplan.clinical import ExpectedSession, scheduled_hours
from tplan.domain import Patient, TreatmentGroup, Weekday
from tplan.services.errors import ServiceError
from tplan.services.sessions import hours_match, without_member

if TYPE_CHECKING:
    from tplan.services.clock import Clock
    from tplan.store import PatientStore

MOST_GROUPS_WEIGHED = 8
"""Groups a patient is on whose every combination is weighed for the pre-ticked choice."""


@dataclass(frozen=True, slots=True)
class GroupChoice:
    """A group the patient may leave (or join) from the change's date."""

    group: TreatmentGroup
    hours: float
    """Hours its sessions add in the 7 days from the change's date."""
    ticked: bool = False
    """Proposed: leaving it makes the hours fit (joining is never proposed)."""
    from_day: date | None = None
    """The day the stay ends (or begins): the change's date, or for leaving the day after the
    patient's last session of the group with attendance recorded on or after it (a recorded
    session keeps its member)."""
    attended: date | None = None
    """That last recorded session's day, if it moved ``from_day``."""


@dataclass(frozen=True, slots=True)
class GroupFit:
    """The patient's groups against the level in force from ``on``."""

    on: date
    level_hours: float
    hours: float
    """The expected sessions' hours in the 7 days from ``on``, as ``schedule_mismatch``."""
    leave: tuple[GroupChoice, ...]
    join: tuple[GroupChoice, ...] = ()

    def hours_after(self, leaving: Collection[str], joining: Collection[str] = ()) -> float:
        gone = sum(c.hours for c in self.leave if c.group.id in leaving)
        added = sum(c.hours for c in self.join if c.group.id in joining)
        return round(self.hours - gone + added, 2)

    def fits_after(self, leaving: Collection[str], joining: Collection[str] = ()) -> bool:
        return hours_match(self.hours_after(leaving, joining), self.level_hours)


def proposed_leaving(hours: float, level_hours: float, groups: Sequence[GroupChoice]) -> set[str]:
    """The fewest groups whose leaving makes the hours fit (the closest fit among as few);
    none when no choice fits: a guess is never pre-ticked."""
    weighed = groups[:MOST_GROUPS_WEIGHED]
    for size in range(1, len(weighed) + 1):
        fitting = [
            combo
            for combo in combinations(weighed, size)
            if hours_match(hours - sum(c.hours for c in combo), level_hours)
        ]
        if fitting:
            best = min(fitting, key=lambda cs: abs(hours - sum(c.hours for c in cs) - level_hours))
            return {c.group.id for c in best}
    return set()


def leave_day(on: date, attended: date | None) -> date:
    """The day a stay ends: ``on``, or the day after a session on or after it at which the
    patient's attendance is recorded (so that record keeps its member)."""
    return on if attended is None else max(on, attended + timedelta(days=1))


def week_hours(group: TreatmentGroup, on: date) -> float:
    """Hours the group meets in the 7 days from ``on`` by its pattern."""
    days = (on + timedelta(days=n) for n in range(7))
    minutes = sum(
        pattern.duration_minutes
        for day in days
        if group.meets_on(day) and (pattern := group.pattern_on(day)) is not None
    )
    return round(minutes / 60, 2)


class GroupFitUseCases:
    """Mixed into ``Workspace``."""

    repo: PatientStore
    clock: Clock
    patient: Callable[[str], Patient]
    week_expected: Callable[[Patient, date], list[ExpectedSession] | None]
    with_member: Callable[[TreatmentGroup, str, date], TreatmentGroup]

    def group_fit(self, pid: str) -> GroupFit | None:
        """The patient's groups against their latest level (from its start); None when the
        patient has no schedule or the hours already fit."""
        patient = self.patient(pid)
        if not patient.level_history:
            return None
        level = patient.level_history[-1]
        on = level.start
        week = self.week_expected(patient, on)
        if week is None:
            return None
        hours = scheduled_hours(week)
        if hours_match(hours, level.hours_per_week):
            return None
        groups = self.repo.groups()
        mine = [g for g in groups if self._on_from(g, pid, on)]
        recorded = self._recorded_days(pid, on)
        leave = []
        for g in mine:
            attended = recorded.get(g.id)
            left = leave_day(on, attended)
            adds = scheduled_hours(e for e in week if e.group_id == g.id and e.on >= left)
            leave.append(GroupChoice(g, adds, False, left, attended))
        ticked = (
            proposed_leaving(hours, level.hours_per_week, leave)
            if hours > level.hours_per_week
            else set()
        )
        join: list[GroupChoice] = []
        if hours < level.hours_per_week:
            busy = {Weekday.of(e.on) for e in week}
            join = [
                GroupChoice(g, week_hours(g, on), False, on)
                for g in groups
                if g not in mine and g.active_on(on) and not busy & set(pattern_days(g, on))
            ]
        return GroupFit(
            on,
            level.hours_per_week,
            hours,
            tuple(
                GroupChoice(c.group, c.hours, c.group.id in ticked, c.from_day, c.attended)
                for c in leave
            ),
            tuple(join),
        )

    @staticmethod
    def _on_from(group: TreatmentGroup, pid: str, on: date) -> bool:
        """The patient is on the roster on or after ``on`` and the group still meets then."""
        still_meets = group.active_to is None or group.active_to >= on
        return still_meets and any(
            e.patient_id == pid and (e.left is None or e.left > on) for e in group.roster
        )

    def _recorded_days(self, pid: str, on: date) -> dict[str, date]:
        """Group id -> the last day from ``on`` to today with the patient's attendance
        recorded at one of its sessions."""
        sessions = [
            s for s in self.repo.sessions_between(on, max(on, self.clock.today())) if s.group_id
        ]
        by_id = {s.id: s for s in sessions}
        days: dict[str, date] = {}
        for record in self.repo.attendance_for(by_id):
            if record.patient_id == pid:
                session = by_id[record.session_id]
                assert session.group_id is not None
                days[session.group_id] = max(session.on, days.get(session.group_id, session.on))
        return days

    def fit_groups(
        self, pid: str, on: date, leaving: Collection[str], joining: Collection[str] = ()
    ) -> list[TreatmentGroup]:
        """Leave and join groups from ``on`` (a group left after a session on or after ``on``
        with the patient's attendance recorded: from the day after it), all in one
        transaction (none saved if one fails)."""
        by_id = {g.id: g for g in self.repo.groups()}
        unknown = sorted((set(leaving) | set(joining)) - set(by_id))
        if unknown:
            raise ServiceError("a group was removed meanwhile: reopen the patient and retry")
        recorded = self._recorded_days(pid, on)
        changed = [
            without_member(by_id[gid], pid, leave_day(on, recorded.get(gid))) for gid in leaving
        ]
        changed += [self.with_member(by_id[gid], pid, on) for gid in joining]
        return self.repo.save_groups(changed, "fit groups to level") if changed else []


def pattern_days(group: TreatmentGroup, on: date) -> list[Weekday]:
    """The weekdays the group meets in the week from ``on``."""
    days = (on + timedelta(days=n) for n in range(7))
    return [Weekday.of(day) for day in days if group.meets_on(day)]
