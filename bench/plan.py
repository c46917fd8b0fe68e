"""Open a patient plan, compute every suggestion, export each format.

- open: from ``app.open_patient`` on the caseload until the patient screen has been painted
  (``call_after_refresh``), headless at 120x40, a different active patient each time (those
  with the most notes first); this includes waiting for Textual's next frame (up to 1/60 s).
  The first opening builds the patient screen (``open_plan_first_ms``); the median is of the
  ``runs`` openings after it, which re-fill the screen the app keeps (``open_plan_ms``).
- suggestions: ``suggest(patient, ANCHOR)`` for every active patient of the file.
- export: ``render`` of that patient in each format (the bytes), and ``Workspace.export``
  (render, write the 0600 file, log the disclosure: one more save of the record file).

    python bench/plan.py [--size counselor] [--runs 5]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path


async def _open_times(db: Path, patient_ids: list[str]) -> dict[str, float]:
    """Open each patient once from the caseload (a different one each time, so nothing is
    drawn already), wait for the paint, go back. The first opening builds the patient
    screen; the others re-fill it."""
    from common import median, opened_as_the_app_opens
    from generate import ANCHOR

    from tplan.services import FixedClock, Workspace
    from tplan.ui.app import make_app
    from tplan.ui.screens.patient import PatientScreen

    clock = FixedClock(ANCHOR)
    workspace = Workspace(opened_as_the_app_opens(db, "bench", read_only=True), clock)
    times: list[float] = []
    widgets: list[int] = []
    try:
        app = make_app(workspace, clock=clock, idle_privacy_minutes=None, me="J. Park")
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause(0.1)
            rss_before = _rss_kb()
            for patient_id in patient_ids:
                painted = asyncio.Event()
                start = time.perf_counter()
                app.open_patient(patient_id)
                while not (
                    isinstance(app.screen, PatientScreen)
                    and app.screen.is_mounted
                    and app.screen.patient_id == patient_id
                ):
                    await asyncio.sleep(0)
                app.screen.call_after_refresh(painted.set)
                await painted.wait()
                times.append(time.perf_counter() - start)
                widgets.append(len(list(app.screen.walk_children())))
                await pilot.press("escape")
                await pilot.pause(0.1)
            rss_growth = _rss_kb() - rss_before
    finally:
        workspace.close()
    return {
        "open_plan_first_ms": 1000 * times[0],
        "open_plan_ms": 1000 * median(times[1:] or times),
        "plan_widgets": widgets[-1],
        "plan_opens": len(times),
        "rss_growth_mb": rss_growth / 1024,
    }


def _rss_kb() -> int:
    """Resident memory of this process now (VmRSS), to see that opening plans keeps nothing."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def measure(size: str, runs: int) -> dict[str, float]:
    from common import DEFAULT_CACHE, median, opened_as_the_app_opens, timed, working_copy
    from generate import ANCHOR

    from tplan.clinical import suggest
    from tplan.domain import ExportFormat
    from tplan.export import render
    from tplan.services import FixedClock, Workspace

    result: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="tplan-bench-") as tmp:
        db = working_copy(size, Path(tmp), DEFAULT_CACHE)
        clock = FixedClock(ANCHOR)
        workspace = Workspace(opened_as_the_app_opens(db, "bench"), clock, clinician="bench")
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
        # the heaviest record first, then the next heaviest: a fresh patient every opening
        by_notes = sorted(active, key=lambda p: len(p.notes), reverse=True)
        result |= asyncio.run(_open_times(db, [p.id for p in by_notes[: runs + 1]]))
    return result


def main(argv: list[str] | None = None) -> int:
    from common import size_runs_main

    return size_runs_main(measure, "open a plan, suggestions, exports", "counselor", argv)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
