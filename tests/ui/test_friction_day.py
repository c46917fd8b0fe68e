"""Issue #16: the frictions of a counselor's day at 80x24, each driven by the keys a counselor
presses, checked on the screen and in the file afterwards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from counselor_steps import open_patient, press_until
from test_forms_harness import type_in
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from tplan.domain import Patient
from tplan.services import Workspace
from tplan.ui import forms
from tplan.ui.app import TplanApp
from tplan.ui.screens.caseload import CaseloadScreen
from tplan.ui.screens.patient import PatientScreen

SMALL = (80, 24)
AVERY = "demo-avery-quill"
LANE = "demo-lane-copperfield"


def field_error(app: TplanApp, key: str) -> str:
    return app.screen.field_errors().get(key, "")  # type: ignore[attr-defined]


# --- 1. plan review: "What changed" is visible, reachable and required ---------------------------


async def test_review_at_80x24_needs_what_changed_before_it_counts(
    app: TplanApp, workspace: Workspace, settle, screen_text, saved: Callable[[str], Patient]
) -> None:
    due_before = workspace.caseload_row(LANE).review_due
    async with app.run_test(size=SMALL) as pilot:
        await open_patient(pilot, settle, "Lane")
        assert "OVERDUE" in screen_text(app)
        await pilot.press("r")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, forms.ReviewForm)
        await pilot.press("tab")
        summary = review.query_one("#review_summary", TextArea)
        assert app.focused is summary and summary.region.height >= 3
        assert "progress, changes to the plan" in screen_text(app)
        await pilot.press("tab", "enter")  # sign as counselor, nothing written
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is review
        assert "say what changed" in field_error(app, "review_summary")
        assert app.focused is summary
        await pilot.press(*"Two objectives met", "enter", *"Family session added")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
        assert "OVERDUE" not in screen_text(app)
    stored = saved(LANE).reviews[-1]
    assert stored.summary == "Two objectives met\nFamily session added"
    assert workspace.caseload_row(LANE).review_due > due_before


# --- 16. escape on the review form after changes asks before discarding -------------------------


async def test_escape_on_a_changed_review_asks_first(
    app: TplanApp, settle, saved: Callable[[str], Patient]
) -> None:
    before = saved(LANE).reviews
    async with app.run_test(size=SMALL) as pilot:
        await open_patient(pilot, settle, "Lane")
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("tab", *"Half a thought")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, forms.ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, forms.ReviewForm)
        assert app.screen.query_one("#review_summary", TextArea).text == "Half a thought"
    assert saved(LANE).reviews == before


# --- 2. dates: before admission refused, past target warned, shortcuts shown ---------------------


async def test_note_before_admission_is_refused_and_focus_goes_to_the_date(
    app: TplanApp, settle, saved: Callable[[str], Patient]
) -> None:
    before = saved(AVERY).notes
    async with app.run_test(size=SMALL) as pilot:
        await open_patient(pilot, settle, "Avery")
        await pilot.press("n")
        await settle(pilot)
        note = app.screen
        assert isinstance(note, forms.NoteForm)
        await type_in(pilot, "date_of_service", "2020-01-01")
        await type_in(pilot, "section_data", "Group on holiday triggers")
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert app.screen is note
        assert "before the admission" in field_error(app, "date_of_service")
        assert app.focused is note.query_one("#date_of_service")  # item 14
    assert saved(AVERY).notes == before


async def test_date_shortcuts_show_the_date_they_became(app: TplanApp, settle, today: date) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await open_patient(pilot, settle, "Avery")
        await pilot.press("n")
        await settle(pilot)
        field = app.screen.query_one("#date_of_service", Input)
        field.focus()
        await pilot.press("home", "ctrl+k", "-", "7", "tab")
        await pilot.pause()
        assert field.value == (today - timedelta(days=7)).isoformat()
        field.focus()
        await pilot.press("home", "ctrl+k", "y", "tab")
        await pilot.pause()
        assert field.value == (today - timedelta(days=1)).isoformat()


async def test_a_past_target_date_is_saved_only_when_confirmed(
    app: TplanApp, settle, today: date, saved: Callable[[str], Patient]
) -> None:
    count = len(list(saved(AVERY).objectives()))
    async with app.run_test(size=SMALL) as pilot:
        await open_patient(pilot, settle, "Avery")
        await pilot.press("o")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, forms.ObjectiveForm)
        await type_in(pilot, "text", "Call sponsor 3 times a week")
        await type_in(pilot, "target_date", "2026-01-15")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, forms.ConfirmDialog)
        assert "15 Jan 2026 is in the past" in str(app.screen.question)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is form
        assert len(list(saved(AVERY).objectives())) == count
        await type_in(pilot, "target_date", "+30")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
    added = [o for o in saved(AVERY).objectives() if o.text == "Call sponsor 3 times a week"]
    assert added[0].target_date == today + timedelta(days=30)


# --- 7. quick filters: "mine" counts what it shows; "alerts" shows every flagged row -------------


def caseload(app: TplanApp) -> CaseloadScreen:
    return next(s for s in app.screen_stack if isinstance(s, CaseloadScreen))


async def press_f_until(pilot: Pilot[None], label: str) -> str:
    """`f` until the quick-filter bar brackets ``label``; returns the bar's text."""
    screen = caseload(pilot.app)  # type: ignore[arg-type]
    for _ in range(12):
        bar = str(screen.query_one("#quick-filters").content)
        if f"[{label} " in bar:
            return bar
        await pilot.press("f")
        await pilot.pause()
    raise AssertionError(f"no [{label} …] in the bar: {bar}")


