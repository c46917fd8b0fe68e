"""Fixtures for the store tests: small valid patients and a fresh record file path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from store_factories import make_patient

from tplan.domain import Patient


@pytest.fixture
def patient_factory() -> Callable[..., Patient]:
    return make_patient


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "records" / "tplan.json"
