"""``tplan --read-only``: a second tplan looks at a file another one holds, and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pty_terminal import PtyTplan
from textual.widgets import Static

from tplan.cli import build_parser, tui_workspace
from tplan.services import FixedClock, StoreLockedError, Workspace
from tplan.store import open_repository
from tplan.ui.app import TplanApp, make_app
from tplan.ui.forms import ObjectiveForm
from tplan.ui.read_only import READ_ONLY_MESSAGE
from tplan.ui.screens.patient import PatientScreen

AVERY = "demo-avery-quill"
NOTICE = "read-only: another tplan holds this file"


@pytest.fixture
def reader(workspace: Workspace, db_path: Path, clock: FixedClock) -> Iterator[Workspace]:
    """A read-only opening of the file the ``workspace`` fixture holds for writing."""
    ws = Workspace(open_repository(db_path, "reader", read_only=True), clock, clinician="reader")
    yield ws
    ws.close()


@pytest.fixture
def ro_app(reader: Workspace, clock: FixedClock) -> TplanApp:
    return make_app(reader, clock=clock, idle_privacy_minutes=None, me="J. Park")


def notices(app: TplanApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_read_only_shows_in_the_top_bar_and_editing_keys_only_say_why(
    ro_app: TplanApp, settle, screen_text, db_path: Path
) -> None:
    before = db_path.read_bytes()
    async with ro_app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "READ-ONLY" in screen_text(ro_app)
        await pilot.press("a")  # admit
        await pilot.pause()
        assert ro_app.screen.__class__.__name__ == "CaseloadScreen"
        assert any(n.startswith(NOTICE) for n in notices(ro_app))
        ro_app.open_patient(AVERY)
        await settle(pilot)
        screen = ro_app.screen
        assert isinstance(screen, PatientScreen)
        assert "READ-ONLY" in screen_text(ro_app)
        for key in ("n", "g", "o", "d", "r", "l", "e", "x", "m", "N", "a", "space"):
            ro_app.clear_notifications()
            await pilot.press(key)
            await settle(pilot)
            assert ro_app.screen is screen, key
            assert notices(ro_app) == [READ_ONLY_MESSAGE], key
    assert db_path.read_bytes() == before


async def test_a_form_opened_read_only_says_so_and_save_is_refused(
    ro_app: TplanApp, settle, db_path: Path, saved
) -> None:
    objective = next(saved(AVERY).objectives())
    async with ro_app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        ro_app.open_patient(AVERY)
        await settle(pilot)
        plan = ro_app.screen.query_one("#plan-list")
        plan.highlighted = next(
            i for i, o in enumerate(plan._options) if o.id.startswith(f"objective:{objective.id}")
        )
        await pilot.press("enter")  # reading the whole record stays possible
        await pilot.pause()
        form = ro_app.screen
        assert isinstance(form, ObjectiveForm)
        status = form.query_one("#form-status", Static)
        assert str(status.render()).startswith(NOTICE)
        form.query_one("#text").focus()
        await pilot.press("end", "space", "x")
        assert form.dirty
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert ro_app.screen is form
        assert "open read-only; nothing was saved" in str(status.render())
    assert next(saved(AVERY).objectives()) == objective


def test_lock_message_names_tplan_read_only_and_the_option_opens_the_file(
    workspace: Workspace, db_path: Path
) -> None:
    """The ``workspace`` fixture holds the writer lock, as a running tplan would."""
    with pytest.raises(StoreLockedError, match="tplan --read-only"):
        tui_workspace(build_parser().parse_args(["--db", str(db_path)]))
    ws = tui_workspace(build_parser().parse_args(["--read-only", "--db", str(db_path)]))
    try:
        assert ws.read_only
        assert ws.patient(AVERY).display_name == workspace.patient(AVERY).display_name
    finally:
        ws.close()


def test_tplan_read_only_starts_on_a_locked_file(workspace: Workspace, db_path: Path) -> None:
    """The real command on a pseudo-terminal, while this process holds the writer lock."""
    args = ("--read-only", "--db", str(db_path))
    with PtyTplan(args, {"TPLAN_CLINICIAN": "J. Park"}) as terminal:
        terminal.expect(b"Avery", b"READ-ONLY")
        terminal.press(b"\x11")  # ctrl+q
        assert terminal.wait_exit() == 0
