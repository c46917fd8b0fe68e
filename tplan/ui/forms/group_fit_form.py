"""After a saved level change whose schedule the patient's groups no longer fit: leave (or join)
groups from the change's date, saved as one change the counselor confirms; then the
interventions' frequencies are offered (the schedule first, the plan's frequencies after it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Checkbox, Static

from tplan.domain import Patient
from tplan.ui.forms.base import FieldReader, FormScreen
from tplan.ui.forms.fields import FieldRow, checkbox, literal

if TYPE_CHECKING:
    from tplan.services import Workspace
    from tplan.services.group_fit import GroupChoice, GroupFit

Then = Callable[[Screen[object]], None]
"""What comes after the offer (the frequency offer), given the screen that closes."""


def offer_groups(screen: Screen[object], workspace: Workspace, patient_id: str, then: Then) -> None:
    """After a level change was saved from ``screen`` (closing now): open the group form when
    the patient's groups do not fit the new level and there is a group to leave or join; then
    (or at once when nothing is offered) ``then``."""
    fit = workspace.group_fit(patient_id)
    if fit is None or not (fit.leave or fit.join):
        then(screen)
        return
    app = screen.app
    form = GroupFitForm(workspace, patient_id, fit)
    opener = getattr(app.screen, "open_form", None)
    if callable(opener):
        app.call_later(opener, form, lambda _result: then(form))
    else:
        app.call_later(app.push_screen, form, lambda _result: then(form))


def hours_line(fit: GroupFit, hours: float) -> str:
    return f"sessions {round(hours, 1):g} h/wk, level {fit.level_hours:g} h/wk"


def choice_hint(choice: GroupChoice) -> str:
    return f"{choice.hours:g} h in the week · {choice.group.pattern.describe()}"


def leave_text(choice: GroupChoice, on: date) -> str:
    """``leave from 13 Mar`` (with the recorded session that keeps the stay until then)."""
    text = f"leave from {choice.from_day or on:%d %b}"
    if choice.attended is not None:
        text += f" (attended {choice.attended:%d %b})"
    return text


class GroupFitForm(FormScreen[Patient | None]):
    """One checkbox per group: leave (pre-ticked where leaving makes the hours fit) or join
    (never pre-ticked); ctrl+s saves every roster at once, escape keeps the memberships."""

    NOUN = "group memberships"

    def __init__(self, workspace: Workspace, patient_id: str, fit: GroupFit) -> None:
        super().__init__(workspace, patient_id)
        self.fit = fit

    def heading(self) -> str:
        return "Fit the groups to the new level?"

    def compose_fields(self) -> ComposeResult:
        on_day = f"{self.fit.on:%d %b}"
        intro = (
            f"From {on_day}: {hours_line(self.fit, self.fit.hours)}. "
            "Tick what changes (esc keeps the memberships)."
        )
        yield Static(literal(intro), classes="field-hint")
        for n, choice in enumerate(self.fit.leave):
            yield FieldRow(
                choice.group.name,
                checkbox(f"leave_{n}", leave_text(choice, self.fit.on), choice.ticked),
                hint=choice_hint(choice),
            )
        for n, choice in enumerate(self.fit.join):
            yield FieldRow(
                choice.group.name,
                checkbox(f"join_{n}", f"join from {on_day}", False),
                hint=choice_hint(choice),
            )
        yield Static(literal(self._after_text()), id="hours-after", classes="field-hint")

    def _ticked(self) -> tuple[set[str], set[str]]:
        r = FieldReader(self)
        leaving = {c.group.id for n, c in enumerate(self.fit.leave) if r.flag(f"leave_{n}")}
        joining = {c.group.id for n, c in enumerate(self.fit.join) if r.flag(f"join_{n}")}
        return leaving, joining

    def _after_text(self) -> str:
        if self.is_mounted:
            leaving, joining = self._ticked()
        else:
            leaving, joining = {c.group.id for c in self.fit.leave if c.ticked}, set()
        after = self.fit.hours_after(leaving, joining)
        fits = "fits" if self.fit.fits_after(leaving, joining) else "does not fit"
        return f"After: {hours_line(self.fit, after)} ({fits})"

    @on(Checkbox.Changed)
    def _show_hours_after(self) -> None:
        self.query_one("#hours-after", Static).update(literal(self._after_text()))

    def build(self) -> tuple[set[str], set[str]]:
        return self._ticked()

    def persist(self, payload: tuple[set[str], set[str]]) -> Patient:
        leaving, joining = payload
        assert self.patient_id is not None
        if leaving or joining:
            self.workspace.fit_groups(self.patient_id, self.fit.on, leaving, joining)
        return self.workspace.patient(self.patient_id)
