"""The engine's explained suggestion and the clinician's decision on it.

The suggestion is a domain record (not only an engine result) because a decision keeps a copy
of the suggestion it answered, so the record shows what the clinician saw.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from tplan.domain.base import (
    Id,
    LongText,
    Model,
    Name,
    RequiredText,
    SafeData,
    ShortText,
    new_id,
)
from tplan.domain.enums import DecisionOutcome, LevelCode, SuggestionKind
from tplan.domain.plan import LevelChange


class RuleHit(Model):
    """One rule that fired, with the data behind it, in words and as numbers."""

    rule: ShortText
    """Stable rule id, e.g. ``step_up.use_events``."""
    kind: SuggestionKind
    message: LongText
    """E.g. "2 use events in last 14 days: 2026-03-02 reported alcohol; 2026-03-05 UDS ..."."""
    data: SafeData = Field(default_factory=dict)


class Criterion(Model):
    """One step-down or taper criterion, met or not, explained."""

    criterion: ShortText
    met: bool
    message: LongText
    data: SafeData = Field(default_factory=dict)


class Alert(Model):
    alert: ShortText
    """Stable alert id, e.g. ``review_overdue``."""
    message: LongText
    safety: bool = False
    data: SafeData = Field(default_factory=dict)


class TargetSchedule(Model):
    """What the suggestion proposes: a level and schedule, or added services only."""

    level: LevelCode | None = None
    """None for a step down from level 1: discharge to aftercare."""
    days_per_week: int | None = None
    hours_per_week: float | None = None
    added_services: list[ShortText] = Field(default_factory=list)
    description: LongText


class Suggestion(Model):
    patient_id: Id
    as_of: date
    kind: SuggestionKind
    headline: LongText
    target: TargetSchedule | None = None
    fired: list[RuleHit] = Field(default_factory=list)
    step_down_criteria: list[Criterion] = Field(default_factory=list)
    taper_criteria: list[Criterion] = Field(default_factory=list)
    alerts: list[Alert] = Field(default_factory=list)
    signals: SafeData = Field(default_factory=dict)
    """The computed inputs (attendance, craving mean, days since use ...), kept with decisions."""
    policy_name: ShortText = "default"

    @property
    def unmet_step_down(self) -> list[Criterion]:
        return [c for c in self.step_down_criteria if not c.met]


class Decision(Model):
    """A clinician's answer to a suggestion; accepting a level change records it in history."""

    id: Id = Field(default_factory=lambda: new_id("dc"))
    decided_at: datetime
    decided_by: Name
    outcome: DecisionOutcome
    rationale: RequiredText
    suggestion: Suggestion
    level_change: LevelChange | None = None
    """The level/schedule entry written when an accepted suggestion changed it."""
    follow_up_on: date | None = Field(default=None, exclude_if=lambda value: value is None)
    """For a deferred decision: when to look again (the Today worklist lists it). Left out of
    the stored document when there is none, so records written before it stay byte-identical."""
