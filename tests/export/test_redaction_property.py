"""No name of the patient, a support or a facilitator, and no phone number, survives in any
redacted format, whatever the names and numbers and whichever free-text field holds them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import Enum
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tplan.clinical.engine import suggest
from tplan.domain import ExportFormat, Patient
from tplan.export import render
from tplan.services.demo import read_demo

DEMO = read_demo()
AVERY = next(p for p in DEMO.patients if p.id == "demo-avery-quill")
PRECISE_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}|\b\d{1,2}/\d{1,2}/\d{2,4}\b")
YEAR_START = re.compile(r'"\d{4}-01-01T00:00:00\+00:00"')
REDACTED_FORMATS = [ExportFormat.MARKDOWN, ExportFormat.HTML, ExportFormat.FHIR]

# Made-up words no template or clinical text contains (so a hit is always a leak).
name_words = st.from_regex(r"[QXZ][aeiou][qxzvjk][aeiou][a-z]{1,4}", fullmatch=True)
full_names = st.lists(name_words, min_size=2, max_size=3).map(" ".join)
phones = st.one_of(
    st.from_regex(r"\(?[2-9][0-9]{2}\)? ?[0-9]{3}-[0-9]{4}", fullmatch=True),
    st.from_regex(r"555-01[0-9]{2}", fullmatch=True),
    st.from_regex(r"\+1 [2-9][0-9]{2} [0-9]{3} [0-9]{4}", fullmatch=True),
    st.from_regex(r"[2-9][0-9]{2}\.[0-9]{3}\.[0-9]{4}", fullmatch=True),
)

# Fields that hold codes or staff names, not free text about the patient.
NOT_FREE_TEXT = {
    "id", "objective_id", "decision_id", "patient_id", "instrument", "counselor", "author",
    "signed_by", "decided_by", "by", "policy_name", "rule", "alert", "criterion", "role",
    "schema_version", "display_name", "name", "staff", "system", "value", "file_name",
    "headline", "code", "icd10", "session_id", "group_note_id",
}  # fmt: skip


def seeded(patient: Patient, who: list[str], facilitator: str, phone: str) -> Patient:
    """Every free-text field gets the names (in varied case) and a phone number appended."""
    data = patient.model_dump()
    counter = iter(range(10**6))

    def sprinkle(text: str) -> str:
        n = next(counter)
        name = who[n % len(who)]
        shown = [name, name.upper(), name.lower(), name.split()[-1]][n % 4]
        return f"{text} {shown} {phone}".strip()

    def walk(node: Any, key: str = "") -> Any:
        if isinstance(node, dict):
            return {k: v if k in NOT_FREE_TEXT else walk(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(item, key) for item in node]
        if isinstance(node, str) and not isinstance(node, Enum):
            return sprinkle(node)
        return node

    data = walk(data)
    data["display_name"] = who[0]
    data["disclosures"] = []
    for index, support in enumerate(data["supports"]):
        support["name"] = who[1 + index % (len(who) - 1)]
        support["contact"] = phone
    for problem in data["problems"]:
        for goal in problem["goals"]:
            for objective in goal["objectives"]:
                for intervention in objective["interventions"]:
                    intervention["staff"] = facilitator
    return Patient.model_validate(data)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    patient_name=full_names,
    support_names=st.lists(full_names, min_size=2, max_size=2),
    facilitator=full_names,
    phone=phones,
)
def test_no_name_or_phone_survives_redaction(
    patient_name: str, support_names: list[str], facilitator: str, phone: str
) -> None:
    who = [patient_name, *support_names]
    patient = seeded(AVERY, who, "Dr. " + facilitator, phone)
    words = {w for name in [*who, facilitator] for w in name.split()}
    leak = re.compile(r"(?<![a-z])(" + "|".join(words) + r")(?![a-z])", re.IGNORECASE)
    for fmt in REDACTED_FORMATS:
        full = render(
            patient, fmt, as_of=DEMO.as_of, generated_at=datetime.now(UTC), suggestion=None
        ).decode()
        assert leak.search(full) and phone in full  # the seeding worked: the test can fail
        redacted = render(
            patient,
            fmt,
            as_of=DEMO.as_of,
            generated_at=datetime.now(UTC),
            suggestion=None,
            redact=True,
        ).decode()
        found = leak.search(redacted)
        assert found is None, f"{fmt.value}: {found and found.group()!r} survived"
        assert phone not in redacted, f"{fmt.value}: the phone number survived"
        assert "[patient]" in redacted.replace("\\[", "[").replace("\\]", "]")


@pytest.mark.parametrize("patient", DEMO.patients, ids=lambda p: p.id)
def test_no_date_more_precise_than_the_year_survives(patient: Patient) -> None:
    """Dates become days since admission (FHIR: the year); the suggestion's messages too."""
    suggestion = suggest(patient, DEMO.as_of) if patient.active else None
    for fmt in REDACTED_FORMATS:
        args = {"as_of": DEMO.as_of, "generated_at": datetime(2026, 3, 2, 9, tzinfo=UTC)}
        full = render(patient, fmt, suggestion=suggestion, **args).decode()
        assert PRECISE_DATE.search(full)  # the full copy has dates: the test can fail
        redacted = render(patient, fmt, suggestion=suggestion, redact=True, **args).decode()
        # FHIR instants (Bundle.timestamp ...) must be full: a redacted copy uses the year's start.
        redacted = YEAR_START.sub("", redacted)
        found = PRECISE_DATE.search(redacted)
        assert found is None, f"{fmt.value}: {found and found.group()}"
        assert "day 0" in redacted or fmt is ExportFormat.FHIR
