"""Progress notes: one per session, locked once signed; corrections are addenda."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator, model_validator

from tplan.domain.base import Id, LongText, Model, Name, RequiredText, ShortText, new_id
from tplan.domain.enums import (
    AddendumKind,
    Attendance,
    NoteFormat,
    ProgressRating,
    ScreenMethod,
    ScreenResultValue,
    SessionType,
)
from tplan.domain.measures import Measure

Craving = Annotated[int, Field(ge=0, le=10)]

SECTIONS_BY_FORMAT: dict[NoteFormat, tuple[str, ...]] = {
    NoteFormat.DAP: ("data", "assessment", "plan"),
    NoteFormat.BIRP: ("behavior", "intervention", "response", "plan"),
    NoteFormat.SOAP: ("subjective", "objective", "assessment", "plan"),
}
"""The sections each note format is written in, in display order."""


def in_section_order(sections: dict[str, str], fmt: NoteFormat) -> dict[str, str]:
    """The sections in the format's order (any it has not, after them): a note reads the
    same wherever it was stored (PostgreSQL's jsonb keeps keys in an order of its own)."""
    order = SECTIONS_BY_FORMAT[fmt]
    rank = {name: index for index, name in enumerate(order)}
    return dict(sorted(sections.items(), key=lambda item: rank.get(item[0], len(order))))


def section_problem(fmt: NoteFormat, sections: Mapping[str, str]) -> tuple[str, str] | None:
    """(the first empty section, what to do) when a note in ``fmt`` leaves a section unwritten.

    A signed note has every section of its format (CLINICAL 3): signing locks it, so a DAP note
    with Data alone would stay without its Assessment and Plan for good."""
    order = SECTIONS_BY_FORMAT[fmt]
    missing = [name for name in order if not sections.get(name, "").strip()]
    if not missing:
        return None
    names = [name.capitalize() for name in order]
    every = ", ".join(names[:-1]) + f" and {names[-1]}"
    section = missing[0]
    return section, (
        f"write the {section.capitalize()} before signing: a {fmt.value} note has {every}"
    )


def signing_problem(note: ProgressNote) -> tuple[str, str] | None:
    """``section_problem`` of a note about to be signed (or imported signed).

    A group member's note (``group_note_id``) is exempt: the group's signing writes it from the
    shared part and the member's own part, and signs a member once that part holds any text
    (``GroupNote.signable``); refusing those here would refuse notes the group flow signs."""
    if note.group_note_id is not None:
        return None
    return section_problem(note.format, note.sections)


class ObjectiveProgress(Model):
    objective_id: Id
    rating: ProgressRating


class UseReport(Model):
    """Substance use since the last session, as reported by the patient."""

    used: bool
    substances: list[Name] = Field(default_factory=list)
    use_date: date | None = None
    """When the use happened, if known; otherwise the note's date of service counts."""

    @model_validator(mode="after")
    def _substances_only_with_use(self) -> UseReport:
        if not self.used and (self.substances or self.use_date):
            raise ValueError("substances or a use date were given but no use was reported")
        return self


class ScreenResult(Model):
    substance: Name
    result: ScreenResultValue
    expected: bool = False
    """A positive explained by a prescribed medication (e.g. buprenorphine): not use."""


class DrugScreen(Model):
    collected_on: date | None = None
    """Collection date; defaults to the note's date of service."""
    method: ScreenMethod = ScreenMethod.PRESUMPTIVE
    results: list[ScreenResult] = Field(min_length=1)


class Addendum(Model):
    """A dated correction or clarification attached to a signed note."""

    id: Id = Field(default_factory=lambda: new_id("ad"))
    kind: AddendumKind
    reason: RequiredText
    text: RequiredText
    author: Name
    written_at: datetime


class CosignReturn(Model):
    """A supervisor sent a note back to its author with a comment instead of co-signing it;
    the author answers with an addendum, and the note waits for co-signature again."""

    at: datetime
    by: Name
    comment: RequiredText


class ProgressNote(Model):
    id: Id = Field(default_factory=lambda: new_id("nt"))
    date_of_service: date
    written_at: datetime
    """When the note was written; after the day of service it is a late entry."""
    session_type: SessionType
    attendance: Attendance
    session_id: Id | None = None
    """The scheduled session this note documents, if it was linked to one."""
    group_note_id: Id | None = None
    """The group note this member's note was signed from (tplan.domain.group_notes)."""
    format: NoteFormat = NoteFormat.DAP
    sections: dict[str, LongText] = Field(default_factory=dict)
    """Section name (lower case, per ``SECTIONS_BY_FORMAT``) -> text."""
    objectives_addressed: list[ObjectiveProgress] = Field(default_factory=list)
    use: UseReport | None = None
    craving: Craving | None = None
    screen: DrugScreen | None = None
    measures: list[Measure] = Field(default_factory=list)
    risk_observations: LongText = ""
    author: Name
    signed_at: datetime | None = None
    signed_by: ShortText = ""
    addenda: list[Addendum] = Field(default_factory=list)
    cosign_required: bool = False
    """Signed by a clinician whose notes need a supervisor's co-signature (their settings)."""
    cosigned_at: datetime | None = None
    cosigned_by: ShortText = ""
    returns: list[CosignReturn] = Field(default_factory=list)

    @field_validator("sections")
    @classmethod
    def _sections_in_order(cls, sections: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        fmt = info.data.get("format")
        return sections if fmt is None else in_section_order(sections, fmt)

    @model_validator(mode="after")
    def _sections_match_format(self) -> ProgressNote:
        allowed = SECTIONS_BY_FORMAT[self.format]
        unknown = [name for name in self.sections if name not in allowed]
        if unknown:
            raise ValueError(
                f"a {self.format.value} note has no section {unknown[0]!r} "
                f"(sections: {', '.join(allowed)})"
            )
        if self.addenda and self.signed_at is None:
            raise ValueError("addenda belong to signed notes; edit the draft instead")
        if (self.cosigned_at is not None or self.returns) and not self.cosign_required:
            raise ValueError("only a note that requires co-signature is co-signed or returned")
        if self.cosigned_at is not None and not self.cosigned_by:
            raise ValueError("a co-signature names the supervisor")
        if self.cosign_required and self.signed_at is None:
            raise ValueError("a draft is not yet waiting for co-signature; sign it first")
        return self

    @property
    def cosigned(self) -> bool:
        return self.cosigned_at is not None

    @property
    def awaiting_cosignature(self) -> bool:
        """Signed, needs a co-signature, has none, and is not back with its author (returned
        and not answered by an addendum since)."""
        if not self.cosign_required or self.cosigned or self.signed_at is None:
            return False
        if not self.returns:
            return True
        returned = self.returns[-1].at
        return any(addendum.written_at > returned for addendum in self.addenda)

    @property
    def returned_to_author(self) -> bool:
        """Returned by the supervisor and not yet answered by the author."""
        return bool(self.returns) and not self.cosigned and not self.awaiting_cosignature

    @property
    def signed(self) -> bool:
        return self.signed_at is not None

    @property
    def late_entry(self) -> bool:
        return self.written_at.date() > self.date_of_service

    def screen_date(self) -> date | None:
        if self.screen is None:
            return None
        return self.screen.collected_on or self.date_of_service
