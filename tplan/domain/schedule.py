"""How care is scheduled (CLINICAL.md section 8): treatment groups with a weekly pattern and a
dated roster, and a patient's recurring individual sessions.

Dates that end something are exclusive: a member who ``left`` on D, or a schedule ``stopped``
on D, is no longer expected on D. The pattern of a group keeps its history (``schedule`` is a
list of dated patterns), so changing the meeting days never rewrites the weeks before.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from itertools import pairwise
from operator import attrgetter
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator, model_validator

from tplan.domain.base import SCHEMA_VERSION, Id, Model, Name, ShortText, in_force_on, new_id
from tplan.domain.enums import SessionType

Minutes = Annotated[int, Field(ge=5, le=12 * 60)]


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @classmethod
    def of(cls, day: date) -> Weekday:
        return WEEKDAYS[day.weekday()]

    @property
    def label(self) -> str:
        return self.value.capitalize()


WEEKDAYS: tuple[Weekday, ...] = tuple(Weekday)


class TreatmentGroupKind(StrEnum):
    """What a treatment group does (not a mutual-help group such as AA: see ``SupportGroup``)."""

    PSYCHOEDUCATION = "psychoeducation"
    SKILLS = "skills"
    RELAPSE_PREVENTION = "relapse_prevention"
    PROCESS_SUPPORT = "process_support"
    FAMILY = "family"
    OTHER = "other"


def end_time(start: time, minutes: int) -> time:
    """The clock time ``minutes`` after ``start`` (capped at 23:59 so it stays on the day)."""
    end = datetime.combine(date.min, start) + timedelta(minutes=minutes)
    return end.time() if end.date() == date.min else time(23, 59)


class WeeklyPattern(Model):
    """When a group meets from ``start`` on, until the group's next pattern starts."""

    start: date
    weekdays: list[Weekday] = Field(min_length=1)
    start_time: time
    duration_minutes: Minutes

    @field_validator("weekdays")
    @classmethod
    def _in_week_order(cls, days: list[Weekday]) -> list[Weekday]:
        if len(set(days)) != len(days):
            raise ValueError("names a weekday twice")
        return sorted(days, key=WEEKDAYS.index)

    @property
    def end_time(self) -> time:
        return end_time(self.start_time, self.duration_minutes)

    def describe(self) -> str:
        """E.g. ``Mon/Wed/Thu 18:00-21:00``."""
        days = "/".join(day.label for day in self.weekdays)
        return f"{days} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


def _patterns_in_order(patterns: list[WeeklyPattern]) -> list[WeeklyPattern]:
    if not patterns:
        raise ValueError("needs a weekly pattern (weekdays, time and duration)")
    ordered = sorted(patterns, key=lambda p: p.start)
    if len({p.start for p in ordered}) != len(ordered):
        raise ValueError("two weekly patterns start on the same day")
    return ordered


class RosterEntry(Model):
    """One stay of a patient in a group: a member from ``joined`` until the day they ``left``."""

    id: Id = Field(default_factory=lambda: new_id("rm"))
    patient_id: Id
    joined: date
    left: date | None = None

    @model_validator(mode="after")
    def _left_after_joining(self) -> RosterEntry:
        if self.left is not None and self.left <= self.joined:
            raise ValueError("the day a member left must be after the day they joined")
        return self

    def member_on(self, day: date) -> bool:
        return self.joined <= day and (self.left is None or day < self.left)


class TreatmentGroup(Model):
    """A treatment group of the clinic (not of one patient): pattern, facilitators, roster."""

    schema_version: int = SCHEMA_VERSION
    id: Id = Field(default_factory=lambda: new_id("gr"))
    name: Name
    kind: TreatmentGroupKind
    facilitators: list[Name] = Field(min_length=1)
    location: ShortText = ""
    active_from: date
    active_to: date | None = None
    """The last day the group meets, if it has ended."""
    schedule: Annotated[list[WeeklyPattern], AfterValidator(_patterns_in_order)]
    roster: list[RosterEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> TreatmentGroup:
        if self.active_to is not None and self.active_to < self.active_from:
            raise ValueError("the group ends before it starts")
        if self.schedule[0].start > self.active_from:
            raise ValueError("the first weekly pattern starts after the group starts")
        stays: dict[str, list[RosterEntry]] = {}
        for entry in self.roster:
            stays.setdefault(entry.patient_id, []).append(entry)
        for entries in stays.values():
            entries.sort(key=lambda e: e.joined)
            for before, after in pairwise(entries):
                if before.left is None or before.left > after.joined:
                    raise ValueError(
                        f"a member joins on {after.joined.isoformat()} while still on the roster"
                    )
        if len({entry.id for entry in self.roster}) != len(self.roster):
            raise ValueError("a roster entry id is used twice")
        return self

    @property
    def pattern(self) -> WeeklyPattern:
        """The latest weekly pattern."""
        return self.schedule[-1]

    def pattern_on(self, day: date) -> WeeklyPattern | None:
        return in_force_on(self.schedule, day, attrgetter("start"))

    def active_on(self, day: date) -> bool:
        return self.active_from <= day and (self.active_to is None or day <= self.active_to)

    def meets_on(self, day: date) -> bool:
        """The pattern in force puts a meeting on this day (cancellations are sessions)."""
        pattern = self.pattern_on(day)
        return (
            pattern is not None and self.active_on(day) and Weekday.of(day) in pattern.weekdays
        )

    def members_on(self, day: date) -> list[str]:
        """Patient ids on the roster that day, in roster order."""
        return [entry.patient_id for entry in self.roster if entry.member_on(day)]

    def stay_of(self, patient_id: str) -> RosterEntry | None:
        """The patient's open stay (no ``left`` date), if any."""
        return next(
            (e for e in self.roster if e.patient_id == patient_id and e.left is None), None
        )


class IndividualSchedule(Model):
    """A patient's recurring individual (or family) session: a weekday every N weeks."""

    id: Id = Field(default_factory=lambda: new_id("is"))
    session_type: SessionType = SessionType.INDIVIDUAL
    weekday: Weekday
    every_weeks: int = Field(default=1, ge=1, le=8)
    start_time: time
    duration_minutes: Minutes
    clinician: Name
    starts: date
    stopped: date | None = None
    """No session on or after this day."""

    @model_validator(mode="after")
    def _consistent(self) -> IndividualSchedule:
        if self.session_type is SessionType.GROUP:
            raise ValueError("group sessions come from a treatment group, not a patient schedule")
        if self.stopped is not None and self.stopped <= self.starts:
            raise ValueError("the schedule stops before it starts")
        return self

    @property
    def end_time(self) -> time:
        return end_time(self.start_time, self.duration_minutes)

    def first_on(self) -> date:
        """The first session: the first ``weekday`` on or after ``starts``."""
        ahead = (WEEKDAYS.index(self.weekday) - self.starts.weekday()) % 7
        return self.starts + timedelta(days=ahead)

    def occurs_on(self, day: date) -> bool:
        if day < self.starts or (self.stopped is not None and day >= self.stopped):
            return False
        if Weekday.of(day) is not self.weekday:
            return False
        return ((day - self.first_on()).days // 7) % self.every_weeks == 0

    def describe(self) -> str:
        """E.g. ``individual Tue 13:00-14:00 weekly (J. Park)``."""
        every = "weekly" if self.every_weeks == 1 else f"every {self.every_weeks} weeks"
        return (
            f"{self.session_type.value} {self.weekday.label} {self.start_time:%H:%M}-"
            f"{self.end_time:%H:%M} {every} ({self.clinician})"
        )
