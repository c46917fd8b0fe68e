"""Snapshot writers: one patient's record as Markdown, HTML, JSON or a FHIR R4 Bundle.

Domain in, bytes out: writing the file (0600, no overwrite) and the disclosure log entry are
the services layer's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from tplan.clinical import ExpectedSession
from tplan.domain import ExportFormat, ExportLogEntry, Patient, Suggestion
from tplan.export.documents import render_html, render_markdown
from tplan.export.fhir import render_fhir
from tplan.export.interchange import render_json
from tplan.export.snapshot import build_view

__all__ = ["EXTENSIONS", "ExportError", "default_filename", "render"]

EXTENSIONS: dict[ExportFormat, str] = {
    ExportFormat.MARKDOWN: "md",
    ExportFormat.HTML: "html",
    ExportFormat.JSON: "json",
    ExportFormat.FHIR: "fhir.json",
}


class ExportError(ValueError):
    """The export cannot be made as asked; the message says why in a sentence."""


def render(
    patient: Patient,
    fmt: ExportFormat,
    *,
    as_of: date,
    generated_at: datetime,
    suggestion: Suggestion | None,
    redact: bool = False,
    disclosure: ExportLogEntry | None = None,
    sessions: Sequence[ExpectedSession] = (),
) -> bytes:
    """The patient's record as of ``as_of`` in ``fmt``, UTF-8 encoded.

    Markdown, HTML and FHIR show the record as it stood on ``as_of``; JSON is the full record
    for re-import and cannot be redacted (an ``ExportError`` says so). ``disclosure`` is this
    export's log entry (recipient, purpose, consent; its id seeds the FHIR ids); without one,
    an internal chart copy with a fresh id is assumed. ``sessions`` are the patient's
    expected sessions with their attendance (attended ones become FHIR Encounters).
    """
    fmt = ExportFormat(fmt)
    if fmt is ExportFormat.JSON:
        if redact:
            raise ExportError(
                "a JSON export is the full record for re-import and cannot be redacted; "
                "choose Markdown, HTML or FHIR for a minimum-necessary copy"
            )
        return render_json(patient, as_of=as_of, generated_at=generated_at)
    if disclosure is None:
        disclosure = ExportLogEntry(
            at=generated_at, by=patient.counselor, format=fmt, as_of=as_of, redacted=redact
        )
    view = build_view(
        patient,
        as_of=as_of,
        generated_at=generated_at,
        suggestion=suggestion,
        redact=redact,
        disclosure=disclosure,
        sessions=sessions,
    )
    if fmt is ExportFormat.FHIR:
        return render_fhir(patient, view, generated_at, disclosure)
    if fmt is ExportFormat.MARKDOWN:
        return render_markdown(view)
    return render_html(view)


def default_filename(
    patient: Patient, fmt: ExportFormat, as_of: date, *, redact: bool = False, tag: str = ""
) -> str:
    """E.g. ``pt-1a2b3c4d5e6f_plan_2026-03-12.html``; FHIR bundles end in ``.fhir.json``.

    A redacted copy's name carries neither the patient id nor a precise date:
    ``redacted-plan_2026_<tag>.html``, where ``tag`` tells copies apart (e.g. the export's id).
    """
    extension = EXTENSIONS[ExportFormat(fmt)]
    if redact:
        suffix = f"_{tag}" if tag else ""
        return f"redacted-plan_{as_of.year}{suffix}.{extension}"
    return f"{patient.id}_plan_{as_of.isoformat()}.{extension}"
