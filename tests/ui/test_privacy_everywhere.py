"""Issue #16 item 3: with privacy on (F2) no screen shows a name the record knows - a patient's,
a support person's, a group member's - only initials. The test walks every screen of the demo
clinic by keys at 80x24 and scans what the terminal shows for each first name and surname."""

from __future__ import annotations

import re
from datetime import date

import pytest
from counselor_steps import today_app
from textual.pilot import Pilot

from tplan.services import FixedClock, Workspace
from tplan.services.demo import load_demo
from tplan.settings import Settings
from tplan.ui.app import TplanApp, make_app
from tplan.ui.forms.note_form import NoteForm
from tplan.ui.forms.note_view import NoteView
from tplan.ui.screens.caseload import CaseloadScreen
from tplan.ui.screens.group_session import GroupSessionScreen
from tplan.ui.screens.help import HelpScreen
from tplan.ui.screens.patient import TABS, PatientScreen
from tplan.ui.screens.today import TodayScreen
from tplan.ui.screens.week import WeekScreen

SMALL = (80, 24)
EVENING = "Evening relapse prevention"
TITLES = {"Ms", "Mr", "Mrs", "Dr", "Mx"}


def demo_name_words(today: date) -> set[str]:
    """Every first name and surname of the demo's patients and support people."""
    names = []
    for patient in load_demo(today):
        names += [patient.display_name, *(person.name for person in patient.supports)]
    return {
        word
        for name in names
        for word in re.findall(r"[A-Z][\w'-]+", name)
        if word not in TITLES
    }


class Scanner:
    """Looks at the whole terminal and remembers every name it found, screen by screen."""

    def __init__(self, app: TplanApp, words: set[str], screen_text) -> None:
        self.app, self.screen_text = app, screen_text
        self.pattern = re.compile(r"\b(" + "|".join(sorted(words)) + r")\b")
        self.leaks: dict[str, set[str]] = {}
        self.seen: list[str] = []

    def __call__(self, where: str) -> str:
        shown = self.screen_text(self.app)
        self.seen.append(where)
        found = set(self.pattern.findall(shown))
        if found:
            self.leaks[where] = found
        return shown


async def go(pilot: Pilot[None], settle, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


@pytest.mark.every_frame  # painted as a terminal would, frame by frame
async def test_privacy_shows_only_initials_on_every_screen(
    clinic: Workspace, clock: FixedClock, today: date, settle, screen_text
) -> None:
    app = today_app(clinic, clock)
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        scan = Scanner(app, demo_name_words(today), screen_text)
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert re.search(r"\bQuill\b", screen_text(app)), "the demo shows names before F2"
        await go(pilot, settle, "f2")
        scan("today")
        assert "◉ privacy" in scan("today")

        await go(pilot, settle, "w")
        assert isinstance(app.screen, WeekScreen)
        scan("week")
        await go(pilot, settle, "escape")

        agenda = app.screen.agenda
        evening = next(n for n, s in enumerate(agenda.sessions) if s.title == EVENING)
        await go(pilot, settle, *["down"] * evening, "g")
        assert isinstance(app.screen, GroupSessionScreen)
        scan("group session")
        await go(pilot, settle, "ctrl+r", "]")  # the next member's part
        scan("group session, next member")
        await go(pilot, settle, "escape")

        await go(pilot, settle, "c")
        assert isinstance(app.screen, CaseloadScreen)
        for row in range(6):  # the explanation line follows the highlighted row
            scan(f"caseload row {row}")
            await go(pilot, settle, "down")
        await go(pilot, settle, "f1")
        assert isinstance(app.screen, HelpScreen)
        scan("help")
        await go(pilot, settle, "escape")

        for name in ("B.M.", "D.F.", "A.Q."):  # privacy on: the filter knows initials only
            await go(pilot, settle, "slash", *name, "enter")
            if not isinstance(app.screen, PatientScreen):
                await go(pilot, settle, "enter")
            screen = app.screen
            assert isinstance(screen, PatientScreen)
            for tab_id, _label in TABS:
                screen.query_one("TabbedContent").active = tab_id
                await settle(pilot)
                scan(f"{name}: {tab_id}")
            screen.query_one("TabbedContent").active = "notes"
            await settle(pilot)
            screen.query_one("#note-list").focus()
            await go(pilot, settle, "enter")
            if isinstance(app.screen, NoteView):
                scan(f"{name}: note view")
                await go(pilot, settle, "escape")
            await go(pilot, settle, "n")
            assert isinstance(app.screen, NoteForm)
            scan(f"{name}: note form")
            await go(pilot, settle, "escape")
            await go(pilot, settle, "escape")
            assert isinstance(app.screen, CaseloadScreen)
            await go(pilot, settle, "slash", *["backspace"] * len(name), "enter")

        app.notify("Saved the note of Bo Marchetti; Dee Marchetti called.")
        await pilot.pause(0.3)
        scan("toast")

        assert not scan.leaks, scan.leaks
        assert len(scan.seen) > 30

        await go(pilot, settle, "f2")
        assert "Marchetti" in screen_text(app)


async def test_a_support_person_added_with_privacy_on_shows_as_initials(
    clinic: Workspace, clock: FixedClock, settle, screen_text, saved
) -> None:
    """The names privacy masks are read again after a save: a support person added while
    privacy is on shows as initials on the Supports tab and in a toast naming her."""
    from test_forms_harness import choose, type_in

    settings = Settings(clinician="J. Park", start_screen="caseload", privacy_after_minutes=0)
    app = make_app(clinic, clock=clock, settings=settings)
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        await go(pilot, settle, "f2", "slash", *"A.Q.", "enter")
        if not isinstance(app.screen, PatientScreen):
            await go(pilot, settle, "enter")
        screen = app.screen
        assert isinstance(screen, PatientScreen)
        screen.query_one("TabbedContent").active = "supports"
        await go(pilot, settle, "a")
        await type_in(pilot, "name", "Zelda Quimby")
        await choose(pilot, "role", "sponsor")
        await go(pilot, settle, "ctrl+s")
        assert app.screen is screen
        app.notify("Zelda Quimby phoned")  # a toast naming her, as a save's message may
        await settle(pilot)
        shown = screen_text(app)
        assert "Z.Q." in shown
        assert not re.search(r"\b(Zelda|Quimby)\b", shown)
    assert saved("demo-avery-quill").supports[-1].name == "Zelda Quimby"
