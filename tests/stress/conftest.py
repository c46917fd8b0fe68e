"""Fixtures for the stress tests (the helpers live in stress_factories.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from stress_factories import CliResult, run_cli


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "records" / "tplan.json"


@pytest.fixture
def cli() -> Callable[..., CliResult]:
    return run_cli
