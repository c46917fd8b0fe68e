"""Group notes (CLINICAL.md section 8): one shared part written once for a held group session,
one individual part per member, and the locked progress note each signed member's chart gets.

The shared part goes to the section of the format that describes what the group did (DAP
data, BIRP intervention, SOAP objective); a member's part fills the format's other sections.
Absent and excused members keep their attendance record but never get a narrative: the model
refuses one, so no written text can describe a session a patient did not take part in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

from pydantic import Field, ValidationInfo, field_validator, model_validator

from tplan.domain.base import SCHEMA_VERSION, Id, LongText, Model, Name, ShortText, new_id
from tplan.domain.enums import Attendance, NoteFormat, SessionType
from tplan.domain.notes import (
    SECTIONS_BY_FORMAT,
    Craving,
    ObjectiveProgress,
    ProgressNote,
    UseReport,
    in_section_order,
)
from tplan.domain.sessions import AttendanceStatus

if TYPE_CHECKING:
    from tplan.domain.patient import Patient

SHARED_SECTION: dict[NoteFormat, str] = {
    NoteFormat.DAP: "data",
    NoteFormat.BIRP: "intervention",
    NoteFormat.SOAP: "objective",
}
"""The section of each format that holds the shared part (what the group did)."""


def member_sections(fmt: NoteFormat) -> tuple[str, ...]:
    """The sections a member's individual part fills, in display order."""
    return tuple(s for s in SECTIONS_BY_FORMAT[fmt] if s != SHARED_SECTION[fmt])


class Participation(StrEnum):
    ENGAGED = "engaged"
    MINIMAL = "minimal"
    DISRUPTIVE = "disruptive"
    LEFT_EARLY = "left_early"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


GroupMinutes = Annotated[int, Field(ge=0, le=12 * 60)]


class SharedPart(Model):
    """What the whole group did: written once, copied into every signed member's note."""

    topic: ShortText = ""
    content: LongText = ""
    """Content and interventions delivered."""
    duration_minutes: GroupMinutes | None = None
    facilitators: list[Name] = Field(default_factory=list)

    @property
    def written(self) -> bool:
        return bool(self.topic.strip() or self.content.strip())


class MemberPart(Model):
    """One roster member's individual part of a group note."""

    patient_id: Id
    note_id: Id = Field(default_factory=lambda: new_id("nt"))
    """The id the member's progress note gets when the group is signed."""
    attendance: AttendanceStatus | None = None
    """The member's attendance as recorded for the session (None: not recorded yet)."""
    participation: Participation | None = None
    sections: dict[str, LongText] = Field(default_factory=dict)
    objectives_addressed: list[ObjectiveProgress] = Field(default_factory=list)
    craving: Craving | None = None
    use: UseReport | None = None
    risk_observations: LongText = ""

    @property
    def has_narrative(self) -> bool:
        """Anything written or rated about how the member took part."""
        return bool(
            self.participation is not None
            or any(text.strip() for text in self.sections.values())
            or self.objectives_addressed
            or self.craving is not None
            or self.use is not None
            or self.risk_observations.strip()
        )

    @property
    def written(self) -> bool:
        """The individual sections hold text: the member's note can be signed."""
        return any(text.strip() for text in self.sections.values())

    @property
    def attended(self) -> bool:
        return self.attendance is not None and self.attendance.attended


