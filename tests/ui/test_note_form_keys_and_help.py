"""The note form at 80x24: F1 lists its keys (the jump keys too) and leaves the typed text be."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import OptionList, TabbedContent, TextArea

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


async def test_a_long_note_is_a_short_preview_in_the_list_and_whole_when_opened(
    app: TplanApp, settle, screen_text, saved: Callable[[str], Patient]
) -> None:
    long_data = " ".join(f"Sentence {i} of what the client said in group." for i in range(110))
    long_data += " END-OF-THE-LONG-DATA"
    assert len(long_data) > 5000
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.open_patient(AVERY)
        await settle(pilot)
        screen = app.screen
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("alt+2")
        app.screen.query_one("#section_data", TextArea).insert(long_data)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        screen.query_one(TabbedContent).active = "notes"
        await settle(pilot)
        shown = screen_text(app)
        assert "Sentence 0 of what the client" in shown
        assert "…" in shown and "END-OF-THE-LONG-DATA" not in shown
        assert "Sentence 5 of" not in shown  # a few lines, not the note
        assert shown.count("✔ signed") >= 3  # the older notes still show beside it
        notes = screen.query_one("#note-list", OptionList)
        notes.focus()
        notes.highlighted = 0  # newest first: the draft just saved
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, forms.NoteForm)
        assert app.screen.query_one("#section_data", TextArea).text == long_data
    stored = [n for n in saved(AVERY).notes if n.sections.get("data") == long_data]
    assert len(stored) == 1
