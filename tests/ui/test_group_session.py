"""The group session screen driven by keys: a 10-member group documented once, signed into
every present member's chart, read back from the reopened file."""

from __future__ import annotations

import errno
import os
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from counselor_steps import today_app, workers_done
from group_factory import (
    ABSENT,
    EXCUSED,
    MEMBER_NAMES,
    SHARED_CONTENT,
    KeyCounter,
    document_group,
    own_text,
    record_attendance,
    record_attendance_by_keys,
    seed_group,
)
from textual.widgets import Input, Static, TextArea

from tplan.domain import AttendanceStatus
from tplan.services import FixedClock, SessionKey, Workspace
from tplan.settings import Settings
from tplan.store import open_repository
from tplan.ui.app import make_app
from tplan.ui.forms.attendance_form import AttendanceForm
from tplan.ui.screens.group_session import GroupSessionScreen

TODAY = date(2026, 3, 12)
CLOCK = FixedClock(TODAY, time(21, 30))
"""Today after the 18:00-21:00 group has met (a group is signed once it has begun)."""
PRESENT = [n for n in sorted(MEMBER_NAMES) if n not in (EXCUSED, ABSENT)]


@pytest.fixture
def group_file(tmp_path: Path) -> Path:
    path = tmp_path / "records" / "group.json"
    ws = Workspace(open_repository(path, "J. Park"), CLOCK, clinician="J. Park")
    try:
        group = seed_group(ws, TODAY)
        record_attendance(ws, group, TODAY)
    finally:
        ws.close()
    return path


def status_text(screen: GroupSessionScreen) -> str:
    return str(screen.query_one("#gs-status", Static).render())


@pytest.fixture
def unrecorded_group_file(tmp_path: Path) -> Path:
    path = tmp_path / "records" / "unrecorded.json"
    ws = Workspace(open_repository(path, "J. Park"), CLOCK, clinician="J. Park")
    try:
        seed_group(ws, TODAY)
    finally:
        ws.close()
    return path


@pytest.mark.every_frame  # painted as a terminal would, frame by frame
async def test_documenting_a_group_by_keys_signs_every_present_member(
    unrecorded_group_file: Path,
) -> None:
    group_file = unrecorded_group_file
    ws = Workspace(open_repository(group_file, "J. Park"), CLOCK, clinician="J. Park")
    app = make_app(ws, idle_privacy_minutes=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("G")
        await pilot.pause()
        await pilot.pause()
        form = app.screen
        assert isinstance(form, AttendanceForm)
        counter = KeyCounter(pilot)
        await record_attendance_by_keys(counter)
        screen = app.screen
        assert isinstance(screen, GroupSessionScreen)
        assert "Attendance recorded: 8 present." in status_text(screen)
        await document_group(counter, PRESENT)
        assert "Signed 8 member notes; skipped 2" in status_text(screen)
        assert screen.query_one("#gs-content", TextArea).disabled
        await pilot.press("ctrl+g")
        assert status_text(screen) == "This group is already signed."
        await pilot.press("ctrl+s")
        assert status_text(screen) == "Signed: corrections are addenda on one member's note."
    ws.close()

    with open_repository(group_file, "reader", read_only=True) as repo:
        by_name = {p.display_name: p for p in repo.active_patients()}
        session = repo.sessions_between(TODAY, TODAY)[0]
        attendance = {r.patient_id: r.status for r in repo.attendance_for([session.id])}
        assert len(attendance) == 10
        assert attendance[by_name[EXCUSED].id] is AttendanceStatus.EXCUSED
        group_note = repo.group_note_for(session.id)
        assert group_note is not None and group_note.signed
        for name in PRESENT:
            notes = [n for n in by_name[name].notes if n.group_note_id == group_note.id]
            assert len(notes) == 1 and notes[0].signed, name
            assessment, plan = own_text(name)
            assert SHARED_CONTENT in notes[0].sections["data"]
            assert assessment in notes[0].sections["assessment"]
            assert notes[0].sections["plan"] == plan
            assert notes[0].session_id == session.id
            others = [own_text(n)[0] for n in PRESENT if n != name]
            assert not any(o in str(notes[0].sections) for o in others)
        for name in (EXCUSED, ABSENT):
            assert not by_name[name].notes
            assert not group_note.part(by_name[name].id).has_narrative


async def test_another_members_name_warns_and_the_setting_refuses(group_file: Path) -> None:
    for refuse in (False, True):
        ws = Workspace(
            open_repository(group_file, "J. Park"), CLOCK, clinician="J. Park"
        )
        settings = Settings(refuse_warnings=("group_confidentiality",) if refuse else ())
        app = make_app(ws, idle_privacy_minutes=None, settings=settings)
        async with app.run_test(size=(80, 24)) as pilot:
            app.push_screen(GroupSessionScreen(SessionKey(ws.groups()[0].id, TODAY)))
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, GroupSessionScreen)
            await pilot.press("ctrl+r", "e")
            assert isinstance(app.focused, TextArea)
            app.focused.text = "Worked well with Marchetti on refusal skills."
            await pilot.press("ctrl+g")
            await pilot.pause()
            if refuse:
                assert app.screen is screen
                assert 'Avery Quill\'s part names "Marchetti" (Bo Marchetti)' in status_text(screen)
                assert "the settings refuse this" in status_text(screen)
            else:
                question = str(app.screen.query_one("#confirm-question", Static).render())
                assert "Sign 1 member note (locked): Avery Quill." in question
                assert "Skipped: Bo Marchetti (individual part empty)" in question
                assert "Emery Stroud (excused)" in question
                assert 'names "Marchetti" (Bo Marchetti)' in question
                await pilot.press("n")
                assert status_text(screen) == "Not signed."
        ws.close()
        with open_repository(group_file, "reader", read_only=True) as repo:
            assert all(not p.notes for p in repo.active_patients())


