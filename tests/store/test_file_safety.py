"""Files tplan must never damage: lock, journal and record paths that are links, FIFOs or
directories, and the modes of the directories tplan creates (issue #10, items 1-4)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from store_factories import make_note

from tplan.store import StoreError, backup_path, open_repository
from tplan.store.journal import journal_path
from tplan.store.lock import lock_path


def _seeded(db_path: Path, patient_factory) -> bytes:
    """A record file with one patient (closed, so compacted); returns its bytes."""
    with open_repository(db_path, "J. Park") as repo:
        repo.add(patient_factory(notes=1, signed=0))
    return db_path.read_bytes()


def _save_a_note(db_path: Path) -> None:
    with open_repository(db_path, "J. Park") as repo:
        patient = repo.active_patients()[0].model_copy(deep=True)
        patient.notes.append(make_note(5))
        repo.put(patient, "save_draft")


@pytest.mark.parametrize("target", ["database", "other file"])
def test_a_lock_path_that_is_a_symlink_is_refused_and_its_target_untouched(
    db_path: Path, patient_factory, target: str
) -> None:
    content = _seeded(db_path, patient_factory)
    other = db_path.parent / "notes.txt"
    other.write_bytes(b"someone else's file\n")
    victim = db_path if target == "database" else other
    before = victim.read_bytes()
    lock_path(db_path).unlink()
    lock_path(db_path).symlink_to(victim)
    with pytest.raises(StoreError, match="lock") as caught:
        open_repository(db_path, "J. Park")
    assert str(lock_path(db_path)) in str(caught.value)
    assert victim.read_bytes() == before
    assert db_path.read_bytes() == content


@pytest.mark.parametrize("kind", ["hard link to the database", "foreign content", "directory"])
def test_a_lock_path_that_is_not_a_tplan_lock_file_is_refused(
    db_path: Path, patient_factory, kind: str
) -> None:
    content = _seeded(db_path, patient_factory)
    lock = lock_path(db_path)
    lock.unlink()
    if kind == "hard link to the database":
        os.link(db_path, lock)
    elif kind == "foreign content":
        lock.write_bytes(b"my shopping list\n")
    else:
        lock.mkdir()
    with pytest.raises(StoreError, match="lock"):
        open_repository(db_path, "J. Park")
    assert db_path.read_bytes() == content
    if kind == "foreign content":
        assert lock.read_bytes() == b"my shopping list\n"


def test_a_journal_path_that_is_a_symlink_is_refused(db_path: Path, patient_factory) -> None:
    _seeded(db_path, patient_factory)
    other = db_path.parent / "notes.txt"
    other.write_bytes(b"someone else's file\n")
    journal_path(db_path).symlink_to(other)
    for read_only in (True, False):
        with pytest.raises(StoreError, match="not a regular file"):
            open_repository(db_path, "J. Park", read_only=read_only)
    assert other.read_bytes() == b"someone else's file\n"
    assert journal_path(db_path).is_symlink()


def test_a_symlinked_record_path_saves_beside_its_target(
    db_path: Path, tmp_path: Path, patient_factory
) -> None:
    _seeded(db_path, patient_factory)
    link = tmp_path / "elsewhere" / "link.json"
    link.parent.mkdir()
    link.symlink_to(db_path)
    _save_a_note(link)
    _save_a_note(link)
    assert link.is_symlink() and link.resolve() == db_path
    assert sorted(p.name for p in link.parent.iterdir()) == ["link.json"]
    assert backup_path(db_path).is_file() and not backup_path(db_path).is_symlink()
    with open_repository(db_path, read_only=True) as repo:
        assert len(repo.active_patients()[0].notes) == 3


def _open_in_child(db_path: Path, read_only: bool) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys\n"
        "from tplan.store import StoreError, open_repository\n"
        "try:\n"
        f"    open_repository({str(db_path)!r}, 'J. Park', read_only={read_only})\n"
        "except StoreError as exc:\n"
        "    print(exc); sys.exit(1)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
    )


@pytest.mark.parametrize("read_only", [False, True])
def test_a_fifo_record_path_is_refused_without_hanging(db_path: Path, read_only: bool) -> None:
    db_path.parent.mkdir(mode=0o700)
    os.mkfifo(db_path, 0o600)
    done = _open_in_child(db_path, read_only)
    assert done.returncode == 1, done.stderr
    assert "not a regular file" in done.stdout and str(db_path) in done.stdout
    assert stat.S_ISFIFO(os.lstat(db_path).st_mode)


def test_a_directory_record_path_is_refused(db_path: Path) -> None:
    db_path.mkdir(parents=True)
    with pytest.raises(StoreError, match="not a regular file"):
        open_repository(db_path, "J. Park")


def test_every_directory_tplan_creates_is_private_even_under_umask_000(tmp_path: Path) -> None:
    db = tmp_path / "a" / "b" / "c" / "tplan.json"
    old = os.umask(0)
    try:
        open_repository(db, "J. Park").close()
    finally:
        os.umask(old)
    for directory in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
