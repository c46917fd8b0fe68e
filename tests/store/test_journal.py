"""The journal beside the snapshot: replay, torn and damaged lines, compaction and its crashes."""

from __future__ import annotations

import errno
from pathlib import Path

import orjson
import pytest
from store_factories import SECRET, make_note

from tplan.store import CorruptStoreError, SaveError, backup_path, open_repository
from tplan.store.journal import journal_path
from tplan.store.storage import AtomicJSONStorage


def _note_saved(repo, patient, day: int):
    copy = patient.model_copy(deep=True)
    copy.notes.append(make_note(day))
    return repo.put(copy, "save_draft")


@pytest.fixture
def saved_twice(db_path: Path, patient_factory):
    """A snapshot with one patient and a journal with two acknowledged saves (not compacted)."""
    repo = open_repository(db_path, "J. Park")
    patient = repo.add(patient_factory(notes=1, signed=0))
    repo.close()  # compacted: the snapshot holds the patient
    repo = open_repository(db_path, "J. Park")
    first = _note_saved(repo, patient, 3)
    second = _note_saved(repo, first, 4)
    snapshot = db_path.read_bytes()
    storage: AtomicJSONStorage = repo._storage
    storage._journal.close()  # "crash": the lock and journal go without a compaction
    storage._lock.release()
    return patient, first, second, snapshot


def test_a_save_appends_to_the_journal_and_leaves_the_snapshot(saved_twice, db_path: Path):
    patient, _, second, snapshot = saved_twice
    lines = journal_path(db_path).read_bytes().splitlines()
    assert lines[0].startswith(b"tplan-journal 1 ")
    assert len(lines) == 3  # header and one line per save (patient document and audit entry)
    assert len(orjson.loads(snapshot)["patients"]) == 1
    assert oct(journal_path(db_path).stat().st_mode & 0o777) == "0o600"
    with open_repository(db_path, read_only=True) as repo:
        assert repo.get(patient.id) == second
        assert [e.action for e in repo.audit()] == ["admit", "save_draft", "save_draft"]


@pytest.mark.parametrize("cut", [1, 10, 40])
def test_a_torn_last_line_is_ignored_and_cut_by_the_next_writer(saved_twice, db_path, cut):
    patient, first, _, _ = saved_twice
    journal = journal_path(db_path)
    data = journal.read_bytes()
    journal.write_bytes(data[:-cut])  # the second save's append was cut by a crash
    with open_repository(db_path, read_only=True) as repo:
        assert repo.get(patient.id) == first
    assert journal.read_bytes() == data[:-cut]  # a reader never writes
    with open_repository(db_path, "J. Park") as repo:
        assert journal.read_bytes() == data[: data.rindex(b"\n", 0, len(data) - 1) + 1]
        third = _note_saved(repo, repo.get(patient.id), 5)
    with open_repository(db_path, read_only=True) as repo:
        assert repo.get(patient.id) == third


def test_a_last_line_that_did_not_reach_the_disk_is_a_torn_append(saved_twice, db_path: Path):
    patient, first, _, _ = saved_twice
    journal = journal_path(db_path)
    data = journal.read_bytes()
    start = data.rindex(b"\n", 0, len(data) - 1) + 1
    journal.write_bytes(data[:start] + bytes(len(data) - start))  # the file grew, no data came
    with open_repository(db_path, read_only=True) as repo:
        assert repo.get(patient.id) == first


def test_a_complete_last_line_with_a_bad_checksum_is_damage(saved_twice, db_path: Path):
    """Only a line without its newline can be torn: a flipped bit in a whole line is damage
    (issue #10 item 5: it used to be dropped as torn and cut off by the next writer)."""
    journal = journal_path(db_path)
    data = bytearray(journal.read_bytes())
    data[-20] ^= 0x01
    journal.write_bytes(bytes(data))
    for read_only in (True, False):
        with pytest.raises(CorruptStoreError, match="line 3 of the journal") as caught:
            open_repository(db_path, read_only=read_only)
        assert "tplan restore" in str(caught.value)
    assert journal.read_bytes() == bytes(data)


