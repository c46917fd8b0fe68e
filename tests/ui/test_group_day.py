"""A counselor's day with the demo's groups (issue 16, group sessions and Today), by keys at
80x24 and 120x40: privacy on an open group screen, signing only once a group has met, the
"no note" to-do of a group opening that group, and what counts as a group's note."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from counselor_steps import until
from textual.widgets import TextArea

from tplan.domain import Attendance, ProgressNote, SessionType
from tplan.services import FixedClock, Workspace
from tplan.services.agenda import day_text
from tplan.services.demo import load_demo, load_demo_sessions
from tplan.settings import Settings
from tplan.store import open_repository
from tplan.ui.app import TplanApp, make_app
from tplan.ui.forms.attendance_form import AttendanceForm
from tplan.ui.screens.group_session import GroupSessionScreen, open_group_session
from tplan.ui.screens.today import TodayScreen
from tplan.ui.screens.week import WeekScreen

TODAY = date(2026, 3, 12)
EVENING = "Evening relapse prevention"


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "records" / "demo.json"
    ws = Workspace(open_repository(path, "J. Park"), FixedClock(TODAY), clinician="J. Park")
    try:
        ws.import_patients(load_demo(TODAY))
        bundle = load_demo_sessions(TODAY)
        ws.repo.import_clinic_records(bundle.groups, bundle.sessions, bundle.attendance)
    finally:
        ws.close()
    return path


def open_app(path: Path, at: time) -> tuple[Workspace, TplanApp]:
    clock = FixedClock(TODAY, at)
    ws = Workspace(open_repository(path, "J. Park"), clock, clinician="J. Park")
    settings = Settings(clinician="J. Park", start_screen="today", privacy_after_minutes=0)
    return ws, make_app(ws, clock=clock, settings=settings)


async def write_and_sign(app: TplanApp, pilot, settle, text: str, *, confirm: bool = True) -> None:
    """The shown member engaged, ``text`` their first section, ``ctrl+g`` (and ``y``)."""
    await pilot.press("ctrl+r", "e")
    focused = app.focused
    assert isinstance(focused, TextArea), "engaged moves the focus to the member's first section"
    focused.insert(text)  # the whole string at once, as a paste: per-key typing only slows it
    await pilot.press("ctrl+g")
    await settle(pilot)
    if confirm:
        await pilot.press("y")
        await settle(pilot)


async def open_evening_group(app: TplanApp, pilot, settle) -> GroupSessionScreen:
    """From Today: down to the evening group's line, ``g``."""
    await settle(pilot)
    sessions = app.screen.agenda.sessions
    evening = next(n for n, s in enumerate(sessions) if s.title == EVENING)
    await pilot.press(*["down"] * evening, "g")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, GroupSessionScreen)
    return screen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_f2_on_an_open_group_screen_turns_every_member_name_to_initials_and_back(
    demo_file: Path, settle, screen_text, size: tuple[int, int]
) -> None:
    ws, app = open_app(demo_file, time(19))
    async with app.run_test(size=size) as pilot:
        await open_evening_group(app, pilot, settle)
        assert "Avery Quill" in screen_text(app)
        await pilot.press("f2")
        await settle(pilot)
        shown = screen_text(app)
        assert "Avery Quill" not in shown and "Quill" not in shown
        assert "A.Q. · participation:" in shown
        if size[0] >= 120:
            assert "Bo Marchetti" not in shown and "B.M." in shown
        await pilot.press("f2")
        await settle(pilot)
        shown = screen_text(app)
        assert "Avery Quill · participation:" in shown and "A.Q." not in shown
    ws.close()


