"""One patient's plan: header, tabs for every part of the record, and every editing key."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from tplan.domain import ObjectiveStatus, Patient, Suggestion
from tplan.domain.privacy import name_pattern
from tplan.services.caseload import is_safety_flag, safety_decided_at
from tplan.services.caseload_summary import attendance_percent
from tplan.services.trends import craving_weeks
from tplan.ui.compat import RestylesOnlyWhenStale, SkipsFirstResize
from tplan.ui.read_only import editing
from tplan.ui.screens.record_kinds import BY_KIND, RECORD_KINDS
from tplan.ui.widgets.caseload_model import BADGES
from tplan.ui.widgets.footer import KeyFooter
from tplan.ui.widgets.history import audit_table, disclosure_table
from tplan.ui.widgets.patient_header import identity_line, status_line
from tplan.ui.widgets.privacy import mask_options, mask_renderable
from tplan.ui.widgets.record_lists import (
    ItemRef,
    RecordList,
    medication_options,
    next_status,
    note_options,
    plan_options,
    risk_options,
    short_date,
    snap_options,
    support_options,
    words,
    written_plan_options,
)
from tplan.ui.widgets.top_bar import TopBar
from tplan.ui.widgets.trends import WEEKS, spark, trends

if TYPE_CHECKING:
    from tplan.ui.app import TplanApp

TABS: tuple[tuple[str, str], ...] = (
    ("plan", "Plan"),
    ("snap", "Strengths"),
    ("risks", "Risks"),
    ("supports", "Supports"),
    ("notes", "Notes"),
    ("trends", "Trends"),
    ("decisions", "Levels"),
    ("written", "Relapse plan"),
)
"""Tab ids and labels: strengths & needs (SNAP), the record's history (levels, decisions,
reviews, disclosures and the audit trail), relapse-prevention and aftercare plans."""
FIRST_TAB = "plan"
"""The tab a plan opens on; it is composed with the screen, the others when first shown."""
SCROLLED_TABS = ("trends", "decisions")
"""Tabs showing one scrolled view rather than a list."""
REUSED_SCREEN = "patient-plan"
"""The name under which the app keeps its one patient screen, re-filled for each patient:
building the screen costs Textual several times what re-filling a mounted one does."""

NO_RISKS = Option(
    Text("No risks recorded — a adds one.", style="dim"), id="empty:risks:", disabled=True
)
ListContent = tuple[list[Option], str]
"""A list's lines and what it says when there are none."""