def test_a_damaged_line_before_good_ones_is_refused_naming_the_journal(
    saved_twice, db_path: Path
):
    journal = journal_path(db_path)
    lines = journal.read_bytes().split(b"\n")
    damaged = bytearray(lines[1])
    damaged[len(damaged) // 2] ^= 0x01
    lines[1] = bytes(damaged)
    journal.write_bytes(b"\n".join(lines))
    before = journal.read_bytes()
    for read_only in (True, False):
        with pytest.raises(CorruptStoreError, match="line 2 of the journal") as caught:
            open_repository(db_path, read_only=read_only)
        assert str(journal) in str(caught.value)
        assert SECRET not in str(caught.value)
    assert journal.read_bytes() == before


def test_a_journal_that_is_no_journal_is_refused(saved_twice, db_path: Path):
    journal_path(db_path).write_bytes(b"something else\n")
    with pytest.raises(CorruptStoreError, match="not a tplan journal"):
        open_repository(db_path, read_only=True)


def test_closing_compacts_and_keeps_the_previous_snapshot_as_backup(db_path, patient_factory):
    with open_repository(db_path, "J. Park") as repo:
        patient = repo.add(patient_factory())
    first_snapshot = db_path.read_bytes()
    with open_repository(db_path, "J. Park") as repo:
        saved = _note_saved(repo, patient, 5)
        assert journal_path(db_path).exists()
    assert not journal_path(db_path).exists()
    assert backup_path(db_path).read_bytes() == first_snapshot
    assert orjson.loads(db_path.read_bytes())["patients"]["1"] == saved.model_dump(mode="json")


def test_the_journal_is_compacted_when_it_outgrows_the_snapshot(db_path, patient_factory):
    repo = open_repository(db_path, "J. Park")
    storage: AtomicJSONStorage = repo._storage
    storage.compact_min_bytes = 0
    storage.compact_ratio = 1.0
    patient = repo.add(patient_factory())
    sizes = []
    for day in range(3, 12):
        patient = _note_saved(repo, patient, day)
        sizes.append(storage.journal_size)
    assert 0 in sizes  # at least one save triggered a compaction
    repo.close()
    with open_repository(db_path, read_only=True) as repo:
        assert repo.get(patient.id) == patient


def test_a_compaction_cut_after_its_rename_leaves_a_stale_journal_that_is_ignored(
    db_path: Path, patient_factory, monkeypatch: pytest.MonkeyPatch
):
    repo = open_repository(db_path, "J. Park")
    patient = repo.add(patient_factory())
    patient = _note_saved(repo, patient, 5)
    stale = journal_path(db_path).read_bytes()
    repo.close()  # compacts and removes the journal
    journal_path(db_path).write_bytes(stale)  # as if the crash came before the removal
    with open_repository(db_path, "J. Park") as repo:
        assert repo.get(patient.id) == patient
        assert not journal_path(db_path).exists()  # the stale journal was dropped
        later = repo.put(patient.model_copy(update={"pronouns": "she/her"}), "edit")
    with open_repository(db_path, read_only=True) as repo:
        assert repo.get(patient.id) == later


@pytest.mark.parametrize("target", ["os.replace", "tplan.store.storage.write_temp"])
def test_a_failed_compaction_loses_nothing(
    db_path: Path, patient_factory, monkeypatch: pytest.MonkeyPatch, target: str
):
    repo = open_repository(db_path, "J. Park")
    patient = _note_saved(repo, repo.add(patient_factory()), 5)
    snapshot = db_path.read_bytes()

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(target, full)
    with pytest.raises(SaveError):
        repo._storage.compact()
    repo.close()  # tries again, fails, keeps the journal and still releases the lock
    monkeypatch.undo()
    assert db_path.read_bytes() == snapshot
    with open_repository(db_path, "J. Park") as repo:
        assert repo.get(patient.id) == patient


def test_a_note_is_durable_before_put_returns(db_path: Path, patient_factory):
    """What a SIGKILL right after ``put`` would leave: snapshot + journal, no close."""
    repo = open_repository(db_path, "J. Park")
    patient = repo.add(patient_factory())
    saved = _note_saved(repo, patient, 5)
    copy = db_path.with_name("copy.json")
    copy.write_bytes(db_path.read_bytes())
    journal_path(copy).write_bytes(journal_path(db_path).read_bytes())
    repo.close()
    with open_repository(copy, read_only=True) as other:
        assert other.get(patient.id) == saved
