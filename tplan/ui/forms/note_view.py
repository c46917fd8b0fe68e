"""A signed note, read-only, with its addenda; ``a`` adds an addendum (the only change allowed)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tplan.clinical.scoring import gad7_band, gad7_total, phq9_band, phq9_total
from tplan.domain import (
    SECTIONS_BY_FORMAT,
    Addendum,
    AddendumKind,
    Patient,
    ProgressNote,
    ScreenResultValue,
)
from tplan.services import NoteStateError
from tplan.ui.compat import RestylesOnlyWhenStale
from tplan.ui.forms.base import FieldReader, FormScreen, person_name, private_record_text
from tplan.ui.forms.fields import FieldRow, choice, enum_options, literal, text_area, text_input
from tplan.ui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from tplan.services import Workspace

KIND_LABELS = {AddendumKind.LATE_ENTRY: "late entry"}


def _when(moment: Any) -> str:
    return moment.strftime("%d %b %Y %H:%M")


def render_note(note: ProgressNote, patient: Patient) -> Text:
    """The whole note as text; everything the counselor typed is appended literally."""
    out = Text()
    out.append(
        f"{note.date_of_service:%a %d %b %Y} · {note.session_type.value} · "
        f"{note.attendance.value} · {note.format.value}\n",
        style="bold",
    )
    if note.signed_at is not None:
        out.append(f"✔ signed by {note.signed_by} {_when(note.signed_at)}", style="green")
        out.append("  (locked)\n")
    if note.cosigned_at is not None:
        out.append(f"✔ co-signed by {note.cosigned_by} {_when(note.cosigned_at)}\n", style="green")
    elif note.awaiting_cosignature:
        out.append("waiting for a supervisor's co-signature\n", style="yellow")
    elif note.returned_to_author:
        back = note.returns[-1]
        out.append(f"returned by {back.by} {_when(back.at)}: ", style="bold yellow")
        out.append(back.comment)
        out.append("\n(answer with an addendum: a)\n")
    if note.late_entry:
        out.append(f"late entry: written {note.written_at:%d %b %Y}\n", style="yellow")
    for name in SECTIONS_BY_FORMAT[note.format]:
        out.append(f"\n{name.capitalize()}\n", style="bold underline")
        out.append(note.sections.get(name, "") or "—")
        out.append("\n")
    numbers = {o.id: i for i, o in enumerate(patient.objectives(), start=1)}
    if note.objectives_addressed:
        out.append("\nObjectives addressed\n", style="bold")
        for progress in note.objectives_addressed:
            objective = patient.find_objective(progress.objective_id)
            out.append(f"  O{numbers.get(progress.objective_id, '?')} ")
            out.append(objective.text.splitlines()[0] if objective else progress.objective_id)
            out.append(f" — {progress.rating.value.replace('_', ' ')}\n")
    out.append("\n")
    if note.use is not None:
        out.append("Use since last session: ", style="bold")
        if note.use.used:
            out.append("used ")
            out.append(", ".join(note.use.substances) or "(not named)")
            if note.use.use_date:
                out.append(f" on {note.use.use_date}")
        else:
            out.append("no use")
        out.append("\n")
    if note.craving is not None:
        out.append("Craving: ", style="bold")
        out.append(f"{note.craving}/10\n")
    if note.screen is not None:
        out.append(f"Screen ({note.screen.method.value}, {note.screen_date()}): ", style="bold")
        for i, result in enumerate(note.screen.results):
            if i:
                out.append(" · ")
            out.append(result.substance)
            out.append(f" {result.result.value}")
            if result.expected and result.result is ScreenResultValue.POSITIVE:
                out.append(" (expected, prescribed)")
        out.append("\n")
    for measure in note.measures:
        items = " ".join(str(i) for i in measure.items)
        if measure.instrument == "PHQ-9":
            total = phq9_total(measure)
            out.append("PHQ-9: ", style="bold")
            out.append(f"{items} = {total} {phq9_band(total)}")
            if measure.items[8] > 0:
                out.append(f"  ‼ item 9 = {measure.items[8]}", style="bold red")
        elif measure.instrument == "GAD-7":
            total = gad7_total(measure)
            out.append("GAD-7: ", style="bold")
            out.append(f"{items} = {total} {gad7_band(total)}")
        else:
            out.append(f"{measure.instrument}: ", style="bold")
            out.append(items)
        out.append("\n")
    if note.risk_observations:
        out.append("Risk observations\n", style="bold")
        out.append(note.risk_observations)
        out.append("\n")
    if note.addenda:
        out.append("\nAddenda\n", style="bold underline")
        for addendum in note.addenda:
            kind = addendum.kind.value.replace("_", " ")
            out.append(f"{kind} · {_when(addendum.written_at)} · ", style="bold")
            out.append(addendum.author, style="bold")
            out.append("\nreason: ")
            out.append(addendum.reason)
            out.append("\n")
            out.append(addendum.text)
            out.append("\n\n")
    return out


class NoteView(RestylesOnlyWhenStale, ModalScreen[Patient | None]):
    """A signed note, read-only. Dismisses with the updated Patient when an addendum was added."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "addendum", "Add addendum", id="addendum"),
        Binding("escape", "close", "Close", id="close"),
    ]
    DEFAULT_CLASSES = "form-screen"

    def __init__(self, workspace: Workspace, patient_id: str, note_id: str):
        super().__init__()
        self.workspace = workspace
        self.patient_id = patient_id
        self.note_id = note_id
        self.patient = workspace.patient(patient_id)
        if self.patient.find_note(note_id) is None:
            raise LookupError(f"no note {note_id} for this patient")
        self.updated: Patient | None = None

    dirty = False
    """Nothing to lose here: an addendum is typed in its own form."""

    @property
    def note(self) -> ProgressNote:
        note = self.patient.find_note(self.note_id)
        assert note is not None
        return note

    def compose(self) -> ComposeResult:
        with Vertical(id="form-frame"):
            yield Static(self._title(), id="form-title")
            with VerticalScroll(id="form-body"):
                yield Static(self._note_text(), id="note-text", classes="readonly")
            yield Static("", id="form-status", markup=False)
        yield KeyFooter(compact=False, show_command_palette=True)

    def _title(self) -> Any:
        state = "signed" if self.note.signed else "draft"
        return literal(f"Progress note · {person_name(self.app, self.patient)} · {state}")

    def on_mount(self) -> None:
        self.query_one("#form-body").focus()
        if hasattr(self.app, "privacy"):
            self.watch(self.app, "privacy", lambda _on: self._redraw(), init=False)

    def _redraw(self) -> None:
        self.query_one("#form-title", Static).update(self._title())
        self.query_one("#note-text", Static).update(self._note_text())

    def _note_text(self) -> Text:
        return private_record_text(self.app, self.patient, render_note(self.note, self.patient))

    def on_key(self, event: events.Key) -> None:
        """Typing on a signed note would be silently lost: say why, and what to do instead."""
        if event.is_printable and event.character not in ("a", "q") and not event.key.isupper():
            event.stop()
            self.query_one("#form-status", Static).update(
                literal("This note is signed and locked: press a to add an addendum.")
            )

    def action_addendum(self) -> None:
        if not self.note.signed:
            self.notify("This note is a draft: edit it instead.", severity="warning")
            return

        def added(patient: Patient | None) -> None:
            if patient is not None:
                self.patient = self.updated = patient
                self._redraw()
                self.query_one("#form-body", VerticalScroll).scroll_end(animate=False)

        self.app.push_screen(AddendumForm(self.workspace, self.patient_id, self.note_id), added)

    def action_close(self) -> None:
        self.dismiss(self.updated)


