"""Run every benchmark and print one table of medians against the issue's targets.

    python bench/run.py [--size counselor clinic] [--runs 5] [--no-suite]

Every figure of issue #14's table comes from this one run: start (empty file, counselor,
clinic) as a ratio to a bare Textual app, the note form, close after a save and peak memory
(bench/startup.py, the real program on a pty), opening a plan (bench/plan.py) and the test
suite (bench/suite.py); then the filter, save, suggestion and export figures.

The caseload files are generated once into ``$TPLAN_BENCH_CACHE`` (default /tmp/tplan-bench)
and reused; benchmarks that write work on a private copy. See bench/README.md.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import filter as filter_bench
import group_session as group_bench
import plan as plan_bench
import save as save_bench
import startup as startup_bench
import suite as suite_bench
import today as today_bench
from common import Figure, print_table

START_TARGET = {"empty": 1.6, "counselor": 2.0, "clinic": 2.5}
CLOSE_TARGET = {"counselor": 150.0, "clinic": 400.0}
PEAK_TARGET = {"counselor": 100.0, "clinic": 300.0}
NOTE_FORM_TARGET = 150.0
OPEN_PLAN_TARGET = 50.0
SUITE_TARGET = 120.0
SAVE_TARGETS = {"typical": (30.0, 16.0), "counselor": (150.0, 50.0)}
FILTER_TARGETS = {500: 16.0, 5000: 50.0}


def start_figures(sizes: list[str], runs: int) -> list[Figure]:
    """The issue's start, note form, close and memory rows: real tplan on a pty vs a bare app."""
    figures: list[Figure] = []
    for size in ["empty", *sizes]:
        start = startup_bench.measure(size, runs)
        figures.append(Figure("start to caseload / bare app", size, start["ratio"], "x",
                              START_TARGET.get(size), runs,
                              f"tplan {start['tplan_s']:.2f} s, bare {start['bare_s']:.2f} s"))
        figures.append(Figure("peak memory at first paint", size, start["peak_painted_mb"], "MB",
                              None, runs, f"bare app {start['bare_peak_mb']:.0f} MB (VmHWM)"))
        if size == "empty":
            continue
        file_note = f"{start['peak_mb'] / start['file_mb']:.1f}x the {start['file_mb']:.0f} MB file"
        figures += [
            Figure("settled after start", size, start["settled_s"], "s", None, runs,
                   "engine rows in, process idle"),
            Figure("open the note form", size, start["note_form_ms"], "ms", NOTE_FORM_TARGET,
                   runs, "n (app settled) -> form painted"),
            Figure("close after a save", size, start["close_ms"], "ms", CLOSE_TARGET.get(size),
                   runs, f"q -> process gone; bare app {start['bare_close_ms']:.0f} ms"),
            Figure("peak memory, whole session", size, start["peak_mb"], "MB",
                   PEAK_TARGET.get(size), runs, file_note),
        ]
    return figures


def run(sizes: list[str], runs: int, suite: bool) -> list[Figure]:
    figures = start_figures(sizes, runs)
    for size in sizes:
        plan = plan_bench.measure(size, runs)
        figures.append(Figure("open a patient plan", size, plan["open_plan_ms"], "ms",
                              OPEN_PLAN_TARGET, runs, f"{plan['plan_widgets']:.0f} widgets; "
                              f"first opening {plan['open_plan_first_ms']:.0f} ms"))
        figures.append(Figure("all suggestions", size, plan["suggest_all_ms"], "ms",
                              500.0 if size == "clinic" else None, runs,
                              f"{plan['active']:.0f} active patients"))
        for fmt in ("md", "html", "json", "fhir"):
            figures.append(Figure(f"export {fmt} (render + file + log)", size,
                                  plan[f"export_{fmt}_ms"], "ms", 200.0, runs,
                                  f"render alone {plan[f'render_{fmt}_ms']:.1f} ms"))
    for rows, target in FILTER_TARGETS.items():
        keys = filter_bench.measure(rows, max(1, runs // 2))
        figures.append(Figure(f"filter keystroke, {rows} rows", "-", keys["key_ms"], "ms", target,
                              int(keys["keys"]), f"p90 {keys['key_p90_ms']:.1f} ms"))
    for size in ["typical", *(s for s in sizes if s in SAVE_TARGETS and s != "typical")]:
        save = save_bench.measure(size, runs * 2)
        save_target, stall_target = SAVE_TARGETS.get(size, (None, None))
        figures += [
            Figure("save a note", size, save["save_ms"], "ms", save_target, runs * 2,
                   f"file {save['file_mb']:.0f} MB"),
            Figure("event-loop stall during save", size, save["stall_ms"], "ms", stall_target,
                   runs * 2, f"max {save['stall_max_ms']:.0f} ms"),
        ]
    if "clinic" in sizes:
        today = today_bench.measure("clinic", runs)
        note = f"{today['sessions']:.0f} sessions, {today['attendance_records']:.0f} attendances"
        figures += [
            Figure("Today painted after first paint", "clinic", today["today_ms"], "ms", 150.0,
                   runs, note),
            Figure("Today from the app's start to the agenda", "clinic", today["today_whole_ms"],
                   "ms", None, runs, "workspace open before; same paint as above"),
            Figure("attendance save, 12-member roster", "clinic", today["attendance_save_ms"],
                   "ms", 50.0, runs * 2, "one transaction"),
        ]
    group_size = "clinic" if "clinic" in sizes else sizes[-1]
    group = group_bench.measure(group_size, runs)
    figures += [
        Figure("keys to document a 10-member group", "-", group["non_text_keys"], "keys", 40.0,
               1, f"{group['typed_chars']:.0f} chars typed, {group['members_signed']:.0f} "
               f"signed; {group['non_text_keys_with_attendance']:.0f} with attendance by keys"),
        Figure("open the group screen, 12 members", group_size, group["open_group_ms"], "ms",
               150.0, runs, f"CPU {group['open_group_cpu_ms']:.0f} ms; first opening "
               f"{group['open_group_first_ms']:.0f} ms"),
    ]
    if suite:
        tests = suite_bench.measure()
        figures.append(Figure("test suite, README command", "-", tests.wall_s, "s", SUITE_TARGET,
                              1, f"{tests.cpu_s:.0f} s CPU; {tests.summary}"))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="run every tplan benchmark")
    parser.add_argument("--size", nargs="+", default=["counselor", "clinic"],
                        choices=["typical", "counselor", "clinic"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-suite", action="store_true",
                        help="skip timing the test suite (the slowest figure)")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    figures = run(args.size, args.runs, suite=not args.no_suite)
    print(f"\ntplan benchmarks, Python {platform.python_version()} on {platform.machine()}, "
          f"{args.runs} runs, medians ({time.perf_counter() - began:.0f} s in all)\n")
    print_table(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
