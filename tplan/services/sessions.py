"""Use cases of the IOP week: treatment groups and rosters, individual schedules, sessions,
attendance (a whole roster in one transaction) and the day's agenda.

``SessionUseCases`` is mixed into ``Workspace``: it uses the workspace's repository, clock,
policy and clinician. Record rules live in the domain models (validated on every save); the
checks here are the ones that need other records (does the patient exist, is this member on
the roster that day).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from tplan.clinical import ExpectedSession, Policy, SessionBook, scheduled_hours
from tplan.domain import (
    AttendanceRecord,
    AttendanceStatus,
    IndividualSchedule,
    Patient,
    ProgressNote,
    RosterEntry,
    Session,
    SessionStatus,
    TreatmentGroup,
    WeeklyPattern,
)
from tplan.domain.rules import signing_time_problem
from tplan.services.agenda import (
    Agenda,
    AgendaSession,
    NoteIndex,
    SessionKey,
    agenda_sessions,
    worklist,
)
from tplan.services.errors import RecordNotFound, ServiceError
from tplan.services.week import Week, monday_of, week_of

if TYPE_CHECKING:
    from tplan.services.clock import Clock
    from tplan.store import PatientStore

BOOK_DAYS = 42
"""Days of sessions read for a suggestion: the sustained window and the last complete weeks."""


HOURS_TOLERANCE = 0.5
"""Scheduled hours this close to the level's hours a week match it."""


def hours_match(hours: float, level_hours: float) -> bool:
    """The expected sessions' hours fit the level's scheduled hours a week."""
    return abs(hours - level_hours) < HOURS_TOLERANCE


@dataclass(frozen=True, slots=True)
class Mark:
    """What the counselor marked for one member: a status, and minutes or a reason if needed."""

    status: AttendanceStatus
    late_minutes: int = 0
    left_early_minutes: int = 0
    reason: str = ""


def without_member(group: TreatmentGroup, pid: str, left: date) -> TreatmentGroup:
    """The group with the patient's stay ended on ``left`` (not saved). A stay that begins
    on or after ``left`` never began: it is taken off the roster (a member leaves after the
    day they joined)."""
    stay = next(
        (e for e in group.roster if e.patient_id == pid and (e.left is None or e.left > left)),
        None,
    )
    if stay is None:
        raise RecordNotFound("current member", pid)
    roster = [
        e.model_copy(update={"left": left}) if e.id == stay.id else e
        for e in group.roster
        if e.id != stay.id or stay.joined < left
    ]
    return TreatmentGroup.model_validate(
        {**group.model_dump(), "roster": [e.model_dump() for e in roster]}
    )


