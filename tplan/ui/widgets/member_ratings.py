"""The one-line ratings of a group member's part, set with single keys.

``e`` engaged, ``m`` minimal, ``d`` disruptive, ``l`` left early (participation, then on to
the member's text); ``0``-``9`` craving (``1`` then ``0`` is 10, backspace clears it); ``u``
cycles use reported (not asked, no, yes); ``n`` rates every unrated objective "no change".
The widget only reports the keys (``RatingsBar.Rated``); the screen owns the member's part.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.message import Message
from textual.widgets import Static

from tplan.domain.group_notes import Participation

PARTICIPATION_KEYS = {
    "e": Participation.ENGAGED,
    "m": Participation.MINIMAL,
    "d": Participation.DISRUPTIVE,
    "l": Participation.LEFT_EARLY,
}


class RatingsBar(Static, can_focus=True):
    """Participation, craving, use and "no change" for the shown member, one key each."""

    DEFAULT_CSS = """
    RatingsBar { height: 1; padding: 0 1; background: $boost; }
    RatingsBar:focus { background: $accent 30%; text-style: bold; }
    """

    @dataclass
    class Rated(Message):
        """A rating key: ``kind`` is participation, craving, use or no_change."""

        kind: str
        value: object = None

    HINT: ClassVar[str] = "e/m/d/l participation · 0-10 craving · u use · n objectives no change"

    def on_key(self, event: events.Key) -> None:
        key = event.key
        rated: RatingsBar.Rated | None = None
        if key in PARTICIPATION_KEYS:
            rated = self.Rated("participation", PARTICIPATION_KEYS[key])
        elif key.isdigit() and len(key) == 1:
            rated = self.Rated("craving", int(key))
        elif key == "backspace":
            rated = self.Rated("craving", None)
        elif key == "u":
            rated = self.Rated("use")
        elif key == "n":
            rated = self.Rated("no_change")
        if rated is not None:
            event.stop()
            event.prevent_default()
            self.post_message(rated)
