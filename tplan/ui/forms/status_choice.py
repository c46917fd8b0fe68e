"""``space`` on an objective: choose its new status from a short list (nothing saved until
``enter``), instead of a cycle that saved every step and made one press too many a record."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tplan.domain import ObjectiveStatus
from tplan.ui.compat import RestylesOnlyWhenStale
from tplan.ui.forms.fields import literal

STATUS_WORDS = {
    ObjectiveStatus.NOT_STARTED: "○ not started",
    ObjectiveStatus.IN_PROGRESS: "◐ in progress",
    ObjectiveStatus.ACHIEVED: "✔ achieved",
    ObjectiveStatus.NOT_ACHIEVED: "✖ not achieved",
    ObjectiveStatus.CANCELLED: "– cancelled",
}


class StatusChoice(RestylesOnlyWhenStale, ModalScreen[ObjectiveStatus | None]):
    """Pick a status (the suggested next one highlighted); escape keeps the current one."""

    DEFAULT_CSS = """
    StatusChoice { align: center middle; background: $background 60%; }
    StatusChoice > #status-frame {
        width: 44; height: auto; border: thick $accent; background: $surface; padding: 0 1;
    }
    StatusChoice OptionList { height: auto; max-height: 9; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Keep it")]

    def __init__(
        self, heading: str, current: ObjectiveStatus, suggested: ObjectiveStatus
    ) -> None:
        super().__init__()
        self.heading = heading
        self.current = current
        self.suggested = suggested

    def compose(self) -> ComposeResult:
        with Vertical(id="status-frame"):
            yield Static(literal(self.heading), id="status-heading")
            yield OptionList(
                *(
                    Option(
                        literal(text + ("  (now)" if status is self.current else "")),
                        id=status.value,
                    )
                    for status, text in STATUS_WORDS.items()
                ),
                id="status-options",
            )
            yield Static(literal("enter records it today · esc keeps it"), classes="field-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = list(STATUS_WORDS).index(self.suggested)
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        status = ObjectiveStatus(event.option.id)
        self.dismiss(None if status is self.current else status)

    def action_cancel(self) -> None:
        self.dismiss(None)
