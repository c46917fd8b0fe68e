"""The caseload's first paint comes from the summaries the store kept, before pydantic, the
domain and the engine are loaded; then the engine's rows replace them in place."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from counselor_steps import workers_done

from tplan.services import FixedClock, Workspace
from tplan.services.caseload import summary_of
from tplan.services.deferred import DeferredWorkspace
from tplan.store import open_store
from tplan.ui.app import make_app
from tplan.ui.screens.caseload import CaseloadScreen
from tplan.ui.widgets.caseload_lines import LOADING
from tplan.ui.widgets.caseload_table import CaseloadTable

COUNSELOR = "J. Park"


def _held_workspace(workspace: Workspace) -> tuple[DeferredWorkspace, threading.Event]:
    """The app as the CLI builds it (store first, workspace later), the build held back until
    the test lets it go."""
    go = threading.Event()

    def build() -> Workspace:
        assert go.wait(30), "the test never let the workspace build"
        return workspace

    opening = DeferredWorkspace(workspace.repo, workspace.clock, build, clinician=COUNSELOR)
    return opening, go


def _table(app) -> CaseloadTable:
    return app.screen.query_one(CaseloadTable)


async def test_rows_refresh_to_the_engines_figures_keeping_selection_filter_and_sort(
    workspace: Workspace, clock: FixedClock, db_path: Path, settle, screen_text,
    patient_id: Callable[[str], str],
) -> None:
    repo = workspace.repo
    avery = patient_id("Avery")
    (row,) = [r for r in workspace.caseload() if r.patient_id == avery]
    stale = {**summary_of(row), "phq9": 27, "headline": "stale"}
    repo.save_summaries({avery: (repo.get_versioned(avery)[1], stale)})
    bo = patient_id("Bo")
    # A document written without a summary: Bo has none until the engine computes it.
    changed = repo.get(bo).model_copy(update={"counselor": "T. Nguyen"}, deep=True)
    repo.put(changed, "test")
    assert repo.caseload_summaries()[bo] is None
    opening, go = _held_workspace(workspace)
    app = make_app(opening, clock=clock, me=COUNSELOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CaseloadScreen) and not screen.loaded
        lines = {line.patient_id: line for line in _table(app).lines}
        assert lines[avery].cells["phq9"].text == "27"  # painted from the stored summary
        assert lines[bo].cells["suggestion"].text == LOADING
        assert LOADING in screen_text(app)
        screen.query_one("#filter").value = "a"
        await pilot.press("s")  # sort by level
        await pilot.pause()
        _table(app).move_to(avery)
        shown_before = {line.patient_id for line in _table(app).lines}
        go.set()
        await settle(pilot)
        assert screen.loaded
        assert screen.query_one("#filter").value == "a"
        assert screen.sort_key == "level"
        assert _table(app).current is not None and _table(app).current.patient_id == avery
        assert {line.patient_id for line in _table(app).lines} == shown_before
        refreshed = {line.patient_id: line for line in _table(app).lines}
        assert refreshed[avery].cells["phq9"].text == str(row.phq9 if row.phq9 is not None else "—")
        assert LOADING not in screen_text(app)
    # The engine's summaries were written back for the next start.
    workspace.close()
    again = open_store(db_path, COUNSELOR, read_only=True)
    try:
        kept = again.caseload_summaries()
        assert kept[avery] == summary_of(row)
        assert kept[bo] is not None and kept[bo]["patient_id"] == bo
    finally:
        again.close()


async def test_a_read_only_caseload_refreshes_its_rows_and_writes_nothing(
    workspace: Workspace, clock: FixedClock, db_path: Path, settle,
    patient_id: Callable[[str], str],
) -> None:
    avery = patient_id("Avery")
    (row,) = [r for r in workspace.caseload() if r.patient_id == avery]
    repo = workspace.repo
    stale = {**summary_of(row), "phq9": 27}
    repo.save_summaries({avery: (repo.get_versioned(avery)[1], stale)})
    workspace.close()
    reader = Workspace(open_store(db_path, COUNSELOR, read_only=True), clock,
                       clinician=COUNSELOR)
    app = make_app(DeferredWorkspace(reader.repo, clock, lambda: reader), clock=clock,
                   me=COUNSELOR)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            lines = {line.patient_id: line for line in _table(app).lines}
            assert lines[avery].cells["phq9"].text != "27"
    finally:
        reader.close()
    again = open_store(db_path, COUNSELOR, read_only=True)
    try:
        assert again.caseload_summaries()[avery] == stale
    finally:
        again.close()


async def test_a_bad_policy_file_ends_the_tui_with_its_message_after_the_first_paint(
    workspace: Workspace, db_path: Path, tmp_path: Path, capsys
) -> None:
    from tplan.cli import build_parser, tui_app

    workspace.close()  # the app takes the writer lock
    bad = tmp_path / "bad.toml"
    bad.write_text("[step_down]\nattendence_percent = 85\n")
    args = build_parser().parse_args([
        "--db", str(db_path), "--policy", str(bad), "--clinician", COUNSELOR,
        "--start-screen", "caseload", "--config", str(tmp_path / "none.toml"),
    ])
    app = tui_app(args)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await workers_done(app)
            await pilot.pause()
    finally:
        app.store.close()
    assert app.return_code == 1
    assert "step_down.attendence_percent" in capsys.readouterr().err


async def test_a_key_pressed_while_a_bad_policy_loads_ends_with_its_message_too(
    workspace: Workspace, db_path: Path, tmp_path: Path
) -> None:
    """Enter on a painted row asks for the workspace before its worker failed: the app ends
    with the policy's one-line message, not the unexpected-error report, and builds only once."""
    from tplan.cli import build_parser, tui_app
    from tplan.clinical.policy import PolicyError

    workspace.close()  # the app takes the writer lock
    bad = tmp_path / "bad.toml"
    bad.write_text("[step_down]\nattendence_percent = 85\n")
    args = build_parser().parse_args([
        "--db", str(db_path), "--policy", str(bad), "--clinician", COUNSELOR,
        "--start-screen", "caseload", "--config", str(tmp_path / "none.toml"),
    ])
    app = tui_app(args)
    shown: list[str] = []
    app.panic = lambda *renderables: shown.extend(map(str, renderables))  # type: ignore
    try:
        with pytest.raises(PolicyError):
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.press("enter")
                await workers_done(app)
                await pilot.pause()
    finally:
        app.store.close()
    assert app.return_code == 1
    assert shown and all(text.startswith("tplan: ") for text in shown)
    assert "step_down.attendence_percent" in shown[0]
    assert "unexpected" not in " ".join(shown)
