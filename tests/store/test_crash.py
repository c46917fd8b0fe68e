"""Kill a writer with SIGKILL mid-loop: the file always loads and holds every acknowledged write.

Each writer is forked from this process (it starts in milliseconds instead of the half second
a fresh interpreter takes to import the store) and acknowledges every write on a pipe; after
the kill the parent reads the pipe to its end, so no acknowledgement is lost to buffering.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest
from tinydb import TinyDB

from tplan.store import AtomicJSONStorage

KILLS = 24
MAX_EARLY_WRITES = 3
PADDING = "x" * 20_000  # makes every third write take long enough to be cut in the middle


def _writer(path: Path, ack_fd: int, start: int) -> None:
    """The child: insert numbered documents, acknowledging each, until killed."""
    code = 0
    try:
        db = TinyDB(path, storage=AtomicJSONStorage)
        table = db.table("acks")
        os.write(ack_fd, b"ready\n")
        for n in range(start, start + 100_000):
            table.insert({"n": n, "padding": PADDING if n % 3 == 0 else ""})
            os.write(ack_fd, f"{n}\n".encode())
    except BaseException:
        code = 3
    finally:
        os._exit(code)


def _acknowledged_before_kill(path: Path, start: int, writes: int, delay: float) -> list[int]:
    """Fork a writer, let it acknowledge ``writes`` inserts and run ``delay`` seconds more, kill it.

    Counting acknowledged writes before the seeded delay keeps the work done independent of the
    machine's load; the kill still lands at a seeded moment in the middle of some write."""
    read_fd, write_fd = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_fd)
        _writer(path, write_fd, start)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as acks:
        assert acks.readline() == b"ready\n", "the writer could not open the file"
        early = [acks.readline() for _ in range(writes)]
        time.sleep(delay)
        os.kill(child, signal.SIGKILL)
        _, status = os.waitpid(child, 0)
        lines = (b"".join(early) + acks.read()).split()  # buffered or not, nothing is lost
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
        f"the writer stopped by itself (status {status}) instead of being killed"
    )
    return [int(line) for line in lines]


@pytest.mark.faults
def test_sigkill_mid_write_never_loses_an_acknowledged_write(tmp_path: Path) -> None:
    path = tmp_path / "crash.json"
    rng = random.Random(20260312)
    acknowledged: set[int] = set()
    next_n = 0
    for _ in range(KILLS):
        acked = _acknowledged_before_kill(
            path, next_n, rng.randint(0, MAX_EARLY_WRITES), rng.uniform(0.0, 0.08)
        )
        acknowledged.update(acked)
        next_n = (max(acked) + 1 if acked else next_n) + 1_000

        db = TinyDB(path, storage=AtomicJSONStorage, read_only=True)
        stored = {doc["n"] for doc in db.table("acks").all()}
        db.close()
        assert acknowledged <= stored
        # at most the one write in flight when the kill landed is there without an ack
        assert len(stored - acknowledged) <= 1
        acknowledged |= stored
    assert len(acknowledged) > KILLS  # the writers got real work done between kills
