"""Kill a writer with SIGKILL mid-loop: the file always loads and holds every acknowledged write."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tinydb import TinyDB

from tplan.store import AtomicJSONStorage

WRITER = textwrap.dedent(
    """
    import sys
    from tinydb import TinyDB
    from tplan.store import AtomicJSONStorage
    db = TinyDB(sys.argv[1], storage=AtomicJSONStorage)
    table = db.table("acks")
    start = int(sys.argv[2])
    padding = "x" * 20_000  # make each write take long enough to be cut in the middle
    print("ready", flush=True)
    for n in range(start, start + 100_000):
        table.insert({"n": n, "padding": padding if n % 3 == 0 else ""})
        print(n, flush=True)
    """
)

KILLS = 24


def test_sigkill_mid_write_never_loses_an_acknowledged_write(tmp_path: Path) -> None:
    path = tmp_path / "crash.json"
    rng = random.Random(20260312)
    acknowledged: set[int] = set()
    next_n = 0
    for _ in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(next_n)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.08))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=60)
        acked = [int(line) for line in out.split()]
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
