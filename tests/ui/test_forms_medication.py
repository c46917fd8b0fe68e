"""Medications and naloxone checks, typed into their forms and through the patient screen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from test_forms_harness import SIZE, FormHarness, choose, errors, settle, type_in
from textual.widgets import Checkbox, TabbedContent

from tplan.domain import NaloxoneCheck, Patient
from tplan.services import FixedClock, Workspace
from tplan.ui.forms import MedicationForm, NaloxoneForm, NoteForm
from tplan.ui.screens.help import screen_bindings
from tplan.ui.screens.patient import PatientScreen

AVERY = "demo-avery-quill"  # no medications, never asked about naloxone
BO = "demo-bo-marchetti"  # buprenorphine/naloxone (MOUD), naloxone on hand


async def test_new_medication_saved_as_typed(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    app = FormHarness(workspace, clock, lambda ws: MedicationForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "name", "naltrexone [ER]")
        await type_in(pilot, "dose", "380 mg monthly")
        await type_in(pilot, "prescriber", "Dr. Okafor")
        await type_in(pilot, "start", "2026-02-20")
        await pilot.press("tab")
        app.form.query_one("#moud", Checkbox).focus()
        await pilot.press("space")
        await type_in(pilot, "screens_as", "naltrexone,  6-beta-naltrexol ,")
        await pilot.press("ctrl+s")
        await settle(pilot)
    (medication,) = saved(AVERY).medications
    assert medication.name == "naltrexone [ER]"
    assert (medication.dose, medication.prescriber) == ("380 mg monthly", "Dr. Okafor")
    assert (medication.start, medication.stop, medication.moud) == (date(2026, 2, 20), None, True)
    assert medication.screens_as == ["naltrexone", "6-beta-naltrexol"]


async def test_medication_stop_before_start_is_refused_beside_stop(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    app = FormHarness(workspace, clock, lambda ws: MedicationForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert set(errors(app)) == {"name"}
        await type_in(pilot, "name", "methadone")
        await type_in(pilot, "start", "2026-03-01")
        await type_in(pilot, "stop", "2026-02-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "before the start" in errors(app)["stop"]
        assert app.results == []
    assert saved(AVERY).medications == []


async def test_editing_a_medication_stops_it(
    workspace: Workspace, clock: FixedClock, today: date, saved: Callable[[str], Patient]
) -> None:
    medication = workspace.patient(BO).medications[0]
    app = FormHarness(workspace, clock, lambda ws: MedicationForm(ws, BO, medication.id))
    async with app.run_test(size=SIZE) as pilot:
        assert app.form.query_one("#name").value == medication.name
        await type_in(pilot, "stop", "t")
        await pilot.press("ctrl+s")
        await settle(pilot)
    (after,) = saved(BO).medications
    assert (after.id, after.name, after.stop) == (medication.id, medication.name, today)
    assert after.screens_as == medication.screens_as


async def test_naloxone_check_appended_with_its_date(
    workspace: Workspace, clock: FixedClock, today: date, saved: Callable[[str], Patient]
) -> None:
    before = saved(BO).naloxone_checks
    app = FormHarness(workspace, clock, lambda ws: NaloxoneForm(ws, BO))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert errors(app) == {"on_hand": "choose one"}
        await choose(pilot, "on_hand", "no kit")
        await type_in(pilot, "checked_on", (today + timedelta(days=1)).isoformat())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert errors(app) == {"checked_on": "is in the future"}
        await type_in(pilot, "checked_on", "y")
        await pilot.press("ctrl+s")
        await settle(pilot)
    after = saved(BO).naloxone_checks
    assert after == [*before, NaloxoneCheck(on_hand=False, checked_on=today - timedelta(days=1))]


async def test_medication_added_on_the_plan_makes_the_note_expect_its_positive(
    app, settle, screen_text, saved: Callable[[str], Patient]
) -> None:
    """m on the patient screen, then n: the screen row for buprenorphine is pre-set expected."""
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_patient(AVERY)
        await settle(pilot)
        screen = app.screen
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MedicationForm)
        await type_in(pilot, "name", "buprenorphine")
        await type_in(pilot, "screens_as", "buprenorphine")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NoteForm)
        await choose(pilot, "screen_method", "presumptive")
        row = next(i for i, s in enumerate(form.substances) if s == "buprenorphine")
        other = next(i for i, s in enumerate(form.substances) if s == "alcohol")
        assert form.query_one(f"#expected_{row}", Checkbox).value is True
        assert form.query_one(f"#expected_{other}", Checkbox).value is False
    assert [m.screens_as for m in saved(AVERY).medications] == [["buprenorphine"]]


async def test_risks_tab_lists_medications_and_the_latest_naloxone_check(
    app, settle, screen_text
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_patient(BO)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatientScreen)
        screen.query_one(TabbedContent).active = "risks"
        await pilot.pause()
        text = screen_text(app)
        assert "Medications and naloxone" in text
        assert "buprenorphine/naloxone MOUD" in text
        assert "screens as" in text and "Dr. Wren" in text
        assert "Naloxone kit ✔ on hand" in text and "checked 10 Feb" in text
        risks = screen.query_one("#risk-list")
        # a on the naloxone line records a check; enter on a medication edits it
        risks.highlighted = next(
            i for i, o in enumerate(risks._options) if (o.id or "").startswith("naloxone:")
        )
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, NaloxoneForm)
        await pilot.press("escape")
        await pilot.pause()
        risks.highlighted = next(
            i for i, o in enumerate(risks._options) if (o.id or "").startswith("medication:")
        )
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MedicationForm)
        assert app.screen.original is not None
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("N")
        await pilot.pause()
        assert isinstance(app.screen, NaloxoneForm)


async def test_patient_without_medications_is_told_how_to_add_one(
    app, settle, screen_text
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_patient(AVERY)
        await settle(pilot)
        app.screen.query_one(TabbedContent).active = "risks"
        await pilot.pause()
        text = screen_text(app)
        assert "No medications recorded — m adds one." in text
        assert "Naloxone kit never checked" in text


async def test_medication_keys_are_in_help_and_the_palette(app, settle) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_patient(AVERY)
        await settle(pilot)
        local, _, _ = screen_bindings(app.screen)
        assert ("m", "New medication") in local
        assert ("N", "Record a naloxone check") in local
        titles = {command.title for command in app.screen.palette_commands()}
        assert {"New medication", "Record a naloxone check"} <= titles
