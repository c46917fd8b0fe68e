"""Exports: written 0600 and atomically, never over an existing file unless forced, and logged."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from services_factories import TODAY

from tplan.domain import PART2_NOTICE, Envelope, ExportFormat, Patient
from tplan.services import ExportRefused, Workspace
from tplan.store import SaveError


def test_export_writes_a_private_file_and_logs_the_disclosure(
    workspace: Workspace, admitted: Patient, tmp_path: Path
) -> None:
    out = tmp_path / "exports"
    out.mkdir()
    written = workspace.export(
        admitted.id, ExportFormat.MARKDOWN, out, recipient="Dr. Lee, PCP",
        purpose="care coordination", consent="consent signed 2026-03-01", redact=True,
    )
    assert written.parent == out and written.name.startswith("redacted-plan_2026_")
    assert admitted.id not in written.name  # a redacted copy's name does not identify
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert PART2_NOTICE in written.read_text()
    entry = workspace.patient(admitted.id).disclosures[-1]
    assert (entry.recipient, entry.purpose, entry.consent) == (
        "Dr. Lee, PCP", "care coordination", "consent signed 2026-03-01"
    )
    assert entry.redacted and entry.format is ExportFormat.MARKDOWN
    assert entry.by == "J. Park" and entry.as_of == TODAY and entry.file_name == written.name
    audit = workspace.audit(admitted.id)[-1]
    assert (audit.action, audit.record_id, audit.fields) == ("export", entry.id, ("disclosures",))


def test_export_never_overwrites_unless_forced(
    workspace: Workspace, admitted: Patient, tmp_path: Path
) -> None:
    target = tmp_path / "plan.json"
    target.write_text("keep me")
    with pytest.raises(ExportRefused, match="already exists"):
        workspace.export(admitted.id, ExportFormat.JSON, target)
    assert target.read_text() == "keep me"
    assert workspace.patient(admitted.id).disclosures == []
    workspace.export(admitted.id, ExportFormat.JSON, target, force=True)
    envelope = Envelope.model_validate_json(target.read_bytes())
    assert envelope.patients[0].id == admitted.id
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_refused_render_writes_nothing(
    workspace: Workspace, admitted: Patient, tmp_path: Path
) -> None:
    with pytest.raises(ExportRefused, match="cannot be redacted"):
        workspace.export(admitted.id, ExportFormat.JSON, tmp_path / "x.json", redact=True)
    assert not (tmp_path / "x.json").exists()
    assert workspace.patient(admitted.id).disclosures == []


def test_no_file_stays_without_its_log_entry(
    workspace: Workspace, admitted: Patient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_put(*_args: object, **_kwargs: object) -> None:
        raise SaveError(workspace.repo.location, "No space left on device")

    monkeypatch.setattr(workspace.repo, "put", failing_put)
    target = tmp_path / "plan.html"
    with pytest.raises(SaveError):
        workspace.export(admitted.id, ExportFormat.HTML, target)
    assert not target.exists()
