"""SIGKILL a process that is saving progress notes, 200 times at seeded moments.

One writer process per round (forked from this one, so it starts in milliseconds) opens the
record file, then saves draft notes through ``Workspace.save_draft`` and signs every third,
printing an acknowledgement after each call returns (each save is one journal line; every
other round the journal is also compacted into the file every few saves, so kills land in
journal appends and in compactions). After a seeded number of acknowledged saves (0-3) and a
seeded delay it is killed with SIGKILL. Every
round the file must open and validate, hold every acknowledged note (signed when its signing
was acknowledged) and at most the one note in flight on top.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest
from stress_factories import TODAY, note, seed

from tplan.services import FixedClock, Workspace
from tplan.store import backup_path, open_repository
from tplan.store.storage import parse_database

ROUNDS = 200
MAX_DELAY = 0.03
MAX_EARLY_SAVES = 3


def _writer(db: Path, ack_fd: int, first: int) -> None:
    """The child: save notes until killed. Never returns into pytest."""
    code = 0
    try:
        repo = open_repository(db, "writer")
        if first % 2000:  # every other round compacts after a few saves: kills land in both
            repo._storage.compact_min_bytes = 0
            repo._storage.compact_ratio = 0.3
        workspace = Workspace(repo, FixedClock(TODAY))
        ids = [p.id for p in workspace.patients()]
        os.write(ack_fd, b"ready\n")
        n = first
        while True:
            pid = ids[n % len(ids)]
            saved = note(n, text=f"note {n}", note_id=f"nt-kill{n:07d}")
            workspace.save_draft(pid, saved)
            os.write(ack_fd, f"saved {saved.id}\n".encode())
            if n % 3 == 0:
                workspace.sign_note(pid, saved.id)
                os.write(ack_fd, f"signed {saved.id}\n".encode())
            n += 1
    except BaseException:
        code = 3
    finally:
        os._exit(code)


def _one_round(db: Path, first: int, saves: int, delay: float) -> tuple[list[str], list[str]]:
    """Run a writer until it acknowledged ``saves`` notes, then ``delay`` seconds more, kill it;
    return its acks.

    Counting acknowledged saves before the seeded delay makes the work done independent of the
    machine's load (a busy machine stretched a bare delay into too few saves)."""
    read_fd, write_fd = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_fd)
        _writer(db, write_fd, first)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as acks:
        assert acks.readline() == b"ready\n", "the writer could not open the file"
        early: list[bytes] = []
        while sum(line.startswith(b"saved ") for line in early) < saves:
            line = acks.readline()
            if not line:
                break  # the writer died: the status check below says so
            early.append(line)
        time.sleep(delay)
        os.kill(child, signal.SIGKILL)
        _, status = os.waitpid(child, 0)
        lines = (b"".join(early) + acks.read()).decode().split()
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
        f"the writer stopped by itself (status {status}) instead of being killed"
    )
    pairs = list(zip(lines[::2], lines[1::2], strict=True))
    return [i for kind, i in pairs if kind == "saved"], [i for kind, i in pairs if kind == "signed"]


def _stored(db: Path) -> tuple[set[str], set[str]]:
    """Open the file as tplan does (parse, check, validate every patient)."""
    repo = open_repository(db, "checker", read_only=True)
    try:
        notes = [n for p in repo.all_patients() for n in p.notes if n.id.startswith("nt-kill")]
    finally:
        repo.close()
    return {n.id for n in notes}, {n.id for n in notes if n.signed}


@pytest.mark.faults
def test_every_acknowledged_note_survives_sigkill(tmp_path: Path) -> None:
    db = tmp_path / "records" / "kill.json"
    seed(db)
    rng = random.Random(20260312)
    saved: set[str] = set()
    signed: set[str] = set()
    next_n = 0
    for round_ in range(ROUNDS):
        acked, acked_signed = _one_round(
            db, next_n, rng.randint(0, MAX_EARLY_SAVES), rng.uniform(0.0, MAX_DELAY)
        )
        saved.update(acked)
        signed.update(acked_signed)

        stored, stored_signed = _stored(db)
        assert saved <= stored, f"round {round_}: acknowledged notes lost"
        assert signed <= stored_signed, f"round {round_}: an acknowledged signature was lost"
        in_flight = stored - saved
        assert len(in_flight) <= 1, f"round {round_}: notes stored that were never saved"
        assert len(stored_signed - signed) <= 1
        saved |= stored  # the in-flight note made it to disk: it must stay from now on
        signed |= stored_signed
        next_n += 1_000

        if round_ % 25 == 0 and backup_path(db).exists():
            parse_database(backup_path(db), backup_path(db).read_bytes())

    assert len(saved) > ROUNDS, "the writers got real work done between kills"
    assert signed, "some signatures landed"
    open_repository(db, "J. Park").close()  # a writer cleans up temp files of killed writers
    leftovers = [p.name for p in db.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
