"""A note of a session is signed once the session has begun (tplan.domain.rules
``signing_time_problem``), however it is written: the group note, a progress note linked to the
session (signed from a draft or saved and signed at once), an import. A draft may be written
ahead. The 18:00-21:00 group of TODAY; the counselor at 15:16, then at 18:00."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from services_factories import TODAY, note, patient
from test_group_notes_services import group_session, written

from tplan.services import FixedClock, ImportError_, RecordRuleError, ServiceError
from tplan.store import open_store

__all__ = ["group_session"]  # the fixture, shared with the group note tests

BEFORE = FixedClock(TODAY, time(15, 16))
STARTED = FixedClock(TODAY, time(18))


def signed_today(db_path: str) -> dict[str, int]:
    """Reopened records: signed notes dated TODAY per patient id."""
    with open_store(db_path, "reader", read_only=True) as repo:
        return {
            p.id: sum(1 for n in p.notes if n.signed and n.date_of_service == TODAY)
            for p in repo.active_patients()
        }


def test_a_group_note_is_refused_before_its_session_begins_and_signed_once_it_has(
    group_session, db_path: str
) -> None:
    ws, session, ids = group_session
    ws.clock = BEFORE
    draft = ws.save_group_note(written(ws, session, ids))  # written ahead: kept as a draft
    with pytest.raises(ServiceError, match=r"not begun \(Thu 12 Mar 18:00\)"):
        ws.sign_group_note(draft)
    assert signed_today(db_path) == dict.fromkeys(ids, 0)
    ws.clock = STARTED
    assert ws.sign_group_note(draft).signed == (ids[0], ids[1])
    assert signed_today(db_path) == {ids[0]: 1, ids[1]: 1, ids[2]: 0, ids[3]: 0}


def test_a_progress_note_linked_to_a_session_is_signed_only_once_it_has_begun(
    group_session, db_path: str
) -> None:
    ws, session, ids = group_session
    pid = ids[0]
    ws.clock = BEFORE
    draft = note(TODAY, signed=False).model_copy(update={"session_id": session.id})
    ws.save_draft(pid, draft)
    with pytest.raises(RecordRuleError, match=r"not begun \(Thu 12 Mar 18:00\)") as caught:
        ws.sign_note(pid, draft.id)
    assert caught.value.field == "session_id"
    with pytest.raises(RecordRuleError, match="keep it a draft"):
        ws.sign_new_note(pid, draft)
    unlinked = note(TODAY, signed=False)  # not linked to a session: no start time to wait for
    ws.sign_new_note(pid, unlinked)
    assert signed_today(db_path)[pid] == 1
    ws.clock = STARTED
    ws.sign_note(pid, draft.id)
    with open_store(db_path, "reader", read_only=True) as repo:
        stored = repo.get(pid).find_note(draft.id)
        assert stored is not None and stored.signed and stored.session_id == session.id


def test_an_import_of_a_note_signed_before_its_linked_session_is_refused(
    group_session, db_path: str
) -> None:
    ws, session, _ids = group_session
    early = note(TODAY).model_copy(update={"session_id": session.id})  # signed 16:00
    newcomer = patient("Eli Marsh")
    newcomer.notes = [*newcomer.notes, early]
    with pytest.raises(ImportError_) as caught:
        ws.import_patients([newcomer])
    assert any(f"note {early.id}: linked session" in p for p in caught.value.problems)
    late = early.model_copy(update={"signed_at": datetime.combine(TODAY, time(21), UTC)})
    newcomer.notes = [*newcomer.notes[:-1], late]
    (imported,) = ws.import_patients([newcomer])
    assert signed_today(db_path)[imported.id] == 1
