"""The progress note: written after every session, saved as a draft, signed (and locked) once.

Sections follow the chosen format (DAP, BIRP, SOAP); switching format hides sections instead of
dropping them, so text typed so far is never lost. Instrument answers are typed as digits and
scored live with ``tplan.clinical.scoring``.
"""

from __future__ import annotations

import asyncio
import gc
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, Select, Static

from tplan.clinical.scoring import gad7_band, gad7_total, phq9_band, phq9_item9, phq9_total
from tplan.domain import (
    SECTIONS_BY_FORMAT,
    Attendance,
    DrugScreen,
    Gad7,
    NoteFormat,
    ObjectiveProgress,
    ObjectiveStatus,
    Patient,
    Phq9,
    ProgressNote,
    ProgressRating,
    ScreenMethod,
    ScreenResult,
    ScreenResultValue,
    SessionType,
    UseReport,
    new_id,
)
from tplan.domain.errors import first_error
from tplan.domain.notes import section_problem
from tplan.domain.rules import service_date_problem
from tplan.services import NoteStateError, SessionKey
from tplan.ui.forms.base import FieldReader, FormScreen
from tplan.ui.forms.confirm import ConfirmDialog
from tplan.ui.forms.fields import (
    FieldRow,
    choice,
    date_input,
    enum_options,
    literal,
    number_input,
    text_area,
    text_input,
)
from tplan.ui.forms.parsing import Parsed, parse_int, parse_items, parse_list
from tplan.ui.widgets.toggles import Tick

if TYPE_CHECKING:
    from tplan.services import Workspace

SECTION_ORDER = (
    "subjective",
    "objective",
    "data",
    "behavior",
    "intervention",
    "response",
    "assessment",
    "plan",
)
"""Every section of every format, in an order that keeps each format's own order."""

STANDARD_PANEL = (
    "alcohol",
    "amphetamines",
    "benzodiazepines",
    "buprenorphine",
    "cannabis",
    "cocaine",
    "fentanyl",
    "methadone",
    "opiates",
)
"""Substances offered on a screen besides the patient's own and their medications'."""

FRAME_MAX = (124, 56)
"""The form frame's max-width and max-height in styles/forms.tcss."""

RATING_LABELS = {ProgressRating.NO_CHANGE: "no change"}
RESULT_OPTIONS = enum_options(ScreenResultValue)
USE_OPTIONS = [("no use", False), ("used", True)]
SCREEN_OPTIONS = [
    ("presumptive (cup)", ScreenMethod.PRESUMPTIVE),
    ("definitive (lab)", ScreenMethod.DEFINITIVE),
]


@dataclass(frozen=True)
class SignRequest:
    """Save this note and sign it, in one transaction."""

    note: ProgressNote


def clinician(workspace: Any) -> str:
    return str(getattr(workspace, "clinician", "") or "counselor")


def instrument_summary(items: list[int] | None, kind: str) -> tuple[str, bool]:
    """The live line beside PHQ-9 / GAD-7 entry: total and band, and the item-9 safety flag."""
    if items is None:
        return "", False
    if kind == "PHQ-9":
        total = phq9_total(items)
        flag = phq9_item9(items) > 0
        text = f"= {total} {phq9_band(total)}"
        if flag:
            text += f"  ‼ item 9 = {items[8]}: same-day safety review"
        return text, flag
    total = gad7_total(items)
    return f"= {total} {gad7_band(total)}", False


