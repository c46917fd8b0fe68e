"""The plan in FHIR: Conditions, Goals, the CarePlan and its activities, supports, levels."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from tplan.domain import Intervention, SupportStatus
from tplan.export import fhir_codes as codes
from tplan.export.fhir_bundle import BundleBuilder, Reference, Resource
from tplan.export.labels import label, level_label, schedule_label
from tplan.export.snapshot import GoalRow, ObjectiveRow, PlanView, SupportRow

MENTAL_HEALTH = re.compile(r"^F(?!1[0-9])")
"""ICD-10-CM chapter F outside F10-F19 (substance use): a mental health diagnosis."""


def conditions(
    bundle: BundleBuilder, view: PlanView, patient: Reference
) -> tuple[dict[str, Reference], list[Reference]]:
    """One Condition per problem and per diagnosis (a diagnosis with a problem's code is that
    problem's Condition). Returns problem id -> reference and every Condition reference."""
    by_problem: dict[str, Reference] = {}
    by_code: dict[str, Reference] = {}
    for row in view.problems:
        problem = row.problem
        diagnosis = next((d for d in view.identity.diagnoses if d.code == problem.icd10), None)
        code = codes.concept(
            *(
                [codes.coding(codes.ICD10CM, problem.icd10, diagnosis and diagnosis.description)]
                if problem.icd10
                else []
            ),
            text=problem.title,  # the counselor's words stay the problem's title
        )
        body: Resource = {
            "clinicalStatus": codes.concept(
                codes.coding(codes.CONDITION_CLINICAL, codes.CONDITION_STATUS[problem.status])
            ),
            "category": [codes.PROBLEM_LIST_ITEM],
            "code": code,
            "subject": patient,
        }
        if problem.patient_words:
            body["note"] = [{"text": "In the patient's words: " + problem.patient_words}]
        ref = bundle.add("Condition", problem.id, body)
        by_problem[problem.id] = ref
        if problem.icd10:
            by_code.setdefault(problem.icd10, ref)
    every = list(by_problem.values())
    for index, diagnosis in enumerate(view.identity.diagnoses):
        if diagnosis.code and diagnosis.code in by_code:
            continue
        codings = [codes.coding(codes.ICD10CM, diagnosis.code, diagnosis.description)]
        body = {
            "clinicalStatus": codes.concept(codes.coding(codes.CONDITION_CLINICAL, "active")),
            "category": [codes.ENCOUNTER_DIAGNOSIS],
            "code": codes.concept(*codings if diagnosis.code else [], text=diagnosis.description),
            "subject": patient,
        }
        ref = bundle.add("Condition", f"diagnosis/{index}", body)
        if diagnosis.code:
            by_code[diagnosis.code] = ref
        every.append(ref)
    return by_problem, every


def has_mental_health_diagnosis(view: PlanView) -> bool:
    codes_seen = [d.code for d in view.identity.diagnoses] + [
        row.problem.icd10 for row in view.problems
    ]
    return any(code and MENTAL_HEALTH.match(code) for code in codes_seen)


def goals(
    bundle: BundleBuilder,
    view: PlanView,
    patient: Reference,
    condition_refs: dict[str, Reference],
) -> tuple[list[Reference], dict[str, Reference]]:
    """Every goal and objective; returns all Goal references and objective id -> reference."""
    refs: list[Reference] = []
    objectives: dict[str, Reference] = {}
    for row in view.problems:
        addresses = [condition_refs[row.problem.id]]
        for goal_row in row.goals:
            goal_ref = bundle.add("Goal", goal_row.goal.id, _goal(goal_row, patient, addresses))
            refs.append(goal_ref)
            for objective_row in goal_row.objectives:
                ref = bundle.add(
                    "Goal",
                    objective_row.objective.id,
                    _objective(bundle, objective_row, goal_ref, patient, addresses),
                )
                objectives[objective_row.objective.id] = ref
                refs.append(ref)
    return refs, objectives


def _achievement(status: str | None) -> dict[str, Any]:
    if status is None:
        return {}
    display = codes.ACHIEVEMENT_DISPLAY[status]
    return {
        "achievementStatus": codes.concept(codes.coding(codes.GOAL_ACHIEVEMENT, status, display))
    }


def _goal(row: GoalRow, patient: Reference, addresses: list[Reference]) -> Resource:
    lifecycle, achievement = codes.GOAL_STATUS[row.goal.status]
    return {
        "lifecycleStatus": lifecycle,
        **_achievement(achievement),
        "description": {"text": row.goal.text},
        "subject": patient,
        "addresses": addresses,
    }


def _objective(
    bundle: BundleBuilder,
    row: ObjectiveRow,
    goal_ref: Reference,
    patient: Reference,
    addresses: list[Reference],
) -> Resource:
    objective = row.objective
    lifecycle, achievement = codes.OBJECTIVE_STATUS[row.status]
    start = min(change.on for change in objective.history)
    relationship = {
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
    body: Resource = {
        "extension": [relationship, *bundle.dates.offset(start)],
        "lifecycleStatus": lifecycle,
        **_achievement(achievement),
        "description": {"text": objective.text},
        "subject": patient,
        "startDate": bundle.dates.day(start),
        "addresses": addresses,
    }
    if objective.target_date:
        body["target"] = [{"dueDate": bundle.dates.day(objective.target_date)}]
    if row.overdue:
        body["note"] = [{"text": "Overdue: past its target date and not achieved."}]
    return body


def related_people(
    bundle: BundleBuilder, view: PlanView, patient: Reference
) -> list[tuple[SupportRow, Reference]]:
    return [
        (row, bundle.add("RelatedPerson", row.support.id, _related_person(row, patient)))
        for row in view.supports
    ]


def _related_person(row: SupportRow, patient: Reference) -> Resource:
    role = row.support.role
    role_text = label(role) + (", sober support" if row.support.sober_support else "")
    codings = [codes.coding(codes.SUPPORT_ROLE_SYSTEM, role.value, label(role))]
    if role in codes.ROLE_CODES:
        codings.insert(0, codes.ROLE_CODES[role])
    body: Resource = {
        "active": row.status is SupportStatus.ACTIVE,
        "patient": patient,
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


def care_team(
    bundle: BundleBuilder,
    view: PlanView,
    patient: Reference,
    counselor: Reference,
    supports: list[tuple[SupportRow, Reference]],
) -> Reference:
    participants = [{"role": [{"text": "counselor"}], "member": counselor}]
    participants += [
        {"role": [{"text": label(row.support.role)}], "member": ref}
        for row, ref in supports
        if row.status is SupportStatus.ACTIVE
    ]
    body = {
        "status": "inactive" if view.discharged else "active",
        "name": "Treatment team",
        "subject": patient,
        "period": bundle.dates.period(view.identity.admission_date, view.discharge_on),
        "participant": participants,
    }
    return bundle.add("CareTeam", "care-team", body)


def level_history(
    bundle: BundleBuilder, view: PlanView, patient: Reference, organization: Reference
) -> list[Reference]:
    """One EpisodeOfCare per level-of-care entry, coded with the ASAM level."""
    refs = []
    history = view.level_history
    for index, change in enumerate(history):
        following = history[index + 1].start if index + 1 < len(history) else None
        end = following or view.discharge_on
        current = following is None and not view.discharged
        body: Resource = {
            "extension": bundle.dates.offset(change.start),
            "status": "active" if current else "finished",
            "type": [_level_concept(change)],
            "patient": patient,
            "managingOrganization": organization,
            "period": bundle.dates.period(change.start, end),
        }
        if not body["extension"]:
            del body["extension"]
        refs.append(bundle.add("EpisodeOfCare", change.id, body))
    return refs


def _level_concept(change: Any) -> dict[str, Any]:
    text = f"{level_label(change)}, {schedule_label(change)}"
    return codes.concept(
        codes.coding(codes.LEVEL_SYSTEM, change.level.value, level_label(change)), text=text
    )


def care_plan(
    bundle: BundleBuilder,
    view: PlanView,
    patient: Reference,
    counselor: Reference,
    team: Reference,
    condition_refs: list[Reference],
    goal_refs: list[Reference],
    objective_refs: dict[str, Reference],
) -> Reference:
    body: Resource = {
        "status": "completed" if view.discharged else "active",
        "intent": "plan",
        "title": "Individualized treatment plan",
        "subject": patient,
        "period": bundle.dates.period(view.identity.admission_date, view.discharge_on),
        "author": counselor,
        "careTeam": [team],
        "addresses": condition_refs,
        "goal": goal_refs,
    }
    level = view.current_level
    notes = []
    if level is not None:
        body["category"] = [_level_concept(level)]
        prefix = "Last level before discharge" if view.discharged else "Schedule"
        notes.append(f"{prefix}: {level_label(level)}, {schedule_label(level)}.")
    if view.discharged:
        notes.append(_discharge_text(view))
    if notes:
        body["note"] = [{"text": text} for text in notes]
    activities = _activities(view, objective_refs)
    if activities:
        body["activity"] = activities
    return bundle.add("CarePlan", "care-plan", body)


def _discharge_text(view: PlanView) -> str:
    return f"Discharged ({label(view.discharge_reason)}). Aftercare: {view.discharge_aftercare}"


def aftercare_plan(
    bundle: BundleBuilder, view: PlanView, patient: Reference, main_plan: Reference
) -> Reference | None:
    """The aftercare plan (and the discharge's aftercare) as a CarePlan of its own."""
    parts = []
    if view.aftercare is not None:
        parts.append(view.aftercare.plan)
        if view.aftercare.referrals:
            parts.append("Referrals: " + view.aftercare.referrals)
    if view.discharged and view.discharge_aftercare:
        parts.append("At discharge: " + view.discharge_aftercare)
    if not parts:
        return None
    body: Resource = {
        "status": "active" if view.discharged else "draft",
        "intent": "plan",
        "title": "Aftercare plan",
        "description": "\n".join(parts),
        "subject": patient,
        "basedOn": [main_plan],
    }
    if view.aftercare is not None:
        body["created"] = bundle.dates.day(view.aftercare.written_on)
    return bundle.add("CarePlan", "aftercare-plan", body)


def _activities(view: PlanView, objective_refs: dict[str, Reference]) -> list[dict[str, Any]]:
    """One activity per distinct service, linked to every objective it serves."""
    merged: dict[tuple[Any, ...], tuple[Intervention, list[Reference]]] = {}
    for row in view.problems:
        for goal_row in row.goals:
            for objective_row in goal_row.objectives:
                for intervention in objective_row.interventions:
                    key = (
                        intervention.modality,
                        intervention.description.strip().lower(),
                        intervention.times_per_week,
                        intervention.staff.strip().lower(),
                        intervention.active,
                    )
                    _, goals = merged.setdefault(key, (intervention, []))
                    ref = objective_refs[objective_row.objective.id]
                    if ref not in goals:
                        goals.append(ref)
    return [
        _activity(intervention, goals, view.discharged) for intervention, goals in merged.values()
    ]


def _activity(
    intervention: Intervention, goals: list[Reference], discharged: bool
) -> dict[str, Any]:
    per_week = Fraction(intervention.times_per_week).limit_denominator(12)
    description = label(intervention.modality)
    if intervention.description:
        description += ": " + intervention.description
    if intervention.staff:
        description += f" ({intervention.staff})"
    if discharged:
        status = "completed" if intervention.active else "stopped"
    else:
        status = "in-progress" if intervention.active else "stopped"
    return {
        "detail": {
            "code": {"text": label(intervention.modality)},
            "status": status,
            "description": description,
            "goal": goals,
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
