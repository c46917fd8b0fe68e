"""Save a progress note: wall time, and the longest event-loop stall while it saves.

The save runs the way the note form runs it: ``Workspace.save_draft`` in a worker thread
(``asyncio.to_thread``, as Textual's ``@work(thread=True)``), while a ticker coroutine on the
event loop wakes every millisecond and records the longest gap between two wakes. A gap is the
time the loop could not paint or take a key: the part of the save that holds the GIL
(validating the patient, serializing the whole file with orjson). The disk part (write, fsync,
rename) releases the GIL and only adds wall time.

    python bench/save.py [--size typical] [--runs 15] [--one-dumps-call]

``--one-dumps-call`` serializes the file in one ``orjson.dumps`` call, as the store did before
``dump_parts``: it shows what that call costs the event loop.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

TICK = 0.001


async def _save_with_ticker(save, tick: bool) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Run ``save`` in a thread; return (wall seconds, longest loop stall in seconds).

    Without ``tick`` the loop stays idle (as Textual's is between keys and frames): the wall
    time then is what the counselor waits. With ``tick`` the loop wakes every millisecond to
    measure how long it was kept from running; the handovers of the GIL slow the save a little.
    """
    done = False
    longest = 0.0

    async def ticker() -> None:
        nonlocal longest
        last = time.perf_counter()
        while not done:
            await asyncio.sleep(TICK)
            now = time.perf_counter()
            longest = max(longest, now - last - TICK)
            last = now

    task = asyncio.create_task(ticker()) if tick else None
    await asyncio.sleep(0.01)  # let the ticker settle
    start = time.perf_counter()
    await asyncio.to_thread(save)
    wall = time.perf_counter() - start
    done = True
    if task is not None:
        await task
    return wall, max(0.0, longest)


def measure(size: str, runs: int, one_dumps_call: bool = False) -> dict[str, float]:
    import orjson
    from common import DEFAULT_CACHE, median, opened_as_the_app_opens, working_copy
    from generate import ANCHOR

    from tplan.domain import Attendance, ProgressNote, SessionType
    from tplan.services import FixedClock, Workspace
    from tplan.store import storage

    if one_dumps_call:
        storage.dump_parts = lambda tables: [orjson.dumps(tables)]  # type: ignore[assignment]
    walls: list[float] = []
    walls_ticking: list[float] = []
    stalls: list[float] = []
    with tempfile.TemporaryDirectory(prefix="tplan-bench-") as tmp:
        db = working_copy(size, Path(tmp), DEFAULT_CACHE)
        clock = FixedClock(ANCHOR)
        workspace = Workspace(opened_as_the_app_opens(db, "bench"), clock, clinician="bench")
        try:
            active = workspace.patients()
            for run in range(2 * runs + 2):
                patient = active[run % len(active)]
                note = ProgressNote(
                    date_of_service=ANCHOR,
                    written_at=clock.now(),
                    session_type=SessionType.GROUP,
                    attendance=Attendance.ATTENDED,
                    sections={
                        "data": "Attended group; discussed weekend plans. " * 8,
                        "assessment": "Engaged, craving low.",
                        "plan": "Continue; practise refusal skills.",
                    },
                    craving=2,
                    author="bench",
                )
                tick = run % 2 == 1
                wall, stall = asyncio.run(
                    _save_with_ticker(
                        lambda p=patient, n=note: workspace.save_draft(p.id, n), tick
                    )
                )
                if run < 2:  # the first saves also create the backup: warm-up
                    continue
                if tick:
                    stalls.append(stall)
                    walls_ticking.append(wall)
                else:
                    walls.append(wall)
        finally:
            workspace.close()
        file_mb = db.stat().st_size / 1e6
    return {
        "save_ms": median(walls) * 1000,
        "save_ticking_ms": median(walls_ticking) * 1000,
        "stall_ms": median(stalls) * 1000,
        "stall_max_ms": max(stalls) * 1000,
        "file_mb": file_mb,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="save a progress note")
    parser.add_argument("--size", default="typical")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--one-dumps-call", action="store_true")
    args = parser.parse_args(argv)
    for key, value in measure(args.size, args.runs, args.one_dumps_call).items():
        print(f"{args.size} {key}: {value:.1f}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
