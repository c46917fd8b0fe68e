"""Signed notes are locked: the store refuses any change to them except appended addenda."""

from __future__ import annotations

from tplan.domain import Patient, ProgressNote
from tplan.store.errors import SignedNoteError

_LOCKED_FIELDS = tuple(name for name in ProgressNote.model_fields if name != "addenda")


def check_signed_notes(before: Patient, after: Patient) -> None:
    """Raise SignedNoteError when ``after`` changes or drops a note that ``before`` has signed."""
    notes_after = {note.id: note for note in after.notes}
    for note in before.notes:
        if not note.signed:
            continue
        new = notes_after.get(note.id)
        if new is None:
            raise SignedNoteError(note.id, "it cannot be deleted")
        changed = [name for name in _LOCKED_FIELDS if getattr(note, name) != getattr(new, name)]
        if changed:
            raise SignedNoteError(note.id, f"its {', '.join(changed)} cannot change")
        if new.addenda[: len(note.addenda)] != note.addenda:
            raise SignedNoteError(note.id, "its addenda can only be added to, never changed")