async def test_mine_counts_the_rows_it_shows_and_alerts_shows_every_flag(
    app: TplanApp, settle
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = caseload(app)
        flagged = [ln.patient_id for ln in screen.all_lines if ln.cells["flag"].text]
        mine = [ln.patient_id for ln in screen.all_lines if ln.counselor == "J. Park"]
        assert any(ln.safety and not ln.alert_count for ln in screen.all_lines)
        bar = await press_f_until(pilot, "alerts")
        shown = [ln.patient_id for ln in screen.table.lines]
        assert sorted(shown) == sorted(flagged)
        assert f"[alerts {len(flagged)}]" in bar
        bar = await press_f_until(pilot, "mine")
        assert [ln.patient_id for ln in screen.table.lines] == mine
        assert f"[mine {len(mine)}]" in bar and len(mine) == 10


# --- 11. sorts start with what needs attention, and always show their arrow ---------------------


async def test_sorts_start_with_what_needs_attention_and_show_an_arrow(
    app: TplanApp, settle, screen_text
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = caseload(app)
        await press_until(pilot, "s", lambda: screen.sort_key == "phq9", "the PHQ-9 sort")
        values = [ln.sort_keys["phq9"] for ln in screen.table.lines]
        assert values[0] == max(v for v in values if v is not None)
        header = screen_text(app).splitlines()[3]
        assert "PHQ▼" in header or "PHQ9▼" in header
        await press_until(pilot, "s", lambda: screen.sort_key == "last_note", "the last-note sort")
        assert "by last note▲" in screen_text(app)
        await press_until(pilot, "s", lambda: screen.sort_key == "counselor", "the counselor sort")
        assert "by counselor▲" in screen_text(app)


# --- 4. a decided safety review shows on the caseload until the plan review clears it ----------


async def test_a_decided_safety_review_shows_until_the_review_clears_it(
    app: TplanApp, settle, screen_text
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await open_patient(pilot, settle, "Dara")
        await pilot.press("d")
        await settle(pilot)
        panel = app.screen
        assert isinstance(panel, forms.DecisionPanel)
        panel.query_one("#outcome").focus()
        await pilot.press("enter")  # accept (the first button)
        await type_in(pilot, "rationale", "Seen today; safety plan updated")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
        await pilot.press("escape")
        await settle(pilot)
        line = next(ln for ln in caseload(app).all_lines if ln.name.startswith("Dara"))
        assert line.cells["suggestion"].text == "!! decided"
        assert "decided 12:00, review pending" in line.explanation
        assert "!! decided" in screen_text(app)
        await open_patient(pilot, settle, "Dara")
        await pilot.press("r")
        await settle(pilot)
        await type_in(pilot, "review_summary", "Safety plan reviewed after the overdose")
        await pilot.press("tab", "enter")  # sign as counselor
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        line = next(ln for ln in caseload(app).all_lines if ln.name.startswith("Dara"))
        assert "decided" not in line.cells["suggestion"].text
        assert "review pending" not in line.explanation


# --- 5. a level change shows what else changes; nothing preselected; defer asks when -----------


async def test_decision_shows_the_cadence_and_a_defer_needs_a_follow_up(
    app: TplanApp, settle, today: date, saved: Callable[[str], Patient]
) -> None:
    level = saved(AVERY).current_level
    async with app.run_test(size=SMALL) as pilot:
        await open_patient(pilot, settle, "Avery")
        await pilot.press("d")
        await settle(pilot)
        panel = app.screen
        assert isinstance(panel, forms.DecisionPanel)
        effect = str(panel.query_one("#accept-effect").content)
        assert "review due moves from 16 Mar to 15 May" in effect
        assert "interventions set for the old level" in effect and "3×/wk" in effect
        await type_in(pilot, "rationale", "Wants two more weeks first")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is panel  # nothing was preselected
        assert "choose accept, decline or defer" in field_error(app, "outcome")
        assert not panel.query_one("#row-follow_up_on").display
        panel.query_one("#outcome").focus()
        await pilot.press("right", "right", "enter")  # defer
        await pilot.pause()
        assert panel.query_one("#row-follow_up_on").display
        await type_in(pilot, "follow_up_on", "")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "required when you defer" in field_error(app, "follow_up_on")
        await type_in(pilot, "follow_up_on", "+14")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
    stored = saved(AVERY)
    assert stored.decisions[-1].follow_up_on == today + timedelta(days=14)
    assert stored.current_level == level


# --- 10. state reads without colour ------------------------------------------------------------


async def test_checked_unchecked_and_focused_differ_without_colour(app: TplanApp, settle) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await open_patient(pilot, settle, "Lane")
        await pilot.press("r")
        await settle(pilot)
        box = app.screen.query_one("#counselor_signs")
        assert "▐ ▌" in str(box.render())
        box.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "▐X▌" in str(box.render())
        await pilot.pause()
        label = app.screen.query_one("#row-counselor_signs .field-label")
        assert label.styles.text_style.reverse
        other = app.screen.query_one("#row-patient_signs .field-label")
        assert not other.styles.text_style.reverse


# --- 3. privacy mode shows every name the record knows as initials ------------------------------


async def test_privacy_masks_supports_and_note_previews(app: TplanApp, settle, screen_text) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_patient(pilot, settle, "Bo")
        names = {screen.patient.display_name, *(p.name for p in screen.patient.supports)}
        words = {word for name in names for word in name.split()}
        await pilot.press("f2")
        await settle(pilot)
        for tab in ("supports", "notes", "written"):
            screen.query_one("TabbedContent").active = tab
            await settle(pilot)
            shown = screen_text(app)
            assert not [w for w in words if w in shown], (tab, shown)
        screen.query_one("TabbedContent").active = "supports"
        await settle(pilot)
        assert "D.M." in screen_text(app)
        await pilot.press("f2")
        await settle(pilot)
        assert "Marchetti" in screen_text(app)


# --- 6. space on an objective offers the status; nothing is saved until it is chosen ------------


async def test_space_offers_the_status_and_escape_saves_nothing(
    app: TplanApp, settle, today: date, saved: Callable[[str], Patient]
) -> None:
    from tplan.domain import ObjectiveStatus

    async with app.run_test(size=SMALL) as pilot:
        screen = await open_patient(pilot, settle, "Kit")
        objective = next(
            o for o in screen.patient.objectives() if o.status is ObjectiveStatus.IN_PROGRESS
        )
        plan = screen.query_one("#plan-list")
        plan.highlighted = next(
            i for i, o in enumerate(plan._options) if o.id.startswith(f"objective:{objective.id}")
        )
        before = saved(screen.patient_id).find_objective(objective.id)
        await pilot.press("space", "space")  # a second press is no second save
        await pilot.pause()
        assert isinstance(app.screen, forms.StatusChoice)
        await pilot.press("escape")
        await settle(pilot)
        assert saved(screen.patient_id).find_objective(objective.id) == before
        await pilot.press("space")
        await pilot.pause()
        await pilot.press("down", "enter")  # past "achieved" to "not achieved", on purpose
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
    stored = saved(screen.patient_id).find_objective(objective.id)
    assert stored.status is ObjectiveStatus.NOT_ACHIEVED
    assert stored.history[-1].on == today
    assert len(stored.history) == len(before.history) + 1


# --- 15. an edited relapse plan says when it was updated ----------------------------------------


async def test_an_edited_relapse_plan_says_updated_today(
    app: TplanApp, settle, screen_text, today: date, saved: Callable[[str], Patient]
) -> None:
    written = saved(AVERY).relapse_prevention
    assert written is not None and written.written_on < today
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_patient(pilot, settle, "Avery")
        screen.query_one("TabbedContent").active = "written"
        await settle(pilot)
        await pilot.press("enter")  # the relapse-prevention plan, highlighted first
        await settle(pilot)
        assert isinstance(app.screen, forms.RelapsePlanForm)
        await type_in(pilot, "coping_steps", "Call M. before the shift ends")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
        assert f"updated {today.day} {today:%b}" in screen_text(app)
    stored = saved(AVERY).relapse_prevention
    assert stored is not None
    assert stored.written_on == written.written_on and stored.updated_on == today
    assert stored.coping_steps == "Call M. before the shift ends"


# --- 17. q never quits from inside a form; a locked note says why typing does nothing -----------


async def test_q_inside_a_flow_does_not_quit_and_locked_notes_say_why(
    app: TplanApp, settle, saved: Callable[[str], Patient]
) -> None:
    before = saved(AVERY).notes
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_patient(pilot, settle, "Avery")
        await pilot.press("n")
        await settle(pilot)
        note = app.screen
        note.query_one("#session_type").focus()  # a choice, not a text field
        await pilot.press("q")
        await settle(pilot)
        assert app.is_running and app.screen is note
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, forms.ConfirmDialog)
        assert "still open" in app.screen.question
        await pilot.press("n")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        signed = next(n for n in screen.patient.notes if n.signed)
        screen.query_one("TabbedContent").active = "notes"
        await settle(pilot)
        notes = screen.query_one("#note-list")
        notes.highlighted = next(
            i for i, o in enumerate(notes._options) if o.id and signed.id in o.id
        )
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, forms.NoteView)
        await pilot.press("x")
        await pilot.pause()
        status = str(app.screen.query_one("#form-status").content)
        assert "signed and locked" in status and "a to add an addendum" in status
    assert saved(AVERY).notes == before  # neither the discarded form nor the typing saved


# --- 12. F1 explains the screen's symbols and leaves Textual's internals out --------------------


async def test_help_has_a_legend_and_no_textual_internals(app: TplanApp, settle) -> None:
    from io import StringIO

    from rich.console import Console

    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        console = Console(width=78, record=True, color_system=None, file=StringIO())
        for static in app.screen.query(".help-table"):
            console.print(static.content)
        shown = console.export_text()
        for meaning in ("Att30", "attended of counted", "Days", "!!", "safety alert", "▼ step"):
            assert meaning in shown, meaning
        for internal in ("super+", "Page Left", "Copy selected text"):
            assert internal not in shown, internal


# --- 13. one key for a negative cup (the clinic's panel); keys that jump to a block -------------


async def test_one_key_marks_the_clinic_cup_negative_and_alt_keys_jump(
    app: TplanApp, workspace: Workspace, settle, today: date, saved: Callable[[str], Patient]
) -> None:
    from tplan.domain import ScreenMethod, ScreenResultValue

    panel = workspace.policy.screen_panel
    assert len(panel) == 5
    async with app.run_test(size=SMALL) as pilot:
        await open_patient(pilot, settle, "Avery")
        await pilot.press("n")
        await settle(pilot)
        note = app.screen
        assert isinstance(note, forms.NoteForm)
        await pilot.press("alt+2")
        assert app.focused is note.query_one("#section_data")
        await pilot.press(*"Cup today, all clear")
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("alt+3")
        assert app.focused is note.query_one("#craving")
        await pilot.press("2")
        await pilot.press("alt+5")
        assert app.focused is note.query_one("#phq9")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
    stored = next(n for n in saved(AVERY).notes if n.sections.get("data") == "Cup today, all clear")
    assert stored.craving == 2
    assert stored.screen is not None and stored.screen.method is ScreenMethod.PRESUMPTIVE
    results = {r.substance.casefold(): r.result for r in stored.screen.results}
    assert results == dict.fromkeys(panel, ScreenResultValue.NEGATIVE)


# --- 9. at 80x24 the note form's "what" field is wide enough to type in -------------------------


async def test_the_use_row_fits_80_columns(app: TplanApp, settle) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await open_patient(pilot, settle, "Avery")
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("alt+3")
        await pilot.pause()
        what = app.screen.query_one("#use_substances")
        when = app.screen.query_one("#use_date")
        assert what.region.width >= 12
        assert when.region.right <= SMALL[0] - 2  # inside the form's frame


async def test_trends_labels_and_latest_values_stay_whole_at_80x24(
    app: TplanApp, settle, screen_text
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_patient(pilot, settle, "Avery")
        screen.query_one("TabbedContent").active = "trends"
        await settle(pilot)
        shown = screen_text(app)
        for whole in ("Craving ", "PHQ-9 ", "GAD-7 ", "latest 0/10"):
            assert whole in shown, whole
        assert "Cr…" not in shown and "PH…" not in shown
