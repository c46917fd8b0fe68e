"""F1: every key of the screen underneath, grouped as "this screen" and "everywhere"."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tplan.ui.compat import RestylesOnlyWhenStale

HelpRow = tuple[str, str]
"""(key as shown, what it does)"""

TEXTUAL_INTERNALS = ("super+", "Page Left", "Page Right", "Copy selected text")
"""Keys of stock widgets that mean nothing to a counselor (or do not work in a terminal)."""


def _internal(row: HelpRow) -> bool:
    return any(part in row[0] or part in row[1] for part in TEXTUAL_INTERNALS)


def screen_bindings(screen: Screen[Any]) -> tuple[list[HelpRow], list[HelpRow], list[HelpRow]]:
    """The keys active on ``screen``: (this screen's, moving around in a widget, app-wide)."""
    app = screen.app
    local: list[HelpRow] = []
    moving: list[HelpRow] = []
    global_: list[HelpRow] = []
    seen: set[HelpRow] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description or binding.system:
            continue
        row = (
            app.get_key_display(binding),
            binding.description + ("" if active.enabled else " (not now)"),
        )
        if row in seen:
            continue
        seen.add(row)
        node = active.node
        if isinstance(node, App):
            global_.append(row)
        elif _ours(node, binding):
            local.append(row)
        else:
            moving.append(row)
    moving = [row for row in moving if not _internal(row)]
    global_ = [row for row in global_ if not _internal(row)]
    palette = app.get_key_display(Binding(app.COMMAND_PALETTE_BINDING, ""))
    global_ = [row for row in global_ if row[0] != palette]
    if app.ENABLE_COMMAND_PALETTE:
        global_.append((palette, "Command palette: jump to a patient, run any action"))
    return local, moving, global_


def _ours(node: object, binding: Binding) -> bool:
    """Whether a tplan class (not a stock Textual widget) declared this binding."""
    for cls in type(node).__mro__:
        declared = cls.__dict__.get("BINDINGS", ())
        for item in declared:
            if isinstance(item, Binding) and item.action == binding.action:
                return cls.__module__.startswith("tplan.")
    return False



def screen_words(class_name: str) -> str:
    """``GroupSessionScreen`` -> ``Group session``: a screen's name for people, not its class."""
    words = re.findall(r"[A-Z][a-z0-9]*", class_name.removesuffix("Screen")) or [class_name]
    return " ".join([words[0], *(w.lower() for w in words[1:])])

class HelpScreen(RestylesOnlyWhenStale, ModalScreen[None]):
    """A key list; F1 or escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close help"),
        Binding("f1", "dismiss", "Close help", show=False),
    ]

    def __init__(
        self,
        title: str,
        local: list[HelpRow],
        moving: list[HelpRow],
        global_: list[HelpRow],
        legend: tuple[HelpRow, ...] = (),
    ) -> None:
        super().__init__()
        self._legend = legend
        self._title = title
        self._local = local
        self._moving = moving
        self._global = global_

    @classmethod
    def for_screen(cls, screen: Screen[Any]) -> HelpScreen:
        local, moving, global_ = screen_bindings(screen)
        title = getattr(screen, "HELP_TITLE", None) or screen_words(type(screen).__name__)
        legend = tuple(getattr(screen, "HELP_LEGEND", ()))
        return cls(str(title), local, moving, global_, legend)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(Text(f"Keys · {self._title}", style="bold"), id="help-title")
            yield Static(self._table("This screen", self._local), classes="help-table")
            yield Static(self._table("Everywhere", self._global), classes="help-table")
            if self._legend:
                legend = self._table("What the screen shows", list(self._legend))
                yield Static(legend, classes="help-table")
            if self._moving:
                yield Static(self._table("Moving around", self._moving), classes="help-table")
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
