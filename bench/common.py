"""Helpers shared by the benchmark scripts: cached caseload files, medians, a printed table."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from generate import SIZES, write_caseload

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_CACHE = Path(os.environ.get("TPLAN_BENCH_CACHE", "/tmp/tplan-bench"))


def opened_as_the_app_opens(db: Path, who: str, *, read_only: bool = False):  # type: ignore[no-untyped-def]
    """The records opened as a tplan process opens them: it parses its records once, first,
    and that parse is frozen out of the cyclic collector's way
    (``tplan.store.bulk.parsing_records``). A benchmark opens the same file several times in
    one process; without this, every opening after the first would leave its parsed copy to
    each full collection (a patient plan's first opening at clinic size 480-780 ms instead of
    ~200 ms), which no counselor's session has."""
    from tplan.store import open_repository
    from tplan.store.bulk import paused_gc

    with paused_gc(freeze=True):
        return open_repository(db, who, read_only=read_only)


def caseload_file(size: str, cache: Path = DEFAULT_CACHE) -> Path:
    """The generated record file of ``size``, written once and reused (never modified)."""
    path = cache / f"{size}.json"
    if not path.exists():
        cache.mkdir(mode=0o700, parents=True, exist_ok=True)
        start = time.perf_counter()
        print(f"generating {size} caseload into {path} ...", file=sys.stderr, flush=True)
        partial = cache / f".{size}.partial.json"
        for leftover in (partial, cache / f".{size}.partial.json.lock"):
            leftover.unlink(missing_ok=True)
        write_caseload(SIZES[size], partial)
        partial.rename(path)
        for leftover in (cache / f".{size}.partial.json.bak", cache / f".{size}.partial.json.lock"):
            leftover.unlink(missing_ok=True)
        print(f"  done in {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    return path


def working_copy(size: str, directory: Path, cache: Path = DEFAULT_CACHE) -> Path:
    """A private copy of the cached file that a benchmark may write to."""
    source = caseload_file(size, cache)
    target = directory / f"{size}.json"
    target.write_bytes(source.read_bytes())
    target.chmod(0o600)
    return target


def size_runs_main(
    measure: Callable[[str, int], dict[str, float]],
    description: str,
    default_size: str,
    argv: list[str] | None,
    *,
    sizes: list[str] | None = None,
    digits: int = 1,
) -> int:
    """The command line of a benchmark measured per caseload size: ``--size``, ``--runs``, one
    ``size key: value`` line per figure."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--size", default=default_size, choices=sizes)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    for key, value in measure(args.size, args.runs).items():
        print(f"{args.size} {key}: {value:.{digits}f}")
    return 0


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def timed(function: Callable[[], object]) -> float:
    """Seconds one call takes."""
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


@dataclass(frozen=True)
class Figure:
    benchmark: str
    size: str
    value: float
    unit: str
    target: float | None = None
    runs: int = 0
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        return "ok" if self.value <= self.target else "MISSED"


def ms(seconds: float) -> float:
    return seconds * 1000


def print_table(figures: list[Figure], out=sys.stdout) -> None:
    """Figures as an aligned Markdown table (paste-ready for the README)."""
    header = ("benchmark", "size", "median", "target", "", "runs", "note")
    rows = [
        (
            f.benchmark,
            f.size,
            f"{f.value:,.1f} {f.unit}" if f.unit != "x" else f"{f.value:.2f}x",
            "" if f.target is None else (f"<= {f.target:g} {f.unit}" if f.unit != "x"
                                          else f"<= {f.target:g}x"),
            f.verdict,
            str(f.runs or ""),
            f.note,
        )
        for f in figures
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    print(line(header), file=out)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|", file=out)
    for row in rows:
        print(line(row), file=out)
    out.flush()
