"""Caseload summaries in the record file: saved with the document, never stale (issue #14)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import orjson
import pytest
from store_factories import make_note, make_patient

from tplan.domain import (
    Discharge,
    DischargeReason,
    DisclosureStatus,
    ExportFormat,
    ExportLogEntry,
)
from tplan.domain.group_notes import GroupNote
from tplan.store import ReadOnlyStoreError, open_repository
from tplan.store.journal import journal_path
from tplan.store.migrations import STORE_FORMAT
from tplan.store.summaries import MAX_SUMMARY_BYTES

NOW = datetime(2026, 3, 12, 14, 30, tzinfo=UTC)


def _row(name: str, revision: int = 1) -> dict:
    return {"name": name, "level": "2.1", "crav": 3, "alerts": ["review"], "rev": revision}


def _with_note(patient, day: int):
    copy = patient.model_copy(deep=True)
    copy.notes.append(make_note(day))
    return copy


def _discharged(patient):
    copy = patient.model_copy(deep=True)
    copy.discharge = Discharge(on=date(2026, 3, 1), reason=DischargeReason.COMPLETED,
                               aftercare="weekly group")
    return copy


@pytest.fixture
def two(db_path: Path):
    """A file with Avery (admitted with a summary) and Bo (imported without one)."""
    avery, bo = make_patient("Avery Quill"), make_patient("Bo Marchetti")
    with open_repository(db_path, "J. Park") as repo:
        repo.add(avery, summary=_row("Avery"))
        repo.import_patients([bo])
    return avery, bo


def test_a_summary_is_saved_with_the_document_and_read_after_reopening(db_path, two):
    avery, bo = two
    with open_repository(db_path, "J. Park") as repo:
        assert repo.caseload_summaries() == {avery.id: _row("Avery"), bo.id: None}
        repo.put(_with_note(repo.get(bo.id), 3), "save_draft", summary=_row("Bo", 2))
        assert repo.caseload_summaries()[bo.id] == _row("Bo", 2)
    with open_repository(db_path, read_only=True) as repo:
        assert repo.caseload_summaries() == {avery.id: _row("Avery"), bo.id: _row("Bo", 2)}


def test_import_takes_a_summary_per_patient(db_path):
    avery, bo = make_patient("Avery Quill"), make_patient("Bo Marchetti")
    with open_repository(db_path, "J. Park") as repo:
        repo.import_patients([avery, bo], summaries={bo.id: _row("Bo")})
    with open_repository(db_path, read_only=True) as repo:
        assert repo.caseload_summaries() == {avery.id: None, bo.id: _row("Bo")}


def test_a_document_written_without_a_summary_drops_the_stored_one(db_path, two):
    avery, _ = two
    with open_repository(db_path, "J. Park") as repo:
        repo.put(_with_note(repo.get(avery.id), 3), "save_draft")
        assert repo.caseload_summaries()[avery.id] is None
    with open_repository(db_path, read_only=True) as repo:
        assert repo.caseload_summaries()[avery.id] is None


def test_a_disclosure_status_change_drops_the_summary_and_moves_the_version_on(db_path, two):
    avery, _ = two
    entry = ExportLogEntry(at=NOW, by="J. Park", format=ExportFormat.MARKDOWN, as_of=NOW.date())
    with open_repository(db_path, "J. Park") as repo:
        exported = repo.get(avery.id).model_copy(deep=True)
        exported.disclosures = [entry]
        repo.put(exported, "export", record_id=entry.id, summary=_row("Avery", 2))
        _, version = repo.get_versioned(avery.id)
        repo.set_disclosure_status(avery.id, entry.id, DisclosureStatus.COMPLETED)
        assert repo.caseload_summaries()[avery.id] is None
        assert repo.save_summaries({avery.id: (version, _row("Avery", 3))}) == 0
        assert repo.caseload_summaries()[avery.id] is None


def test_a_signed_group_note_saves_each_members_summary_in_the_same_line(db_path, two):
    avery, bo = two
    note = GroupNote(session_id="ss-1", group_id="gr-1", on=NOW.date(), author="J. Park",
                     written_at=NOW)
    with open_repository(db_path, "J. Park") as repo:
        repo.put(_with_note(repo.get(avery.id), 3), "save_draft", summary=_row("Avery", 2))
        lines = len(journal_path(db_path).read_bytes().splitlines())
        repo.save_patients_with_group_note(
            [_with_note(repo.get(avery.id), 4), _with_note(repo.get(bo.id), 4)],
            note,
            "sign group note",
            summaries={bo.id: _row("Bo", 5)},
        )
        assert len(journal_path(db_path).read_bytes().splitlines()) == lines + 1
        assert repo.caseload_summaries() == {avery.id: None, bo.id: _row("Bo", 5)}


def test_a_discharged_patient_has_no_caseload_summary(db_path, two):
    avery, bo = two
    with open_repository(db_path, "J. Park") as repo:
        repo.put(_discharged(repo.get(bo.id)), "discharge", summary=_row("Bo", 2))
        assert list(repo.caseload_summaries()) == [avery.id]


# --- the journal: a crash keeps the summary that was acknowledged with its save ---------------

CRASHING_WRITER = """
import os, sys
sys.path.insert(0, {tests!r})
from store_factories import make_note
from tplan.store import open_repository
repo = open_repository({path!r}, "J. Park")
patient = repo.get({pid!r}).model_copy(deep=True)
patient.notes.append(make_note(6))
repo.put(patient, "save_draft", summary={summary!r})
sys.stdout.write("saved\\n")
sys.stdout.flush()
os._exit(0)  # no close: the save lives in the journal only
"""


def test_a_summary_saved_just_before_a_crash_is_replayed_from_the_journal(db_path, two):
    avery, _ = two
    script = CRASHING_WRITER.format(
        tests=str(Path(__file__).parent), path=str(db_path), pid=avery.id,
        summary=_row("Avery", 7),
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout == "saved\n"
    assert journal_path(db_path).exists()
    with open_repository(db_path, "J. Park") as repo:
        assert repo.caseload_summaries()[avery.id] == _row("Avery", 7)
        assert len(repo.get(avery.id).notes) == 3


# --- save_summaries: the background refresh ----------------------------------------------------


def test_save_summaries_writes_only_those_still_at_their_version(db_path, two):
    avery, bo = two
    with open_repository(db_path, "J. Park") as repo:
        _, avery_version = repo.get_versioned(avery.id)
        _, bo_version = repo.get_versioned(bo.id)
        repo.put(_with_note(repo.get(avery.id), 3), "save_draft")  # Avery moved on meanwhile
        audit_before = len(repo.audit())
        written = repo.save_summaries({
            avery.id: (avery_version, _row("Avery", 9)),  # computed from the older document
            bo.id: (bo_version, _row("Bo", 9)),
            "pt-nobody": (1, _row("Nobody")),
        })
        assert written == 1
        assert repo.caseload_summaries() == {avery.id: None, bo.id: _row("Bo", 9)}
        assert len(repo.audit()) == audit_before  # derived data: no audit entry
    with open_repository(db_path, "J. Park") as repo:
        assert repo.caseload_summaries() == {avery.id: None, bo.id: _row("Bo", 9)}
        _, version = repo.get_versioned(avery.id)
        assert repo.save_summaries({avery.id: (version, _row("Avery", 10))}) == 1
        assert repo.caseload_summaries()[avery.id] == _row("Avery", 10)


def test_a_read_only_store_writes_no_summary(db_path, two):
    avery, bo = two
    before = db_path.read_bytes()
    with open_repository(db_path, read_only=True) as repo:
        assert repo.save_summaries({bo.id: (1, _row("Bo"))}) == 0
        with pytest.raises(ReadOnlyStoreError):
            repo.put(_with_note(repo.get(avery.id), 3), "save_draft", summary=_row("A"))
        assert repo.caseload_summaries()[bo.id] is None
    assert db_path.read_bytes() == before
    assert not journal_path(db_path).exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"when": date(2026, 3, 1)},  # would read back as a string
        {"cells": ("a", "b")},  # would read back as a list
        {"blob": "x" * MAX_SUMMARY_BYTES},
        {1: "not a string key"},
    ],
)
def test_a_summary_that_is_not_small_plain_json_is_refused_and_nothing_is_saved(
    db_path, two, bad
):
    avery, _ = two
    with open_repository(db_path, "J. Park") as repo:
        before = repo.get(avery.id)
        with pytest.raises(ValueError, match="caseload summary"):
            repo.put(_with_note(before, 3), "save_draft", summary=bad)
        assert repo.get(avery.id) == before
        assert repo.caseload_summaries()[avery.id] == _row("Avery")
    with open_repository(db_path, read_only=True) as repo:
        assert repo.get(avery.id) == before


# --- the file format ----------------------------------------------------------------------------


def test_a_file_from_before_the_summaries_opens_with_none_and_is_written_in_the_new_format(
    db_path, two
):
    avery, bo = two
    raw = orjson.loads(db_path.read_bytes())
    del raw["caseload_summaries"]
    meta = raw["_meta"]["1"]
    for key in ("snapshot_crc32", "previous_journal_epoch"):
        meta.pop(key, None)
    meta["store_format"] = 1  # no checksum to recompute: format 1 has none
    db_path.write_bytes(orjson.dumps(raw))
    with open_repository(db_path, "J. Park") as repo:
        assert repo.caseload_summaries() == {avery.id: None, bo.id: None}
        repo.put(_with_note(repo.get(bo.id), 3), "save_draft", summary=_row("Bo", 2))
    written = orjson.loads(db_path.read_bytes())
    assert written["_meta"]["1"]["store_format"] == STORE_FORMAT >= 3
    with open_repository(db_path, read_only=True) as repo:
        assert repo.caseload_summaries() == {avery.id: None, bo.id: _row("Bo", 2)}


def test_a_refresh_racing_a_save_never_leaves_a_stale_summary(db_path, two):
    """The background refresh (a worker thread) checks the version, then writes; a save from
    another thread in between must not be overwritten by the older summary."""
    import threading

    avery, _ = two
    repo = open_repository(db_path, "J. Park")
    try:
        _, version = repo.get_versioned(avery.id)
        storage = repo._storage
        original = storage.put_documents
        saver = threading.Thread(target=lambda: repo.put(
            _with_note(repo.get(avery.id), 8), "save_draft", summary=_row("Avery", 8)))

        def refresh_write(changes):  # the refresh's write: let the save run meanwhile
            if all(table == "caseload_summaries" for table, _ in changes):
                saver.start()
                saver.join(timeout=0.5)  # held off by the refresh's lock: it waits
            original(changes)

        storage.put_documents = refresh_write
        assert repo.save_summaries({avery.id: (version, _row("Avery", 1))}) == 1
        saver.join()
        assert repo.caseload_summaries()[avery.id] == _row("Avery", 8)
    finally:
        repo.close()
    with open_repository(db_path, read_only=True) as again:
        assert again.caseload_summaries()[avery.id] == _row("Avery", 8)
