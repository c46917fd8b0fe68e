"""Use cases of a group note: open the note of a held group session, save it as a draft,
check it for other members' names, and sign it into every signed member's chart at once.
A member skipped at that signing (attendance not recorded, part empty) is documented and
signed later on the same note: signing again signs the members signable now.

``GroupNoteUseCases`` is mixed into ``Workspace``. Record rules live in
``tplan.domain.group_notes`` (no narrative for the absent, sections per format) and
``tplan.clinical.group_confidentiality``; the checks here need other records (the roster, the
attendance, the members' charts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from tplan.clinical.group_confidentiality import (
    Finding,
    confidentiality_findings,
    describe_finding,
)
from tplan.domain import NoteFormat, Objective, ObjectiveStatus, Patient, Session, SessionType
from tplan.domain.group_notes import GroupNote, MemberPart, member_note, skip_reason
from tplan.services.agenda import SessionKey
from tplan.services.errors import ServiceError
from tplan.store.clinic_records import ClinicRecordNotFound

if TYPE_CHECKING:
    from tplan.domain import AttendanceRecord, TreatmentGroup
    from tplan.services.clock import Clock
    from tplan.store import Repository

__all__ = [
    "ConfidentialityRefused",
    "GroupNoteUseCases",
    "NobodyNewToSign",
    "SignedGroup",
    "describe_finding",
]

LOOKBACK_DAYS = 14
"""How far back the group list looks for a group's latest session."""


