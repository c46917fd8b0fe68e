"""The start screen: one line per patient, filter as you type, sort, quick filters."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from tplan.services.caseload_summary import read_summary
from tplan.ui.compat import RestylesOnlyWhenStale
from tplan.ui.read_only import editing
from tplan.ui.widgets.caseload_lines import (
    line_from_row,
    line_from_summary,
    lines_from_rows,
    loading_line,
)
from tplan.ui.widgets.caseload_model import (
    HIGH_FIRST,
    SORTABLE,
    CaseloadLine,
    QuickFilter,
    counts,
    select,
    sort_lines,
)
from tplan.ui.widgets.caseload_table import CaseloadTable
from tplan.ui.widgets.filter_input import FilterInput
from tplan.ui.widgets.footer import KeyFooter
from tplan.ui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from tplan.domain import Patient
    from tplan.ui.app import TplanApp

QUICK_ORDER: tuple[QuickFilter, ...] = tuple(QuickFilter)
NO_PATIENTS = (
    "No patients yet. Press a to admit one, or add them from a file with "
    "`tplan import FILE` (try `tplan demo` to explore)."
)


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    patient_id: str
    name: str
    initials: str
    active: bool


class CaseloadScreen(RestylesOnlyWhenStale, Screen[None]):
    """What a counselor opens every morning."""

    HELP_TITLE = "Caseload"
    HELP_LEGEND: ClassVar[tuple[tuple[str, str], ...]] = (
        ("!", "an alert: the line under the table and the Alerts column say which"),
        ("!!", "a safety alert (PHQ-9 item 9, an imminent risk, an overdose): review today"),
        ("Days", "days at the current level / days in the program"),
        ("Att30", "attendance over 30 days: attended of counted (excused not counted)"),
        ("Crav", "latest craving rating, 0-10"),
        ("PHQ9", "latest PHQ-9 total (15+ marked)"),
        ("Review", "plan review due: in N d, or OVERDUE N d"),
        ("Suggest", "▲▲ step up · ▲ intensify · = continue · ↘ taper · ▼ step down"),
        ("▲ ▼", "in a column title: the sort and its direction (s sorts, S reverses)"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        # priority, as `n` below: keys typed right after `/` are dispatched after it, into the
        # filter, instead of overtaking it (a priority `n` in "/fen" opened a note form)
        Binding("slash", "filter", "Filter", id="filter", priority=True),
        Binding("s", "sort", "Sort", id="sort"),
        Binding("S", "reverse_sort", "Reverse sort", show=False),
        Binding("f", "quick", "Quick filter", id="quick"),
        Binding("F", "quick(-1)", "Previous quick filter", show=False),
        # priority: the form opens before the next key is dispatched, so the keys typed right
        # after `n` reach the form's first field, not this screen
        Binding("n", "note", "Note", id="note", priority=True),
        Binding("a", "admit", "Admit", id="admit"),
        Binding("G", "group", "Group", id="group"),
        Binding("C", "cosign", "To co-sign", show=False, id="cosign"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.all_lines: list[CaseloadLine] = []
        self.sort_key = "name"
        self.sort_reverse = False
        self.quick = QuickFilter.ALL
        self.painted = False
        """The rows stored with the patients' last saves are shown (``paint_summaries``)."""
        self.loaded = False
        """The engine's rows are shown (before that, the summaries the store kept)."""
        self.discharged_loaded = False
        """Discharged rows are computed only when asked for (their quick filter)."""
        self.discharged_stored = 0
        """Discharged patients in the file when the caseload was read (counted, not read)."""
        self._discharged_names: dict[str, str] = {}
        self._loading_discharged = False
        self._sorted: list[CaseloadLine] = []
        self._tally: dict[QuickFilter, int] = counts([])
        self._bar = ""

    @property
    def tplan(self) -> TplanApp:
        return self.app  # type: ignore[return-value]

    # --- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TopBar("caseload", id="top-bar")
        with Horizontal(id="filter-bar"):
            yield FilterInput(placeholder="/ filter name, level…", id="filter")
            yield Static(id="quick-filters")
        yield CaseloadTable(id="caseload")
        yield Static(id="explain")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "privacy", self._privacy_changed)
        self.query_one(CaseloadTable).focus()
        self.query_one("#explain", Static).update(Text("Loading the caseload…"))
        self.paint_summaries()
        self.call_after_refresh(self.load)  # the engine's rows once the stored ones are painted

    # --- loading -----------------------------------------------------------------------

    def paint_summaries(self) -> None:
        """The first paint: each active patient's row as stored with their last save (read
        without the domain), or their name and "loading…" when none is stored."""
        store = self.tplan.store
        today = self.tplan.today()
        stored = store.caseload_summaries()
        summaries = {pid: read_summary(data) for pid, data in stored.items()}
        missing = [pid for pid, summary in summaries.items() if summary is None]
        names = store.stored_names(missing) if missing else {}
        self.all_lines = [
            line_from_summary(summary, today)
            if summary is not None
            else loading_line(pid, names.get(pid, pid))
            for pid, summary in summaries.items()
        ]
        self.discharged_stored = len(store.discharged_ids())
        self.painted = True
        self._resort()
        self.apply()

    @work(thread=True, exclusive=True, group="caseload-load")
    def load(self) -> None:
        """Compute the active patients' rows (the engine runs per patient) off the event loop,
        building the workspace first if no one has; the summaries that changed are kept for
        the next start.

        Discharged records are only counted and named here (raw documents, no validation):
        their rows wait for :meth:`load_discharged`.
        """
        app = self.tplan
        today = app.today()
        ws = app.workspace_in_thread()
        if ws is None:  # the app is ending with the reason
            return
        summaries = ws.refresh_caseload_summaries(today)
        lines = [
            line_from_summary(summary, today)
            for summary in map(read_summary, summaries.values())
            if summary is not None
        ]
        names = ws.discharged_names()
        app.call_from_thread(self._counted, names)
        app.call_from_thread(self._loaded, lines)
        import tplan.ui.forms.note_form  # noqa: F401  the day's most frequent key opens it: `n`

    def _counted(self, names: dict[str, str]) -> None:
        self._discharged_names = names
        self.discharged_stored = len(names)

    def _loaded(self, lines: list[CaseloadLine]) -> None:
        self.all_lines = lines
        self.loaded = True
        self.tplan.refresh_damaged()  # an active record that does not load is found now
        self._resort()
        self.apply()
        self._explain(self.table.current)  # the same row, its computed explanation

    def want_discharged(self) -> None:
        """Compute the discharged rows unless done or under way (the first time they show)."""
        if not (self.discharged_loaded or self._loading_discharged):
            self._loading_discharged = True
            self.load_discharged()

    @work(thread=True, exclusive=True, group="caseload-discharged")
    def load_discharged(self) -> None:
        """Validate the discharged records and compute their rows, off the event loop."""
        app = self.tplan
        lines = lines_from_rows(app.workspace.discharged_caseload(app.today()))
        app.call_from_thread(self._add_discharged, lines)

    def _add_discharged(self, lines: list[CaseloadLine]) -> None:
        # A patient discharged while this ran already has their (refreshed) row: keep it.
        known = {line.patient_id for line in self.all_lines}
        self.all_lines = [*self.all_lines, *(ln for ln in lines if ln.patient_id not in known)]
        self.discharged_loaded = True
        self._loading_discharged = False
        self.tplan.refresh_damaged()
        self._resort()
        self.apply()

    def refresh_patient(self, patient_id: str) -> None:
        """Recompute one patient's row after a form saved (the badge updates at once)."""
        self._refresh_one(patient_id)

    @work(thread=True, group="caseload-row")
    def _refresh_one(self, patient_id: str) -> None:
        app = self.tplan
        today = app.today()
        line = line_from_row(app.workspace.caseload_row(patient_id, today))
        app.call_from_thread(self._replace_line, line)

    def _replace_line(self, line: CaseloadLine) -> None:
        replaced = False
        for index, old in enumerate(self.all_lines):
            if old.patient_id == line.patient_id:
                self.all_lines[index] = line
                replaced = True
        if not replaced:
            self.all_lines.append(line)
        self._resort()
        self.apply(keep=None if replaced else line.patient_id)

    def patient_directory(self) -> Iterator[DirectoryEntry]:
        for line in self._sorted or self.all_lines:
            yield DirectoryEntry(line.patient_id, line.name, line.initials, line.active)
        if not self.discharged_loaded:
            # Not read yet: their stored names are enough to jump to them.
            from tplan.domain.patient import initials_of

            known = {line.patient_id for line in self.all_lines}
            for pid, name in self._discharged_names.items():
                if pid not in known:
                    yield DirectoryEntry(pid, name, initials_of(name), False)

    # --- filtering and sorting ---------------------------------------------------------

    @property
    def table(self) -> CaseloadTable:
        return self.query_one(CaseloadTable)

    def _resort(self) -> None:
        self._tally = counts(self.all_lines, self.tplan.me)
        if not self.discharged_loaded:
            # Rows discharged here since the start are in all_lines and not in the count.
            self._tally[QuickFilter.DISCHARGED] += self.discharged_stored
        self._sorted = sort_lines(self.all_lines, self.sort_key, self.sort_reverse)
        table = self.table
        table.sort_key = self.sort_key
        table.sort_reverse = self.sort_reverse

    def apply(self, keep: str | None = None) -> None:
        """Show the rows that pass the typed filter and the quick filter."""
        query = self.query_one("#filter", Input).value
        shown = select(self._sorted, query, self.quick, self.tplan.me, self.tplan.privacy)
        self.table.set_lines(shown, keep=keep)
        self._update_bars(shown)

    def _update_bars(self, shown: list[CaseloadLine]) -> None:
        tally = self._tally
        parts: list[Content] = []
        for quick in QUICK_ORDER:
            if quick is not QuickFilter.ALL and not tally[quick] and quick is not self.quick:
                continue
            label = f"{quick.value} {tally[quick]}"
            if quick is self.quick:
                label = f"[{label}]"
            style = "bold reverse" if quick is self.quick else ""
            parts.append(
                Content(label).stylize(style).stylize(f"@click=screen.set_quick('{quick.value}')")
                if style
                else Content(label).stylize(f"@click=screen.set_quick('{quick.value}')")
            )
        bar_widget = self.query_one("#quick-filters", Static)
        room = bar_widget.content_region.width or 200
        active = next(i for i, part in enumerate(parts) if part.plain.startswith("["))
        first = 0
        # On a narrow terminal drop filters from the left until the active one shows.
        while first < active and sum(p.cell_length + 3 for p in parts[first : active + 1]) > room:
            first += 1
        # ... and from the right those that would be cut mid-word ("step" of "step-up 2").
        def cells(end: int) -> int:  # the bar from ``first`` to ``end``, " · …" if cut
            shown = parts[first:end]
            cut = 4 if end < len(parts) else 0
            return sum(p.cell_length for p in shown) + 3 * (len(shown) - 1) + cut + 2 * bool(first)

        last = len(parts)
        while last > active + 1 and cells(last) > room:
            last -= 1
        bar = Content(" · ").join(parts[first:last])
        if first:
            bar = Content.assemble("… ", bar)
        if last < len(parts):
            bar = Content.assemble(bar, " · …")
        if bar.markup != self._bar:  # unchanged while typing: skip the repaint
            self._bar = bar.markup
            bar_widget.update(bar, layout=False)
        today = self.tplan.today()
        active = tally[QuickFilter.ALL]
        summary = f"{today:%a %d %b} · {active} active · {tally[QuickFilter.OVERDUE]} overdue"
        if len(shown) != active:
            summary += f" · {len(shown)} shown"
        self.query_one(TopBar).set_right(summary)
        if not shown:
            self._explain(None)

    def on_resize(self) -> None:
        if self.loaded:
            self._bar = ""
            self._update_bars(list(self.table.lines))

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        if self.focused is field:
            raise SkipAction  # `/` typed in the filter is text
        # focused now, not after the queued messages (``Widget.focus`` defers)
        self.set_focus(field)

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self.apply()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.table.focus()

    def on_key(self, event: Any) -> None:
        if event.key == "down" and self.focused is self.query_one("#filter", Input):
            event.stop()
            self.table.focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        if self.focused is field:
            self.table.focus()
        elif field.value:
            field.value = ""
        elif self.quick is not QuickFilter.ALL:
            self.set_quick(QuickFilter.ALL.value)

    def action_sort(self) -> None:
        index = SORTABLE.index(self.sort_key) if self.sort_key in SORTABLE else -1
        self.sort_by(SORTABLE[(index + 1) % len(SORTABLE)])

    def action_reverse_sort(self) -> None:
        self.sort_by(self.sort_key, not self.sort_reverse)

    def sort_by(self, key: str, reverse: bool | None = None) -> None:
        """Sort by a column; its first sort starts with what needs attention (HIGH_FIRST).
        The table's header shows the column and direction, so no toast covers the rows."""
        self.sort_key = key
        self.sort_reverse = key in HIGH_FIRST if reverse is None else reverse
        self._resort()
        self.apply()

    @on(CaseloadTable.SortRequested)
    def _header_clicked(self, event: CaseloadTable.SortRequested) -> None:
        reverse = not self.sort_reverse if event.key == self.sort_key else False
        self.sort_by(event.key, reverse)

    def action_quick(self, step: int = 1) -> None:
        index = QUICK_ORDER.index(self.quick)
        self.set_quick(QUICK_ORDER[(index + step) % len(QUICK_ORDER)].value)

    def set_quick(self, value: str) -> None:
        self.quick = QuickFilter(value)
        if self.quick is QuickFilter.DISCHARGED:
            self.want_discharged()
        self.apply()

    def action_set_quick(self, value: str) -> None:
        self.set_quick(value)

    def _privacy_changed(self, privacy: bool) -> None:
        self.table.privacy = privacy
        self._explain(self.table.current)
        if self.query_one("#filter", Input).value:
            self.apply()

    # --- the focused row ---------------------------------------------------------------

    @on(CaseloadTable.Highlighted)
    def _highlighted(self, event: CaseloadTable.Highlighted) -> None:
        self._explain(event.line)

    def _explain(self, line: CaseloadLine | None) -> None:
        explain = self.query_one("#explain", Static)
        if line is None:
            explain.update(Text(self._nothing_shown()), layout=False)
            return
        text = Text()
        text.append(line.display_name(self.tplan.privacy), style="bold")
        text.append(": ")
        text.append(line.explanation or "no suggestion")
        explain.update(text, layout=False)  # fixed height: no layout pass per keystroke

    def _nothing_shown(self) -> str:
        """Why the table is empty and what to do about it."""
        if self.painted and not self.all_lines and not self.discharged_stored:
            return NO_PATIENTS  # nothing stored: no need to wait for the engine to say so
        if not self.loaded:
            return "Loading…"
        if self.quick is QuickFilter.DISCHARGED and not self.discharged_loaded:
            return "Loading discharged patients…"
        if not self.all_lines and not self.discharged_stored:
            return NO_PATIENTS
        if self.query_one("#filter", Input).value:
            return "No patient matches the filter. Press escape to clear it."
        if self.quick is not QuickFilter.ALL:
            return f"No patient matches the quick filter “{self.quick.value}”. Escape shows all."
        return "No active patients. Press a to admit one; f cycles to the discharged ones."

    @on(CaseloadTable.Opened)
    def _opened(self, event: CaseloadTable.Opened) -> None:
        self.tplan.open_patient(event.line.patient_id)

    def action_group(self) -> None:
        """Document today's group session (tplan.ui.screens.group_session)."""
        from tplan.ui.screens.group_session import document_todays_group

        document_todays_group(self.tplan)

    def action_note(self) -> None:
        if isinstance(self.focused, Input):
            raise SkipAction  # `n` typed in the filter is text
        self._note()

    @editing
    def _note(self) -> None:
        line = self.table.current
        if line is None or not line.active:
            self.notify("Choose an active patient first.", severity="warning")
            return
        from tplan.ui.forms import NoteForm

        self._push_form(NoteForm(self.tplan.workspace, line.patient_id), line.patient_id)

    @editing
    def action_admit(self) -> None:
        from tplan.ui.forms import AdmitForm

        def admitted(patient: Patient | None) -> None:
            if patient is not None:
                self.query_one("#filter", Input).value = ""
                self.tplan.caseload_changed(patient.id)
                self.notify(f"Admitted {self.tplan.person_name(patient)}.", markup=False)

        self.app.push_screen(AdmitForm(self.tplan.workspace), admitted)

    def _push_form(self, form: Screen[Any], patient_id: str) -> None:
        def done(result: Any) -> None:
            if result is not None:
                self.tplan.caseload_changed(patient_id)

        self.app.push_screen(form, done)

    def _choose_group(self) -> None:
        from tplan.ui.screens.group_session import choose_group_session

        choose_group_session(self.tplan)

    def action_cosign(self) -> None:
        """Supervisors: the notes waiting for co-signature; counselors: notes returned to them."""
        from tplan.ui.screens.cosign import CosignScreen

        self.app.push_screen(CosignScreen())

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Admit a patient", "New episode of care (a)", self.action_admit)
        yield SystemCommand(
            "Notes to co-sign / returned to me",
            "Supervisors co-sign or return notes; counselors see returned ones (C)",
            self.action_cosign,
        )
        yield SystemCommand(
            "Note for highlighted patient", "New progress note (n)", self.action_note
        )
        yield SystemCommand("Document a group", "A group's latest session", self._choose_group)
        for quick in QUICK_ORDER:
            yield SystemCommand(
                f"Show: {quick.value}",
                "Quick filter of the caseload (f)",
                lambda value=quick.value: self.set_quick(value),
            )
        for key in SORTABLE:
            yield SystemCommand(
                f"Sort by {key.replace('_', ' ')}",
                "Sort the caseload (s)",
                lambda key=key: self.sort_by(key),
            )
