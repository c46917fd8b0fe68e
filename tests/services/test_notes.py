"""Note use cases: drafts are editable, signing locks, corrections are addenda."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError
from services_factories import SECRET, TODAY, note

from tplan.domain import Addendum, AddendumKind, ObjectiveProgress, Patient, ProgressRating
from tplan.services import FixedClock, NoteStateError, RecordNotFound, Workspace
from tplan.store import SignedNoteError, open_store


def addendum() -> Addendum:
    return Addendum(
        kind=AddendumKind.CORRECTION,
        reason="wrong craving recorded",
        text="craving was 4, not 2",
        author="J. Park",
        written_at=datetime(2026, 3, 12, 13, tzinfo=UTC),
    )


def test_save_draft_creates_then_replaces(workspace: Workspace, admitted: Patient) -> None:
    draft = note(TODAY, signed=False, craving=6)
    saved = workspace.save_draft(admitted.id, draft)
    assert saved.find_note(draft.id) == draft
    edited = draft.model_copy(update={"craving": 4})
    saved = workspace.save_draft(admitted.id, edited)
    assert saved.find_note(draft.id).craving == 4  # type: ignore[union-attr]
    assert len(saved.notes) == len(admitted.notes) + 1
    assert workspace.patient(admitted.id) is saved
    entries = workspace.audit(admitted.id)
    assert [e.action for e in entries[-2:]] == ["save_draft", "save_draft"]
    assert entries[-1].record_id == draft.id
    assert entries[-1].fields == ("notes",)


def test_save_draft_refuses_signed_notes(workspace: Workspace, admitted: Patient) -> None:
    with pytest.raises(NoteStateError, match="sign"):
        workspace.save_draft(admitted.id, note(TODAY, signed=True))
    signed = admitted.notes[0]
    rewrite = signed.model_copy(update={"signed_at": None, "signed_by": "", "craving": 9})
    with pytest.raises(SignedNoteError, match="cannot be edited"):
        workspace.save_draft(admitted.id, rewrite)
    assert workspace.patient(admitted.id) == admitted


def test_invalid_draft_raises_validation_error(workspace: Workspace, admitted: Patient) -> None:
    draft = note(TODAY, signed=False).model_copy(
        update={
            "objectives_addressed": [
                ObjectiveProgress(objective_id="ob-missing", rating=ProgressRating.IMPROVING)
            ]
        }
    )
    with pytest.raises(ValidationError, match="not in the plan"):
        workspace.save_draft(admitted.id, draft)
    assert workspace.patient(admitted.id) == admitted


def test_sign_note_records_who_and_when(workspace: Workspace, admitted: Patient) -> None:
    draft = note(TODAY, signed=False)
    workspace.save_draft(admitted.id, draft)
    signed = workspace.sign_note(admitted.id, draft.id).find_note(draft.id)
    assert signed is not None
    assert signed.signed_at == FixedClock(TODAY).now()
    assert signed.signed_by == "J. Park"
    with pytest.raises(SignedNoteError, match="already signed"):
        workspace.sign_note(admitted.id, draft.id)
    with pytest.raises(RecordNotFound, match="nt-nope"):
        workspace.sign_note(admitted.id, "nt-nope")


def test_addenda_go_on_signed_notes_only(workspace: Workspace, admitted: Patient) -> None:
    signed = admitted.notes[0]
    updated = workspace.add_addendum(admitted.id, signed.id, addendum())
    after = updated.find_note(signed.id)
    assert after is not None and [a.text for a in after.addenda] == ["craving was 4, not 2"]
    assert after.sections == signed.sections
    draft = note(TODAY, signed=False)
    workspace.save_draft(admitted.id, draft)
    with pytest.raises(NoteStateError, match="draft"):
        workspace.add_addendum(admitted.id, draft.id, addendum())


def test_delete_draft_but_never_a_signed_note(workspace: Workspace, admitted: Patient) -> None:
    draft = note(TODAY, signed=False)
    workspace.save_draft(admitted.id, draft)
    assert workspace.delete_draft(admitted.id, draft.id).find_note(draft.id) is None
    with pytest.raises(SignedNoteError, match="cannot be deleted"):
        workspace.delete_draft(admitted.id, admitted.notes[0].id)
    assert workspace.patient(admitted.id).notes == admitted.notes


def test_notes_persist_and_audit_holds_no_content(
    workspace: Workspace, admitted: Patient, db_path
) -> None:
    draft = note(TODAY, signed=False)
    workspace.save_draft(admitted.id, draft)
    workspace.sign_note(admitted.id, draft.id)
    workspace.close()
    with open_store(db_path, read_only=True) as repo:
        assert repo.get(admitted.id).find_note(draft.id).signed  # type: ignore[union-attr]
        audit = repo.audit(admitted.id)
        assert [e.action for e in audit] == ["admit", "save_draft", "sign_note"]
        assert all(SECRET not in repr(e) for e in audit)
