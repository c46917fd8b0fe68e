"""Consent of a disclosure (42 CFR Part 2): named for every disclosure beyond the internal
chart copy, and a signed consent, never the TPO basis, outside treatment/payment/operations."""

from __future__ import annotations

from pathlib import Path

import pytest

from tplan.cli import main
from tplan.domain import ExportFormat, Patient
from tplan.services import Workspace
from tplan.services.errors import ExportRefused


def test_the_service_refuses_a_court_disclosure_on_the_tpo_basis(
    workspace: Workspace, admitted: Patient, tmp_path: Path
) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    for consent in ["", "treatment/payment/operations"]:
        with pytest.raises(ExportRefused, match="consent"):
            workspace.export(
                admitted.id, ExportFormat.HTML, tmp_path, recipient="County Drug Court",
                purpose="court-ordered compliance report", consent=consent,
            )  # fmt: skip
    assert list(tmp_path.iterdir()) == []
    assert workspace.patient(admitted.id).disclosures == []
    workspace.export(
        admitted.id, ExportFormat.HTML, tmp_path, recipient="County Drug Court",
        purpose="court-ordered compliance report", consent="court consent signed 2026-03-01",
    )  # fmt: skip
    assert len(workspace.patient(admitted.id).disclosures) == 1


def test_the_cli_has_no_silent_consent_for_an_outside_recipient(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "demo.json"
    assert main(["demo", "--out", str(db), "--as-of", "2026-03-12"]) == 0
    common = ["export", "demo-avery-quill", "--format", "md", "--db", str(db),
              "--as-of", "2026-03-12", "--clinician", "J. Park"]  # fmt: skip
    outside = ["--recipient", "Acme Health Plan", "--purpose", "payment"]
    assert main([*common, *outside, "-o", str(tmp_path / "a.md")]) != 0
    assert "needs its consent named" in capsys.readouterr().err
    assert not (tmp_path / "a.md").exists()
    consent = ["--consent", "treatment/payment/operations"]
    assert main([*common, *outside, *consent, "-o", str(tmp_path / "b.md")]) == 0
    assert main([*common, "-o", str(tmp_path / "c.md")]) == 0  # internal chart copy
