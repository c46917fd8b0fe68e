"""Snapshots of the forms a counselor sees most (plain ``def``: snap_compare runs the app)."""

from __future__ import annotations

from counselor_steps import workers_done
from test_forms_harness import FormHarness
from textual.pilot import Pilot

from tplan.services import FixedClock, Workspace
from tplan.ui.forms import AdmitForm, DecisionPanel, NoteForm

BO = "demo-bo-marchetti"
AVERY = "demo-avery-quill"
CASS = "demo-casey-thistlewood"


async def _still(pilot: Pilot[None]) -> None:
    """Stop the cursor blinking: under load the picture could catch it off (a flaky snapshot)."""
    for field in pilot.app.screen.query("Input, TextArea"):
        field.cursor_blink = False
    await pilot.pause()


def test_note_form_with_validation_error(snap_compare, workspace: Workspace, clock: FixedClock):
    async def fill(pilot: Pilot[None]) -> None:
        form = pilot.app.screen
        form.query_one("#section_data").focus()
        await pilot.press(*"Quiet in group", "enter", *"[bold]ok[/]")
        form.query_one("#craving").focus()
        await pilot.press("1", "2")
        await pilot.press("ctrl+s")
        await workers_done(pilot.app)
        for field in form.query("Input, TextArea"):
            field.cursor_blink = False  # a blinking cursor makes the picture depend on timing
        await pilot.pause()

    app = FormHarness(workspace, clock, lambda ws: NoteForm(ws, BO))
    assert snap_compare(app, terminal_size=(100, 34), run_before=fill)


def test_decision_panel_step_down(snap_compare, workspace: Workspace, clock: FixedClock):
    app = FormHarness(workspace, clock, lambda ws: DecisionPanel(ws, AVERY))
    assert snap_compare(app, terminal_size=(120, 40), run_before=_still)


def test_decision_panel_safety_at_80x24(snap_compare, workspace: Workspace, clock: FixedClock):
    app = FormHarness(workspace, clock, lambda ws: DecisionPanel(ws, CASS))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_still)


def test_admit_form_at_80x24(snap_compare, workspace: Workspace, clock: FixedClock):
    app = FormHarness(workspace, clock, AdmitForm)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_still)
