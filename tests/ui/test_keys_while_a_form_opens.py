"""Keys typed right after `n`, while the note form is still opening, land in its first field.

The keys are posted to the app back to back, as a terminal delivers fast typing: nothing waits
for the form to be painted between them.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from tplan.ui import forms
from tplan.ui.screens.caseload import CaseloadScreen


def type_fast(app, text: str) -> None:
    for ch in text:
        app.post_message(events.Key(ch, ch))


async def test_a_date_typed_right_after_n_is_in_the_date_field_and_saved(
    app, settle, patient_id, saved
) -> None:
    avery = patient_id("Avery")
    before = {n.id for n in saved(avery).notes}
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        assert app.screen.table.current.patient_id == avery
        type_fast(app, "n2026-03-11")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, forms.NoteForm)
        field = form.query_one("#date_of_service", Input)
        assert field.has_focus
        assert field.value == "2026-03-11"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
    (note,) = [n for n in saved(avery).notes if n.id not in before]
    assert note.date_of_service.isoformat() == "2026-03-11"


async def test_keys_typed_while_the_form_opens_do_not_reach_the_caseload(
    app, settle, patient_id
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        caseload = app.screen
        sort_before = caseload.table.lines[:]
        type_fast(app, "nsss")  # `s` sorts the caseload: here it is text for the form
        await settle(pilot)
        assert isinstance(app.screen, forms.NoteForm)
        assert app.screen.query_one("#date_of_service", Input).value == "sss"
        assert caseload.table.lines == sort_before


async def test_keys_typed_right_after_n_on_the_patient_screen_reach_the_form(
    app, settle, patient_id
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_patient(patient_id("Bo"))
        await settle(pilot)
        type_fast(app, "n2026-03-10")
        await settle(pilot)
        assert isinstance(app.screen, forms.NoteForm)
        assert app.screen.query_one("#date_of_service", Input).value == "2026-03-10"


async def test_n_typed_in_the_caseload_filter_is_text(app, settle) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "L", "a", "n", "e")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        assert app.screen.query_one("#filter", Input).value == "Lane"
        assert [line.name for line in app.screen.table.lines] == ["Lane Copperfield"]
