"""Code systems and value mappings of the FHIR R4 export (CLINICAL.md sections 6 and 7).

Codes without a standard code system (the ASAM level, BAM subscales, craving, screen
substances and results that FHIR has no value for, risk kinds) use the program's own code
systems under ``LOCAL_SYSTEM``; docs/EXPORTS.md lists them.
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

PROGRAM_URI = "https://iop.example.org/fhir"
"""Base URI of the program's own code systems and identifiers (a program sets its own)."""
PROGRAM_NAME = "Intensive Outpatient Program"
LOCAL_SYSTEM = PROGRAM_URI + "/CodeSystem/"
"""Prefix of the program's local code systems."""

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
PATIENT_ID_SYSTEM = PROGRAM_URI + "/patient-id"
MRN_SYSTEM = PROGRAM_URI + "/mrn"
IDENTIFIER_SYSTEM = PROGRAM_URI + "/identifier/"
"""Prefix of other identifiers (Medicaid, ...): the system's name as a slug follows."""
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
OBSERVATION_VALUE = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"
ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
RISK_PROBABILITY = "http://terminology.hl7.org/CodeSystem/risk-probability"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
LIST_EMPTY_REASON = "http://terminology.hl7.org/CodeSystem/list-empty-reason"
PROVENANCE_AGENT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
SIGNATURE_TYPE = "urn:iso-astm:E1762-95:2013"
EPISODE_TYPE = "http://terminology.hl7.org/CodeSystem/episodeofcare-type"
PART2_POLICY = "https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2"
DAYS_SINCE_ADMISSION = PROGRAM_URI + "/StructureDefinition/days-since-admission"
"""Extension (valueInteger) beside a year-only date in a redacted copy."""

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

ETH = {"system": ACT_CODE, "code": "ETH", "display": "substance abuse information sensitivity"}
PSY = {"system": ACT_CODE, "code": "PSY", "display": "psychiatry information sensitivity"}
REDACTED = {"system": OBSERVATION_VALUE, "code": "REDACTED", "display": "redacted"}

PURPOSES: dict[str, dict[str, str]] = {
    "treatment": {"system": ACT_REASON, "code": "TREAT", "display": "treatment"},
    "payment": {"system": ACT_REASON, "code": "HPAYMT", "display": "healthcare payment"},
    "operations": {"system": ACT_REASON, "code": "HOPERAT", "display": "healthcare operations"},
    "coordination": {"system": ACT_REASON, "code": "COC", "display": "coordination of care"},
    "court": {"system": ACT_REASON, "code": "HLEGAL", "display": "legal"},
    "legal": {"system": ACT_REASON, "code": "HLEGAL", "display": "legal"},
    "research": {"system": ACT_REASON, "code": "HRESCH", "display": "healthcare research"},
}
"""Purpose-of-use codes for words of the disclosure's purpose (several may apply)."""

NOTICE_TAG: dict[str, str] = {
    "system": LOCAL_SYSTEM + "disclosure-notice",
    "code": "42CFR2.32",
    "display": PART2_NOTICE,
}
"""``meta.tag`` carrying the 42 CFR 2.32 notice text, once, on the Bundle."""


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
ENCOUNTER_DIAGNOSIS = concept(
    coding(CONDITION_CATEGORY, "encounter-diagnosis", "Encounter Diagnosis")
)

