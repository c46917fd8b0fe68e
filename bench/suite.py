"""The test suite as the README runs it (``pytest`` in the project root): wall and CPU time.

    python bench/suite.py [--runs N]

CPU is that of every process the run waited for (pytest, its xdist workers and their
subprocesses; not the PostgreSQL servers, which run detached). On a shared machine the wall time
depends on what else runs: each run prints the load average before and after it, and runs are
comparable only at similar load.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class SuiteRun:
    wall_s: float
    cpu_s: float
    load_before: float
    load_after: float
    summary: str


def measure() -> SuiteRun:
    """Run the whole suite once: wall seconds, CPU seconds of all its processes, last line (and
    which tests failed, to tell a flaky one from a broken one)."""
    load_before = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest"], cwd=ROOT, capture_output=True, text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = done.stdout.strip().splitlines() or ["no output"]
    failed = [line for line in lines if line.startswith(("FAILED ", "ERROR "))]
    summary = lines[-1] if done.returncode == 0 else "; ".join(["FAILED", lines[-1], *failed])
    return SuiteRun(wall, cpu, load_before, os.getloadavg()[0], summary)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="how many runs (default 1)")
    args = parser.parse_args(argv)
    no_pyc = os.environ.get("PYTHONDONTWRITEBYTECODE", "")
    print(f"{os.cpu_count()} cores; PYTHONDONTWRITEBYTECODE={no_pyc!r}")
    for _ in range(args.runs):
        run = measure()
        print(
            f"suite: {run.wall_s:.0f} s wall, {run.cpu_s:.0f} s CPU, load {run.load_before:.1f}"
            f" -> {run.load_after:.1f}; {run.summary}"
        )


if __name__ == "__main__":
    main()
