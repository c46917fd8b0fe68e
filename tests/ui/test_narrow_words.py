"""Issue #16 item 9 at 80x24: nothing that matters is cut mid-word or drawn over a border -
the caseload's quick filters and explanation, the sort message, the disclosures table, a
rating list opened at the bottom of the note form. Driven by keys, checked on the screen."""

from __future__ import annotations

import re
from pathlib import Path

from counselor_steps import open_patient, today_app
from test_friction_day import SMALL
from textual.widgets import Select

from tplan.services import Workspace
from tplan.ui.app import TplanApp
from tplan.ui.forms.note_form import NoteForm
from tplan.ui.screens.caseload import CaseloadScreen

QUICK_WORDS = ("all", "overdue", "alerts", "safety", "step-down", "step-up", "intensify", "mine")


async def test_the_caseload_bar_and_explanation_keep_their_words_at_80x24(
    app: TplanApp, settle, screen_text
) -> None:
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        lines = screen_text(app).splitlines()
        bar = lines[1]
        for word in re.findall(r"[a-z][a-z-]*(?= \d)|[a-z][a-z-]*$", bar.rstrip()):
            assert word in QUICK_WORDS, (word, bar)
        assert bar.rstrip().endswith("…"), bar  # the filters that do not fit are named by "…"
        explanation = " ".join(line.strip() for line in lines[-3:-1])
        assert "Step down to Level 1" in explanation and explanation.endswith("criteria met")
        await pilot.press("s")  # the sort says so without hiding the explanation
        await settle(pilot)
        after = screen_text(app).splitlines()
        assert after[-3:-1] == lines[-3:-1]


async def test_the_disclosures_table_wraps_between_words_at_80x24(
    app: TplanApp, workspace: Workspace, settle, screen_text, tmp_path: Path
) -> None:
    workspace.export(
        "demo-avery-quill",
        "md",
        tmp_path / "avery.md",
        recipient="Acme Insurance utilization review",
        purpose="payment / continued stay authorization",
        consent="written authorization on file 2026-03-01",
    )
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_patient(pilot, settle, "Avery")
        screen.query_one("TabbedContent").active = "decisions"
        await settle(pilot)
        scroll = screen.query_one("#decisions VerticalScroll")
        for _ in range(40):  # down the tab until the row shows or the end is reached
            if "Acme" in screen_text(app) or scroll.scroll_y >= scroll.max_scroll_y:
                break
            scroll.scroll_relative(y=5, animate=False)
            await settle(pilot)
        scroll.scroll_relative(y=4, animate=False)  # the whole row
        await settle(pilot)
        shown = screen_text(app)
        assert "Disclosures (1)" in shown and "When, by" in shown, shown
        assert "authorizatio" not in shown.replace("authorization", "")
        assert "Acme" in shown and "utilization" in shown


async def test_a_rating_list_opened_at_the_bottom_stays_inside_the_note_form(
    app: TplanApp, settle, screen_text
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await open_patient(pilot, settle, "Avery")
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NoteForm)
        ratings = [s for s in form.query(Select) if (s.id or "").startswith("rating_")]
        ratings[-1].focus()
        await settle(pilot)
        await pilot.press("enter")  # open the list
        await settle(pilot)
        lines = screen_text(app).splitlines()
        border = next(line for line in reversed(lines) if line.startswith("╰"))
        assert set(border[1:-1]) == {"─"}, border
        assert "achieved" in "\n".join(lines)


async def test_help_names_each_screen_in_words_not_its_class(
    clinic: Workspace, clock, settle, screen_text
) -> None:
    from tplan.ui.screens.group_session import GroupSessionScreen

    app = today_app(clinic, clock)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert "Keys · Today" in screen_text(app)
        await pilot.press("escape")
        agenda = app.screen.agenda
        evening = next(
            n for n, s in enumerate(agenda.sessions) if s.title == "Evening relapse prevention"
        )
        await pilot.press(*["down"] * evening, "g")
        await settle(pilot)
        assert isinstance(app.screen, GroupSessionScreen)
        await pilot.press("f1")
        await settle(pilot)
        shown = screen_text(app)
        assert "Keys · Group session" in shown and "Screen" not in shown
