"""FHIR export: a Bundle that the independent fhir.resources R4B models accept, whose
references all resolve inside it, with codes from the value sets CLINICAL.md section 7 names."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from fhir.resources.R4B.bundle import Bundle

from tplan.domain import PART2_NOTICE, ExportFormat, Patient

CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CAREPLAN_STATUS = {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error"}
GOAL_LIFECYCLE = {
    "proposed", "planned", "accepted", "active", "on-hold", "completed", "cancelled",
    "entered-in-error", "rejected",
}  # fmt: skip
GOAL_ACHIEVEMENT = {
    "in-progress", "improving", "worsening", "no-change", "achieved", "sustaining",
    "not-achieved", "no-progress", "not-attainable",
}  # fmt: skip
CONDITION_CLINICAL = {"active", "recurrence", "relapse", "inactive", "remission", "resolved"}


@pytest.fixture
def bundle_json(rich_patient: Patient, export) -> dict[str, Any]:
    return orjson.loads(export(rich_patient, ExportFormat.FHIR))


def resources(bundle: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    return [
        e["resource"]
        for e in bundle["entry"]
        if kind is None or e["resource"]["resourceType"] == kind
    ]


def walk(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def dicts(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from dicts(value)
    elif isinstance(node, list):
        for item in node:
            yield from dicts(item)


def codings(node: Any, system: str) -> list[str]:
    return [d["code"] for d in dicts(node) if d.get("system") == system and "code" in d]


def test_the_bundle_is_valid_fhir_r4b(rich_patient: Patient, export) -> None:
    bundle = Bundle.model_validate_json(export(rich_patient, ExportFormat.FHIR))
    assert bundle.type == "document"
    assert bundle.entry[0].resource.get_resource_type() == "Composition"
    kinds = Counter(entry.resource.get_resource_type() for entry in bundle.entry)
    assert kinds["Patient"] == 1 and kinds["Practitioner"] == 1  # the counselor signed too
    assert kinds["CarePlan"] == 2 and kinds["CareTeam"] == 1  # the plan and the aftercare plan
    assert kinds["Condition"] == 2  # one per problem; the F11.20 diagnosis is problem 1's
    assert kinds["Goal"] == 2 + 3  # two goals, three objectives in the plan on the as-of date
    assert kinds["RelatedPerson"] == 2
    assert kinds["Organization"] == 2  # the program and the recipient
    assert kinds["MedicationStatement"] == 2  # buprenorphine/naloxone and naloxone on hand
    assert kinds["RiskAssessment"] == 2 and kinds["Flag"] == 2 and kinds["AdverseEvent"] == 1
    assert kinds["EpisodeOfCare"] == 2 and kinds["Provenance"] == 1 and kinds["Consent"] == 1


def test_every_reference_resolves_inside_the_bundle(bundle_json: dict[str, Any]) -> None:
    full_urls = [entry["fullUrl"] for entry in bundle_json["entry"]]
    assert len(set(full_urls)) == len(full_urls)
    assert all(url.startswith("urn:uuid:") for url in full_urls)
    references = [
        value for key, value in walk(bundle_json) if key == "reference" and isinstance(value, str)
    ]
    assert len(references) > 50
    assert set(references) <= set(full_urls)


def test_ids_are_reproducible_from_the_disclosure_entry(rich_patient: Patient, export) -> None:
    assert export(rich_patient, ExportFormat.FHIR) == export(rich_patient, ExportFormat.FHIR)


def test_security_labels_on_bundle_and_every_resource_and_the_notice_once(
    rich_patient: Patient, export
) -> None:
    text = export(rich_patient, ExportFormat.FHIR)
    bundle_json = orjson.loads(text)
    for item in [bundle_json, *resources(bundle_json)]:
        security = {(c["system"], c["code"]) for c in item["meta"]["security"]}
        assert {
            (CONFIDENTIALITY, "R"),
            (ACT_CODE, "42CFRPart2"),
            (ACT_CODE, "NORDSCLCD"),
            (ACT_CODE, "ETH"),  # substance use
            (ACT_CODE, "PSY"),  # F32.1 is a mental health diagnosis
        } <= security
    assert PART2_NOTICE in [tag.get("display") for tag in bundle_json["meta"]["tag"]]
    assert text.count(PART2_NOTICE) == 1
    assert all("tag" not in r["meta"] for r in resources(bundle_json))


def test_care_plan(bundle_json: dict[str, Any]) -> None:
    (plan,) = [p for p in resources(bundle_json, "CarePlan") if p["title"] != "Aftercare plan"]
    assert plan["status"] in CAREPLAN_STATUS and plan["status"] == "active"
    assert plan["intent"] == "plan"
    assert plan["period"] == {"start": "2026-01-05"}
    assert len(plan["addresses"]) == 2 and len(plan["goal"]) == 5
    (category,) = plan["category"]
    assert category["coding"][0]["code"] == "2.1"
    timings = [a["detail"]["scheduledTiming"]["repeat"] for a in plan["activity"]]
    assert {"frequency": 3, "period": 1, "periodUnit": "wk"} in timings
    assert {"frequency": 1, "period": 2, "periodUnit": "wk"} in timings  # 0.5 a week
    assert all(a["detail"]["status"] == "in-progress" for a in plan["activity"])


def test_goals_objectives_and_their_statuses(bundle_json: dict[str, Any]) -> None:
    goals = resources(bundle_json, "Goal")
    by_text = {g["description"]["text"].split(" <")[0]: g for g in goals}
    for goal in goals:
        assert goal["lifecycleStatus"] in GOAL_LIFECYCLE
        assert set(codings(goal, "http://terminology.hl7.org/CodeSystem/goal-achievement")) <= (
            GOAL_ACHIEVEMENT
        )
    meetings = by_text["Attend 3 mutual-help meetings a week"]
    assert meetings["lifecycleStatus"] == "completed"
    assert codings(meetings, "http://terminology.hl7.org/CodeSystem/goal-achievement") == [
        "achieved"
    ]
    assert meetings["target"] == [{"dueDate": "2026-03-01"}]
    (relationship,) = meetings["extension"]
    assert relationship["url"] == "http://hl7.org/fhir/StructureDefinition/goal-relationship"
    parts = {part["url"]: part for part in relationship["extension"]}
    assert parts["type"]["valueCodeableConcept"]["coding"][0]["code"] == "milestone"
    parent = by_text["Sustain recovery from opioids"]
    assert parts["target"]["valueReference"]["reference"] == "urn:uuid:" + parent["id"]
    # As of 12 March the coping objective is in progress (achieved only on 20 March).
    coping = by_text["Name 3 coping steps for cravings"]
    assert coping["lifecycleStatus"] == "active"
    assert "Objective added after the as-of date" not in by_text


def test_conditions(bundle_json: dict[str, Any]) -> None:
    conditions = resources(bundle_json, "Condition")
    assert sorted(codings(conditions, "http://hl7.org/fhir/sid/icd-10-cm")) == ["F11.20", "F32.1"]
    statuses = codings(conditions, "http://terminology.hl7.org/CodeSystem/condition-clinical")
    assert statuses and set(statuses) <= CONDITION_CLINICAL


def test_measure_observations(bundle_json: dict[str, Any]) -> None:
    surveys = [
        o
        for o in resources(bundle_json, "Observation")
        if codings(o["category"], "http://terminology.hl7.org/CodeSystem/observation-category")
        == ["survey"]
    ]
    loinc = Counter(code for o in surveys for code in codings(o["code"], "http://loinc.org"))
    # PHQ-9 (7) and GAD-7 (4) in signed notes by 12 March: panel, total and every item.
    assert loinc["44249-1"] == 7 and loinc["44261-6"] == 7 and loinc["44260-8"] == 7
    assert loinc["69737-5"] == 4 and loinc["70274-6"] == 4 and loinc["69736-7"] == 4
    assert sum(loinc.values()) == 7 * 11 + 4 * 9
    phq9 = sorted(
        (o["effectiveDateTime"], o["valueInteger"])
        for o in surveys
        if codings(o["code"], "http://loinc.org") == ["44261-6"]
    )
    assert phq9[0] == ("2026-01-05", 17) and phq9[-1] == ("2026-03-09", 3)
    local = Counter(
        c["code"]
        for o in surveys
        for c in o["code"]["coding"]
        if "/CodeSystem/measure" in c["system"]
    )
    assert local == {"bam-use": 2, "bam-risk": 2, "bam-protective": 2, "craving": 6}
    # BAM Use 1 is a concern (>= 1); Risk 10 and Protective 16 are not.
    concerns = {
        c["code"]
        for o in surveys
        if "concern" in str(o.get("interpretation"))
        for c in o["code"]["coding"]
    }
    assert concerns == {"bam-use"}
    assert all(
        o["status"] == "final" and isinstance(o["valueInteger"], int)
        for o in surveys
        if "hasMember" not in o
    )


def test_screen_observations(bundle_json: dict[str, Any]) -> None:
    labs = [
        o
        for o in resources(bundle_json, "Observation")
        if codings(o["category"], "http://terminology.hl7.org/CodeSystem/observation-category")
        == ["laboratory"]
    ]
    assert len(labs) == 6 * 3  # six screens of three substances
    values = Counter(
        code
        for o in labs
        for code in codings(o.get("valueCodeableConcept", {}), "http://snomed.info/sct")
    )
    assert values == {"10828004": 6, "260385009": 11}
    (dilute,) = [o for o in labs if "valueCodeableConcept" not in o]
    assert codings(
        dilute["dataAbsentReason"], ("http://terminology.hl7.org/CodeSystem/data-absent-reason")
    ) == ["error"]
    assert dilute["dataAbsentReason"]["text"] == "dilute"
    bup = [o for o in labs if o["code"]["text"] == "buprenorphine"]
    assert all("expected-positive" in str(o["interpretation"]) for o in bup)


def test_supports_and_care_team(bundle_json: dict[str, Any]) -> None:
    people = resources(bundle_json, "RelatedPerson")
    assert "Maria Rivera" in [p["name"][0]["text"] for p in people]
    telecoms = [p["telecom"][0] for p in people]
    assert {"system": "phone", "value": "+1 555 0100"} in telecoms
    assert {"system": "email", "value": "sam@example.org"} in telecoms
    (team,) = resources(bundle_json, "CareTeam")
    assert len(team["participant"]) == 3  # counselor and two active supports
    (patient,) = resources(bundle_json, "Patient")
    assert patient["birthDate"] == "1988-07-14"
    (mrn,) = [i for i in patient["identifier"] if i["value"] == "MRN-445566"]
    assert mrn["system"].startswith("https://") and mrn["type"]["coding"][0]["code"] == "MR"
    assert patient["name"][0]["family"] == "Rivera"
    assert patient["name"][0]["given"] == ["Jordan", "Alex"]


def test_as_of_filters_the_bundle(rich_patient: Patient, export, texts) -> None:
    output = export(rich_patient, ExportFormat.FHIR)
    assert "Risk recorded after the as-of date" not in output
    # The note dated 19 March carries no measures, but its craving rating would show.
    dates = {value for key, value in walk(orjson.loads(output)) if key == "effectiveDateTime"}
    assert max(dates) <= texts.as_of.isoformat()
