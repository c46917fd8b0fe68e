"""The JSON export: the interchange envelope with the full record, for ``tplan import``."""

from __future__ import annotations

from datetime import date, datetime

from tplan.domain import Envelope, Patient


def render_json(patient: Patient, *, as_of: date, generated_at: datetime) -> bytes:
    """The whole record, unfiltered: the importer must get the patient back exactly.

    ``as_of`` is only recorded in the envelope.
    """
    envelope = Envelope(generated_at=generated_at, as_of=as_of, patients=[patient])
    return envelope.model_dump_json(indent=2).encode("utf-8")
