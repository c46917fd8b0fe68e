"""The caseload's first paint happens before pydantic, the domain and the engine are loaded: a
child process runs the TUI as ``tplan`` builds it and records ``sys.modules`` when the first
caseload row is painted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from tplan.services import Workspace

COUNSELOR = "J. Park"
TODAY = date(2026, 3, 12)

HEAVY = ("pydantic", "tplan.domain", "tplan.clinical", "tplan.export", "tplan.services.workspace")

CHILD = """
import asyncio, json, sys
from tplan.cli import build_parser, tui_app
from tplan.ui.widgets.caseload_table import CaseloadTable

HEAVY = {heavy!r}
loaded_at_import = [name for name in HEAVY if name in sys.modules]
seen = {{}}
render_line = CaseloadTable.render_line

def spy(self, y):
    if self.lines and "modules" not in seen:  # the first paint of a row
        seen["modules"] = [name for name in HEAVY if name in sys.modules]
        seen["names"] = [line.name for line in self.lines]
    return render_line(self, y)

CaseloadTable.render_line = spy

async def main():
    app = tui_app(build_parser().parse_args(sys.argv[1:]))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            while not app.screen.loaded:
                await pilot.pause(0.05)
            seen["after"] = [name for name in HEAVY if name in sys.modules]
    finally:
        app.store.close()

asyncio.run(main())
print(json.dumps({{"import": loaded_at_import, **seen}}))
"""


def test_the_first_row_is_painted_before_pydantic_and_the_domain_load(
    workspace: Workspace, db_path: Path, tmp_path: Path
) -> None:
    active = sorted((p.display_name for p in workspace.patients()), key=str.lower)
    workspace.close()  # the child takes the writer lock
    args = ["--db", str(db_path), "--as-of", TODAY.isoformat(), "--clinician", COUNSELOR,
            "--start-screen", "caseload"]
    env = {**os.environ, "TPLAN_CONFIG": str(tmp_path / "no-settings.toml")}
    child = subprocess.run(
        [sys.executable, "-c", CHILD.format(heavy=HEAVY), *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    seen = json.loads(child.stdout.splitlines()[-1])
    assert seen["import"] == []  # importing tplan.cli loads none of them
    assert seen["modules"] == []  # nor does painting the first caseload rows
    assert seen["names"] == active
    assert set(seen["after"]) >= {"pydantic", "tplan.domain", "tplan.clinical"}
