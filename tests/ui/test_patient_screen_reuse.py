"""One patient screen, re-filled for each patient: B's plan shows nothing of A's, and a save
begun for A that finishes after B is shown lands in A's record only."""

from __future__ import annotations

import threading

from counselor_steps import show_patient
from textual.widgets import OptionList, Static, TabbedContent

from tplan.domain import ObjectiveStatus, Patient
from tplan.ui import forms
from tplan.ui.screens.caseload import CaseloadScreen
from tplan.ui.screens.patient import TABS, PatientScreen


def record_ids(patient: Patient) -> set[str]:
    """Ids of the parts of a record that its plan screen lists (objectives, notes, supports)."""
    return (
        {o.id for o in patient.objectives()}
        | {n.id for n in patient.notes}
        | {s.id for s in patient.supports}
    )


def shown_ids(screen: PatientScreen) -> set[str]:
    """Every record id in every list of the screen, the hidden tabs' included."""
    ids: set[str] = set()
    for options in screen.query(OptionList):
        for index in range(options.option_count):
            option_id = options.get_option_at_index(index).id or ""
            ids.update(option_id.split(":")[1:2])
    return ids


def shown_text(screen: PatientScreen) -> str:
    """What every Static of the screen holds, the hidden tabs' included."""
    return "\n".join(str(static.render()) for static in screen.query(Static))


async def test_b_opened_after_a_shows_b_on_the_same_screen_and_nothing_of_a(
    app, settle, patient_id, screen_text
) -> None:
    avery, bo = patient_id("Avery"), patient_id("Bo")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = await show_patient(pilot, settle, avery)
        a_record = first.patient
        for _ in TABS[1:]:  # every tab built and filled with Avery's record
            await pilot.press("right_square_bracket")
            await settle(pilot)
        assert record_ids(a_record) & shown_ids(first)
        assert "Avery Quill" in shown_text(first)
        await pilot.press("right_square_bracket")  # round to the plan again
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)

        second = await show_patient(pilot, settle, bo)
        assert second is first  # re-filled, not rebuilt
        assert second.query_one(TabbedContent).active == "plan"
        assert second.query_one("#plan-list").has_focus
        text = screen_text(app)
        assert "Bo Marchetti" in text and "Avery Quill" not in text
        assert not record_ids(a_record) & shown_ids(second)
        assert "Avery" not in shown_text(second)
        b_record = second.patient
        seen = {"plan": text}
        for tab_id, _ in TABS[1:]:
            await pilot.press("right_square_bracket")
            await settle(pilot)
            seen[tab_id] = screen_text(app)
            assert "Avery" not in seen[tab_id]
        assert not record_ids(a_record) & shown_ids(second)
        assert {n.id for n in b_record.notes} <= shown_ids(second)
        assert any(s.name in seen["supports"] for s in b_record.supports)


async def test_a_patient_chosen_from_the_palette_on_a_plan_refills_it(
    app, settle, patient_id, screen_text
) -> None:
    avery, bo = patient_id("Avery"), patient_id("Bo")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = await show_patient(pilot, settle, avery)
        await pilot.press("right_square_bracket")  # on Strengths when the jump comes
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press("m", "a", "r", "c", "h", "e", "t", "t", "i")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is first and first.patient_id == bo
        assert first.query_one(TabbedContent).active == "plan"
        text = screen_text(app)
        assert "Bo Marchetti" in text and "Avery Quill" not in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)


async def test_privacy_and_a_smaller_terminal_while_away_apply_to_the_next_plan(
    app, settle, patient_id, screen_text
) -> None:
    avery, bo = patient_id("Avery"), patient_id("Bo")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await show_patient(pilot, settle, avery)
        assert screen.has_class("-wide")
        await pilot.press("escape")
        await pilot.press("f2")
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        screen = await show_patient(pilot, settle, bo)
        assert screen.has_class("-narrow") and screen.has_class("-short")
        assert not screen.has_class("-wide")
        text = screen_text(app)
        assert "B.M." in text and "Marchetti" not in text


async def test_an_objective_saved_for_a_after_b_is_shown_changes_a_only(
    app, workspace, settle, patient_id, saved, screen_text
) -> None:
    kit, bo = patient_id("Kit"), patient_id("Bo")
    bo_before = saved(bo)
    release = threading.Event()
    real_save = workspace.set_objective_status

    def slow_save(*args, **kwargs):  # a slow disk: the save finishes once the test says so
        release.wait(10)
        return real_save(*args, **kwargs)

    workspace.set_objective_status = slow_save
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await show_patient(pilot, settle, kit)
        objective = next(
            o for o in screen.patient.objectives() if o.status is ObjectiveStatus.IN_PROGRESS
        )
        plan = screen.query_one("#plan-list", OptionList)
        plan.highlighted = next(
            i
            for i in range(plan.option_count)
            if (plan.get_option_at_index(i).id or "").startswith(f"objective:{objective.id}")
        )
        await pilot.press("space")
        await pilot.pause()
        await pilot.press("enter")  # achieved: Kit's save starts and waits
        await pilot.pause()
        await pilot.press("escape")
        app.open_patient(bo)
        await pilot.pause()
        release.set()
        await settle(pilot)
        assert app.screen is screen and screen.patient_id == bo
        assert screen.patient.id == bo
        text = screen_text(app)
        assert "Bo Marchetti" in text and "Kit" not in text
        assert objective.id not in shown_ids(screen)
    assert saved(kit).find_objective(objective.id).status is ObjectiveStatus.ACHIEVED
    assert saved(bo) == bo_before


async def test_a_form_of_a_saves_into_a_and_the_next_patient_is_untouched(
    app, settle, patient_id, saved, screen_text
) -> None:
    avery, bo = patient_id("Avery"), patient_id("Bo")
    avery_notes = {n.id for n in saved(avery).notes}
    bo_before = saved(bo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await show_patient(pilot, settle, avery)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, forms.NoteForm)
        form.query_one("#section_data").text = "Talked about the weekend plan."
        await settle(pilot)
        app.open_patient(bo)  # refused: the note form holds typed text
        await settle(pilot)
        assert app.screen is form
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and screen.patient_id == avery
        await pilot.press("escape")
        await settle(pilot)
        screen = await show_patient(pilot, settle, bo)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.patient_id == bo
        assert app.screen.query_one("#section_data").text == ""
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
    (new,) = [n for n in saved(avery).notes if n.id not in avery_notes]
    assert new.sections["data"] == "Talked about the weekend plan."
    assert saved(bo) == bo_before


async def test_a_plan_left_on_another_tab_opens_the_next_patient_on_the_plan(
    app, settle, patient_id, screen_text
) -> None:
    avery, bo = patient_id("Avery"), patient_id("Bo")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first = await show_patient(pilot, settle, avery)
        for _ in range(4):
            await pilot.press("right_square_bracket")
        await pilot.press("escape")
        await settle(pilot)
        second = await show_patient(pilot, settle, bo)
        assert second.query_one(TabbedContent).active == "plan"
        assert second.query_one("#plan-list").has_focus
        text = screen_text(app)
        assert "Bo Marchetti" in text and "Avery" not in text
        assert not record_ids(first.patient) & shown_ids(second)
