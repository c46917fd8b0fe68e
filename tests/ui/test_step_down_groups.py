"""A level change offers to fit the patient's groups to the new level (both paths: `l` and an
accepted suggestion), before the frequency offer: leaving is pre-ticked only where it makes
the hours fit, ctrl+s ends the memberships on the change's date (the day after a session on it
whose attendance is recorded), escape keeps them. Driven by keys at 80x24 on the demo clinic,
then the file is read back and the app reopened."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from counselor_steps import reread, show_patient, today_app
from test_forms_harness import type_in
from test_friction_day import SMALL
from test_step_down_frequencies import AVERY, change_level, decide_on_averys_step_down
from textual.widgets import Checkbox

from tplan.domain import LevelCode
from tplan.services import FixedClock, Workspace
from tplan.ui.app import TplanApp
from tplan.ui.forms.frequency_form import FrequencyForm
from tplan.ui.forms.group_fit_form import GroupFitForm
from tplan.ui.screens.patient import PatientScreen
from tplan.ui.screens.today import TodayScreen

EVENING = "Evening relapse prevention"
FAMILY = "Family group"


def ticks(form: GroupFitForm) -> list[bool]:
    return [box.value for box in form.query(Checkbox)]


def averys_groups(ws: Workspace, on: date) -> set[str]:
    return {g.name for g in ws.groups() if AVERY in g.members_on(on)}


def expected_at(ws: Workspace, first: date) -> set[str]:
    """The groups whose sessions from ``first`` on (Today, the week) expect Avery."""
    days = [d for week in (ws.week(first), ws.week(first + timedelta(days=7))) for d in week.days]
    return {
        s.title for d in days if d.on >= first for s in d.sessions
        if s.group_id is not None and AVERY in s.roster
    }


async def levels_tab(app: TplanApp, pilot, settle, screen_text) -> str:
    await pilot.press(*["right_square_bracket"] * 6)  # Plan ... Trends, Levels
    await settle(pilot)
    text = screen_text(app)
    assert "Level of care and schedule" in text
    return text


async def test_stepping_down_by_hand_leaves_the_groups_that_no_longer_fit(
    clinic: Workspace, clock: FixedClock, today: date, db_path: Path, settle, screen_text
) -> None:
    assert averys_groups(clinic, today) == {EVENING, FAMILY}
    app = today_app(clinic, clock, start="caseload")
    async with app.run_test(size=SMALL) as pilot:
        # Level 1 from today, 5.5 h: her attendance at tonight's evening group is recorded, so
        # she leaves it tomorrow (its last 6 h of the week go), keeping tonight's 3 h, the family
        # group and her individual session: 5.3 h, which fits; leaving the family group too
        # would not
        await change_level(
            app, pilot, settle, level=LevelCode.L1, days_per_week=2, hours_per_week=5.5
        )
        form = app.screen
        assert isinstance(form, GroupFitForm)
        shown = screen_text(app)
        assert "From 12 Mar: sessions 11.3 h/wk, level 5.5 h/wk" in shown
        assert "Evening relapse" in shown and "6 h in the week · Thu/Sat/Sun" in shown
        assert "leave from 13 Mar (attended 12 Mar)" in shown
        assert "leave from 12 Mar" in shown  # the family group
        assert ticks(form) == [True, False]
        assert "After: sessions 5.3 h/wk, level 5.5 h/wk (fits)" in shown
        await pilot.press("tab", "space")  # tick the family group too: no longer fits
        await settle(pilot)
        assert ticks(form) == [True, True]
        assert "After: sessions 3.8 h/wk, level 5.5 h/wk (does not fit)" in screen_text(app)
        await pilot.press("space", "f2")
        await settle(pilot)
        assert "A.Q." in screen_text(app) and "Avery" not in screen_text(app)
        await pilot.press("f2", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FrequencyForm)  # the frequencies come after the groups
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
        assert "Schedule ≠ level" not in await levels_tab(app, pilot, settle, screen_text)

    again = reread(db_path, today)
    try:
        evening = next(g for g in again.groups() if g.name == EVENING)
        stays = [(e.joined, e.left) for e in evening.roster if e.patient_id == AVERY]
        tomorrow = today + timedelta(days=1)
        assert stays == [(date(2026, 1, 1), tomorrow)]
        assert averys_groups(again, tomorrow) == {FAMILY}
        assert expected_at(again, tomorrow) == {FAMILY}  # Today and the week, from then on
        assert EVENING in expected_at(again, today)  # tonight's recorded session keeps her
        assert again.schedule_mismatch(again.patient(AVERY)) is None
    finally:
        again.close()

    app = today_app(reread(db_path, today), clock)  # reopened: the same on Today and the plan
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert f"{EVENING}     9  attendance 7/9" in screen_text(app)  # tonight: unchanged
        await show_patient(pilot, settle, AVERY)
        assert "Schedule ≠ level" not in await levels_tab(app, pilot, settle, screen_text)
    app.workspace.close()


async def test_escape_keeps_the_groups_after_an_accepted_step_down(
    clinic: Workspace, clock: FixedClock, today: date, db_path: Path, settle, screen_text
) -> None:
    app = today_app(clinic, clock, start="caseload")
    async with app.run_test(size=SMALL) as pilot:
        await decide_on_averys_step_down(app, pilot, settle, "enter")  # accept: Level 1, 3 h
        await type_in(pilot, "rationale", "All criteria met; agrees to weekly sessions")
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, GroupFitForm)
        assert ticks(form) == [False, False]  # leaving gives 2.3 h or 0.8 h: neither fits 3 h
        assert "After: sessions 11.3 h/wk, level 3 h/wk (does not fit)" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, FrequencyForm)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
    again = reread(db_path, today)
    try:
        assert again.patient(AVERY).current_level.level is LevelCode.L1
        assert averys_groups(again, today + timedelta(days=1)) == {EVENING, FAMILY}
    finally:
        again.close()


async def test_an_intensification_offers_the_groups_on_her_free_days_to_join(
    clinic: Workspace, clock: FixedClock, today: date, db_path: Path, settle, screen_text
) -> None:
    """Finley: Morning skills (Mon/Fri/Sun, 9 h); 10.5 h a week from today."""
    finley = "demo-finley-ashgrove"
    app = today_app(clinic, clock, start="caseload")
    async with app.run_test(size=SMALL) as pilot:
        await change_level(app, pilot, settle, who="Finley", hours_per_week=10.5)
        form = app.screen
        assert isinstance(form, GroupFitForm)
        shown = screen_text(app)
        assert "Morning skills" in shown and "leave from 12 Mar" in shown
        assert "join from 12 Mar" in shown and "1.5 h in the week · Tue 10:00-11:30" in shown
        assert EVENING not in shown  # it meets on Sunday, one of her days
        assert ticks(form) == [False, False]  # joining is never pre-ticked
        await pilot.press("tab", "space")
        await settle(pilot)
        assert "After: sessions 10.5 h/wk, level 10.5 h/wk (fits)" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)  # same days: no frequency changes
    again = reread(db_path, today)
    try:
        family = next(g for g in again.groups() if g.name == FAMILY)
        assert [e.joined for e in family.roster if e.patient_id == finley] == [today]
        assert again.schedule_mismatch(again.patient(finley)) is None
    finally:
        again.close()
