"""Filter the caseload per keystroke: the work of the key handler plus the table's re-render.

The app runs headless under Textual's Pilot on a 120x40 screen. The caseload is the generated
``typical`` file's rows, copied with new ids and names up to N rows (500, 5,000), all active.
For each key typed into the filter box the script adds up the time spent in

- the Input's key handler (inserting or deleting the character),
- the screen's filter handler (``CaseloadScreen.apply``: select rows, hand them to the table),
- the screen update that follows (layout, the compositor rendering the dirty lines: the
  table's ``render_line`` for every visible row), and
- encoding that update into terminal escape codes (a headless driver would skip it).

Textual repaints on a 1/60 s timer; the timer's wait is not counted, only the work.

    python bench/filter.py [--rows 500 5000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

KEYS = [*"mar", "backspace", "backspace", "backspace", *"quill", *["backspace"] * 5,
        *"2.1", "backspace", "backspace", "backspace", *"taper", *["backspace"] * 5]


def _timer(spent: dict[str, float], name: str, function):  # type: ignore[no-untyped-def]
    if asyncio.iscoroutinefunction(function):

        async def timed_async(*args, **kwargs):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - start

        return timed_async

    def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - start

    return timed


async def _measure(rows: int, rounds: int, db: Path) -> list[float]:
    from common import opened_as_the_app_opens
    from generate import ANCHOR
    from textual.screen import Screen
    from textual.widgets import Input

    from tplan.services import FixedClock, Workspace
    from tplan.ui.app import TplanApp, make_app
    from tplan.ui.screens.caseload import CaseloadScreen

    spent: dict[str, float] = defaultdict(float)
    patches = [
        (Input, "_on_key"),
        (CaseloadScreen, "apply"),
        (Screen, "_on_timer_update"),
    ]
    originals = [(cls, name, getattr(cls, name)) for cls, name in patches]
    for cls, name, function in originals:
        setattr(cls, name, _timer(spent, name, function))
    display = TplanApp._display

    def encoding_display(self: TplanApp, screen: Screen, renderable: object) -> None:
        from textual._compositor import CompositorUpdate

        if isinstance(renderable, CompositorUpdate):
            start = time.perf_counter()
            renderable.render_segments(self.console)
            spent["encode"] += time.perf_counter() - start
        display(self, screen, renderable)

    TplanApp._display = encoding_display  # type: ignore[method-assign]
    per_key: list[float] = []
    clock = FixedClock(ANCHOR)
    workspace = Workspace(opened_as_the_app_opens(db, "bench", read_only=True), clock)
    try:
        app = make_app(workspace, clock=clock, idle_privacy_minutes=None, me="J. Park")
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            assert isinstance(screen, CaseloadScreen)
            while not screen.loaded:  # the engine's rows replace the painted summaries
                await pilot.pause(0.05)
            await app.workers.wait_for_complete()
            await pilot.pause(0.1)
            base = [line for line in screen.all_lines if line.active]
            lines = [
                dataclasses.replace(
                    base[i % len(base)],
                    patient_id=f"pt-copy{i:07d}",
                    name=f"{base[i % len(base)].name} {i}",
                )
                for i in range(rows)
            ]
            screen._loaded(lines)
            await pilot.press("slash")
            await pilot.pause(0.1)
            for _ in range(rounds):
                for key in KEYS:
                    spent.clear()
                    await pilot.press(key)
                    await pilot.pause(0.04)  # let the 1/60 s update timer fire
                    per_key.append(sum(spent.values()))
            shown = len(screen.table.lines)
            assert shown == rows, f"filter left {shown} of {rows} rows after clearing"
    finally:
        workspace.close()
        for cls, name, function in originals:
            setattr(cls, name, function)
        TplanApp._display = display  # type: ignore[method-assign]
    return per_key


def measure(rows: int, rounds: int) -> dict[str, float]:
    from common import DEFAULT_CACHE, median, working_copy

    with tempfile.TemporaryDirectory(prefix="tplan-bench-") as tmp:
        db = working_copy("typical", Path(tmp), DEFAULT_CACHE)
        per_key = asyncio.run(_measure(rows, rounds, db))
    per_key.sort()
    return {
        "key_ms": median(per_key) * 1000,
        "key_p90_ms": per_key[int(len(per_key) * 0.9)] * 1000,
        "keys": len(per_key),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="filter the caseload per keystroke")
    parser.add_argument("--rows", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    for rows in args.rows:
        for key, value in measure(rows, args.rounds).items():
            print(f"{rows} rows {key}: {value:.2f}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