class NoteForm(FormScreen[Patient | None]):
    """A new progress note, or a draft opened for editing. Signed notes open in NoteView."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save draft", id="save", priority=True),
        Binding("ctrl+g", "sign", "Sign", id="sign", priority=True),
        Binding("ctrl+n", "all_negative", "Cup all negative", id="all_negative", priority=True),
        # priority: the jump is done (the lower blocks mounted if need be) before the keys
        # typed after it are dispatched, so they land in the field jumped to
        *(
            Binding(f"alt+{n}", f"jump('{block}')", f"Go to: {title}", show=False, priority=True)
            for n, block, title in (
                (1, "date_of_service", "session"),
                (2, "narrative", "the note's text"),
                (3, "craving", "craving and use"),
                (4, "screen_method", "drug screen"),
                (5, "phq9", "PHQ-9 and GAD-7"),
                (6, "objectives", "objectives addressed"),
            )
        ),
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]
    NOUN = "progress note"

    def __init__(self, workspace: Workspace, patient_id: str, note_id: str | None = None):
        super().__init__(workspace, patient_id)
        assert self.patient is not None
        self.original = self.patient.find_note(note_id) if note_id else None
        if note_id is not None and self.original is None:
            raise LookupError(f"no note {note_id} for this patient")
        if self.original is not None and self.original.signed:
            raise NoteStateError(f"note {note_id} is signed: open it read-only and add an addendum")
        self.note_id = note_id or new_id("nt")
        self._signing = False
        objectives = list(self.patient.objectives())
        addressed = {
            p.objective_id: p.rating
            for p in (self.original.objectives_addressed if self.original else [])
        }
        self.objective_choices = [
            (index, objective, addressed.get(objective.id))
            for index, objective in enumerate(objectives, start=1)
            if objective.status is not ObjectiveStatus.CANCELLED or objective.id in addressed
        ]
        self.substances: list[str] = []
        self._results_built = False
        self.session_choices = self._session_choices()
        self._link: SessionKey | None = None
        self._rest_started = False
        self._mounted = asyncio.Event()
        self._rest_mounted = asyncio.Event()
        """Set once the blocks below the first screenful are mounted (see ``_ensure_rest``)."""
        self._collector_paused = False

    def _session_choices(self) -> list[tuple[str, SessionKey]]:
        """The patient's sessions on the note's day, to link the note to (SessionKey values)."""
        assert self.patient is not None
        day = self.original.date_of_service if self.original else self.today()
        choices = []
        for entry in self.workspace.sessions_on(self.patient.id, day):
            label = f"{entry.start:%H:%M} {entry.label}"
            choices.append((label, SessionKey(entry.occurrence, entry.on)))
        return choices

    def _linked_choice(self) -> SessionKey | None:
        linked = self.original.session_id if self.original else None
        if linked is None:
            return None
        for _, key in self.session_choices:
            if self.workspace.session(key).id == linked:
                return key
        return None

    def heading(self) -> str:
        return "Progress note · draft" if self.original else "New progress note"

    # --- the garbage collector while the form opens --------------------------------------

    def _pause_collector(self) -> None:
        """Hold the cyclic garbage collector off while the form's widgets are built.

        Building them allocates tens of thousands of objects, none of them garbage yet: the
        collector ran ~60 times while the form opened, and a full collection, when one fell
        there, scanned the caseload's records for 60-200 ms. It runs again once the form is
        whole (``_resume_collector``), when no one waits for it."""
        if gc.isenabled() and not self._collector_paused:
            gc.disable()
            self._collector_paused = True

    def _resume_collector(self) -> None:
        if self._collector_paused:
            self._collector_paused = False
            gc.enable()

    # --- layout ------------------------------------------------------------------------

    def compose_fields(self) -> ComposeResult:
        self._pause_collector()
        n = self.original
        yield FieldRow(
            "Date of service",
            date_input(
                "date_of_service",
                n.date_of_service if n else self.today(),
                self.today,
                required=True,
            ),
            key="date_of_service",
        )
        yield FieldRow(
            "Session",
            choice(
                "session_type",
                enum_options(SessionType),
                n.session_type if n else SessionType.GROUP,
            ),
            key="session_type",
        )
        if self.session_choices:
            yield FieldRow(
                "Linked session",
                choice(
                    "session_link",
                    self.session_choices,
                    self._linked_choice(),
                    blank=True,
                    prompt="none",
                    classes="",
                ),
                key="session_link",
                claims=("session_id",),
            )
        yield FieldRow(
            "Attendance",
            choice(
                "attendance", enum_options(Attendance), n.attendance if n else Attendance.ATTENDED
            ),
            key="attendance",
        )
        yield FieldRow(
            "Format",
            choice(
                "format",
                enum_options(NoteFormat, {f: f.value for f in NoteFormat}),
                n.format if n else self._default_format(),
            ),
            key="format",
        )
        sections = n.sections if n else {}
        shown = SECTIONS_BY_FORMAT[n.format if n else self._default_format()]
        for name in SECTION_ORDER:
            if name in shown or sections.get(name):  # other formats' sections: when chosen
                yield self._section_row(name, sections.get(name, ""))
        yield Static("", id="sections-kept", classes="note-kept")
        # by use: what every session records first, then screens and measures, then the plan
        yield FieldRow(
            "Craving 0-10",
            number_input("craving", n.craving if n else None, lambda t: parse_int(t, 0, 10)),
            key="craving",
        )
        yield self._use_row()
        # the drug screen, PHQ-9, GAD-7, objectives and risk observations: _ensure_rest

    def _section_row(self, name: str, text: str) -> FieldRow:
        return FieldRow(
            name.capitalize(),
            text_area(f"section_{name}", text),
            key=f"section_{name}",
            claims=(f"sections.{name}",),
            classes="note-section",
        )

    def _rest_rows(self) -> list[FieldRow]:
        """The blocks below the first screenful, mounted right after the form is painted."""
        n = self.original
        return [
            self._screen_row(),
            self._instrument_row("PHQ-9", "phq9", 9),
            self._instrument_row("GAD-7", "gad7", 7),
            self._objectives_row(),
            FieldRow(
                "Risk observations",
                text_area("risk_observations", n.risk_observations if n else ""),
                key="risk_observations",
            ),
        ]

    async def _ensure_rest(self) -> None:
        """The blocks below the first screenful, mounted (by this call or the one under way).

        What reads them (a save, a jump) waits for this; validation says nothing until then."""
        await self._mounted.wait()  # a ctrl+s typed right after n can come first
        if self._rest_started:
            await self._rest_mounted.wait()
        else:
            await self._mount_rest()

    async def _mount_rest(self) -> None:
        """Mount the blocks below the first screenful, once, right after the first paint:
        half the form's widgets are there, and they are in place before a counselor gets to
        them."""
        if self._rest_started or self not in self.app.screen_stack:
            return  # mounted already, or the form closed before its first paint
        self._rest_started = True
        try:
            rows = self._rest_rows()
            await self.query_one("#form-body").mount_all(rows)
            if self not in self.app.screen_stack:
                return  # closed (escape right after n) while they were mounted
            for row in rows:
                self._initial[row.key] = row.snapshot()
            self._rest_mounted.set()
            self._show_screen()
            self._show_scores()
            self.revalidate()  # messages for anything typed while they were mounted
        finally:
            self._resume_collector()

    async def _ensure_sections(self, names: tuple[str, ...]) -> None:
        """Mount the section rows a newly chosen format shows, each in its place."""
        previous = "row-format"
        mounted = self._section_rows()
        for name in SECTION_ORDER:
            if name in mounted:
                previous = f"row-section_{name}"
            elif name in names:
                row = self._section_row(name, "")
                await self.query_one("#form-body").mount(row, after=f"#{previous}")
                self._initial[row.key] = row.snapshot()
                previous = row.id or previous

    def _section_rows(self) -> dict[str, FieldRow]:
        """The section rows mounted so far, by section name (the form body's own rows: a query
        of the whole form for each section cost more than the rest of the format's work)."""
        rows = self.query_one("#form-body").query_children(FieldRow).results(FieldRow)
        return {
            row.key.removeprefix("section_"): row for row in rows if row.key.startswith("section_")
        }

    def _section_text(self, name: str) -> str:
        """A section's text ("" for a section whose row was never mounted: nothing typed)."""
        if name not in self._section_rows():
            return ""
        return FieldReader(self).text(f"section_{name}")

    def _objectives_row(self) -> FieldRow:
        rows: list[Horizontal] = []
        for index, objective, rating in self.objective_choices:
            label = f"O{index} {objective.text.splitlines()[0]}"
            rows.append(
                Horizontal(
                    Tick(literal(label), rating is not None, id=f"obj_{index}", compact=True),
                    choice(
                        f"rating_{index}",
                        enum_options(ProgressRating, RATING_LABELS),
                        rating,
                        prompt="rating",
                        classes="",
                    ),
                    classes="pick-row",
                )
            )
        if not rows:
            body: Any = Static("no objectives in the plan yet", classes="field-hint")
        else:
            body = Vertical(*rows, classes="picks")
        claims = [f"obj_{i}" for i, _, _ in self.objective_choices] + [
            f"rating_{i}" for i, _, _ in self.objective_choices
        ]
        return FieldRow("Objectives", body, key="objectives_addressed", claims=claims)

    def _use_row(self) -> FieldRow:
        use = self.original.use if self.original else None
        body = Horizontal(
            choice("use", USE_OPTIONS, use.used if use else None, prompt="not asked", blank=True),
            text_input(
                "use_substances",
                ", ".join(use.substances) if use else "",
                placeholder="what (comma-separated)",
            ),
            date_input("use_date", use.use_date if use else None, self.today),
            classes="inline",
        )
        return FieldRow(
            "Use since last",
            body,
            key="use",
            claims=("use_substances", "use_date", "use.substances", "use.use_date"),
        )

    def _screen_panel(self, on: date) -> list[str]:
        assert self.patient is not None
        names: list[str] = []
        seen: set[str] = set()
        medications = [m for m in self.patient.medications if m.active_on(on)]
        candidates = [
            *(
                r.substance
                for r in (
                    self.original.screen.results if self.original and self.original.screen else []
                )
            ),
            *self.patient.primary_substances,
            *(s for m in medications for s in m.screens_as),
            *self._clinic_panel(),
            *STANDARD_PANEL,
        ]
        for name in candidates:
            if name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
        return names

    def _expected(self, substance: str, on: date) -> bool:
        assert self.patient is not None
        return substance.casefold() in self.patient.expected_positives(on)

    def _screen_row(self) -> FieldRow:
        screen = self.original.screen if self.original else None
        on = self.original.date_of_service if self.original else self.today()
        results = {r.substance.casefold(): r for r in (screen.results if screen else [])}
        self.substances = self._screen_panel(on)
        rows = []
        if screen is not None:  # a new note builds the rows when a screen method is chosen
            self._results_built = True
            for index, substance in enumerate(self.substances):
                rows.append(
                    self._result_row(index, substance, results.get(substance.casefold()), on)
                )
        body = Vertical(
            Horizontal(
                choice(
                    "screen_method",
                    SCREEN_OPTIONS,
                    screen.method if screen else None,
                    prompt="no screen",
                    blank=True,
                ),
                date_input("screen_date", screen.collected_on if screen else None, self.today),
                classes="inline",
            ),
            Vertical(*rows, id="screen-results"),
            text_input(
                "screen_add", placeholder="add a substance: type it, enter", classes="-narrow"
            ),
        )
        return FieldRow(
            "Drug screen",
            body,
            key="screen",
            claims=("screen_method", "screen_date", "screen.results", "screen.collected_on"),
        )

    def _result_row(
        self, index: int, substance: str, result: ScreenResult | None, on: date
    ) -> Horizontal:
        expected = result.expected if result else self._expected(substance, on)
        return Horizontal(
            Label(literal(substance), classes="substance"),
            choice(
                f"result_{index}",
                RESULT_OPTIONS,
                result.result if result else None,
                prompt="not tested",
                blank=True,
                classes="",
            ),
            Tick("expected (Rx)", expected, id=f"expected_{index}", compact=True),
            classes="result-row",
        )

    def _instrument_row(self, label: str, key: str, count: int) -> FieldRow:
        instrument = next(
            (m for m in (self.original.measures if self.original else []) if m.instrument == label),
            None,
        )
        shown = " ".join(str(i) for i in instrument.items) if instrument else ""
        body = Horizontal(
            Input(
                shown,
                id=key,
                placeholder=f"{count} answers 0-3",
                restrict=r"[0-9 ]*",
                validators=[Parsed(lambda t: parse_items(t, count, 3))],
                compact=True,
                classes="-narrow",
            ),
            Static("", id=f"{key}_score", classes="live-score"),
            classes="inline",
        )
        return FieldRow(label, body, key=key, claims=("measures",) if key == "phq9" else ())

    # --- live behaviour ----------------------------------------------------------------

    def on_mount(self) -> None:
        super().on_mount()
        self._show_format()
        self._mounted.set()
        self.call_after_refresh(self._mount_rest)

    def on_unmount(self) -> None:
        self._resume_collector()  # closed before the rest was mounted

    def _fit(self, width: int, height: int) -> None:
        super()._fit(width, height)
        # The frame (at most FRAME_MAX wide and high, styles/forms.tcss) covers the terminal
        # but the footer: the dimmed screen beneath cannot show, so it is not painted either.
        # A translucent backdrop re-renders and tints the whole screen beneath on every full
        # paint, ~7% of the form's first paint.
        self.set_class(width <= FRAME_MAX[0] and height <= FRAME_MAX[1], "-fills-terminal")

    def current_errors(self) -> dict[str, str]:
        # nothing to say before every field is there (_ensure_rest revalidates then)
        return super().current_errors() if self._rest_mounted.is_set() else {}

    @on(Select.Changed, "#format")
    async def _format_changed(self) -> None:
        await self._ensure_sections(SECTIONS_BY_FORMAT[self._format()])
        self._show_format()
        self.revalidate()

    @on(Select.Changed, "#screen_method")
    async def _screen_changed(self) -> None:
        chosen = self.query_one("#screen_method", Select).value is not Select.NULL
        if chosen:
            await self._build_results()
        self._show_screen()

    async def _build_results(self) -> None:
        if self._results_built:
            return
        # ~10 result rows of a Select and a Checkbox each: a third of the form's widgets,
        # built on first use so that the form opens quickly
        self._results_built = True
        on = FieldReader(self).date("date_of_service") or self.today()
        await self.query_one("#screen-results", Vertical).mount_all(
            self._result_row(index, substance, None, on)
            for index, substance in enumerate(self.substances)
        )

    @on(Input.Changed, "#phq9, #gad7")
    def _items_changed(self) -> None:
        self._show_scores()

    @on(Select.Changed)
    def _rating_chosen(self, event: Select.Changed) -> None:
        """Choosing a rating ticks the objective: rating it means it was addressed."""
        select_id = event.select.id or ""
        if select_id.startswith("rating_") and event.value is not Select.NULL:
            box = self.query_one(f"#obj_{select_id.removeprefix('rating_')}", Checkbox)
            box.value = True

    @on(Input.Submitted, "#screen_add")
    async def _add_substance(self, event: Input.Submitted) -> None:
        event.stop()
        name = event.value.strip()
        if not name:
            return
        if name.casefold() in {s.casefold() for s in self.substances}:
            index = next(
                i for i, s in enumerate(self.substances) if s.casefold() == name.casefold()
            )
        else:
            index = len(self.substances)
            self.substances.append(name)
            on = FieldReader(self).date("date_of_service") or self.today()
            await self.query_one("#screen-results", Vertical).mount(
                self._result_row(index, name, None, on)
            )
        event.input.value = ""
        self.query_one(f"#result_{index}", Select).focus()

    def _default_format(self) -> NoteFormat:
        """The counselor's chosen format for a new note (setting ``note_format``)."""
        settings = getattr(self.app, "settings", None)
        return NoteFormat(settings.note_format) if settings is not None else NoteFormat.DAP

    def _format(self) -> NoteFormat:
        value = self.query_one("#format", Select).value
        return NoteFormat(value) if value is not Select.NULL else self._default_format()

    def _show_format(self) -> None:
        wanted = SECTIONS_BY_FORMAT[self._format()]
        kept: list[str] = []
        mounted = self._section_rows()
        for name in SECTION_ORDER:
            if name not in mounted:
                continue
            mounted[name].display = name in wanted
            if name not in wanted and self._section_text(name).strip():
                kept.append(name.capitalize())
        notice = self.query_one("#sections-kept", Static)
        notice.update(
            literal(
                f"Kept, but not saved as {self._format().value}: {', '.join(kept)} "
                "(switch the format back to see it)"
            )
            if kept
            else ""
        )
        notice.display = bool(kept)

    def _show_screen(self) -> None:
        chosen = self.query_one("#screen_method", Select).value is not Select.NULL
        self.query_one("#screen-results").display = chosen
        self.query_one("#screen_add").display = chosen
        self.query_one("#screen_date").display = chosen

    def _show_scores(self) -> None:
        for key, label, count in (("phq9", "PHQ-9", 9), ("gad7", "GAD-7", 7)):
            score = self.query_one(f"#{key}_score", Static)
            try:
                items = parse_items(self.query_one(f"#{key}", Input).value, count, 3)
            except ValueError:
                items = None
            text, flag = instrument_summary(items, label)
            score.update(literal(text))
            score.set_class(flag, "-flag")

    def _clinic_panel(self) -> tuple[str, ...]:
        policy = getattr(self.workspace, "policy", None)
        return tuple(getattr(policy, "screen_panel", ()))

    async def action_jump(self, block: str) -> None:
        """alt+1..6: straight to a block of the note instead of a dozen tabs."""
        await self._ensure_rest()
        if block == "narrative":
            wanted = SECTIONS_BY_FORMAT[self._format()][0]
            block = f"section_{wanted}"
        if block == "objectives":
            boxes = self.query("#row-objectives_addressed Checkbox")
            target = boxes.first() if boxes else self.query_one("#risk_observations")
        else:
            target = self.query_one(f"#{block}")
        self.set_focus(target)  # now, not after the keys typed next are dispatched
        target.scroll_visible()

    async def action_all_negative(self) -> None:
        """ctrl+n: a presumptive cup, negative for the clinic's panel, collected today (unless
        already dated). Results already chosen stay as they are."""
        await self._ensure_rest()
        method = self.query_one("#screen_method", Select)
        if method.value is Select.NULL:
            method.value = ScreenMethod.PRESUMPTIVE
        await self._build_results()
        known = {name.casefold(): i for i, name in enumerate(self.substances)}
        for substance in self._clinic_panel():
            index = known.get(substance.casefold())
            if index is None:
                index = len(self.substances)
                self.substances.append(substance)
                await self.query_one("#screen-results", Vertical).mount(
                    self._result_row(index, substance, None, self.today())
                )
                known[substance.casefold()] = index
            result = self.query_one(f"#result_{index}", Select)
            if result.value is Select.NULL:
                result.value = ScreenResultValue.NEGATIVE
        self._show_screen()
        self.set_status(
            f"Cup marked negative for {', '.join(self._clinic_panel())}", error=False
        )

    # --- the note ----------------------------------------------------------------------

    def build(self) -> ProgressNote:
        r = FieldReader(self)
        date_of_service = r.date("date_of_service", required=True)
        assert self.patient is not None
        if date_of_service is not None and (
            problem := service_date_problem(self.patient, date_of_service, self.today())
        ):
            r.fail("date_of_service", problem)
        fmt = r.choice("format")
        fmt = fmt or self._default_format()
        sections = {
            name: self._section_text(name)
            for name in SECTIONS_BY_FORMAT[fmt]
            if self._section_text(name).strip()
        }
        if self._signing and (unwritten := section_problem(fmt, sections)):
            section, message = unwritten
            r.fail(f"section_{section}", message)
        progress = self._read_objectives(r)
        use = self._read_use(r)
        craving = r.int("craving", 0, 10)
        screen = self._read_screen(r)
        measures: list[Any] = []
        for key, count, model in (("phq9", 9, Phq9), ("gad7", 7, Gad7)):
            try:
                items = parse_items(r.text(key), count, 3)
            except ValueError as exc:
                r.fail(key, str(exc))
                continue
            if items is not None:
                measures.append(model(items=items))
        self._link = r.choice("session_link", required=False) if self.session_choices else None
        values: dict[str, Any] = {
            "session_type": r.choice("session_type"),
            "attendance": r.choice("attendance"),
            "risk_observations": r.text("risk_observations"),
        }
        if not self.session_choices and self.original is not None:
            values["session_id"] = self.original.session_id
        r.check()
        n = self.original
        return ProgressNote(
            id=self.note_id,
            date_of_service=date_of_service,
            written_at=n.written_at if n else self.now(),
            format=fmt,
            sections=sections,
            objectives_addressed=progress,
            use=use,
            craving=craving,
            screen=screen,
            measures=measures,
            author=n.author if n else clinician(self.workspace),
            **values,
        )

    def _read_objectives(self, r: FieldReader) -> list[ObjectiveProgress]:
        progress = []
        for index, objective, _ in self.objective_choices:
            if not r.flag(f"obj_{index}"):
                continue
            rating = r.choice(f"rating_{index}", required=False)
            if rating is None:
                r.fail(f"obj_{index}", f"rate the progress on O{index}")
                continue
            progress.append(ObjectiveProgress(objective_id=objective.id, rating=rating))
        return progress

    def _read_use(self, r: FieldReader) -> UseReport | None:
        used = r.choice("use", required=False)
        substances = parse_list(r.text("use_substances"))
        use_date = r.date("use_date")
        if used is None:
            if substances or use_date:
                r.fail("use", "choose “used” to record what and when")
            return None
        try:
            return UseReport(used=used, substances=substances, use_date=use_date)
        except ValidationError as exc:
            r.fail("use", first_error(exc).split(": ", 1)[-1])
            return None

    def _read_screen(self, r: FieldReader) -> DrugScreen | None:
        method = r.choice("screen_method", required=False)
        if method is None:
            return None
        results = []
        for index, substance in enumerate(self.substances if self._results_built else []):
            value = r.choice(f"result_{index}", required=False)
            if value is not None:
                results.append(
                    ScreenResult(
                        substance=substance, result=value, expected=r.flag(f"expected_{index}")
                    )
                )
        if not results:
            r.fail(
                "screen_method", "enter a result for at least one substance, or choose no screen"
            )
            return None
        return DrugScreen(collected_on=r.date("screen_date"), method=method, results=results)

    # --- saving and signing ------------------------------------------------------------

    async def action_save(self) -> None:
        await self._ensure_rest()
        await super().action_save()

    async def action_sign(self) -> None:
        await self._ensure_rest()
        await self.typed_keys_landed()
        if self._saving or self._done:
            return
        self._signing = True
        try:
            note = self.checked_payload()
        finally:
            self._signing = False
        if note is None:
            return

        def answered(sign: bool | None) -> None:
            if sign:
                self.start_save(SignRequest(note))

        self.app.push_screen(
            ConfirmDialog(
                "Sign this note? A signed note is locked: later changes are addenda.",
                yes="Sign",
                no="Keep editing",
            ),
            answered,
        )

    def persist(self, payload: ProgressNote | SignRequest) -> Patient:
        note = payload.note if isinstance(payload, SignRequest) else payload
        if self._link is not None:
            session = self.workspace.stored_session(self._link)
            note = note.model_copy(update={"session_id": session.id})
        if isinstance(payload, SignRequest):
            return self.workspace.sign_new_note(self.patient_id, note)
        return self.workspace.save_draft(self.patient_id, note)
