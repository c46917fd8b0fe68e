"""Issue #16 (counselor day): a decided safety review shows wherever its `!!` flag shows - the
patient header, Today, the caseload, `tplan caseload` and its JSON - from one service fact,
until a signed plan review clears it. Keys at 80x24, then the file is read by the CLI."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from counselor_steps import open_patient
from test_forms_harness import type_in
from test_friction_day import SMALL
from textual.pilot import Pilot

from tplan.cli import main
from tplan.domain import Patient
from tplan.ui import forms
from tplan.ui.app import TplanApp
from tplan.ui.screens.patient import PatientScreen

DARA = "demo-dara-fenwick"
PENDING = "decided 12:00, review pending"


def _flat(text: str) -> str:
    return " ".join(line.strip("│ ") for line in text.splitlines())


async def accept_daras_safety_review(pilot: Pilot[None], settle) -> None:
    """`d` on Dara's plan, accept (the first choice), a rationale, ctrl+s."""
    await pilot.press("d")
    await settle(pilot)
    assert isinstance(pilot.app.screen, forms.DecisionPanel)
    pilot.app.screen.query_one("#outcome").focus()
    await pilot.press("enter")
    await type_in(pilot, "rationale", "Seen today; safety plan updated")
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PatientScreen)


def _cli(db: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    assert main(["caseload", "--db", str(db), "--as-of", "2026-03-12", *extra]) == 0
    return capsys.readouterr().out


async def test_a_decided_safety_review_shows_wherever_the_flag_shows(
    app: TplanApp,
    settle,
    screen_text,
    saved: Callable[[str], Patient],
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await open_patient(pilot, settle, "Dara")
        assert "!! SAFETY suggested" in screen_text(app)
        await accept_daras_safety_review(pilot, settle)
        header = _flat(screen_text(app))
        assert f"!! SAFETY {PENDING}" in header and "SAFETY suggested" not in header
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert f"Dara Fenwick: {PENDING}" in screen_text(app)
    assert saved(DARA).decisions[-1].outcome.value == "accept"

    monkeypatch.setenv("TPLAN_CLINICIAN", "J. Park")
    monkeypatch.setattr(sys, "argv", ["tplan"])
    table = _cli(db_path, capsys)
    dara = next(line for line in table.splitlines() if "Dara Fenwick" in line)
    assert dara.startswith("!!") and dara.endswith(f"safety review: {PENDING}")
    rows = {row["patient_id"]: row for row in json.loads(_cli(db_path, capsys, "--json"))}
    assert rows[DARA]["safety_decided_at"].startswith("2026-03-12T12:00")
    assert rows[DARA]["safety_decision"] == PENDING
    others = [row for pid, row in rows.items() if pid != DARA]
    assert all(row["safety_decided_at"] is None for row in others)


async def test_the_plan_review_clears_the_decision_from_the_header_and_today(
    app: TplanApp, settle, screen_text
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await open_patient(pilot, settle, "Dara")
        await accept_daras_safety_review(pilot, settle)
        assert PENDING in _flat(screen_text(app))
        await pilot.press("r")
        await settle(pilot)
        await type_in(pilot, "review_summary", "Safety plan reviewed after the overdose")
        await pilot.press("tab", "enter")  # sign as counselor
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PatientScreen)
        assert "review pending" not in _flat(screen_text(app))
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "review pending" not in screen_text(app)