class ConfidentialityRefused(ServiceError):
    """Signing was refused: a part names another member and the settings refuse that."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__(
            f"not signed: {len(findings)} place(s) name another member of the group "
            "(the settings refuse group_confidentiality); nothing was signed"
        )


class NobodyNewToSign(ServiceError):
    """The group note is signed and no member can be added to it yet; ``waiting`` says why,
    per member not signed (patient id, reason), so the screen can name them."""

    def __init__(self, waiting: tuple[tuple[str, str], ...]) -> None:
        self.waiting = waiting
        super().__init__(
            "this group note is already signed and nobody new can be signed"
            + (f" ({len(waiting)} member(s) not signed: see each one's reason)" if waiting else "")
        )


@dataclass(frozen=True, slots=True)
class SignedGroup:
    """What signing a group did: the signed group note, who was signed, who skipped and why."""

    note: GroupNote
    signed: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]


class GroupNoteUseCases:
    """Group notes (mixed into ``Workspace``)."""

    repo: Repository
    clock: Clock
    clinician: str
    group: Callable[[str], TreatmentGroup]
    session_roster: Callable[[Session], list[Patient]]
    session_attendance: Callable[[Session], dict[str, AttendanceRecord]]
    signing_time_problem: Callable[[Session], str | None]
    summaries_of: Callable[[list[Patient]], dict[str, dict[str, Any]]]

    def group_note(self, session: Session, fmt: NoteFormat = NoteFormat.DAP) -> GroupNote:
        """The session's group note: the stored one brought up to date with the roster and
        the attendance, else a new draft (``fmt``, the session's facilitators and length)."""
        if session.group_id is None:
            raise ServiceError("only a group session has a group note")
        stored = self.repo.group_note_for(session.id)
        note = stored or GroupNote(
            session_id=session.id,
            group_id=session.group_id,
            on=session.on,
            format=fmt,
            author=self.clinician,
            written_at=self.clock.now(),
        )
        if stored is None:
            shared = note.shared.model_copy(
                update={
                    "duration_minutes": session.duration_minutes,
                    "facilitators": list(session.facilitators),
                    "topic": session.topic,
                }
            )
            note = note.model_copy(update={"shared": shared})
        return self.with_attendance(note, session)

    def with_attendance(self, note: GroupNote, session: Session) -> GroupNote:
        """The member parts in roster order, each with the member's recorded attendance.

        A draft part written for a member whose attendance has since been recorded as absent
        or excused loses its narrative (the member gets none); ``unattended_drafts`` names them
        so the screen can say so before the draft is saved again. A signed member's part is
        kept as it was signed (their correction is an addendum on their own note).
        """
        attendance = self.session_attendance(session)
        signed = set(note.signed_members)
        parts = []
        for patient in self.session_roster(session):
            part = note.part(patient.id) or MemberPart(patient_id=patient.id)
            if patient.id in signed:
                parts.append(part)
                continue
            record = attendance.get(patient.id)
            part = part.model_copy(update={"attendance": record.status if record else None})
            if part.has_narrative and not part.attended:
                part = MemberPart(
                    patient_id=part.patient_id, note_id=part.note_id, attendance=part.attendance
                )
            parts.append(part)
        on_roster = {p.patient_id for p in parts}
        parts += [m for m in note.members if m.patient_id in signed - on_roster]
        return GroupNote.model_validate(
            {**note.model_dump(), "members": [p.model_dump() for p in parts]}
        )

    def unattended_drafts(self, session: Session) -> list[str]:
        """Members whose saved draft part has a narrative although their attendance is now
        absent, excused or not recorded (opening the note drops those narratives)."""
        stored = self.repo.group_note_for(session.id)
        if stored is None:
            return []
        attendance = self.session_attendance(session)
        return [
            m.patient_id
            for m in stored.members
            if m.has_narrative
            and m.patient_id not in stored.signed_members
            and (m.patient_id not in attendance or not attendance[m.patient_id].attended)
        ]

    def save_group_note(self, note: GroupNote, session: Session | None = None) -> GroupNote:
        """Save the group as a draft (safe to leave and come back). ``session``: the session
        as the screen holds it, stored first if it was only scheduled so far."""
        if session is not None and session.id != note.session_id:
            raise ServiceError("the group note is for another session")
        if session is None:
            session = self.repo.get_session(note.session_id)
        elif not self._stored_session(session.id):
            session = self.repo.save_session(session, "save session")
        return self.repo.save_group_note(
            self.with_attendance(note, session), "save group note draft"
        )

    def _stored_session(self, session_id: str) -> bool:
        try:
            self.repo.get_session(session_id)
        except ClinicRecordNotFound:
            return False
        return True

    def roster_names(self, note: GroupNote) -> dict[str, str]:
        """Patient id -> display name of the session's roster."""
        session = self.repo.get_session(note.session_id)
        return {p.id: p.display_name for p in self.session_roster(session)}

    def group_note_findings(self, note: GroupNote) -> list[Finding]:
        """Places where the shared part or a member's part names another roster member; on a
        signed note only the parts still to be signed (the rest was checked when signed)."""
        findings = confidentiality_findings(note, self.roster_names(note))
        if not note.signed:
            return findings
        locked = {"shared", *note.signed_members}
        return [f for f in findings if f.part not in locked]

    def sign_group_note(self, note: GroupNote, *, refuse_findings: bool = False) -> SignedGroup:
        """Sign every present member whose part is written and who is not signed yet, in ONE
        transaction with the group note; the others are skipped (absent, excused, part empty,
        attendance not recorded). On a signed note this signs the members documented since,
        adding them to ``signed_members`` (their notes are late entries when signed after the
        day). ``refuse_findings``: the settings turn the confidentiality warning into a
        refusal."""
        session = self.repo.get_session(note.session_id)
        if session.cancelled:
            raise ServiceError("the session was cancelled by the program: nothing to sign")
        if problem := self.signing_time_problem(session):
            raise ServiceError(problem)
        current = self.with_attendance(note, session)
        earlier = tuple(current.signed_members)
        members = current.signable()
        skipped = tuple(
            (m.patient_id, reason)
            for m in current.members
            if m.patient_id not in earlier and (reason := skip_reason(m))
        )
        if current.signed and not members:
            raise NobodyNewToSign(skipped)
        findings = self.group_note_findings(current)
        if findings and refuse_findings:
            raise ConfidentialityRefused(findings)
        if not members:
            raise ServiceError("no member can be signed: nobody present has a written part")
        now = self.clock.now()
        group = self.group(current.group_id)
        patients = []
        for member in members:
            patient = self.repo.get(member.patient_id).model_copy(deep=True)
            if patient.find_note(member.note_id) is not None:
                raise ServiceError("a member's chart already holds this group's note")
            written = member_note(
                current, member, group_name=group.name, author=self.clinician, written_at=now
            )
            signed = written.model_copy(update={"signed_at": now, "signed_by": self.clinician})
            patient.notes = [*patient.notes, signed]
            patients.append(patient)
        signing = {} if current.signed else {"signed_at": now, "signed_by": self.clinician}
        signed_note = GroupNote.model_validate(
            {
                **current.model_dump(),
                **signing,
                "signed_members": [*earlier, *(m.patient_id for m in members)],
            }
        )
        action = "sign group note" if not earlier else "sign group note: later members"
        _, stored = self.repo.save_patients_with_group_note(
            patients, signed_note, action, summaries=self.summaries_of(patients)
        )
        return SignedGroup(stored, tuple(m.patient_id for m in members), skipped)

    # --- finding a group's session ------------------------------------------------------

    def group_sessions_on(self, day: date) -> list[tuple[TreatmentGroup, SessionKey]]:
        """The groups with a session on ``day`` (stored, or by their weekly pattern)."""
        stored = {s.group_id for s in self.repo.sessions_between(day, day) if s.group_id}
        return [
            (g, SessionKey(g.id, day))
            for g in self.repo.groups()
            if g.id in stored or g.meets_on(day)
        ]

    def latest_group_sessions(
        self, day: date, days: int = LOOKBACK_DAYS
    ) -> list[tuple[TreatmentGroup, SessionKey]]:
        """Every group with its latest session on or before ``day`` (within ``days``)."""
        found: dict[str, tuple[TreatmentGroup, SessionKey]] = {}
        for back in range(days):
            for group, key in self.group_sessions_on(day - timedelta(days=back)):
                found.setdefault(group.id, (group, key))
        return sorted(found.values(), key=lambda gk: (-gk[1].on.toordinal(), gk[0].name))

    # --- helpers for writing a member's part ---------------------------------------------

    def objectives_to_address(self, pid: str, on: date) -> list[Objective]:
        """The member's objectives that are worked on that day (not achieved or cancelled)."""
        done = {ObjectiveStatus.ACHIEVED, ObjectiveStatus.CANCELLED}
        return [
            o
            for o in self.repo.get(pid).objectives()
            if (status := o.status_on(on)) is not None and status not in done
        ]

    def previous_plan(self, pid: str, before: date) -> str | None:
        """The plan of the member's latest signed group note before ``before`` (for a counselor
        who chooses to copy it forward)."""
        notes = [
            n
            for n in self.repo.get(pid).notes
            if n.signed
            and n.session_type is SessionType.GROUP
            and n.date_of_service < before
            and n.sections.get("plan", "").strip()
        ]
        if not notes:
            return None
        latest = max(notes, key=lambda n: (n.date_of_service, n.written_at))
        return latest.sections["plan"]
