"""One-line title bar: "tplan — <screen>" on the left, a summary on the right."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class TopBar(Widget):
    """The first line of every screen; shows "privacy" while initials replace names."""

    DEFAULT_CSS = """
    TopBar { height: 1; width: 1fr; background: $panel; color: $foreground; }
    """

    right: reactive[str] = reactive("", layout=False)
    privacy: reactive[bool] = reactive(False)

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title = title

    def on_mount(self) -> None:
        self.watch(self.app, "privacy", self._privacy)

    def _privacy(self, value: bool) -> None:
        self.privacy = value

    def set_right(self, text: str) -> None:
        self.right = text

    def render(self) -> RenderableType:
        grid = Table.grid(expand=True, padding=(0, 1))
        grid.add_column(justify="left", no_wrap=True, overflow="ellipsis")
        grid.add_column(justify="right", no_wrap=True, overflow="ellipsis")
        left = Text.assemble(("tplan", "bold"), " — ", self.title)
        right = Text(self.right)
        if self.privacy:
            right.append("  ")
            right.append("◉ privacy", style="bold reverse")
        grid.add_row(left, right)
        return grid
