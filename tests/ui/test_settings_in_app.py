"""The app follows the counselor's settings: theme, the "mine" name and a new note's format."""

from __future__ import annotations

from pathlib import Path

from tplan.domain import NoteFormat
from tplan.settings import load_settings
from tplan.ui.app import make_app
from tplan.ui.forms import NoteForm

AVERY = "demo-avery-quill"


async def test_a_new_note_takes_the_format_from_the_settings_file(
    workspace, clock, settle, saved, tmp_path: Path
) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('note_format = "SOAP"\ntheme = "light"\nstart_screen = "caseload"\n'
                    'clinician = "R. Osei"\n')
    settings = load_settings(path, environ={})
    app = make_app(workspace, clock=clock, settings=settings, idle_privacy_minutes=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-light"
        assert app.me == "R. Osei"
        await pilot.press("slash", *"Avery", "enter")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NoteForm)
        assert form.query_one("#format").value == NoteFormat.SOAP
        form.query_one("#section_subjective").load_text("Slept better this week")
        await pilot.press("ctrl+s")
        await settle(pilot)
    notes = saved(AVERY).notes
    assert notes[-1].format == NoteFormat.SOAP
    assert notes[-1].sections["subjective"] == "Slept better this week"