class PatientScreen(RestylesOnlyWhenStale, SkipsFirstResize, Screen[None]):
    """The plan of one patient; every form it opens saves through the workspace itself."""

    HELP_TITLE = "Patient plan"
    HELP_LEGEND: ClassVar[tuple[tuple[str, str], ...]] = (
        ("○ ◐ ✔ ✖", "objective not started · in progress · achieved · not achieved"),
        ("✔ signed / ✎ draft", "a note locked by its signature / still editable"),
        ("!!", "a safety alert: the suggestion is a same-day safety review"),
        ("F2", "privacy: every name on screen as initials"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="back"),
        *(
            # priority for the note: the form opens before the next key is dispatched (see
            # CaseloadScreen)
            Binding(
                k.key,
                f"add_kind('{k.kind}')",
                k.title,
                show=k.shown,
                id=k.kind,
                priority=k.kind == "note",
            )
            for k in RECORD_KINDS
            if k.key
        ),
        Binding("d", "decide", "Decide", id="decide"),
        Binding("r", "review", "Review", id="review"),
        Binding("l", "level", "Level", id="level"),
        Binding("e", "export", "Export", id="export"),
        Binding("x", "discharge", "Discharge", id="discharge"),
        Binding("a", "add", "Add to this tab", show=False),
        Binding("space", "cycle_status", "Choose the objective's status (saved today)", show=False),
        Binding("left_square_bracket", "tab(-1)", "Previous tab", show=False),
        Binding("right_square_bracket", "tab(1)", "Next tab", show=False),
    ]

    def __init__(self, patient_id: str) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.patient: Patient | None = None
        self.suggestion: Suggestion | None = None
        self.review_due: date | None = None
        self.saving = False
        self._built: set[str] = {FIRST_TAB}
        self._stale: set[str] = set()
        """Built tabs still showing the patient shown before (blanked; filled on first show)."""

    @property
    def tplan(self) -> TplanApp:
        return self.app  # type: ignore[return-value]

    # --- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Everything is filled before it is mounted: one layout and one paint when a plan opens.
        self._load()
        identity, status = self._header()
        yield TopBar("patient plan", id="top-bar", right=self._top_right())
        yield Static(identity, id="identity", markup=False)
        yield Static(status, id="status-line")
        with TabbedContent(id="tabs", initial=FIRST_TAB):
            for tab_id, label in TABS:
                with TabPane(label, id=tab_id):
                    if tab_id == FIRST_TAB:
                        yield from self._tab_widgets(tab_id)
        yield Static(self._summary(), id="summary")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "privacy", lambda _: self._render_all(), init=False)
        self.query_one("#plan-list", RecordList).focus()

    # --- data --------------------------------------------------------------------------

    def _load(self, patient: Patient | None = None) -> None:
        ws = self.tplan.workspace
        today = self.tplan.today()
        self.patient = patient if patient is not None else ws.patient(self.patient_id)
        self.suggestion = ws.suggest(self.patient_id, today) if self.patient.active else None
        self.review_due = _review_due(ws, self.patient, today)

    def reload(self, patient: Patient | None = None) -> None:
        """Read the record (or take the one a form returned) and redraw the built tabs.

        A record of another patient (a save that finished after this screen moved on) is
        ignored: the screen shows only the patient it is for."""
        if patient is not None and patient.id != self.patient_id:
            return
        self._load(patient)
        self._render_all()

    def show_patient(self, patient_id: str) -> None:
        """Re-fill this mounted screen with another patient, on the first tab.

        Only the first tab is drawn now; any other tab built for the patient before is
        blanked and drawn again when it is next shown."""
        if not self.is_mounted:  # composed later, for this patient
            self.patient_id = patient_id
            return
        self.patient_id = patient_id
        self._load()
        self._stale = self._built - {FIRST_TAB}
        for tab_id in self._stale:
            self._blank_tab(tab_id)
        if not self.on_first_tab:  # only while shown: see open_plan
            self.query_one(TabbedContent).active = FIRST_TAB
        self._render_all()
        plan = self._list("plan-list")
        plan.highlighted = 0 if plan.option_count else None
        plan.scroll_home(animate=False)
        plan.focus()

    @property
    def on_first_tab(self) -> bool:
        return self.query_one(TabbedContent).active == FIRST_TAB

    def _render_all(self) -> None:
        """Redraw the header, the summary and every tab built so far (the others on first show)."""
        self._render_header()
        for tab_id in self._built - self._stale:
            self._render_tab(tab_id)
        self.query_one("#summary", Static).update(self._summary())

    def _blank_tab(self, tab_id: str) -> None:
        pane = self.query_one(f"#{tab_id}", TabPane)
        for widget in pane.query(RecordList):
            widget.clear_options()
        for widget in pane.query(Static):
            widget.update("")

    def _tab_content(self, tab_id: str) -> dict[str, ListContent | RenderableType]:
        """What each widget of a tab shows, by widget id; in privacy mode every name the records
        know (this patient's and supports', the rest of the clinic's) shows as initials."""
        content = self._tab_content_shown(tab_id)
        if not self.tplan.privacy or self.patient is None:
            return content
        for pattern in (name_pattern(self.patient), self.tplan.name_mask()):
            content = {
                key: (mask_options(value[0], pattern), value[1])
                if isinstance(value, tuple)
                else mask_renderable(value, pattern)
                for key, value in content.items()
            }
        return content

    def _tab_content_shown(self, tab_id: str) -> dict[str, ListContent | RenderableType]:
        patient = self.patient
        assert patient is not None
        today = self.tplan.today()
        if tab_id == "plan":
            return {
                "plan-list": (plan_options(patient, today), "No problems yet — p adds a problem.")
            }
        if tab_id == "snap":
            return {"snap-list": (snap_options(patient), "No strengths or needs yet — a adds one.")}
        if tab_id == "risks":
            risks = risk_options(patient, today) or [NO_RISKS]
            return {"risk-list": ([*risks, *medication_options(patient, today)], "")}
        if tab_id == "supports":
            environment = Text.assemble(
                ("Recovery environment: ", "bold"), patient.recovery_environment or "not recorded"
            )
            supports = support_options(patient)
            return {
                "environment": environment,
                "support-list": (supports, "No supports yet — a adds a person, G a group."),
            }
        if tab_id == "notes":
            notes = note_options(patient.notes, today)
            return {"note-list": (notes, "No notes yet — n writes the first one.")}
        if tab_id == "trends":
            weeks = self.tplan.workspace.attendance_weeks(patient, WEEKS, today)
            return {"trends-view": trends(patient, today, weeks)}
        if tab_id == "decisions":
            # The record's history: levels, decisions, reviews, then disclosures and audit.
            audit = self.tplan.workspace.audit(self.patient_id)
            mismatch = self.tplan.workspace.schedule_mismatch(patient, today)
            history = Group(
                self._decisions(patient, today, mismatch),
                Text(""),
                disclosure_table(patient, today),
                Text(""),
                audit_table(audit, today),
            )
            return {"decisions-view": history}
        return {"written-list": (written_plan_options(patient, today), "")}

    def _tab_widgets(self, tab_id: str) -> list[Widget]:
        """A tab's widgets, already filled."""
        widgets: list[Widget] = []
        for widget_id, content in self._tab_content(tab_id).items():
            if isinstance(content, tuple):
                widgets.append(RecordList.filled(*content, id=widget_id))
            else:
                widgets.append(Static(content, id=widget_id, markup=False))
        if tab_id in SCROLLED_TABS:
            return [VerticalScroll(*widgets)]
        return widgets

    def _render_tab(self, tab_id: str) -> None:
        for widget_id, content in self._tab_content(tab_id).items():
            if isinstance(content, tuple):
                self._list(widget_id).show(*content)
            else:
                self.query_one(f"#{widget_id}", Static).update(content)

    async def build_tab(self, tab_id: str) -> None:
        """Mount a tab's widgets the first time it is shown (or fill a stale one)."""
        if tab_id in self._stale:
            self._stale.discard(tab_id)
            self._render_tab(tab_id)
            return
        if tab_id in self._built or self.patient is None:
            return
        self._built.add(tab_id)
        await self.query_one(f"#{tab_id}", TabPane).mount_all(self._tab_widgets(tab_id))

    def _header(self) -> tuple[RenderableType, RenderableType]:
        """The identity line and the status line (suggestion, review, discharge)."""
        assert self.patient is not None
        today = self.tplan.today()
        name = self.tplan.person_name(self.patient)
        self.sub_title = name
        return (
            identity_line(self.patient, name, today),
            status_line(
                self.suggestion,
                self.review_due,
                today,
                self.patient.discharge,
                safety_decided_at(self.patient, is_safety_flag(self.suggestion), today),
            ),
        )

    def _top_right(self) -> str:
        return f"{self.tplan.today():%a %d %b %Y}"

    def _render_header(self) -> None:
        if self.patient is None:
            return
        identity, status = self._header()
        self.query_one("#identity", Static).update(identity)
        self.query_one("#status-line", Static).update(status)
        self.query_one(TopBar).set_right(self._top_right())

    def _list(self, list_id: str) -> RecordList:
        return self.query_one(f"#{list_id}", RecordList)

    def _summary(self) -> RenderableType:
        patient = self.patient
        assert patient is not None
        today = self.tplan.today()
        rate = self.tplan.workspace.attendance_rate(patient, 28, today)
        percent = attendance_percent(rate.attended, rate.sessions)
        text = Text.assemble(("Craving ", "bold"), spark(craving_weeks(patient, today, 8), 10))
        text.append(" (8 wks)   ", style="dim")
        text.append("Attendance ", style="bold")
        text.append("no sessions" if percent is None else f"{percent}% (4 wks)")
        mismatch = self.tplan.workspace.schedule_mismatch(patient, today)
        if mismatch is not None:  # CLINICAL.md section 8: shown, not refused
            text.append("   Schedule ", style="bold")
            text.append(f"{mismatch} ≠", style="yellow")
        return text

    @staticmethod
    def _decisions(patient: Patient, today: date, mismatch: str | None) -> RenderableType:
        levels = Table(
            title="Level of care and schedule",
            title_justify="left",
            box=None,
            padding=(0, 1),
            caption=None if mismatch is None else f"Schedule ≠ level: {mismatch}",
            caption_justify="left",
        )
        for column in ("From", "Level", "Schedule", "Reason", "By"):
            levels.add_column(column, overflow="fold")
        for change in reversed(patient.level_history):
            levels.add_row(
                short_date(change.start, today),
                change.level.value,
                f"{change.days_per_week} d/wk {change.hours_per_week:g} h",
                Text(change.reason or "—"),
                Text(change.decided_by or "—"),
            )
        decisions = Table(title="Decisions", title_justify="left", box=None, padding=(0, 1))
        for column in ("When", "Suggestion", "Decision", "Rationale", "By"):
            decisions.add_column(column, overflow="fold")
        for decision in sorted(patient.decisions, key=lambda d: d.decided_at, reverse=True):
            decisions.add_row(
                short_date(decision.decided_at.date(), today),
                BADGES[decision.suggestion.kind],
                decision.outcome.value,
                Text(decision.rationale),
                Text(decision.decided_by),
            )
        if not patient.decisions:
            decisions.add_row("—", "no decisions recorded yet", "", "", "")
        reviews = Table(title="Plan reviews", title_justify="left", box=None, padding=(0, 1))
        for column in ("On", "Signed", "Summary"):
            reviews.add_column(column, overflow="fold")
        for review in sorted(patient.reviews, key=lambda r: r.on, reverse=True):
            signed = []
            if review.counselor_signature:
                signed.append("counselor")
            if review.patient_signature:
                signed.append("patient")
            reviews.add_row(
                short_date(review.on, today),
                " + ".join(signed) or "unsigned",
                Text(review.summary or "—"),
            )
        if not patient.reviews:
            reviews.add_row("—", "no reviews yet", "r records one")
        return Group(levels, Text(""), decisions, Text(""), reviews)

    # --- opening forms -----------------------------------------------------------------

    def open_form(self, form: Screen[Any], after: Callable[[Any], None] | None = None) -> None:
        """Push a form; when it returns an updated Patient, redraw and refresh the caseload."""

        patient_id = self.patient_id

        def done(result: Any) -> None:
            if result is not None:
                self.tplan.caseload_changed(patient_id)
                if patient_id == self.patient_id:  # else the screen shows another patient now
                    self.reload(result if isinstance(result, Patient) else None)
            if after is not None:
                after(result)

        self.app.push_screen(form, done)

    def _forms(self) -> Any:
        import tplan.ui.forms as forms

        return forms

    @property
    def ws(self) -> Any:
        return self.tplan.workspace

    def _current(self, list_id: str) -> ItemRef | None:
        return self._list(list_id).current

    def _plan_context(self) -> tuple[str | None, str | None, str | None]:
        """(problem id, goal id, objective id) around the highlighted plan line."""
        ref = self._current("plan-list")
        if ref is None or self.patient is None:
            return None, None, None
        problem_id = goal_id = objective_id = None
        if ref.kind == "problem":
            problem_id = ref.item_id
        elif ref.kind == "goal":
            goal_id, problem_id = ref.item_id, ref.parent_id
        elif ref.kind == "objective":
            objective_id, goal_id = ref.item_id, ref.parent_id
        elif ref.kind == "intervention":
            objective_id = ref.parent_id
        for problem in self.patient.problems:
            for goal in problem.goals:
                ids = [o.id for o in goal.objectives]
                if objective_id in ids:
                    goal_id = goal.id
                if goal.id == goal_id:
                    problem_id = problem.id
        return problem_id, goal_id, objective_id

    def action_back(self) -> None:
        self.app.pop_screen()

    @editing
    def action_goal(self) -> None:
        problem_id, _, _ = self._plan_context()
        if problem_id is None and self.patient is not None and self.patient.problems:
            problem_id = self.patient.problems[0].id
        if problem_id is None:
            self.notify("Add a problem first (p).", severity="warning")
            return
        self.open_form(self._forms().GoalForm(self.ws, self.patient_id, problem_id=problem_id))

    @editing
    def action_objective(self) -> None:
        _, goal_id, _ = self._plan_context()
        if goal_id is None and self.patient is not None:
            goal_id = next((g.id for g in self.patient.goals()), None)
        if goal_id is None:
            self.notify("Add a goal first (g).", severity="warning")
            return
        self.open_form(self._forms().ObjectiveForm(self.ws, self.patient_id, goal_id=goal_id))

    @editing
    def action_intervention(self) -> None:
        _, _, objective_id = self._plan_context()
        if objective_id is None:
            self.notify("Highlight an objective in the plan first.", severity="warning")
            return
        self.open_form(self._forms().InterventionForm(self.ws, self.patient_id, objective_id))

    @editing
    def action_individual_schedule(self) -> None:
        from tplan.ui.forms.group_forms import IndividualScheduleForm

        current = self.patient.individual_schedules if self.patient else []
        sid = next((s.id for s in current if s.stopped is None), None)
        self.open_form(IndividualScheduleForm(self.ws, self.patient_id, sid))

    @editing
    def action_individual_attendance(self) -> None:
        """Attendance of this patient's individual (or family) session today."""
        from tplan.services import SessionKey
        from tplan.ui.forms.attendance_form import AttendanceForm

        today = self.tplan.today()
        entries = [e for e in self.ws.sessions_on(self.patient_id, today) if not e.group_id]
        if not entries:
            self.notify("No individual session today for this patient.", severity="warning")
            return
        entry = entries[0]
        session = self.ws.session(SessionKey(entry.occurrence, entry.on))
        self.open_form(AttendanceForm(self.ws, session, entry.label.capitalize()))

    @editing
    def action_decide(self) -> None:
        if self.patient is None or not self.patient.active:
            self.notify("This episode is closed: nothing to decide.", severity="warning")
            return
        self.open_form(self._forms().DecisionPanel(self.ws, self.patient_id))

    @editing
    def action_review(self) -> None:
        self.open_form(self._forms().ReviewForm(self.ws, self.patient_id))

    @editing
    def action_level(self) -> None:
        self.open_form(self._forms().LevelForm(self.ws, self.patient_id))

    @editing
    def action_discharge(self) -> None:
        if self.patient is not None and not self.patient.active:
            self.notify("This patient is already discharged.", severity="warning")
            return
        self.open_form(self._forms().DischargeForm(self.ws, self.patient_id))

    @editing
    def action_export(self) -> None:
        def exported(path: Any) -> None:
            if path is not None:
                self.notify(f"Exported to {path}", markup=False)

        self.open_form(self._forms().ExportForm(self.ws, self.patient_id), exported)

    def action_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        ids = [tab_id for tab_id, _ in TABS]
        index = ids.index(tabs.active) if tabs.active in ids else 0
        self._show_tab(ids[(index + step) % len(ids)])

    def _focus_tab(self, tab_id: str) -> None:
        pane = self.query_one(f"#{tab_id}", TabPane)
        lists = pane.query(RecordList)
        if lists:
            lists.first().focus()

    @on(TabbedContent.TabActivated)
    async def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id:
            await self.build_tab(event.pane.id)
            self._focus_tab(event.pane.id)

    @editing
    def action_add_kind(self, kind: str) -> None:
        """Add a record of ``kind``: its own action when it needs the plan's context (a goal
        goes under the highlighted problem), else its form."""
        own = getattr(self, f"action_{kind}", None)
        if callable(own):
            own()
            return
        self.open_form(getattr(self._forms(), BY_KIND[kind].form)(self.ws, self.patient_id))

    @editing
    def action_add(self) -> None:
        """``a``: add a record of the kind the current tab shows (on the risks tab, the kind of
        the highlighted line: a medication, the naloxone line, or a risk)."""
        tab = self.query_one(TabbedContent).active
        if tab == "decisions":
            self.action_level()
            return
        kinds = [k.kind for k in RECORD_KINDS if k.tab == tab]
        ref = self._current("risk-list") if tab == "risks" else None
        if ref is not None and ref.kind in kinds:
            kinds = [ref.kind]
        if kinds:
            self.action_add_kind(kinds[0])

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        """``enter`` (or a click) on a line edits that record."""
        event.stop()
        ref = ItemRef.parse(event.option.id)
        if ref is None or self.patient is None or ref.kind not in BY_KIND:
            return
        forms = self._forms()
        ws, pid = self.ws, self.patient_id
        record = BY_KIND[ref.kind]
        if record.kind == "intervention":
            if ref.parent_id:
                self.open_form(forms.InterventionForm(ws, pid, ref.parent_id, ref.item_id))
            return
        if record.kind == "note":
            note = self.patient.find_note(ref.item_id)
            if note is not None and note.signed:
                self.open_form(forms.NoteView(ws, pid, ref.item_id))
                return
        form = getattr(forms, record.form)
        self.open_form(form(ws, pid, ref.item_id) if record.by_id else form(ws, pid))

    # --- objective status --------------------------------------------------------------

    @editing
    def action_cycle_status(self) -> None:
        """``space`` on an objective: choose its status (the next one offered), saved today."""
        ref = self._current("plan-list")
        if self.query_one(TabbedContent).active != "plan" or ref is None:
            return
        if ref.kind != "objective" or self.patient is None:
            self.notify("Highlight an objective to change its status.", severity="warning")
            return
        if self.saving:
            self.notify("Still saving the last change…", timeout=1.5)
            return
        objective = self.patient.find_objective(ref.item_id)
        if objective is None:
            return
        objective_id = ref.item_id

        patient_id = self.patient_id

        def chosen(status: ObjectiveStatus | None) -> None:
            if status is not None and not self.saving and patient_id == self.patient_id:
                self.saving = True
                self._save_status(patient_id, objective_id, status, self.tplan.today())

        heading = f"Status of “{objective.text.splitlines()[0][:36]}”"
        self.app.push_screen(
            self._forms().StatusChoice(heading, objective.status, next_status(objective.status)),
            chosen,
        )

    @work(thread=True, group="objective-status")
    def _save_status(
        self, patient_id: str, objective_id: str, status: ObjectiveStatus, on: date
    ) -> None:
        app = self.tplan
        try:
            patient = app.workspace.set_objective_status(patient_id, objective_id, status, on)
        except Exception as exc:  # the store's message, never record content
            app.call_from_thread(self._status_failed, exc)
            return
        app.call_from_thread(self._status_saved, patient, status)

    def _status_saved(self, patient: Patient, status: ObjectiveStatus) -> None:
        self.saving = False
        self.tplan.caseload_changed(patient.id)
        if patient.id != self.patient_id:  # the screen moved on to another patient meanwhile
            return
        self.reload(patient)
        self.notify(f"Objective marked {words(status.value)}.", timeout=2)

    def _status_failed(self, exc: Exception) -> None:
        self.saving = False
        self.notify(f"Not saved: {type(exc).__name__}: {exc}", severity="error", markup=False)

    # --- palette -----------------------------------------------------------------------

    def palette_commands(self) -> Iterable[SystemCommand]:
        for title, help_text, action in (
            ("Decide on the suggestion", "d", self.action_decide),
            ("Record a plan review", "r", self.action_review),
            ("Change level or schedule", "l", self.action_level),
            ("Export this patient", "e", self.action_export),
            ("Discharge", "x", self.action_discharge),
            ("Individual sessions (schedule)", "palette", self.action_individual_schedule),
            ("Attendance of today's individual session", "palette",
             self.action_individual_attendance),
            ("Back to the caseload", "escape", self.action_back),
        ):
            yield SystemCommand(title, f"This patient ({help_text})", action)
        for record in RECORD_KINDS:
            yield SystemCommand(
                record.title if record.kind != "note" else "New progress note",
                f"This patient ({record.key or 'a on its tab'})",
                lambda kind=record.kind: self.action_add_kind(kind),
            )
        for tab_id, label in TABS:
            yield SystemCommand(
                f"Tab: {label}", "Show this tab", lambda tab_id=tab_id: self._show_tab(tab_id)
            )

    def _show_tab(self, tab_id: str) -> None:
        """Switch tabs; the TabActivated handler builds the tab if needed and focuses it."""
        self.query_one(TabbedContent).active = tab_id


