"""AtomicJSONStorage: private files, atomic writes, rollback on failure, refusal of bad files."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import orjson
import pytest
from tinydb import TinyDB

from tplan.store import (
    AtomicJSONStorage,
    CorruptStoreError,
    ForeignFileError,
    NewerSchemaError,
    SaveError,
    StoreError,
    backup_path,
)
from tplan.store.lock import StoreLock
from tplan.store.migrations import FORMAT_MARKER


def open_db(path: Path, **kwargs: object) -> TinyDB:
    return TinyDB(path, storage=AtomicJSONStorage, **kwargs)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_file_is_private_and_marked(db_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        db = open_db(db_path)
    finally:
        os.umask(old_umask)
    db.close()
    assert mode(db_path) == 0o600
    assert mode(db_path.parent) == 0o700
    meta = orjson.loads(db_path.read_bytes())["_meta"]["1"]
    assert meta["format"] == FORMAT_MARKER
    assert meta["schema_version"] == 1
    assert meta["created_at"]


def test_existing_directory_mode_is_left_alone(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    open_db(tmp_path / "db.json").close()
    assert mode(tmp_path) == 0o755
    assert mode(tmp_path / "db.json") == 0o600


def test_documents_survive_reopening(db_path: Path) -> None:
    db = open_db(db_path)
    db.table("things").insert({"n": 1, "text": "ünïcode ✓"})
    db.close()
    db = open_db(db_path)
    assert db.table("things").all() == [{"n": 1, "text": "ünïcode ✓"}]
    db.close()


def test_writes_do_not_reread_the_file(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = open_db(db_path)
    reads: list[Path] = []
    original = Path.read_bytes

    def counting(self: Path) -> bytes:
        reads.append(self)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    for n in range(5):
        db.table("things").insert({"n": n})
    assert len(db.table("things")) == 5
    assert reads == []
    db.close()


def enospc(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("target", ["os.replace", "tplan.store.storage.write_temp", "os.fsync"])
def test_failed_write_leaves_file_and_cache_as_they_were(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    db = open_db(db_path)
    table = db.table("things")
    doc_id = table.insert({"n": 1, "tags": ["a"]})
    before = db_path.read_bytes()

    monkeypatch.setattr(target, enospc)
    with pytest.raises(SaveError, match="Nothing was saved") as caught:
        table.update({"n": 2, "tags": ["b"]}, doc_ids=[doc_id])  # TinyDB mutates in place
    assert str(db_path) in str(caught.value)
    with pytest.raises(SaveError):
        table.insert({"n": 3})
    monkeypatch.undo()

    assert db_path.read_bytes() == before
    assert table.all() == [{"n": 1, "tags": ["a"]}]
    assert [p.name for p in db_path.parent.iterdir() if p.name.endswith(".tmp")] == []
    table.insert({"n": 4})
    db.close()
    assert sorted(d["n"] for d in open_db(db_path, read_only=True).table("things").all()) == [1, 4]


def test_batch_is_all_or_nothing(db_path: Path) -> None:
    db = open_db(db_path)
    storage: AtomicJSONStorage = db.storage  # type: ignore[assignment]
    db.table("things").insert({"n": 1})
    before = db_path.read_bytes()
    with pytest.raises(RuntimeError), storage.batch():
        db.table("things").insert({"n": 2})
        db.table("other").insert({"n": 3})
        raise RuntimeError("abandon")
    assert db_path.read_bytes() == before
    assert db.table("things").all() == [{"n": 1}]
    assert db.table("other").all() == []

    with storage.batch():
        db.table("things").insert({"n": 2})
        db.table("other").insert({"n": 3})
        assert db_path.read_bytes() == before  # nothing written until the block ends
    assert db_path.read_bytes() != before
    db.close()


def test_last_good_file_is_kept_as_backup(db_path: Path) -> None:
    db = open_db(db_path)
    db.table("things").insert({"n": 1})
    first = db_path.read_bytes()
    db.table("things").insert({"n": 2})
    db.close()
    bak = backup_path(db_path)
    assert bak.read_bytes() == first
    assert mode(bak) == 0o600


GOOD = orjson.dumps({"_meta": {"1": {"format": "tplan.db", "schema_version": 1}}})

BAD_FILES: dict[str, tuple[bytes, type[StoreError], str]] = {
    "empty": (b"", CorruptStoreError, "empty"),
    "blank": (b"  \n", CorruptStoreError, "empty"),
    "truncated": (GOOD[:-7], CorruptStoreError, "not valid JSON"),
    "not json": (b"%PDF-1.7 binary junk \x00\xff", CorruptStoreError, "not valid JSON"),
    "json list": (b"[1, 2, 3]", ForeignFileError, "not a tplan record file"),
    "foreign json": (b'{"_default": {"1": {"a": 1}}}', ForeignFileError, "not a tplan"),
    "wrong marker": (
        b'{"_meta": {"1": {"format": "other.db", "schema_version": 1}}}',
        ForeignFileError,
        "not a tplan",
    ),
    "newer schema": (
        b'{"_meta": {"1": {"format": "tplan.db", "schema_version": 99}}}',
        NewerSchemaError,
        "newer tplan",
    ),
    "version missing": (b'{"_meta": {"1": {"format": "tplan.db"}}}', CorruptStoreError, "version"),
    "damaged table": (
        b'{"_meta": {"1": {"format": "tplan.db", "schema_version": 1}}, "patients": [1]}',
        CorruptStoreError,
        "damaged",
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
@pytest.mark.parametrize("read_only", [False, True])
def test_unusable_files_are_refused_and_left_untouched(
    db_path: Path, kind: str, read_only: bool
) -> None:
    content, error, phrase = BAD_FILES[kind]
    db_path.parent.mkdir()
    db_path.write_bytes(content)
    before = db_path.stat()
    with pytest.raises(error, match=phrase) as caught:
        open_db(db_path, read_only=read_only)
    assert str(db_path) in str(caught.value)
    assert db_path.read_bytes() == content
    assert db_path.stat().st_mtime_ns == before.st_mtime_ns
    assert not backup_path(db_path).exists()
    lock = StoreLock(db_path)  # a refused open does not keep the lock
    lock.acquire()
    lock.release()


def test_missing_file_with_a_backup_is_not_silently_recreated(db_path: Path) -> None:
    db = open_db(db_path)
    db.table("things").insert({"n": 1})
    db.close()
    db_path.unlink()
    with pytest.raises(CorruptStoreError, match="missing") as caught:
        open_db(db_path)
    assert caught.value.backup == backup_path(db_path)
    assert not db_path.exists()


def test_missing_file_is_not_created_read_only_or_without_create(db_path: Path) -> None:
    with pytest.raises(StoreError, match="no tplan record file"):
        open_db(db_path, read_only=True)
    with pytest.raises(StoreError, match="no tplan record file"):
        open_db(db_path, create=False)
    assert not db_path.exists()


def test_stale_temp_files_of_a_crashed_writer_are_removed(db_path: Path) -> None:
    open_db(db_path).close()
    stale = db_path.parent / f".{db_path.name}.abc123.tmp"
    stale.write_bytes(b"half")
    unrelated = db_path.parent / "notes.tmp"
    unrelated.write_bytes(b"keep")
    open_db(db_path).close()
    assert not stale.exists()
    assert unrelated.exists()
