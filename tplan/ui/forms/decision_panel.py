"""The decision panel: the engine's suggestion with every reason, and the clinician's answer.

tplan never changes a level by itself: accepting records the target level or schedule (with its
history entry), declining and deferring keep the level; every answer needs a rationale and keeps
a copy of the suggestion it answered.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import RadioSet, Static

from tplan.domain import (
    Criterion,
    DecisionOutcome,
    Patient,
    RuleHit,
    Suggestion,
    SuggestionKind,
)
from tplan.domain.rules import follow_up_problem
from tplan.ui.forms.base import FieldReader, FormScreen
from tplan.ui.forms.fields import FieldRow, date_input, literal, text_area
from tplan.ui.forms.frequency_form import cadence_text, offer_frequencies
from tplan.ui.forms.group_fit_form import offer_groups
from tplan.ui.widgets.caseload_model import BADGES
from tplan.ui.widgets.toggles import Choice

if TYPE_CHECKING:
    from tplan.services import Workspace
    from tplan.services.workspace import AcceptPreview

OUTCOMES = (DecisionOutcome.ACCEPT, DecisionOutcome.DECLINE, DecisionOutcome.DEFER)
FIRED_SYMBOL = {
    SuggestionKind.SAFETY_REVIEW: "!!",
    SuggestionKind.STEP_UP: "▲▲",
    SuggestionKind.INTENSIFY: "▲",
    SuggestionKind.STEP_DOWN: "▼",
    SuggestionKind.TAPER: "↘",
    SuggestionKind.CONTINUE: "=",
}
KIND_STYLE = {
    SuggestionKind.SAFETY_REVIEW: "bold red",
    SuggestionKind.STEP_UP: "bold red",
    SuggestionKind.INTENSIFY: "bold yellow",
    SuggestionKind.STEP_DOWN: "bold green",
    SuggestionKind.TAPER: "bold green",
    SuggestionKind.CONTINUE: "bold",
}


def _lines(title: str, rows: list[tuple[str, str, str]]) -> list[RenderableType]:
    """A heading and one ``symbol  message`` line per row; long messages wrap under themselves."""
    if not rows:
        return []
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, no_wrap=True)
    grid.add_column(ratio=1)
    for symbol, style, message in rows:
        grid.add_row(Text(symbol, style=style), Text(message))
    return [Text(""), Text(title, style="bold"), grid]


def _criteria(title: str, criteria: list[Criterion]) -> list[RenderableType]:
    return _lines(
        title, [("✔", "green", c.message) if c.met else ("✖", "red", c.message) for c in criteria]
    )


def _reasons(suggestion: Suggestion) -> list[RuleHit]:
    """The fired rules, each message once: the same evidence often fires a rule of two kinds
    ("2 use events ..." steps up and intensifies); it shows under the first, strongest kind."""
    seen: set[str] = set()
    reasons = []
    for hit in suggestion.fired:
        if hit.message not in seen:
            seen.add(hit.message)
            reasons.append(hit)
    return reasons


def explain(suggestion: Suggestion) -> Group:
    """Headline, the rules that fired, the criteria (met ✔ / unmet ✖) and the alerts."""
    kind = suggestion.kind
    head = Text()
    head.append(f"{BADGES[kind].split(' ', 1)[0]} {suggestion.headline}", style=KIND_STYLE[kind])
    head.append(f"  as of {suggestion.as_of:%d %b}", style="dim")
    parts: list[RenderableType] = [head]
    if suggestion.target is not None:
        target = Text("   target: ", style="dim")
        target.append(suggestion.target.description, style="")
        if suggestion.target.added_services:
            target.append(" · add " + ", ".join(suggestion.target.added_services), style="")
        parts.append(target)
    why = [(FIRED_SYMBOL[h.kind], KIND_STYLE[h.kind], h.message) for h in _reasons(suggestion)]
    parts += _lines("Why", why)
    if kind is SuggestionKind.STEP_DOWN:
        parts += _criteria("Step-down criteria", suggestion.step_down_criteria)
    elif kind is SuggestionKind.TAPER:
        parts += _criteria("Taper criteria", suggestion.taper_criteria)
        parts += _criteria("Still unmet for a step down", suggestion.unmet_step_down)
    else:
        met = len(suggestion.step_down_criteria) - len(suggestion.unmet_step_down)
        title = f"Still unmet for a step down ({met} of {len(suggestion.step_down_criteria)} met)"
        parts += _criteria(title, suggestion.unmet_step_down)
    parts += _lines(
        "Alerts",
        [
            ("!!", "bold red", a.message) if a.safety else ("!", "yellow", a.message)
            for a in suggestion.alerts
        ],
    )
    return Group(*parts)


def preview_text(preview: AcceptPreview, shown: int = 3) -> str:
    """What else accepting changes: the review cadence, and (``shown`` of) the frequencies
    set for the old level."""
    cadence = cadence_text(preview.review_due_before, preview.review_due_after)
    lines = [cadence] if cadence else []
    if preview.interventions and shown:
        listed = ", ".join(
            f"{i.description or i.modality.value} {i.times_per_week:g}×/wk"
            for _, i in preview.interventions[:shown]
        )
        extra = len(preview.interventions) - shown
        more = f" (+{extra} more)" if extra > 0 else ""
        lines.append(
            f"interventions set for the old level: {listed}{more} "
            "(accepting offers new frequencies next)"
        )
    return "\n".join(lines)


def accept_effect(suggestion: Suggestion) -> str:
    """What pressing accept records, in words."""
    target = suggestion.target
    if suggestion.kind is SuggestionKind.SAFETY_REVIEW:
        return "accept: the safety review is done today (record it in a note or review)"
    if target is None:
        return "accept: nothing changes in the schedule"
    if target.level is None:
        return "accept: discharge to aftercare is the next step (x on the patient screen)"
    if target.days_per_week is None and target.hours_per_week is None:
        return f"accept: {target.description}"
    return f"accept: level and schedule become {target.description}, from today"


class DecisionPanel(FormScreen[Patient | None]):
    """``d`` on a patient: read the suggestion, then accept, decline or defer with a reason."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Record decision", id="save", priority=True),
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]
    NOUN = "decision"
    BODY_FOCUSABLE = True

    def __init__(self, workspace: Workspace, patient_id: str):
        super().__init__(workspace, patient_id)
        self.suggestion: Suggestion | None = None
        self.recorded: DecisionOutcome | None = None

    def heading(self) -> str:
        return "Decide on the suggestion"

    def compose_fields(self) -> ComposeResult:
        self.suggestion = self.workspace.suggest(self.patient_id, self.today())
        self.preview = self.workspace.accept_preview(self.patient_id, self.suggestion)
        yield Static(explain(self.suggestion), id="suggestion", classes="readonly")
        effect = "\n".join(
            part for part in (accept_effect(self.suggestion), preview_text(self.preview)) if part
        )
        yield Static(literal(effect), id="accept-effect", classes="field-hint")
        yield FieldRow(
            "Decision",
            RadioSet(  # nothing chosen: accepting is a choice, not a default
                *(Choice(o.value, id=f"outcome_{o.value}") for o in OUTCOMES),
                id="outcome",
            ),
            key="outcome",
        )
        yield FieldRow(
            "Follow up on",
            date_input(
                "follow_up_on", self.workspace.default_follow_up(), self.today, direction="future"
            ),
            hint="when to look again (+14, fri); it appears on the worklist",
        )
        yield FieldRow(
            "Rationale",
            text_area("rationale", placeholder="required: why you accept, decline or defer"),
        )

    def on_mount(self) -> None:
        super().on_mount()
        self._show_follow_up()

    @on(RadioSet.Changed, "#outcome")
    def _show_follow_up(self) -> None:
        deferring = self.query_one("#outcome", RadioSet).pressed_index == OUTCOMES.index(
            DecisionOutcome.DEFER
        )
        self.query_one("#row-follow_up_on", FieldRow).display = deferring

    def build(self) -> tuple[DecisionOutcome, str, date | None]:
        r = FieldReader(self)
        index = r.radio("outcome")
        rationale = r.text("rationale")
        follow_up = r.date("follow_up_on")
        if index < 0:
            r.fail("outcome", "choose accept, decline or defer")
        elif problem := follow_up_problem(OUTCOMES[index], follow_up, self.today()):
            r.fail("follow_up_on", problem)
        if not rationale.strip():
            r.fail("rationale", "write the rationale: it is kept with the decision")
        r.check()
        outcome = OUTCOMES[index]
        return outcome, rationale, follow_up if outcome is DecisionOutcome.DEFER else None

    def persist(self, payload: tuple[DecisionOutcome, str, date | None]) -> Patient:
        assert self.suggestion is not None
        outcome, rationale, follow_up = payload
        self.recorded = outcome
        self.workspace.record_decision(
            self.patient_id, self.suggestion, outcome, rationale, follow_up
        )
        return self.workspace.patient(self.patient_id)

    def on_unmount(self) -> None:
        """After an accepted level change, offer the groups when they no longer fit it, then
        the interventions' frequencies that fit it."""
        accepted = self.recorded is DecisionOutcome.ACCEPT
        if not (self._done and accepted and self.preview.review_due_after is not None):
            return
        ws, pid, changed = self.workspace, self.patient_id, preview_text(self.preview, 0)
        assert pid is not None
        offer_groups(self, ws, pid, lambda closing: offer_frequencies(closing, ws, pid, changed))
