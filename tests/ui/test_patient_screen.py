"""The patient plan screen: header, tabs, objective status, and every key that opens a form."""

from __future__ import annotations

from datetime import date

import pytest
from counselor_steps import keys, show_patient
from textual.widgets import TabbedContent, TextArea

from tplan.domain import (
    Diagnosis,
    Goal,
    LevelChange,
    LevelCode,
    Objective,
    ObjectiveStatus,
    Patient,
    Problem,
    StatusChange,
)
from tplan.ui import forms
from tplan.ui.screens.caseload import CaseloadScreen
from tplan.ui.screens.patient import TABS, PatientScreen


def highlight(screen: PatientScreen, list_id: str, prefix: str) -> None:
    options = screen.query_one(f"#{list_id}")
    options.highlighted = next(
        i for i, option in enumerate(options._options) if (option.id or "").startswith(prefix)
    )


async def test_header_and_plan_tab(app, settle, patient_id, screen_text) -> None:
    avery = patient_id("Avery")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await show_patient(pilot, settle, avery)
        text = screen_text(app)
        assert "Avery Quill" in text
        assert "2.1 IOP" in text
        assert "Review due in" in text
        assert "▼ STEP DOWN suggested" in text
        for _, label in TABS:
            assert label in text
        patient = screen.patient
        first = next(patient.objectives())
        assert f"O1 {first.text.splitlines()[0][:30]}" in text
        assert "✔ achieved" in text
        assert "P1 " in text and "G1 " in text


async def test_every_tab_shows_its_part_of_the_record(app, settle, patient_id, screen_text) -> None:
    avery = patient_id("Avery")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await show_patient(pilot, settle, avery)
        patient = screen.patient
        seen: dict[str, str] = {}
        for tab_id, _ in TABS:
            seen[tab_id] = screen_text(app)
            assert screen.query_one(TabbedContent).active == tab_id
            await pilot.press("right_square_bracket")
        assert screen.query_one(TabbedContent).active == "plan"  # wrapped around
        assert patient.snap[0].text.splitlines()[0][:30] in seen["snap"]
        assert "Recovery environment" in seen["supports"]
        assert any(s.name in seen["supports"] for s in patient.supports)
        newest = max(patient.notes, key=lambda n: n.date_of_service)
        notes_text = seen["notes"]
        assert "✔ signed" in notes_text
        assert notes_text.index(f"{newest.date_of_service.day} {newest.date_of_service:%b}") < (
            notes_text.index("✔ signed") + 200
        )
        assert "PHQ-9" in seen["trends"] and "Attendance per week" in seen["trends"]
        assert any(band in seen["trends"] for band in ("minimal", "mild", "moderate"))
        assert "Level of care and schedule" in seen["decisions"]
        assert "Relapse-prevention plan" in seen["written"]
        assert "Aftercare plan" in seen["written"]


async def test_notes_are_listed_newest_first(app, settle, patient_id) -> None:
    avery = patient_id("Avery")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await show_patient(pilot, settle, avery)
        assert not screen.query("#note-list")  # built when first shown, not with the screen
        screen.query_one(TabbedContent).active = "notes"
        await pilot.pause()
        ids = [o.id.split(":")[1] for o in screen.query_one("#note-list")._options]
        dates = [screen.patient.find_note(i).date_of_service for i in ids]
        assert dates == sorted(dates, reverse=True)


async def test_space_cycles_the_objective_status_and_saves_it_today(
    app, settle, patient_id, saved, today, screen_text
) -> None:
    pid = patient_id("Kit")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await show_patient(pilot, settle, pid)
        objective = next(
            o for o in screen.patient.objectives() if o.status is ObjectiveStatus.IN_PROGRESS
        )
        highlight(screen, "plan-list", f"objective:{objective.id}")
        await pilot.press("space")
        await pilot.pause()
        await pilot.press("enter")  # the status offered next: achieved
        await settle(pilot)
        assert "✔ achieved" in screen_text(app)
        assert screen.patient.find_objective(objective.id).status is ObjectiveStatus.ACHIEVED
    stored = saved(pid).find_objective(objective.id)
    assert stored.status is ObjectiveStatus.ACHIEVED
    assert stored.history[-1] == StatusChange[ObjectiveStatus](
        on=today, status=ObjectiveStatus.ACHIEVED
    )


async def test_space_on_a_goal_changes_nothing(app, settle, patient_id, saved) -> None:
    pid = patient_id("Kit")
    before = saved(pid)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await show_patient(pilot, settle, pid)
        highlight(screen, "plan-list", "goal:")
        await pilot.press("space")
        await settle(pilot)
    assert saved(pid) == before


