"""The export form suggests a file in the settings' private export folder, not in the folder
tplan happened to be started in, and the export creates that folder 0700 (files 0600)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from textual.widgets import Input

from tplan.services import Workspace
from tplan.ui import forms
from tplan.ui.app import TplanApp

AVERY = "demo-avery-quill"


async def test_the_export_goes_to_the_private_export_folder_shown_in_the_field(
    app: TplanApp, workspace: Workspace, settle, saved, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started_in = tmp_path / "started-here"
    started_in.mkdir()
    monkeypatch.chdir(started_in)
    folder = tmp_path / "data" / "tplan-exports"
    workspace.export_folder = folder  # as the CLI builds it from the settings
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_patient(AVERY)
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, forms.ExportForm)
        shown = form.query_one("#path", Input).value
        assert shown.startswith(str(folder) + "/") and shown.endswith(".md")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, forms.ExportForm)
    assert list(started_in.iterdir()) == []
    (entry,) = saved(AVERY).disclosures
    written = folder / entry.file_name
    assert str(written) == shown
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert "42 CFR part 2" in written.read_text()
