"""Today: the day's sessions in time order and the counselor's worklist (SCREENS.md sketch).

The agenda is computed by the workspace in a thread worker: the day's sessions first (cheap:
one day's schedule), painted with a "loading" line under To do, then the worklist (every
active patient's month of sessions, notes and safety signals). ``enter`` on a session records its
attendance; on a work item it opens the form that clears it (attendance, a note, the draft,
the review, the decision panel, or the patient for a safety alert). ``c`` goes to the caseload,
``w`` shows the week (``tplan.ui.screens.week``). A supervisor's notes to co-sign, or a
counselor's notes a supervisor returned, are a section of their own (shown when there are
any); ``enter`` on one opens it in the co-signature list (``tplan.ui.screens.cosign``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from tplan.ui.compat import RestylesOnlyWhenStale
from tplan.ui.widgets.footer import KeyFooter
from tplan.ui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date

    from tplan.services import Agenda, AgendaSession, SessionKey, WaitingNote, WorkItem
    from tplan.ui.app import TplanApp

# The services' agenda (and so the domain) loads with the workspace, in the agenda's worker:
# the screen paints its frame first.
literal = Content
"""User text as content that is never read as markup (``tplan.ui.forms.fields.literal``,
whose package would load every form)."""


def day_text(on: date) -> str:
    from tplan.services.agenda import day_text

    return day_text(on)

WORK_SYMBOLS = {
    "safety": "!!",
    "attendance_not_recorded": "! ",
    "no_note": "✎ ",
    "old_draft": "✎ ",
    "review_due": "⏰",
    "deferred_decision": "? ",
}
AGENDA_GROUP = "today-agenda"


STATE_WIDTH = 30
"""Room kept at least for the state ("attendance 7/9  notes 0/7") so the columns line up."""


def session_state(item: AgendaSession) -> str:
    """``attendance 7/9  notes 1/7 (0 signed)``, or ``cancelled``."""
    if item.cancelled:
        return "cancelled"
    recorded = "✔" if item.attendance_done else f"{item.recorded}/{len(item.roster)}"
    state = f"attendance {recorded}"
    if item.attended:
        state += f"  notes {item.notes_written}/{item.attended}"
        if item.notes_written:
            state += f" ({item.notes_signed} signed)"
    return state


def session_line(
    item: AgendaSession,
    width: int,
    shown: Callable[[str], str] = str,
    state_width: int = STATE_WIDTH,
) -> str:
    """``18:00-21:00  Evening relapse prevention   9  attendance 7/9  notes 0/7``; ``shown``
    turns the title into what the screen may show (privacy) before it is fitted; the title
    gives way to ``state_width`` (the longest state of the day's lines), never the state."""
    when = f"{item.start:%H:%M}-{item.end:%H:%M}"
    room = max(12, width - len(when) - max(STATE_WIDTH, state_width) - 10)
    return f"{when}  {fit(shown(item.title), room):<{room}} {len(item.roster):>2}  " + (
        session_state(item)
    )


def waiting_line(item: WaitingNote, privacy: bool, name_width: int = 0) -> str:
    """``Avery Quill  Thu 12 Mar · group · signed by T. Nguyen`` (a returned note: the
    supervisor and the start of the comment instead)."""
    note = item.note
    name = item.initials if privacy else item.display_name
    head = f"{name:<{name_width}}  {note.date_of_service:%a %d %b}"
    if note.returned_to_author and note.returns:
        last = note.returns[-1]
        return f"{head} · returned by {last.by}: {' '.join(last.comment.split())}"
    return f"{head} · {note.session_type.value} · signed by {note.signed_by}"




def fit(text: str, width: int) -> str:
    """One line of at most ``width`` characters (an ellipsis marks the cut)."""
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def open_attendance(app: TplanApp, key: SessionKey, title: str) -> None:
    """The attendance form of a session (made from its schedule if nothing is stored yet)."""
    from tplan.ui.forms.attendance_form import AttendanceForm

    if app.read_only:
        from tplan.ui.read_only import READ_ONLY_MESSAGE

        app.notify(READ_ONLY_MESSAGE, severity="warning")
        return
    app.push_screen(AttendanceForm(app.workspace, app.workspace.session(key), title))


class TodayScreen(RestylesOnlyWhenStale, Screen[None]):
    """The start screen: what today holds and what is left to do."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "attendance", "Attendance", id="attendance"),
        Binding("g", "document_group", "Document group", id="document_group"),
        Binding("c", "caseload", "Caseload", id="caseload"),
        Binding("w", "week", "Week", id="week"),
        Binding("r", "refresh", "Refresh", show=False),
        Binding("C", "cosign", "To co-sign", show=False, id="cosign"),
    ]
    AUTO_FOCUS = "#sessions"

    def __init__(self) -> None:
        super().__init__()
        self.agenda: Agenda | None = None
        self.sessions: tuple[AgendaSession, ...] = ()
        """The day's sessions as shown (before the whole agenda, too)."""
        self.to_cosign = 0
        """Notes waiting for this supervisor's co-signature (0 for a counselor)."""
        self.waiting: list[WaitingNote] = []
        """A supervisor's notes to co-sign, or a counselor's returned notes."""

    @property
    def tplan(self) -> TplanApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield TopBar("today", id="top-bar")
        yield Static("Sessions", classes="today-heading")
        yield OptionList(id="sessions")
        yield Static("To co-sign", id="cosign-heading", classes="today-heading")
        yield OptionList(id="cosign")
        yield Static("To do", classes="today-heading")
        yield OptionList(id="todo")
        yield KeyFooter(compact=False, show_command_palette=True)

    def on_mount(self) -> None:
        self.watch(self.app, "privacy", self._privacy_changed, init=False)
        self.load()

    def _privacy_changed(self, _privacy: bool) -> None:
        if self.agenda is not None:
            self.show(self.agenda)

    def load(self) -> None:
        self._compute()

    @work(thread=True, exclusive=True, group=AGENDA_GROUP, exit_on_error=False)
    def _compute(self) -> Agenda | None:
        workspace = self.tplan.workspace_in_thread()
        if workspace is None:  # the app is ending with the reason
            return None
        on = self.tplan.today()
        if self.agenda is None:
            self.app.call_from_thread(self.show_sessions, workspace.day_sessions(on))
        agenda = workspace.agenda(on)
        self.waiting = workspace.waiting_on_me()
        self.to_cosign = len(self.waiting) if workspace.is_supervisor else 0
        return agenda

    @on(Worker.StateChanged)
    def _computed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != AGENDA_GROUP or event.worker.node is not self:
            return
        if event.state == WorkerState.SUCCESS and event.worker.result is not None:
            self.tplan.refresh_damaged()  # an active record that does not load is found now
            self.show(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self.notify("The agenda could not be computed.", severity="error")

    def show_sessions(self, found: tuple[AgendaSession, ...]) -> None:
        """The day's sessions, while the worklist is still being computed."""
        if self.agenda is not None:
            return
        self._show_sessions(found)
        self.query_one(TopBar).set_right(f"{day_text(self.tplan.today())} · loading…")
        todo_list = self.query_one("#todo", OptionList)
        todo_list.clear_options()
        todo_list.add_option(Option(literal("loading the worklist…"), disabled=True))

    def _show_sessions(self, found: tuple[AgendaSession, ...]) -> None:
        self.sessions = found
        width = self.app.size.width
        state_width = max((len(session_state(s)) for s in found), default=0)
        lines = [session_line(s, width, self.tplan.private, state_width) for s in found]
        self._fill("#sessions", "s", lines, self._no_sessions)

    def _fill(self, selector: str, prefix: str, lines: list[str], empty: Callable[[], str]) -> None:
        """Replace a list's lines, keeping the highlighted line where it was (``empty()`` says
        why there are none)."""
        listing = self.query_one(selector, OptionList)
        kept = listing.highlighted
        listing.clear_options()
        listing.add_options(
            [Option(literal(line), id=f"{prefix}{n}") for n, line in enumerate(lines)]
            or [Option(literal(empty()), disabled=True)]
        )
        if lines:
            listing.highlighted = min(kept or 0, len(lines) - 1)

    def _no_sessions(self) -> str:
        """An empty day, or a program with no groups yet: then say how to make one."""
        if self.tplan.workspace.groups():
            return "no sessions today"
        return "no treatment groups yet: ctrl+p, then New treatment group"

    def _nothing_to_do(self) -> str:
        """Nothing due, or nobody in care yet: then say how to start."""
        if self.tplan.workspace.active_count():
            return "nothing to do"
        return "no patients yet: c for the caseload, then a to admit (or tplan import FILE)"

    def show(self, agenda: Agenda) -> None:
        self.agenda = agenda
        width = self.app.size.width
        summary = f"{day_text(agenda.on)} · {agenda.clinician} · {len(agenda.worklist)} to do"
        if self.to_cosign:
            summary += f" · {self.to_cosign} to co-sign (C)"
        self.query_one(TopBar).set_right(summary)
        self._show_sessions(agenda.sessions)
        self._show_waiting(width)
        work = [
            fit(f"{WORK_SYMBOLS.get(w.kind, '  ')} {self.tplan.private(w.text)}", width - 4)
            for w in agenda.worklist
        ]
        self._fill("#todo", "w", work, self._nothing_to_do)

    def _show_waiting(self, width: int) -> None:
        """The co-signature section: hidden while nothing waits."""
        supervising = bool(self.to_cosign)
        heading = "To co-sign" if supervising else "Returned to you"
        self.query_one("#cosign-heading", Static).update(f"{heading} ({len(self.waiting)})")
        listing = self.query_one("#cosign", OptionList)
        kept = listing.highlighted
        listing.clear_options()
        privacy = bool(self.tplan.privacy)
        names = max((len(w.initials if privacy else w.display_name) for w in self.waiting),
                    default=0)
        # a return comment is free text that may name the patient or their family
        lines = [fit(self.tplan.private(waiting_line(w, privacy, names)), width - 4)
                 for w in self.waiting]
        listing.add_options([Option(literal(line), id=f"c{n}") for n, line in enumerate(lines)])
        if lines:
            listing.highlighted = min(kept or 0, len(lines) - 1)
        self.set_class(bool(lines), "-waiting")

    def on_resize(self) -> None:
        if self.agenda is not None:
            self.show(self.agenda)

    # --- opening what clears a line -----------------------------------------------------

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        if not option_id:
            return
        index = int(option_id[1:])
        if option_id.startswith("s"):
            item = self.sessions[index]
            self.open_attendance(item.key, item.title)
        elif option_id.startswith("c"):
            self.open_waiting(self.waiting[index])
        elif self.agenda is not None:
            self.open_work(self.agenda.worklist[index])

    def action_attendance(self) -> None:
        sessions = self.query_one("#sessions", OptionList)
        if sessions.highlighted is None or not self.sessions:
            return
        item = self.sessions[sessions.highlighted]
        self.open_attendance(item.key, item.title)

    def action_document_group(self) -> None:
        """The group session screen for the highlighted group session."""
        from tplan.ui.screens.group_session import open_group_session

        sessions = self.query_one("#sessions", OptionList)
        if self.agenda is None or sessions.highlighted is None or not self.agenda.sessions:
            return
        item = self.agenda.sessions[sessions.highlighted]
        if item.group_id is None:
            self.notify("Not a group session: n on the patient writes its note.", timeout=3)
            return
        open_group_session(self.tplan, item.key)

    def open_attendance(self, key: SessionKey, title: str) -> None:
        open_attendance(self.tplan, key, title)

    def open_work(self, item: WorkItem) -> None:
        from tplan.ui.forms import decision_panel, episode_forms, note_form

        ws = self.tplan.workspace
        if item.kind == "attendance_not_recorded" and item.session is not None:
            self.open_attendance(item.session, item.label)
        elif item.kind == "no_note" and item.group_id and item.session is not None:
            from tplan.ui.screens.group_session import open_group_session

            open_group_session(self.tplan, item.session)
        elif item.kind == "no_note" and (item.patient_id or item.patients):
            self._push(note_form.NoteForm(ws, item.patient_id or item.patients[0]))
        elif item.kind == "old_draft" and item.patient_id:
            self._push(note_form.NoteForm(ws, item.patient_id, item.note_id))
        elif item.kind == "review_due" and item.patient_id:
            self._push(episode_forms.ReviewForm(ws, item.patient_id))
        elif item.kind == "deferred_decision" and item.patient_id:
            self._push(decision_panel.DecisionPanel(ws, item.patient_id))
        elif item.patient_id:
            self.tplan.open_patient(item.patient_id)
        else:
            self.notify("Open the session's members from the caseload.", timeout=3)

    def _push(self, form: Screen[Any]) -> None:
        def done(result: Any) -> None:
            patient_id = getattr(form, "patient_id", None)
            if result is not None and patient_id:
                self.tplan.caseload_changed(patient_id)

        self.app.push_screen(form, done)

    # --- elsewhere ----------------------------------------------------------------------

    def action_caseload(self) -> None:
        from tplan.ui.screens.caseload import CaseloadScreen

        self.tplan.show_screen(CaseloadScreen)

    def action_cosign(self) -> None:
        """Supervisors: the notes waiting for co-signature; counselors: notes returned to them."""
        from tplan.ui.screens.cosign import CosignScreen

        self.app.push_screen(CosignScreen())

    def open_waiting(self, item: WaitingNote) -> None:
        """The co-signature list on this note: co-sign or return it, or read the comment."""
        from tplan.ui.screens.cosign import CosignScreen

        self.app.push_screen(CosignScreen(item.note.id))

    def action_week(self) -> None:
        from tplan.ui.screens.week import WeekScreen

        self.app.push_screen(WeekScreen(self.tplan.today()))

    def action_refresh(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        """Back from a form: the line it cleared goes away."""
        if self.agenda is not None:
            self.load()

    def palette_commands(self) -> Iterable[SystemCommand]:
        from tplan.ui.forms.group_forms import GroupForm, GroupMembersForm

        ws = self.tplan.workspace
        yield SystemCommand("Caseload", "All patients (c)", self.action_caseload)
        yield SystemCommand("Week", "This week's sessions, days across (w)", self.action_week)
        yield SystemCommand("Record attendance", "For the highlighted session (t)",
                            self.action_attendance)
        yield SystemCommand("Document the group", "Group note of the highlighted session (g)",
                            self.action_document_group)
        yield SystemCommand("New treatment group", "Name, schedule, facilitators",
                            lambda: self._push(GroupForm(ws)))
        for group in ws.groups():
            # the palette reads a command's title as markup: no brackets from typed names
            name = group.name.replace("[", "(").replace("]", ")")
            yield SystemCommand(f"Edit group: {name}", "Details and weekly schedule",
                                lambda gid=group.id: self._push(GroupForm(ws, gid)))
            yield SystemCommand(f"Members: {name}", "Add a patient, or one who leaves",
                                lambda gid=group.id: self._push(GroupMembersForm(ws, gid)))
