"""A new record file: Today says how to start instead of an empty page."""

from __future__ import annotations

from pathlib import Path

from counselor_steps import today_app

from tplan.domain import TreatmentGroup, Weekday
from tplan.services import FixedClock, Workspace
from tplan.store import open_repository
from tplan.ui.screens.today import TodayScreen


async def test_an_empty_file_says_how_to_add_groups_and_patients(
    tmp_path: Path, clock: FixedClock, settle, screen_text
) -> None:
    ws = Workspace(open_repository(tmp_path / "new.json", "J. Park"), clock, clinician="J. Park")
    try:
        app = today_app(ws, clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, TodayScreen)
            text = screen_text(app)
            assert "no treatment groups yet: ctrl+p, then New treatment group" in text
            assert "no patients yet: c for the caseload, then a to admit" in text
            await pilot.press("c")
            await settle(pilot)
            assert "No patients yet" in screen_text(app)
    finally:
        ws.close()


async def test_a_day_without_sessions_is_only_that_once_groups_exist(
    tmp_path: Path, clock: FixedClock, today, settle, screen_text
) -> None:
    ws = Workspace(open_repository(tmp_path / "new.json", "J. Park"), clock, clinician="J. Park")
    tomorrow = list(Weekday)[(today.weekday() + 1) % 7]  # meets tomorrow, never today
    group = TreatmentGroup.model_validate({
        "name": "Skills", "kind": "skills", "facilitators": ["J. Park"], "active_from": str(today),
        "schedule": [{"start": str(today), "weekdays": [tomorrow], "start_time": "09:00",
                      "duration_minutes": 180}],
    })
    ws.save_group(group)
    try:
        app = today_app(ws, clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            text = screen_text(app)
            assert "no sessions today" in text
            assert "no treatment groups yet" not in text
    finally:
        ws.close()
