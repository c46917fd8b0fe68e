"""Session-wide isolation (no test reads the developer's own settings file), the number of
test processes, their order, and the PostgreSQL test server (see postgres_server.py).

Order: the heavy fault-injection tests (marker ``faults``) first, then the directories whose
tests take longest (the Pilot tests of tests/ui), the quick unit tests last. Under
pytest-xdist every worker collects the same order and takes the next test whenever it is free
(``--maxschedchunk=1`` in pyproject's addopts; by default xdist deals each worker a fixed block
of ~50 consecutive tests first, and the worker dealt the slowest Pilot tests ran 40 s after the
rest had finished), so the long tests overlap the many short ones and the run ends on short
tests that fill the gaps. Each worker starts its own PostgreSQL server.
"""

from __future__ import annotations

import gc
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import frames_on_demand
import psycopg
import pytest
import rewrite_ahead
import shared_css
from postgres_server import ServerUnavailable, TestServer, make_template_home

shared_css.install()  # each piece of Textual CSS parsed once per test process, not per app
frames_on_demand.install()  # headless apps paint when the test looks, not at every refresh

os.environ["TZ"] = "UTC"  # sessions are scheduled in local wall-clock time: one zone for all
time.tzset()


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


WORKERS_PER_CORE = 3
"""A Pilot test spends about a third of its time asleep in Textual's wait for idle (at least
20 ms after every key and pause): more workers than cores fill those pauses. Measured on 2
cores (bench/suite.py), the README command took 170 s with 3 workers, 151 s with 4, 133 s with
6 and 140 s with 8."""
MANY_WORKERS = 12
"""Beyond a dozen workers, more cores than that only add PostgreSQL servers and memory."""

SLOWEST_FIRST = ("ui", "stress", "services", "clinical", "cli", "export", "store")
"""Test directories by the time their tests take, longest first; the rest come after."""


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` (pyproject's addopts): 3 workers per usable core, at most a dozen unless the
    cores alone are more. PYTEST_XDIST_AUTO_NUM_WORKERS still decides when it is set."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    return max(1, min(cores * WORKERS_PER_CORE, max(cores, MANY_WORKERS)))


def _run_order(item: pytest.Item) -> tuple[bool, int]:
    directory = item.path.parent.name
    rank = SLOWEST_FIRST.index(directory) if directory in SLOWEST_FIRST else len(SLOWEST_FIRST)
    return item.get_closest_marker("faults") is None, rank


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_run_order)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked ``every_frame`` paint every frame, as a terminal would (frames_on_demand)."""
    frames_on_demand.paint_every_frame(item.get_closest_marker("every_frame") is not None)


YOUNG_GENERATION = 20_000
"""Objects allocated between young collections in a test process (Python's default is 700)."""


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection imported lives as long as the test process: freeze it out of the cyclic
    collector's way (as ``tplan.cli`` freezes the records before the app runs), and collect the
    young generation less often. A Pilot test makes an app's worth of garbage; measured on the
    note form and friction-day tests, the collector took 8.5 s of 33 s CPU with the defaults,
    4.4 s with this (4.3 s before, when each record file parsed froze its test's app for good
    and a worker grew to 345 MB; 230 MB now)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])


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


_REWRITING: list[object] = []
"""The controller's assert-rewriting thread (rewrite_ahead), joined at the end."""
_TEMPLATE_HOMES: list[Path] = []
"""The run's template PostgreSQL cluster folder (postgres_server), removed at the end."""


def pytest_configure(config: pytest.Config) -> None:
    """The xdist controller rewrites the test modules' asserts once for all workers, and makes
    the folder of the run's template PostgreSQL cluster."""
    thread = rewrite_ahead.start(config, Path(__file__).parent)
    if thread is not None:
        _REWRITING.append(thread)
    if not hasattr(config, "workerinput"):
        _TEMPLATE_HOMES.append(make_template_home())


def pytest_unconfigure(config: pytest.Config) -> None:
    """Join the rewriting thread, remove the template cluster, and collect garbage once.

    pytest's last look for unraisable exceptions (raised in ``__del__`` of objects only the
    cyclic collector frees) runs five full collections after this hook. With the last tests'
    apps still uncollected, a worker spent 0.4-1.2 s on the first and ~0.15 s on each of the
    other four, six workers at once on two cores. One collection here finalizes that garbage
    (and any error it raises is still reported); freezing what survives leaves pytest's five
    nothing to walk."""
    for thread in _REWRITING:
        thread.join()  # type: ignore[attr-defined]
    for home in _TEMPLATE_HOMES:
        shutil.rmtree(home, ignore_errors=True)
    gc.collect()
    gc.freeze()
