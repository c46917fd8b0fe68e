"""Two counselors on one clinic database (a real PostgreSQL server): a save that would
overwrite the other's is refused with who and when, keeps the typed text and goes through on
the second try; the other's saves redraw the open caseload; a lost server shows in the top bar
and the app reconnects by itself."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import psycopg
import pytest
from counselor_steps import until
from test_forms_harness import type_in
from textual.widgets import Input, Static

from tplan.domain import LevelChange, LevelCode, Problem
from tplan.services import FixedClock, Workspace
from tplan.services.demo import load_demo
from tplan.store import open_store
from tplan.ui.app import TplanApp, make_app
from tplan.ui.forms import ProblemForm
from tplan.ui.screens.caseload import CaseloadScreen
from tplan.ui.screens.patient import PatientScreen
from tplan.ui.widgets.top_bar import TopBar

AVERY = "demo-avery-quill"
TODAY = date(2026, 3, 12)


@pytest.fixture
def clinic(postgres_url: str) -> Iterator[tuple[Workspace, Workspace]]:
    """J. Park's and A. Rivera's workspaces on one database holding the demo caseload."""
    clock = FixedClock(TODAY)
    park = Workspace(open_store(postgres_url, "J. Park"), clock, clinician="J. Park")
    park.import_patients(load_demo(TODAY))
    rivera = Workspace(open_store(postgres_url, "A. Rivera"), clock, clinician="A. Rivera")
    yield park, rivera
    park.close()
    rivera.close()


async def test_a_save_over_anothers_is_refused_then_goes_through(
    clinic: tuple[Workspace, Workspace],
) -> None:
    park, rivera = clinic
    app = make_app(park, clock=park.clock, me="J. Park")
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_patient(AVERY)
        await until(pilot, lambda: isinstance(app.screen, PatientScreen), "the patient opens")
        patient_screen = app.screen
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, ProblemForm), "the form opens")
        await type_in(pilot, "title", "Sleep disrupted by night shifts")

        rivera.add_problem(AVERY, Problem(title="Housing unstable since March"))
        await pilot.press("ctrl+s")
        status = app.screen.query_one("#form-status", Static)
        await until(pilot, lambda: "Not saved" in str(status.render()), "the refusal")
        message = str(status.render())
        assert "A. Rivera changed this patient's record at" in message
        assert "nothing was overwritten" in message
        assert isinstance(app.screen, ProblemForm)  # still open, the typed text kept
        assert app.screen.query_one("#title", Input).value == "Sleep disrupted by night shifts"
        titles = [p.title for p in patient_screen.patient.problems]  # reloaded beneath
        assert "Housing unstable since March" in titles

        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is patient_screen, "the second save")
    with open_store(park.location) as check:
        titles = [p.title for p in check.get(AVERY).problems]
    assert "Housing unstable since March" in titles
    assert "Sleep disrupted by night shifts" in titles


def level_cell(app: TplanApp, patient_id: str) -> str:
    screen = next(s for s in app.screen_stack if isinstance(s, CaseloadScreen))
    line = next(line for line in screen.all_lines if line.patient_id == patient_id)
    return line.cells["level"].text


async def test_anothers_save_redraws_the_caseload_row(clinic: tuple[Workspace, Workspace]) -> None:
    park, rivera = clinic
    app = make_app(park, clock=park.clock, me="J. Park")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(app.screen.all_lines), "the caseload")  # type: ignore[attr-defined]
        before = level_cell(app, AVERY)
        assert "3.5" not in before
        rivera.change_level(
            AVERY,
            LevelChange(start=TODAY, level=LevelCode.L3_5, days_per_week=7, hours_per_week=40),
        )
        await until(pilot, lambda: "3.5" in level_cell(app, AVERY), "the row is redrawn")


async def test_a_lost_server_shows_in_the_top_bar_until_it_is_back(
    clinic: tuple[Workspace, Workspace],
) -> None:
    park, _ = clinic
    app = make_app(park, clock=park.clock, me="J. Park")
    async with app.run_test(size=(80, 24)) as pilot:
        bar = app.screen.query_one(TopBar)
        await until(pilot, lambda: not bar.offline, "connected at first")
        with psycopg.connect(park.location, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = 'tplan'"
            )
        await until(pilot, lambda: bar.offline, "OFFLINE shown")
        assert "OFFLINE" in str(bar.render())
        await until(pilot, lambda: not bar.offline, "reconnected by itself")
        park.add_problem(AVERY, Problem(title="Saved after the reconnection"))
    assert any(p.title == "Saved after the reconnection" for p in park.patient(AVERY).problems)
