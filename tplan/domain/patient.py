"""The patient's record for one episode of care: identity, plan, notes and decisions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from operator import attrgetter
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from tplan.domain.base import (
    SCHEMA_VERSION,
    Id,
    LongText,
    Model,
    Name,
    RequiredText,
    ShortText,
    in_force_on,
    new_id,
)
from tplan.domain.enums import (
    AgeGroup,
    DischargeReason,
    DisclosureStatus,
    ExportFormat,
    Gender,
    SuggestionKind,
)
from tplan.domain.notes import ProgressNote
from tplan.domain.plan import (
    AftercarePlan,
    Diagnosis,
    Goal,
    LevelChange,
    Medication,
    NaloxoneCheck,
    Objective,
    PlanReview,
    Problem,
    RelapsePreventionPlan,
    Risk,
    RiskEvent,
    SnapItem,
    SupportGroup,
    SupportPerson,
)
from tplan.domain.schedule import IndividualSchedule
from tplan.domain.suggestion import Decision

ADULT_AGE = 18


class Identifier(Model):
    system: Name
    """Where the identifier comes from, e.g. "MRN" or "Medicaid"."""
    value: Name


class Discharge(Model):
    on: date
    reason: DischargeReason
    aftercare: RequiredText
    note: LongText = ""


class ExportLogEntry(Model):
    """One disclosure (42 CFR Part 2 accounting): who exported what, to whom, why, on what basis."""

    id: Id = Field(default_factory=lambda: new_id("ex"))
    at: datetime
    by: Name
    format: ExportFormat
    as_of: date
    sections: list[ShortText] = Field(default_factory=list)
    recipient: Name = "internal chart copy"
    purpose: Name = "treatment/payment/operations"
    consent: Name = "treatment/payment/operations"
    redacted: bool = False
    file_name: ShortText = ""
    status: DisclosureStatus = DisclosureStatus.COMPLETED
    """Entries from before the status existed were logged after their file was written."""


def initials_of(display_name: str) -> str:
    """``Avery Quill`` -> ``A.Q.`` (up to three; ``?`` when the name has no letters)."""
    parts = [part for part in display_name.split() if part[:1].isalnum()]
    return "".join(part[0].upper() + "." for part in parts[:3]) or "?"


def age_group_on(birth_date: date, on: date, override: AgeGroup | None = None) -> AgeGroup:
    """Adult from the 18th birthday (policy hours differ for adolescents), unless overridden."""
    if override is not None:
        return override
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    age = on.year - birth_date.year - int(before_birthday)
    return AgeGroup.ADULT if age >= ADULT_AGE else AgeGroup.ADOLESCENT


def _sorted_levels(history: list[LevelChange]) -> list[LevelChange]:
    if not history:
        raise ValueError("needs at least one level of care")
    return sorted(history, key=lambda change: change.start)


class Patient(Model):
    schema_version: int = SCHEMA_VERSION
    id: Id = Field(default_factory=lambda: new_id("pt"))
    display_name: Name
    identifiers: list[Identifier] = Field(default_factory=list)
    birth_date: date
    age_group: AgeGroup | None = None
    """Overrides the age group that the birth date gives (adolescent under 18)."""
    gender: Gender = Gender.UNKNOWN
    pronouns: ShortText = ""
    primary_substances: list[Name] = Field(default_factory=list)
    diagnoses: list[Diagnosis] = Field(default_factory=list)
    last_use_at_intake: date | None = None

    admission_date: date
    counselor: Name
    discharge: Discharge | None = None

    problems: list[Problem] = Field(default_factory=list)
    snap: list[SnapItem] = Field(default_factory=list)
    risks: list[Risk] = Field(default_factory=list)
    risk_events: list[RiskEvent] = Field(default_factory=list)
    supports: list[SupportPerson] = Field(default_factory=list)
    groups: list[SupportGroup] = Field(default_factory=list)
    recovery_environment: LongText = ""
    """Housing, work or school, in a few words."""
    level_history: Annotated[list[LevelChange], AfterValidator(_sorted_levels)]
    medications: list[Medication] = Field(default_factory=list)
    naloxone_checks: list[NaloxoneCheck] = Field(default_factory=list)
    relapse_prevention: RelapsePreventionPlan | None = None
    aftercare: AftercarePlan | None = None
    reviews: list[PlanReview] = Field(default_factory=list)
    individual_schedules: list[IndividualSchedule] = Field(default_factory=list)
    """Recurring individual or family sessions (group sessions come from group rosters)."""

    notes: list[ProgressNote] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    disclosures: list[ExportLogEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Patient:
        if self.birth_date > self.admission_date:
            raise ValueError("birth date is after the admission date")
        if self.discharge and self.discharge.on < self.admission_date:
            raise ValueError("discharge date is before the admission date")
        ids = [self.id, *(item.id for item in self._all_items())]
        seen: set[str] = set()
        for item_id in ids:
            if item_id in seen:
                raise ValueError(f"the id {item_id!r} is used twice in this record")
            seen.add(item_id)
        objective_ids = {objective.id for objective in self.objectives()}
        for note in self.notes:
            for progress in note.objectives_addressed:
                if progress.objective_id not in objective_ids:
                    raise ValueError(
                        f"note of {note.date_of_service} addresses an objective "
                        f"({progress.objective_id}) that is not in the plan"
                    )
        return self

    def _all_items(self) -> Iterator[Model]:
        for problem in self.problems:
            yield problem
            for goal in problem.goals:
                yield goal
                for objective in goal.objectives:
                    yield objective
                    yield from objective.interventions
        yield from self.snap
        yield from self.risks
        yield from self.risk_events
        yield from self.supports
        yield from self.groups
        yield from self.level_history
        yield from self.medications
        yield from self.reviews
        yield from self.individual_schedules
        for note in self.notes:
            yield note
            yield from note.addenda
        yield from self.decisions
        yield from self.disclosures

    # --- lookups -----------------------------------------------------------------------

    def goals(self) -> Iterator[Goal]:
        for problem in self.problems:
            yield from problem.goals

    def objectives(self) -> Iterator[Objective]:
        for goal in self.goals():
            yield from goal.objectives

    def find_objective(self, objective_id: str) -> Objective | None:
        return next((o for o in self.objectives() if o.id == objective_id), None)

    def find_note(self, note_id: str) -> ProgressNote | None:
        return next((n for n in self.notes if n.id == note_id), None)

    # --- derived facts -----------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self.discharge is None

    @property
    def initials(self) -> str:
        return initials_of(self.display_name)

    def age_on(self, on: date) -> int:
        before_birthday = (on.month, on.day) < (self.birth_date.month, self.birth_date.day)
        return on.year - self.birth_date.year - int(before_birthday)

    def age_group_on(self, on: date) -> AgeGroup:
        return age_group_on(self.birth_date, on, self.age_group)

    def pending_safety_decision(self, as_of: date) -> Decision | None:
        """The latest decision on a safety review that no signed plan review has followed yet
        (the safety flag stays until a review clears it; the decision shows it was seen)."""
        decided = [
            d
            for d in self.decisions
            if d.suggestion.kind is SuggestionKind.SAFETY_REVIEW and d.decided_at.date() <= as_of
        ]
        if not decided:
            return None
        latest = max(decided, key=lambda d: d.decided_at)
        reviewed = any(
            r.signed and latest.decided_at.date() <= r.on <= as_of for r in self.reviews
        )
        return None if reviewed else latest

    def expected_positives(self, on: date) -> set[str]:
        """Screen substances (casefolded) that a medication active on ``on`` explains."""
        return {
            substance.casefold()
            for medication in self.medications
            if medication.active_on(on)
            for substance in medication.screens_as
        }

    def level_on(self, on: date) -> LevelChange | None:
        """The level and schedule in force on ``on`` (the last entry starting on or before it)."""
        return in_force_on(self.level_history, on, attrgetter("start"))

    @property
    def current_level(self) -> LevelChange:
        return self.level_history[-1]
