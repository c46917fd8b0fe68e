"""Signed notes are locked: the store refuses any change to them except appended addenda and,
for a note that requires co-signature, the supervisor's co-signature or appended returns.
A co-signature, once given, never changes, and nothing is returned after it."""

from __future__ import annotations

from tplan.domain import Patient, ProgressNote
from tplan.store.errors import SignedNoteError

_COSIGNING = ("cosigned_at", "cosigned_by", "returns")
_LOCKED_FIELDS = tuple(
    name for name in ProgressNote.model_fields if name not in ("addenda", *_COSIGNING)
)


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
        _check_cosigning(note, new)


def _check_cosigning(note: ProgressNote, new: ProgressNote) -> None:
    if note.cosigned:
        if any(getattr(note, name) != getattr(new, name) for name in _COSIGNING):
            raise SignedNoteError(note.id, "it is co-signed")
        return
    if new.returns[: len(note.returns)] != note.returns:
        raise SignedNoteError(note.id, "a return to its author can only be added, never changed")
