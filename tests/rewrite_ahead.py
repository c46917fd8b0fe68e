"""Rewrite the test modules' asserts once, in the pytest-xdist controller, for every worker.

Each worker collects every test module, and pytest rewrites each module's asserts as it
imports it (~1.6 s of CPU for this suite's 150 modules). It keeps the result in a pyc beside
the module, but not where ``PYTHONDONTWRITEBYTECODE`` is set (as on these machines), and on a
fresh clone all workers start at once anyway: six workers rewrote the same modules six times.
Here the controller writes those pycs in a thread while the workers start (they read a pyc
whether or not they may write one; a module a worker reaches first it rewrites itself, as
before, and pytest replaces pycs atomically), so the suite rewrites each module once.

This leans on pytest's assertion-rewriting internals (pytest is pinned below 9 in
pyproject.toml); ``tests/test_rewrite_ahead.py`` checks that each name still exists, and
that a rewritten pyc written here is the one a worker's import reads.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from pathlib import Path

import pytest
from _pytest.assertion import rewrite

PRIVATE_NAMES = (
    "assertstate_key", "PYC_TAIL", "get_cache_dir", "_read_pyc", "_rewrite_test", "_write_pyc"
)
"""What this module uses of ``_pytest.assertion.rewrite``."""

EXTRA_MODULES = ("ui/counselor_steps.py",)
"""Modules registered with ``pytest.register_assert_rewrite`` (tests/ui/conftest.py)."""


def modules_to_rewrite(tests: Path) -> list[Path]:
    """The modules a worker rewrites, in the order it imports them (directories sorted)."""
    found = [
        path for path in tests.rglob("*.py")
        if path.name == "conftest.py" or path.name.startswith("test_")
    ]
    found += [tests / name for name in EXTRA_MODULES]
    return sorted(found, key=lambda path: (path.parent.parts, path.name != "conftest.py", path))


def pyc_path(module: Path) -> Path:
    return rewrite.get_cache_dir(module) / (module.name[:-3] + rewrite.PYC_TAIL)


def rewrite_ahead(config: pytest.Config, modules: list[Path]) -> int:
    """Write the rewritten pyc of each module that has none up to date; how many were written."""
    state = config.stash[rewrite.assertstate_key]
    written = 0
    for module in modules:
        pyc = pyc_path(module)
        if rewrite._read_pyc(module, pyc) is not None:
            continue
        with contextlib.suppress(OSError, SyntaxError):  # the worker then reports it itself
            source_stat, code = rewrite._rewrite_test(module, config)
            pyc.parent.mkdir(exist_ok=True)
            written += rewrite._write_pyc(state, code, source_stat, pyc)
    return written


def is_xdist_controller(config: pytest.Config) -> bool:
    return (
        not hasattr(config, "workerinput")
        and bool(getattr(config.option, "numprocesses", None))
        and getattr(config.option, "dist", "no") != "no"
        and config.getoption("assertmode") == "rewrite"
    )


def start(config: pytest.Config, tests: Path) -> threading.Thread | None:
    """In the xdist controller only: rewrite the test modules in a thread, while the workers
    start. Returns the thread (joined at the end of the session) or None."""
    if not is_xdist_controller(config) or sys.flags.optimize:
        return None
    thread = threading.Thread(
        target=rewrite_ahead, args=(config, modules_to_rewrite(tests)),
        name="rewrite-ahead", daemon=True,
    )
    thread.start()
    return thread
