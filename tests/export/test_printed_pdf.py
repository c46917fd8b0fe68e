"""The chart printed by a real browser: headless Chromium print-to-pdf, read back by pdftotext.

Needs ``chromium`` and ``pdftotext`` (``apt-get install chromium poppler-utils``; `.ci/run`
installs them when missing). Without them the test fails with that reason, as the PostgreSQL
tests do without a server: it is never skipped. docs/EXPORTS.md says more.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tplan.domain import ExportFormat, Patient

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(autouse=True)
def _print_tools() -> None:
    if CHROMIUM is None or shutil.which("pdftotext") is None:
        pytest.fail(
            "the print check needs chromium and pdftotext: "
            "apt-get install -y chromium poppler-utils (.ci/run does this)", pytrace=False
        )


def printed_pages(html: str, tmp_path: Path) -> list[str]:
    source = tmp_path / "chart.html"
    source.write_text(html, encoding="utf-8")
    pdf = tmp_path / "chart.pdf"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            source.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]  # pdftotext ends every page with a form feed


def test_every_printed_page_has_the_running_header_and_page_x_of_y(
    rich_patient: Patient, export, tmp_path: Path
) -> None:
    pages = printed_pages(export(rich_patient, ExportFormat.HTML), tmp_path)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert "Jordan Alex Rivera | born 1988-07-14 | MRN MRN-445566" in page, number
        assert f"Page {number} of {len(pages)}" in page, number
        assert "42 CFR part 2 prohibits unauthorized use or disclosure" in page, number
    assert "Alerts and safety" in pages[0]
    assert not re.search(r"\d{4}-\d{2}-\n", "\n".join(pages))  # no date broken at a hyphen
