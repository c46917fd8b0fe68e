"""Fixtures for the services tests: a workspace on fresh records (a file, then a PostgreSQL
database) with a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from services_factories import TODAY, patient

from tplan.clinical import DEFAULT_POLICY
from tplan.domain import Patient
from tplan.services import FixedClock, Workspace
from tplan.store import open_store


@pytest.fixture
def db_path(store_location: str) -> str:
    """The records of the test: a file, then a PostgreSQL database (every services test runs
    on both backends)."""
    return store_location


@pytest.fixture
def workspace(db_path: str) -> Iterator[Workspace]:
    repo = open_store(db_path, "J. Park")
    ws = Workspace(repo, FixedClock(TODAY), DEFAULT_POLICY, "J. Park")
    yield ws
    ws.close()


@pytest.fixture
def admitted(workspace: Workspace) -> Patient:
    return workspace.admit(patient())
