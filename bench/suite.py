"""The test suite as the README runs it (``pytest`` in the project root): wall and CPU time.

    python bench/suite.py
"""

from __future__ import annotations

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
    summary: str


def measure() -> SuiteRun:
    """Run the whole suite once: wall seconds, CPU seconds of all its processes, last line."""
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
    return SuiteRun(wall, cpu, lines[-1] if done.returncode == 0 else f"FAILED: {lines[-1]}")


if __name__ == "__main__":
    run = measure()
    print(f"suite: {run.wall_s:.0f} s wall, {run.cpu_s:.0f} s CPU; {run.summary}")
