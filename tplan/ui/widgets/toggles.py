"""Check boxes and radio buttons whose state reads without colour.

Textual draws a checked and an unchecked box alike ("▐X▌") and every radio button as "▐●▌";
only the colour differs, which a 256-colour or monochrome terminal may not show. These draw
the mark only when the box is checked or the button pressed.
"""

from __future__ import annotations

from textual.widgets import Checkbox, RadioButton


class Tick(Checkbox):
    """A check box: ``▐X▌`` when checked, ``▐ ▌`` when not."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # Textual's name
        return "X" if self.value else " "


class Choice(RadioButton):
    """A radio button: ``▐●▌`` when pressed, ``▐○▌`` when not."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # Textual's name
        return "●" if self.value else "○"
