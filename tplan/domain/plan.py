"""The individualized treatment plan: problems -> goals -> objectives -> interventions, SNAP,
risks, support system, level of care and schedule, medications, written plans and reviews."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, Field, model_validator

from tplan.domain.base import (
    Id,
    LongText,
    Model,
    Name,
    RequiredText,
    ShortText,
    StatusChange,
    check_history_not_empty,
    current_status,
    new_id,
    status_as_of,
)
from tplan.domain.enums import (
    AsamEdition,
    GoalStatus,
    GroupKind,
    LevelCode,
    Modality,
    ObjectiveStatus,
    ProblemStatus,
    RiskEventKind,
    RiskKind,
    RiskStatus,
    SnapKind,
    SupportRole,
    SupportStatus,
)

Icd10 = Annotated[str, Field(pattern=r"^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$")]
"""An ICD-10-CM code such as F10.20."""

Severity = Annotated[int, Field(ge=0, le=4)]
"""0 none .. 4 severe / imminent (the ASAM dimension scale)."""


class Diagnosis(Model):
    code: Icd10 | None = None
    description: Name


class Intervention(Model):
    id: Id = Field(default_factory=lambda: new_id("iv"))
    modality: Modality
    description: ShortText = ""
    times_per_week: float = Field(gt=0, le=21)
    staff: ShortText = ""
    active: bool = True


class Objective(Model):
    """A short-term, measurable objective with a dated status history."""

    id: Id = Field(default_factory=lambda: new_id("ob"))
    text: RequiredText
    target_date: date | None = None
    history: Annotated[
        list[StatusChange[ObjectiveStatus]], AfterValidator(check_history_not_empty)
    ]
    interventions: list[Intervention] = Field(default_factory=list)

    @property
    def status(self) -> ObjectiveStatus:
        return current_status(self.history) or ObjectiveStatus.NOT_STARTED

    def status_on(self, as_of: date) -> ObjectiveStatus | None:
        """Status on ``as_of``; None when the objective did not exist yet."""
        return status_as_of(self.history, as_of)


class Goal(Model):
    id: Id = Field(default_factory=lambda: new_id("gl"))
    text: RequiredText
    status: GoalStatus = GoalStatus.ACTIVE
    objectives: list[Objective] = Field(default_factory=list)


class Problem(Model):
    id: Id = Field(default_factory=lambda: new_id("pb"))
    title: Name
    icd10: Icd10 | None = None
    patient_words: LongText = ""
    status: ProblemStatus = ProblemStatus.ACTIVE
    goals: list[Goal] = Field(default_factory=list)


class SnapItem(Model):
    """A strength, need, ability or preference, in the patient's words."""

    id: Id = Field(default_factory=lambda: new_id("sn"))
    kind: SnapKind
    text: RequiredText


class Risk(Model):
    id: Id = Field(default_factory=lambda: new_id("rk"))
    kind: RiskKind
    description: RequiredText
    severity: Severity
    history: Annotated[list[StatusChange[RiskStatus]], AfterValidator(check_history_not_empty)]
    severity_history: list[StatusChange[Severity]] = Field(default_factory=list)
    """Dated severity changes; empty means ``severity`` held since the first status."""

    @property
    def status(self) -> RiskStatus:
        return current_status(self.history) or RiskStatus.ACTIVE

    def status_on(self, as_of: date) -> RiskStatus | None:
        return status_as_of(self.history, as_of)

    def severity_on(self, as_of: date) -> int | None:
        if not self.severity_history:
            return self.severity if self.status_on(as_of) is not None else None
        return status_as_of(self.severity_history, as_of)


class RiskEvent(Model):
    """Something that happened, e.g. an overdose: it triggers a safety review."""

    id: Id = Field(default_factory=lambda: new_id("re"))
    on: date
    kind: RiskEventKind
    description: LongText = ""


