"""Issue #16 item 5: accepting a level change shows what else changed and offers the plan's
intervention frequencies fitted to the new schedule; ctrl+s saves them as one change, escape
keeps the old ones. Driven by keys at 80x24, then the file is read back."""

from __future__ import annotations

from collections.abc import Callable

from counselor_steps import open_patient
from test_forms_harness import type_in
from test_friction_day import SMALL
from textual.widgets import Select

from tplan.domain import LevelCode, Patient
from tplan.ui import forms
from tplan.ui.app import TplanApp
from tplan.ui.forms.frequency_form import FrequencyForm
from tplan.ui.screens.patient import PatientScreen

AVERY = "demo-avery-quill"
GROUP_CBT = "iv-quill-002"
AA = "iv-quill-004"


def frequencies(patient: Patient) -> dict[str, float]:
    return {iv.id: iv.times_per_week for o in patient.objectives() for iv in o.interventions}


async def decide_on_averys_step_down(app: TplanApp, pilot, settle, *choose: str) -> None:
    """`d` on Avery's plan, then the keys that choose an outcome (nothing is preselected)."""
    await open_patient(pilot, settle, "Avery")
    await pilot.press("d")
    await settle(pilot)
    panel = app.screen
    assert isinstance(panel, forms.DecisionPanel)
    panel.query_one("#outcome").focus()
    await pilot.press(*choose)


async def accept_step_down(app: TplanApp, pilot, settle) -> FrequencyForm:
    await decide_on_averys_step_down(app, pilot, settle, "enter")  # accept: the first choice
    await type_in(pilot, "rationale", "All criteria met; agrees to weekly sessions")
    await pilot.press("ctrl+s")
    await settle(pilot)
    form = app.screen
    assert isinstance(form, FrequencyForm)
    return form


async def test_accepting_a_step_down_offers_the_frequencies_of_the_new_schedule(
    app: TplanApp, settle, screen_text, saved: Callable[[str], Patient]
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await accept_step_down(app, pilot, settle)
        shown = " ".join(line.strip("│ ") for line in screen_text(app).splitlines())
        assert "review due moves from 16 Mar to 15 May" in shown
        assert "Relapse-prevention CBT group: was 3×/wk, fits the new" in shown
        assert "AA: was 3×/wk, unchanged" in shown  # not a program session
        # Level 1 is 2 days and 3 h a week: one 3-hour evening group fits, not two
        assert app.screen.query_one("#times_0").value == "1"
        # the two individual sessions differ by the objective each serves
        assert "O3 Write a relapse-prevention plan" in shown
        assert "O4 Agree with her manager" in shown
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
        assert "1×/wk" in screen_text(app)
    stored = saved(AVERY)
    assert stored.current_level.level is LevelCode.L1
    assert stored.current_level.hours_per_week == 3
    assert frequencies(stored)[GROUP_CBT] == 1 and frequencies(stored)[AA] == 3
    assert stored.decisions[-1].outcome.value == "accept"


async def test_escape_keeps_the_old_frequencies_and_the_level_change(
    app: TplanApp, settle, saved: Callable[[str], Patient]
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        form = await accept_step_down(app, pilot, settle)
        form.query_one("#times_0").value = "1"
        await pilot.press("escape")  # typed: asks before discarding
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
    stored = saved(AVERY)
    assert stored.current_level.level is LevelCode.L1
    assert frequencies(stored)[GROUP_CBT] == 3


async def test_a_deferred_step_down_comes_back_on_the_worklist_on_its_follow_up_day(
    app: TplanApp, settle, screen_text, saved: Callable[[str], Patient]
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await decide_on_averys_step_down(app, pilot, settle, "right", "right", "enter")  # defer
        await type_in(pilot, "follow_up_on", "t")  # look again today
        await type_in(pilot, "rationale", "Wants to talk to her manager first")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)  # no frequencies: nothing changed
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "deferred decision due Thu 12 Mar · Avery Quill: step down" in screen_text(app)
    assert saved(AVERY).current_level.level is LevelCode.L2_1


async def change_level(
    app: TplanApp, pilot, settle, *, who: str = "Avery", **fields: object
) -> None:
    """`l` on the plan of ``who`` (Avery unless named), the given fields, a reason, ctrl+s."""
    await open_patient(pilot, settle, who)
    await pilot.press("l")
    await settle(pilot)
    form = app.screen
    assert isinstance(form, forms.LevelForm)
    for key in ("level", "edition"):
        if key in fields:
            form.query_one(f"#{key}", Select).value = fields[key]
    for key in ("days_per_week", "hours_per_week"):
        if key in fields:
            await type_in(pilot, key, str(fields[key]))
    await type_in(pilot, "reason", "Decided at the team meeting")
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_a_level_changed_by_hand_offers_the_frequencies_as_accepting_does(
    app: TplanApp, settle, screen_text, saved: Callable[[str], Patient]
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await change_level(
            app, pilot, settle, level=LevelCode.L1, days_per_week=2, hours_per_week=6
        )
        form = app.screen
        assert isinstance(form, FrequencyForm)
        shown = screen_text(app)
        assert "review due moves from 16 Mar to 15 May" in shown
        assert "Relapse-prevention CBT group: was 3×/wk, fits the new" in shown
        assert form.query_one("#times_0").value == "2"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
    stored = saved(AVERY)
    assert (stored.current_level.level, stored.current_level.days_per_week) == (LevelCode.L1, 2)
    assert frequencies(stored)[GROUP_CBT] == 2 and frequencies(stored)[AA] == 3


async def test_a_change_that_fits_every_frequency_asks_nothing_more(
    app: TplanApp, settle, saved: Callable[[str], Patient]
) -> None:
    before = frequencies(saved(AVERY))
    async with app.run_test(size=SMALL) as pilot:
        await change_level(app, pilot, settle, hours_per_week=10)  # same three days
        assert isinstance(app.screen, PatientScreen)
    stored = saved(AVERY)
    assert stored.current_level.hours_per_week == 10
    assert frequencies(stored) == before
