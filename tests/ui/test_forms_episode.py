"""Decision panel, admission, level, review, discharge and export, driven by keys."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from test_forms_harness import SIZE, FormHarness, choose, errors, plain, settle, type_in
from textual.widgets import Static

from tplan.domain import (
    DecisionOutcome,
    DischargeReason,
    ExportFormat,
    LevelCode,
    Patient,
    SuggestionKind,
)
from tplan.services import FixedClock, Workspace
from tplan.ui.forms import (
    AdmitForm,
    ConfirmDialog,
    DecisionPanel,
    DischargeForm,
    ExportForm,
    LevelForm,
    ReviewForm,
)

AVERY = "demo-avery-quill"  # step-down suggested
LANE = "demo-lane-copperfield"  # continue


async def test_decision_needs_rationale_then_accept_changes_level(
    workspace: Workspace, clock: FixedClock, today: date, saved: Callable[[str], Patient]
) -> None:
    app = FormHarness(workspace, clock, lambda ws: DecisionPanel(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        shown = plain(app.form.query_one("#suggestion", Static))
        assert "Step down to Level 1" in shown
        assert "✔" in shown and "attendance 100% over 30 days (13 of 13)" in shown
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert errors(app)["rationale"] == "write the rationale: it is kept with the decision"
        assert app.results == []
        assert errors(app)["outcome"] == "choose accept, decline or defer"
        app.form.query_one("#outcome").focus()
        await pilot.press("enter")  # accept
        await type_in(pilot, "rationale", "Meets every criterion; she agrees")
        await pilot.press("ctrl+s")
        await settle(pilot)
    (result,) = app.results
    stored = saved(AVERY)
    decision = stored.decisions[-1]
    assert decision.outcome is DecisionOutcome.ACCEPT
    assert decision.rationale == "Meets every criterion; she agrees"
    assert decision.suggestion.kind is SuggestionKind.STEP_DOWN
    assert stored.current_level.level is LevelCode.L1
    assert stored.current_level.start == today
    assert result.current_level == stored.current_level
    assert workspace.caseload_row(AVERY).kind is not SuggestionKind.STEP_DOWN


async def test_decision_decline_keeps_level(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    level = workspace.patient(AVERY).current_level
    app = FormHarness(workspace, clock, lambda ws: DecisionPanel(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        app.form.query_one("#outcome").focus()
        await pilot.press("right", "enter")  # move to "decline" and press it
        await type_in(pilot, "rationale", "Wants two more weeks [sic]")
        await pilot.press("ctrl+s")
        await settle(pilot)
    stored = saved(AVERY)
    assert stored.decisions[-1].outcome is DecisionOutcome.DECLINE
    assert stored.decisions[-1].rationale == "Wants two more weeks [sic]"
    assert stored.current_level == level


async def test_continue_panel_lists_unmet_criteria(workspace: Workspace, clock: FixedClock) -> None:
    app = FormHarness(workspace, clock, lambda ws: DecisionPanel(ws, LANE))
    async with app.run_test(size=SIZE):
        shown = plain(app.form.query_one("#suggestion", Static))
        assert "Still unmet for a step down" in shown
        assert "✖" in shown


async def test_level_change_by_hand(
    workspace: Workspace, clock: FixedClock, today: date, saved: Callable[[str], Patient]
) -> None:
    before = workspace.patient(AVERY).level_history
    app = FormHarness(workspace, clock, lambda ws: LevelForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "change something first" in errors(app)["level"]
        assert errors(app)["reason"] == "say why the level or schedule changes"
        await type_in(pilot, "days_per_week", "1")
        await type_in(pilot, "hours_per_week", "15")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "12 hours per session day" in errors(app)["hours_per_week"]
        await type_in(pilot, "days_per_week", "4")
        await type_in(pilot, "hours_per_week", "8")
        hint = str(app.form.query_one("#hours-hint", Static).render())
        assert "8 h is below it" in hint
        await type_in(pilot, "hours_per_week", "12")
        hint = str(app.form.query_one("#hours-hint", Static).render())
        assert "9-19 h a week" in hint
        await type_in(pilot, "reason", "Work schedule changed")
        await pilot.press("ctrl+s")
        await settle(pilot)
    stored = saved(AVERY)
    assert len(stored.level_history) == len(before) + 1
    change = stored.current_level
    assert (change.start, change.days_per_week, change.hours_per_week, change.reason) == (
        today,
        4,
        12.0,
        "Work schedule changed",
    )
    assert change.decided_by == "J. Park"


async def test_review_signed_clears_review_due(
    workspace: Workspace, clock: FixedClock, today: date, saved: Callable[[str], Patient]
) -> None:
    due_before = workspace.caseload_row(AVERY).review_due
    app = FormHarness(workspace, clock, lambda ws: ReviewForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "review_summary", "Reviewed all objectives")
        app.form.query_one("#patient_signs").focus()
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "sign as counselor" in errors(app)["counselor_signs"]
        app.form.query_one("#counselor_signs").focus()
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
    review = saved(AVERY).reviews[-1]
    assert review.on == today and review.summary == "Reviewed all objectives"
    assert review.counselor_signature is not None
    assert review.counselor_signature.signer == "J. Park"
    assert review.patient_signature is not None
    assert review.patient_signature.signer == "Avery Quill"
    assert workspace.caseload_row(AVERY).review_due > due_before


async def test_discharge_asks_then_closes_episode(
    workspace: Workspace, clock: FixedClock, today: date, saved: Callable[[str], Patient]
) -> None:
    app = FormHarness(workspace, clock, lambda ws: DischargeForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "reason", "completed")
        await type_in(pilot, "aftercare", "SMART twice a week; sponsor")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
    stored = saved(AVERY)
    assert stored.discharge is not None
    assert stored.discharge.on == today
    assert stored.discharge.reason is DischargeReason.COMPLETED
    assert stored.discharge.aftercare == "SMART twice a week; sponsor"
    assert not stored.active


async def test_admit_builds_a_patient_and_reports_errors_beside_fields(
    workspace: Workspace, clock: FixedClock, today: date, saved: Callable[[str], Patient]
) -> None:
    count = len(workspace.patients(include_discharged=True))
    app = FormHarness(workspace, clock, AdmitForm)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_in(pilot, "birth_date", "2030-01-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = errors(app)
        assert shown["display_name"] == "must not be empty"
        assert shown["days_per_week"] == "is required"
        await type_in(pilot, "display_name", "Rowan [b]Teller[/b]")
        await type_in(pilot, "days_per_week", "4")
        await type_in(pilot, "hours_per_week", "12")
        await type_in(pilot, "primary_substances", "alcohol, cannabis")
        await type_in(pilot, "problem_title", "Drinking after work")
        await type_in(pilot, "problem_icd10", "f10.20")
        await type_in(pilot, "objective_text", "Attend 3 groups a week")
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = errors(app)
        assert shown["birth_date"] == "birth date is after the admission date"
        assert "write the goal first" in shown["goal_text"]
        assert len(app.results) == 0
        await type_in(pilot, "birth_date", "1990-05-04")
        await type_in(pilot, "goal_text", "Stay sober")
        await pilot.press("ctrl+s")
        await settle(pilot)
    (patient,) = app.results
    assert len(workspace.patients(include_discharged=True)) == count + 1
    stored = saved(patient.id)
    assert stored.display_name == "Rowan [b]Teller[/b]"
    assert stored.birth_date == date(1990, 5, 4)
    assert stored.admission_date == today
    assert stored.counselor == "J. Park"
    assert stored.primary_substances == ["alcohol", "cannabis"]
    level = stored.current_level
    assert (level.level, level.days_per_week, level.hours_per_week) == (LevelCode.L2_1, 4, 12)
    (problem,) = stored.problems
    assert (problem.title, problem.icd10) == ("Drinking after work", "F10.20")
    assert problem.goals[0].text == "Stay sober"
    assert problem.goals[0].objectives[0].text == "Attend 3 groups a week"


async def test_export_writes_the_file_and_logs_the_disclosure(
    workspace: Workspace, clock: FixedClock, tmp_path: Path, saved: Callable[[str], Patient]
) -> None:
    target = tmp_path / "out"
    target.mkdir()
    app = FormHarness(workspace, clock, lambda ws: ExportForm(ws, AVERY, directory=target))
    async with app.run_test(size=SIZE) as pilot:
        path_input = app.form.query_one("#path")
        assert path_input.value.endswith(".md")
        await choose(pilot, "format", "JSON")
        assert path_input.value.endswith(".json")
        app.form.query_one("#redact").focus()
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "choose another format" in errors(app)["redact"]
        await choose(pilot, "format", "HTML")
        await type_in(pilot, "recipient", "Dr. Lee <PCP>")
        await type_in(pilot, "purpose", "care coordination")
        await type_in(pilot, "consent", "consent form signed 2026-03-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
    (written,) = app.results
    assert written.parent == target and written.suffix == ".html"
    assert written.name.startswith("redacted-plan_")  # no patient id in a redacted copy's name
    assert written.stat().st_mode & 0o777 == 0o600
    assert "42 CFR part 2" in written.read_text(encoding="utf-8")
    entry = saved(AVERY).disclosures[-1]
    assert (entry.format, entry.recipient, entry.purpose, entry.redacted) == (
        ExportFormat.HTML,
        "Dr. Lee <PCP>",
        "care coordination",
        True,
    )


async def test_export_refuses_existing_file_in_the_form(
    workspace: Workspace, clock: FixedClock, tmp_path: Path
) -> None:
    existing = tmp_path / "plan.md"
    existing.write_text("keep me")
    app = FormHarness(workspace, clock, lambda ws: ExportForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "path", str(existing))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is app.form
        assert "already exists" in str(app.form.query_one("#form-status").render())
    assert existing.read_text() == "keep me"


async def test_keys_typed_fast_across_tab_land_in_the_fields_they_were_typed_for(
    workspace: Workspace, clock: FixedClock
) -> None:
    """A terminal delivers fast typing in one burst: `7 tab backspace 5 . 5 tab` typed in Days
    a week puts 7 there and 5.5 in Hours a week. Tab had bubbled up from the field after the
    keys behind it were already handed to the field that still had focus, so some landed in
    Days ("75.") and a backspace emptied Hours."""
    from textual import events
    from textual.widgets import Input

    app = FormHarness(workspace, clock, lambda ws: LevelForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.form.query_one("#days_per_week", Input).focus()
        await settle(pilot)
        for key, character in [("backspace", None), ("7", "7"), ("tab", None),
                               ("backspace", None), ("5", "5"), ("full_stop", "."),
                               ("5", "5"), ("tab", None)]:
            app.post_message(events.Key(key, character))
        await settle(pilot)
        values = {i.id: i.value for i in app.form.query(Input)}
        assert (values["days_per_week"], values["hours_per_week"]) == ("7", "5.5")