async def test_drafts_survive_leaving_and_the_member_list_collapses_at_80(
    group_file: Path,
) -> None:
    ws = Workspace(open_repository(group_file, "J. Park"), CLOCK, clinician="J. Park")
    app = make_app(ws, idle_privacy_minutes=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("G")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GroupSessionScreen)
        assert not screen.query_one("#gs-roster").display
        assert "1/8 Avery Quill" in str(screen.query_one("#gs-selector", Static).render())
        await pilot.press("ctrl+r", "]", "]")
        assert "3/8 Casey Thistlewood" in str(screen.query_one("#gs-selector", Static).render())
        await pilot.press("7", "d")
        app.focused.text = "Interrupted twice; redirected."
        await pilot.press("ctrl+s")
        await workers_done(app)
        await pilot.pause()
        assert "Saved the group as a draft" in status_text(screen)
        await pilot.press("escape")
        assert app.screen is not screen
    ws.close()
    ws = Workspace(open_repository(group_file, "J. Park"), CLOCK, clinician="J. Park")
    app = make_app(ws, idle_privacy_minutes=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("G")
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#gs-roster").display
        await pilot.press("ctrl+r", "]", "]")
        title = str(screen.query_one("#gs-member-title", Static).render())
        assert "Casey Thistlewood · participation: disruptive · craving 7" in title
        assert screen.query_one("#gs-sec1", TextArea).text == "Interrupted twice; redirected."
    ws.close()


async def test_a_disk_full_while_signing_signs_nobody_and_keeps_the_text(
    group_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*_args: object, **_kwargs: object) -> object:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    journal = group_file.with_name(group_file.name + ".journal")
    ws = Workspace(open_repository(group_file, "J. Park"), CLOCK, clinician="J. Park")
    app = make_app(ws, idle_privacy_minutes=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("G")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GroupSessionScreen)
        await pilot.press("ctrl+r", "e")
        app.focused.text = "Named two triggers."
        before = (group_file.read_bytes(), (journal.read_bytes() if journal.exists() else b""))
        monkeypatch.setattr("tplan.store.journal.os.pwrite", disk_full)
        await pilot.press("ctrl+g", "y")
        await workers_done(app)
        await pilot.pause()
        assert "Nothing was saved" in status_text(screen)
        assert not screen.query_one("#gs-sec1", TextArea).disabled
        assert screen.query_one("#gs-sec1", TextArea).text == "Named two triggers."
        assert (
            group_file.read_bytes(),
            (journal.read_bytes() if journal.exists() else b""),
        ) == before
        monkeypatch.undo()
        await pilot.press("ctrl+g", "y")
        await workers_done(app)
        await pilot.pause()
        assert "Signed 1 member note;" in status_text(screen)
    ws.close()
    with open_repository(group_file, "reader", read_only=True) as repo:
        signed = [n for p in repo.active_patients() for n in p.notes if n.signed]
        assert len(signed) == 1 and "Named two triggers." in signed[0].sections["assessment"]


async def test_last_plan_is_copied_only_on_its_key_and_objectives_take_one_key(
    group_file: Path,
) -> None:
    last_week = TODAY - timedelta(days=7)
    ws = Workspace(open_repository(group_file, "J. Park"), CLOCK, clinician="J. Park")
    group = ws.groups()[0]
    record_attendance(ws, group, last_week)
    session = ws.session(SessionKey(group.id, last_week))
    note = ws.group_note(session)
    first = note.members[0].model_copy(
        update={"sections": {"assessment": "Engaged.", "plan": "SMART meeting Thursday."}}
    )
    ws.sign_group_note(note.model_copy(update={"members": [first, *note.members[1:]]}))
    app = make_app(ws, idle_privacy_minutes=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("G")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GroupSessionScreen)
        plan = screen.query_one("#gs-sec2", TextArea)
        assert plan.text == ""
        await pilot.press("ctrl+r", "e")
        app.focused.text = "Practised refusal."
        await pilot.press("ctrl+l")
        assert plan.text == "SMART meeting Thursday." and app.focused is plan
        await pilot.press("ctrl+n")
        title = str(screen.query_one("#gs-member-title", Static).render())
        assert "objectives 2 rated" in title
        screen.query_one("#gs-objectives").focus()
        await pilot.press("i")
        await pilot.press("ctrl+g", "y")
        await workers_done(app)
        await pilot.pause()
    ws.close()
    with open_repository(group_file, "reader", read_only=True) as repo:
        avery = next(p for p in repo.active_patients() if p.display_name == "Avery Quill")
        today_note = next(n for n in avery.notes if n.date_of_service == TODAY)
        assert today_note.sections["plan"] == "SMART meeting Thursday."
        ratings = [o.rating.value for o in today_note.objectives_addressed]
        assert ratings == ["no_change", "improving"]


async def test_todays_evening_group_of_the_demo_opens_from_its_session_line(
    clinic: Workspace, settle, screen_text
) -> None:
    app = today_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        agenda = app.screen.agenda
        evening = next(
            n for n, s in enumerate(agenda.sessions) if s.title == "Evening relapse prevention"
        )
        await pilot.press(*["down"] * evening, "g")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, GroupSessionScreen)
        members = screen.note.members
        assert len(members) == 9 and sum(m.attended for m in members) == 7
        assert "Evening relapse prevention" in screen_text(app)
        assert "1/7" in screen_text(app)


async def test_keys_typed_fast_across_tab_land_in_the_parts_they_were_typed_for(
    group_file: Path,
) -> None:
    """Typed in one burst, as a terminal delivers it: the topic's letters stay in the topic
    and those after tab go to the content (tab had moved the focus only after the keys behind
    it had been handed to the topic)."""
    from textual import events

    ws = Workspace(open_repository(group_file, "J. Park"), CLOCK, clinician="J. Park")
    app = make_app(ws, idle_privacy_minutes=None)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("G")
            await workers_done(app)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, GroupSessionScreen)
            topic = screen.query_one("#gs-topic", Input)
            topic.value = ""
            topic.focus()
            await pilot.pause()
            for key in ("H", "A", "L", "T", "tab", "S", "O", "S"):
                app.post_message(events.Key(key, key if len(key) == 1 else None))
            await workers_done(app)
            await pilot.pause()
            content = screen.query_one("#gs-content", TextArea).text
            assert (topic.value, content[:3]) == ("HALT", "SOS")
    finally:
        ws.close()
