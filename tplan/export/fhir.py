"""The FHIR R4 export: a ``collection`` Bundle of one patient's plan as of a date.

Resource ids are uuid5 values derived from tplan's own ids, so exporting the same record twice
gives the same ``urn:uuid:`` fullUrls and references. Every reference points inside the Bundle.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

import orjson

from tplan.domain import Intervention, Patient, ScreenResultValue, SupportStatus
from tplan.export import fhir_codes as codes
from tplan.export.labels import label, level_label, schedule_label
from tplan.export.snapshot import GoalRow, ObjectiveRow, PlanView, ProblemRow, SupportRow

ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:tplan:fhir")
"""Namespace of the uuid5 resource ids; never change it, or ids of earlier exports change."""

Resource = dict[str, Any]


class _Bundle:
    """Collects resources with derived ids and hands back references to them."""

    def __init__(self, patient_id: str) -> None:
        self._patient_id = patient_id
        self.entries: list[dict[str, Any]] = []

    def ref(self, kind: str, key: str) -> str:
        return "urn:uuid:" + self._uuid(kind, key)

    def _uuid(self, kind: str, key: str) -> str:
        return str(uuid.uuid5(ID_NAMESPACE, f"{self._patient_id}/{kind}/{key}"))

    def add(self, kind: str, key: str, body: Resource) -> dict[str, str]:
        """Add a resource of type ``kind``; returns a Reference to it."""
        resource_id = self._uuid(kind, key)
        resource = {"resourceType": kind, "id": resource_id, "meta": _meta(), **body}
        self.entries.append({"fullUrl": "urn:uuid:" + resource_id, "resource": resource})
        return {"reference": "urn:uuid:" + resource_id}


def _meta() -> dict[str, Any]:
    return {
        "security": [dict(label) for label in codes.SECURITY_LABELS],
        "tag": [dict(codes.NOTICE_TAG)],
    }


def _instant(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # tplan keeps times in UTC
    return value.isoformat()


def render_fhir(patient: Patient, view: PlanView, generated_at: datetime) -> bytes:
    """A Bundle of the record as shown in ``view`` (already as of its date and redacted)."""
    bundle = _Bundle(patient.id)
    patient_ref = bundle.add("Patient", "patient", _patient(patient, view))
    counselor_ref = bundle.add(
        "Practitioner", "counselor", {"name": [{"text": view.identity.counselor}]}
    )
    condition_refs = {
        row.problem.id: bundle.add("Condition", row.problem.id, _condition(row, patient_ref))
        for row in view.problems
    }
    goal_refs = _goals(bundle, view, patient_ref, condition_refs)
    support_refs = [
        (row, bundle.add("RelatedPerson", row.support.id, _related_person(row, patient_ref)))
        for row in view.supports
    ]
    care_team_ref = bundle.add(
        "CareTeam", "care-team", _care_team(view, patient_ref, counselor_ref, support_refs)
    )
    bundle.add(
        "CarePlan",
        "care-plan",
        _care_plan(
            view,
            patient_ref,
            counselor_ref,
            care_team_ref,
            list(condition_refs.values()),
            goal_refs,
        ),
    )
    _observations(bundle, view, patient_ref)
    document = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(ID_NAMESPACE, f"{patient.id}/Bundle/{view.as_of.isoformat()}")),
        "meta": _meta(),
        "type": "collection",
        "timestamp": _instant(generated_at),
        "entry": bundle.entries,
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2)


def _patient(patient: Patient, view: PlanView) -> Resource:
    identity = view.identity
    body: Resource = {"active": view.discharge_on is None}
    if not view.redacted:
        body["identifier"] = [
            {"system": codes.PATIENT_ID_SYSTEM, "value": patient.id},
            *({"type": {"text": i.system}, "value": i.value} for i in identity.identifiers),
        ]
    body["name"] = [{"text": identity.name}]
    body["gender"] = identity.gender
    body["birthDate"] = identity.birth  # a year alone in a redacted copy (FHIR allows it)
    return body


def _condition(row: ProblemRow, patient_ref: dict[str, str]) -> Resource:
    problem = row.problem
    code = codes.concept(
        *([codes.coding(codes.ICD10CM, problem.icd10)] if problem.icd10 else []),
        text=problem.title,
    )
    body: Resource = {
        "clinicalStatus": codes.concept(
            codes.coding(codes.CONDITION_CLINICAL, codes.CONDITION_STATUS[problem.status])
        ),
        "category": [codes.PROBLEM_LIST_ITEM],
        "code": code,
        "subject": patient_ref,
    }
    if problem.patient_words:
        body["note"] = [{"text": "In the patient's words: " + problem.patient_words}]
    return body


def _achievement(status: str | None) -> dict[str, Any]:
    if status is None:
        return {}
    display = codes.ACHIEVEMENT_DISPLAY[status]
    return {
        "achievementStatus": codes.concept(codes.coding(codes.GOAL_ACHIEVEMENT, status, display))
    }


def _goals(
    bundle: _Bundle,
    view: PlanView,
    patient_ref: dict[str, str],
    condition_refs: dict[str, dict[str, str]],
) -> list[dict[str, str]]:
    refs = []
    for row in view.problems:
        addresses = [condition_refs[row.problem.id]]
        for goal_row in row.goals:
            goal_ref = bundle.add("Goal", goal_row.goal.id, _goal(goal_row, patient_ref, addresses))
            refs.append(goal_ref)
            for objective_row in goal_row.objectives:
                refs.append(
                    bundle.add(
                        "Goal",
                        objective_row.objective.id,
                        _objective(objective_row, goal_ref, patient_ref, addresses),
                    )
                )
    return refs


def _goal(row: GoalRow, patient_ref: dict[str, str], addresses: list[dict[str, str]]) -> Resource:
    lifecycle, achievement = codes.GOAL_STATUS[row.goal.status]
    return {
        "lifecycleStatus": lifecycle,
        **_achievement(achievement),
        "description": {"text": row.goal.text},
        "subject": patient_ref,
        "addresses": addresses,
    }


def _objective(
    row: ObjectiveRow,
    goal_ref: dict[str, str],
    patient_ref: dict[str, str],
    addresses: list[dict[str, str]],
) -> Resource:
    objective = row.objective
    lifecycle, achievement = codes.OBJECTIVE_STATUS[row.status]
    body: Resource = {
        "extension": [
            {
                "url": codes.GOAL_RELATIONSHIP_EXTENSION,
                "extension": [
                    {
                        "url": "type",
                        "valueCodeableConcept": codes.concept(
                            codes.coding(codes.GOAL_RELATIONSHIP_TYPE, "milestone", "Milestone")
                        ),
                    },
                    {"url": "target", "valueReference": goal_ref},
                ],
            }
        ],
        "lifecycleStatus": lifecycle,
        **_achievement(achievement),
        "description": {"text": objective.text},
        "subject": patient_ref,
        "startDate": min(change.on for change in objective.history).isoformat(),
        "addresses": addresses,
    }
    if objective.target_date:
        body["target"] = [{"dueDate": objective.target_date.isoformat()}]
    return body


def _related_person(row: SupportRow, patient_ref: dict[str, str]) -> Resource:
    role = row.support.role
    role_text = label(role) + (", sober support" if row.support.sober_support else "")
    codings = [codes.coding(codes.SUPPORT_ROLE_SYSTEM, role.value, label(role))]
    if role in codes.ROLE_CODES:
        codings.insert(0, codes.ROLE_CODES[role])
    body: Resource = {
        "active": row.status is SupportStatus.ACTIVE,
        "patient": patient_ref,
        "relationship": [codes.concept(*codings, text=role_text)],
        "name": [{"text": row.name}],
    }
    if row.contact:  # empty in a redacted copy
        body["telecom"] = [{"system": _telecom_system(row.contact), "value": row.contact}]
    return body


def _telecom_system(contact: str) -> str:
    if "@" in contact:
        return "email"
    if re.fullmatch(r"[\d\s()+.\-]{5,}", contact):
        return "phone"
    return "other"


def _care_team(
    view: PlanView,
    patient_ref: dict[str, str],
    counselor_ref: dict[str, str],
    supports: list[tuple[SupportRow, dict[str, str]]],
) -> Resource:
    participants = [{"role": [{"text": "counselor"}], "member": counselor_ref}]
    participants += [
        {"role": [{"text": label(row.support.role)}], "member": ref}
        for row, ref in supports
        if row.status is SupportStatus.ACTIVE
    ]
    period = {"start": view.identity.admission_date.isoformat()}
    if view.discharge_on:
        period["end"] = view.discharge_on.isoformat()
    return {
        "status": "inactive" if view.discharge_on else "active",
        "name": "Treatment team",
        "subject": patient_ref,
        "period": period,
        "participant": participants,
    }


def _care_plan(
    view: PlanView,
    patient_ref: dict[str, str],
    counselor_ref: dict[str, str],
    care_team_ref: dict[str, str],
    condition_refs: list[dict[str, str]],
    goal_refs: list[dict[str, str]],
) -> Resource:
    period = {"start": view.identity.admission_date.isoformat()}
    if view.discharge_on:
        period["end"] = view.discharge_on.isoformat()
    body: Resource = {
        "status": "completed" if view.discharge_on else "active",
        "intent": "plan",
        "title": "Individualized treatment plan",
        "subject": patient_ref,
        "period": period,
        "author": counselor_ref,
        "careTeam": [care_team_ref],
        "addresses": condition_refs,
        "goal": goal_refs,
    }
    level = view.current_level
    if level is not None:
        body["category"] = [
            codes.concept(
                codes.coding(codes.LEVEL_SYSTEM, level.level.value, level_label(level)),
                text=level_label(level),
            )
        ]
        body["note"] = [{"text": f"Schedule: {schedule_label(level)}."}]
    activities = [
        _activity(intervention)
        for row in view.problems
        for goal_row in row.goals
        for objective_row in goal_row.objectives
        for intervention in objective_row.interventions
    ]
    if activities:
        body["activity"] = activities
    return body


def _activity(intervention: Intervention) -> dict[str, Any]:
    per_week = Fraction(intervention.times_per_week).limit_denominator(12)
    description = label(intervention.modality)
    if intervention.description:
        description += ": " + intervention.description
    if intervention.staff:
        description += f" ({intervention.staff})"
    return {
        "detail": {
            "code": {"text": label(intervention.modality)},
            "status": "in-progress" if intervention.active else "stopped",
            "description": description,
            "scheduledTiming": {
                # e.g. 0.5 a week -> 1 per 2 weeks
                "repeat": {
                    "frequency": per_week.numerator,
                    "period": per_week.denominator,
                    "periodUnit": "wk",
                }
            },
        }
    }


def _observations(bundle: _Bundle, view: PlanView, patient_ref: dict[str, str]) -> None:
    def survey(key: str, on: str, code: dict[str, str], value: int, **extra: Any) -> None:
        body = {
            "status": "final",
            "category": [codes.SURVEY],
            "code": codes.concept(code, text=code["display"]),
            "subject": patient_ref,
            "effectiveDateTime": on,
            "valueInteger": value,
            **extra,
        }
        bundle.add("Observation", key, body)

    for item in view.measures:
        score, on = item.score, item.on.isoformat()
        if score.total is not None:
            extra: dict[str, Any] = {"interpretation": [{"text": score.band}]}
            if score.flags:
                extra["note"] = [{"text": flag} for flag in score.flags]
            survey(item.key, on, codes.INSTRUMENT_CODES[score.instrument], score.total, **extra)
        else:
            for name, value in score.subscales.items():
                concern = name in score.concerns
                extra = {"interpretation": [{"text": "concern"}]} if concern else {}
                survey(f"{item.key}/{name}", on, codes.BAM_CODES[name], value, **extra)
    for row in view.trend:
        if row.craving is not None:
            survey(
                f"craving/{row.on.isoformat()}", row.on.isoformat(), codes.CRAVING_CODE, row.craving
            )
    for screen_row in view.screens:
        for index, result in enumerate(screen_row.screen.results):
            body: Resource = {
                "status": "final",
                "category": [codes.LABORATORY],
                "code": codes.concept(
                    codes.coding(codes.SCREEN_SUBSTANCE_SYSTEM, _slug(result.substance)),
                    text=result.substance,
                ),
                "subject": patient_ref,
                "effectiveDateTime": screen_row.on.isoformat(),
                "method": {"text": f"{screen_row.screen.method.value} drug screen"},
            }
            if result.result in codes.SCREEN_VALUES:
                body["valueCodeableConcept"] = codes.concept(codes.SCREEN_VALUES[result.result])
            else:
                body["dataAbsentReason"] = codes.concept(
                    codes.SCREEN_ABSENT[result.result], text=result.result.value
                )
            interpretation = _screen_interpretation(result.result, result.expected)
            if interpretation:
                body["interpretation"] = [interpretation]
            bundle.add("Observation", f"{screen_row.note_id}/screen/{index}", body)


def _screen_interpretation(result: ScreenResultValue, expected: bool) -> dict[str, Any] | None:
    if result is ScreenResultValue.POSITIVE and expected:
        return codes.concept(codes.EXPECTED_POSITIVE, text="expected positive: prescribed")
    if result in codes.SCREEN_ABSENT:
        return codes.concept(
            codes.coding(codes.SCREEN_RESULT_SYSTEM, result.value, result.value),
            text=result.value,
        )
    return None


def _slug(text: str) -> str:
    """A code from a substance name: "Buprenorphine " -> "buprenorphine"."""
    return re.sub(r"[^a-z0-9]+", "-", text.strip().lower()).strip("-") or "substance"
