"""After an accepted level change: the plan's intervention frequencies, each with what the new
schedule suggests, saved as one change the counselor confirms (issue #16 item 5)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from tplan.domain import Patient
from tplan.ui.forms.base import FieldReader, FormScreen
from tplan.ui.forms.fields import FieldRow, literal, number_input
from tplan.ui.forms.parsing import parse_number
from tplan.ui.forms.plan_forms import MODALITY_LABELS

if TYPE_CHECKING:
    from tplan.services import Workspace
    from tplan.services.frequencies import FrequencyFit

MAX_TIMES = 21.0


def cadence_text(before: date | None, after: date | None) -> str:
    """The review due date a level change moved, in words ("" when it did not move)."""
    if before is None or after is None or before == after:
        return ""
    return f"review due moves from {before:%d %b} to {after:%d %b} (the new cadence)"


def offer_frequencies(
    screen: Screen[object],
    workspace: Workspace,
    patient_id: str,
    changed: str,
    *,
    only_changes: bool = False,
) -> None:
    """After a level change was saved from ``screen`` (closing now): open the frequency form
    when the plan has active interventions (``only_changes``: one whose frequency would
    change), over whatever screen comes back."""
    fits = workspace.frequency_fits(patient_id)
    if not fits or (only_changes and not any(fit.changes for fit in fits)):
        return
    app = screen.app
    form = FrequencyForm(workspace, patient_id, fits, changed)
    opener = getattr(app.screen, "open_form", None)
    app.call_later(opener if callable(opener) else app.push_screen, form)


def fit_label(fit: FrequencyFit) -> str:
    modality = fit.intervention.modality
    return MODALITY_LABELS.get(modality, modality.value.replace("_", " "))


def fit_hint(fit: FrequencyFit) -> str:
    """What the intervention is, which objective it serves (two alike differ by it), and
    what the new schedule makes of its frequency."""
    iv = fit.intervention
    was = f"{iv.description}: " if iv.description else ""
    was += f"was {iv.times_per_week:g}×/wk"
    was += ", fits the new schedule" if fit.changes else ", unchanged"
    return f"{fit.objective} · {was}" if fit.objective else was


class FrequencyForm(FormScreen[Patient | None]):
    """Times a week per intervention, prefilled with what fits the new level; ctrl+s saves them
    all at once, escape keeps the old frequencies."""

    NOUN = "frequencies"

    def __init__(
        self, workspace: Workspace, patient_id: str, fits: list[FrequencyFit], changed: str = ""
    ) -> None:
        super().__init__(workspace, patient_id)
        self.fits = fits
        self.changed = changed
        """What the level change already changed (the review cadence), shown on top."""

    def heading(self) -> str:
        return "Update the interventions for the new level?"

    def compose_fields(self) -> ComposeResult:
        intro = "Times a week for the new schedule (esc keeps the old frequencies)."
        yield Static(
            literal("\n".join(p for p in (self.changed, intro) if p)), classes="field-hint"
        )
        for n, fit in enumerate(self.fits):
            yield FieldRow(
                fit_label(fit),
                number_input(f"times_{n}", fit.proposed, lambda t: parse_number(t, 0, MAX_TIMES)),
                key=f"times_{n}",
                hint=fit_hint(fit),
            )

    def build(self) -> dict[str, float]:
        r = FieldReader(self)
        values = {
            fit.intervention.id: r.number(f"times_{n}", 0, MAX_TIMES, required=True, above_low=True)
            for n, fit in enumerate(self.fits)
        }
        r.check()
        return {
            iv_id: value
            for (iv_id, value), fit in zip(values.items(), self.fits, strict=True)
            if value is not None and value != fit.intervention.times_per_week
        }

    def persist(self, payload: dict[str, float]) -> Patient:
        if not payload:
            return self.workspace.patient(self.patient_id)
        return self.workspace.set_frequencies(self.patient_id, payload)
