"""Signed notes are locked: the store refuses any change to them except appended addenda and,
for a note that requires co-signature, the supervisor's co-signature or appended returns.
A co-signature, once given, never changes, and nothing is returned after it.
A signed group note takes only what ``group_note_change_problem`` allows: members not signed
yet, documented and signed later with their charts."""

from __future__ import annotations

from collections.abc import Iterable

from tplan.domain import Patient, ProgressNote
from tplan.domain.group_notes import GroupNote, group_note_change_problem
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


def check_group_note_change(
    before: GroupNote | None, after: GroupNote, charts: Iterable[Patient] = ()
) -> None:
    """Raise SignedNoteError when saving ``after`` over ``before`` changes what the group's
    signing locked (``charts``: the members' charts saved in the same transaction)."""
    if problem := group_note_change_problem(before, after, charts):
        raise SignedNoteError(after.id, problem)
