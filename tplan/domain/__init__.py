"""Domain models (pydantic v2). No Textual, no TinyDB."""

from tplan.domain.base import SCHEMA_VERSION, StatusChange, new_id, status_as_of, utcnow
from tplan.domain.enums import (
    AddendumKind,
    AgeGroup,
    AsamEdition,
    Attendance,
    DecisionOutcome,
    DischargeReason,
    ExportFormat,
    Gender,
    GoalStatus,
    GroupKind,
    LevelCode,
    Modality,
    NoteFormat,
    ObjectiveStatus,
    ProblemStatus,
    ProgressRating,
    RiskEventKind,
    RiskKind,
    RiskStatus,
    ScreenMethod,
    ScreenResultValue,
    SessionType,
    SnapKind,
    SuggestionKind,
    SupportRole,
    SupportStatus,
)
from tplan.domain.errors import first_error, friendly_errors
from tplan.domain.interchange import PART2_NOTICE, Envelope
from tplan.domain.measures import Bam, Gad7, Measure, Phq9
from tplan.domain.notes import (
    SECTIONS_BY_FORMAT,
    Addendum,
    DrugScreen,
    ObjectiveProgress,
    ProgressNote,
    ScreenResult,
    UseReport,
)
from tplan.domain.patient import Discharge, ExportLogEntry, Identifier, Patient
from tplan.domain.plan import (
    AftercarePlan,
    Diagnosis,
    Goal,
    Intervention,
    LevelChange,
    Medication,
    NaloxoneCheck,
    Objective,
    PlanReview,
    Problem,
    RelapsePreventionPlan,
    Risk,
    RiskEvent,
    Signature,
    SnapItem,
    SupportGroup,
    SupportPerson,
)
from tplan.domain.suggestion import (
    Alert,
    Criterion,
    Decision,
    RuleHit,
    Suggestion,
    TargetSchedule,
)

__all__ = [name for name in dir() if not name.startswith("_")]
