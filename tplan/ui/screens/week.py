"""The week view (SCREENS.md's Today sketch, ``w week``): days across, sessions down.

Each cell is one session: its time, its name, and ``✔ recorded/roster  ✎ signed/due``
(attendance recorded of the roster; notes signed of the notes due: one per member who attended,
or more if more were written). ``[``/``]`` move a
week, and so do ``left``/``right`` past Monday or Sunday; ``enter`` opens what the Today line
opens (the session's attendance) and ``g`` documents a group session, as on Today. At 80
columns five days show and the others scroll.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from tplan.services.agenda import AgendaSession, day_text
from tplan.services.week import Week, monday_of
from tplan.ui.compat import RestylesOnlyWhenStale
from tplan.ui.screens.today import fit, open_attendance
from tplan.ui.widgets.footer import KeyFooter
from tplan.ui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from tplan.ui.app import TplanApp

WEEK_GROUP = "week-view"
LEGEND = "✔ attendance recorded/roster  ✎ notes signed/due  [ ] week  ⏎ open"
MIN_COLUMN = 14
"""Wide enough for ``18:00-21:00`` and ``✔12/12 ✎12/12``: seven days fit in 120 columns."""


def cell_lines(
    item: AgendaSession, width: int, today: date, shown: Callable[[str], str] = str
) -> Text:
    """The three lines of one session's cell (a session still to come shows its roster);
    ``shown`` turns the title into what the screen may show (privacy) before it is fitted."""
    when = f"{item.start:%H:%M}-{item.end:%H:%M}"
    if item.cancelled:
        state = "cancelled"
    elif item.key.on > today and not item.recorded:
        state = f"{len(item.roster)} expected"
    else:
        mark = "✔" if item.attendance_done else " "
        state = f"{mark}{item.recorded}/{len(item.roster)}"
        due = max(item.attended, item.notes_written)
        if due:
            state += f" ✎{item.notes_signed}/{due}"
    title = shown(item.title).replace("Individual · ", "1:1 ", 1)
    return Text("\n".join((when, fit(title, width), fit(state, width))))


def column_width(screen_width: int) -> int:
    """Seven days across when the screen allows it, else ``MIN_COLUMN`` and the days scroll."""
    return max(MIN_COLUMN, (screen_width - 2) // 7 - 2)


class WeekTable(DataTable[Text]):
    """The days as columns: left past Monday and right past Sunday move a week."""

    def action_cursor_left(self) -> None:
        if self.cursor_column == 0 and isinstance(self.screen, WeekScreen):
            self.screen.move_week(-1, column=6)
        else:
            super().action_cursor_left()

    def action_cursor_right(self) -> None:
        if self.cursor_column == 6 and isinstance(self.screen, WeekScreen):
            self.screen.move_week(1, column=0)
        else:
            super().action_cursor_right()


class WeekScreen(RestylesOnlyWhenStale, Screen[None]):
    """One week of the clinic's sessions with how far their paperwork is."""

    DEFAULT_CSS = """
    WeekScreen #week-legend { height: 1; padding: 0 1; color: $text-muted; }
    WeekScreen #week-table { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "week(-1)", "Previous week", id="previous-week"),
        Binding("right_square_bracket", "week(1)", "Next week", id="next-week"),
        Binding("t", "attendance", "Attendance", show=False, id="attendance"),
        Binding("g", "document_group", "Document group", id="document_group"),
        Binding("escape,w", "close", "Today", id="close"),
    ]
    AUTO_FOCUS = "#week-table"

    def __init__(self, day: date) -> None:
        super().__init__()
        self.monday = monday_of(day)
        self.week: Week | None = None
        self._column = day.weekday()

    @property
    def tplan(self) -> TplanApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield TopBar("week", id="top-bar")
        yield Static(LEGEND, id="week-legend")
        table = WeekTable(id="week-table", cursor_type="cell", zebra_stripes=False)
        yield table
        yield KeyFooter(compact=False, show_command_palette=True)

    def on_mount(self) -> None:
        self.watch(self.app, "privacy", lambda _on: self._show_again(), init=False)
        self.load()

    def load(self) -> None:
        self.query_one(TopBar).set_right(f"week of {day_text(self.monday)} · loading…")
        self._compute(self.monday)

    @work(thread=True, exclusive=True, group=WEEK_GROUP, exit_on_error=False)
    def _compute(self, monday: date) -> Week:
        return self.tplan.workspace.week(monday)

    @on(Worker.StateChanged)
    def _computed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != WEEK_GROUP or event.worker.node is not self:
            return
        if event.state == WorkerState.SUCCESS:
            week = event.worker.result
            if week.monday == self.monday:
                self.show(week)
        elif event.state == WorkerState.ERROR:
            self.notify("The week could not be computed.", severity="error")

    def _show_again(self) -> None:
        if self.week is not None:
            self.show(self.week)

    def on_resize(self) -> None:
        self._show_again()

    def show(self, week: Week) -> None:
        self.week = week
        today = self.tplan.today()
        count = sum(len(d.sessions) for d in week.days)
        self.query_one(TopBar).set_right(
            f"week of {day_text(week.monday)} {week.monday.year} · {count} sessions"
        )
        table = self.query_one(WeekTable)
        keep_row = table.cursor_row
        table.clear(columns=True)
        width = column_width(self.app.size.width)
        for day in week.days:
            label = day_text(day.on) + (" •" if day.on == today else "")
            table.add_column(Text(label), width=width)
        rows = max((len(d.sessions) for d in week.days), default=0)
        for row in range(rows):
            cells = [
                cell_lines(d.sessions[row], width, today, self.tplan.private)
                if row < len(d.sessions)
                else Text("")
                for d in week.days
            ]
            table.add_row(*cells, height=3)
        if not rows:
            table.add_row(*[Text("no sessions") if n == 0 else Text("") for n in range(7)])
        table.move_cursor(row=min(keep_row, max(rows - 1, 0)), column=self._column)

    def session_at(self, row: int, column: int) -> AgendaSession | None:
        if self.week is None or not 0 <= column < len(self.week.days):
            return None
        sessions = self.week.days[column].sessions
        return sessions[row] if 0 <= row < len(sessions) else None

    # --- keys -------------------------------------------------------------------------

    def action_week(self, step: int) -> None:
        self.move_week(step, column=self.query_one(WeekTable).cursor_column)

    def move_week(self, step: int, column: int) -> None:
        self.monday += timedelta(weeks=step)
        self._column = column
        self.load()

    @on(DataTable.CellHighlighted)
    def _highlighted(self, event: DataTable.CellHighlighted[Text]) -> None:
        self._column = event.coordinate.column

    @on(DataTable.CellSelected)
    def _selected(self, event: DataTable.CellSelected[Text]) -> None:
        self._open(event.coordinate.row, event.coordinate.column)

    def action_attendance(self) -> None:
        table = self.query_one(WeekTable)
        self._open(table.cursor_row, table.cursor_column)

    def action_document_group(self) -> None:
        """The group session screen, as ``g`` on a Today line."""
        from tplan.ui.screens.group_session import open_group_session

        table = self.query_one(WeekTable)
        item = self.session_at(table.cursor_row, table.cursor_column)
        if item is None:
            return
        if item.group_id is None:
            self.notify("Not a group session: n on the patient writes its note.", timeout=3)
            return
        open_group_session(self.tplan, item.key)

    def _open(self, row: int, column: int) -> None:
        item = self.session_at(row, column)
        if item is None:
            return
        open_attendance(self.tplan, item.key, item.title)

    def on_screen_resume(self) -> None:
        """Back from the attendance form: the counts change."""
        if self.week is not None:
            self.load()

    def action_close(self) -> None:
        self.dismiss()