class GroupNoteStatus(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"


class GroupNote(Model):
    """The note of one held group session: the shared part and the members' parts."""

    schema_version: int = SCHEMA_VERSION
    id: Id = Field(default_factory=lambda: new_id("gn"))
    session_id: Id
    group_id: Id
    on: date
    format: NoteFormat = NoteFormat.DAP
    shared: SharedPart = Field(default_factory=SharedPart)
    members: list[MemberPart] = Field(default_factory=list)
    author: Name
    written_at: datetime
    signed_at: datetime | None = None
    signed_by: ShortText = ""
    signed_members: list[Id] = Field(default_factory=list)
    """Patients whose chart got a signed progress note from this group note."""

    @field_validator("members")
    @classmethod
    def _member_sections_in_order(
        cls, members: list[MemberPart], info: ValidationInfo
    ) -> list[MemberPart]:
        fmt = info.data.get("format")
        if fmt is None:
            return members
        return [
            m.model_copy(update={"sections": in_section_order(m.sections, fmt)}) for m in members
        ]

    @model_validator(mode="after")
    def _consistent(self) -> GroupNote:
        ids = [m.patient_id for m in self.members]
        if len(set(ids)) != len(ids):
            raise ValueError("a member has two individual parts")
        allowed = member_sections(self.format)
        for member in self.members:
            unknown = [name for name in member.sections if name not in allowed]
            if unknown:
                raise ValueError(
                    f"a member's part of a {self.format.value} group note has no section "
                    f"{unknown[0]!r} (sections: {', '.join(allowed)})"
                )
            if member.has_narrative and not member.attended:
                status = member.attendance.value if member.attendance else "not recorded"
                raise ValueError(
                    f"a member whose attendance is {status} gets no narrative (attendance only)"
                )
        if (self.signed_at is None) != (not self.signed_by):
            raise ValueError("a signed group note has a signer and a time")
        unknown_signed = set(self.signed_members) - set(ids)
        if unknown_signed:
            raise ValueError("a signed member has no individual part")
        if self.signed_members and self.signed_at is None:
            raise ValueError("members are signed only when the group note is signed")
        return self

    @property
    def signed(self) -> bool:
        return self.signed_at is not None

    @property
    def status(self) -> GroupNoteStatus:
        return GroupNoteStatus.SIGNED if self.signed else GroupNoteStatus.DRAFT

    def part(self, patient_id: str) -> MemberPart | None:
        return next((m for m in self.members if m.patient_id == patient_id), None)

    def signable(self) -> list[MemberPart]:
        """Members whose note signing the group writes now: present (or late, left early),
        with their individual part written, and not signed yet."""
        signed = set(self.signed_members)
        return [m for m in self.members if m.attended and m.written and m.patient_id not in signed]

    def to_document(self) -> list[MemberPart]:
        """Members still to document or sign: not signed, and present or not recorded yet
        (absent and excused members get an attendance record only)."""
        signed = set(self.signed_members)
        return [
            m
            for m in self.members
            if m.patient_id not in signed and (m.attendance is None or m.attended)
        ]


class GroupNotesBundle(Model):
    """Group notes in one file (the demo ships its documented past groups in one)."""

    as_of: date
    group_notes: list[GroupNote] = Field(default_factory=list)


def skip_reason(member: MemberPart) -> str | None:
    """Why signing the group skips this member (None: the member's note is signed)."""
    if member.attendance is None:
        return "attendance not recorded"
    if not member.attended:
        return member.attendance.value.replace("_", " ")
    if not member.written:
        return "individual part empty"
    return None


LOCKED_WHEN_SIGNED = {
    "session_id": "session",
    "group_id": "group",
    "on": "date",
    "format": "format",
    "signed_at": "signing time",
    "signed_by": "signer",
}
"""What the group's signing fixed (field: how a message names it)."""


def group_note_change_problem(
    before: GroupNote | None, after: GroupNote, charts: Iterable[Patient] = ()
) -> str | None:
    """Why saving ``after`` over the stored ``before`` is refused (None: it may be saved).

    Once a group note is signed, the shared part, the session, format and group signer, and
    the parts of the members in ``signed_members`` are locked (a signed member's correction is
    an addendum on their own progress note). Attendance and the parts of members not signed yet
    stay open, so a member skipped at the first signing is documented and signed later: signing
    only ever adds to ``signed_members``, and a member is added only together with their chart
    (``charts``, saved in the same transaction) holding their signed note from this group.
    """
    if before is not None and before.signed:
        changed = [
            label
            for field, label in LOCKED_WHEN_SIGNED.items()
            if getattr(before, field) != getattr(after, field)
        ]
        if changed:
            return f"its {', '.join(changed)} cannot change"
        if after.shared != before.shared:
            return "its shared part cannot change (it is in every signed member's note)"
        for pid in before.signed_members:
            if pid not in after.signed_members:
                return "a signed member cannot be removed from it"
            if after.part(pid) != before.part(pid):
                return "a signed member's part cannot change (corrections are addenda)"
    elif after.signed and not after.signed_members:
        return "a group note is signed only with its members' notes"
    earlier = set(before.signed_members) if before is not None else set()
    charted = {p.id: p for p in charts}
    for pid in after.signed_members:
        if pid in earlier:
            continue
        part = after.part(pid)
        reason = skip_reason(part) if part is not None else "no individual part"
        if part is None or reason is not None:
            return f"a member is signed only when present with a written part ({reason})"
        chart = charted.get(pid)
        note = chart.find_note(part.note_id) if chart is not None else None
        if note is None or not note.signed or note.group_note_id != after.id:
            return "a member is signed only together with their chart's signed note"
    return None


def shared_text(note: GroupNote, group_name: str) -> str:
    """The shared part as it reads in a member's note: group, topic, duration, facilitators,
    then the content."""
    shared = note.shared
    head = group_name + (f": {shared.topic}" if shared.topic.strip() else "")
    details = []
    if shared.duration_minutes:
        details.append(f"{shared.duration_minutes} min")
    if shared.facilitators:
        details.append("facilitators " + ", ".join(shared.facilitators))
    if details:
        head += f" ({'; '.join(details)})"
    return f"{head}\n{shared.content}".rstrip()


def member_note(
    note: GroupNote, member: MemberPart, *, group_name: str, author: str, written_at: datetime
) -> ProgressNote:
    """The member's complete progress note (unsigned): the shared part and their own part.

    Participation opens the member's first section, so the note reads whole on its own in
    the patient screen and in every export.
    """
    sections = {SHARED_SECTION[note.format]: shared_text(note, group_name)}
    own = member_sections(note.format)
    for name in own:
        text = member.sections.get(name, "")
        if name == own[0] and member.participation is not None:
            text = f"Participation: {member.participation.label}.\n{text}".rstrip()
        if text.strip():
            sections[name] = text
    return ProgressNote(
        id=member.note_id,
        date_of_service=note.on,
        written_at=written_at,
        session_type=SessionType.GROUP,
        attendance=Attendance.ATTENDED,
        session_id=note.session_id,
        group_note_id=note.id,
        format=note.format,
        sections={n: sections[n] for n in SECTIONS_BY_FORMAT[note.format] if n in sections},
        objectives_addressed=list(member.objectives_addressed),
        use=member.use,
        craving=member.craving,
        risk_observations=member.risk_observations,
        author=author,
    )
