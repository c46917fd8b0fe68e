"""Returning a note to its author: the supervisor's comment, typed in a form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult

from tplan.domain import Patient, ProgressNote
from tplan.ui.forms.base import FieldReader, FormInvalid, FormScreen
from tplan.ui.forms.fields import FieldRow, text_area

if TYPE_CHECKING:
    from tplan.services import Workspace


class ReturnForm(FormScreen[Patient | None]):
    """Send a note waiting for co-signature back to its author with a comment."""

    NOUN = "return"

    def __init__(self, workspace: Workspace, patient_id: str, note: ProgressNote) -> None:
        super().__init__(workspace, patient_id)
        self.note = note

    def heading(self) -> str:
        return (
            f"Return the note of {self.note.date_of_service:%d %b %Y} to {self.note.signed_by}"
        )

    def compose_fields(self) -> ComposeResult:
        yield FieldRow(
            "Comment",
            text_area("comment", tall=True, placeholder="what the author should address"),
        )

    def build(self) -> str:
        r = FieldReader(self)
        comment = r.text("comment")
        r.check()
        if not comment.strip():
            raise FormInvalid({"comment": "must not be empty"})
        return comment

    def persist(self, payload: str) -> Patient:
        return self.workspace.return_note(self.patient_id, self.note.id, payload)