class _SupportStatus:
    """The status of a support (person or group) from its dated history."""

    if TYPE_CHECKING:
        history: list[StatusChange[SupportStatus]]

    @property
    def status(self) -> SupportStatus:
        return current_status(self.history) or SupportStatus.ACTIVE

    def status_on(self, as_of: date) -> SupportStatus | None:
        return status_as_of(self.history, as_of)


class SupportPerson(_SupportStatus, Model):
    id: Id = Field(default_factory=lambda: new_id("sp"))
    name: Name
    role: SupportRole
    contact: ShortText = ""
    sober_support: bool = False
    history: Annotated[
        list[StatusChange[SupportStatus]], AfterValidator(check_history_not_empty)
    ]


class SupportGroup(_SupportStatus, Model):
    id: Id = Field(default_factory=lambda: new_id("sg"))
    kind: GroupKind
    name: ShortText = ""
    meetings_per_week: float = Field(default=0, ge=0, le=21)
    history: Annotated[
        list[StatusChange[SupportStatus]], AfterValidator(check_history_not_empty)
    ]


class LevelChange(Model):
    """One entry of the level-of-care and schedule history, effective from ``start``.

    A schedule change within the same level is a new entry with the same level.
    """

    id: Id = Field(default_factory=lambda: new_id("lv"))
    start: date
    level: LevelCode
    edition: AsamEdition = AsamEdition.THIRD
    days_per_week: int = Field(ge=0, le=7)
    hours_per_week: float = Field(ge=0, le=80)
    reason: LongText = ""
    decided_by: ShortText = ""
    decision_id: Id | None = None

    @model_validator(mode="after")
    def _hours_need_days(self) -> LevelChange:
        if self.hours_per_week > 0 and self.days_per_week == 0:
            raise ValueError("hours per week need at least one session day")
        if self.days_per_week and self.hours_per_week / self.days_per_week > 12:
            raise ValueError("more than 12 hours per session day is not a schedule")
        return self


class Medication(Model):
    id: Id = Field(default_factory=lambda: new_id("md"))
    name: Name
    dose: ShortText = ""
    prescriber: ShortText = ""
    start: date | None = None
    stop: date | None = None
    moud: bool = False
    """Medication for opioid use disorder (buprenorphine, methadone, naltrexone)."""
    screens_as: list[ShortText] = Field(default_factory=list)
    """Screen substances this medication makes an expected positive, e.g. ["buprenorphine"]."""

    @model_validator(mode="after")
    def _stop_after_start(self) -> Medication:
        if self.start and self.stop and self.stop < self.start:
            raise ValueError("stop date is before the start date")
        return self

    def active_on(self, as_of: date) -> bool:
        started = self.start is None or self.start <= as_of
        stopped = self.stop is not None and self.stop < as_of
        return started and not stopped


class NaloxoneCheck(Model):
    on_hand: bool
    checked_on: date


class WrittenPlan(Model):
    """A plan written once and kept up to date: when written, and when last changed."""

    written_on: date
    updated_on: date | None = Field(default=None, exclude_if=lambda value: value is None)
    """The last day its text changed after it was written (left out of the document if never)."""

    def changed_from(self, other: WrittenPlan | None) -> bool:
        """True when the text differs from ``other`` (dates aside)."""
        if other is None:
            return True
        dates = {"written_on", "updated_on"}
        return self.model_dump(exclude=dates) != other.model_dump(exclude=dates)


class RelapsePreventionPlan(WrittenPlan):
    triggers: LongText = ""
    warning_signs: LongText = ""
    coping_steps: LongText = ""
    people_to_call: LongText = ""


class AftercarePlan(WrittenPlan):
    plan: RequiredText
    referrals: LongText = ""


class Signature(Model):
    """Who signed and when; the patient's signature is attested by the counselor."""

    signer: Name
    role: ShortText
    signed_at: datetime


class PlanReview(Model):
    id: Id = Field(default_factory=lambda: new_id("rv"))
    on: date
    summary: LongText = ""
    counselor_signature: Signature | None = None
    patient_signature: Signature | None = None

    @property
    def signed(self) -> bool:
        """A review counts for the review cadence once the counselor has signed it."""
        return self.counselor_signature is not None

