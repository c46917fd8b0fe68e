"""Safety and measurement in FHIR: risks, risk events, medications, naloxone, instruments, screens.

What a receiving system's decision support reads: active risks as ``Flag`` and
``RiskAssessment``, overdoses as ``AdverseEvent``, PHQ-9 and GAD-7 as panels whose items are
Observations of their own (PHQ-9 item 9 is LOINC 44260-8), MOUD as ``MedicationStatement``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from tplan.domain import Medication, RiskStatus, ScreenResultValue
from tplan.export import fhir_codes as codes
from tplan.export.fhir_bundle import BundleBuilder, Reference, Resource
from tplan.export.labels import label
from tplan.export.snapshot import PlanView, RiskRow, ScoredMeasure

OUD = re.compile(r"^F11")


def risks(bundle: BundleBuilder, view: PlanView, patient: Reference) -> list[Reference]:
    """A RiskAssessment per risk in the record, a Flag per risk still in force, a Flag for a
    positive PHQ-9 item 9 in the latest PHQ-9, and an AdverseEvent per risk event."""
    refs = []
    for row in view.risks:
        refs.append(
            bundle.add("RiskAssessment", row.risk.id, _assessment(bundle, row, patient, view))
        )
        if row.status is not RiskStatus.RESOLVED:
            refs.append(bundle.add("Flag", row.risk.id, _risk_flag(bundle, row, patient)))
    latest_phq9 = next((m for m in view.latest_scores if m.score.instrument == "PHQ-9"), None)
    if latest_phq9 is not None and latest_phq9.score.items[8] > 0:
        refs.append(bundle.add("Flag", "phq9-item9", _item9_flag(bundle, latest_phq9, patient)))
    for event in view.risk_events:
        body: Resource = {
            "extension": bundle.dates.offset(event.on),
            "actuality": "actual",
            "event": codes.concept(
                codes.coding(codes.RISK_EVENT_SYSTEM, event.kind.value, label(event.kind)),
                text=label(event.kind) + (f": {event.description}" if event.description else ""),
            ),
            "subject": patient,
            "date": bundle.dates.day(event.on),
        }
        _drop_empty(body, "extension")
        refs.append(bundle.add("AdverseEvent", event.id, body))
    return refs


def _since(row: RiskRow, as_of: date) -> date:
    return max(c.on for c in row.risk.history if c.on <= as_of)


def _assessment(
    bundle: BundleBuilder, row: RiskRow, patient: Reference, view: PlanView
) -> Resource:
    severity = row.severity if row.severity is not None else row.risk.severity
    probability, display = codes.RISK_PROBABILITY_BY_SEVERITY[severity]
    words = "imminent" if severity == 4 else display.split()[0].lower()
    body: Resource = {
        "status": "final",
        "code": _risk_kind(row),
        "subject": patient,
        "occurrenceDateTime": bundle.dates.day(_since(row, view.as_of)),
        "prediction": [
            {
                "outcome": codes.concept(text=label(row.risk.kind)),
                "qualitativeRisk": codes.concept(
                    codes.coding(codes.RISK_PROBABILITY, probability, display),
                    text=f"severity {severity} of 4 ({words}); {label(row.status)}",
                ),
            }
        ],
        "note": [{"text": row.risk.description}],
    }
    return body


def _risk_kind(row: RiskRow) -> dict[str, Any]:
    kind = row.risk.kind
    return codes.concept(
        codes.coding(codes.RISK_KIND_SYSTEM, kind.value, label(kind)),
        text=f"{label(kind)} risk",
    )


def _risk_flag(bundle: BundleBuilder, row: RiskRow, patient: Reference) -> Resource:
    start = min(c.on for c in row.risk.history)
    severity = row.severity if row.severity is not None else row.risk.severity
    body: Resource = {
        "extension": bundle.dates.offset(start),
        "status": "active",
        "category": [_SAFETY],
        "code": codes.concept(
            codes.coding(codes.RISK_KIND_SYSTEM, row.risk.kind.value, label(row.risk.kind)),
            text=f"{label(row.risk.kind)} risk, severity {severity} of 4 "
            f"({label(row.status)}): {row.risk.description}",
        ),
        "subject": patient,
        "period": {"start": bundle.dates.day(start)},
    }
    _drop_empty(body, "extension")
    return body


_SAFETY = codes.concept(codes.coding(codes.FLAG_CATEGORY, "safety", "Safety"))


def _item9_flag(bundle: BundleBuilder, item: ScoredMeasure, patient: Reference) -> Resource:
    return {
        "status": "active",
        "category": [_SAFETY],
        "code": codes.concept(
            codes.ITEM_CODES["PHQ-9"][8],
            text=f"PHQ-9 item 9 (thoughts of self-harm) = {item.score.items[8]}: safety review",
        ),
        "subject": patient,
        "period": {"start": bundle.dates.day(item.on)},
    }


def medications(
    bundle: BundleBuilder, view: PlanView, patient: Reference, conditions: list[Reference]
) -> list[Reference]:
    """A MedicationStatement per medication started by the as-of date, and naloxone on hand."""
    oud = [ref for ref, code in _condition_codes(bundle, conditions) if code and OUD.match(code)]
    refs = [
        bundle.add("MedicationStatement", m.id, _medication(bundle, view, m, patient, oud))
        for m in view.medications
    ]
    if view.naloxone is not None:
        check = view.naloxone
        on_hand = "on hand" if check.on_hand else "not on hand"
        body: Resource = {
            "extension": bundle.dates.offset(check.checked_on),
            "status": "active" if check.on_hand else "not-taken",
            "category": codes.concept(
                codes.coding(codes.MEDICATION_CATEGORY, "naloxone-kit", "Naloxone rescue kit")
            ),
            "medicationCodeableConcept": codes.concept(text="Naloxone (opioid overdose rescue)"),
            "subject": patient,
            "effectiveDateTime": bundle.dates.day(check.checked_on),
            "dateAsserted": bundle.dates.day(check.checked_on),
            "note": [{"text": f"Naloxone {on_hand} when last checked."}],
        }
        _drop_empty(body, "extension")
        refs.append(bundle.add("MedicationStatement", "naloxone", body))
    return refs


def _condition_codes(
    bundle: BundleBuilder, refs: list[Reference]
) -> list[tuple[Reference, str | None]]:
    by_url = {e["fullUrl"]: e["resource"] for e in bundle.entries}
    result = []
    for ref in refs:
        codings = by_url[ref["reference"]]["code"].get("coding", [])
        result.append((ref, codings[0]["code"] if codings else None))
    return result


def _medication(
    bundle: BundleBuilder,
    view: PlanView,
    medication: Medication,
    patient: Reference,
    oud: list[Reference],
) -> Resource:
    stopped = medication.stop is not None and medication.stop <= view.as_of
    body: Resource = {
        "status": "completed" if stopped else "active",
        "medicationCodeableConcept": codes.concept(text=medication.name),
        "subject": patient,
    }
    if medication.moud:
        body["category"] = codes.concept(
            codes.coding(
                codes.MEDICATION_CATEGORY, "moud", "Medication for opioid use disorder (MOUD)"
            )
        )
        if oud:
            body["reasonReference"] = oud
    if medication.start is not None:
        body["effectivePeriod"] = bundle.dates.period(
            medication.start, medication.stop if stopped else None
        )
        offset = bundle.dates.offset(medication.start)
        if offset:
            body["extension"] = offset
    if medication.dose:
        body["dosage"] = [{"text": medication.dose}]
    if medication.prescriber:
        body["note"] = [{"text": f"Prescriber: {medication.prescriber}"}]
    return body


def measures(bundle: BundleBuilder, view: PlanView, patient: Reference) -> list[Reference]:
    """PHQ-9 and GAD-7 as panels (items and total as members), BAM subscales, cravings."""
    refs: list[Reference] = []

    def survey(key: str, on: date, code: dict[str, str], value: int, **extra: Any) -> Reference:
        body: Resource = {
            "extension": bundle.dates.offset(on),
            "status": "final",
            "category": [codes.SURVEY],
            "code": codes.concept(code, text=code["display"]),
            "subject": patient,
            "effectiveDateTime": bundle.dates.day(on),
            "valueInteger": value,
            **extra,
        }
        _drop_empty(body, "extension")
        return bundle.add("Observation", key, body)

    for item in view.measures:
        score, on = item.score, item.on
        if score.total is not None:
            members = [
                survey(f"{item.key}/item/{n}", on, code, answer)
                for n, (code, answer) in enumerate(
                    zip(codes.ITEM_CODES[score.instrument], score.items, strict=True), start=1
                )
            ]
            extra: dict[str, Any] = {"interpretation": [{"text": score.band}]}
            if score.flags:
                extra["note"] = [{"text": flag} for flag in score.flags]
            total = survey(
                item.key, on, codes.INSTRUMENT_CODES[score.instrument], score.total, **extra
            )
            panel: Resource = {
                "extension": bundle.dates.offset(on),
                "status": "final",
                "category": [codes.SURVEY],
                "code": codes.concept(
                    codes.PANEL_CODES[score.instrument], text=score.instrument + " panel"
                ),
                "subject": patient,
                "effectiveDateTime": bundle.dates.day(on),
                "hasMember": [*members, total],
            }
            _drop_empty(panel, "extension")
            refs.append(bundle.add("Observation", f"{item.key}/panel", panel))
            refs += [*members, total]
        else:
            for name, value in score.subscales.items():
                concern = name in score.concerns
                extra = {"interpretation": [{"text": "concern"}]} if concern else {}
                refs.append(survey(f"{item.key}/{name}", on, codes.BAM_CODES[name], value, **extra))
    for row in view.trend:
        if row.craving is not None:
            refs.append(
                survey(f"craving/{row.on.isoformat()}", row.on, codes.CRAVING_CODE, row.craving)
            )
    return refs


def screens(bundle: BundleBuilder, view: PlanView, patient: Reference) -> list[Reference]:
    """One laboratory Observation per substance tested, LOINC where a screen code exists."""
    refs = []
    for screen_row in view.screens:
        presumptive = screen_row.screen.method.value == "presumptive"
        for index, result in enumerate(screen_row.screen.results):
            slug = _slug(result.substance)
            codings = [codes.coding(codes.SCREEN_SUBSTANCE_SYSTEM, slug, result.substance)]
            if presumptive and slug in codes.SCREEN_LOINC:
                codings.insert(0, codes.SCREEN_LOINC[slug])
            body: Resource = {
                "extension": bundle.dates.offset(screen_row.on),
                "status": "final",
                "category": [codes.LABORATORY],
                "code": codes.concept(*codings, text=result.substance),
                "subject": patient,
                "effectiveDateTime": bundle.dates.day(screen_row.on),
                "method": {"text": f"{screen_row.screen.method.value} drug screen"},
            }
            _drop_empty(body, "extension")
            if result.result in codes.SCREEN_VALUES:
                body["valueCodeableConcept"] = codes.concept(codes.SCREEN_VALUES[result.result])
            else:
                body["dataAbsentReason"] = codes.concept(
                    codes.SCREEN_ABSENT[result.result], text=result.result.value
                )
            interpretation = _screen_interpretation(result.result, result.expected)
            if interpretation:
                body["interpretation"] = [interpretation]
            refs.append(bundle.add("Observation", f"{screen_row.note_id}/screen/{index}", body))
    return refs


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


def _drop_empty(body: Resource, key: str) -> None:
    if not body.get(key):
        body.pop(key, None)
