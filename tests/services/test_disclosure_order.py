"""An export is logged before its file appears: a failure or a kill at each step of an export
leaves either no file, or a file with its disclosure logged, never a file without one; export
temp files are cleaned up (issue #10, item 11)."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from services_factories import TODAY, patient

from tplan.domain import DisclosureStatus, ExportFormat
from tplan.services import FixedClock, Workspace, disclosure
from tplan.store import open_store

STEPS = ("staged", "logged", "published", "completed")


def _disclosures(db_path: str, pid: str) -> list:
    with open_store(db_path, read_only=True) as repo:
        return repo.get(pid).disclosures


def _assert_never_a_file_without_its_disclosure(db_path: str, pid: str, out: Path) -> None:
    files = [p for p in out.iterdir() if not p.name.startswith(".")]
    entries = _disclosures(db_path, pid)
    for file in files:
        logged = [e for e in entries if e.file_name == file.name]
        assert logged and logged[-1].status in (DisclosureStatus.STARTED,
                                                DisclosureStatus.COMPLETED), file
    for entry in entries:
        if entry.status is DisclosureStatus.COMPLETED:
            assert (out / entry.file_name).exists()
        if entry.status is DisclosureStatus.FAILED:
            assert not (out / entry.file_name).exists()


@pytest.mark.parametrize("failing", [*STEPS, "link"])
def test_a_failure_at_each_step_never_leaves_a_file_without_its_disclosure(
    workspace: Workspace, db_path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    failing: str,
) -> None:
    admitted = workspace.admit(patient())
    out = tmp_path / "exports"
    if failing == "link":
        def no_link(*_args: object) -> None:
            raise OSError(errno.EIO, "Input/output error")
        monkeypatch.setattr(os, "link", no_link)
    else:
        def fail_at(name: str) -> None:
            if name == failing:
                raise RuntimeError(f"failed at {name}")
        monkeypatch.setattr(disclosure, "step", fail_at)
    with pytest.raises((RuntimeError, OSError)):
        workspace.export(admitted.id, ExportFormat.MARKDOWN, out / "plan.md")
    monkeypatch.undo()
    _assert_never_a_file_without_its_disclosure(db_path, admitted.id, out)
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []  # no temp left
    status = {e.file_name: e.status for e in _disclosures(db_path, admitted.id)}
    expected = {
        "staged": None,  # nothing logged: nothing was disclosed
        "logged": DisclosureStatus.FAILED,  # logged, then the file never appeared
        "link": DisclosureStatus.FAILED,
        "published": DisclosureStatus.STARTED,  # the file is out: never marked failed
        "completed": DisclosureStatus.COMPLETED,
    }[failing]
    assert status.get("plan.md") == expected
    assert (out / "plan.md").exists() is (failing in ("published", "completed"))


KILLED_EXPORT = """
import os, signal, sys
from tplan.services import disclosure
from tplan.cli import main

def kill_at(name):
    if name == sys.argv[1]:
        os.kill(os.getpid(), signal.SIGKILL)

disclosure.step = kill_at
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("killed_at", STEPS)
def test_a_kill_at_each_step_never_leaves_a_file_without_its_disclosure(
    db_path: str, tmp_path: Path, killed_at: str
) -> None:
    with open_store(db_path, "J. Park") as repo:
        admitted = Workspace(repo, FixedClock(TODAY), clinician="J. Park").admit(patient())
    out = tmp_path / "exports"
    export = ["--db", str(db_path), "export", admitted.id, "--format", "md"]
    done = subprocess.run(
        [sys.executable, "-c", KILLED_EXPORT, killed_at, *export, "-o", str(out / "plan.md")],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    _assert_never_a_file_without_its_disclosure(db_path, admitted.id, out)
    leftovers = [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    assert bool(leftovers) is (killed_at in ("staged", "logged"))
    # The next export into that folder removes what the killed one left behind.
    with open_store(db_path, "J. Park") as repo:
        Workspace(repo, FixedClock(TODAY), clinician="J. Park").export(
            admitted.id, ExportFormat.JSON, out / "again.json")
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []
    _assert_never_a_file_without_its_disclosure(db_path, admitted.id, out)
