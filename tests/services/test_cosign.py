"""Co-signature: a trainee's signed notes wait for a supervisor, who co-signs (locking them)
or returns them with a comment; the author answers with an addendum and the note waits again.
Runs on both backends."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from services_factories import TODAY, note, patient

from tplan.domain import Addendum, AddendumKind
from tplan.services import FixedClock, NoteStateError, ServiceError, Workspace
from tplan.store import SignedNoteError, open_store


@pytest.fixture
def team(db_path: str):
    """A trainee who requires co-signature and a supervisor, on the same records."""
    clock = FixedClock(TODAY)
    trainee = Workspace(
        open_store(db_path, "T. Nguyen"), clock, clinician="T. Nguyen", requires_cosignature=True
    )
    supervisor = Workspace(trainee.repo, clock, clinician="Dr. Okafor", role="supervisor")
    yield trainee, supervisor
    trainee.close()


def test_a_trainees_note_waits_is_returned_answered_and_cosigned(team) -> None:
    trainee, supervisor = team
    avery = trainee.admit(patient())
    draft = note(TODAY, signed=False)
    trainee.save_draft(avery.id, draft)
    assert supervisor.to_cosign() == []  # a draft does not wait
    trainee.sign_note(avery.id, draft.id)
    (waiting,) = supervisor.to_cosign()
    assert supervisor.waiting_on_me() == [waiting]  # a supervisor's: the notes to co-sign
    assert trainee.waiting_on_me() == []
    assert (waiting.patient_id, waiting.note.id) == (avery.id, draft.id)
    assert waiting.note.cosign_required and waiting.note.signed_by == "T. Nguyen"

    with pytest.raises(ServiceError, match="only a supervisor can co-sign"):
        trainee.cosign_note(avery.id, draft.id)
    with pytest.raises(ServiceError, match="comment is required"):
        supervisor.return_note(avery.id, draft.id, "  ")
    supervisor.return_note(avery.id, draft.id, "Name the coping skill you taught")
    assert supervisor.to_cosign() == []
    (back,) = trainee.returned_notes()
    assert back.note.returns[-1].comment == "Name the coping skill you taught"
    assert trainee.waiting_on_me() == [back]  # a counselor's: the notes returned to them
    assert supervisor.waiting_on_me() == []

    answer = Addendum(
        kind=AddendumKind.CLARIFICATION, reason="supervisor's comment",
        text="Taught urge surfing", author="T. Nguyen",
        written_at=trainee.clock.now() + timedelta(minutes=5),
    )
    trainee.add_addendum(avery.id, draft.id, answer)
    assert trainee.returned_notes() == []
    assert [w.note.id for w in supervisor.to_cosign()] == [draft.id]

    supervisor.cosign_note(avery.id, draft.id)
    assert supervisor.to_cosign() == []
    signed = supervisor.patient(avery.id).find_note(draft.id)
    assert signed is not None and signed.cosigned_by == "Dr. Okafor" and signed.cosigned
    with pytest.raises(NoteStateError, match="already co-signed"):
        supervisor.cosign_note(avery.id, draft.id)

    # locked: no one can undo or redo the co-signature, whatever they hand the store
    undone = supervisor.patient(avery.id).model_copy(deep=True)
    undone.notes = [
        n.model_copy(update={"cosigned_by": "someone else", "cosigned_at": datetime.now()})
        if n.id == draft.id else n
        for n in undone.notes
    ]
    with pytest.raises(SignedNoteError, match="co-signed"):
        supervisor.repo.put(undone, "tamper")
    assert [e.action for e in trainee.audit(avery.id)][-4:] == [
        "sign_note", "return_note", "add_addendum", "cosign_note",
    ]


def test_a_counselor_without_the_setting_signs_for_good(workspace: Workspace) -> None:
    avery = workspace.admit(patient())
    draft = note(TODAY, signed=False)
    workspace.save_draft(avery.id, draft)
    workspace.sign_note(avery.id, draft.id)
    supervisor = Workspace(workspace.repo, workspace.clock, clinician="Dr. Okafor",
                           role="supervisor")
    assert supervisor.to_cosign() == []
    with pytest.raises(NoteStateError, match="not waiting for co-signature"):
        supervisor.cosign_note(avery.id, draft.id)


def test_a_supervisor_cannot_cosign_their_own_note(db_path: str) -> None:
    clock = FixedClock(TODAY)
    ws = Workspace(open_store(db_path, "Dr. Okafor"), clock, clinician="Dr. Okafor",
                   role="supervisor", requires_cosignature=True)
    try:
        avery = ws.admit(patient())
        draft = note(TODAY, signed=False)
        ws.save_draft(avery.id, draft)
        ws.sign_note(avery.id, draft.id)
        with pytest.raises(NoteStateError, match="own note"):
            ws.cosign_note(avery.id, draft.id)
    finally:
        ws.close()
