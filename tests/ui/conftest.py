"""Fixtures for driving the app as a counselor would, on a temporary copy of the demo caseload.

"Today" is fixed (``FixedClock``) so screens are deterministic; the records go through the real
store and services into a temporary file, so tests can check what was saved afterwards.
"""

from __future__ import annotations

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


@pytest.fixture
def workspace(db_path: Path, clock: FixedClock, today: date) -> Iterator[Workspace]:
    """A record file seeded with the demo caseload (shifted to ``today``)."""
    repo = open_store(db_path, COUNSELOR)
    ws = Workspace(repo, clock, clinician=COUNSELOR)
    ws.import_patients(load_demo(today))
    yield ws
    ws.close()


@pytest.fixture
def clinic(db_path: Path, clock: FixedClock, today: date) -> Iterator[Workspace]:
    """The demo caseload and its groups, sessions and attendance, shifted to ``today``."""
    repo = open_repository(db_path, COUNSELOR)
    ws = Workspace(repo, clock, clinician=COUNSELOR)
    ws.import_patients(load_demo(today))
    bundle = load_demo_sessions(today)
    repo.import_clinic_records(bundle.groups, bundle.sessions, bundle.attendance)
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
    app = pilot.app
    for _ in range(3):
        await app.workers.wait_for_complete()
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
