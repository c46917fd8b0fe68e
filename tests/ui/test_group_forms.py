"""Forms for treatment groups, their members and a patient's individual sessions, driven by
keys; what they saved is read back from the file."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest
from counselor_steps import reread
from textual.widgets import Input, Select

from tplan.domain import TreatmentGroupKind, Weekday
from tplan.services import FixedClock, Workspace
from tplan.settings import Settings
from tplan.ui.app import make_app
from tplan.ui.forms.attendance_form import AttendanceForm
from tplan.ui.forms.group_forms import (
    GroupForm,
    GroupMembersForm,
    IndividualScheduleForm,
    parse_time,
    parse_weekdays,
)
from tplan.ui.screens.today import TodayScreen

COUNSELOR = "J. Park"


def app_for(ws: Workspace, clock: FixedClock):
    return make_app(
        ws, clock=clock, settings=Settings(clinician=COUNSELOR, privacy_after_minutes=0)
    )


def test_weekdays_and_times_are_typed_as_people_write_them() -> None:
    assert parse_weekdays("Mon/Wed/Thu") == [Weekday.MON, Weekday.WED, Weekday.THU]
    assert parse_weekdays("tuesday, friday") == [Weekday.TUE, Weekday.FRI]
    with pytest.raises(ValueError, match="not a weekday"):
        parse_weekdays("Mon/Funday")
    assert parse_time("18:00") == time(18) and parse_time("930") == time(9, 30)
    with pytest.raises(ValueError, match="like 18:00"):
        parse_time("25:00")


async def test_a_new_group_is_refused_until_valid_then_saved(
    clinic: Workspace, clock: FixedClock, today: date, db_path: Path, settle, screen_text
) -> None:
    app = app_for(clinic, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        app.push_screen(GroupForm(clinic))
        await settle(pilot)
        form = app.screen
        form.query_one("#name", Input).value = "Women's process group"
        form.query_one("#kind", Select).value = TreatmentGroupKind.PROCESS_SUPPORT
        form.query_one("#weekdays", Input).value = "Tue/Funday"
        form.query_one("#start_time", Input).value = "17:30"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "not a weekday" in screen_text(app)
        form.query_one("#weekdays", Input).value = "Tue/Fri"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
    again = reread(db_path, today)
    try:
        group = next(g for g in again.groups() if g.name == "Women's process group")
        assert group.pattern.describe() == "Tue/Fri 17:30-20:30"
        assert group.facilitators == [COUNSELOR] and group.active_from == today
    finally:
        again.close()


async def test_members_join_and_leave_with_dates_and_a_schedule_change_keeps_old_weeks(
    clinic: Workspace, clock: FixedClock, today: date, db_path: Path, settle
) -> None:
    evening = next(g for g in clinic.groups() if g.id == "gr-evening-rp")
    leaving = evening.members_on(today)[0]
    joining = next(p.id for p in clinic.patients() if p.id not in evening.members_on(today))
    app = app_for(clinic, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(GroupMembersForm(clinic, evening.id))
        await settle(pilot)
        form = app.screen
        form.query_one("#join_patient", Select).value = joining
        form.query_one("#leave_patient", Select).value = leaving
        form.query_one("#left", Input).value = (today + timedelta(days=1)).isoformat()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        app.push_screen(GroupForm(clinic, evening.id))
        await settle(pilot)
        form = app.screen
        form.query_one("#start_time", Input).value = "17:00"
        form.query_one("#pattern_from", Input).value = (today + timedelta(days=7)).isoformat()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
    again = reread(db_path, today)
    try:
        group = again.group(evening.id)
        assert joining in group.members_on(today) and leaving in group.members_on(today)
        assert leaving not in group.members_on(today + timedelta(days=1))
        assert group.pattern_on(today).start_time == time(18)
        assert group.pattern_on(today + timedelta(days=7)).start_time == time(17)
        assert len(group.schedule) == 2
    finally:
        again.close()


async def test_individual_schedule_from_the_patient_screen_and_its_attendance(
    clinic: Workspace, clock: FixedClock, today: date, db_path: Path, settle
) -> None:
    casey = next(p.id for p in clinic.patients() if p.display_name.startswith("Casey"))
    app = app_for(clinic, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_patient(casey)
        await settle(pilot)
        app.screen.action_individual_schedule()
        await settle(pilot)
        form = app.screen
        assert isinstance(form, IndividualScheduleForm)
        form.query_one("#weekday", Select).value = Weekday.of(today)
        form.query_one("#start_time", Input).value = "11:00"
        await pilot.press("ctrl+s")
        await settle(pilot)
        app.screen.action_individual_attendance()
        await settle(pilot)
        assert isinstance(app.screen, AttendanceForm)
        await pilot.press("a", "ctrl+s")
        await settle(pilot)
    again = reread(db_path, today)
    try:
        (schedule,) = again.patient(casey).individual_schedules
        assert (schedule.weekday, schedule.start_time) == (Weekday.of(today), time(11))
        todays = [e for e in again.sessions_on(casey, today) if e.start == time(11)]
        assert [e.outcome.value for e in todays] == ["missed"]
    finally:
        again.close()
