"""The clinic policy: every number of CLINICAL.md section 5, changeable in a TOML file.

``DEFAULT_POLICY`` holds CLINICAL.md's defaults; ``load_policy(path)`` reads a TOML file whose
keys override them (anything left out keeps its default). docs/POLICY.md documents each key.
"""

from __future__ import annotations

import tomllib
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tplan.clinical.levels import LEVEL_RANK
from tplan.domain import AgeGroup, LevelCode
from tplan.domain.errors import describe_error

Days = Annotated[int, Field(ge=1, le=3650)]
Percent = Annotated[float, Field(ge=0, le=100)]
Hours = Annotated[float, Field(ge=0, le=80)]


class PolicyError(ValueError):
    """A policy file that cannot be used; ``key`` is the dotted key at fault (None for syntax)."""

    def __init__(self, reason: str, key: str | None = None, source: str | None = None) -> None:
        self.key = key
        self.reason = reason
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{key}: {reason}" if key else f"{where}{reason}")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Windows(_Section):
    recent_days: Days = 14
    sustained_days: Days = 30


class SafetyRules(_Section):
    risk_severity: Annotated[int, Field(ge=1, le=4)] = 4
    """An open risk of at least this severity is a safety flag."""
    risk_event_kinds: tuple[str, ...] = ("overdose", "self_harm")
    """Risk events that call for a safety review until a signed review follows them."""


class StepUpRules(_Section):
    use_events: Annotated[int, Field(ge=1)] = 2
    attendance_below_percent: Percent = 50


class IntensifyRules(_Section):
    use_events: Annotated[int, Field(ge=1)] = 1
    attendance_below_percent: Percent = 75
    craving_mean_at_least: Annotated[float, Field(ge=0, le=10)] = 7
    phq9_total_at_least: Annotated[int, Field(ge=0, le=27)] = 15
    phq9_rise_at_least: Annotated[int, Field(ge=1, le=27)] = 5
    bam_use_at_least: Annotated[int, Field(ge=0, le=12)] = 1
    bam_risk_at_least: Annotated[int, Field(ge=0, le=24)] = 12
    max_days_per_week: Annotated[int, Field(ge=1, le=7)] = 5
    added_services: tuple[str, ...] = ("an individual session", "a medication evaluation")
    """Suggested when the schedule is already at the level's maximum."""


class StepDownRules(_Section):
    objectives_achieved_percent: Percent = 100
    days_since_use: Annotated[int, Field(ge=0)] = 30
    negative_screens: Annotated[int, Field(ge=0)] = 4
    attendance_percent: Percent = 90
    craving_mean_at_most: Annotated[float, Field(ge=0, le=10)] = 3
    days_at_level: Annotated[int, Field(ge=0)] = 42
    sober_supports: Annotated[int, Field(ge=0)] = 1
    phq9_total_below: Annotated[int, Field(ge=1, le=28)] = 10


class TaperRules(_Section):
    objectives_achieved_percent: Percent = 50
    days_since_use: Annotated[int, Field(ge=0)] = 30
    negative_screens: Annotated[int, Field(ge=0)] = 2
    attendance_percent: Percent = 80
    craving_mean_at_most: Annotated[float, Field(ge=0, le=10)] = 5
    days_at_level: Annotated[int, Field(ge=0)] = 28


class AlertRules(_Section):
    review_due_within_days: Annotated[int, Field(ge=0)] = 7
    overdose_risk_after_days_without_use: Days = 30
    baseline_phq9_within_days: Annotated[int, Field(ge=0)] = 7
    draft_older_than_days: Annotated[int, Field(ge=0)] = 3
    attendance_unrecorded_after_days: Annotated[int, Field(ge=0)] = 2
    """An expected session older than this with no attendance recorded raises an alert."""
    hours_below_minimum_weeks: Annotated[int, Field(ge=1, le=8)] = 2
    deferred_decision_due_days: Annotated[int, Field(ge=0)] = 7
    """A deferred decision comes back on the worklist this many days later."""
    """Complete weeks running with hours delivered below the level's minimum before alerting."""


class HoursRange(_Section):
    min: Hours
    max: Hours

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min > self.max:
            raise ValueError(f"min ({self.min:g}) is above max ({self.max:g})")
        return self


