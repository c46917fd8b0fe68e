"""Two processes on one record file: a running TUI, a second TUI, ``tplan import``.

The second writer is refused with a message naming the file and the holder; read-only commands
still work; nothing the first writer saves is lost; a TUI killed with SIGKILL leaves no lock
that stops the next writer.
"""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import orjson
from stress_factories import SECRET, TODAY, note, patient, run_cli, seed

from tplan.domain import Envelope
from tplan.services import FixedClock, Workspace
from tplan.store import open_repository
from tplan.store.lock import lock_path


def _interchange_file(path: Path) -> Path:
    envelope = Envelope(
        generated_at="2026-03-12T12:00:00Z", as_of=TODAY, patients=[patient("Dell Okafor", 9)]
    )
    path.write_bytes(envelope.model_dump_json().encode())
    return path


def _tplan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tplan.cli", *args],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "TPLAN_CLINICIAN": "J. Park"},
    )


def _start_tui(db: Path) -> tuple[subprocess.Popen[bytes], int]:
    """The real TUI on a pseudo-terminal; returns once it holds the writer lock."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tplan.cli", "--db", str(db), "--as-of", TODAY.isoformat()],
        stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
        env={**os.environ, "TERM": "xterm-256color", "TPLAN_CLINICIAN": "J. Park"},
    )
    os.close(slave)
    threading.Thread(target=_drain, args=(master,), daemon=True).start()
    deadline = time.monotonic() + 60
    while f"pid {proc.pid}," not in _holder(db):
        assert proc.poll() is None, "the TUI exited before taking the lock"
        assert time.monotonic() < deadline, "the TUI did not take the lock"
        time.sleep(0.05)
    return proc, master


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        return


def _holder(db: Path) -> str:
    try:
        return lock_path(db).read_text()
    except FileNotFoundError:
        return ""


def test_a_running_tui_refuses_a_second_tui_and_an_import(db_path: Path, tmp_path: Path) -> None:
    seed(db_path)
    incoming = _interchange_file(tmp_path / "incoming.json")
    tui, master = _start_tui(db_path)
    try:
        before = db_path.read_bytes()
        for refused in (_tplan("--db", str(db_path)), _tplan("import", str(incoming),
                                                             "--db", str(db_path))):
            assert refused.returncode == 1
            message = refused.stderr.strip()
            assert len(message.splitlines()) == 1, "one clear line, no traceback"
            assert str(db_path) in message
            assert f"pid {tui.pid}" in message and "read-only" in message
        assert db_path.read_bytes() == before

        listing = _tplan("caseload", "--db", str(db_path), "--json")
        assert listing.returncode == 0, listing.stderr
        assert len(orjson.loads(listing.stdout)) == 3

        tui.send_signal(signal.SIGKILL)
        tui.wait(timeout=60)
    finally:
        if tui.poll() is None:
            tui.kill()
            tui.wait()
        os.close(master)
    assert f"pid {tui.pid}," in _holder(db_path), "the dead holder's line is still in the file"
    imported = _tplan("import", str(incoming), "--db", str(db_path))
    assert imported.returncode == 0, imported.stderr
    with open_repository(db_path, "reader", read_only=True) as repo:
        assert len(repo) == 4


def test_an_import_refused_during_a_session_loses_none_of_its_writes(
    db_path: Path, tmp_path: Path
) -> None:
    seed(db_path)
    incoming = _interchange_file(tmp_path / "incoming.json")
    workspace = Workspace(open_repository(db_path, "J. Park"), FixedClock(TODAY))
    pid = workspace.patients()[0].id
    try:
        workspace.save_draft(pid, note(1, note_id="nt-before"))
        refused = run_cli("import", str(incoming), "--db", str(db_path))
        assert refused.code == 1
        assert "open in another tplan" in refused.err and SECRET not in refused.err
        workspace.save_draft(pid, note(2, note_id="nt-after"))
    finally:
        workspace.close()
    assert run_cli("import", str(incoming), "--db", str(db_path)).code == 0
    with open_repository(db_path, "reader", read_only=True) as repo:
        ids = {n.id for n in repo.get(pid).notes}
        assert {"nt-before", "nt-after"} <= ids
        assert "pt-stress0009" in repo
