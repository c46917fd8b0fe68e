"""Recording attendance for a session: the roster in one list, one key per member.

``p`` present, ``l`` late (by the minutes typed below, 10 unless changed), ``e`` excused (with
the reason typed below), ``a`` absent, ``c`` cancelled for that member; each key moves to the
next member. ``ctrl+s`` saves every mark of the session in one transaction; members left
unmarked stay "not recorded".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tplan.domain import AttendanceRecord, AttendanceStatus, Patient, Session
from tplan.services import Mark
from tplan.ui.forms.base import FormInvalid, FormScreen, person_name
from tplan.ui.forms.fields import FieldRow, literal

if TYPE_CHECKING:
    from tplan.services import Workspace

SYMBOLS = {
    AttendanceStatus.PRESENT: "✔ present",
    AttendanceStatus.LATE: "◔ late",
    AttendanceStatus.LEFT_EARLY: "◕ left early",
    AttendanceStatus.ABSENT: "✖ absent",
    AttendanceStatus.EXCUSED: "E excused",
    AttendanceStatus.CANCELLED: "– cancelled",
}
KEYS = {
    "p": AttendanceStatus.PRESENT,
    "l": AttendanceStatus.LATE,
    "e": AttendanceStatus.EXCUSED,
    "a": AttendanceStatus.ABSENT,
    "c": AttendanceStatus.CANCELLED,
}


def mark_of(record: AttendanceRecord) -> Mark:
    return Mark(record.status, record.late_minutes, record.left_early_minutes, record.reason)


def mark_text(mark: Mark | None) -> str:
    if mark is None:
        return "· not recorded"
    text = SYMBOLS[mark.status]
    if mark.late_minutes:
        text += f" {mark.late_minutes} min"
    if mark.reason:
        text += f" ({mark.reason})"
    return text


class AttendanceForm(FormScreen[tuple[Session, list[AttendanceRecord]]]):
    """Attendance of one session (a group's roster, or one patient's appointment)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "mark('p')", "Present", id="mark_present"),
        Binding("l", "mark('l')", "Late"),
        Binding("e", "mark('e')", "Excused"),
        Binding("a", "mark('a')", "Absent"),
        Binding("c", "mark('c')", "Cancelled"),
    ]
    NOUN = "attendance"
    MODEL_ERROR_KEY = "reason"

    def __init__(self, workspace: Workspace, session: Session, title: str) -> None:
        super().__init__(workspace, None)
        self.session = session
        self.session_title = title
        self.roster: list[Patient] = workspace.session_roster(session)
        recorded = workspace.session_attendance(session)
        self.marks: dict[str, Mark] = {
            pid: mark_of(record) for pid, record in recorded.items()
        }
        self._saved_marks = dict(self.marks)

    def title_line(self) -> Content:
        on = self.session.on
        return literal(
            f"Attendance · {self.session_title} · {on:%a} {on.day} {on:%b} "
            f"{self.session.start:%H:%M}-{self.session.end:%H:%M} · {len(self.roster)}"
        )

    def compose_fields(self) -> ComposeResult:
        yield OptionList(*self._options(), id="roster")
        yield FieldRow("Minutes late", Input("10", id="late", compact=True), key="late")
        yield FieldRow(
            "Reason (excused)",
            Input(placeholder="illness, court, work ...", id="reason", compact=True),
            key="reason",
        )
        yield Static(
            literal("p present · l late · e excused · a absent · c cancelled · ctrl+s save all"),
            classes="field-hint",
        )

    def _line(self, patient: Patient) -> Content:
        name = person_name(self.app, patient) if self.is_mounted else patient.display_name
        return literal(f"{name:<28} {mark_text(self.marks.get(patient.id))}")

    def _options(self) -> list[Option]:
        return [Option(self._line(p), id=p.id) for p in self.roster]

    def on_mount(self) -> None:
        super().on_mount()
        roster = self.query_one("#roster", OptionList)
        roster.focus()
        if self.roster:
            roster.highlighted = 0
        if self.session.cancelled:
            self.set_status(f"Cancelled by the program: {self.session.cancel_reason}")
        if hasattr(self.app, "privacy"):
            self.watch(self.app, "privacy", lambda _on: self._show_names(), init=False)

    def _show_names(self) -> None:
        """F2 while the form is open: the roster's names follow privacy mode."""
        roster = self.query_one("#roster", OptionList)
        for index, patient in enumerate(self.roster):
            roster.replace_option_prompt_at_index(index, self._line(patient))

    @property
    def dirty(self) -> bool:
        return not self._done and self.marks != self._saved_marks

    def action_mark(self, key: str) -> None:
        roster = self.query_one("#roster", OptionList)
        index = roster.highlighted
        if index is None or not self.roster:
            return
        patient = self.roster[index]
        status = KEYS[key]
        if status is AttendanceStatus.LATE:
            try:
                minutes = int(self.query_one("#late", Input).value.strip() or "0")
            except ValueError:
                minutes = 0
            if not 1 <= minutes <= 720:
                self.set_status("Type the minutes late (1-720) below, then press l again.")
                return
            mark = Mark(status, late_minutes=minutes)
        elif status is AttendanceStatus.EXCUSED:
            reason = self.query_one("#reason", Input).value.strip()
            if not reason:
                self.set_status("Type the reason below (illness, court, work ...), then press e.")
                self.query_one("#reason", Input).focus()
                return
            mark = Mark(status, reason=reason)
        else:
            mark = Mark(status)
        self.marks[patient.id] = mark
        roster.replace_option_prompt_at_index(index, self._line(patient))
        self.set_status(f"{sum(1 for p in self.roster if p.id in self.marks)} of "
                        f"{len(self.roster)} marked", error=False)
        if index + 1 < len(self.roster):
            roster.highlighted = index + 1

    @on(Input.Submitted, "#reason")
    def _reason_typed(self) -> None:
        self.query_one("#roster", OptionList).focus()

    def build(self) -> dict[str, Mark]:
        changed = {
            pid: mark for pid, mark in self.marks.items() if self._saved_marks.get(pid) != mark
        }
        if not changed:
            raise FormInvalid({"": "nothing marked yet: p, l, e, a or c on a member"})
        return changed

    def checked_payload(self) -> Any | None:
        try:
            return self.build()
        except FormInvalid as exc:
            self.set_status(exc.errors[""])
            return None

    def persist(self, payload: dict[str, Mark]) -> tuple[Session, list[AttendanceRecord]]:
        return self.workspace.record_attendance(self.session, payload)
