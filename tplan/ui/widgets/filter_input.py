"""The caseload's filter box: an Input that never asks for a screen layout while typing."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class FilterInput(Input):
    """A fixed-size Input.

    A stock Input sets its virtual size on every keystroke, and ``virtual_size`` is declared
    with ``layout=True``, so each key would re-arrange the whole screen (about two thirds of
    the work per key). This box has a fixed width and height in the stylesheet, so its size
    never depends on the text and the layout pass is wasted.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