def open_plan(app: TplanApp, patient_id: str) -> None:
    """Show a patient's plan on the app's one patient screen, re-filled rather than rebuilt.

    The screen is installed in the app so that going back keeps it mounted. When it is still
    on the stack below the current screen (Today opened from a plan), a screen of its own is
    built, as before; so is a new one when the last was left on another tab than the first
    (switching tabs on a screen off the stack leaves the tab bar's underline where it was)."""
    current = app.screen
    if isinstance(current, PatientScreen) and app.is_screen_installed(current):
        current.show_patient(patient_id)
        return
    if not app.is_screen_installed(REUSED_SCREEN):
        screen = PatientScreen(patient_id)
        app.install_screen(screen, REUSED_SCREEN)
    else:
        screen = app.get_screen(REUSED_SCREEN)  # type: ignore[assignment]
        if screen in app.screen_stack:
            screen = PatientScreen(patient_id)
        elif not screen.on_first_tab:
            app.uninstall_screen(screen)
            screen.remove()
            screen = PatientScreen(patient_id)
            app.install_screen(screen, REUSED_SCREEN)
        else:
            screen.show_patient(patient_id)
    if isinstance(current, PatientScreen):
        app.switch_screen(screen)
    else:
        app.push_screen(screen)


def _review_due(ws: Any, patient: Patient, today: date) -> date | None:
    """When the next plan review is due (the clinical engine's rule and the clinic's policy)."""
    return ws.review_due(patient, today)
