"""A counselor's day with the demo's groups (issue 16, group sessions and Today), by keys at
80x24 and 120x40: privacy on an open group screen, signing only once a group has met, the
"no note" to-do of a group opening that group, and what counts as a group's note."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time
from pathlib import Path

import pytest

from tplan.services import FixedClock, Workspace
from tplan.services.demo import load_demo, load_demo_sessions
from tplan.settings import Settings
from tplan.store import open_repository
from tplan.ui.app import TplanApp, make_app
from tplan.ui.forms.attendance_form import AttendanceForm
from tplan.ui.screens.group_session import GroupSessionScreen

TODAY = date(2026, 3, 12)
EVENING = "Evening relapse prevention"


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Session times are local wall-clock times: run these tests in UTC, as the clock is."""
    import time as systime

    monkeypatch.setenv("TZ", "UTC")
    systime.tzset()
    yield
    monkeypatch.undo()
    systime.tzset()


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "records" / "demo.json"
    ws = Workspace(open_repository(path, "J. Park"), FixedClock(TODAY), clinician="J. Park")
    try:
        ws.import_patients(load_demo(TODAY))
        bundle = load_demo_sessions(TODAY)
        ws.repo.import_clinic_records(bundle.groups, bundle.sessions, bundle.attendance)
    finally:
        ws.close()
    return path


def open_app(path: Path, at: time) -> tuple[Workspace, TplanApp]:
    clock = FixedClock(TODAY, at)
    ws = Workspace(open_repository(path, "J. Park"), clock, clinician="J. Park")
    settings = Settings(clinician="J. Park", start_screen="today", privacy_after_minutes=0)
    return ws, make_app(ws, clock=clock, settings=settings)


async def open_evening_group(app: TplanApp, pilot, settle) -> GroupSessionScreen:
    """From Today: down to the evening group's line, ``g``."""
    await settle(pilot)
    sessions = app.screen.agenda.sessions
    evening = next(n for n, s in enumerate(sessions) if s.title == EVENING)
    await pilot.press(*["down"] * evening, "g")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, GroupSessionScreen)
    return screen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_f2_on_an_open_group_screen_turns_every_member_name_to_initials_and_back(
    demo_file: Path, settle, screen_text, size: tuple[int, int]
) -> None:
    ws, app = open_app(demo_file, time(19))
    async with app.run_test(size=size) as pilot:
        await open_evening_group(app, pilot, settle)
        assert "Avery Quill" in screen_text(app)
        await pilot.press("f2")
        await settle(pilot)
        shown = screen_text(app)
        assert "Avery Quill" not in shown and "Quill" not in shown
        assert "A.Q. · participation:" in shown
        if size[0] >= 120:
            assert "Bo Marchetti" not in shown and "B.M." in shown
        await pilot.press("f2")
        await settle(pilot)
        shown = screen_text(app)
        assert "Avery Quill · participation:" in shown and "A.Q." not in shown
    ws.close()


async def test_idle_privacy_while_the_attendance_form_is_open_masks_its_roster(
    demo_file: Path, settle, screen_text, idle_clock
) -> None:
    """The counselor walks away with a group's attendance open: idle privacy (the app's timer)
    turns the roster's names to initials; the next key and F2 bring them back."""
    clock = FixedClock(TODAY, time(19))
    ws = Workspace(open_repository(demo_file, "J. Park"), clock, clinician="J. Park")
    settings = Settings(clinician="J. Park", start_screen="today", privacy_after_minutes=5)
    app = make_app(ws, clock=clock, settings=settings, idle_clock=idle_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_evening_group(app, pilot, settle)
        await pilot.press("ctrl+r", "t")
        await settle(pilot)
        assert isinstance(app.screen, AttendanceForm)
        assert "Avery Quill" in screen_text(app)
        idle_clock.advance(6 * 60)
        app.check_privacy_idle()
        await settle(pilot)
        shown = screen_text(app)
        assert "Avery Quill" not in shown and "A.Q." + " " * 25 + "✔ present" in shown
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert "Avery Quill · participation:" in screen_text(app)
    ws.close()
