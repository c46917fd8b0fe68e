"""The plan editors (problem, goal, objective, intervention) driven by keys, checked on disk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from test_forms_harness import SIZE, FormHarness, choose, errors, paste_in, settle, type_in

from tplan.domain import Modality, ObjectiveStatus, Patient, ProblemStatus
from tplan.services import FixedClock, Workspace
from tplan.store import SaveError
from tplan.ui.forms import (
    ConfirmDialog,
    GoalForm,
    InterventionForm,
    ObjectiveForm,
    ProblemForm,
)

AVERY = "demo-avery-quill"


async def test_new_problem_saved_exactly_as_typed(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    before = len(workspace.patient(AVERY).problems)
    app = FormHarness(workspace, clock, lambda ws: ProblemForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "title", "Gambling [bold]after[/] payday 🎰")
        await type_in(pilot, "icd10", "f63.0")
        await type_in(pilot, "patient_words", "I chase losses\n[/x] and hide it")
        await pilot.press("ctrl+s")
        await settle(pilot)
    (result,) = app.results
    assert isinstance(result, Patient)
    problems = saved(AVERY).problems
    assert len(problems) == before + 1
    added = problems[-1]
    assert added.title == "Gambling [bold]after[/] payday 🎰"
    assert added.icd10 == "F63.0"
    assert added.patient_words == "I chase losses\n[/x] and hide it"
    assert added.status is ProblemStatus.ACTIVE
    assert result.problems[-1] == added


async def test_problem_errors_beside_fields_and_nothing_saved(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    before = saved(AVERY).problems
    app = FormHarness(workspace, clock, lambda ws: ProblemForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "icd10", "10.20")
        assert "expected form" in errors(app)["icd10"]
        assert "title" not in errors(app)  # untouched fields stay quiet while typing
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = errors(app)
        assert shown["title"] == "must not be empty"
        assert "icd10" in shown
        assert app.results == []
        assert app.screen is app.form
    assert saved(AVERY).problems == before


async def test_edit_problem_keeps_its_goals(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    problem = workspace.patient(AVERY).problems[0]
    app = FormHarness(workspace, clock, lambda ws: ProblemForm(ws, AVERY, problem.id))
    async with app.run_test(size=SIZE) as pilot:
        assert app.form.query_one("#title").value == problem.title
        await choose(pilot, "status", "remission")
        await pilot.press("ctrl+s")
        await settle(pilot)
    stored = next(p for p in saved(AVERY).problems if p.id == problem.id)
    assert stored.status is ProblemStatus.REMISSION
    assert stored.goals == problem.goals
    assert stored.title == problem.title


async def test_escape_with_typed_text_asks_and_no_keeps_the_text(
    workspace: Workspace, clock: FixedClock
) -> None:
    app = FormHarness(workspace, clock, lambda ws: GoalForm(ws, AVERY, problem_id=None))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "text", "Keep a steady job")
        assert app.form.dirty
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is app.form
        assert app.form.query_one("#text").value == "Keep a steady job"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert app.results == [None]


async def test_escape_on_untouched_form_closes_without_asking(
    workspace: Workspace, clock: FixedClock
) -> None:
    app = FormHarness(workspace, clock, lambda ws: ObjectiveForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        assert not app.form.dirty
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_new_goal_under_chosen_problem(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    problems = workspace.patient(AVERY).problems
    app = FormHarness(workspace, clock, lambda ws: GoalForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "text", "Rebuild trust at home")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert errors(app) == {"problem": "choose one"}
        await choose(pilot, "problem", problems[-1].title[:10])
        await pilot.press("ctrl+s")
        await settle(pilot)
    stored = saved(AVERY).problems[-1]
    assert stored.goals[-1].text == "Rebuild trust at home"


async def test_new_objective_with_target_date_typed_as_t(
    workspace: Workspace, clock: FixedClock, today: date, saved: Callable[[str], Patient]
) -> None:
    goal = next(workspace.patient(AVERY).goals())
    app = FormHarness(workspace, clock, lambda ws: ObjectiveForm(ws, AVERY, goal_id=goal.id))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "text", "Attend 3 groups a week")
        await type_in(pilot, "target_date", "2026-13-01")
        assert "must be a date" in errors(app)["target_date"]
        await type_in(pilot, "target_date", "t")
        assert "target_date" not in errors(app)
        await choose(pilot, "status", "in progress")
        await pilot.press("ctrl+s")
        await settle(pilot)
    stored_goal = next(g for g in saved(AVERY).goals() if g.id == goal.id)
    objective = stored_goal.objectives[-1]
    assert objective.text == "Attend 3 groups a week"
    assert objective.target_date == today
    assert objective.status is ObjectiveStatus.IN_PROGRESS
    assert objective.history[-1].on == today


async def test_objective_status_change_appends_dated_history(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    objective = next(
        o
        for o in workspace.patient(AVERY).objectives()
        if o.status is not ObjectiveStatus.CANCELLED
    )
    app = FormHarness(workspace, clock, lambda ws: ObjectiveForm(ws, AVERY, objective.id))
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "status", "cancelled")
        await type_in(pilot, "status_on", "2026-03-10")
        await pilot.press("ctrl+s")
        await settle(pilot)
    stored = saved(AVERY).find_objective(objective.id)
    assert stored is not None
    assert stored.history[:-1] == objective.history
    assert stored.history[-1].status is ObjectiveStatus.CANCELLED
    assert stored.history[-1].on == date(2026, 3, 10)


async def test_intervention_number_validation_and_save(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    objective = next(workspace.patient(AVERY).objectives())
    app = FormHarness(workspace, clock, lambda ws: InterventionForm(ws, AVERY, objective.id))
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "modality", "individual")
        await type_in(pilot, "times_per_week", "0")
        assert errors(app)["times_per_week"] == "must be more than 0"
        await type_in(pilot, "times_per_week", "1.5")
        await type_in(pilot, "staff", "J. Park")
        await pilot.press("ctrl+s")
        await settle(pilot)
    stored = saved(AVERY).find_objective(objective.id)
    assert stored is not None
    added = stored.interventions[-1]
    assert (added.modality, added.times_per_week, added.staff) == (
        Modality.INDIVIDUAL,
        1.5,
        "J. Park",
    )


async def test_store_failure_keeps_form_open_with_text(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient], monkeypatch
) -> None:
    def refuse(*_args: object, **_kw: object) -> Patient:
        raise SaveError(workspace.repo.path, "disk full")

    monkeypatch.setattr(workspace, "add_problem", refuse)
    long_words = "word " * 3000
    app = FormHarness(workspace, clock, lambda ws: ProblemForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "title", "Sleep")
        await paste_in(pilot, "patient_words", long_words)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.results == []
        assert app.screen is app.form
        status = str(app.form.query_one("#form-status").render())
        assert "disk full" in status and "Nothing was saved" in status, errors(app)
        assert app.form.query_one("#patient_words").text == long_words
        assert app.form.dirty
    assert [p.title for p in saved(AVERY).problems].count("Sleep") == 0
