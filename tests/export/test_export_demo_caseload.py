"""Every demo patient exports in every format: varied records, real engine suggestions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from fhir.resources.R4B.bundle import Bundle

from tplan.clinical.engine import suggest
from tplan.domain import PART2_NOTICE, Envelope, ExportFormat
from tplan.export import render
from tplan.services.demo import read_demo

DEMO = read_demo()


def references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return found + [ref for value in node.values() for ref in references(value)]
    if isinstance(node, list):
        return [ref for item in node for ref in references(item)]
    return []


@pytest.mark.parametrize("patient", DEMO.patients, ids=lambda p: p.id)
def test_demo_patient_exports_in_every_format(patient) -> None:
    as_of = DEMO.as_of
    generated_at = datetime(as_of.year, as_of.month, as_of.day, 9, tzinfo=UTC)
    suggestion = suggest(patient, as_of)
    outputs = {
        fmt: render(
            patient, fmt, as_of=as_of, generated_at=generated_at, suggestion=suggestion
        ).decode("utf-8")
        for fmt in ExportFormat
    }
    assert PART2_NOTICE in outputs[ExportFormat.MARKDOWN]
    assert suggestion.headline.split()[0] in outputs[ExportFormat.HTML]
    assert Envelope.model_validate_json(outputs[ExportFormat.JSON]).patients == [patient]
    Bundle.model_validate_json(outputs[ExportFormat.FHIR])
    bundle = orjson.loads(outputs[ExportFormat.FHIR])
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    assert set(references(bundle)) <= full_urls
