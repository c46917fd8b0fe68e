"""Snapshots of the screens (pytest-textual-snapshot; plain ``def`` tests).

Update after an intended change with ``pytest tests/ui/test_snapshots_screens.py
--snapshot-update`` and review the SVGs in ``__snapshots__``.
"""

from __future__ import annotations

from counselor_steps import workers_done
from textual.pilot import Pilot


async def _loaded(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await workers_done(pilot.app)
        await pilot.pause()


def _open(name: str):
    async def run_before(pilot: Pilot[None]) -> None:
        await _loaded(pilot)
        app = pilot.app
        pid = next(p.id for p in app.workspace.patients() if p.display_name.startswith(name))
        app.open_patient(pid)
        await _loaded(pilot)

    return run_before


def test_caseload(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=(120, 40), run_before=_loaded)


def test_caseload_80x24(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=(80, 24), run_before=_loaded)


def test_caseload_200x60_uses_the_room(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=(200, 60), run_before=_loaded)


def test_caseload_filtered_with_privacy(snap_compare, app) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await _loaded(pilot)
        await pilot.press("f2", "slash", "2", ".", "1")
        for field in pilot.app.screen.query("Input"):
            field.cursor_blink = False  # a blinking cursor makes the picture depend on timing
        # The "Privacy on" toast lasts 2 s: on a busy machine it was gone before the picture.
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_patient_plan(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=(120, 40), run_before=_open("Avery"))


def test_patient_plan_80x24(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=(80, 24), run_before=_open("Dara"))


def test_patient_trends(snap_compare, app) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await _open("Casey")(pilot)
        pilot.app.screen.query_one("TabbedContent").active = "trends"
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


def test_help_on_the_patient_screen(snap_compare, app) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await _open("Avery")(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 40), run_before=run_before)