INSTRUMENT_CODES: dict[str, dict[str, str]] = {
    "PHQ-9": coding(LOINC, "44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score"),
    "GAD-7": coding(LOINC, "70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score"),
}
PANEL_CODES: dict[str, dict[str, str]] = {
    "PHQ-9": coding(LOINC, "44249-1", "PHQ-9 quick depression assessment panel"),
    "GAD-7": coding(LOINC, "69737-5", "Generalized anxiety disorder 7 item (GAD-7)"),
}
ITEM_CODES: dict[str, list[dict[str, str]]] = {
    "PHQ-9": [
        coding(LOINC, "44250-9", "Little interest or pleasure in doing things"),
        coding(LOINC, "44255-8", "Feeling down, depressed, or hopeless"),
        coding(LOINC, "44259-0", "Trouble falling or staying asleep, or sleeping too much"),
        coding(LOINC, "44254-1", "Feeling tired or having little energy"),
        coding(LOINC, "44251-7", "Poor appetite or overeating"),
        coding(LOINC, "44258-2", "Feeling bad about yourself"),
        coding(LOINC, "44252-5", "Trouble concentrating on things"),
        coding(LOINC, "44253-3", "Moving or speaking slowly, or being fidgety or restless"),
        coding(
            LOINC, "44260-8", "Thoughts that you would be better off dead or of hurting yourself"
        ),
    ],
    "GAD-7": [
        coding(LOINC, "69725-0", "Feeling nervous, anxious or on edge"),
        coding(LOINC, "68509-9", "Not being able to stop or control worrying"),
        coding(LOINC, "69733-4", "Worrying too much about different things"),
        coding(LOINC, "69734-2", "Trouble relaxing"),
        coding(LOINC, "69735-9", "Being so restless that it is hard to sit still"),
        coding(LOINC, "69689-8", "Becoming easily annoyed or irritable"),
        coding(LOINC, "69736-7", "Feeling afraid as if something awful might happen"),
    ],
}
"""LOINC item codes in the order of the instrument's items (PHQ-9 item 9 is 44260-8)."""
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
_ETHANOL = coding(LOINC, "5644-0", "Ethanol [Presence] in Urine")
_OPIATES = coding(LOINC, "19295-5", "Opiates [Presence] in Urine by Screen method")
_AMPHETAMINE = coding(LOINC, "19343-3", "Amphetamine [Presence] in Urine by Screen method")
_CANNABINOIDS = coding(LOINC, "18282-4", "Cannabinoids [Presence] in Urine by Screen method")
SCREEN_LOINC: dict[str, dict[str, str]] = {
    "alcohol": _ETHANOL,
    "ethanol": _ETHANOL,
    "opiates": _OPIATES,
    "opioids": _OPIATES,
    "fentanyl": coding(LOINC, "59673-4", "Fentanyl [Presence] in Urine by Screen method"),
    "cocaine": coding(LOINC, "19359-9", "Cocaine [Presence] in Urine by Screen method"),
    "amphetamine": _AMPHETAMINE,
    "amphetamines": _AMPHETAMINE,
    "cannabis": _CANNABINOIDS,
    "cannabinoids": _CANNABINOIDS,
    "thc": _CANNABINOIDS,
    "benzodiazepines": coding(
        LOINC, "14316-4", "Benzodiazepines [Presence] in Urine by Screen method"
    ),
    "methadone": coding(LOINC, "19550-3", "Methadone [Presence] in Urine by Screen method"),
}
"""LOINC for presumptive urine screens by substance slug; others keep the local code only."""
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
RISK_KIND_SYSTEM = LOCAL_SYSTEM + "risk-kind"
SESSION_TYPE_SYSTEM = LOCAL_SYSTEM + "session-type"
RISK_EVENT_SYSTEM = LOCAL_SYSTEM + "risk-event"
MEDICATION_CATEGORY = LOCAL_SYSTEM + "medication-category"
DISCHARGE_REASON_SYSTEM = LOCAL_SYSTEM + "discharge-reason"
SECTION_SYSTEM = LOCAL_SYSTEM + "document-section"
RISK_PROBABILITY_BY_SEVERITY = {
    0: ("negligible", "Negligible likelihood"),
    1: ("low", "Low likelihood"),
    2: ("moderate", "Moderate likelihood"),
    3: ("high", "High likelihood"),
    4: ("high", "High likelihood"),
}
"""Risk severity 0-4 (ASAM dimension scale) as a risk-probability; 4 (imminent) says so in text."""

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
