"""Code systems and value mappings of the FHIR R4 export (CLINICAL.md sections 6 and 7).

Codes without a standard code system (the ASAM level, BAM subscales, craving, screen
substances and results that FHIR has no value for) use local code systems under
``LOCAL_SYSTEM``; docs/EXPORTS.md lists them.
"""

from __future__ import annotations

from typing import Any

from tplan.domain import (
    PART2_NOTICE,
    GoalStatus,
    ObjectiveStatus,
    ProblemStatus,
    ScreenResultValue,
    SupportRole,
)

LOCAL_SYSTEM = "urn:tplan:fhir:CodeSystem:"
"""Prefix of tplan's local code systems."""

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
GOAL_RELATIONSHIP_TYPE = "http://hl7.org/fhir/goal-relationship-type"
DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
GOAL_RELATIONSHIP_EXTENSION = "http://hl7.org/fhir/StructureDefinition/goal-relationship"
PATIENT_ID_SYSTEM = "urn:tplan:patient-id"

SECURITY_LABELS: list[dict[str, str]] = [
    {"system": CONFIDENTIALITY, "code": "R", "display": "restricted"},
    {"system": ACT_CODE, "code": "42CFRPart2", "display": "42 CFR Part2"},
    {
        "system": ACT_CODE,
        "code": "NORDSCLCD",
        "display": "no redisclosure without consent directive",
    },
]
"""``meta.security`` on the Bundle and on every resource."""

NOTICE_TAG: dict[str, str] = {
    "system": LOCAL_SYSTEM + "disclosure-notice",
    "code": "42CFR2.32",
    "display": PART2_NOTICE,
}
"""``meta.tag`` carrying the 42 CFR 2.32 notice text on the Bundle and every resource."""


def coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    result = {"system": system, "code": code}
    if display:
        result["display"] = display
    return result


def concept(*codings: dict[str, str], text: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if codings:
        result["coding"] = list(codings)
    if text:
        result["text"] = text
    return result


SURVEY = concept(coding(OBSERVATION_CATEGORY, "survey", "Survey"))
LABORATORY = concept(coding(OBSERVATION_CATEGORY, "laboratory", "Laboratory"))
PROBLEM_LIST_ITEM = concept(coding(CONDITION_CATEGORY, "problem-list-item", "Problem List Item"))

INSTRUMENT_CODES: dict[str, dict[str, str]] = {
    "PHQ-9": coding(LOINC, "44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score"),
    "GAD-7": coding(LOINC, "70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score"),
}
MEASURE_SYSTEM = LOCAL_SYSTEM + "measure"
BAM_CODES: dict[str, dict[str, str]] = {
    "use": coding(MEASURE_SYSTEM, "bam-use", "Brief Addiction Monitor, Use subscale"),
    "risk": coding(MEASURE_SYSTEM, "bam-risk", "Brief Addiction Monitor, Risk subscale"),
    "protective": coding(
        MEASURE_SYSTEM, "bam-protective", "Brief Addiction Monitor, Protective subscale"
    ),
}
CRAVING_CODE = coding(MEASURE_SYSTEM, "craving", "Craving rating 0-10")

SCREEN_SUBSTANCE_SYSTEM = LOCAL_SYSTEM + "screen-substance"
SCREEN_RESULT_SYSTEM = LOCAL_SYSTEM + "screen-result"
SCREEN_VALUES: dict[ScreenResultValue, dict[str, str]] = {
    ScreenResultValue.POSITIVE: coding(SNOMED, "10828004", "Positive"),
    ScreenResultValue.NEGATIVE: coding(SNOMED, "260385009", "Negative"),
}
SCREEN_ABSENT: dict[ScreenResultValue, dict[str, str]] = {
    ScreenResultValue.INVALID: coding(DATA_ABSENT_REASON, "error", "Error"),
    ScreenResultValue.DILUTE: coding(DATA_ABSENT_REASON, "error", "Error"),
    ScreenResultValue.REFUSED: coding(DATA_ABSENT_REASON, "asked-declined", "Asked But Declined"),
}
"""Results with no value: the data-absent reason, beside a local interpretation code."""
EXPECTED_POSITIVE = coding(
    SCREEN_RESULT_SYSTEM, "expected-positive", "Expected positive (prescribed medication)"
)

LEVEL_SYSTEM = LOCAL_SYSTEM + "asam-level-of-care"

CONDITION_STATUS: dict[ProblemStatus, str] = {
    ProblemStatus.ACTIVE: "active",
    ProblemStatus.REMISSION: "remission",
    ProblemStatus.RESOLVED: "resolved",
}

GOAL_STATUS: dict[GoalStatus, tuple[str, str | None]] = {
    # our status: (lifecycleStatus, achievementStatus)
    GoalStatus.ACTIVE: ("active", "in-progress"),
    GoalStatus.ON_HOLD: ("on-hold", None),
    GoalStatus.COMPLETED: ("completed", "achieved"),
    GoalStatus.CANCELLED: ("cancelled", None),
}

OBJECTIVE_STATUS: dict[ObjectiveStatus, tuple[str, str | None]] = {
    ObjectiveStatus.NOT_STARTED: ("planned", None),
    ObjectiveStatus.IN_PROGRESS: ("active", "in-progress"),
    ObjectiveStatus.ACHIEVED: ("completed", "achieved"),
    ObjectiveStatus.NOT_ACHIEVED: ("completed", "not-achieved"),
    ObjectiveStatus.CANCELLED: ("cancelled", None),
}

ACHIEVEMENT_DISPLAY = {
    "in-progress": "In Progress",
    "achieved": "Achieved",
    "not-achieved": "Not Achieved",
}

ROLE_CODES: dict[SupportRole, dict[str, str]] = {
    SupportRole.FAMILY: coding(ROLE_CODE, "FAMMEMB", "family member"),
    SupportRole.PARTNER: coding(ROLE_CODE, "SIGOTHR", "significant other"),
    SupportRole.FRIEND: coding(ROLE_CODE, "FRND", "unrelated friend"),
    SupportRole.SOBER_FRIEND: coding(ROLE_CODE, "FRND", "unrelated friend"),
}
"""HL7 v3 RoleCode where one fits; every support also gets the local support-role code."""
SUPPORT_ROLE_SYSTEM = LOCAL_SYSTEM + "support-role"
