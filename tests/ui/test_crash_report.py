"""An unexpected error stops the app with one safe paragraph, never record content."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.worker import WorkerFailed

from tplan.ui import forms
from tplan.ui.crash import crash_report, unwrap

AVERY = "demo-avery-quill"


def capture(app: Any) -> StringIO:
    """What the app prints on exit (Textual prints crash reports on its error console)."""
    out = StringIO()
    app.error_console = Console(file=out, width=100, color_system=None)
    return out


def explode_with_record_content(monkeypatch: pytest.MonkeyPatch, workspace: Any) -> str:
    """``r`` on the patient screen raises an error whose message quotes the record."""
    secret = workspace.patient(AVERY).display_name + " relapsed at the party"

    def review_form(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError(secret)

    monkeypatch.setattr(forms, "ReviewForm", review_form)
    return secret


async def _press_review(app: Any, settle: Any) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_patient(AVERY)
        await settle(pilot)
        await pilot.press("r")
        await pilot.pause()


async def test_crash_prints_type_and_tplan_line_but_no_record_content(
    app, workspace, settle, monkeypatch
) -> None:
    monkeypatch.delenv("TPLAN_DEBUG", raising=False)
    secret = explode_with_record_content(monkeypatch, workspace)
    out = capture(app)
    with pytest.raises(RuntimeError):
        await _press_review(app, settle)
    printed = " ".join(out.getvalue().split())
    assert app.return_code == 1
    assert re.search(r"RuntimeError at tplan/ui/screens/patient\.py:\d+", printed), printed
    assert "record file is intact" in printed
    assert "TPLAN_DEBUG=1" in printed
    for leak in (secret, "Avery", "relapsed", "Traceback", "locals"):
        assert leak not in printed


async def test_tplan_debug_shows_the_full_traceback(app, workspace, settle, monkeypatch) -> None:
    monkeypatch.setenv("TPLAN_DEBUG", "1")
    explode_with_record_content(monkeypatch, workspace)
    out = capture(app)
    with pytest.raises(RuntimeError):
        await _press_review(app, settle)
    printed = out.getvalue()
    assert "Traceback" in printed
    assert "relapsed at the party" in printed


def test_a_failed_worker_is_reported_by_the_error_it_wraps() -> None:
    try:
        raise KeyError("Avery Quill")
    except KeyError as exc:
        wrapped = WorkerFailed(exc)
    assert unwrap(wrapped) is wrapped.error
    report = crash_report(wrapped)
    assert report.startswith("tplan stopped after an unexpected error: KeyError at ")
    assert Path(__file__).name in report and "outside tplan" in report
    assert "Avery" not in report