@pytest.mark.parametrize(
    ("key", "form"),
    [
        ("g", forms.GoalForm),
        ("o", forms.ObjectiveForm),
        ("p", forms.ProblemForm),
        ("r", forms.ReviewForm),
        ("l", forms.LevelForm),
        ("x", forms.DischargeForm),
        ("i", forms.InterventionForm),
    ],
)
async def test_keys_open_their_forms_and_escape_comes_back(
    app, settle, patient_id, key, form
) -> None:
    avery = patient_id("Avery")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await show_patient(pilot, settle, avery)
        if key == "i":
            highlight(screen, "plan-list", "objective:")
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, form)
        assert app.screen.patient_id == avery
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_enter_on_an_objective_edits_that_objective(app, settle, patient_id) -> None:
    avery = patient_id("Avery")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await show_patient(pilot, settle, avery)
        objective = list(screen.patient.objectives())[1]
        highlight(screen, "plan-list", f"objective:{objective.id}")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, forms.ObjectiveForm)
        assert app.screen.original == objective


async def test_adding_a_strength_saves_it_and_shows_it(
    app, settle, patient_id, saved, screen_text
) -> None:
    pid = patient_id("Bo")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await show_patient(pilot, settle, pid)
        screen.query_one(TabbedContent).active = "snap"
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, forms.SnapForm)
        form.query_one("#text", TextArea).focus()
        await pilot.press(*keys("Cooks for [b]the family[/b] on Sundays"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "Cooks for [b]the family[/b] on Sundays" in screen_text(app)
    texts = [item.text for item in saved(pid).snap]
    assert "Cooks for [b]the family[/b] on Sundays" in texts


async def test_user_text_is_never_read_as_markup(app, workspace, settle, screen_text) -> None:
    admitted = date(2026, 2, 1)
    patient = Patient(
        display_name="Robin [bold]Vale[/x]",
        birth_date=date(1990, 5, 5),
        admission_date=admitted,
        counselor="J. Park",
        diagnoses=[Diagnosis(code="F10.20", description="alcohol [red]use[/red] disorder")],
        problems=[
            Problem(
                title="[/urgent] stress at work",
                goals=[
                    Goal(
                        text="Stay [i]sober",
                        objectives=[
                            Objective(
                                text="Call sponsor [@click=app.quit]daily[/]",
                                history=[
                                    StatusChange[ObjectiveStatus](
                                        on=admitted, status=ObjectiveStatus.NOT_STARTED
                                    )
                                ],
                            )
                        ],
                    )
                ],
            )
        ],
        level_history=[
            LevelChange(start=admitted, level=LevelCode.L2_1, days_per_week=3, hours_per_week=9)
        ],
    )
    workspace.admit(patient)
    async with app.run_test(size=(120, 40)) as pilot:
        await show_patient(pilot, settle, patient.id)
        text = screen_text(app)
        assert "Robin [bold]Vale[/x]" in text
        assert "alcohol [red]use[/red] disorder" in text
        assert "[/urgent] stress at work" in text
        assert "Stay [i]sober" in text
        assert "Call sponsor [@click=app.quit]daily[/]" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        assert "Robin [bold]Vale[/x]" in screen_text(app)


async def test_escape_goes_back_to_the_caseload(app, settle, patient_id) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await show_patient(pilot, settle, patient_id("Avery"))
        await pilot.press("escape")
        assert isinstance(app.screen, CaseloadScreen)


async def test_a_click_on_the_suggestion_opens_the_decision_panel(
    app, settle, patient_id, screen_text
) -> None:
    async with app.run_test(size=(160, 40)) as pilot:
        await show_patient(pilot, settle, patient_id("Avery"))
        line = next(row for row in screen_text(app).splitlines() if "STEP DOWN suggested" in row)
        x = line.index("STEP DOWN")
        y = screen_text(app).splitlines().index(line)
        await pilot.click(offset=(x + 2, y))
        await pilot.pause()
        assert isinstance(app.screen, forms.DecisionPanel)


async def test_closed_episodes_cannot_be_decided_or_discharged_again(
    app, workspace, settle, screen_text
) -> None:
    closed = next(p for p in workspace.patients(include_discharged=True) if not p.active)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await show_patient(pilot, settle, closed.id)
        assert screen.suggestion is None
        assert f"Episode closed: discharged {closed.discharge.on}" in screen_text(app)
        for key in ("d", "x"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen
