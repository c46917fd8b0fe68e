"""JSON export: the interchange envelope with the full, unfiltered record."""

from __future__ import annotations

import orjson
import pytest

from tplan.domain import PART2_NOTICE, SCHEMA_VERSION, Envelope, ExportFormat, Patient
from tplan.export import ExportError, render


def test_round_trip_gives_the_patient_back_exactly(rich_patient: Patient, export, texts) -> None:
    envelope = Envelope.model_validate_json(export(rich_patient, ExportFormat.JSON))
    assert envelope.patients[0] == rich_patient
    assert envelope.patients[0].model_dump() == rich_patient.model_dump()
    assert len(envelope.patients) == 1


def test_envelope_records_notice_dates_and_schema(rich_patient: Patient, export, texts) -> None:
    raw = orjson.loads(export(rich_patient, ExportFormat.JSON))
    assert raw["notice"] == PART2_NOTICE
    assert raw["format"] == "tplan.interchange"
    assert raw["schema_version"] == SCHEMA_VERSION
    assert raw["as_of"] == "2026-03-12"
    assert raw["generated_at"].startswith("2026-03-12T14:05:00")


def test_json_is_not_filtered_by_the_as_of_date(rich_patient: Patient, export, texts) -> None:
    output = export(rich_patient, ExportFormat.JSON)
    assert texts.later_note in output
    assert "Addendum written after the as-of date" in output


def test_json_keeps_user_text_byte_exact_in_utf8(rich_patient: Patient, export, texts) -> None:
    raw = orjson.loads(export(rich_patient, ExportFormat.JSON).encode("utf-8"))
    assert raw["patients"][0]["snap"][0]["text"] == "Loves her kids " + texts.hostile


def test_a_redacted_json_export_is_refused(rich_patient: Patient, texts) -> None:
    with pytest.raises(ExportError, match="cannot be redacted") as caught:
        render(
            rich_patient,
            ExportFormat.JSON,
            as_of=texts.as_of,
            generated_at=texts.generated_at,
            suggestion=None,
            redact=True,
        )
    assert "Rivera" not in str(caught.value)  # no record content in the message
