"""Run every benchmark and print one table of medians against the issue's targets.

    python bench/run.py [--size counselor clinic] [--runs 5]

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
import plan as plan_bench
import save as save_bench
import startup as startup_bench
from common import Figure, print_table

START_TARGET = {"counselor": 2.0, "clinic": 4.0}
SAVE_TARGETS = {"typical": (30.0, 16.0), "counselor": (150.0, 50.0)}
FILTER_TARGETS = {500: 16.0, 5000: 50.0}


def run(sizes: list[str], runs: int) -> list[Figure]:
    figures: list[Figure] = []
    for size in sizes:
        start = startup_bench.measure(size, runs)
        figures += [
            Figure("start to caseload / bare app", size, start["ratio"], "x",
                   START_TARGET.get(size), runs,
                   f"tplan {start['tplan_s']:.2f} s, bare {start['bare_s']:.2f} s"),
            Figure("peak memory at first paint", size, start["peak_mb"], "MB", None, runs,
                   f"bare app {start['bare_peak_mb']:.0f} MB"),
            Figure("peak memory after a save", size, start["peak_saved_mb"], "MB", None, runs),
        ]
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
    for size in sizes:
        plan = plan_bench.measure(size, runs)
        figures.append(Figure("open a patient plan", size, plan["open_plan_ms"], "ms", 100.0,
                              runs, f"{plan['plan_widgets']:.0f} widgets"))
        figures.append(Figure("all suggestions", size, plan["suggest_all_ms"], "ms",
                              500.0 if size == "clinic" else None, runs,
                              f"{plan['active']:.0f} active patients"))
        for fmt in ("md", "html", "json", "fhir"):
            figures.append(Figure(f"export {fmt} (render + file + log)", size,
                                  plan[f"export_{fmt}_ms"], "ms", 200.0, runs,
                                  f"render alone {plan[f'render_{fmt}_ms']:.1f} ms"))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="run every tplan benchmark")
    parser.add_argument("--size", nargs="+", default=["counselor", "clinic"],
                        choices=["typical", "counselor", "clinic"])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    figures = run(args.size, args.runs)
    print(f"\ntplan benchmarks, Python {platform.python_version()} on {platform.machine()}, "
          f"{args.runs} runs, medians ({time.perf_counter() - began:.0f} s in all)\n")
    print_table(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
