"""A small app that opens one form on the real workspace, plus key-pressing helpers.

The other form tests import from here; the tests in this module cover the ConfirmDialog and the
harness itself. Fixtures (workspace on a temporary demo caseload, fixed clock, ``saved`` reader)
come from tests/ui/conftest.py.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from counselor_steps import workers_done
from rich.console import Console
from textual import events
from textual.app import App, ComposeResult
from textual.content import Content
from textual.pilot import Pilot
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input, Select, Static, TextArea

from tplan.services import FixedClock, Workspace
from tplan.ui.app import styles_dir
from tplan.ui.forms import ConfirmDialog, FieldRow, FormScreen

SIZE = (100, 40)


class FormHarness(App[None]):
    """Pushes ``make_form(workspace)`` on mount and records what it dismissed with."""

    CSS_PATH = str(styles_dir() / "forms.tcss")
    privacy: reactive[bool] = reactive(False)

    def __init__(
        self, workspace: Workspace, clock: FixedClock, make_form: Callable[[Workspace], Screen]
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.clock = clock
        self.make_form = make_form
        self.results: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Static("harness", id="behind")

    def person_name(self, person: Any) -> str:
        return person.initials if self.privacy else person.display_name

    def on_mount(self) -> None:
        self.push_screen(self.make_form(self.workspace), self.results.append)

    @property
    def form(self) -> FormScreen[Any]:
        screen = next(s for s in reversed(self.screen_stack) if isinstance(s, FormScreen))
        return screen


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await workers_done(pilot.app)
        await pilot.pause()


async def type_in(
    pilot: Pilot[None], field_id: str, text: str, *, clear: bool = True, per_key: bool = False
) -> None:
    """Focus a field and type ``text`` into it (newlines as enter).

    The text arrives whole, as a terminal delivers a burst of typing or a paste: the field sees
    the same value and the form revalidates once instead of once per character. ``per_key=True``
    presses one key per character, for the tests where validation as you type is the point.
    Pilot cannot press characters outside ASCII (emoji arrive empty), so those always come as a
    terminal paste, which is how an IME or emoji picker delivers them anyway.
    """
    widget = pilot.app.screen.query_one(f"#{field_id}")
    widget.focus()
    await pilot.pause()
    if clear and isinstance(widget, Input) and widget.value:
        await pilot.press("home", "ctrl+k")
    elif clear and isinstance(widget, TextArea) and widget.text:
        widget.select_all()
        await pilot.press("backspace")
    if per_key:
        for ch in text:
            if ch.isascii():
                await pilot.press("enter" if ch == "\n" else ch)
            else:
                pilot.app.post_message(events.Paste(ch))
                await pilot.pause()
    elif isinstance(widget, TextArea):
        if text:
            pilot.app.post_message(events.Paste(text))
    else:
        for n, line in enumerate(text.split("\n")):
            if n:
                await pilot.press("enter")
            if line:
                pilot.app.post_message(events.Paste(line))
                await pilot.pause()
    await pilot.pause()


async def paste_in(pilot: Pilot[None], field_id: str, text: str) -> None:
    """Focus a field and paste ``text`` as a terminal does (the app forwards it to the focus)."""
    widget = pilot.app.screen.query_one(f"#{field_id}")
    widget.focus()
    await pilot.pause()
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def choose(pilot: Pilot[None], field_id: str, label: str) -> None:
    """Open a Select with enter, move to the option whose label starts with ``label``, enter."""
    select = pilot.app.screen.query_one(f"#{field_id}", Select)
    select.focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    labels = [str(prompt) for prompt, _ in select._options]
    target = next(i for i, text in enumerate(labels) if text.startswith(label))
    overlay = select.query_one("SelectOverlay")
    current = overlay.highlighted or 0
    step = "down" if target >= current else "up"
    await pilot.press(*[step] * abs(target - current))
    await pilot.press("enter")
    await pilot.pause()


def plain(widget: Static) -> str:
    """What a Static shows, as plain text (rich renderables rendered 200 columns wide)."""
    content = widget.content
    if isinstance(content, str | Content):
        return str(content)
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def errors(app: FormHarness) -> dict[str, str]:
    return app.form.field_errors()


def row(app: FormHarness, key: str) -> FieldRow:
    return app.form.query_one(f"#row-{key}", FieldRow)


# --- tests of the dialog and the harness ---------------------------------------------------------


class AskApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.answers: list[bool | None] = []

    def on_mount(self) -> None:
        self.push_screen(ConfirmDialog("Sign [bold]now[/]?"), self.answers.append)


async def test_confirm_dialog_y_answers_yes_and_shows_markup_literally() -> None:
    app = AskApp()
    async with app.run_test(size=(80, 24)) as pilot:
        question = app.screen.query_one("#confirm-question", Static)
        assert "[bold]now[/]" in str(question.render())
        await pilot.press("y")
        await pilot.pause()
    assert app.answers == [True]


async def test_confirm_dialog_escape_and_n_answer_no() -> None:
    for key in ("escape", "n"):
        app = AskApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press(key)
            await pilot.pause()
        assert app.answers == [False]


async def test_confirm_dialog_enter_presses_the_focused_yes_button_tab_moves_to_no() -> None:
    app = AskApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
    assert app.answers == [True]
    app = AskApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab", "enter")
        await pilot.pause()
    assert app.answers == [False]
