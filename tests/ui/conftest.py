"""Fixtures for driving the app as a counselor would, on a temporary copy of the demo caseload.

"Today" is fixed (``FixedClock``) so screens are deterministic; the records go through the real
store and services into a temporary file, so tests can check what was saved afterwards.

The demo record files are built once per test process (``demo_files``: the same import the
fixtures used to run per test) and each test gets its own copy, file for file.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Awaitable, Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tplan.domain import Patient
from tplan.services import FixedClock, Workspace
from tplan.services.demo import load_demo, load_demo_sessions
from tplan.store import open_repository, open_store
from tplan.ui.app import TplanApp, make_app

pytest.register_assert_rewrite("counselor_steps")  # its asserts explain themselves too

TODAY = date(2026, 3, 12)
COUNSELOR = "J. Park"


class FakeMonotonic:
    """A monotonic clock the test moves by hand (for the idle privacy timer)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += minutes * 60


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def clock(today: date) -> FixedClock:
    return FixedClock(today)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "records" / "caseload.json"


def _import_demo(db_path: Path | str, clock: FixedClock, *, sessions: bool) -> Workspace:
    """A workspace on ``db_path`` holding the demo caseload (and with ``sessions`` its groups,
    sessions and attendance), shifted to the clock's today."""
    today = clock.today()
    repo = open_repository(db_path, COUNSELOR) if sessions else open_store(db_path, COUNSELOR)
    ws = Workspace(repo, clock, clinician=COUNSELOR)
    ws.import_patients(load_demo(today))
    if sessions:
        bundle = load_demo_sessions(today)
        repo.import_clinic_records(bundle.groups, bundle.sessions, bundle.attendance)
    return ws


def _copy_files(source: Path, target: Path) -> None:
    """Copy a record file's directory (file, journal, backup, lock) with its modes, keeping
    hard links (the backup is a link to the snapshot) as links."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copystat(source, target)
    copied: dict[int, Path] = {}
    for entry in sorted(source.iterdir()):
        inode = entry.stat().st_ino
        if inode in copied:
            os.link(copied[inode], target / entry.name)
        else:
            copied[inode] = Path(shutil.copy2(entry, target / entry.name))


class DemoFiles:
    """Demo record files built once per test process, copied for each test that asks."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.built: dict[tuple[str, str, bool], Path] = {}

    def copy_to(self, db_path: Path, clock: FixedClock, *, sessions: bool) -> None:
        key = (db_path.name, repr(clock.now()), sessions)
        if key not in self.built:
            source = self.root / str(len(self.built)) / db_path.name
            _import_demo(source, clock, sessions=sessions).close()
            self.built[key] = source
        _copy_files(self.built[key].parent, db_path.parent)


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    return DemoFiles(tmp_path_factory.mktemp("demo-files"))


def _demo_workspace(db_path: Path | str, clock: FixedClock, demo_files: DemoFiles, *,
                    sessions: bool) -> Workspace:
    """A copy of the prebuilt demo file when the records are a file with a fixed clock,
    otherwise (a PostgreSQL database) the import itself."""
    if not isinstance(clock, FixedClock) or str(db_path).startswith("postgresql:"):
        return _import_demo(db_path, clock, sessions=sessions)
    demo_files.copy_to(Path(db_path), clock, sessions=sessions)
    repo = open_repository(db_path, COUNSELOR) if sessions else open_store(db_path, COUNSELOR)
    return Workspace(repo, clock, clinician=COUNSELOR)


@pytest.fixture
def workspace(db_path: Path, clock: FixedClock, demo_files: DemoFiles) -> Iterator[Workspace]:
    """A record file seeded with the demo caseload (shifted to ``today``)."""
    ws = _demo_workspace(db_path, clock, demo_files, sessions=False)
    yield ws
    ws.close()


@pytest.fixture
def clinic(db_path: Path, clock: FixedClock, demo_files: DemoFiles) -> Iterator[Workspace]:
    """The demo caseload and its groups, sessions and attendance, shifted to ``today``."""
    ws = _demo_workspace(db_path, clock, demo_files, sessions=True)
    yield ws
    ws.close()


@pytest.fixture
def idle_clock() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
def app(workspace: Workspace, clock: FixedClock, idle_clock: FakeMonotonic) -> TplanApp:
    return make_app(workspace, clock=clock, idle_clock=idle_clock, me=COUNSELOR)


@pytest.fixture
def saved(db_path: Path) -> Callable[[str], Patient]:
    """Read a patient back from the file on disk (a second, read-only opening)."""

    def read(patient_id: str) -> Patient:
        repo = open_repository(db_path, "reader", read_only=True)
        try:
            return repo.get(patient_id)
        finally:
            repo.close()

    return read


@pytest.fixture
def patient_id(workspace: Workspace) -> Callable[[str], str]:
    """The id of a demo patient by (the start of) their name."""

    def find(name: str) -> str:
        for patient in workspace.patients(include_discharged=True):
            if patient.display_name.startswith(name):
                return patient.id
        raise LookupError(name)

    return find


async def _settle(pilot: Pilot[None]) -> None:
    from counselor_steps import workers_done  # after register_assert_rewrite above

    for _ in range(3):
        await workers_done(pilot.app)
        await pilot.pause()


@pytest.fixture
def settle() -> Callable[[Pilot[None]], Awaitable[None]]:
    """``await settle(pilot)``: let thread workers finish and the screen catch up."""
    return _settle


def _screen_text(app: TplanApp) -> str:
    """What the terminal shows right now, as plain text (one line per row)."""
    from io import StringIO

    from rich.console import Console

    update = app.screen._compositor.render_update(full=True)
    console = Console(file=StringIO(), width=app.size.width, color_system=None)
    console.print(update)
    return console.file.getvalue()  # type: ignore[attr-defined]


@pytest.fixture
def screen_text() -> Callable[[TplanApp], str]:
    """``screen_text(app)``: the visible screen as plain text."""
    return _screen_text
