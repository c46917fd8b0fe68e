"""A form's choice opens its list the first time it is needed: by enter, by a click, by typing
to search, with the current value highlighted, and escape closes it keeping the value."""

from __future__ import annotations

from collections.abc import Callable

from test_forms_harness import SIZE, FormHarness, settle
from textual.widgets import Select

from tplan.domain import Attendance, NoteFormat, Patient, SessionType
from tplan.services import FixedClock, Workspace
from tplan.ui.forms import NoteForm

AVERY = "demo-avery-quill"


def options_list(select: Select) -> list:
    return list(select.query("SelectOverlay"))


async def test_enter_opens_the_list_at_the_current_value_and_a_pick_is_saved(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    known = {n.id for n in workspace.patient(AVERY).notes}
    app = FormHarness(workspace, clock, lambda ws: NoteForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        fmt = app.form.query_one("#format", Select)
        assert not options_list(fmt)  # a choice never opened has no list yet
        fmt.focus()
        await pilot.press("enter")
        await pilot.pause()
        (overlay,) = options_list(fmt)
        assert overlay.display and overlay.has_focus
        assert overlay.highlighted == [f for f in NoteFormat].index(NoteFormat.DAP)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert fmt.value is NoteFormat.BIRP and fmt.has_focus and not overlay.display
        assert app.form.query_one("#row-section_behavior").display  # Changed reached the form
        await pilot.press("ctrl+s")
        await settle(pilot)
    (note,) = [n for n in saved(AVERY).notes if n.id not in known]
    assert note.format is NoteFormat.BIRP


async def test_a_click_opens_the_list_and_typing_finds_an_option(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    known = {n.id for n in workspace.patient(AVERY).notes}
    app = FormHarness(workspace, clock, lambda ws: NoteForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#attendance")
        await pilot.pause()
        attendance = app.form.query_one("#attendance", Select)
        (overlay,) = options_list(attendance)
        assert overlay.display and overlay.has_focus
        await pilot.press("m")  # type to search: "missed"
        await pilot.press("enter")
        await pilot.pause()
        assert attendance.value is Attendance.MISSED
        await pilot.press("ctrl+s")
        await settle(pilot)
    (note,) = [n for n in saved(AVERY).notes if n.id not in known]
    assert note.attendance is Attendance.MISSED


async def test_escape_closes_the_list_and_keeps_the_value_and_the_form(
    workspace: Workspace, clock: FixedClock
) -> None:
    app = FormHarness(workspace, clock, lambda ws: NoteForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        session = app.form.query_one("#session_type", Select)
        session.focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "escape")
        await pilot.pause()
        (overlay,) = options_list(session)
        assert not overlay.display and session.has_focus
        assert session.value is SessionType.GROUP
        assert isinstance(app.screen, NoteForm)
        await pilot.press("enter")  # opened again: the same list, at the value
        await pilot.pause()
        assert options_list(session) == [overlay]
        assert overlay.highlighted == [s for s in SessionType].index(SessionType.GROUP)
