"""Fixtures for the services tests: a workspace on a fresh record file with a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from services_factories import TODAY, patient

from tplan.clinical import DEFAULT_POLICY
from tplan.domain import Patient
from tplan.services import FixedClock, Workspace
from tplan.store import open_repository


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "records" / "tplan.json"


@pytest.fixture
def workspace(db_path: Path) -> Iterator[Workspace]:
    repo = open_repository(db_path, "J. Park")
    ws = Workspace(repo, FixedClock(TODAY), DEFAULT_POLICY, "J. Park")
    yield ws
    ws.close()


@pytest.fixture
def admitted(workspace: Workspace) -> Patient:
    return workspace.admit(patient())
