"""The store's share of start and close: open, summaries, validation, one save, close.

Each run is a fresh process on a private copy of the caseload (so a run that compacts or
migrates the file never changes the next one's) that times, one after the other:

- open: ``import tplan.store`` + ``open_store`` (what the caseload's first paint waits for);
- summaries: ``caseload_summaries()`` (the first paint's rows, where the store keeps them);
- active: ``active_patients()`` (validating the caseload, done after the first paint);
- save: one draft note added to the first active patient (``put``, one journal line);
- close: ``close()`` after that save (a compaction, or none when the journal is small);

and reports whether pydantic or the domain was imported by ``open`` and ``VmHWM`` (peak
memory of the measured process itself) at the end. ``--tree DIR`` measures another checkout
(e.g. ``/work/main``) in the same run, with the same files, for a before/after.

Before the runs, each tree opens and closes the generated file once as a writer, saving
nothing ("first open"): a tree that migrates the file format does it then (timed and shown),
and the runs start from the file as that tree leaves it.

    python bench/store_open.py [--size clinic] [--runs 3] [--tree /work/main]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from common import median, working_copy

CHILD = r"""
import json, sys, time
from datetime import UTC, datetime

path = sys.argv[1]
times = {}
start = time.perf_counter()
import tplan.store
repo = tplan.store.open_store(path, "Bench Counselor")
times["open"] = time.perf_counter() - start
models = any(m == "pydantic" or m.startswith("tplan.domain") for m in sys.modules)
start = time.perf_counter()
summaries = repo.caseload_summaries() if hasattr(repo, "caseload_summaries") else {}
times["summaries"] = time.perf_counter() - start
start = time.perf_counter()
active = repo.active_patients()
times["active"] = time.perf_counter() - start
from tplan.domain import Attendance, ProgressNote, SessionType
start = time.perf_counter()
patient = active[0].model_copy(deep=True)
written = datetime(2026, 3, 12, 15, tzinfo=UTC)
patient.notes.append(ProgressNote(
    date_of_service=written.date(), written_at=written, session_type=SessionType.GROUP,
    attendance=Attendance.ATTENDED, sections={"data": "benchmark draft"}, craving=2,
    author="Bench Counselor",
))
repo.put(patient, "save_draft")
times["save"] = time.perf_counter() - start
start = time.perf_counter()
repo.close()
times["close"] = time.perf_counter() - start
status = open("/proc/self/status").read()
peak = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
print(json.dumps({"times": times, "models_at_open": models, "active": len(active),
                  "with_summary": sum(s is not None for s in summaries.values()),
                  "peak_kb": peak}))
"""

FIRST_OPEN = r"""
import json, sys, time
start = time.perf_counter()
import tplan.store
tplan.store.open_store(sys.argv[1], "Bench Counselor").close()
print(json.dumps({"seconds": time.perf_counter() - start}))
"""

STEPS = ("open", "summaries", "active", "save", "close")


def _child(tree: Path, script: str, db: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-c", script, str(db)], capture_output=True,
                          text=True, env=env, check=True, cwd=tree)  # "-c": cwd comes first
    return json.loads(done.stdout)


def prepare(tree: Path, size: str, workdir: Path) -> tuple[Path, float]:
    """The file as ``tree`` leaves it after a first open and close, and how long that took."""
    workdir.mkdir(mode=0o700)
    db = working_copy(size, workdir)
    return db, _child(tree, FIRST_OPEN, db)["seconds"]


def one_run(tree: Path, source: Path, workdir: Path) -> dict:
    db = workdir / source.name
    for leftover in workdir.glob(f"{source.name}*"):
        leftover.unlink()
    db.write_bytes(source.read_bytes())
    db.chmod(0o600)
    return _child(tree, CHILD, db)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the store's share of start and close")
    parser.add_argument("--size", default="clinic", choices=["typical", "counselor", "clinic"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tree", type=Path, action="append", default=[],
                        help="another checkout to measure in the same run (repeatable)")
    args = parser.parse_args(argv)
    trees = [Path(__file__).resolve().parent.parent, *args.tree]
    results: dict[Path, list[dict]] = {tree: [] for tree in trees}
    with tempfile.TemporaryDirectory(prefix="tplan-store-open-") as work:
        prepared = {tree: prepare(tree, args.size, Path(work) / f"source{n}")
                    for n, tree in enumerate(trees)}
        runs_dir = Path(work) / "run"
        runs_dir.mkdir(mode=0o700)
        for _ in range(args.runs):
            for tree in trees:  # interleaved, so machine load hits every tree alike
                results[tree].append(one_run(tree, prepared[tree][0], runs_dir))
        sizes = {tree: prepared[tree][0].stat().st_size / 1e6 for tree in trees}
    print(f"store open/close, {args.size}, median of {args.runs} run(s), ms")
    print(f"{'tree':<22}{'first open':>11}{'file MB':>8}" + "".join(f"{s:>10}" for s in STEPS)
          + f"{'peak MB':>9}  models at open")
    for tree, runs in results.items():
        cells = "".join(f"{median(r['times'][step] for r in runs) * 1000:>10.0f}" for step in STEPS)
        peak = median(r["peak_kb"] for r in runs) / 1024
        first = prepared[tree][1] * 1000
        print(f"{str(tree)[-22:]:<22}{first:>11.0f}{sizes[tree]:>8.0f}{cells}{peak:>9.0f}  "
              f"{runs[0]['models_at_open']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
