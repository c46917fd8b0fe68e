"""The note form paints its first screenful and mounts the rest right after: keys typed, saved
or jumped while that happens land where they belong, and a draft keeps every field.

The keys are posted to the app back to back, as a terminal delivers fast typing: nothing waits
for the form to be painted between them."""

from __future__ import annotations

import asyncio

from textual import events
from textual.widgets import Input, Select, TextArea

from tplan.domain import NoteFormat
from tplan.ui import forms
from tplan.ui.screens.caseload import CaseloadScreen
from tplan.ui.screens.patient import PatientScreen


def post_keys(app, *keys: str) -> None:
    """Keys posted back to back, as a terminal delivers fast typing: nothing waits between."""
    for key in keys:
        character = key if len(key) == 1 else None
        app.post_message(events.Key(key, character))


def typed_field(app, field_id: str) -> Input:
    """The note form's field the keys went to: the form is open and that field has focus."""
    form = app.screen
    assert isinstance(form, forms.NoteForm)
    field = form.query_one(f"#{field_id}", Input)
    assert field.has_focus
    return field


async def test_a_note_typed_and_saved_before_the_form_finished_opening_is_saved(
    app, settle, patient_id, saved
) -> None:
    """Two notes from the caseload: one typed and saved before the form finished opening, one
    whose date, typed right after `n`, is in the focused date field once the form is open."""
    avery = patient_id("Avery")
    before = {n.id for n in saved(avery).notes}
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.table.current.patient_id == avery
        post_keys(app, "n", *"2026-03-10", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        assert app.screen.table.current.patient_id == avery

        post_keys(app, "n", *"2026-03-11")
        await settle(pilot)
        assert typed_field(app, "date_of_service").value == "2026-03-11"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
    notes = [n for n in saved(avery).notes if n.id not in before]
    assert sorted(n.date_of_service.isoformat() for n in notes) == ["2026-03-10", "2026-03-11"]


async def test_keys_typed_while_the_form_opens_do_not_reach_the_caseload(app, settle) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        caseload = app.screen
        sort_before = caseload.table.lines[:]
        post_keys(app, *"nsss")  # `s` sorts the caseload: here it is text for the form
        await settle(pilot)
        assert typed_field(app, "date_of_service").value == "sss"
        assert caseload.table.lines == sort_before


async def test_keys_typed_right_after_n_on_the_patient_screen_reach_the_form(
    app, settle, patient_id
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_patient(patient_id("Bo"))
        await settle(pilot)
        post_keys(app, "n", *"2026-03-10")
        await settle(pilot)
        assert typed_field(app, "date_of_service").value == "2026-03-10"


async def test_n_typed_in_the_caseload_filter_is_text(app, settle) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "L", "a", "n", "e")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        assert app.screen.query_one("#filter", Input).value == "Lane"
        assert [line.name for line in app.screen.table.lines] == ["Lane Copperfield"]


async def test_alt_5_right_after_n_puts_the_answers_in_the_phq9_field(
    app, settle, patient_id
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        post_keys(app, "n", "alt+5", *"102")
        await settle(pilot)
        assert typed_field(app, "phq9").value == "102"
        assert app.screen.query_one("#date_of_service", Input).value == "2026-03-12"


async def test_a_draft_saved_at_once_keeps_its_lower_fields(
    app, settle, patient_id, saved
) -> None:
    bo = patient_id("Bo")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_patient(bo)
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#section_data", TextArea).text = "Talked through the weekend."
        form.query_one("#craving", Input).value = "4"
        form.query_one("#phq9", Input).value = "1 0 1 0 1 0 0 0 0"
        form.query_one("#risk_observations", TextArea).text = "No thoughts of self-harm."
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
        (draft,) = [
            n for n in saved(bo).notes if n.sections.get("data") == "Talked through the weekend."
        ]
        # reopen the draft from the notes tab and save it straight away
        app.screen.query_one("#tabs").active = "notes"
        await settle(pilot)
        notes = app.screen.query_one("#note-list")
        notes.highlighted = next(
            i
            for i in range(notes.option_count)
            if (notes.get_option_at_index(i).id or "").startswith(f"note:{draft.id}")
        )
        post_keys(app, "enter")
        for _ in range(10_000):  # yield to the app until the form is pushed, not a moment more
            if isinstance(app.screen, forms.NoteForm):
                break
            await asyncio.sleep(0)
        assert isinstance(app.screen, forms.NoteForm), "the draft never opened"
        assert not app.screen.query("#risk_observations")  # not mounted yet
        post_keys(app, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
    again = saved(bo).find_note(draft.id)
    assert again == draft
    assert again.craving == 4 and again.risk_observations == "No thoughts of self-harm."
    assert [m.items for m in again.measures] == [[1, 0, 1, 0, 1, 0, 0, 0, 0]]


async def test_switching_format_puts_the_new_sections_in_order_above_the_rest(
    app, settle, patient_id
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#section_data", TextArea).text = "Kept while SOAP is shown"
        form.query_one("#format", Select).value = NoteFormat.SOAP
        await settle(pilot)
        rows = [row.key for row in form.query(forms.FieldRow) if row.display]
        sections = [key for key in rows if key.startswith("section_")]
        assert sections == [
            "section_subjective",
            "section_objective",
            "section_assessment",
            "section_plan",
        ]
        assert rows.index("format") < rows.index("section_subjective")
        assert rows.index("section_plan") < rows.index("craving") < rows.index("screen")
        assert "Kept, but not saved as SOAP: Data" in str(form.query_one("#sections-kept").render())


async def test_a_value_typed_right_before_ctrl_s_is_in_the_saved_draft(
    app, settle, patient_id, saved
) -> None:
    """ctrl+s is a priority key: it runs as it arrives, while the digit typed just before it
    still waits in the field's queue. The save takes what was typed first."""
    avery = patient_id("Avery")
    before = {n.id for n in saved(avery).notes}
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#craving", Input).focus()
        await pilot.pause()
        post_keys(app, "7", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
    (note,) = [n for n in saved(avery).notes if n.id not in before]
    assert note.craving == 7
