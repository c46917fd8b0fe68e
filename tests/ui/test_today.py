"""The Today screen and one-key attendance, driven by keys on the demo with its sessions, then
the file reopened to see what was saved."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from counselor_steps import reread, today_app

from tplan.domain import AttendanceStatus
from tplan.services import FixedClock, SessionKey, Workspace
from tplan.ui.forms.attendance_form import AttendanceForm
from tplan.ui.screens.caseload import CaseloadScreen
from tplan.ui.screens.today import TodayScreen

EVENING = "Evening relapse prevention"
COUNSELOR = "J. Park"


async def test_today_is_the_start_screen_and_records_a_roster_with_one_key_each(
    clinic: Workspace, clock: FixedClock, today: date, db_path: Path, settle, screen_text
) -> None:
    app = today_app(clinic, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        text = screen_text(app)
        assert "tplan — today" in text and "to do" in text
        await pilot.press("f2")
        assert "Individual · A.Q." in screen_text(app)
        await pilot.press("f2")
        assert f"{EVENING}     9  attendance 7/9" in text
        assert "attendance not recorded: " in text
        agenda = app.screen.agenda
        assert agenda is not None
        evening = next(n for n, s in enumerate(agenda.sessions) if s.title == EVENING)
        await pilot.press(*["down"] * evening, "enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AttendanceForm)
        names = [p.display_name for p in form.roster]
        kit, quinn = names.index("Kit Ravensworth"), names.index("Quinn Halloway")
        await pilot.press(*["down"] * kit, "l")  # late by the default 10 minutes
        assert form.query_one("#roster").highlighted == quinn
        await pilot.press("e")  # excused needs a reason first
        assert "Type the reason" in screen_text(app)
        form.query_one("#reason").value = "court date"
        form.query_one("#roster").focus()
        await pilot.press("e", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert f"{EVENING}     9  attendance ✔" in screen_text(app)

    again = reread(db_path, today)
    try:
        (item,) = [s for s in again.agenda().sessions if s.title == EVENING]
        assert item.recorded == 9
        records = again.session_attendance(again.session(item.key))
        by_name = {again.patient(pid).display_name: r for pid, r in records.items()}
        kit_record = by_name["Kit Ravensworth"]
        assert (kit_record.status, kit_record.late_minutes) == (AttendanceStatus.LATE, 10)
        quinn_record = by_name["Quinn Halloway"]
        assert (quinn_record.status, quinn_record.reason) == (
            AttendanceStatus.EXCUSED,
            "court date",
        )
        assert kit_record.recorded_by == COUNSELOR
        entries = [e for e in again.audit() if e.action == "record attendance"]
        assert len(entries) == 2  # the two members just marked, nobody else rewritten
    finally:
        again.close()


async def test_enter_on_unrecorded_attendance_opens_the_session_and_clears_the_line(
    clinic: Workspace, clock: FixedClock, today: date, db_path: Path, settle, screen_text
) -> None:
    app = today_app(clinic, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TodayScreen) and screen.agenda is not None
        line = next(
            n for n, w in enumerate(screen.agenda.worklist) if w.kind == "attendance_not_recorded"
        )
        await pilot.press("tab")
        assert app.focused is screen.query_one("#todo")
        await pilot.press(*["down"] * line, "enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AttendanceForm)
        missing = [n for n, p in enumerate(form.roster) if p.id not in form.marks]
        assert len(missing) == 2
        roster = form.query_one("#roster")
        for index in missing:
            roster.highlighted = index
            await pilot.press("p")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert "attendance not recorded" not in screen_text(app)
    again = reread(db_path, today)
    try:
        assert not [w for w in again.agenda().worklist if w.kind == "attendance_not_recorded"]
    finally:
        again.close()


async def test_escape_with_marks_asks_and_nothing_is_saved(
    clinic: Workspace, clock: FixedClock, today: date, db_path: Path, settle, screen_text
) -> None:
    first = clinic.agenda().sessions[0].session
    before = {p: r.status for p, r in clinic.session_attendance(first).items()}
    app = today_app(clinic, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")  # attendance of the highlighted (first) session
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AttendanceForm)
        await pilot.press("a", "escape")
        assert "Discard your changes?" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
    key: SessionKey = form.session.occurrence and SessionKey(*form.session.occurrence)
    again = reread(db_path, today)
    try:
        assert form.session.id == first.id
        after = {p: r.status for p, r in again.session_attendance(again.session(key)).items()}
        assert after == before
        assert AttendanceStatus.ABSENT not in after.values()
    finally:
        again.close()


async def test_the_setting_starts_on_the_caseload_and_ctrl_t_opens_today(
    clinic: Workspace, clock: FixedClock, settle, screen_text
) -> None:
    app = today_app(clinic, clock, start="caseload")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert "Sessions" in screen_text(app)
        await pilot.press("c")
        assert isinstance(app.screen, CaseloadScreen)


async def test_a_note_from_the_worklist_links_to_todays_session(
    clinic: Workspace, clock: FixedClock, today: date, db_path: Path, settle, screen_text
) -> None:
    from textual.widgets import Select, TextArea

    from tplan.ui.forms.note_form import NoteForm

    app = today_app(clinic, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TodayScreen) and screen.agenda is not None
        line = next(
            n
            for n, w in enumerate(screen.agenda.worklist)
            if w.kind == "no_note" and w.text.endswith("Individual · Avery Quill")
        )
        await pilot.press("tab", *["down"] * line, "enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NoteForm)
        labels = [label for label, _ in form.session_choices]
        assert labels == ["13:00 individual", f"18:00 {EVENING}"]
        form.query_one("#session_type", Select).value = "individual"
        form.query_one("#session_link", Select).value = form.session_choices[0][1]
        form.query_one("#section_data", TextArea).text = "Reviewed the week's triggers."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert "Individual · Avery Quill" not in screen_text(app).split("To do")[1]
    again = reread(db_path, today)
    try:
        avery = next(p for p in again.patients() if p.display_name == "Avery Quill")
        (entry,) = [e for e in again.sessions_on(avery.id) if e.label == "individual"]
        assert entry.session is not None
        linked = [n for n in avery.notes if n.session_id == entry.session.id]
        assert len(linked) == 1 and not linked[0].signed
    finally:
        again.close()
