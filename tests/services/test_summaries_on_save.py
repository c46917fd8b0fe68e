"""Every write of a patient carries the caseload summary of the new document, as of today, so
the next start paints the caseload from the file without the engine (a record file: the
PostgreSQL side of the summaries is the postgres branch's)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from services_factories import TODAY, note, patient
from test_group_notes_services import group_session, written

from tplan.domain import Discharge, DischargeReason
from tplan.services import FixedClock, Workspace
from tplan.services.caseload import summary_of
from tplan.store import open_store

__all__ = ["group_session"]  # the fixture, shared with the group note tests


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "records" / "caseload.json")


@pytest.fixture
def workspace(db_path: str) -> Iterator[Workspace]:
    ws = Workspace(open_store(db_path, "J. Park"), FixedClock(TODAY), clinician="J. Park")
    yield ws
    ws.close()


def current(ws: Workspace, pid: str) -> dict:
    return summary_of(ws.caseload_row(pid, TODAY))


def kept(db_path: str) -> dict:
    """The summaries as the next start reads them (a second, read-only opening)."""
    store = open_store(db_path, "reader", read_only=True)
    try:
        return store.caseload_summaries()
    finally:
        store.close()


def test_admit_save_sign_and_import_keep_each_summary_current(
    workspace: Workspace, db_path: str
) -> None:
    avery = workspace.admit(patient("Avery Quill"))
    assert kept(db_path)[avery.id] == current(workspace, avery.id)
    draft = note(TODAY, phq9=[2, 2, 2, 2, 2, 2, 2, 2, 1], signed=False)
    workspace.save_draft(avery.id, draft)
    assert kept(db_path)[avery.id] == current(workspace, avery.id)
    before = kept(db_path)[avery.id]
    workspace.sign_note(avery.id, draft.id)
    after = kept(db_path)[avery.id]
    assert after == current(workspace, avery.id)
    assert after["phq9"] == 17 and before["phq9"] != 17  # a draft's score counts once signed
    (bo,) = workspace.import_patients([patient("Bo Marchetti")])
    assert kept(db_path)[bo.id] == current(workspace, bo.id)


def test_signing_a_group_note_keeps_each_members_summary_current(
    group_session, db_path: str
) -> None:
    ws, session, ids = group_session
    before = kept(db_path)
    ws.sign_group_note(written(ws, session, ids))
    after = kept(db_path)
    for pid in ids[:2]:  # the present members' charts were written
        assert after[pid] == current(ws, pid)
        assert after[pid] != before[pid]


def test_a_discharged_patient_leaves_the_summaries_of_the_caseload(
    workspace: Workspace, db_path: str
) -> None:
    avery = workspace.admit(patient("Avery Quill"))
    assert avery.id in kept(db_path)
    workspace.discharge(
        avery.id, Discharge(on=TODAY, reason=DischargeReason.COMPLETED, aftercare="SMART")
    )
    assert avery.id not in kept(db_path)
