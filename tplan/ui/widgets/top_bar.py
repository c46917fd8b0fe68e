"""One-line title bar: "tplan — <screen>" on the left, a summary on the right."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget


class TopBar(Widget):
    """The first line of every screen; shows "privacy" while initials replace names,
    "READ-ONLY" when nothing can be saved, "OFFLINE" while the clinic database is out of reach,
    and the ids of records that do not load (kept in the file as they were, left out of every
    list)."""

    DEFAULT_CSS = """
    TopBar { height: 1; width: 1fr; background: $panel; color: $foreground; }
    """

    right: reactive[str] = reactive("", layout=False)
    privacy: reactive[bool] = reactive(False)
    read_only: reactive[bool] = reactive(False)
    damaged: reactive[tuple[str, ...]] = reactive(())
    offline: reactive[bool] = reactive(False)

    def __init__(self, title: str, *, id: str | None = None, right: str = "") -> None:
        super().__init__(id=id)
        self.title = title
        self.set_reactive(TopBar.right, right)

    def on_mount(self) -> None:
        self.read_only = bool(getattr(self.app, "read_only", False))
        self.watch(self.app, "privacy", self._privacy)
        if hasattr(self.app, "damaged"):
            self.watch(self.app, "damaged", self._damaged)
        if hasattr(self.app, "connected"):
            self.watch(self.app, "connected", self._connected)

    def _damaged(self, value: tuple[str, ...]) -> None:
        self.damaged = value

    def _connected(self, value: bool) -> None:
        self.offline = not value

    def _privacy(self, value: bool) -> None:
        self.privacy = value

    def set_right(self, text: str) -> None:
        self.right = text

    def render(self) -> Content:
        # Plain Content rather than a Rich table: this line repaints on every filter keystroke.
        left = Content.assemble(("tplan", "bold"), " — ", self.title)
        if self.read_only:
            left = Content.assemble(left, "  ", ("READ-ONLY", "bold reverse"))
        if self.damaged:
            noun = "DAMAGED RECORD" if len(self.damaged) == 1 else "DAMAGED RECORDS"
            left = Content.assemble(
                left, "  ", (f"⚠ {noun} {', '.join(self.damaged)}", "bold reverse")
            )
        if self.offline:
            offline = ("OFFLINE: saves fail, reconnecting", "bold reverse")
            left = Content.assemble(left, "  ", offline)
        right = Content(self.right)
        if self.privacy:
            right = Content.assemble(right, "  ", ("◉ privacy", "bold reverse"))
        width = self.size.width - 2
        room = width - left.cell_length - right.cell_length
        if room < 1:
            right = right.truncate(max(0, width - left.cell_length - 1), ellipsis=True)
            room = max(1, width - left.cell_length - right.cell_length)
        return Content.assemble(" ", left, " " * room, right, " ")
