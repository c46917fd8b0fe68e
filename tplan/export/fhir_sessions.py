"""Sessions in FHIR: an ``Encounter`` per expected session whose outcome is known.

Attended sessions are ``finished`` with the minutes attended as ``length``; missed, excused
and program-cancelled ones are ``cancelled`` with the reason; unrecorded ones are left out
(nothing is known yet). Each Encounter belongs to the level-of-care episode in force that day.
Session times are clinic clock times without a time zone, which FHIR does not allow in a
dateTime, so the period is the day and the length says how long.
"""

from __future__ import annotations

from tplan.clinical import ExpectedSession, Outcome
from tplan.export import fhir_codes as codes
from tplan.export.fhir_bundle import BundleBuilder, Reference, Resource
from tplan.export.labels import label
from tplan.export.snapshot import PlanView

_AMBULATORY = codes.coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory")
_REASONS = {
    Outcome.MISSED: "missed (absent, unexcused)",
    Outcome.EXCUSED: "excused absence",
    Outcome.CANCELLED: "cancelled by the program",
}


def encounters(
    bundle: BundleBuilder,
    view: PlanView,
    patient: Reference,
    organization: Reference,
    episodes: list[Reference],
) -> list[Reference]:
    refs = []
    starts = [change.start for change in view.level_history]
    for item in view.sessions:
        if item.outcome is Outcome.UNRECORDED:
            continue
        in_force = [i for i, start in enumerate(starts) if start <= item.on]
        body = _encounter(bundle, item, patient, organization)
        if in_force and episodes:
            body["episodeOfCare"] = [episodes[in_force[-1]]]
        key = f"{item.occurrence}/{item.on.isoformat()}"
        refs.append(bundle.add("Encounter", key, body))
    return refs


def _encounter(
    bundle: BundleBuilder, item: ExpectedSession, patient: Reference, organization: Reference
) -> Resource:
    kind = item.session_type
    text = f"{label(kind)} session: {item.label}"
    if item.session is not None and item.session.topic:
        text += f" ({item.session.topic})"
    body: Resource = {
        "extension": bundle.dates.offset(item.on),
        "status": "finished" if item.outcome is Outcome.ATTENDED else "cancelled",
        "class": _AMBULATORY,
        "type": [
            codes.concept(
                codes.coding(codes.SESSION_TYPE_SYSTEM, kind.value, label(kind)), text=text
            )
        ],
        "subject": patient,
        "period": bundle.dates.period(item.on, item.on),
        "serviceProvider": organization,
    }
    if not body["extension"]:
        del body["extension"]
    if item.outcome is Outcome.ATTENDED:
        body["length"] = {
            "value": item.minutes_attended,
            "unit": "min",
            "system": "http://unitsofmeasure.org",
            "code": "min",
        }
    else:
        reason = _REASONS[item.outcome]
        detail = ""
        if item.record is not None and item.record.reason:
            detail = item.record.reason
        elif item.session is not None and item.session.cancel_reason:
            detail = item.session.cancel_reason
        body["reasonCode"] = [codes.concept(text=reason + (f": {detail}" if detail else ""))]
    return body
