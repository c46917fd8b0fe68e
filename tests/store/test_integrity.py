"""Nothing lost without a word: a damaged journal header, a journal of unknown origin, an
orphaned journal, bit flips in the snapshot, files written before the checksums, and readers
racing a compaction (issue #10, items 5, 6, 7 and 10)."""

from __future__ import annotations

import random
from pathlib import Path

import orjson
import pytest
from store_factories import SECRET, make_note

from tplan.domain import Patient
from tplan.store import CorruptStoreError, StoreError, backup_path, open_repository
from tplan.store.journal import journal_path
from tplan.store.migrations import STORE_FORMAT
from tplan.store.storage import AtomicJSONStorage


def _save_note(repo, patient: Patient, day: int) -> Patient:
    copy = patient.model_copy(deep=True)
    copy.notes.append(make_note(day))
    return repo.put(copy, "save_draft")


def _crash(repo) -> None:
    """Leave the file as a SIGKILL would: lock and journal go without a compaction."""
    storage: AtomicJSONStorage = repo._storage
    storage._journal.close()
    storage._lock.release()


@pytest.fixture
def journaled(db_path: Path, patient_factory) -> tuple[Patient, Patient]:
    """A snapshot with one patient and a journal with two acknowledged saves."""
    with open_repository(db_path, "J. Park") as repo:
        patient = repo.add(patient_factory(notes=1, signed=0))
    repo = open_repository(db_path, "J. Park")
    last = _save_note(repo, _save_note(repo, patient, 3), 4)
    _crash(repo)
    return patient, last


def _state(db_path: Path) -> tuple[list[dict], list[str]]:
    with open_repository(db_path, read_only=True) as repo:
        return (
            [p.model_dump(mode="json") for p in repo.all_patients()],
            [f"{e.at} {e.by} {e.action} {e.patient_id}" for e in repo.audit()],
        )


# --- item 5: the journal's header and lines ------------------------------------------------


