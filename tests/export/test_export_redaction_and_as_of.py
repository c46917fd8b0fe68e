"""Minimum-necessary copies and the as-of date, in every snapshot format."""

from __future__ import annotations

import re
from datetime import date

import orjson
import pytest

from tplan.domain import ExportFormat, Patient
from tplan.export import default_filename, render

SNAPSHOTS = [ExportFormat.MARKDOWN, ExportFormat.HTML, ExportFormat.FHIR]


@pytest.mark.parametrize("fmt", SNAPSHOTS)
def test_redaction_removes_names_contacts_identifiers_and_birth_date(
    fmt: ExportFormat, rich_patient: Patient, export
) -> None:
    full = export(rich_patient, fmt)
    redacted = export(rich_patient, fmt, redact=True).replace("\\[", "[").replace("\\]", "]")
    for private in [
        "Jordan Alex Rivera",
        "Maria Rivera",
        "Sam Sponsor",
        "+1 555 0100",
        "sam@example.org",
        "MRN-445566",
        "pt-0123456789ab",
        "1988-07-14",
    ]:
        assert private in full, private  # present in the full copy: the test can fail
        assert private not in redacted, private
    assert "[patient]" in redacted and "[family]" in redacted and "1988" in redacted
    assert "J.A.R." not in redacted  # initials are derived from the name: gone too
    # Clinical content stays.
    assert "Sustain recovery from opioids" in redacted


def test_redacted_fhir_patient_has_no_name_no_identifier_and_the_birth_year(
    rich_patient: Patient, export
) -> None:
    bundle = orjson.loads(export(rich_patient, ExportFormat.FHIR, redact=True))
    kinds = {e["resource"]["resourceType"]: e["resource"] for e in bundle["entry"]}
    patient = kinds["Patient"]
    assert "identifier" not in patient and "name" not in patient
    assert patient["birthDate"] == "1988"
    people = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "RelatedPerson"
    ]
    assert all("telecom" not in p for p in people)


@pytest.mark.parametrize("fmt", [ExportFormat.MARKDOWN, ExportFormat.HTML])
def test_as_of_hides_later_records(fmt: ExportFormat, rich_patient: Patient, export, texts) -> None:
    output = export(rich_patient, fmt)
    assert texts.later_note not in output  # note dated 19 March
    assert "Addendum written after the as-of date" not in output
    assert "Objective added after the as-of date" not in output
    assert "Risk recorded after the as-of date" not in output
    # A note signed after the as-of date was still a draft that day.
    assert texts.unsigned_by_as_of in output
    assert output.count("DRAFT, unsigned") == 2


@pytest.mark.parametrize("fmt", [ExportFormat.MARKDOWN, ExportFormat.HTML])
def test_an_earlier_as_of_date_shows_the_record_as_it_stood(
    fmt: ExportFormat, rich_patient: Patient, texts
) -> None:
    output = render(
        rich_patient,
        fmt,
        as_of=date(2026, 2, 10),
        generated_at=texts.generated_at,
        suggestion=None,
    ).decode("utf-8")
    assert "as of 2026-02-10" in output
    assert "4 days, 12 hours a week" in output
    assert "3 days, 9 hours a week" not in output  # the taper started 23 February
    text = re.sub(r"<[^>]+>", "", output)
    assert "in progress (since 2026-01-20)" in text  # achieved only on 28 February
    assert "Week 2 group." in output and "Week 3 group." not in output
    assert "Step down to weekly outpatient group" not in output  # aftercare written 5 March


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        (ExportFormat.MARKDOWN, "pt-0123456789ab_plan_2026-03-12.md"),
        (ExportFormat.HTML, "pt-0123456789ab_plan_2026-03-12.html"),
        (ExportFormat.JSON, "pt-0123456789ab_plan_2026-03-12.json"),
        (ExportFormat.FHIR, "pt-0123456789ab_plan_2026-03-12.fhir.json"),
    ],
)
def test_default_filename(fmt: ExportFormat, name: str, rich_patient: Patient, texts) -> None:
    assert default_filename(rich_patient, fmt, texts.as_of) == name


def test_a_redacted_file_name_has_no_patient_id_and_no_precise_date(
    rich_patient: Patient, texts
) -> None:
    name = default_filename(rich_patient, ExportFormat.HTML, texts.as_of, redact=True, tag="ab12")
    assert name == "redacted-plan_2026_ab12.html"
