"""Disk full and read-only directory while saving, through the real store.

The operating system's refusal is injected where the store meets it (creating, writing or
syncing the journal a save appends to); the counselor gets a sentence naming the file and the
reason, the file is byte-for-byte unchanged, the workspace still shows what is on disk, and the
same save goes through once the disk has room again. In the app, the note form keeps the typed text.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from stress_factories import SECRET, TODAY, note, run_cli, seed
from textual.widgets import Static, TextArea

from tplan.domain import Envelope
from tplan.services import FixedClock, Workspace
from tplan.store import SaveError, open_repository
from tplan.ui.app import make_app
from tplan.ui.forms import NoteForm


def _refuse(code: int) -> Callable[..., object]:
    def refuse(*_args: object, **_kwargs: object) -> object:
        raise OSError(code, os.strerror(code))

    return refuse


FAILURES = {
    "disk full while writing": ("tplan.store.journal.os.pwrite", errno.ENOSPC),
    "disk full at fsync": ("tplan.store.journal.os.fsync", errno.ENOSPC),
    "read-only file system": ("tplan.store.journal.os.pwrite", errno.EROFS),
    "permission denied": ("tplan.store.journal.os.open", errno.EACCES),
}


@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_failed_note_save_changes_nothing_and_can_be_retried(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    target, code = FAILURES[failure]
    seed(db_path)
    workspace = Workspace(open_repository(db_path, "J. Park"), FixedClock(TODAY))
    pid = workspace.patients()[0].id
    before_file = db_path.read_bytes()
    before_notes = workspace.patient(pid).notes
    draft = note(7, note_id="nt-retry")
    try:
        monkeypatch.setattr(target, _refuse(code))
        with pytest.raises(SaveError) as caught:
            workspace.save_draft(pid, draft)
        message = str(caught.value)
        assert str(db_path) in message and os.strerror(code) in message
        assert "Nothing was saved" in message and SECRET not in message
        assert db_path.read_bytes() == before_file
        assert workspace.patient(pid).notes == before_notes
        monkeypatch.undo()
        workspace.save_draft(pid, draft)
    finally:
        workspace.close()
    with open_repository(db_path, "reader", read_only=True) as repo:
        assert repo.get(pid).find_note("nt-retry") is not None
    assert not [p for p in db_path.parent.iterdir() if p.name.endswith(".tmp")]


SAVE_AFTER_GO = """
import sys
sys.path.insert(0, sys.argv[2])
from stress_factories import TODAY, note
from tplan.services import FixedClock, Workspace
from tplan.store import SaveError, open_repository
workspace = Workspace(open_repository(sys.argv[1], "J. Park"), FixedClock(TODAY))
print("open", flush=True)
sys.stdin.readline()
try:
    workspace.save_draft(workspace.patients()[0].id, note(7))
except SaveError as exc:
    print(f"refused: {exc}", flush=True)
else:
    print("saved", flush=True)
sys.stdin.readline()
workspace.close()
"""
"""Opens the records, then on a line from the parent saves a note and says what happened."""

NO_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
"""As root: the same process without the capabilities that let root write anywhere."""


def test_read_only_directory(db_path: Path) -> None:
    """Root ignores a directory's modes, so as root (CI) the save runs in a child process
    that has dropped the capabilities to, as any counselor's account would be refused."""
    seed(db_path)
    before = db_path.read_bytes()
    command = [sys.executable, "-c", SAVE_AFTER_GO, str(db_path), str(Path(__file__).parent)]
    child = subprocess.Popen(
        NO_OVERRIDE + command if os.geteuid() == 0 else command,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    try:
        assert child.stdout.readline().strip() == "open"
        db_path.parent.chmod(stat.S_IRUSR | stat.S_IXUSR)
        child.stdin.write("go\n")
        child.stdin.flush()
        answer = child.stdout.readline()
    finally:
        db_path.parent.chmod(0o700)
        child.communicate("done\n", timeout=30)
    assert answer.startswith("refused:") and "Permission denied" in answer, answer
    assert SECRET not in answer
    assert db_path.read_bytes() == before


def test_import_on_a_full_disk_is_refused_in_one_line(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(db_path)
    with open_repository(db_path, "reader", read_only=True) as repo:
        envelope = Envelope(
            generated_at="2026-03-12T12:00:00Z", as_of=TODAY,
            patients=[repo.get("pt-stress0000").model_copy(update={"id": "pt-copy0001"})],
        )
    incoming = tmp_path / "incoming.json"
    incoming.write_bytes(envelope.model_dump_json().encode())
    before = db_path.read_bytes()
    monkeypatch.setattr("tplan.store.journal.os.pwrite", _refuse(errno.ENOSPC))
    done = run_cli("import", str(incoming), "--db", str(db_path))
    assert done.code == 1
    assert done.err.count("\n") == 1 and "No space left on device" in done.err
    assert SECRET not in done.err
    assert db_path.read_bytes() == before


async def test_note_form_on_a_full_disk_shows_why_keeps_the_text_then_saves(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From the caseload: n, type a note, ctrl+s while the disk is full, then again."""
    seed(db_path)
    clock = FixedClock(TODAY)
    workspace = Workspace(open_repository(db_path, "J. Park"), clock)
    typed = "Said no [/b] to a <b>drink</b>"
    try:
        app = make_app(workspace, clock=clock, idle_privacy_minutes=None)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            pid = app.screen.table.current.patient_id
            notes_before = len(workspace.patient(pid).notes)
            await pilot.press("n")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, NoteForm)
            form.query_one("#section_data", TextArea).focus()
            await pilot.press(*"Said")  # by keys; the rest as a paste would bring it
            form.query_one("#section_data", TextArea).insert(typed[len("Said") :])
            await pilot.pause()
            before = db_path.read_bytes()

            monkeypatch.setattr("tplan.store.journal.os.pwrite", _refuse(errno.ENOSPC))
            await pilot.press("ctrl+s")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.screen is form, "the form stays open"
            status = str(form.query_one("#form-status", Static).render())
            assert "No space left on device" in status and "Nothing was saved" in status
            assert form.query_one("#section_data", TextArea).text == typed
            assert db_path.read_bytes() == before
            assert len(workspace.patient(pid).notes) == notes_before

            monkeypatch.undo()
            await pilot.press("ctrl+s")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.screen is not form, "saved once the disk had room"
    finally:
        workspace.close()
    with open_repository(db_path, "reader", read_only=True) as repo:
        texts = [n.sections.get("data") for n in repo.get(pid).notes]
    assert typed in texts


def test_fault_targets_are_what_the_store_calls() -> None:
    """Guard against the injections above silently missing: the store uses these names."""
    from tplan.store import files, journal

    assert files.tempfile is tempfile and files.os is os and journal.os is os
