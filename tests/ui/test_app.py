"""The app shell: quitting safely, privacy (F2 and idle), help (F1), palette (ctrl+p), themes."""

from __future__ import annotations

from textual.widgets import TextArea

from tplan.ui import forms
from tplan.ui.screens.caseload import CaseloadScreen
from tplan.ui.screens.help import HelpScreen
from tplan.ui.screens.patient import PatientScreen
from tplan.ui.widgets.caseload_table import CaseloadTable


async def test_q_quits_at_once_when_nothing_is_unsaved(app, settle) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_quit_asks_first_when_a_form_holds_typed_text(app, settle, patient_id) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_patient(patient_id("Bo"))
        await settle(pilot)
        await pilot.press("right_square_bracket", "a")  # Strengths tab, add
        await pilot.pause()
        form = app.screen
        assert isinstance(form, forms.SnapForm)
        form.query_one("#text", TextArea).focus()
        await pilot.press("h", "i")
        assert form.dirty
        await pilot.press("ctrl+q")  # priority: works even inside a text area
        await pilot.pause()
        assert isinstance(app.screen, forms.ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running
        assert app.screen is form
        assert form.query_one("#text", TextArea).text == "hi"
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not app.is_running


async def test_f2_shows_initials_on_every_screen(app, settle, patient_id, screen_text) -> None:
    avery = patient_id("Avery")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Avery Quill" in screen_text(app)
        await pilot.press("f2")
        await pilot.pause()
        assert app.privacy
        text = screen_text(app)
        assert "Avery Quill" not in text
        assert "A.Q." in text
        assert "privacy" in text
        app.screen.query_one(CaseloadTable).move_to(avery)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
        text = screen_text(app)
        assert "Avery Quill" not in text and "A.Q." in text
        await pilot.press("f2")
        await pilot.pause()
        assert "Avery Quill" in screen_text(app)
        await pilot.press("n")  # someone walks in while a form is open: F2 reaches it too
        await settle(pilot)
        assert isinstance(app.screen, forms.NoteForm)
        await pilot.press("f2")
        await pilot.pause()
        assert app.privacy
        assert "Avery Quill" not in screen_text(app) and "A.Q." in screen_text(app)


async def test_privacy_switches_on_by_itself_after_idle_minutes(app, settle, idle_clock) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        idle_clock.advance(9)
        app.check_privacy_idle()
        assert not app.privacy
        await pilot.press("down")  # activity restarts the count
        idle_clock.advance(9)
        app.check_privacy_idle()
        assert not app.privacy
        idle_clock.advance(1.5)
        app.check_privacy_idle()
        assert app.privacy


async def test_idle_privacy_can_be_switched_off(workspace, clock, idle_clock, settle) -> None:
    from tplan.ui.app import make_app

    app = make_app(workspace, clock=clock, idle_clock=idle_clock, idle_privacy_minutes=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        idle_clock.advance(600)
        app.check_privacy_idle()
        assert not app.privacy


async def test_person_name_follows_privacy(app, workspace, patient_id) -> None:
    patient = workspace.patient(patient_id("Avery"))
    row = workspace.caseload_row(patient.id)
    assert app.person_name(patient) == "Avery Quill"
    assert app.person_name(row) == "Avery Quill"
    app.privacy = True
    assert app.person_name(patient) == "A.Q."
    assert app.person_name(row) == "A.Q."


async def test_f1_lists_the_keys_of_the_current_screen(
    app, settle, patient_id, screen_text
) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for description in ("Filter", "Sort", "Quick filter", "Admit", "Note", "Open", "Help"):
            assert description in text
        assert "Command palette" in text and "Quit" in text
        assert "Decide" not in text
        await pilot.press("escape")
        app.open_patient(patient_id("Avery"))
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        text = screen_text(app)
        for description in ("Decide", "Discharge", "Export", "Review", "Level", "New goal"):
            assert description in text
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, PatientScreen)


async def test_palette_jumps_to_a_patient_by_name(app, settle, patient_id) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"marchetti")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
        assert app.screen.patient_id == patient_id("Bo")


async def test_palette_runs_actions_too(app, settle) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        dark = app.screen.query_one(CaseloadTable).styles.background
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"privacy on")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.privacy
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"light / dark")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "textual-light"
        # the caseload, below the palette while the theme changed, is restyled as it shows again
        assert isinstance(app.screen, CaseloadScreen)
        assert app.screen.query_one(CaseloadTable).styles.background != dark


async def test_admit_from_the_caseload_adds_the_row(app, settle) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, forms.AdmitForm)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)


async def test_q_typed_into_the_filter_is_text_not_quit(app, settle) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "q")
        await pilot.pause()
        assert app.is_running
        assert app.screen.query_one("#filter").value == "q"


async def test_light_theme_from_the_factory(workspace, clock, settle) -> None:
    from tplan.ui.app import make_app

    app = make_app(workspace, clock=clock, theme="light")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-light"
        assert not app.current_theme.dark
        app.action_toggle_theme()
        assert app.current_theme.dark


async def test_screens_open_with_the_breakpoint_classes_of_the_terminal(app, settle) -> None:
    """Given up front, Textual's first resize changes nothing: the screen is styled once."""
    async with app.run_test(size=(130, 24)) as pilot:
        await settle(pilot)
        assert {"-wide", "-short"} <= set(app.screen.classes)
        fresh = app.sized(CaseloadScreen())
        assert {"-wide", "-short"} <= set(fresh.classes)
        # any screen the app pushes gets them before it is styled
        pushed = HelpScreen("Caseload", [], [], [])
        app.push_screen(pushed)
        assert {"-wide", "-short"} <= set(pushed.classes)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.resize_terminal(100, 40)
        await settle(pilot)
        assert {"-narrow", "-tall"} <= set(app.screen.classes)
        assert not {"-wide", "-short"} & set(app.screen.classes)
