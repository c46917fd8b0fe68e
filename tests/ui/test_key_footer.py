"""The footer draws the focused widget's keys on one line, as Textual's Footer would, follows
focus, dims a key that cannot run now, and a click on a key presses it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Footer

from tplan.ui.widgets.footer import KeyFooter


class Plain(Widget, can_focus=True):
    DEFAULT_CSS = "Plain { height: 1; }"


class Notes(Plain):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("o", "open", "Open note")]

    def action_open(self) -> None:
        self.app.ran.append("open")


class FooterApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "note", "Note"),
        Binding("ctrl+n", "note", "Note again"),  # the same action: shown once, as the first
        Binding("s", "save", "Save"),
        Binding("x", "hidden", "Hidden", show=False),
    ]

    def __init__(self, *, compact: bool = True) -> None:
        super().__init__()
        self.compact = compact
        self.ran: list[str] = []
        self.can_save = True

    def compose(self) -> ComposeResult:
        yield Plain(id="plain")
        yield Notes(id="notes")
        yield KeyFooter(compact=self.compact, show_command_palette=not self.compact)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "save" and not self.can_save else True

    def action_note(self) -> None:
        self.ran.append("note")

    def action_save(self) -> None:
        self.ran.append("save")


def footer_line(app: App[None]) -> str:
    footer = app.screen.query_one(KeyFooter)
    return "".join(segment.text for segment in footer.render_line(0)).rstrip()


def textuals_keys(app: App[None]) -> list[tuple[str, str]]:
    return [(key.key, key.description) for key in app.screen.query_one(Footer).query("FooterKey")]


async def test_the_line_shows_what_textuals_footer_shows_and_follows_focus() -> None:
    app = FooterApp()
    async with app.run_test(size=(80, 8)) as pilot:
        await app.screen.mount(Footer(compact=True, show_command_palette=False))
        footer = app.query_one(KeyFooter)
        for focused, expected in (("#plain", "n Note s Save"), ("#notes", "o Open note n Note")):
            app.query_one(focused).focus()
            await pilot.pause()
            await pilot.pause()
            assert [(key.key, key.description) for key in footer.shown] == textuals_keys(app)
            line = footer_line(app)
            assert line.startswith(expected), line
            assert "Note again" not in line and "Hidden" not in line


async def test_a_click_on_a_key_presses_it_and_a_disabled_key_is_dimmed() -> None:
    app = FooterApp()
    async with app.run_test(size=(80, 8)) as pilot:
        app.query_one("#plain").focus()
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        save = footer_line(app).index("s Save")  # where the footer shows the key
        await pilot.click(KeyFooter, offset=(save + 2, 0))
        assert app.ran == ["save"]

        app.can_save = False
        app.refresh_bindings()
        await pilot.pause()
        (dimmed,) = [key for key in footer.shown if not key.enabled]
        assert dimmed.key == "s"
        assert any(
            segment.style is not None and segment.style.dim and segment.text.strip() == "s"
            for segment in footer.render_line(0)
        )
        await pilot.click(KeyFooter, offset=(save + 2, 0))
        assert app.ran == ["save"]  # a bell, nothing run

        await pilot.click(KeyFooter, offset=(1, 0))
        assert app.ran == ["save", "note"]


async def test_the_wide_footer_pads_each_key_as_textuals_does() -> None:
    app = FooterApp(compact=False)
    async with app.run_test(size=(80, 8)) as pilot:
        app.query_one("#plain").focus()
        await pilot.pause()
        assert footer_line(app).startswith(" n Note  s Save")
        assert footer_line(app).endswith("▏^p palette")
