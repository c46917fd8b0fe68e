"""The example snapshots in docs/examples are what tplan produces today, byte for byte once
the per-export ids (FHIR resource ids, the export's own id) are numbered in order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tplan.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
PER_EXPORT = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def numbered(data: bytes) -> bytes:
    """Each distinct per-export id replaced by its order of first appearance."""
    seen: dict[bytes, bytes] = {}
    return PER_EXPORT.sub(lambda m: seen.setdefault(m.group(), b"id-%d" % len(seen)), data)


@pytest.mark.parametrize(("fmt", "ext"), [("md", "md"), ("html", "html"), ("fhir", "fhir.json")])
def test_checked_in_example_matches_a_fresh_export(
    tmp_path: Path, fmt: str, ext: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1773316800")  # as regenerate.sh: 2026-03-12 12:00Z
    db = tmp_path / "demo.json"
    assert main(["demo", "--out", str(db), "--as-of", "2026-03-12"]) == 0
    out = tmp_path / f"avery.{ext}"
    assert (
        main(
            [
                "export",
                "demo-avery-quill",
                "--format",
                fmt,
                "-o",
                str(out),
                "--db",
                str(db),
                "--as-of",
                "2026-03-12",
                "--clinician",
                "J. Park",
            ]
        )
        == 0
    )
    expected = (EXAMPLES / f"avery-quill-plan.{ext}").read_bytes()
    fresh = numbered(out.read_bytes())
    assert fresh == numbered(expected), "run docs/examples/regenerate.sh and review the diff"
