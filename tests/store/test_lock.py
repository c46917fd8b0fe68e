"""One writer per file: a second process is refused with a clear message; read-only works."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tplan.store import (
    ReadOnlyStoreError,
    StoreLockedError,
    open_repository,
)
from tplan.store.lock import StoreLock

CHILD = textwrap.dedent(
    """
    import sys
    from tplan.store import StoreLockedError, open_repository
    path, mode = sys.argv[1], sys.argv[2]
    if mode == "hold":
        repo = open_repository(path, "Holder")
        print("locked", flush=True)
        sys.stdin.read()
    elif mode == "write":
        try:
            open_repository(path, "Second")
        except StoreLockedError as exc:
            print("refused:", exc, flush=True)
    else:
        repo = open_repository(path, "Reader", read_only=True)
        print("read", len(repo), flush=True)
    """
)


def child(path: Path, mode: str, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        **kwargs,  # type: ignore[call-overload]
    )


def run(path: Path, mode: str) -> str:
    proc = child(path, mode)
    out, _ = proc.communicate(timeout=60)
    return out.strip()


def test_second_writer_in_another_process_is_refused(db_path: Path, patient_factory) -> None:
    repo = open_repository(db_path, "J. Park")
    repo.add(patient_factory())
    out = run(db_path, "write")
    assert out.startswith("refused:")
    assert str(db_path) in out
    assert f"pid {os.getpid()}" in out
    assert "read-only" in out
    assert run(db_path, "read") == "read 1"
    repo.close()
    assert run(db_path, "write") == ""  # free once the holder closed


def test_lock_of_a_killed_process_is_released_by_the_kernel(db_path: Path) -> None:
    holder = child(db_path, "hold")
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    with pytest.raises(StoreLockedError, match=f"pid {holder.pid}"):
        open_repository(db_path, "J. Park")
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=60)
    holder.stdin.close()  # type: ignore[union-attr]
    holder.stdout.close()
    open_repository(db_path, "J. Park").close()


def test_same_process_cannot_open_a_second_writer(db_path: Path) -> None:
    with open_repository(db_path, "J. Park"), pytest.raises(StoreLockedError):
        open_repository(db_path, "J. Park")
    StoreLock(db_path).acquire()


def test_read_only_refuses_every_write_and_takes_no_lock(db_path: Path, patient_factory) -> None:
    with open_repository(db_path, "J. Park") as writer:
        stored = writer.add(patient_factory())
        reader = open_repository(db_path, "Reader", read_only=True)  # alongside the writer
        before = db_path.read_bytes()
        changed = stored.model_copy(update={"pronouns": "she/her"})
        with pytest.raises(ReadOnlyStoreError, match="read-only"):
            reader.put(changed, "edit")
        with pytest.raises(ReadOnlyStoreError):
            reader.add(patient_factory("Bo Marchetti"))
        with pytest.raises(ReadOnlyStoreError):
            reader.import_patients([patient_factory("Cass Ferrow")])
        assert reader.get(stored.id) == stored
        assert db_path.read_bytes() == before
        reader.close()
        writer.put(changed, "edit")  # the writer is unaffected
