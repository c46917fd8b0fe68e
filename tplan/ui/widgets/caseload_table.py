"""A virtualized caseload table: renders only the visible rows (Textual's Line API).

A stock DataTable re-measures every cell on each refresh, which is too slow to filter
thousands of rows per keystroke. Here column widths come from the terminal width
(``caseload_model.layout``), rows are plain ``CaseloadLine`` objects, and ``render_line``
builds one Strip per visible line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tplan.ui.widgets.caseload_model import COLUMNS, CaseloadLine, Column, fit, layout

HEADER_HEIGHT = 1


class CaseloadTable(ScrollView, can_focus=True):
    """One line per patient, a header line, a cursor; ``enter`` or a click opens the row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("k", "cursor(-1)", show=False),
        Binding("j", "cursor(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "first", show=False),
        Binding("end", "last", show=False),
        Binding("enter", "open", "Open", id="open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "caseload--header",
        "caseload--cursor",
        "caseload--cursor-blur",
        "caseload--overdue",
        "caseload--due",
        "caseload--alert",
        "caseload--safety",
        "caseload--safety_review",
        "caseload--step_up",
        "caseload--intensify",
        "caseload--step_down",
        "caseload--taper",
        "caseload--continue",
        "caseload--discharged",
        "caseload--muted",
    }

    DEFAULT_CSS = """
    CaseloadTable { height: 1fr; scrollbar-gutter: stable; scrollbar-size-vertical: 1; }
    CaseloadTable > .caseload--header { text-style: bold; }
    CaseloadTable > .caseload--cursor { background: $block-cursor-background; }
    CaseloadTable > .caseload--cursor-blur { background: $block-cursor-blurred-background; }
    """

    cursor = reactive(0, always_update=True, init=False)
    privacy = reactive(False, init=False)

    class Highlighted(Message):
        """The cursor moved to another patient (or the table became empty: None)."""

        def __init__(self, line: CaseloadLine | None) -> None:
            self.line = line
            super().__init__()

    class Opened(Message):
        """``enter`` or a click on a patient."""

        def __init__(self, line: CaseloadLine) -> None:
            self.line = line
            super().__init__()

    class SortRequested(Message):
        """A click on a column title."""

        def __init__(self, key: str) -> None:
            self.key = key
            super().__init__()

    def __init__(
        self,
        *,
        columns: Sequence[Column] = COLUMNS,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._columns = tuple(columns)
        self._lines: list[CaseloadLine] = []
        self._layout: list[tuple[Column, int]] = []
        self._layout_width = -1
        self.sort_key: str | None = None
        self.sort_reverse = False
        self._styles: dict[str, Style] = {}
        self._base: Style | None = None
        self._strips: LRUCache[tuple[str, bool, bool, bool, int], tuple[CaseloadLine, Strip]]
        self._strips = LRUCache(1024)
        self._last_highlighted: str | None = None

    # --- data --------------------------------------------------------------------------

    @property
    def lines(self) -> Sequence[CaseloadLine]:
        return self._lines

    @property
    def current(self) -> CaseloadLine | None:
        if 0 <= self.cursor < len(self._lines):
            return self._lines[self.cursor]
        return None

    def set_lines(self, lines: list[CaseloadLine], keep: str | None = None) -> None:
        """Show ``lines``; keep the cursor on patient ``keep`` (else the current one) if shown."""
        keep = keep if keep is not None else (self.current.patient_id if self.current else None)
        self._lines = lines
        self._set_virtual_height(len(lines) + HEADER_HEIGHT)
        index = 0
        if keep is not None:
            index = next((i for i, line in enumerate(lines) if line.patient_id == keep), 0)
        self.cursor = index
        self.refresh()

    def _set_virtual_height(self, height: int) -> None:
        """Resize the scrollable area the way DataTable does (public API: the reactive's layout
        updates the scrollbars); nothing happens when the height is unchanged."""
        size = Size(self.size.width, height)
        if size != self.virtual_size:
            self.virtual_size = size

    def move_to(self, patient_id: str) -> bool:
        for index, line in enumerate(self._lines):
            if line.patient_id == patient_id:
                self.cursor = index
                return True
        return False

    # --- cursor ------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._lines) - 1)) if self._lines else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        line = self.current
        key = line.patient_id if line else None
        if key != self._last_highlighted or line is None:
            self._last_highlighted = key
            self.post_message(self.Highlighted(line))

    def watch_privacy(self) -> None:
        self._strips.clear()
        self.refresh()

    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - HEADER_HEIGHT)

    def _scroll_cursor_into_view(self) -> None:
        top = round(self.scroll_y)
        rows = self._page_rows()
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + rows:
            self.scroll_to(y=self.cursor - rows + 1, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        self.cursor += delta

    def action_page(self, direction: int) -> None:
        self.cursor += direction * self._page_rows()

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._lines) - 1

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened(self.current))

    # --- mouse -------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y < HEADER_HEIGHT:
            key = self._column_at(offset.x)
            if key is not None:
                self.post_message(self.SortRequested(key))
            return
        index = round(self.scroll_y) + offset.y - HEADER_HEIGHT
        if 0 <= index < len(self._lines):
            self.focus()
            if index == self.cursor and event.chain >= 2:
                self.action_open()
            else:
                self.cursor = index
                if event.chain >= 2:
                    self.action_open()

    def _column_at(self, x: int) -> str | None:
        start = 0
        for column, width in self._current_layout():
            if start <= x < start + width + 1:
                return column.key if column.key != "flag" else None
            start += width + 1
        return None

    # --- rendering ---------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._forget_rendering()

    def _forget_rendering(self) -> None:
        self._styles.clear()
        self._base = None
        self._strips.clear()

    def on_resize(self) -> None:
        self._set_virtual_height(len(self._lines) + HEADER_HEIGHT)
        self._scroll_cursor_into_view()

    def _current_layout(self) -> list[tuple[Column, int]]:
        width = self.scrollable_content_region.width
        if width != self._layout_width:
            self._layout = layout(width, self._columns)
            self._layout_width = width
        return self._layout

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self.get_component_rich_style(f"caseload--{name}", partial=True)
            self._styles[name] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self._base is None:
            self._base = self.rich_style
        base = self._base
        if y < HEADER_HEIGHT:
            return self._render_header(width, base)
        index = round(self.scroll_y) + y - HEADER_HEIGHT
        if index >= len(self._lines):
            return Strip.blank(width, base)
        line = self._lines[index]
        is_cursor = index == self.cursor
        key = (line.patient_id, is_cursor, is_cursor and self.has_focus, self.privacy, width)
        cached = self._strips.get(key)
        if cached is not None and cached[0] is line:
            return cached[1]
        strip = self._render_row(line, is_cursor, width, base)
        self._strips[key] = (line, strip)
        return strip

    def _render_header(self, width: int, base: Style) -> Strip:
        style = base + self._style("header")
        segments: list[Segment] = []
        chosen = self._current_layout()
        arrow = "▼" if self.sort_reverse else "▲"
        shown = any(column.key == self.sort_key for column, _ in chosen)
        for column, size in chosen:
            title = column.title
            if column.key == self.sort_key:  # the arrow stays when the title does not fit
                title = f"{title[: max(1, size - 1)]}{arrow}"
            elif column.key == "name" and not shown and self.sort_key:
                # Sorted by a column too wide for this terminal: say so where the name is.
                title = f"by {self.sort_key.replace('_', ' ')}{arrow}"
            segments.append(Segment(fit(title, size, column.align) + " ", style))
        return Strip(segments).adjust_cell_length(width, style)

    def _render_row(self, line: CaseloadLine, is_cursor: bool, width: int, base: Style) -> Strip:
        row_style = base
        if not line.active:
            row_style += self._style("discharged")
        if is_cursor:
            row_style += self._style("cursor" if self.has_focus else "cursor-blur")
        segments: list[Segment] = []
        for column, size in self._current_layout():
            if column.key == "name":
                text, style_name = line.display_name(self.privacy), ""
            else:
                cell = line.cells.get(column.key)
                text, style_name = (cell.text, cell.style) if cell else ("", "")
            style = row_style + self._style(style_name) if style_name else row_style
            words = column.key == "alerts"  # free text: cut between words
            segments.append(Segment(fit(text, size, column.align, words), style))
            segments.append(Segment(" ", row_style))
        return Strip(segments).adjust_cell_length(width, row_style)

    def on_focus(self) -> None:
        self._base = None
        self.refresh()

    def on_blur(self) -> None:
        self._base = None
        self.refresh()
