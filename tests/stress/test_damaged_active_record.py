"""A damaged active record (in a file whose checksum holds, e.g. an older tplan's): opening no
longer validates the active patients (issue #14), so the caseload, Today and ``tplan caseload``
start without it and name it, as they do a damaged discharged record; the file is untouched."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from stress_factories import SECRET, TODAY, run_cli, seed

from tplan.services import FixedClock, Workspace
from tplan.settings import Settings
from tplan.store import open_repository, open_store
from tplan.ui.app import make_app


@pytest.fixture
def damaged_active(db_path: Path) -> tuple[str, str]:
    """Three active patients, Bo's record damaged; returns (Bo's id, Avery's id)."""
    stored = seed(db_path, writes=1)
    raw = orjson.loads(db_path.read_bytes())
    for key in ("store_format", "snapshot_crc32", "previous_journal_epoch"):
        raw["_meta"]["1"].pop(key, None)  # no checksum: as an older tplan could have left it
    document = next(d for d in raw["patients"].values() if d["id"] == stored[1].id)
    document["notes"][0]["craving"] = SECRET
    db_path.write_bytes(orjson.dumps(raw))
    return stored[1].id, stored[0].id


def test_tplan_caseload_lists_the_others_and_names_the_damaged_one(db_path, damaged_active):
    bo, _ = damaged_active
    before = db_path.read_bytes()
    done = run_cli("--db", str(db_path), "caseload")
    assert done.code == 0, done.err
    assert "Avery Quill" in done.out and "Cass Ferrow" in done.out
    assert "Bo Marchetti" not in done.out.split("damaged record")[0]
    assert f"{bo}: patient document" in done.out and SECRET not in done.out
    assert db_path.read_bytes() == before


@pytest.mark.parametrize("start", ["caseload", "today"])
async def test_the_app_starts_and_its_top_bar_names_the_damaged_record(
    db_path, damaged_active, start
):
    bo, _ = damaged_active
    workspace = Workspace(open_repository(db_path, "J. Park"), FixedClock(TODAY),
                          clinician="J. Park")
    app = make_app(workspace, clock=FixedClock(TODAY), idle_privacy_minutes=None,
                   settings=Settings(clinician="J. Park", start_screen=start))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            text = app.screen.query_one("#top-bar").render().plain
            assert f"DAMAGED RECORD {bo}" in text
            if start == "caseload":
                shown = [line.name for line in app.screen.all_lines]
                assert sorted(shown) == ["Avery Quill", "Cass Ferrow"]
    finally:
        workspace.close()


async def test_opening_a_damaged_record_says_why_instead_of_stopping_the_app(
    db_path, damaged_active
):
    """Its row is painted from its caseload summary until the engine's rows come, so a
    counselor can press enter on it: the app stays, says why and names the record."""
    from tplan.ui.screens.caseload import CaseloadScreen

    bo, _ = damaged_active
    workspace = Workspace(open_repository(db_path, "J. Park"), FixedClock(TODAY),
                          clinician="J. Park")
    app = make_app(workspace, clock=FixedClock(TODAY), idle_privacy_minutes=None,
                   settings=Settings(clinician="J. Park", start_screen="caseload"))
    try:
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await pilot.pause()
            app.open_patient(bo)  # what enter on the painted row does
            await pilot.pause()
            assert isinstance(app.screen, CaseloadScreen)
            assert app.return_code is None
            messages = [n.message for n in app._notifications]
            assert any("does not load" in m for m in messages)
            assert not any(SECRET in m for m in messages)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert f"DAMAGED RECORD {bo}" in app.screen.query_one("#top-bar").render().plain
    finally:
        workspace.close()


def test_a_server_import_refuses_a_file_with_a_damaged_record(
    db_path, damaged_active, postgres_server
):
    """Moving a clinic leaves nobody behind without a word: the import names the damaged
    record and copies nothing, rather than reporting the others as all there was."""
    bo, _ = damaged_active
    url = postgres_server.empty_database()
    assert run_cli("server", "init", url).code == 0
    done = run_cli("--clinician", "J. Park", "server", "import", str(db_path), url)
    assert done.code == 1
    assert bo in done.err and "tplan restore" in done.err and "Nothing was imported" in done.err
    assert SECRET not in done.err
    with open_store(url) as target:
        assert len(target) == 0
