"""Pick a group session to document: today's groups, or every group's latest session."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tplan.domain import TreatmentGroup
from tplan.services import SessionKey
from tplan.services.agenda import day_text
from tplan.ui.compat import RestylesOnlyWhenStale
from tplan.ui.forms.fields import literal


class GroupPicker(RestylesOnlyWhenStale, ModalScreen[SessionKey | None]):
    """A list of group sessions; ``enter`` opens one, ``escape`` closes."""

    DEFAULT_CSS = """
    GroupPicker { align: center middle; background: $background 60%; }
    GroupPicker > #picker-frame {
        width: 70; max-width: 100%; height: auto; max-height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    GroupPicker OptionList { height: auto; max-height: 16; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Close")]

    def __init__(self, title: str, sessions: list[tuple[TreatmentGroup, SessionKey]]) -> None:
        super().__init__()
        self.title_text = title
        self.sessions = sessions

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-frame"):
            yield Static(literal(self.title_text))
            yield OptionList(
                *(
                    Option(
                        literal(
                            f"{group.name} · {day_text(key.on)} · "
                            f"{len(group.members_on(key.on))} members"
                        ),
                        id=str(n),
                    )
                    for n, (group, key) in enumerate(self.sessions)
                ),
                id="picker-list",
            )

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.sessions[int(event.option.id or 0)][1])
