"""Closed vocabularies of the clinical record (CLINICAL.md sections 1-4)."""

from __future__ import annotations

from enum import StrEnum


class AsamEdition(StrEnum):
    THIRD = "3"
    FOURTH = "4"


class LevelCode(StrEnum):
    """ASAM level of care codes. ``1`` is 3rd-edition outpatient (4th: 1.5 outpatient therapy)."""

    L1_0 = "1.0"
    L1 = "1"
    L1_5 = "1.5"
    L2_1 = "2.1"
    L2_5 = "2.5"
    L3_1 = "3.1"
    L3_5 = "3.5"
    L3_7 = "3.7"
    L4 = "4"


class AgeGroup(StrEnum):
    ADULT = "adult"
    ADOLESCENT = "adolescent"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class ObjectiveStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"
    CANCELLED = "cancelled"


class GoalStatus(StrEnum):
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ProblemStatus(StrEnum):
    ACTIVE = "active"
    REMISSION = "remission"
    RESOLVED = "resolved"


class Modality(StrEnum):
    GROUP_CBT = "group_cbt"
    GROUP_PROCESS = "group_process"
    PSYCHOEDUCATION = "psychoeducation"
    INDIVIDUAL = "individual"
    FAMILY = "family"
    MOUD = "moud"
    CASE_MANAGEMENT = "case_management"
    PEER_SUPPORT = "peer_support"
    OTHER = "other"


class SnapKind(StrEnum):
    """CARF's strengths, needs, abilities and preferences."""

    STRENGTH = "strength"
    NEED = "need"
    ABILITY = "ability"
    PREFERENCE = "preference"


class RiskKind(StrEnum):
    TRIGGER = "trigger"
    HIGH_RISK_SITUATION = "high_risk_situation"
    CO_OCCURRING = "co_occurring"
    OVERDOSE = "overdose"
    SUICIDE = "suicide"
    VIOLENCE = "violence"
    HOUSING = "housing"
    OTHER = "other"


class RiskStatus(StrEnum):
    ACTIVE = "active"
    MONITORING = "monitoring"
    RESOLVED = "resolved"


class RiskEventKind(StrEnum):
    OVERDOSE = "overdose"
    SELF_HARM = "self_harm"
    OTHER = "other"


class SupportRole(StrEnum):
    FAMILY = "family"
    PARTNER = "partner"
    SPONSOR = "sponsor"
    SOBER_FRIEND = "sober_friend"
    FRIEND = "friend"
    EMPLOYER = "employer"
    PEER_SPECIALIST = "peer_specialist"
    OTHER = "other"


class SupportStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


class GroupKind(StrEnum):
    AA = "AA"
    NA = "NA"
    SMART = "SMART Recovery"
    FAITH_BASED = "faith-based"
    OTHER = "other"


class SessionType(StrEnum):
    GROUP = "group"
    INDIVIDUAL = "individual"
    FAMILY = "family"
    INTAKE = "intake"


class Attendance(StrEnum):
    ATTENDED = "attended"
    MISSED = "missed"
    EXCUSED = "excused"


class NoteFormat(StrEnum):
    DAP = "DAP"
    BIRP = "BIRP"
    SOAP = "SOAP"


class ProgressRating(StrEnum):
    IMPROVING = "improving"
    NO_CHANGE = "no_change"
    WORSENING = "worsening"
    ACHIEVED = "achieved"


class ScreenMethod(StrEnum):
    PRESUMPTIVE = "presumptive"
    DEFINITIVE = "definitive"


class ScreenResultValue(StrEnum):
    NEGATIVE = "negative"
    POSITIVE = "positive"
    INVALID = "invalid"
    DILUTE = "dilute"
    REFUSED = "refused"


class AddendumKind(StrEnum):
    CORRECTION = "correction"
    CLARIFICATION = "clarification"
    LATE_ENTRY = "late_entry"


class SuggestionKind(StrEnum):
    """The engine's suggestions, in the order the rules are evaluated."""

    SAFETY_REVIEW = "safety_review"
    STEP_UP = "step_up"
    INTENSIFY = "intensify"
    STEP_DOWN = "step_down"
    TAPER = "taper"
    CONTINUE = "continue"


class DecisionOutcome(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    DEFER = "defer"


class DischargeReason(StrEnum):
    COMPLETED = "completed"
    STEPPED_DOWN = "stepped_down"
    TRANSFERRED = "transferred"
    LEFT_AGAINST_ADVICE = "left_against_advice"
    ADMINISTRATIVE = "administrative"
    OTHER = "other"


class DisclosureStatus(StrEnum):
    """Where an export stood when its disclosure was last logged.

    The disclosure is logged *before* the file appears under its name, so an export that was
    interrupted leaves ``started`` (the file may or may not have appeared), never a file without
    an entry.
    """

    STARTED = "started"
    COMPLETED = "completed"
    FAILED = "failed"
    """The export failed before the file appeared: no file was written."""


class ExportFormat(StrEnum):
    MARKDOWN = "md"
    HTML = "html"
    JSON = "json"
    FHIR = "fhir"
