"""The Today screen and recording attendance at clinic size.

The clinic file (240 active patients) gets 20 treatment groups of 12 and a year of their
sessions with attendance (``generate.write_sessions``); today's sessions are unrecorded.

- today: an app whose start screen is Today (headless, 120x40); from the first paint of the
  screen to the paint after the agenda (sessions and worklist) is shown. ``today_cpu_ms`` is
  the CPU time the process spent in that interval (all threads): on a loaded machine the wall
  time mostly measures the other processes, the CPU time what this one had to do.
  ``today_sessions_ms``: from the same first paint to the paint with the day's sessions (shown
  before the worklist, under a "loading" line).
- today_whole_ms: from building the app (its workspace already open) to that same paint of
  the agenda. The interval after the first paint moves when the first paint does: work taken
  out before it (styling the screen once instead of twice) leaves the agenda's worker thread,
  which starts at mount, more of its work after it, though the agenda shows no later.
- attendance save: ``Workspace.record_attendance`` of a 12-member roster (one transaction,
  one journal line, 12 audit entries), each run changing every member's mark.

    python bench/today.py [--size clinic] [--runs 5]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path


async def _today_times(
    db: Path, runs: int
) -> tuple[list[float], list[float], list[float], list[float]]:
    from common import opened_as_the_app_opens
    from generate import ANCHOR, ME

    from tplan.services import FixedClock, Workspace
    from tplan.settings import Settings
    from tplan.ui.app import make_app
    from tplan.ui.screens.today import TodayScreen

    times: list[float] = []
    cpu: list[float] = []
    sessions_first: list[float] = []
    whole: list[float] = []
    for _ in range(runs):
        clock = FixedClock(ANCHOR)
        workspace = Workspace(opened_as_the_app_opens(db, "bench", read_only=True), clock)
        settings = Settings(clinician=ME, start_screen="today", privacy_after_minutes=0)
        try:
            opened = time.perf_counter()
            app = make_app(workspace, clock=clock, settings=settings)
            async with app.run_test(size=(120, 40)):
                while not (isinstance(app.screen, TodayScreen) and app.screen.is_mounted):
                    await asyncio.sleep(0)
                first = asyncio.Event()
                app.screen.call_after_refresh(first.set)
                await first.wait()
                start, start_cpu = time.perf_counter(), time.process_time()
                screen = app.screen
                # (getattr: the same script measures a Today screen that paints all at once)
                while not getattr(screen, "sessions", ()) and screen.agenda is None:
                    await asyncio.sleep(0.001)
                shown = asyncio.Event()
                screen.call_after_refresh(shown.set)
                await shown.wait()
                sessions_first.append(time.perf_counter() - start)
                while screen.agenda is None:
                    await asyncio.sleep(0.001)
                painted = asyncio.Event()
                screen.call_after_refresh(painted.set)
                await painted.wait()
                times.append(time.perf_counter() - start)
                whole.append(time.perf_counter() - opened)
                cpu.append(time.process_time() - start_cpu)
                await app.workers.wait_for_complete()
        finally:
            workspace.close()
    return times, cpu, sessions_first, whole


def measure(size: str, runs: int) -> dict[str, float]:
    from common import DEFAULT_CACHE, median, opened_as_the_app_opens, working_copy
    from generate import ANCHOR, write_sessions

    from tplan.domain import AttendanceStatus
    from tplan.services import FixedClock, Mark, SessionKey, Workspace

    result: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="tplan-bench-") as tmp:
        db = working_copy(size, Path(tmp), DEFAULT_CACHE)
        sessions, records = write_sessions(db)
        result["sessions"], result["attendance_records"] = sessions, records
        times, cpu, sessions_first, whole = asyncio.run(_today_times(db, runs))
        result["today_whole_ms"] = 1000 * median(whole)
        result["today_sessions_ms"] = 1000 * median(sessions_first)
        result["today_ms"], result["today_cpu_ms"] = 1000 * median(times), 1000 * median(cpu)
        records = opened_as_the_app_opens(db, "bench")
        workspace = Workspace(records, FixedClock(ANCHOR), clinician="bench")
        try:
            group = workspace.groups()[0]
            session = workspace.session(SessionKey(group.id, ANCHOR))
            roster = workspace.session_roster(session)
            result["roster"] = len(roster)
            saves: list[float] = []
            for run in range(runs * 2):
                status = AttendanceStatus.PRESENT if run % 2 else AttendanceStatus.ABSENT
                marks = {p.id: Mark(status) for p in roster}
                start = time.perf_counter()
                session, _ = workspace.record_attendance(session, marks)
                saves.append(time.perf_counter() - start)
            result["attendance_save_ms"] = 1000 * median(saves)
        finally:
            workspace.close()
    return result


def main(argv: list[str] | None = None) -> int:
    from common import size_runs_main

    return size_runs_main(measure, "Today screen and attendance save", "clinic", argv)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
