"""Export one patient's plan (Markdown, HTML, JSON, FHIR), logged as a Part 2 disclosure."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Select, Static

from tplan.domain import PART2_NOTICE, ExportFormat
from tplan.export import default_filename
from tplan.export.disclosure import consent_problem
from tplan.ui.forms.base import FieldReader, FormScreen
from tplan.ui.forms.fields import FieldRow, checkbox, choice, literal, text_input

if TYPE_CHECKING:
    from tplan.services import Workspace

FORMAT_OPTIONS = [
    ("Markdown (.md)", ExportFormat.MARKDOWN),
    ("HTML (.html)", ExportFormat.HTML),
    ("JSON interchange (.json)", ExportFormat.JSON),
    ("FHIR R4 bundle (.fhir.json)", ExportFormat.FHIR),
]
TPO = "treatment/payment/operations"


class ExportForm(FormScreen[Path | None]):
    """Choose format, file, recipient, purpose, consent and redaction; dismisses with the Path."""

    NOUN = "export"

    def __init__(self, workspace: Workspace, patient_id: str, directory: Path | None = None):
        super().__init__(workspace, patient_id)
        self.directory = directory or workspace.export_folder or Path.cwd()
        """Shown in the file field: the settings' private export folder, not wherever tplan
        was started."""
        self._suggested_path = ""

    def heading(self) -> str:
        return "Export the plan"

    def _default_path(self, fmt: ExportFormat, redact: bool = False) -> str:
        """The suggested file; for a redacted copy the folder, so that the service names the
        file without the patient id."""
        assert self.patient is not None
        if redact:
            return str(self.directory) + os.sep
        return str(self.directory / default_filename(self.patient, fmt, self.today()))

    def compose_fields(self) -> ComposeResult:
        self._suggested_path = self._default_path(ExportFormat.MARKDOWN)
        yield FieldRow(
            "Format",
            choice("format", FORMAT_OPTIONS, ExportFormat.MARKDOWN, classes=""),
        )
        yield FieldRow(
            "File",
            text_input("path", self._suggested_path),
            hint="a file, or a folder to put it in",
        )
        yield self.day_row("As of", "as_of")
        yield FieldRow("Recipient", text_input("recipient", "internal chart copy"))
        yield FieldRow("Purpose", text_input("purpose", TPO))
        yield FieldRow(
            "Consent",
            text_input("consent", ""),
            hint="the patient's signed consent (reference), or treatment/payment/operations; "
            "may stay empty only for the internal chart copy",
        )
        yield FieldRow(
            "Redact",
            checkbox(
                "redact", "minimum necessary: no names, ids, contacts or dates", False
            ),
        )
        yield FieldRow(
            "Overwrite", checkbox("force", "replace the file if it exists", False)
        )
        yield Static(
            literal(f"Every copy carries: “{PART2_NOTICE}” and is logged as a disclosure."),
            classes="field-hint",
        )

    @on(Select.Changed, "#format")
    def _format_changed(self, event: Select.Changed) -> None:
        """Follow the format with the file name, unless the counselor typed their own."""
        if event.value is not Select.NULL:
            self._follow(ExportFormat(event.value), self.query_one("#redact", Checkbox).value)

    @on(Checkbox.Changed, "#redact")
    def _redact_changed(self, event: Checkbox.Changed) -> None:
        """A redacted copy's file name must not carry the patient id."""
        fmt = self.query_one("#format", Select).value
        if fmt is not Select.NULL:
            self._follow(ExportFormat(fmt), event.value)

    def _follow(self, fmt: ExportFormat, redact: bool) -> None:
        path = self.query_one("#path", Input)
        if path.value != self._suggested_path:
            return  # the counselor typed their own
        self._suggested_path = self._default_path(fmt, redact)
        path.value = self._suggested_path
        self._initial["path"] = (self._suggested_path,)

    def build(self) -> dict[str, Any]:
        r = FieldReader(self)
        values: dict[str, Any] = {
            "fmt": r.choice("format"),
            "path": r.text("path"),
            "as_of": r.date("as_of", required=True),
            "recipient": r.text("recipient"),
            "purpose": r.text("purpose"),
            "consent": r.text("consent"),
            "redact": r.flag("redact"),
            "force": r.flag("force"),
        }
        for key in ("path", "recipient", "purpose"):
            if not values[key]:
                r.fail(key, "is required")
        problem = consent_problem(values["recipient"], values["purpose"], values["consent"])
        if problem:
            r.fail("consent", problem)
        if values["redact"] and values["fmt"] is ExportFormat.JSON:
            r.fail(
                "redact", "a JSON export is the full record for re-import: choose another format"
            )
        if values["as_of"] is not None and values["as_of"] > self.today():
            r.fail("as_of", "cannot be in the future")
        r.check()
        values["path"] = Path(values["path"]).expanduser()
        return values

    def persist(self, payload: dict[str, Any]) -> Path:
        values = dict(payload)
        return self.workspace.export(
            self.patient_id, values.pop("fmt"), values.pop("path"), **values
        )
