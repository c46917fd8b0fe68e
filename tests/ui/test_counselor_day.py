"""A counselor's day, end to end, with the keys a counselor presses; then the records are
reopened by a fresh app and everything done is still there. Runs on a record file and on a
PostgreSQL database."""

from __future__ import annotations

import pytest
from counselor_steps import open_patient
from test_forms_harness import choose, type_in
from textual.pilot import Pilot
from textual.widgets import OptionList

from tplan.domain import DecisionOutcome, LevelCode, ObjectiveStatus
from tplan.services import FixedClock, Workspace
from tplan.store import open_store
from tplan.ui import forms
from tplan.ui.app import TplanApp, make_app
from tplan.ui.forms.frequency_form import FrequencyForm
from tplan.ui.screens.caseload import CaseloadScreen
from tplan.ui.screens.patient import PatientScreen

COUNSELOR = "J. Park"
CASEY = "demo-casey-thistlewood"
AVERY = "demo-avery-quill"
LANE = "demo-lane-copperfield"


@pytest.fixture
def db_path(store_location: str) -> str:
    """The day runs twice: on a record file, then on a PostgreSQL database."""
    return store_location


async def back_to_caseload(pilot: Pilot[None], settle) -> None:
    await pilot.press("escape")
    await settle(pilot)
    if pilot.app.screen.query("FilterInput"):
        await pilot.press("escape")  # clear the filter
        await settle(pilot)


def suggestion_badge(app: TplanApp, pid: str) -> str:
    screen = next(s for s in app.screen_stack if isinstance(s, CaseloadScreen))
    return next(line for line in screen.all_lines if line.patient_id == pid).cells[
        "suggestion"
    ].text


@pytest.mark.every_frame  # painted as a terminal would, frame by frame
async def test_a_counselors_day_survives_closing_and_reopening(
    app: TplanApp, workspace: Workspace, clock: FixedClock, db_path: str, settle, screen_text
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert suggestion_badge(app, CASEY) == "!! safety"

        # Casey: mark an in-progress objective achieved with space on its line.
        casey = await open_patient(pilot, settle, "Casey")
        assert "SAFETY" in screen_text(app)
        objective = next(
            o for o in casey.patient.objectives() if o.status is ObjectiveStatus.IN_PROGRESS
        )
        plan = casey.query_one("#plan-list", OptionList)
        plan.focus()
        for _ in range(len(plan._options)):
            option = plan.get_option_at_index(plan.highlighted or 0)
            if (option.id or "").startswith(f"objective:{objective.id}"):
                break
            await pilot.press("down")
        await pilot.press("space")
        await pilot.pause()
        await pilot.press("enter")  # the status offered next: achieved
        await settle(pilot)
        assert casey.patient.find_objective(objective.id).status is ObjectiveStatus.ACHIEVED

        # A signed note with a PHQ-9 whose item 9 is 0 supersedes the safety flag.
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, forms.NoteForm)
        await type_in(pilot, "section_data", "Calmer this week; no thoughts of self-harm")
        await type_in(pilot, "section_assessment", "Mood lifting; safety plan in use")
        await type_in(pilot, "section_plan", "PHQ-9 again next week")
        await type_in(pilot, "phq9", "100100000")
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is casey
        assert "SAFETY" not in screen_text(app)
        assert suggestion_badge(app, CASEY) != "!! safety"
        await back_to_caseload(pilot, settle)

        # Avery: accept the step down with a rationale.
        await open_patient(pilot, settle, "Avery")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, forms.DecisionPanel)
        app.screen.query_one("#outcome").focus()
        await pilot.press("enter")  # accept: a choice, never preselected
        await type_in(pilot, "rationale", "All criteria met; she agrees")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FrequencyForm)  # the plan's frequencies for level 1
        await pilot.press("ctrl+s")  # the group CBT goes from 3 to 2 a week
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
        await back_to_caseload(pilot, settle)
        assert suggestion_badge(app, AVERY) != "▼ step down"

        # Lane: the overdue plan review is recorded with both signatures.
        await open_patient(pilot, settle, "Lane")
        assert "OVERDUE" in screen_text(app)
        await pilot.press("r")
        await pilot.pause()
        await type_in(pilot, "review_summary", "Reviewed with Lane; objectives unchanged")
        for box in ("#patient_signs", "#counselor_signs"):
            app.screen.query_one(box).focus()
            await pilot.press("enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
        assert "OVERDUE" not in screen_text(app)
        await back_to_caseload(pilot, settle)

        # Admit a new patient, then discharge them.
        await pilot.press("a")
        await pilot.pause()
        for field, text in [
            ("display_name", "Rowan Teller"), ("birth_date", "1990-05-04"),
            ("days_per_week", "3"), ("hours_per_week", "9"),
            ("problem_title", "Drinking after work"), ("goal_text", "Stay sober"),
            ("objective_text", "Attend 3 groups a week"),
        ]:
            await type_in(pilot, field, text)
        await pilot.press("ctrl+s")
        await settle(pilot)
        rowan = next(p for p in workspace.patients() if p.display_name == "Rowan Teller")
        if not isinstance(app.screen, PatientScreen):
            await open_patient(pilot, settle, "Rowan")
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, forms.DischargeForm)
        await choose(pilot, "reason", "completed")
        await type_in(pilot, "aftercare", "Weekly outpatient group; sponsor")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
    workspace.close()

    # A fresh process would see the same: reopen the file with a new repository and app.
    repo = open_store(db_path, COUNSELOR)
    again = Workspace(repo, clock, clinician=COUNSELOR)
    try:
        casey_now = again.patient(CASEY)
        assert casey_now.find_objective(objective.id).status is ObjectiveStatus.ACHIEVED
        note = max(casey_now.notes, key=lambda n: n.written_at)
        assert note.signed and note.sections["data"].startswith("Calmer this week")
        assert again.suggest(CASEY).kind.value != "safety_review"

        avery_now = again.patient(AVERY)
        assert avery_now.decisions[-1].outcome is DecisionOutcome.ACCEPT
        assert avery_now.current_level.level is LevelCode.L1
        group_cbt = [
            iv for o in avery_now.objectives() for iv in o.interventions
            if iv.modality.value == "group_cbt"
        ]
        assert [iv.times_per_week for iv in group_cbt] == [1]  # one 3-h group in 3 h a week

        lane_now = again.patient(LANE)
        assert lane_now.reviews[-1].summary == "Reviewed with Lane; objectives unchanged"
        assert lane_now.reviews[-1].counselor_signature is not None

        rowan_now = again.patient(rowan.id)
        assert not rowan_now.active and rowan_now.discharge is not None

        fresh = make_app(again, clock=clock, me=COUNSELOR)
        async with fresh.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            shown = screen_text(fresh)
            assert "Rowan Teller" not in shown  # discharged: hidden by default
            assert "Casey Thistlewood" in shown
            assert suggestion_badge(fresh, CASEY) != "!! safety"
    finally:
        again.close()