async def test_idle_privacy_while_the_attendance_form_is_open_masks_its_roster(
    demo_file: Path, settle, screen_text, idle_clock
) -> None:
    """The counselor walks away with a group's attendance open: idle privacy (the app's timer)
    turns the roster's names to initials; the next key and F2 bring them back."""
    clock = FixedClock(TODAY, time(19))
    ws = Workspace(open_repository(demo_file, "J. Park"), clock, clinician="J. Park")
    settings = Settings(clinician="J. Park", start_screen="today", privacy_after_minutes=5)
    app = make_app(ws, clock=clock, settings=settings, idle_clock=idle_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_evening_group(app, pilot, settle)
        await pilot.press("ctrl+r", "t")
        await settle(pilot)
        assert isinstance(app.screen, AttendanceForm)
        assert "Avery Quill" in screen_text(app)
        idle_clock.advance(6 * 60)
        app.check_privacy_idle()
        await settle(pilot)
        shown = screen_text(app)
        assert "Avery Quill" not in shown and "A.Q." + " " * 25 + "✔ present" in shown
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert "Avery Quill · participation:" in screen_text(app)
    ws.close()


async def test_f2_on_the_week_view_masks_the_individual_sessions_names(
    demo_file: Path, settle, screen_text
) -> None:
    ws, app = open_app(demo_file, time(19))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        week = app.screen
        assert isinstance(week, WeekScreen)
        await until(pilot, lambda: week.week is not None, "the week computed")
        await settle(pilot)
        assert "1:1 Avery" in screen_text(app)
        await pilot.press("f2")
        await settle(pilot)
        shown = screen_text(app)
        assert "Avery" not in shown and "1:1 A." in shown
    ws.close()


def signed_notes_of(path: Path, session_on: date) -> dict[str, int]:
    """Reopened file: how many signed group notes each patient holds for ``session_on``."""
    with open_repository(path, "reader", read_only=True) as repo:
        return {
            p.display_name: n
            for p in repo.active_patients()
            if (
                n := sum(
                    1
                    for note in p.notes
                    if note.signed and note.group_note_id and note.date_of_service == session_on
                )
            )
        }


async def test_a_group_is_signed_only_once_it_has_begun_a_draft_may_be_saved_ahead(
    demo_file: Path, settle, screen_text
) -> None:
    before = signed_notes_of(demo_file, TODAY)
    ws, app = open_app(demo_file, time(15, 16))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_evening_group(app, pilot, settle)
        await write_and_sign(app, pilot, settle, "Named two triggers; practised refusal.",
                             confirm=False)
        assert screen is app.screen  # no confirmation asked
        refused = "Not signed: the session has not begun (Thu 12 Mar 18:00): keep it a draft"
        assert refused in screen_text(app)
        assert not screen.note.signed and not screen.query_one("#gs-content").disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved the group as a draft" in screen_text(app)
    ws.close()
    assert signed_notes_of(demo_file, TODAY) == before
    with open_repository(demo_file, "reader", read_only=True) as repo:
        session = next(s for s in repo.sessions_between(TODAY, TODAY) if s.start == time(18))
        draft = repo.group_note_for(session.id)
        assert draft is not None and not draft.signed

    ws, app = open_app(demo_file, time(18))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_evening_group(app, pilot, settle)
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "Signed 1 member note;" in screen_text(app)
    ws.close()
    after = signed_notes_of(demo_file, TODAY)
    assert after == {**before, "Avery Quill": before.get("Avery Quill", 0) + 1}


async def test_a_groups_no_note_to_do_opens_that_group_session_and_its_note_clears_it(
    demo_file: Path, settle, screen_text
) -> None:
    ws, app = open_app(demo_file, time(19))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        today = app.screen
        assert isinstance(today, TodayScreen) and today.agenda is not None
        line, item = next(
            (n, w)
            for n, w in enumerate(today.agenda.worklist)
            if w.kind == "no_note" and w.group_id and w.on and w.on < TODAY
        )
        assert item.session is not None and len(item.patients) > 1
        await pilot.press("tab", *["down"] * line, "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, GroupSessionScreen)
        assert screen.session_key == item.session and screen.session.on == item.on
        assert f"{item.label} · {day_text(item.on)}" in screen_text(app)
        first = screen.current
        await write_and_sign(
            app, pilot, settle, "Spoke about a hard weekend; used the urge-surfing step."
        )
        assert "Signed 1 member note;" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is today
        left = len(item.patients) - 1
        cleared = next(w for w in today.agenda.worklist if w.session == item.session)
        assert cleared.kind == "no_note" and first not in cleared.patients
        assert len(cleared.patients) == left
    ws.close()
    with open_repository(demo_file, "reader", read_only=True) as repo:
        notes = [n for n in repo.get(first).notes if n.date_of_service == item.on and n.signed]
        assert len(notes) == 1 and notes[0].group_note_id is not None
        assert "urge-surfing" in notes[0].sections["assessment"]


def evening_line(text: str) -> str:
    return next(line for line in text.splitlines() if EVENING in line)


async def test_an_unlinked_draft_written_before_the_group_is_not_its_note(
    demo_file: Path, settle, screen_text
) -> None:
    """Avery's group-type draft of today, written at 15:16 with no linked session, does not
    document the 18:00 group; signed after the group (still unlinked) it does."""
    ws, app = open_app(demo_file, time(15, 16))
    avery = next(p for p in ws.patients() if p.display_name == "Avery Quill")
    draft = ProgressNote(
        date_of_service=TODAY,
        written_at=ws.clock.now(),
        session_type=SessionType.GROUP,
        attendance=Attendance.ATTENDED,
        sections={
            "data": "Plans to bring the relapse-prevention card.",
            "assessment": "Prepared for the group",
            "plan": "Review the card in group",
        },
        author="J. Park",
    )
    ws.save_draft(avery.id, draft)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "notes 0/7" in evening_line(screen_text(app))
    ws.close()

    ws, app = open_app(demo_file, time(21, 30))
    ws.sign_note(avery.id, draft.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "notes 1/7 (1 signed)" in evening_line(screen_text(app))
    ws.close()
    with open_repository(demo_file, "reader", read_only=True) as repo:
        stored = repo.get(avery.id).find_note(draft.id)
        assert stored is not None and stored.signed and stored.session_id is None


async def test_the_note_form_says_why_a_note_linked_to_a_later_group_is_not_signed(
    demo_file: Path, settle, screen_text
) -> None:
    from textual.widgets import Select, TextArea

    from tplan.ui.forms.note_form import NoteForm

    ws, app = open_app(demo_file, time(15, 16))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Avery")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NoteForm)
        evening = next(v for label, v in form.session_choices if EVENING in label)
        form.query_one("#session_type", Select).value = "group"
        form.query_one("#session_link", Select).value = evening
        form.query_one("#section_data", TextArea).text = "Will bring the relapse-prevention card."
        form.query_one("#section_assessment", TextArea).text = "Prepared for the group"
        form.query_one("#section_plan", TextArea).text = "Review the card in group"
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form
        assert "the session has not begun (Thu 12 Mar 18:00): keep it a draft" in (
            screen_text(app)
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
    ws.close()
    with open_repository(demo_file, "reader", read_only=True) as repo:
        avery = next(p for p in repo.active_patients() if p.display_name == "Avery Quill")
        today = [n for n in avery.notes if n.date_of_service == TODAY]
        assert [n.signed for n in today] == [False]
        assert today[0].sections["data"] == "Will bring the relapse-prevention card."


def status_of(screen: GroupSessionScreen) -> str:
    return str(screen.query_one("#gs-status").render())


async def test_a_member_left_empty_at_signing_is_written_and_signed_later(
    demo_file: Path, settle, screen_text
) -> None:
    """Sign all with one present member's part written: the shared part locks, the others stay
    open and on Today's to-do; the next member is written and signed with the same key, then
    both are in the file and in the reopened app, the shared part still read only."""
    ws, app = open_app(demo_file, time(21, 30))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_evening_group(app, pilot, settle)
        key = screen.session_key
        first = screen.current
        await write_and_sign(app, pilot, settle, "Named two triggers; practised refusal.")
        assert "Signed 1 member note;" in status_of(screen)
        assert "Now signed: Avery Quill. To document: 8." in status_of(screen)
        assert "✒ signed, read only" in screen_text(app) and "1 signed" in screen_text(app)
        assert screen.query_one("#gs-content").disabled and screen.query_one("#gs-sec1").disabled
        await pilot.press("]")
        second = screen.current
        assert second != first and not screen.query_one("#gs-sec1").disabled
        await pilot.press("escape")
        await settle(pilot)
        todo = next(w for w in app.screen.agenda.worklist if w.session == key)
        assert todo.kind == "no_note" and second in todo.patients and first not in todo.patients

        open_group_session(app, key)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, GroupSessionScreen) and screen.current == second
        waiting = "Signed: Avery Quill. To document: 6 part empty, 2 not recorded."
        assert waiting in status_of(screen)
        await write_and_sign(
            app, pilot, settle, "Arrived late; spoke about a hard weekend.", confirm=False
        )
        question = str(app.screen.query_one("#confirm-question").render())
        assert question.startswith("Sign 1 member note (locked): ")
        assert "Added to the group signed Thu 12 Mar 21:30." in question
        await pilot.press("y")
        await settle(pilot)
        assert "Signed 1 member note;" in status_of(screen)
        assert f"Now signed: {app.person_name(ws.patient(second))}." in status_of(screen)
        assert screen.query_one("#gs-sec1").disabled
    ws.close()

    with open_repository(demo_file, "reader", read_only=True) as repo:
        session = next(s for s in repo.sessions_between(TODAY, TODAY) if s.start == time(18))
        group_note = repo.group_note_for(session.id)
        assert group_note is not None and group_note.signed_members == [first, second]
        (late,) = [n for n in repo.get(second).notes if n.group_note_id == group_note.id]
        assert late.signed and late.date_of_service == TODAY
        assert "hard weekend" in late.sections["assessment"]

    ws, app = open_app(demo_file, time(21, 45))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        open_group_session(app, key)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, GroupSessionScreen) and screen.note.signed_members == [
            first,
            second,
        ]
        assert screen.query_one("#gs-content").disabled and screen.query_one("#gs-topic").disabled
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert app.screen is screen and "To document: 5 part empty," in status_of(screen)
    ws.close()
