"""Session-wide isolation (no test reads the developer's own settings file), ordering (the
heavy fault-injection tests, marker ``faults``, are collected first) and the PostgreSQL test
server (see postgres_server.py).

Under pytest-xdist every worker collects the same order, so those long tests start at once on
their own workers and overlap the many short ones instead of running alone at the end; each
worker starts its own PostgreSQL server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from postgres_server import ServerUnavailable, TestServer


@pytest.fixture(autouse=True)
def _private_settings_file(tmp_path_factory: pytest.TempPathFactory,
                           monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point TPLAN_CONFIG at a settings file that does not exist, and clear TPLAN_* overrides."""
    path = tmp_path_factory.mktemp("config") / "settings.toml"
    monkeypatch.setenv("TPLAN_CONFIG", str(path))
    for name in ("TPLAN_ROLE", "TPLAN_START_SCREEN", "TPLAN_THEME", "TPLAN_NOTE_FORMAT",
                 "TPLAN_REFUSE_WARNINGS", "TPLAN_PRIVACY_AFTER_MINUTES",
                 "TPLAN_REQUIRES_COSIGNATURE"):
        monkeypatch.delenv(name, raising=False)
    return path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("faults") is None)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[TestServer]:
    """One server per test process; a test that needs it fails (never skips) if it cannot
    start, with the reason."""
    server: TestServer | None = None
    try:
        server = TestServer()
        server.start()
    except (ServerUnavailable, psycopg.Error) as exc:
        if server is not None:
            server.stop()
        pytest.fail(f"the PostgreSQL test server did not start: {exc}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: TestServer) -> str:
    """A fresh database with tplan's tables, for this test only."""
    return postgres_server.new_database()


@pytest.fixture(params=["file", "postgres"])
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a test's records live: a record file, then a PostgreSQL database."""
    if request.param == "file":
        return str(tmp_path / "records" / "tplan.json")
    return request.getfixturevalue("postgres_url")
