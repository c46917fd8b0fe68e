"""F1: every key of the screen underneath, grouped as "this screen" and "everywhere"."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

HelpRow = tuple[str, str]
"""(key as shown, what it does)"""


def screen_bindings(screen: Screen[Any]) -> tuple[list[HelpRow], list[HelpRow]]:
    """The keys active on ``screen``: (screen and focused-widget keys, app-wide keys)."""
    app = screen.app
    local: list[HelpRow] = []
    global_: list[HelpRow] = []
    seen: set[str] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.system:
            continue
        shown = app.get_key_display(binding)
        label = (shown, binding.description + ("" if active.enabled else " (not now)"))
        if label in seen:
            continue
        seen.add(label)
        (global_ if isinstance(active.node, App) else local).append(label)
        del key
    palette = app.COMMAND_PALETTE_BINDING
    if app.ENABLE_COMMAND_PALETTE:
        global_.append((app.get_key_display(Binding(palette, "")), "Command palette"))
    return local, global_


class HelpScreen(ModalScreen[None]):
    """A key list; F1 or escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close help"),
        Binding("f1", "dismiss", "Close help", show=False),
    ]

    def __init__(self, title: str, local: list[HelpRow], global_: list[HelpRow]) -> None:
        super().__init__()
        self._title = title
        self._local = local
        self._global = global_

    @classmethod
    def for_screen(cls, screen: Screen[Any]) -> HelpScreen:
        local, global_ = screen_bindings(screen)
        title = getattr(screen, "HELP_TITLE", None) or screen.__class__.__name__
        return cls(str(title), local, global_)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(Text(f"Keys · {self._title}", style="bold"), id="help-title")
            yield Static(self._table("This screen", self._local), classes="help-table")
            yield Static(self._table("Everywhere", self._global), classes="help-table")
            yield Static(
                Text("escape or F1 closes this help · mouse clicks work too", style="dim"),
                id="help-hint",
            )

    @staticmethod
    def _table(heading: str, rows: list[HelpRow]) -> Table:
        table = Table(title=heading, title_justify="left", box=None, show_header=False, expand=True)
        table.add_column("key", style="bold", no_wrap=True, min_width=10)
        table.add_column("action", ratio=1)
        for key, description in rows:
            table.add_row(Text(key), Text(description))
        return table

    async def action_dismiss(self, result: Any = None) -> None:
        self.dismiss(None)
