"""What a receiving program, a payer and a court need from the FHIR document (issue #15)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

import orjson
import pytest
from fhir.resources.R4B.bundle import Bundle

from tplan.domain import (
    Diagnosis,
    Discharge,
    DischargeReason,
    ExportFormat,
    ExportLogEntry,
    Patient,
    Phq9,
)
from tplan.export import render
from tplan.services.demo import read_demo

DEMO = read_demo()
LOINC = "http://loinc.org"


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def fhir(patient: Patient, *, redact: bool = False, export_id: str = "ex-one", **kw) -> dict:
    as_of = kw.pop("as_of", date(2026, 3, 12))
    data = render(
        patient,
        ExportFormat.FHIR,
        as_of=as_of,
        generated_at=datetime(2026, 3, 12, 14, 5, tzinfo=UTC),
        suggestion=None,
        redact=redact,
        disclosure=ExportLogEntry(
            id=export_id,
            at=datetime(2026, 3, 12, 14, 5, tzinfo=UTC),
            by="Casey Counselor",
            format=ExportFormat.FHIR,
            as_of=as_of,
            **kw,
        ),
    )
    Bundle.model_validate_json(data)  # an independent R4 (R4B) validator accepts it
    return orjson.loads(data)


def codes_of(resource: dict[str, Any], key: str = "code") -> list[str]:
    return [c["code"] for c in resource.get(key, {}).get("coding", [])]


def test_a_document_with_composition_organization_practitioner_and_signatures(
    rich_patient: Patient,
) -> None:
    bundle = fhir(rich_patient)
    assert bundle["type"] == "document" and bundle["identifier"]["value"].startswith("urn:uuid:")
    composition = bundle["entry"][0]["resource"]
    assert composition["resourceType"] == "Composition" and composition["status"] == "final"
    titles = [s["title"] for s in composition["section"]]
    assert titles[0] == "Alerts and safety"  # safety first
    for needed in ["Treatment plan", "Problems and diagnoses", "Goals and objectives",
                   "Medications and naloxone", "Measures (PHQ-9, GAD-7, BAM, craving)",
                   "Level of care", "Disclosure"]:  # fmt: skip
        assert needed in titles
    (program,) = [o for o in resources(bundle, "Organization") if o.get("active")]
    assert composition["custodian"]["reference"].endswith(
        next(e["fullUrl"] for e in bundle["entry"] if e["resource"] is program)[-36:]
    )
    (provenance,) = resources(bundle, "Provenance")
    signature_kinds = {s["type"][0]["code"] for s in provenance["signature"]}
    assert signature_kinds == {"1.2.840.10065.1.12.1.1", "1.2.840.10065.1.12.1.7"}
    assert provenance["signature"][0]["when"].startswith("2026-02-04")


def test_risks_events_and_item_level_phq9(rich_patient: Patient) -> None:
    latest = rich_patient.notes[6]  # the last weekly note, 9 March
    latest.measures = [Phq9(items=[1, 1, 1, 1, 0, 1, 0, 0, 2])]
    bundle = fhir(rich_patient)
    assessments = resources(bundle, "RiskAssessment")
    overdose = next(a for a in assessments if codes_of(a) == ["overdose"])
    assert overdose["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] == "high"
    flags = resources(bundle, "Flag")
    assert any("Overdose risk after abstinence" in f["code"]["text"] for f in flags)
    (item9_flag,) = [f for f in flags if "44260-8" in codes_of(f)]
    assert "= 2" in item9_flag["code"]["text"]
    (event,) = resources(bundle, "AdverseEvent")
    assert "naloxone given" in event["event"]["text"] and event["date"] == "2025-12-01"
    observations = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    panels = [o for o in resources(bundle, "Observation") if "44249-1" in codes_of(o)]
    last = max(panels, key=lambda p: p["effectiveDateTime"])
    members = [observations[m["reference"]] for m in last["hasMember"]]
    item9 = next(m for m in members if codes_of(m) == ["44260-8"])
    assert item9["valueInteger"] == 2
    assert sum(m["valueInteger"] for m in members if "44261-6" not in codes_of(m)) == 7


def test_medications_moud_and_naloxone(rich_patient: Patient) -> None:
    bundle = fhir(rich_patient)
    statements = resources(bundle, "MedicationStatement")
    (bup,) = [s for s in statements if "Buprenorphine" in s["medicationCodeableConcept"]["text"]]
    assert bup["status"] == "active" and bup["dosage"] == [{"text": "8/2 mg daily"}]
    assert bup["effectivePeriod"] == {"start": "2025-12-20"}
    assert codes_of(bup, "category") == ["moud"]
    conditions = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    (reason,) = bup["reasonReference"]
    assert codes_of(conditions[reason["reference"]]) == ["F11.20"]
    (naloxone,) = [s for s in statements if "Naloxone" in s["medicationCodeableConcept"]["text"]]
    assert naloxone["status"] == "active" and "on hand" in naloxone["note"][0]["text"]


def test_every_diagnosis_is_a_condition_and_a_problem_keeps_its_title(
    rich_patient: Patient,
) -> None:
    rich_patient.diagnoses = [*rich_patient.diagnoses, Diagnosis(code="F41.1", description="GAD")]
    conditions = resources(fhir(rich_patient), "Condition")
    by_code = Counter(c for condition in conditions for c in codes_of(condition))
    assert by_code == {"F11.20": 1, "F32.1": 1, "F41.1": 1}
    oud = next(c for c in conditions if codes_of(c) == ["F11.20"])
    assert oud["code"]["text"].startswith("Opioid use disorder <script>")  # counselor's text
    assert oud["code"]["coding"][0]["display"] == "Opioid use disorder, moderate"


def test_level_history_and_a_discharged_plan(rich_patient: Patient) -> None:
    episodes = resources(fhir(rich_patient), "EpisodeOfCare")
    assert [e["status"] for e in episodes] == ["finished", "active"]
    assert episodes[0]["period"] == {"start": "2026-01-05", "end": "2026-02-23"}
    assert all([c["code"] for c in e["type"][0]["coding"]] == ["2.1"] for e in episodes)

    rich_patient.discharge = Discharge(
        on=date(2026, 3, 11),
        reason=DischargeReason.COMPLETED,
        aftercare="Weekly outpatient group at the community clinic",
    )
    bundle = fhir(rich_patient)
    (plan,) = [p for p in resources(bundle, "CarePlan") if p["title"] != "Aftercare plan"]
    assert plan["status"] == "completed" and plan["period"]["end"] == "2026-03-11"
    assert {a["detail"]["status"] for a in plan["activity"]} <= {"completed", "stopped"}
    assert any("Discharged (completed)" in n["text"] for n in plan["note"])
    assert resources(bundle, "EpisodeOfCare")[-1]["status"] == "finished"
    sections = {s["title"]: s for s in bundle["entry"][0]["resource"]["section"]}
    assert "Weekly outpatient group" in sections["Discharge"]["text"]["div"]


def test_activities_are_linked_to_their_goals_and_never_duplicated() -> None:
    avery = next(p for p in DEMO.patients if p.id == "demo-avery-quill")
    (plan,) = [p for p in resources(fhir(avery), "CarePlan") if p["title"] != "Aftercare plan"]
    descriptions = [a["detail"]["description"] for a in plan["activity"]]
    assert len(descriptions) == len(set(descriptions)) == 3  # individual counseling once
    individual = next(a for a in plan["activity"] if "Individual" in a["detail"]["description"])
    assert len(individual["detail"]["goal"]) == 2  # it serves two objectives


def test_ids_are_unique_per_export_and_a_redacted_copy_shares_none(
    rich_patient: Patient,
) -> None:
    def ids(bundle: dict) -> set[str]:
        return {bundle["id"]} | {e["resource"]["id"] for e in bundle["entry"]}

    full = fhir(rich_patient, export_id="ex-full")
    again = fhir(rich_patient, export_id="ex-again")
    redacted = fhir(rich_patient, redact=True, export_id="ex-redacted")
    assert len(ids(full)) == len(full["entry"]) + 1
    assert not ids(full) & ids(again)
    assert not ids(full) & ids(redacted)


def test_disclosure_recipient_purpose_and_consent_are_carried(rich_patient: Patient) -> None:
    bundle = fhir(
        rich_patient,
        recipient="County Drug Court",
        purpose="court-ordered compliance report",
        consent="court order 24-117 and signed consent",
    )
    (consent,) = resources(bundle, "Consent")
    assert "court order 24-117" in consent["sourceAttachment"]["title"]
    assert consent["provision"]["purpose"][0]["code"] == "HLEGAL"
    recipient_url = consent["provision"]["actor"][0]["reference"]["reference"]
    names = {e["fullUrl"]: e["resource"].get("name") for e in bundle["entry"]}
    assert names[recipient_url] == "County Drug Court"
    assert "HLEGAL" in [c["code"] for c in bundle["meta"]["security"]]


def test_urine_screens_use_loinc_where_a_code_exists(rich_patient: Patient) -> None:
    labs = [
        o
        for o in resources(fhir(rich_patient), "Observation")
        if o["category"][0]["coding"][0]["code"] == "laboratory"
    ]
    loinc = {o["code"]["text"]: [c["code"] for c in o["code"]["coding"] if c["system"] == LOINC]
             for o in labs}  # fmt: skip
    assert loinc["fentanyl"] == ["59673-4"] and loinc["opiates"] == ["19295-5"]
    assert loinc["buprenorphine"] == []  # no screen code we can vouch for: local code only
    local = [c["system"] for o in labs for c in o["code"]["coding"] if c["system"] != LOINC]
    assert local and all(system.startswith("https://") for system in local)


def test_a_local_code_system_is_a_real_program_uri(rich_patient: Patient) -> None:
    text = orjson.dumps(fhir(rich_patient)).decode()
    assert "urn:tplan" not in text
    assert "https://iop.example.org/fhir/CodeSystem/measure" in text  # craving, BAM


@pytest.mark.parametrize("patient", DEMO.patients, ids=lambda p: p.id)
def test_every_demo_patient(patient: Patient) -> None:
    """Composition, a MedicationStatement per MOUD medication, a Condition per diagnosis,
    item-level PHQ-9 Observations and the risks, in a bundle the validator accepts."""
    bundle = fhir(patient, as_of=DEMO.as_of)
    assert bundle["entry"][0]["resource"]["resourceType"] == "Composition"
    statements = resources(bundle, "MedicationStatement")
    for medication in patient.medications:
        if medication.moud:
            assert any(
                s["medicationCodeableConcept"]["text"] == medication.name for s in statements
            )
    condition_codes = {c for r in resources(bundle, "Condition") for c in codes_of(r)}
    assert {d.code for d in patient.diagnoses if d.code} <= condition_codes
    loinc = Counter(c for o in resources(bundle, "Observation") for c in codes_of(o))
    assert loinc["44260-8"] == loinc["44261-6"] > 0
    in_force = [r for r in patient.risks if r.status_on(DEMO.as_of) is not None]
    assert len(resources(bundle, "RiskAssessment")) == len(in_force)
    assert len(resources(bundle, "AdverseEvent")) == len(
        [e for e in patient.risk_events if e.on <= DEMO.as_of]
    )
