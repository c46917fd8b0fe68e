"""Sessions as they happened and who attended them (CLINICAL.md section 8).

A ``Session`` is one dated occurrence of a treatment group or of a patient's individual
appointment, held or cancelled by the program. An ``AttendanceRecord`` says, for one patient
and one session, whether they came. Both are records of the clinic, stored in their own tables.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from tplan.domain.base import SCHEMA_VERSION, Id, Model, Name, ShortText, new_id
from tplan.domain.enums import SessionType
from tplan.domain.schedule import TreatmentGroup


class SessionStatus(StrEnum):
    HELD = "held"
    CANCELLED = "cancelled"
    """Cancelled by the program (holiday, facilitator ill ...): nobody is counted."""


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    LATE = "late"
    LEFT_EARLY = "left_early"
    ABSENT = "absent"
    """Unexcused: a missed session."""
    EXCUSED = "excused"
    CANCELLED = "cancelled"
    """Cancelled by the program for this patient."""

    @property
    def attended(self) -> bool:
        return self in _ATTENDED

    @property
    def counted(self) -> bool:
        """Counts in the attendance rate (attended or missed; not excused or cancelled)."""
        return self in _ATTENDED or self is AttendanceStatus.ABSENT


_ATTENDED = frozenset(
    {AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY}
)

ClockMinutes = Annotated[int, Field(ge=0, le=12 * 60)]


class Session(Model):
    """One dated occurrence: of a group (``group_id``) or of a patient's appointment."""

    schema_version: int = SCHEMA_VERSION
    id: Id = Field(default_factory=lambda: new_id("ss"))
    on: date
    group_id: Id | None = None
    patient_id: Id | None = None
    """For an individual or family appointment."""
    schedule_id: Id | None = None
    """The patient's recurring schedule this appointment comes from (None: a one-off)."""
    session_type: SessionType = SessionType.GROUP
    status: SessionStatus = SessionStatus.HELD
    cancel_reason: ShortText = ""
    topic: ShortText = ""
    start: time
    end: time
    facilitators: list[Name] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Session:
        if (self.group_id is None) == (self.patient_id is None):
            raise ValueError("a session belongs either to a group or to one patient")
        if self.schedule_id is not None and self.patient_id is None:
            raise ValueError("only an individual session comes from a patient's schedule")
        if (self.group_id is not None) != (self.session_type is SessionType.GROUP):
            raise ValueError("a group session has the type group, an appointment another type")
        if self.end <= self.start:
            raise ValueError("the session ends before it starts")
        if self.status is SessionStatus.CANCELLED and not self.cancel_reason.strip():
            raise ValueError("a cancelled session needs a reason")
        if self.status is SessionStatus.HELD and self.cancel_reason:
            raise ValueError("a reason for cancelling was given but the session was held")
        return self

    @property
    def cancelled(self) -> bool:
        return self.status is SessionStatus.CANCELLED

    @property
    def duration_minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)

    @property
    def occurrence(self) -> tuple[str, date]:
        """What this session is an occurrence of, and when: one session per key."""
        return (self.group_id or self.schedule_id or self.id, self.on)


class AttendanceRecord(Model):
    """Whether one patient attended one session, who recorded it and when."""

    schema_version: int = SCHEMA_VERSION
    id: Id = Field(default_factory=lambda: new_id("at"))
    session_id: Id
    patient_id: Id
    status: AttendanceStatus
    late_minutes: ClockMinutes = 0
    left_early_minutes: ClockMinutes = 0
    reason: ShortText = ""
    """Why an absence is excused (illness, court, work)."""
    recorded_by: Name
    recorded_at: datetime

    @model_validator(mode="after")
    def _consistent(self) -> AttendanceRecord:
        status = self.status
        if status is AttendanceStatus.LATE and not self.late_minutes:
            raise ValueError("late: say by how many minutes")
        if status is AttendanceStatus.LEFT_EARLY and not self.left_early_minutes:
            raise ValueError("left early: say how many minutes before the end")
        if not status.attended and (self.late_minutes or self.left_early_minutes):
            raise ValueError("minutes late or early only apply to someone who attended")
        if status is AttendanceStatus.EXCUSED and not self.reason.strip():
            raise ValueError("an excused absence needs a reason (illness, court, work ...)")
        return self

    @property
    def attended(self) -> bool:
        return self.status.attended

    def minutes_attended(self, session: Session) -> int:
        """Minutes of ``session`` this patient was there for (0 when not attended)."""
        if not self.attended or session.cancelled:
            return 0
        return max(0, session.duration_minutes - self.late_minutes - self.left_early_minutes)


class SessionsBundle(Model):
    """The clinic's groups, sessions and attendance in one file (the demo ships one)."""

    as_of: date
    groups: list[TreatmentGroup] = Field(default_factory=list)
    sessions: list[Session] = Field(default_factory=list)
    attendance: list[AttendanceRecord] = Field(default_factory=list)
