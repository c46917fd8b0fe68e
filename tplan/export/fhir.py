"""The FHIR R4 export: a ``document`` Bundle of one patient's plan as of a date.

The Composition comes first and lists every section a receiving program needs (alerts and
safety, plan, problems, goals, medications, measures, drug screens, level of care, supports,
discharge, disclosure); the program is an Organization, the counselor a Practitioner,
signatures are Provenance, and the disclosure's recipient, purpose and consent a Consent.
The 42 CFR 2.32 notice is carried once, in the Bundle's ``meta.tag``; the security labels are
on the Bundle and on every resource, so they survive splitting it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import orjson

from tplan.domain import ExportLogEntry, Patient
from tplan.export import fhir_clinical as clinical
from tplan.export import fhir_codes as codes
from tplan.export import fhir_plan as plan
from tplan.export import fhir_sessions
from tplan.export.fhir_bundle import BundleBuilder, FhirDates, Reference, Resource, instant
from tplan.export.fhir_bundle import narrative as _narrative
from tplan.export.labels import label
from tplan.export.snapshot import PlanView


def render_fhir(
    patient: Patient, view: PlanView, generated_at: datetime, disclosure: ExportLogEntry
) -> bytes:
    """A document Bundle of the record as shown in ``view`` (already as of its date and
    redacted); ids derive from ``disclosure.id``, so no two exports share one."""
    # A redacted copy keeps only years; a timestamp must still be an instant: the year's start.
    stamp = (
        instant(generated_at) if view.dates is None else f"{generated_at.year}-01-01T00:00:00+00:00"
    )
    security = _security(view)
    bundle = BundleBuilder(disclosure.id, security, FhirDates(view.dates))
    organization = bundle.add(
        "Organization", "program", {"active": True, "name": codes.PROGRAM_NAME}
    )
    patient_ref = bundle.add("Patient", "patient", _patient(patient, view, organization))
    staff = _Staff(bundle)
    counselor = staff.ref(view.identity.counselor)
    by_problem, conditions = plan.conditions(bundle, view, patient_ref)
    goals, objectives = plan.goals(bundle, view, patient_ref, by_problem)
    supports = plan.related_people(bundle, view, patient_ref)
    team = plan.care_team(bundle, view, patient_ref, counselor, supports)
    episodes = plan.level_history(bundle, view, patient_ref, organization)
    care_plan = plan.care_plan(
        bundle, view, patient_ref, counselor, team, conditions, goals, objectives
    )
    aftercare = plan.aftercare_plan(bundle, view, patient_ref, care_plan)
    risks = clinical.risks(bundle, view, patient_ref)
    medications = clinical.medications(bundle, view, patient_ref, conditions)
    measures = clinical.measures(bundle, view, patient_ref)
    screens = clinical.screens(bundle, view, patient_ref)
    encounters = fhir_sessions.encounters(bundle, view, patient_ref, organization, episodes)
    signatures = _signatures(bundle, view, care_plan, patient_ref, staff, stamp)
    consent = _consent(bundle, view, disclosure, patient_ref, organization, generated_at)
    sections = [
        _section("alerts", "Alerts and safety", risks, _safety_text(view)),
        _section("plan", "Treatment plan", [care_plan, *_some(aftercare)]),
        _section("problems", "Problems and diagnoses", conditions),
        _section("goals", "Goals and objectives", goals, _goals_text(view)),
        _section("medications", "Medications and naloxone", medications),
        _section("measures", "Measures (PHQ-9, GAD-7, BAM, craving)", measures),
        _section("screens", "Drug screens", screens),
        _section("level-of-care", "Level of care", episodes, _level_text(view)),
        _section(
            "sessions", "Sessions and attendance", encounters, view.attendance_summary or None
        ),
        _section("supports", "Support system and care team", [r for _, r in supports] + [team]),
        _section("signatures", "Reviews and signatures", signatures),
    ]
    if view.discharged:
        sections.append(_section("discharge", "Discharge", [], plan._discharge_text(view)))
    sections.append(_section("disclosure", "Disclosure", [consent], _disclosure_text(view)))
    composition = _composition(bundle, view, generated_at, patient_ref, counselor, organization)
    composition["section"] = sections
    bundle.add("Composition", "composition", composition)
    entries = bundle.entries[-1:] + bundle.entries[:-1]  # a document opens with its Composition
    bundle_id = bundle.uuid("Bundle", "bundle")
    document = {
        "resourceType": "Bundle",
        "id": bundle_id,
        "meta": {
            "security": [*security, *_purposes(disclosure.purpose)],
            "tag": [dict(codes.NOTICE_TAG)],
        },
        "identifier": {"system": "urn:ietf:rfc:3986", "value": "urn:uuid:" + bundle_id},
        "type": "document",
        "timestamp": stamp,
        "entry": entries,
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2)


def _security(view: PlanView) -> list[dict[str, str]]:
    labels = [dict(label) for label in codes.SECURITY_LABELS]
    labels.append(dict(codes.ETH))  # a substance use disorder program's record
    if plan.has_mental_health_diagnosis(view):
        labels.append(dict(codes.PSY))
    if view.redacted:
        labels.append(dict(codes.REDACTED))
    return labels


def _purposes(purpose: str) -> list[dict[str, str]]:
    words = re.findall(r"[a-z]+", purpose.lower())
    found = {codes.PURPOSES[w]["code"]: codes.PURPOSES[w] for w in words if w in codes.PURPOSES}
    return [dict(coding) for coding in found.values()]


def human_name(text: str, use: str | None = None) -> dict[str, Any]:
    """ "Jordan Alex Rivera" -> family "Rivera", given ["Jordan", "Alex"], and the text."""
    parts = text.split()
    name: dict[str, Any] = {"text": text}
    if use:
        name["use"] = use
    if len(parts) > 1:
        name["family"] = parts[-1]
        name["given"] = parts[:-1]
    elif parts:
        name["given"] = parts
    return name


def _patient(patient: Patient, view: PlanView, organization: Reference) -> Resource:
    identity = view.identity
    body: Resource = {"active": not view.discharged}
    if not view.redacted:
        body["identifier"] = [
            {"system": codes.PATIENT_ID_SYSTEM, "value": patient.id},
            *(_identifier(i.system, i.value) for i in identity.identifiers),
        ]
        body["name"] = [human_name(identity.name, "official")]
    body["gender"] = identity.gender
    body["birthDate"] = identity.birth  # a year alone in a redacted copy (FHIR allows it)
    body["managingOrganization"] = organization
    return body


def _identifier(system: str, value: str) -> dict[str, Any]:
    if system.strip().upper() in {"MRN", "MR", "MEDICAL RECORD NUMBER"}:
        return {
            "use": "usual",
            "type": codes.concept(
                codes.coding(codes.IDENTIFIER_TYPE, "MR", "Medical record number"), text=system
            ),
            "system": codes.MRN_SYSTEM,
            "value": value,
        }
    slug = re.sub(r"[^a-z0-9]+", "-", system.lower()).strip("-") or "other"
    return {
        "type": {"text": system},
        "system": codes.IDENTIFIER_SYSTEM + slug,
        "value": value,
    }


class _Staff:
    """One Practitioner per staff name (the counselor, signers)."""

    def __init__(self, bundle: BundleBuilder) -> None:
        self._bundle = bundle
        self._refs: dict[str, Reference] = {}

    def ref(self, name: str) -> Reference:
        key = " ".join(name.split()).lower()
        if key not in self._refs:
            self._refs[key] = self._bundle.add(
                "Practitioner", f"staff/{key}", {"name": [human_name(name)]}
            )
        return self._refs[key]


_AUTHOR_SIGNATURE = codes.coding(
    codes.SIGNATURE_TYPE, "1.2.840.10065.1.12.1.1", "Author's Signature"
)
_CONSENT_SIGNATURE = codes.coding(
    codes.SIGNATURE_TYPE, "1.2.840.10065.1.12.1.7", "Consent Signature"
)


def _signatures(
    bundle: BundleBuilder,
    view: PlanView,
    care_plan: Reference,
    patient: Reference,
    staff: _Staff,
    stamp: str,
) -> list[Reference]:
    """A Provenance per signed plan review: who signed the plan, when."""
    refs = []
    for row in view.reviews:
        signed = [
            (sig, staff.ref(sig.signer), _AUTHOR_SIGNATURE, "author")
            for sig in [row.counselor_signature]
            if sig is not None
        ] + [
            (sig, patient, _CONSENT_SIGNATURE, "informant")
            for sig in [row.patient_signature]
            if sig is not None
        ]
        if not signed:
            continue
        latest = max(sig.signed_at for sig, *_ in signed)
        body: Resource = {
            "target": [care_plan],
            "occurredDateTime": bundle.dates.day(row.review.on),
            # A redacted copy keeps only years: the record time is then the export's own.
            "recorded": instant(latest) if view.dates is None else stamp,
            "activity": codes.concept(text="plan review signed"),
            "agent": [
                {
                    "type": codes.concept(codes.coding(codes.PROVENANCE_AGENT, role)),
                    "who": who,
                }
                for _, who, _, role in signed
            ],
        }
        if view.dates is None:
            body["signature"] = [
                {"type": [kind], "when": instant(sig.signed_at), "who": who}
                for sig, who, kind, _ in signed
            ]
        refs.append(bundle.add("Provenance", row.review.id, body))
    return refs


def _consent(
    bundle: BundleBuilder,
    view: PlanView,
    disclosure: ExportLogEntry,
    patient: Reference,
    organization: Reference,
    generated_at: datetime,
) -> Reference:
    recipient = bundle.add("Organization", "recipient", {"name": _shown(view).recipient})
    provision: Resource = {
        "type": "permit",
        "actor": [
            {
                "role": codes.concept(
                    codes.coding(codes.PARTICIPATION_TYPE, "IRCP", "information recipient")
                ),
                "reference": recipient,
            }
        ],
    }
    purposes = _purposes(disclosure.purpose)
    if purposes:
        provision["purpose"] = purposes
    body: Resource = {
        "status": "active",
        "scope": codes.concept(
            codes.coding(codes.CONSENT_SCOPE, "patient-privacy", "Privacy Consent")
        ),
        "category": [codes.concept(codes.coding(codes.LOINC, "59284-0", "Patient Consent"))],
        "patient": patient,
        "dateTime": bundle.dates.day(generated_at),  # the document's time, as everywhere
        "organization": [organization],
        "sourceAttachment": {"title": "Consent relied on: " + _shown(view).consent},
        "policy": [{"uri": codes.PART2_POLICY}],
        "provision": provision,
    }
    return bundle.add("Consent", "disclosure", body)


def _shown(view: PlanView) -> ExportLogEntry:
    assert view.disclosure is not None, "render() always passes the export's log entry"
    return view.disclosure


def _composition(
    bundle: BundleBuilder,
    view: PlanView,
    generated_at: datetime,
    patient: Reference,
    counselor: Reference,
    organization: Reference,
) -> Resource:
    return {
        "status": "final",
        "type": codes.concept(codes.coding(codes.LOINC, "18776-5", "Plan of care note")),
        "subject": patient,
        "date": bundle.dates.day(generated_at),
        "author": [counselor],
        "title": "Treatment plan snapshot as of "
        + (view.dates.day(view.as_of) if view.dates else view.as_of.isoformat()),
        "confidentiality": "R",
        "custodian": organization,
        "event": [{"period": bundle.dates.period(view.identity.admission_date, view.discharge_on)}],
    }


def _some(ref: Reference | None) -> list[Reference]:
    return [ref] if ref is not None else []


def _section(
    code: str, title: str, entries: Iterable[Reference], text: str | None = None
) -> dict[str, Any]:
    entries = list(entries)
    section: dict[str, Any] = {
        "title": title,
        "code": codes.concept(codes.coding(codes.SECTION_SYSTEM, code, title)),
    }
    if entries:
        section["text"] = _narrative(text or f"{title}: {len(entries)} entries.")
        section["entry"] = entries
    else:
        section["text"] = _narrative(text or "None recorded.")
        if not text:
            section["emptyReason"] = codes.concept(
                codes.coding(codes.LIST_EMPTY_REASON, "nilknown", "Nil Known")
            )
    return section


def _safety_text(view: PlanView) -> str:
    parts = [
        f"{label(r.risk.kind)} risk, severity {r.severity} of 4 ({label(r.status)})"
        for r in view.risks
    ]
    parts += [f"risk event: {label(e.kind)}" for e in view.risk_events]
    if view.naloxone is not None:
        parts.append("naloxone " + ("on hand" if view.naloxone.on_hand else "NOT on hand"))
    return "; ".join(parts) + "." if parts else "None recorded."


def _goals_text(view: PlanView) -> str | None:
    overdue = view.overdue_objectives
    return f"{overdue} objective(s) overdue." if overdue else None


def _level_text(view: PlanView) -> str | None:
    if view.discharged:
        return "Discharged; the level history ends at discharge."
    return None


def _disclosure_text(view: PlanView) -> str:
    shown = _shown(view)
    text = (
        f"Disclosed to {shown.recipient} for {shown.purpose}; consent relied on: "
        f"{shown.consent}. Redisclosure is prohibited without consent (42 CFR part 2)."
    )
    if view.redacted:
        text += " Minimum-necessary copy; redacted: " + "; ".join(view.redaction) + "."
    return text
