"""Co-signature: a supervisor co-signs, or returns with a comment, the signed notes of a
clinician whose notes require it (``requires_cosignature`` in their settings).

Signing such a note marks it ``cosign_required``; it then waits in every supervisor's "to
co-sign" list. Co-signing locks it for good (the store refuses any later change to the
co-signature); returning it puts it back with its author, who answers with an addendum, after
which it waits again. Both only add to the record, so they never conflict with another save.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from tplan.domain import CosignReturn, Patient, ProgressNote
from tplan.services.errors import NoteStateError, RecordNotFound, ServiceError

if TYPE_CHECKING:
    from tplan.services.clock import Clock

SUPERVISOR = "supervisor"


@dataclass(frozen=True, slots=True)
class WaitingNote:
    """A signed note in a co-signature queue, with its patient's name for the list."""

    patient_id: str
    display_name: str
    initials: str
    note: ProgressNote


class CosignUseCases:
    """Mixed into ``Workspace``."""

    clock: Clock
    clinician: str
    role: str
    patients: Callable[..., list[Patient]]
    _change: Callable[..., Patient]

    @property
    def is_supervisor(self) -> bool:
        return self.role == SUPERVISOR

    def to_cosign(self) -> list[WaitingNote]:
        """Notes waiting for a supervisor's co-signature, oldest signature first."""
        return self._queue(lambda note: note.awaiting_cosignature)

    def returned_notes(self) -> list[WaitingNote]:
        """This clinician's notes a supervisor returned and that still need an answer."""
        return self._queue(
            lambda note: note.returned_to_author and note.signed_by == self.clinician
        )

    def waiting_on_me(self) -> list[WaitingNote]:
        """The notes that wait on this clinician: a supervisor's notes to co-sign, a
        counselor's notes a supervisor returned to them."""
        return self.to_cosign() if self.is_supervisor else self.returned_notes()

    def _queue(self, wanted: Callable[[ProgressNote], bool]) -> list[WaitingNote]:
        found = [
            WaitingNote(p.id, p.display_name, p.initials, note)
            for p in self.patients()
            for note in p.notes
            if wanted(note)
        ]
        return sorted(found, key=lambda w: (w.note.signed_at or datetime.min, w.note.id))

    def cosign_note(self, pid: str, note_id: str) -> Patient:
        """Co-sign a waiting note now, as this supervisor; it is locked from then on."""
        self._require_supervisor("co-sign")

        def apply(p: Patient) -> str:
            note = self._waiting(p, note_id)
            update = {"cosigned_at": self.clock.now(), "cosigned_by": self.clinician}
            p.notes = [note.model_copy(update=update) if n.id == note_id else n for n in p.notes]
            return note_id

        return self._change(pid, "cosign_note", apply, ["notes"], reapply=True)

    def return_note(self, pid: str, note_id: str, comment: str) -> Patient:
        """Send a waiting note back to its author with a comment (required)."""
        self._require_supervisor("return")
        if not comment.strip():
            raise ServiceError("say what the author should address: the comment is required")
        back = CosignReturn(at=self.clock.now(), by=self.clinician, comment=comment)

        def apply(p: Patient) -> str:
            note = self._waiting(p, note_id)
            returned = note.model_copy(update={"returns": [*note.returns, back]})
            p.notes = [returned if n.id == note_id else n for n in p.notes]
            return note_id

        return self._change(pid, "return_note", apply, ["notes"], reapply=True)

    def _require_supervisor(self, verb: str) -> None:
        if not self.is_supervisor:
            raise ServiceError(
                f"only a supervisor can {verb} a note (your role is {self.role}; "
                "see `tplan settings`)"
            )

    def _waiting(self, patient: Patient, note_id: str) -> ProgressNote:
        note = patient.find_note(note_id)
        if note is None:
            raise RecordNotFound("note", note_id)
        if note.cosigned:
            raise NoteStateError(f"note {note_id} is already co-signed by {note.cosigned_by}")
        if not note.awaiting_cosignature:
            raise NoteStateError(f"note {note_id} is not waiting for co-signature")
        if note.signed_by == self.clinician:
            raise NoteStateError("a supervisor cannot co-sign their own note")
        return note
