"""Two counselors on one clinic database (a real PostgreSQL server): what one saves about the
IOP week (a cancelled session, attendance, a group note) redraws the other's open Today, week
and group session screen, with no key pressed by the one watching."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from counselor_steps import today_app, until
from textual.pilot import Pilot
from textual.widgets import Input

from tplan.domain import AttendanceStatus, Session
from tplan.services import FixedClock, Mark, SessionKey, Workspace
from tplan.services.demo import load_demo, load_demo_sessions
from tplan.store import open_store
from tplan.ui.app import TplanApp
from tplan.ui.screens.group_session import GroupSessionScreen
from tplan.ui.screens.today import TodayScreen
from tplan.ui.screens.week import WeekScreen

TODAY = date(2026, 3, 12)
EVENING = "Evening relapse prevention"


@pytest.fixture
def clinic_db(postgres_url: str) -> Iterator[tuple[Workspace, Workspace]]:
    """J. Park's and A. Rivera's workspaces on one database holding the demo IOP week."""
    clock = FixedClock(TODAY)
    park = Workspace(open_store(postgres_url, "J. Park"), clock, clinician="J. Park")
    park.import_patients(load_demo(TODAY))
    bundle = load_demo_sessions(TODAY)
    with park.repo.connection() as conn, conn.transaction():  # type: ignore[attr-defined]
        park.repo.copy_clinic_records(  # type: ignore[attr-defined]
            conn, bundle.groups, bundle.sessions, bundle.attendance, []
        )
    rivera = Workspace(open_store(postgres_url, "A. Rivera"), clock, clinician="A. Rivera")
    yield park, rivera
    park.close()
    rivera.close()


def evening_session(ws: Workspace) -> Session:
    (item,) = [s for s in ws.agenda(TODAY).sessions if s.title == EVENING]
    return ws.session(item.key)


async def test_a_session_cancelled_elsewhere_redraws_today_and_the_week(
    clinic_db: tuple[Workspace, Workspace], screen_text: Callable[[TplanApp], str]
) -> None:
    park, rivera = clinic_db
    app = today_app(park)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: EVENING in screen_text(app), "Today's sessions")
        assert isinstance(app.screen, TodayScreen)
        assert "cancelled" not in screen_text(app).lower()
        # a session saved and nothing else: no patient changes, only the clinic channel tells
        rivera.cancel_session(evening_session(rivera), "facilitator ill")
        await until(pilot, lambda: "cancelled" in screen_text(app).lower(), "Today redrawn")

        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, WeekScreen), "the week opens")
        week = app.screen
        assert isinstance(week, WeekScreen)
        await until(pilot, lambda: week.week is not None, "the week computed")
        saturday = TODAY.replace(day=14)  # the evening group meets Thu, Sat and Sun
        (held,) = [s for s in rivera.agenda(saturday).sessions if s.title == EVENING]
        assert not held.cancelled
        rivera.cancel_session(rivera.session(held.key), "snow day")
        await until(pilot, lambda: cancelled_on(week, saturday) == [EVENING], "the week redrawn")


async def open_group(app: TplanApp, pilot: Pilot[None], session: Session) -> GroupSessionScreen:
    """Today's evening group session, open on the screen."""
    app.push_screen(GroupSessionScreen(SessionKey(session.group_id, TODAY)))
    await until(pilot, lambda: isinstance(app.screen, GroupSessionScreen), "the group")
    assert isinstance(app.screen, GroupSessionScreen)
    return app.screen


def cancelled_on(screen: WeekScreen, day: date) -> list[str]:
    assert screen.week is not None
    (week_day,) = [d for d in screen.week.days if d.on == day]
    return [s.title for s in week_day.sessions if s.cancelled]


async def test_attendance_recorded_elsewhere_shows_in_an_open_group_session(
    clinic_db: tuple[Workspace, Workspace], screen_text: Callable[[TplanApp], str]
) -> None:
    park, rivera = clinic_db
    app = today_app(park)
    async with app.run_test(size=(120, 40)) as pilot:
        session = evening_session(park)
        screen = await open_group(app, pilot, session)
        unrecorded = [m.patient_id for m in screen.note.members if m.attendance is None]
        assert unrecorded
        roster = {p.id: p.display_name for p in rivera.session_roster(session)}
        marks = {pid: Mark(AttendanceStatus.PRESENT) for pid in unrecorded}
        rivera.record_attendance(rivera.session(SessionKey(session.group_id, TODAY)), marks)
        await until(
            pilot,
            lambda: all(screen.note.part(pid).attended for pid in unrecorded),  # type: ignore[union-attr]
            "the roster follows",
        )
        text = screen_text(app)
        assert "Another counselor changed this session" in text
        assert f"✔ {roster[unrecorded[0]]}" in text

        # the group note's draft saved elsewhere replaces an untouched one here
        stored = rivera.session(SessionKey(session.group_id, TODAY))
        draft = rivera.group_note(stored)
        draft = draft.model_copy(update={"shared": draft.shared.model_copy(
            update={"topic": "Refusal skills at family meals"})})
        rivera.save_group_note(draft, stored)
        topic = screen.query_one("#gs-topic", Input)
        await until(pilot, lambda: topic.value == "Refusal skills at family meals", "the note")


async def test_text_typed_in_the_group_is_kept_while_the_attendance_follows(
    clinic_db: tuple[Workspace, Workspace], screen_text: Callable[[TplanApp], str]
) -> None:
    park, rivera = clinic_db
    app = today_app(park)
    async with app.run_test(size=(120, 40)) as pilot:
        session = evening_session(park)
        screen = await open_group(app, pilot, session)
        topic = screen.query_one("#gs-topic", Input)
        topic.value = "Urge surfing, typed and not saved yet"
        unrecorded = [m.patient_id for m in screen.note.members if m.attendance is None]
        marks = {pid: Mark(AttendanceStatus.EXCUSED, reason="work") for pid in unrecorded}
        rivera.record_attendance(rivera.session(SessionKey(session.group_id, TODAY)), marks)
        await until(
            pilot,
            lambda: all(
                screen.note.part(pid).attendance is AttendanceStatus.EXCUSED  # type: ignore[union-attr]
                for pid in unrecorded
            ),
            "the roster follows",
        )
        assert topic.value == "Urge surfing, typed and not saved yet"
        assert "Your unsaved text is kept." in screen_text(app)
        assert screen.dirty
