"""Expected sessions (CLINICAL.md section 8): which scheduled sessions a patient should have
attended on each day of a range, and what was recorded for each.

A patient's expected sessions on a day are the sessions of the groups whose roster holds them
that day (the group's weekly pattern in force that day, plus any extra session stored for the
group) and their individual appointments (recurring schedules and one-off sessions). Only days
in care count: from admission up to the day before discharge. A stored session cancelled by the
program stays in the list, marked cancelled, and is never counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from enum import StrEnum

from tplan.domain import (
    AttendanceRecord,
    AttendanceStatus,
    IndividualSchedule,
    Patient,
    RosterEntry,
    Session,
    SessionType,
    TreatmentGroup,
)


class Outcome(StrEnum):
    ATTENDED = "attended"
    MISSED = "missed"
    EXCUSED = "excused"
    CANCELLED = "cancelled"
    UNRECORDED = "unrecorded"


_OUTCOME = {
    AttendanceStatus.PRESENT: Outcome.ATTENDED,
    AttendanceStatus.LATE: Outcome.ATTENDED,
    AttendanceStatus.LEFT_EARLY: Outcome.ATTENDED,
    AttendanceStatus.ABSENT: Outcome.MISSED,
    AttendanceStatus.EXCUSED: Outcome.EXCUSED,
    AttendanceStatus.CANCELLED: Outcome.CANCELLED,
}


@dataclass(frozen=True, slots=True)
class ExpectedSession:
    """One session a patient was expected at, with what is known about it."""

    on: date
    patient_id: str
    occurrence: str
    """The group id or individual schedule id (or the one-off session's id)."""
    label: str
    """The group's name, or ``individual`` / ``family``."""
    start: time
    end: time
    session: Session | None
    """The stored session, once it was recorded (held or cancelled)."""
    record: AttendanceRecord | None
    group_id: str | None = None
    session_type: SessionType = SessionType.GROUP

    @property
    def outcome(self) -> Outcome:
        if self.session is not None and self.session.cancelled:
            return Outcome.CANCELLED
        if self.record is None:
            return Outcome.UNRECORDED
        return _OUTCOME[self.record.status]

    @property
    def scheduled_minutes(self) -> int:
        """The session's length as scheduled (0 when it ends before it starts)."""
        start = self.start.hour * 60 + self.start.minute
        return max(0, self.end.hour * 60 + self.end.minute - start)

    @property
    def minutes_attended(self) -> int:
        if self.record is None or self.session is None:
            return 0
        return self.record.minutes_attended(self.session)

    def describe(self) -> str:
        """E.g. ``Mon 23 Nov Evening relapse prevention``."""
        return f"{self.on:%a} {self.on.day} {self.on:%b} {self.label}"


@dataclass(slots=True)
class SessionBook:
    """The clinic's groups, sessions and attendance, indexed for many patients at once."""

    groups: dict[str, TreatmentGroup] = field(default_factory=dict)
    groups_of: dict[str, list[TreatmentGroup]] = field(default_factory=dict)
    group_sessions: dict[tuple[str, date], Session] = field(default_factory=dict)
    """(group id, day) -> session; also (individual schedule id, day)."""
    one_offs: dict[str, list[Session]] = field(default_factory=dict)
    """Individual sessions of a patient, by patient id."""
    records: dict[tuple[str, str], AttendanceRecord] = field(default_factory=dict)
    """(session id, patient id) -> attendance."""
    _meets: dict[tuple[str, date], bool] = field(default_factory=dict)
    """Memo of ``group.meets_on(day)``: many patients share a group."""

    def meets(self, group: TreatmentGroup, day: date) -> bool:
        key = (group.id, day)
        found = self._meets.get(key)
        if found is None:
            found = self._meets[key] = group.meets_on(day)
        return found

    @classmethod
    def build(
        cls,
        groups: Iterable[TreatmentGroup],
        sessions: Iterable[Session],
        attendance: Iterable[AttendanceRecord],
    ) -> SessionBook:
        book = cls()
        for group in groups:
            book.groups[group.id] = group
            for member in dict.fromkeys(entry.patient_id for entry in group.roster):
                book.groups_of.setdefault(member, []).append(group)
        for session in sessions:
            if session.group_id is not None or session.schedule_id is not None:
                book.group_sessions[session.occurrence] = session
            if session.patient_id is not None:
                book.one_offs.setdefault(session.patient_id, []).append(session)
        for record in attendance:
            book.records[(record.session_id, record.patient_id)] = record
        return book

    def has_schedule(self, patient: Patient) -> bool:
        """Whether the patient was ever scheduled (else the notes' attendance is used)."""
        return bool(
            self.groups_of.get(patient.id)
            or patient.individual_schedules
            or self.one_offs.get(patient.id)
        )

    def expected(self, patient: Patient, first: date, last: date) -> list[ExpectedSession]:
        """The patient's expected sessions dated ``first`` .. ``last``, in time order."""
        start = max(first, patient.admission_date)
        end = last
        if patient.discharge is not None:
            end = min(end, patient.discharge.on - timedelta(days=1))
        found: list[ExpectedSession] = []
        stays = [
            (group, [e for e in group.roster if e.patient_id == patient.id])
            for group in self.groups_of.get(patient.id, [])
        ]
        individual_days = {
            (session.schedule_id, session.on) for session in self.one_offs.get(patient.id, ())
        }
        day = start
        while day <= end:
            for group, entries in stays:
                if not any(e.member_on(day) for e in entries):
                    continue
                session = self.group_sessions.get((group.id, day))
                if session is not None or self.meets(group, day):
                    found.append(self._group_entry(patient.id, group, day, session))
            for schedule in patient.individual_schedules:
                if schedule.occurs_on(day) and (schedule.id, day) not in individual_days:
                    found.append(self._scheduled_entry(patient.id, schedule, day))
            day += timedelta(days=1)
        for session in self.one_offs.get(patient.id, ()):
            if start <= session.on <= end:
                found.append(self._entry(patient.id, session, session.session_type.value))
        return sorted(found, key=lambda e: (e.on, e.start, e.label))

    def expected_by_patient(
        self, patients: Iterable[Patient], first: date, last: date
    ) -> dict[str, list[ExpectedSession]]:
        """``expected(patient, first, last)`` for many patients at once, by patient id.

        Each group's days are walked once for all its members, rather than once per member:
        the Today agenda needs every active patient's month. Same lists, same order, as
        ``expected`` gives one patient at a time (the same entries, stably sorted by the same
        key from the same relative order: group order, then schedules, then one-offs).
        """
        chosen = {p.id: p for p in patients}
        spans: dict[str, tuple[date, date]] = {}
        for pid, patient in chosen.items():
            end = last
            if patient.discharge is not None:
                end = min(end, patient.discharge.on - timedelta(days=1))
            spans[pid] = (max(first, patient.admission_date), end)
        found: dict[str, list[ExpectedSession]] = {pid: [] for pid in chosen}
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        for group in self.groups.values():
            stays: dict[str, list[RosterEntry]] = {}
            for entry in group.roster:
                if entry.patient_id in chosen:
                    stays.setdefault(entry.patient_id, []).append(entry)
            if not stays:
                continue
            for day in days:
                session = self.group_sessions.get((group.id, day))
                if session is None and not self.meets(group, day):
                    continue
                for pid, entries in stays.items():
                    start, end = spans[pid]
                    if start <= day <= end and any(e.member_on(day) for e in entries):
                        found[pid].append(self._group_entry(pid, group, day, session))
        for pid, patient in chosen.items():
            start, end = spans[pid]
            one_offs = self.one_offs.get(pid, ())
            if patient.individual_schedules:
                booked = {(session.schedule_id, session.on) for session in one_offs}
                for day in days:
                    if not start <= day <= end:
                        continue
                    for schedule in patient.individual_schedules:
                        if schedule.occurs_on(day) and (schedule.id, day) not in booked:
                            found[pid].append(self._scheduled_entry(pid, schedule, day))
            for session in one_offs:
                if start <= session.on <= end:
                    found[pid].append(self._entry(pid, session, session.session_type.value))
            found[pid].sort(key=lambda e: (e.on, e.start, e.label))
        return found

    def _group_entry(
        self, patient_id: str, group: TreatmentGroup, day: date, session: Session | None
    ) -> ExpectedSession:
        if session is not None:
            return self._entry(patient_id, session, group.name)
        pattern = group.pattern_on(day)
        assert pattern is not None  # meets_on(day) held
        return ExpectedSession(
            on=day,
            patient_id=patient_id,
            occurrence=group.id,
            label=group.name,
            start=pattern.start_time,
            end=pattern.end_time,
            session=None,
            record=None,
            group_id=group.id,
        )

    def _scheduled_entry(
        self, patient_id: str, schedule: IndividualSchedule, day: date
    ) -> ExpectedSession:
        return ExpectedSession(
            on=day,
            patient_id=patient_id,
            occurrence=schedule.id,
            label=schedule.session_type.value,
            start=schedule.start_time,
            end=schedule.end_time,
            session=None,
            record=None,
            session_type=schedule.session_type,
        )

    def _entry(self, patient_id: str, session: Session, label: str) -> ExpectedSession:
        return ExpectedSession(
            on=session.on,
            patient_id=patient_id,
            occurrence=session.occurrence[0],
            label=label,
            start=session.start,
            end=session.end,
            session=session,
            record=self.records.get((session.id, patient_id)),
            group_id=session.group_id,
            session_type=session.session_type,
        )


def scheduled_hours(entries: Iterable[ExpectedSession]) -> float:
    """Hours of the sessions a patient is expected at (those cancelled by the program left
    out): what the schedule gives, to hold against the level's scheduled hours."""
    minutes = sum(e.scheduled_minutes for e in entries if e.outcome is not Outcome.CANCELLED)
    return round(minutes / 60, 2)
