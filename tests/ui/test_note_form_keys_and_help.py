"""The note form at 80x24: F1 lists its keys (the jump keys too) and leaves the typed text be."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import TextArea

from tplan.domain import Patient
from tplan.ui import forms
from tplan.ui.app import TplanApp
from tplan.ui.screens.help import HelpScreen
from tplan.ui.screens.patient import PatientScreen

SMALL = (80, 24)
AVERY = "demo-avery-quill"


async def test_f1_in_the_note_form_shows_its_keys_and_escape_returns_to_the_text(
    app: TplanApp, settle, screen_text, saved: Callable[[str], Patient]
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.open_patient(AVERY)
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        note = app.screen
        assert isinstance(note, forms.NoteForm)
        assert "f1 Help" in screen_text(app)  # the footer says so
        await pilot.press("alt+2")
        data = note.query_one("#section_data", TextArea)
        data.insert("Asked for help mid-note")
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        for key, what in (("^s", "Save draft"), ("^g", "Sign"),
                          ("alt+1", "Go to: session"), ("alt+2", "Go to: the note's text")):
            assert key in shown and what in shown, (key, what)
        await pilot.press("f1")  # F1 again closes the help, as escape does
        await settle(pilot)
        assert app.screen is note
        assert data.text == "Asked for help mid-note"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
    assert any(n.sections.get("data") == "Asked for help mid-note" for n in saved(AVERY).notes)


async def test_f1_works_in_every_form_not_only_the_note(app: TplanApp, settle) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.open_patient(AVERY)
        await settle(pilot)
        await pilot.press("g")  # a goal
        await settle(pilot)
        assert isinstance(app.screen, forms.FormScreen)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
