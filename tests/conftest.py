"""Session-wide isolation (no test reads the developer's own settings file) and ordering (the
heavy fault-injection tests, marker ``faults``, are collected first).

Under pytest-xdist every worker collects the same order, so those long tests start at once on
their own workers and overlap the many short ones instead of running alone at the end.
"""

from __future__ import annotations

from pathlib import Path

import pytest


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
