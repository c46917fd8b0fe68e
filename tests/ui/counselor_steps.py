"""Steps the Pilot tests take again and again, written once: start the app on Today, open a
patient through the caseload filter, press a key until something holds, wait (bounded) for the
app to catch up, and read the records back from the file afterwards.

Every wait here has a bound: a test that waits for something that never happens fails with
what it waited for instead of hanging its test process.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import date
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from tplan.services import Clock, FixedClock, Workspace
from tplan.settings import Settings
from tplan.store import open_repository
from tplan.ui.app import TplanApp, make_app
from tplan.ui.screens.caseload import CaseloadScreen
from tplan.ui.screens.patient import PatientScreen

Settle = Callable[[Pilot[None]], Awaitable[None]]

WAIT_LIMIT_S = 30.0
"""How long ``until`` lets the app run: generous (a loaded machine is slow), a bound against
hanging, not a speed test."""


async def workers_done(app: App[None]) -> None:
    """Wait for the app's running workers. One cancelled meanwhile is no error: an exclusive
    worker replaced by a newer run (Today recomputed as another session's save arrives) raised
    WorkerCancelled out of ``workers.wait_for_complete()`` and failed the test that waited."""
    for worker in list(app.workers):
        with suppress(WorkerCancelled):
            await worker.wait()


async def until(
    pilot: Pilot[None], condition: Callable[[], bool], what: str, *,
    timeout: float = WAIT_LIMIT_S,
) -> None:
    """Let the app run (its workers finish, the screen catches up) until ``condition`` holds;
    fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        await workers_done(pilot.app)
        await pilot.pause()
        if condition():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened in {timeout:.0f} s: {what}")
        await asyncio.sleep(0.02)


async def press_until(
    pilot: Pilot[None], key: str, condition: Callable[[], bool], what: str, *, most: int = 20
) -> None:
    """Press ``key`` until ``condition`` holds (e.g. `s` until the wanted sort), at most
    ``most`` times."""
    for _ in range(most):
        if condition():
            return
        await pilot.press(key)
        await pilot.pause()
    assert condition(), f"{most} presses of {key!r} did not reach {what}"


def keys(text: str) -> list[str]:
    """Characters as Pilot key names (a space is ``space``)."""
    return ["space" if ch == " " else ch for ch in text]


async def open_patient(pilot: Pilot[None], settle: Settle, name: str) -> PatientScreen:
    """On the caseload: `/`, the name, `enter` to leave the filter, `enter` to open the row."""
    await settle(pilot)
    assert isinstance(pilot.app.screen, CaseloadScreen)
    await pilot.press("slash", *keys(name))
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    if not isinstance(pilot.app.screen, PatientScreen):
        await pilot.press("enter")
        await settle(pilot)
    assert isinstance(pilot.app.screen, PatientScreen)
    return pilot.app.screen


async def show_patient(pilot: Pilot[None], settle: Settle, patient_id: str) -> PatientScreen:
    """Open a patient's plan by id (as the palette or Today does) and return its screen."""
    await settle(pilot)
    pilot.app.open_patient(patient_id)  # type: ignore[attr-defined]
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PatientScreen)
    assert screen.patient_id == patient_id
    return screen


def today_app(ws: Workspace, clock: Clock | None = None, *, role: str = "counselor",
              start: str = "today") -> TplanApp:
    """The app as the clinician of ``ws`` starts it (on Today unless ``start`` says otherwise),
    privacy never switching on by itself."""
    settings = Settings(clinician=ws.clinician, role=role, start_screen=start,
                        privacy_after_minutes=0)
    return make_app(ws, clock=clock or ws.clock, settings=settings)


def reread(db_path: Path | str, today: date) -> Workspace:
    """A second, read-only opening of the records, to check what was saved (close it)."""
    repo = open_repository(db_path, "reader", read_only=True)
    return Workspace(repo, FixedClock(today), clinician="reader")
