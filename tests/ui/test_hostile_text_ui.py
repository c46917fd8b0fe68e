"""In the app: no Screenshot command (it wrote the screen, names included, to ~/Downloads
0644), and a name with a zero-width or bidi character is refused at the field (issue #10,
items 15 and 16)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from test_forms_harness import SIZE, FormHarness, choose, errors, settle, type_in
from textual.command import CommandPalette

from tplan.domain import Patient
from tplan.services import FixedClock, Workspace
from tplan.ui.app import TplanApp
from tplan.ui.forms import SupportForm

AVERY = "demo-avery-quill"


async def test_the_palette_has_no_screenshot_and_the_action_writes_nothing(
    app: TplanApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Screenshot" not in titles and "Help" in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"screensh")
        await pilot.pause(0.3)
        shown = [str(option.prompt) for option in app.screen.query("CommandList").first()._options]
        assert not any("Screenshot" in prompt for prompt in shown)
        await pilot.press("escape")
        await app.run_action("screenshot")
        app.deliver_screenshot()
        await pilot.pause()
    assert list(tmp_path.rglob("*.svg")) == []


@pytest.mark.parametrize("hidden", ["\u200b", "\u202e", "\u2066"])
async def test_a_name_with_an_invisible_character_is_refused_at_the_field(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient], hidden: str
) -> None:
    count = len(saved(AVERY).supports)
    app = FormHarness(workspace, clock, lambda ws: SupportForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        app.form.query_one("#name").value = f"M.{hidden} Ruiz"
        await choose(pilot, "role", "sponsor")
        await type_in(pilot, "contact", "555-0100")
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = errors(app).get("name", "")
        assert "format character" in message and f"U+{ord(hidden):04X}" in message
    assert len(saved(AVERY).supports) == count
