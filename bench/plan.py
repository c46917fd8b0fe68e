"""Open a patient plan, compute every suggestion, export each format.

- open: from ``app.open_patient`` on the caseload until the patient screen has been painted
  (``call_after_refresh``), headless at 120x40, for the active patient with the most notes;
  this includes waiting for Textual's next frame (up to 1/60 s).
- suggestions: ``suggest(patient, ANCHOR)`` for every active patient of the file.
- export: ``render`` of that patient in each format (the bytes), and ``Workspace.export``
  (render, write the 0600 file, log the disclosure: one more save of the record file).

    python bench/plan.py [--size counselor] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path


async def _open_times(db: Path, patient_id: str, runs: int) -> tuple[list[float], int]:
    from generate import ANCHOR

    from tplan.services import FixedClock, Workspace
    from tplan.store import open_repository
    from tplan.ui.app import make_app
    from tplan.ui.screens.patient import PatientScreen

    clock = FixedClock(ANCHOR)
    workspace = Workspace(open_repository(db, "bench", read_only=True), clock)
    times: list[float] = []
    widgets = 0
    try:
        app = make_app(workspace, clock=clock, idle_privacy_minutes=None, me="J. Park")
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause(0.1)
            for _ in range(runs):
                painted = asyncio.Event()
                start = time.perf_counter()
                app.open_patient(patient_id)
                while not (isinstance(app.screen, PatientScreen) and app.screen.is_mounted):
                    await asyncio.sleep(0)
                app.screen.call_after_refresh(painted.set)
                await painted.wait()
                times.append(time.perf_counter() - start)
                widgets = len(list(app.screen.walk_children()))
                await pilot.press("escape")
                await pilot.pause(0.1)
    finally:
        workspace.close()
    return times, widgets


def measure(size: str, runs: int) -> dict[str, float]:
    from common import DEFAULT_CACHE, median, timed, working_copy
    from generate import ANCHOR

    from tplan.clinical import suggest
    from tplan.domain import ExportFormat
    from tplan.export import render
    from tplan.services import FixedClock, Workspace
    from tplan.store import open_repository

    result: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="tplan-bench-") as tmp:
        db = working_copy(size, Path(tmp), DEFAULT_CACHE)
        clock = FixedClock(ANCHOR)
        workspace = Workspace(open_repository(db, "bench"), clock, clinician="bench")
        try:
            active = workspace.patients()
            heaviest = max(active, key=lambda p: len(p.notes))
            result["active"] = len(active)
            result["suggest_all_ms"] = 1000 * median(
                timed(lambda: [suggest(p, ANCHOR) for p in active]) for _ in range(runs)
            )
            suggestion = suggest(heaviest, ANCHOR)
            for fmt in ExportFormat:
                result[f"render_{fmt.value}_ms"] = 1000 * median(
                    timed(
                        lambda fmt=fmt: render(
                            heaviest, fmt, as_of=ANCHOR, generated_at=clock.now(),
                            suggestion=suggestion,
                        )
                    )
                    for _ in range(runs)
                )
                out = Path(tmp) / "exports"
                out.mkdir(exist_ok=True)
                result[f"export_{fmt.value}_ms"] = 1000 * median(
                    timed(
                        lambda fmt=fmt, n=n, out=out: workspace.export(
                            heaviest.id, fmt, out / f"{n}.{fmt.value}", as_of=ANCHOR
                        )
                    )
                    for n in range(runs)
                )
        finally:
            workspace.close()
        times, widgets = asyncio.run(_open_times(db, heaviest.id, runs))
        result["open_plan_ms"] = 1000 * median(times)
        result["plan_widgets"] = widgets
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="open a plan, suggestions, exports")
    parser.add_argument("--size", default="counselor")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    for key, value in measure(args.size, args.runs).items():
        print(f"{args.size} {key}: {value:.1f}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
