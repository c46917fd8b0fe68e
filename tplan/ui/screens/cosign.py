"""The co-signature list: a supervisor's notes to co-sign, or a counselor's returned notes.

A supervisor sees every signed note that waits for co-signature, oldest first, with the
highlighted note's full text beneath; ``c`` co-signs it (locked from then on), ``r`` returns it
to its author with a comment. A counselor sees their notes a supervisor returned, with the
comment; they answer with an addendum from the note (patient screen, Notes tab).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tplan.domain import Patient
from tplan.services import WaitingNote
from tplan.ui.compat import RestylesOnlyWhenStale
from tplan.ui.forms.base import private_record_text, save_error_message
from tplan.ui.forms.cosign_forms import ReturnForm
from tplan.ui.forms.note_view import render_note
from tplan.ui.widgets.footer import KeyFooter
from tplan.ui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from tplan.ui.app import TplanApp


class CosignScreen(RestylesOnlyWhenStale, Screen[None]):
    HELP_TITLE = "Notes to co-sign"
    DEFAULT_CSS = """
    CosignScreen #cosign-list { height: 2fr; }
    CosignScreen #cosign-note { height: 3fr; border-top: solid $panel; padding: 0 1; }
    CosignScreen #cosign-status { height: 1; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="back"),
        Binding("c", "cosign", "Co-sign", id="cosign"),
        Binding("r", "return_note", "Return with comment", id="return"),
        Binding("enter", "open_patient", "Open patient", show=False),
    ]

    def __init__(self, note_id: str | None = None) -> None:
        super().__init__()
        self.waiting: list[WaitingNote] = []
        self.patients: dict[str, Patient] = {}
        self.note_id = note_id
        """The note to highlight first (Today's ``enter`` on it)."""

    @property
    def tplan(self) -> TplanApp:
        return self.app  # type: ignore[return-value]

    @property
    def supervising(self) -> bool:
        return self.tplan.workspace.is_supervisor

    def compose(self) -> ComposeResult:
        title = "to co-sign" if self.supervising else "returned to me"
        yield TopBar(title, id="top-bar")
        yield OptionList(id="cosign-list")
        with VerticalScroll(id="cosign-note"):
            yield Static(id="cosign-text")
        yield Static(id="cosign-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "privacy", lambda _on: self._fill(), init=False)
        self.query_one("#cosign-list", OptionList).focus()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("cosign", "return_note"):
            return self.supervising
        return True

    @work(thread=True, exclusive=True, group="cosign-load")
    def load(self) -> None:
        ws = self.tplan.workspace
        waiting = ws.waiting_on_me()
        patients = {w.patient_id: ws.patient(w.patient_id) for w in waiting}
        self.app.call_from_thread(self._loaded, waiting, patients)

    def _loaded(self, waiting: list[WaitingNote], patients: dict[str, Patient]) -> None:
        self.waiting, self.patients = waiting, patients
        self._fill()

    def _fill(self) -> None:
        listing = self.query_one("#cosign-list", OptionList)
        keep = listing.highlighted
        listing.clear_options()
        privacy = bool(getattr(self.app, "privacy", False))
        for item in self.waiting:
            note = item.note
            name = item.initials if privacy else item.display_name
            signed = f"{note.signed_at:%d %b %H:%M}" if note.signed_at else ""
            listing.add_option(
                Option(
                    Text.assemble(
                        (name, "bold"),
                        f"  {note.date_of_service:%a %d %b} · {note.session_type.value} · "
                        f"signed by {note.signed_by} {signed}",
                    )
                )
            )
        count = len(self.waiting)
        what = "to co-sign" if self.supervising else "returned to you"
        self.query_one(TopBar).set_right(f"{count} note(s) {what}")
        first = [n for n, item in enumerate(self.waiting) if item.note.id == self.note_id]
        if first:
            keep, self.note_id = first[0], None
        if self.waiting:
            listing.highlighted = min(keep or 0, count - 1)
        self._show(listing.highlighted)

    @on(OptionList.OptionHighlighted, "#cosign-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(event.option_index)

    def _show(self, index: int | None) -> None:
        text = self.query_one("#cosign-text", Static)
        if index is None or not self.waiting:
            nothing = "Nothing waits for co-signature." if self.supervising else (
                "None of your notes was returned."
            )
            text.update(Text(nothing))
            return
        item = self.waiting[index]
        body = Text()
        if item.note.returns:
            last = item.note.returns[-1]
            body.append(f"Returned by {last.by} {last.at:%d %b %H:%M}: ", style="bold")
            body.append(last.comment)
            body.append("\n\n")
        body.append_text(render_note(item.note, self.patients[item.patient_id]))
        text.update(private_record_text(self.app, self.patients[item.patient_id], body))

    def _current(self) -> WaitingNote | None:
        index = self.query_one("#cosign-list", OptionList).highlighted
        return self.waiting[index] if index is not None and self.waiting else None

    # --- actions -----------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss()

    def action_cosign(self) -> None:
        item = self._current()
        if item is not None:
            self._cosign(item)

    @work(thread=True, exclusive=True, exit_on_error=False, group="cosign-save")
    def _cosign(self, item: WaitingNote) -> None:
        try:
            self.tplan.workspace.cosign_note(item.patient_id, item.note.id)
        except Exception as exc:  # a store/service refusal is a sentence; others by type
            self.app.call_from_thread(self._status, f"Not co-signed: {save_error_message(exc)}")
            return
        self.app.call_from_thread(self._done, item.patient_id, "Co-signed.")

    def action_return_note(self) -> None:
        item = self._current()
        if item is None:
            return

        def returned(patient: Any) -> None:
            if patient is not None:
                self._done(item.patient_id, "Returned to its author.")

        self.app.push_screen(
            ReturnForm(self.tplan.workspace, item.patient_id, item.note), returned
        )

    def action_open_patient(self) -> None:
        item = self._current()
        if item is not None:
            self.tplan.open_patient(item.patient_id)

    def _done(self, patient_id: str, message: str) -> None:
        self._status(message)
        self.tplan.caseload_changed(patient_id)
        self.load()

    def _status(self, message: str) -> None:
        self.query_one("#cosign-status", Static).update(message)