class SessionUseCases:
    """Groups, schedules, sessions, attendance and the agenda (mixed into ``Workspace``)."""

    repo: PatientStore
    clock: Clock
    policy: Policy
    clinician: str
    patients: Callable[..., list[Patient]]
    _upsert_field: Callable[..., Patient]
    _change: Callable[..., Patient]

    # --- groups and rosters --------------------------------------------------------------

    def groups(self) -> list[TreatmentGroup]:
        """Every treatment group (ended ones too), by name."""
        return self.repo.groups()

    def group(self, gid: str) -> TreatmentGroup:
        return self.repo.get_group(gid)

    def save_group(self, group: TreatmentGroup) -> TreatmentGroup:
        """Create or edit a group (schedule, facilitators, roster); members must be patients."""
        unknown = sorted({e.patient_id for e in group.roster if e.patient_id not in self.repo})
        if unknown:
            raise RecordNotFound("patient", unknown[0])
        known = {g.id for g in self.repo.groups()}
        return self.repo.save_group(group, "edit group" if group.id in known else "create group")

    def change_group_schedule(self, gid: str, pattern: WeeklyPattern) -> TreatmentGroup:
        """A new weekly pattern from ``pattern.start`` on; the weeks before keep the old one."""
        group = self.group(gid)
        kept = [p for p in group.schedule if p.start != pattern.start]
        changed = TreatmentGroup.model_validate(
            {**group.model_dump(), "schedule": [*kept, pattern]}
        )
        return self.repo.save_group(changed, "change group schedule")

    def add_member(self, gid: str, pid: str, joined: date) -> TreatmentGroup:
        changed = self.with_member(self.group(gid), pid, joined)
        return self.repo.save_group(changed, "add group member")

    def with_member(self, group: TreatmentGroup, pid: str, joined: date) -> TreatmentGroup:
        """The group with the patient on its roster from ``joined`` (not saved)."""
        patient = self.repo.get(pid)
        if patient.discharge is not None and joined >= patient.discharge.on:
            raise ServiceError("the patient is discharged on that day; they cannot join a group")
        entry = RosterEntry(patient_id=pid, joined=joined)
        return TreatmentGroup.model_validate(
            {**group.model_dump(), "roster": [*(e.model_dump() for e in group.roster), entry]}
        )

    def remove_member(self, gid: str, pid: str, left: date) -> TreatmentGroup:
        """End the patient's open stay: no longer expected from ``left`` on."""
        return self.repo.save_group(
            without_member(self.group(gid), pid, left), "remove group member"
        )

    # --- individual schedules ------------------------------------------------------------

    def save_individual_schedule(self, pid: str, schedule: IndividualSchedule) -> Patient:
        return self._upsert_field(
            pid, "individual_schedules", schedule, "schedule individual sessions"
        )

    def stop_individual_schedule(self, pid: str, schedule_id: str, on: date) -> Patient:
        """No more sessions from ``on``; the schedule stays for the weeks before."""
        patient = self.repo.get(pid)
        schedule = next((s for s in patient.individual_schedules if s.id == schedule_id), None)
        if schedule is None:
            raise RecordNotFound("individual schedule", schedule_id)
        stopped = IndividualSchedule.model_validate({**schedule.model_dump(), "stopped": on})
        return self.save_individual_schedule(pid, stopped)

    # --- sessions ------------------------------------------------------------------------

    def session_book(self, first: date, last: date) -> SessionBook:
        """The clinic's groups and the sessions (with attendance) dated ``first`` .. ``last``."""
        sessions = self.repo.sessions_between(first, last)
        attendance = self.repo.attendance_for(s.id for s in sessions)
        return SessionBook.build(self.repo.groups(), sessions, attendance)

    def book_for(self, as_of: date) -> SessionBook:
        """What the rules need for a suggestion as of ``as_of``."""
        return self.session_book(as_of - timedelta(days=BOOK_DAYS), as_of)

    def expected_sessions(self, pid: str, first: date, last: date) -> list[ExpectedSession]:
        return self.session_book(first, last).expected(self.repo.get(pid), first, last)

    def sessions_on(self, pid: str, day: date | None = None) -> list[ExpectedSession]:
        """The patient's sessions of the day (e.g. for linking a note to its session)."""
        on = day or self.clock.today()
        return self.expected_sessions(pid, on, on)

    def session(self, key: SessionKey) -> Session:
        """The stored session of this occurrence, else a new (unsaved) one from its schedule."""
        for stored in self.repo.sessions_between(key.on, key.on):
            if stored.occurrence == (key.occurrence, key.on) or stored.id == key.occurrence:
                return stored
        if key.occurrence in {g.id for g in self.repo.groups()}:
            group = self.group(key.occurrence)
            pattern = group.pattern_on(key.on)
            if pattern is None:
                raise ServiceError(f"the group has no schedule on {key.on.isoformat()}")
            return Session(
                on=key.on,
                group_id=group.id,
                start=pattern.start_time,
                end=pattern.end_time,
                facilitators=list(group.facilitators),
            )
        for patient in self.patients():
            for schedule in patient.individual_schedules:
                if schedule.id == key.occurrence:
                    return Session(
                        on=key.on,
                        patient_id=patient.id,
                        schedule_id=schedule.id,
                        session_type=schedule.session_type,
                        start=schedule.start_time,
                        end=schedule.end_time,
                        facilitators=[schedule.clinician],
                    )
        raise RecordNotFound("session", key.occurrence)

    def stored_session(self, key: SessionKey) -> Session:
        """The session of this occurrence, stored first if nothing was recorded for it yet
        (e.g. to link a note to it)."""
        session = self.session(key)
        if session.id in {s.id for s in self.repo.sessions_between(key.on, key.on)}:
            return session
        return self.repo.save_session(session, "save session")

    def signing_time_problem(self, session: Session) -> str | None:
        """Why the session's notes cannot be signed now (it has not begun yet), or None."""
        return signing_time_problem(session, self.clock.now())

    def linked_session_problem(self, note: ProgressNote) -> str | None:
        """Why a signed note linked to a stored session breaks the session time rule (signed
        before the session began), or None; a draft may be written ahead."""
        if note.signed_at is None or note.session_id is None:
            return None
        day = note.date_of_service  # a note links a session of its own day
        for session in self.repo.sessions_between(day, day):
            if session.id == note.session_id:
                return signing_time_problem(session, note.signed_at)
        return None

    def session_roster(self, session: Session) -> list[Patient]:
        """Who is expected at the session: the group's members that day who are in care, by
        name; or the one patient of an individual session."""
        if session.patient_id is not None:
            return [self.repo.get(session.patient_id)]
        assert session.group_id is not None
        members = self.group(session.group_id).members_on(session.on)
        found = [self.repo.get(pid) for pid in dict.fromkeys(members) if pid in self.repo]
        in_care = [
            p
            for p in found
            if p.admission_date <= session.on
            and (p.discharge is None or session.on < p.discharge.on)
        ]
        return sorted(in_care, key=lambda p: (p.display_name.casefold(), p.id))

    def session_attendance(self, session: Session) -> dict[str, AttendanceRecord]:
        """The attendance recorded for the session, by patient id."""
        return {r.patient_id: r for r in self.repo.attendance_for([session.id])}

    def record_attendance(
        self, session: Session, marks: Mapping[str, Mark]
    ) -> tuple[Session, list[AttendanceRecord]]:
        """Save the attendance of the marked members (and the session) in one transaction."""
        expected = {p.id for p in self.session_roster(session)}
        strangers = sorted(set(marks) - expected)
        if strangers:
            raise ServiceError(
                f"patient {strangers[0]} is not expected at this session (not on its roster "
                f"on {session.on.isoformat()})"
            )
        if session.cancelled:
            raise ServiceError("the session was cancelled by the program: nobody is counted")
        signed = self._signed_into_group_note(session)
        if any(pid in signed and not mark.status.attended for pid, mark in marks.items()):
            raise ServiceError(
                "a member signed into this group's note attended it: their attendance stays "
                "attended (a correction is an addendum on their note)"
            )
        now = self.clock.now()
        records = [
            AttendanceRecord(
                session_id=session.id,
                patient_id=pid,
                status=mark.status,
                late_minutes=mark.late_minutes,
                left_early_minutes=mark.left_early_minutes,
                reason=mark.reason,
                recorded_by=self.clinician,
                recorded_at=now,
            )
            for pid, mark in marks.items()
        ]
        return self.repo.record_attendance(session, records, "record attendance")

    def _signed_into_group_note(self, session: Session) -> set[str]:
        """The members whose chart holds a signed note from this group session's note."""
        if session.group_id is None:
            return set()
        note = self.repo.group_note_for(session.id)
        return set(note.signed_members) if note is not None else set()

    def cancel_session(self, session: Session, reason: str) -> Session:
        """The program cancels the session: nobody is expected to attend it."""
        cancelled = Session.model_validate(
            {
                **session.model_dump(),
                "status": SessionStatus.CANCELLED,
                "cancel_reason": reason,
            }
        )
        return self.repo.save_session(cancelled, "cancel session")

    def save_session(self, session: Session) -> Session:
        """Store a session's details (topic, times, facilitators) or a one-off appointment."""
        if session.patient_id is not None and session.patient_id not in self.repo:
            raise RecordNotFound("patient", session.patient_id)
        if session.group_id is not None:
            self.group(session.group_id)
        return self.repo.save_session(session, "save session")

    # --- the day and the week ------------------------------------------------------------

    def agenda(self, day: date | None = None) -> Agenda:
        """Today's sessions (time order) and the worklist across the active caseload."""
        on = day or self.clock.today()
        book = self.book_for(on)
        patients = {p.id: p for p in self.patients()}
        first = on - timedelta(days=self.policy.windows.sustained_days - 1)
        expected = book.expected_by_patient(patients.values(), first, on)
        notes = NoteIndex(patients)
        return Agenda(
            on=on,
            clinician=self.clinician,
            sessions=tuple(agenda_sessions(on, expected, patients, notes)),
            worklist=tuple(worklist(on, expected, patients, self.policy, notes)),
        )

    def schedule_mismatch(self, patient: Patient, day: date | None = None) -> str | None:
        """The level's scheduled hours against the hours of the patient's expected sessions in
        the 7 days from ``day`` (CLINICAL.md section 8: worth showing, not refusing), e.g.
        ``sessions 6 h/wk, level 9 h/wk``; None when they match (within half an hour) or when
        the patient has no level or no schedule."""
        on = day or self.clock.today()
        level = patient.level_on(on)
        week = self.week_expected(patient, on)
        if level is None or week is None:
            return None
        hours = scheduled_hours(week)
        if hours_match(hours, level.hours_per_week):
            return None
        return f"sessions {round(hours, 1):g} h/wk, level {level.hours_per_week:g} h/wk"

    def week_expected(self, patient: Patient, on: date) -> list[ExpectedSession] | None:
        """The patient's expected sessions in the 7 days from ``on`` (what a level's weekly
        hours are held against); None when the patient has no schedule at all."""
        last = on + timedelta(days=6)
        book = self.session_book(on, last)
        return book.expected(patient, on, last) if book.has_schedule(patient) else None

    def day_sessions(self, day: date | None = None) -> tuple[AgendaSession, ...]:
        """The day's sessions alone, as ``agenda(day).sessions`` (Today paints them before the
        worklist, which reads every active patient's month)."""
        on = day or self.clock.today()
        patients = {p.id: p for p in self.patients()}
        expected = self.session_book(on, on).expected_by_patient(patients.values(), on, on)
        return tuple(agenda_sessions(on, expected, patients))

    def week(self, day: date | None = None) -> Week:
        """The week (Monday to Sunday) holding ``day``: each day's sessions, as Today shows
        them, for the active caseload."""
        week = monday_of(day or self.clock.today())
        book = self.session_book(week, week + timedelta(days=6))
        return week_of(week, book, {p.id: p for p in self.patients()})
