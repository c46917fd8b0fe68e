"""A damaged discharged record is named in ``tplan caseload`` and in the app's top bar, and
compaction goes around it without losing it (issue #10, item 9)."""

from __future__ import annotations

from pathlib import Path

import orjson
from damage import damaged_discharged
from stress_factories import SECRET, TODAY, run_cli

from tplan.services import FixedClock, Workspace
from tplan.store import open_repository
from tplan.store.journal import journal_path
from tplan.ui.app import make_app


def test_caseload_names_the_damaged_record_and_compaction_keeps_it(db_path: Path) -> None:
    gone = damaged_discharged(db_path)
    done = run_cli("--db", str(db_path), "caseload", "--all")
    assert done.code == 0, done.err
    assert "damaged record" in done.out and gone in done.out and SECRET not in done.out
    stored = orjson.loads(db_path.read_bytes())["patients"]
    with open_repository(db_path, "J. Park") as repo:  # a session that saves, then compacts
        first = repo.active_patients()[0]
        repo.put(first.model_copy(update={"pronouns": "they/them"}), "edit")
    assert not journal_path(db_path).exists()
    after = orjson.loads(db_path.read_bytes())
    assert after["patients"][next(k for k, d in stored.items() if d["id"] == gone)] == next(
        d for d in stored.values() if d["id"] == gone)
    plain = run_cli("--db", str(db_path), "caseload")  # known without reading it again
    assert gone in plain.out and SECRET not in plain.out
    as_json = run_cli("--db", str(db_path), "caseload", "--json")
    assert orjson.loads(as_json.out) is not None and gone in as_json.err


async def test_the_top_bar_names_the_damaged_record(db_path: Path) -> None:
    gone = damaged_discharged(db_path)
    with open_repository(db_path, "J. Park") as repo:  # the compaction that finds it
        first = repo.active_patients()[0]
        repo.put(first.model_copy(update={"pronouns": "they/them"}), "edit")
    workspace = Workspace(open_repository(db_path, "J. Park"), FixedClock(TODAY),
                          clinician="J. Park")
    app = make_app(workspace, clock=FixedClock(TODAY), idle_privacy_minutes=None)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            top = app.screen.query_one("#top-bar")
            text = top.render().plain
            assert "DAMAGED RECORD" in text and gone in text
    finally:
        workspace.close()
