"""CLINICAL.md section 8: the level's scheduled hours against the hours of the expected sessions,
shown on the patient screen's summary when they differ (never refused)."""

from __future__ import annotations

from datetime import date, time

from tplan.clinical import ExpectedSession, scheduled_hours
from tplan.domain import Session, SessionStatus
from tplan.services import FixedClock, Workspace
from tplan.settings import Settings
from tplan.ui.app import make_app
from tplan.ui.screens.patient import PatientScreen

COUNSELOR = "J. Park"


def test_scheduled_hours_leave_out_sessions_cancelled_by_the_program() -> None:
    day = date(2026, 3, 9)

    def entry(start: int, end: int, cancelled: bool = False) -> ExpectedSession:
        session = None
        if cancelled:
            session = Session(on=day, group_id="gr-evening", start=time(start), end=time(end),
                              status=SessionStatus.CANCELLED, cancel_reason="holiday")
        return ExpectedSession(on=day, patient_id="p", occurrence="g", label="group",
                               start=time(start), end=time(end), session=session, record=None)

    assert scheduled_hours([entry(9, 12), entry(18, 21)]) == 6
    assert scheduled_hours([entry(9, 12), entry(18, 21, cancelled=True)]) == 3
    assert scheduled_hours([]) == 0


async def test_the_patient_summary_shows_a_schedule_that_does_not_match_the_level(
    clinic: Workspace, clock: FixedClock, settle, screen_text
) -> None:
    by_name = {p.display_name: p for p in clinic.patients()}
    mismatch = clinic.schedule_mismatch(by_name["Avery Quill"])
    assert mismatch is not None and "level 9 h/wk" in mismatch
    assert clinic.schedule_mismatch(by_name["Casey Thistlewood"]) is None
    settings = Settings(clinician=COUNSELOR, start_screen="caseload", privacy_after_minutes=0)
    app = make_app(clinic, clock=clock, settings=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_patient(by_name["Avery Quill"].id)
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
        assert f"Schedule {mismatch} ≠" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        app.open_patient(by_name["Casey Thistlewood"].id)
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
        text = screen_text(app)
        assert "Attendance" in text and "Schedule " not in text


async def test_at_80x24_the_levels_tab_shows_the_mismatch(
    clinic: Workspace, clock: FixedClock, settle, screen_text
) -> None:
    """The summary line is hidden on a short screen; the Levels tab says it under the levels."""
    avery = next(p for p in clinic.patients() if p.display_name == "Avery Quill")
    mismatch = clinic.schedule_mismatch(avery)
    settings = Settings(clinician=COUNSELOR, start_screen="caseload", privacy_after_minutes=0)
    app = make_app(clinic, clock=clock, settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_patient(avery.id)
        await settle(pilot)
        await pilot.press(*["right_square_bracket"] * 6)  # Plan ... Trends, Levels
        await settle(pilot)
        assert f"Schedule ≠ level: {mismatch}" in screen_text(app)