class AddendumForm(FormScreen[Patient | None]):
    """A correction, clarification or late entry attached to a signed note."""

    NOUN = "addendum"

    def __init__(self, workspace: Workspace, patient_id: str, note_id: str):
        super().__init__(workspace, patient_id)
        assert self.patient is not None
        note = self.patient.find_note(note_id)
        if note is None:
            raise LookupError(f"no note {note_id} for this patient")
        if not note.signed:
            raise NoteStateError(
                f"note {note_id} is a draft: edit it instead of adding an addendum"
            )
        self.note = note

    def heading(self) -> str:
        return f"Addendum to the note of {self.note.date_of_service:%d %b %Y}"

    def compose_fields(self) -> ComposeResult:
        yield FieldRow(
            "Kind",
            choice("kind", enum_options(AddendumKind, KIND_LABELS), AddendumKind.CORRECTION),
        )
        yield FieldRow(
            "Reason", text_input("reason", placeholder="why the note needs this")
        )
        yield FieldRow("Addendum", text_area("text", tall=True))

    def build(self) -> Addendum:
        r = FieldReader(self)
        kind, reason, text = r.choice("kind"), r.text("reason"), r.text("text")
        r.check()
        return Addendum(
            kind=kind,
            reason=reason,
            text=text,
            author=str(getattr(self.workspace, "clinician", "") or "counselor"),
            written_at=self.now(),
        )

    def persist(self, payload: Addendum) -> Patient:
        return self.workspace.add_addendum(self.patient_id, self.note.id, payload)