class HoursByAge(_Section):
    adult: dict[LevelCode, HoursRange] = Field(
        default_factory=lambda: {
            LevelCode.L1_0: HoursRange(min=1, max=8),
            LevelCode.L1: HoursRange(min=1, max=8),
            LevelCode.L1_5: HoursRange(min=1, max=8),
            LevelCode.L2_1: HoursRange(min=9, max=19),
            LevelCode.L2_5: HoursRange(min=20, max=30),
        }
    )
    adolescent: dict[LevelCode, HoursRange] = Field(
        default_factory=lambda: {
            LevelCode.L1_0: HoursRange(min=1, max=5),
            LevelCode.L1: HoursRange(min=1, max=5),
            LevelCode.L1_5: HoursRange(min=1, max=5),
            LevelCode.L2_1: HoursRange(min=6, max=19),
            LevelCode.L2_5: HoursRange(min=20, max=30),
        }
    )


class TypicalSchedule(_Section):
    """The schedule a step up or down proposes at the target level."""

    days_per_week: Annotated[int, Field(ge=0, le=7)]
    hours_per_week: Hours | None = None
    """None for 24-hour settings."""
    summary: str
    """E.g. "1-2 sessions a week", shown in the headline."""


def _default_typical() -> dict[LevelCode, TypicalSchedule]:
    residential = TypicalSchedule(days_per_week=7, summary="24-hour setting")
    return {
        LevelCode.L1: TypicalSchedule(
            days_per_week=2, hours_per_week=3, summary="1-2 sessions a week"
        ),
        LevelCode.L2_1: TypicalSchedule(
            days_per_week=3, hours_per_week=9, summary="3 days a week, 9 hours"
        ),
        LevelCode.L2_5: TypicalSchedule(
            days_per_week=5, hours_per_week=20, summary="5 days a week, 20 hours"
        ),
        LevelCode.L3_5: residential,
        LevelCode.L3_7: residential,
        LevelCode.L4: residential,
    }


DEFAULT_CADENCE: dict[LevelCode, int] = {
    LevelCode.L1_0: 90,
    LevelCode.L1: 90,
    LevelCode.L1_5: 90,
    LevelCode.L2_1: 30,
    LevelCode.L2_5: 30,
    LevelCode.L3_1: 30,
    LevelCode.L3_5: 30,
    LevelCode.L3_7: 30,
    LevelCode.L4: 30,
}


