"""``tplan demo --out`` leaves a file whose caseload paints from summaries at the first start."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tplan.cli import main
from tplan.services import FixedClock, Workspace
from tplan.services.caseload import summary_of
from tplan.store import open_store

AS_OF = date(2026, 3, 12)


def test_the_demo_file_holds_every_active_patients_current_summary(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("TPLAN_CONFIG", str(tmp_path / "none.toml"))
    path = tmp_path / "demo" / "demo.json"
    assert main(["demo", "--out", str(path), "--as-of", AS_OF.isoformat()]) == 0
    workspace = Workspace(open_store(path, "reader", read_only=True), FixedClock(AS_OF))
    try:
        stored = workspace.repo.caseload_summaries()
        rows = workspace.caseload(AS_OF)
        assert rows and set(stored) == {row.patient_id for row in rows}
        assert all(stored[row.patient_id] == summary_of(row) for row in rows)
    finally:
        workspace.close()
