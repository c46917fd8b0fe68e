"""Flows that start on the patient screen and end in a saved file: decide, note, export."""

from __future__ import annotations

from counselor_steps import keys
from textual.widgets import TextArea

from tplan.domain import DecisionOutcome, LevelCode
from tplan.ui import forms
from tplan.ui.forms.frequency_form import FrequencyForm
from tplan.ui.screens.caseload import CaseloadScreen
from tplan.ui.screens.patient import PatientScreen
from tplan.ui.widgets.caseload_table import CaseloadTable


def caseload_line(app, pid: str):
    caseload = app.screen_stack[0]
    assert isinstance(caseload, CaseloadScreen)
    return next(line for line in caseload.all_lines if line.patient_id == pid)


async def test_accepting_a_step_down_updates_level_history_and_the_badge_at_once(
    app, settle, patient_id, saved, screen_text
) -> None:
    avery = patient_id("Avery")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert caseload_line(app, avery).cells["suggestion"].text == "▼ step down"
        app.screen.query_one(CaseloadTable).move_to(avery)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatientScreen)
        await pilot.press("d")
        await pilot.pause()
        panel = app.screen
        assert isinstance(panel, forms.DecisionPanel)
        panel.query_one("#outcome").focus()
        await pilot.press("enter")  # accept
        panel.query_one("#rationale", TextArea).focus()
        await pilot.press(*keys("All criteria met; she agrees"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FrequencyForm)  # offered after the level change
        await pilot.press("escape")  # nothing typed: the old frequencies stay
        await settle(pilot)
        assert app.screen is screen
        assert "Level 1" in screen_text(app) or " 1 OP" in screen_text(app)
        assert caseload_line(app, avery).cells["suggestion"].text != "▼ step down"
        await pilot.press("escape")
        await settle(pilot)
        assert "▼ step down" not in [
            line.cells["suggestion"].text
            for line in app.screen.query_one(CaseloadTable).lines
            if line.patient_id == avery
        ]
    stored = saved(avery)
    decision = stored.decisions[-1]
    assert decision.outcome is DecisionOutcome.ACCEPT
    assert decision.rationale == "All criteria met; she agrees"
    assert stored.current_level.level is LevelCode.L1


async def test_new_note_from_the_caseload_is_saved_as_a_draft(
    app, settle, patient_id, saved
) -> None:
    bo = patient_id("Bo")
    before = len(saved(bo).notes)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(CaseloadTable).move_to(bo)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, forms.NoteForm)
        assert form.patient_id == bo
        form.query_one("#section_data", TextArea).focus()
        await pilot.press(*keys("Talked about [work] stress"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
    notes = saved(bo).notes
    assert len(notes) == before + 1
    new = [n for n in notes if n.sections.get("data") == "Talked about [work] stress"]
    assert len(new) == 1
    assert not new[0].signed


async def test_enter_on_a_signed_note_shows_it_read_only(app, settle, patient_id) -> None:
    avery = patient_id("Avery")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_patient(avery)
        await settle(pilot)
        screen = app.screen
        screen.query_one("TabbedContent").active = "notes"
        await pilot.pause()
        notes = screen.query_one("#note-list")
        signed = next(
            i
            for i, option in enumerate(notes._options)
            if screen.patient.find_note(option.id.split(":")[1]).signed
        )
        notes.highlighted = signed
        notes.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, forms.NoteView)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_export_key_opens_the_export_form(app, settle, patient_id) -> None:
    avery = patient_id("Avery")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_patient(avery)
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, forms.ExportForm)
        assert app.screen.patient_id == avery


async def test_an_export_shows_in_the_history_with_its_recipient_and_audit(
    app, settle, patient_id, saved, screen_text, tmp_path, monkeypatch
) -> None:
    from test_forms_harness import type_in
    from textual.widgets import TabbedContent

    monkeypatch.chdir(tmp_path)  # the form's default folder
    avery = patient_id("Avery")
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        app.open_patient(avery)
        await settle(pilot)
        screen = app.screen
        screen.query_one(TabbedContent).active = "decisions"
        await settle(pilot)
        before = screen_text(app)
        assert "Disclosures (0)" in before and "no exports yet" in before
        assert "Audit trail (1)" in before  # the demo import
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, forms.ExportForm)
        await type_in(pilot, "recipient", "Dr. [b]Lee[/b] <PCP>")
        await type_in(pilot, "purpose", "care coordination")
        await type_in(pilot, "consent", "consent form signed 2026-03-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        text = screen_text(app)
    (entry,) = saved(avery).disclosures
    assert entry.recipient == "Dr. [b]Lee[/b] <PCP>"
    assert (tmp_path / entry.file_name).exists()
    history = text[text.index("Disclosures (1)") :]
    assert "Dr. [b]Lee[/b] <PCP>" in history  # user text, never markup
    assert "care coordination" in history
    assert "md as of 12 Mar · full" in history
    audit = history[history.index("Audit trail (2)") :]  # the import and the export (its status
    # marks are bookkeeping on the disclosure entry, not audit entries of their own)
    assert audit.index("export") < audit.index("import")  # newest first
    assert "disclosures" in audit  # the changed field, never its content
    assert "care coordination" not in audit