class Policy(_Section):
    """A clinic's suggestion policy. Immutable; build a changed copy with ``model_copy``."""

    name: str = "default"
    windows: Windows = Field(default_factory=Windows)
    safety: SafetyRules = Field(default_factory=SafetyRules)
    step_up: StepUpRules = Field(default_factory=StepUpRules)
    intensify: IntensifyRules = Field(default_factory=IntensifyRules)
    step_down: StepDownRules = Field(default_factory=StepDownRules)
    taper: TaperRules = Field(default_factory=TaperRules)
    alerts: AlertRules = Field(default_factory=AlertRules)
    review_cadence_days: dict[LevelCode, Days] = Field(
        default_factory=lambda: dict(DEFAULT_CADENCE)
    )
    hours: HoursByAge = Field(default_factory=HoursByAge)
    ladder: tuple[LevelCode, ...] = (
        LevelCode.L1,
        LevelCode.L2_1,
        LevelCode.L2_5,
        LevelCode.L3_5,
        LevelCode.L3_7,
        LevelCode.L4,
    )
    typical_schedule: dict[LevelCode, TypicalSchedule] = Field(default_factory=_default_typical)
    screen_panel: tuple[str, ...] = ("amphetamines", "cannabis", "cocaine", "opiates", "pcp")
    """The clinic's usual presumptive cup: the substances "all negative" marks in a note."""
    carryover_days: dict[str, Annotated[int, Field(ge=0, le=365)]] = Field(
        default_factory=lambda: {"default": 7, "cannabis": 30}
    )
    """Days after a use event in which a positive for the same substance is not a new event."""
    substance_aliases: dict[str, str] = Field(
        default_factory=lambda: {
            "thc": "cannabis",
            "marijuana": "cannabis",
            "cannabinoids": "cannabis",
            "etoh": "alcohol",
            "ethanol": "alcohol",
            "etg": "alcohol",
        }
    )
    """Names a screen or a note may use for a substance, mapped to one name (lower case)."""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if len(self.ladder) < 2:
            raise ValueError("ladder: needs at least two levels")
        ranks = [LEVEL_RANK[level] for level in self.ladder]
        if any(b <= a for a, b in pairwise(ranks)):
            raise ValueError("ladder: levels must go from least to most intensive, each once")
        missing = [level.value for level in self.ladder if level not in self.typical_schedule]
        if missing:
            raise ValueError(f"typical_schedule: no schedule for ladder level {missing[0]}")
        uncovered = [level.value for level in LevelCode if level not in self.review_cadence_days]
        if uncovered:
            raise ValueError(f"review_cadence_days: no cadence for level {uncovered[0]}")
        if "default" not in self.carryover_days:
            raise ValueError("carryover_days: needs a 'default' entry")
        if self.windows.recent_days > self.windows.sustained_days:
            raise ValueError("windows: recent_days is longer than sustained_days")
        return self

    # --- lookups -----------------------------------------------------------------------

    def hours_range(self, level: LevelCode, age_group: AgeGroup) -> HoursRange | None:
        """Scheduled weekly hours allowed at a level; None for 24-hour settings."""
        table = self.hours.adolescent if age_group is AgeGroup.ADOLESCENT else self.hours.adult
        return table.get(level)

    def carryover(self, substance: str) -> int:
        return self.carryover_days.get(substance, self.carryover_days["default"])

    def canonical_substance(self, name: str) -> str:
        key = " ".join(name.lower().split())
        return self.substance_aliases.get(key, key)

    def step_up_from(self, level: LevelCode) -> LevelCode | None:
        """The next ladder level above ``level``; None at the top."""
        rank = LEVEL_RANK[level]
        return next((step for step in self.ladder if LEVEL_RANK[step] > rank), None)

    def step_down_from(self, level: LevelCode) -> LevelCode | None:
        """The next ladder level below ``level``; None means discharge to aftercare."""
        rank = LEVEL_RANK[level]
        lower = [step for step in self.ladder if LEVEL_RANK[step] < rank]
        return lower[-1] if lower else None


DEFAULT_POLICY = Policy()


# --- loading ---------------------------------------------------------------------------


def _key(loc: tuple[int | str, ...]) -> str:
    """Dotted key as written in the TOML file: ``hours.adult.2.1``, ``ladder[2]``."""
    key = ""
    for part in loc:
        if isinstance(part, int):
            key += f"[{part}]"
        elif part != "[key]":
            key = f"{key}.{part}" if key else part
    return key


def _reason(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key (not a policy setting)"
    if kind == "enum":
        return f"is not a level code (one of {(error.get('ctx') or {}).get('expected')})"
    if kind == "value_error":
        return describe_error(error)
    return f"{describe_error(error)}, got {error.get('input')!r}"


def _merged(defaults: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key with the defaults; any other value replaces the default."""
    merged = dict(defaults)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def policy_from_mapping(data: dict[str, Any], source: str | None = None) -> Policy:
    """Build a policy from parsed TOML (or any mapping) over the defaults.

    Tables such as ``[review_cadence_days]`` merge with the defaults, so a file names only
    what it changes. Refuses an unknown key or a bad value with PolicyError.
    """
    try:
        return Policy.model_validate(_merged(DEFAULT_POLICY.model_dump(mode="json"), data))
    except ValidationError as exc:
        error = exc.errors()[0]
        reason = _reason(error)
        key = _key(tuple(error["loc"]))
        if not key and error["type"] == "value_error" and ": " in reason:
            key, reason = reason.split(": ", 1)
        raise PolicyError(reason, key or None, source) from None


def load_policy(path: str | Path) -> Policy:
    """Read a policy TOML file; keys left out keep CLINICAL.md's defaults."""
    source = str(path)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise PolicyError("file not found", None, source) from None
    except OSError as exc:
        raise PolicyError(f"cannot read the file ({exc.strerror})", None, source) from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"not valid TOML ({exc})", None, source) from None
    if "name" not in data:
        data["name"] = Path(path).stem
    return policy_from_mapping(data, source)