def test_every_single_bit_flip_in_the_journal_header_is_refused_and_keeps_the_journal(
    journaled, db_path: Path
) -> None:
    journal = journal_path(db_path)
    good = journal.read_bytes()
    header_length = good.index(b"\n")
    for bit in range(header_length * 8):
        data = bytearray(good)
        data[bit // 8] ^= 1 << (bit % 8)
        journal.write_bytes(bytes(data))
        with pytest.raises(CorruptStoreError) as caught:
            open_repository(db_path, "J. Park")  # the writer: it used to delete it as stale
        assert str(journal) in str(caught.value) and "tplan restore" in str(caught.value)
        assert journal.read_bytes() == bytes(data), bit
    journal.write_bytes(good)
    assert len(_state(db_path)[0][0]["notes"]) == 3


def test_a_journal_of_another_snapshot_is_refused_not_deleted(
    journaled, db_path: Path, tmp_path: Path, patient_factory
) -> None:
    other = tmp_path / "other" / "tplan.json"
    with open_repository(other, "J. Park") as repo:
        patient = repo.add(patient_factory("Bo Marchetti"))
    repo = open_repository(other, "J. Park")
    _save_note(repo, patient, 3)
    _crash(repo)
    journal_path(db_path).write_bytes(journal_path(other).read_bytes())
    with pytest.raises(CorruptStoreError, match="another version of the record file"):
        open_repository(db_path, "J. Park")
    assert journal_path(db_path).read_bytes() == journal_path(other).read_bytes()


def test_a_journal_cut_inside_its_header_held_no_save(db_path: Path, patient_factory) -> None:
    with open_repository(db_path, "J. Park") as repo:
        patient = repo.add(patient_factory())
    journal_path(db_path).write_bytes(b"tplan-journal 1 ab")
    with open_repository(db_path, "J. Park") as repo:
        assert repo.get(patient.id) == patient


# --- item 6: a journal without its snapshot -------------------------------------------------


@pytest.mark.parametrize("read_only", [True, False])
def test_an_orphaned_journal_is_refused_and_kept(journaled, db_path: Path, read_only) -> None:
    db_path.unlink()
    backup_path(db_path).unlink(missing_ok=True)
    saves = journal_path(db_path).read_bytes()
    with pytest.raises(StoreError, match="missing but its journal") as caught:
        open_repository(db_path, "J. Park", read_only=read_only)
    assert str(journal_path(db_path)) in str(caught.value)
    assert not db_path.exists()
    assert journal_path(db_path).read_bytes() == saves


# --- item 7: the snapshot's checksum -------------------------------------------------------


def test_single_bit_flips_in_the_snapshot_are_refused_never_loaded_changed(
    db_path: Path, patient_factory
) -> None:
    with open_repository(db_path, "J. Park") as repo:
        repo.add(patient_factory("Avery Quill", notes=2, signed=2))
        repo.add(patient_factory("Bo Marchetti", notes=1, signed=0))
    good = db_path.read_bytes()
    expected = _state(db_path)
    flips = random.Random(10).sample(range(len(good) * 8), 120)
    loaded_changed = []
    for bit in flips:
        data = bytearray(good)
        data[bit // 8] ^= 1 << (bit % 8)
        db_path.write_bytes(bytes(data))
        try:
            state = _state(db_path)
        except StoreError as exc:
            assert SECRET not in str(exc)
            continue
        if state != expected:
            loaded_changed.append(bit)
    assert loaded_changed == []


def test_a_damaged_snapshot_never_replaces_the_backup(db_path: Path, patient_factory) -> None:
    with open_repository(db_path, "J. Park") as repo:
        patient = repo.add(patient_factory())
    with open_repository(db_path, "J. Park") as repo:
        _save_note(repo, patient, 4)
    backup = backup_path(db_path).read_bytes()
    data = bytearray(db_path.read_bytes())
    data[data.index(b"Avery") + 1] ^= 0x20  # "AVery": still valid JSON, still a valid name
    db_path.write_bytes(bytes(data))
    for _ in range(2):
        with pytest.raises(CorruptStoreError, match="checksum"):
            open_repository(db_path, "J. Park")
    assert backup_path(db_path).read_bytes() == backup


# --- files written by the tplan before these checks ----------------------------------------


def test_a_file_and_journal_written_before_the_checksums_still_open(
    journaled, db_path: Path
) -> None:
    _, last = journaled
    raw = orjson.loads(db_path.read_bytes())
    meta = raw["_meta"]["1"]
    for key in ("store_format", "snapshot_crc32", "previous_journal_epoch"):
        meta.pop(key, None)
    db_path.write_bytes(orjson.dumps(raw))
    journal = journal_path(db_path)
    lines = journal.read_bytes().split(b"\n", 1)
    journal.write_bytes(b"tplan-journal 1 " + meta["journal_epoch"].encode() + b"\n" + lines[1])
    with open_repository(db_path, "J. Park") as repo:
        assert repo.get(last.id) == last
        later = _save_note(repo, last, 5)
    upgraded = orjson.loads(db_path.read_bytes())["_meta"]["1"]  # the close compacted
    assert upgraded["store_format"] == STORE_FORMAT and len(upgraded["snapshot_crc32"]) == 8
    with open_repository(db_path, read_only=True) as repo:
        assert repo.get(last.id) == later


# --- item 10: a reader racing a compaction -------------------------------------------------


def test_a_reader_that_races_a_compaction_reads_again(
    db_path: Path, patient_factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_repository(db_path, "J. Park") as repo:
        patient = repo.add(patient_factory())
    writer = open_repository(db_path, "J. Park")
    saved = _save_note(writer, patient, 3)
    original = AtomicJSONStorage._read_journal
    raced: list[bool] = []

    def compaction_in_between(self: AtomicJSONStorage) -> bytes | None:
        if self.read_only and not raced:  # the reader has read the snapshot, not the journal
            raced.append(True)
            writer._storage.compact()
        return original(self)

    monkeypatch.setattr(AtomicJSONStorage, "_read_journal", compaction_in_between)
    with open_repository(db_path, read_only=True) as reader:
        assert raced and reader.get(patient.id) == saved
    writer.close()
