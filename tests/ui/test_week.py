"""The week view from Today (``w``): days across, sessions down, each with attendance recorded
and notes signed; ``[``/``]`` and the arrow keys past the edge move a week; ``enter`` records a
session's attendance. Driven by keys on the demo, then the file reopened."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from counselor_steps import reread, today_app, until

from tplan.domain import AttendanceStatus
from tplan.services import FixedClock, Workspace
from tplan.ui.forms.attendance_form import AttendanceForm
from tplan.ui.screens.today import TodayScreen
from tplan.ui.screens.week import WeekScreen

EVENING = "Evening relapse prevention"


async def open_week(pilot, settle) -> WeekScreen:
    await settle(pilot)
    assert isinstance(pilot.app.screen, TodayScreen)
    await pilot.press("w")
    await settle(pilot)
    week = pilot.app.screen
    assert isinstance(week, WeekScreen)
    await until(pilot, lambda: week.week is not None and week.week.monday == week.monday,
                "the week computed")
    await settle(pilot)
    return week


async def test_the_week_shows_every_day_with_attendance_and_notes_and_records_by_enter(
    clinic: Workspace, clock: FixedClock, today: date, db_path: Path, settle, screen_text
) -> None:
    monday = today - timedelta(days=today.weekday())
    app = today_app(clinic, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        week = await open_week(pilot, settle)
        text = screen_text(app)
        for n in range(7):
            day = monday + timedelta(days=n)
            assert f"{day:%a} {day.day} {day:%b}" in text  # seven days across at 120 columns
        assert f"{today:%a} {today.day} {today:%b} •" in text
        assert "Evening relap…" in text and "Morning skills" in text and "1:1 Avery" in text
        assert "9 expected" in text  # a session still to come shows its roster
        # today's evening group: partly recorded
        assert week.week is not None
        days = {d.on: d for d in week.week.days}
        evening = next(s for s in days[today].sessions if s.title == EVENING)
        assert evening.recorded < len(evening.roster)
        assert f" {evening.recorded}/{len(evening.roster)}" in text
        assert "✔" in text and "✎" in text
        # enter on today's evening group (the cursor starts on today) records its attendance
        row = days[today].sessions.index(evening)
        await pilot.press(*["down"] * row, "enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AttendanceForm)
        for _ in form.roster:
            await pilot.press("p")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is week
        await until(
            pilot,
            lambda: week.week is not None
            and week.week.days[today.weekday()].sessions[row].recorded >= len(evening.roster),
            "the attendance counted in the week",
        )
        await settle(pilot)
        assert f"✔{len(evening.roster)}/{len(evening.roster)}" in screen_text(app)
        # [ and ] move a week; left past Monday too
        await pilot.press("left_square_bracket")
        await settle(pilot)
        await until(pilot, lambda: week.week is not None
                    and week.week.monday == monday - timedelta(weeks=1), "the week before")
        await settle(pilot)
        before = monday - timedelta(weeks=1)
        assert f"week of {before:%a} {before.day} {before:%b}" in screen_text(app)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        await until(pilot, lambda: week.week is not None and week.week.monday == monday,
                    "this week again")
        await pilot.press(*["left"] * (today.weekday() + 1))
        await settle(pilot)
        await until(pilot, lambda: week.week is not None and week.week.monday == before,
                    "the week before, by left")
        assert week.query_one("#week-table").cursor_column == 6
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
    clinic.close()
    saved = reread(db_path, today)
    try:
        stored = saved.session_attendance(saved.session(evening.key))
        assert {p: r.status for p, r in stored.items()} == dict.fromkeys(
            evening.roster, AttendanceStatus.PRESENT
        )
    finally:
        saved.close()


async def test_at_80_columns_the_days_scroll_and_today_is_in_view(
    clinic: Workspace, clock: FixedClock, today: date, settle, screen_text
) -> None:
    app = today_app(clinic, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_week(pilot, settle)
        text = screen_text(app)
        assert f"{today:%a} {today.day} {today:%b} •" in text
        assert "18:00-21:00" in text
        sunday = today + timedelta(days=6 - today.weekday())
        assert f"{sunday:%a} {sunday.day} {sunday:%b}" not in text  # scrolled, not squeezed
        await pilot.press(*["right"] * (6 - today.weekday()))
        await settle(pilot)
        assert f"{sunday:%a} {sunday.day} {sunday:%b}" in screen_text(app)
        assert all(len(line) <= 80 for line in screen_text(app).splitlines())


async def test_g_on_a_group_session_of_the_week_opens_the_group_session_screen(
    clinic: Workspace, clock: FixedClock, today: date, settle
) -> None:
    from tplan.ui.screens.group_session import GroupSessionScreen

    app = today_app(clinic, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        week = await open_week(pilot, settle)
        assert week.week is not None
        sessions = week.week.days[today.weekday()].sessions
        row = next(n for n, s in enumerate(sessions) if s.title == EVENING)
        await pilot.press(*["down"] * row, "g")
        await settle(pilot)
        assert isinstance(app.screen, GroupSessionScreen)
