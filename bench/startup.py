"""Start, the note form, and close after a save: the real ``tplan`` on a pty, against a bare app.

Each run spawns, on a fresh 120x40 pseudo-terminal, first a bare Textual app (one Label) and
then ``python -m tplan.cli`` on a private copy of the caseload, both unmodified; a probe that
does nothing else (bench/pty_probe.py) reads what they paint:

- start: spawn -> the first caseload row painted (a review date like ``in 4 d``), or for an
  empty file the "No patients yet" line; the bare app's start is spawn -> its label painted;
  the ratio is taken per run, so machine load hits both sides alike;
- settled: when the process stops working after the first paint (the workspace, the engine's
  rows and the summaries written back; read from its CPU time in ``/proc/<pid>/stat``);
- note form: ``n`` written once the app has settled -> the form's title painted;
- close after a save: ``t`` (today as the date of service) and ``ctrl+s`` save a draft, the
  caseload comes back, then ``q`` written -> the process has exited; beside it the bare app's
  own close (``ctrl+q`` once idle -> gone): Textual's driver joins an input thread that polls
  every 100 ms and selects once more for 100 ms after it is told to stop (~200 ms), which
  tplan's driver (tplan/ui/compat.py) does not wait for;
- peak memory: ``VmHWM`` of the tplan process itself, read at first paint, after the save and
  sampled every 5 ms until it exits (``ru_maxrss`` would carry the parent's peak).

The copy holds the caseload summaries a session of this tplan leaves in its file (computed
once per measurement, as of the bench's day): the caseload paints from them, as it does every
day but the very first on a file written by an older tplan.

    python bench/startup.py [--size counselor] [--runs 5]
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pty_probe import Terminal

BARE_LABEL = "bare Textual app ready"
BARE_APP = f"""
from textual.app import App
from textual.widgets import Label

class Bare(App):
    def compose(self):
        yield Label({BARE_LABEL!r})

Bare().run()
"""
ROW = rb"in \d+ d|OVERDUE"
EMPTY = rb"No patients yet"
NOTE_FORM = rb"New progress note"
CASELOAD_FOOTER = rb"Quick filter"
CTRL_S = b"\x13"
CTRL_Q = b"\x11"


@dataclass(frozen=True)
class Run:
    bare_s: float
    bare_peak_kb: int
    bare_close_s: float
    start_s: float
    peak_painted_kb: int
    settled_s: float = 0.0
    note_form_s: float = 0.0
    peak_saved_kb: int = 0
    close_s: float = 0.0
    peak_kb: int = 0


def bare() -> tuple[float, int, float]:
    """The bare app's start, peak memory and close (``ctrl+q`` once idle -> process gone):
    Textual's own floor, which tplan's figures stand on."""
    terminal = Terminal([sys.executable, "-c", BARE_APP])
    try:
        painted = terminal.expect(BARE_LABEL.encode())
        peak = terminal.peak
        terminal.wait_idle()
        quit_at = terminal.press(CTRL_Q)
        return painted, peak, terminal.wait_exit() - quit_at
    finally:
        terminal.close()


def tplan(db: Path, as_of: str, *, empty: bool = False) -> Run:
    """One whole session: start, (with rows) open the note form, save a draft, quit."""
    bare_s, bare_peak, bare_close = bare()
    terminal = Terminal([sys.executable, "-m", "tplan.cli", "--db", str(db), "--as-of", as_of,
                         "--clinician", "bench", "--start-screen", "caseload"],
                        env={"TPLAN_CONFIG": str(db.parent / "settings.toml")})
    try:
        start = terminal.expect(EMPTY if empty else ROW)
        painted_peak = terminal.peak
        if empty:
            return Run(bare_s, bare_peak, bare_close, start, painted_peak)
        settled = terminal.wait_idle()
        pressed = terminal.press(b"n")
        note_form = terminal.expect(NOTE_FORM) - pressed
        terminal.press(b"t" + CTRL_S)
        terminal.expect(CASELOAD_FOOTER)
        saved_peak = terminal.peak
        quit_at = terminal.press(b"q")
        close = terminal.wait_exit() - quit_at
        if terminal.proc.returncode != 0:
            raise RuntimeError(f"tplan exited with {terminal.proc.returncode}")
        return Run(bare_s, bare_peak, bare_close, start, painted_peak, settled, note_form,
                   saved_peak, close, terminal.peak)
    finally:
        terminal.close()


def with_summaries(source: Path, target: Path, as_of: date) -> Path:
    """A copy of ``source`` holding every active patient's caseload summary as of ``as_of``."""
    from tplan.services import FixedClock, Workspace
    from tplan.store import open_store

    target.parent.mkdir(mode=0o700, exist_ok=True)
    target.write_bytes(source.read_bytes())
    target.chmod(0o600)
    workspace = Workspace(open_store(target, "bench"), FixedClock(as_of), clinician="bench")
    try:
        workspace.refresh_caseload_summaries(as_of)
    finally:
        workspace.close()
    return target


def compiled_like_an_install() -> None:
    """Byte-compile tplan as ``pip install`` does, so the measured start reads bytecode."""
    import compileall

    import tplan

    compileall.compile_dir(Path(tplan.__file__).parent, quiet=1)


def measure(size: str, runs: int) -> dict[str, float]:
    """Medians of ``runs`` sessions on ``size`` ("empty" = a file that does not exist yet)."""
    from common import DEFAULT_CACHE, caseload_file, median
    from generate import ANCHOR

    empty = size == "empty"
    source = None if empty else caseload_file(size, DEFAULT_CACHE)
    compiled_like_an_install()
    results: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="tplan-bench-") as tmp:
        if source is not None:
            source = with_summaries(source, Path(tmp) / "prepared" / "start.json", ANCHOR)
        for n in range(runs):
            db = Path(tmp) / f"run{n}" / "start.json"
            db.parent.mkdir(mode=0o700)
            if source is not None:
                db.write_bytes(source.read_bytes())  # a fresh copy: every close starts alike
                db.chmod(0o600)
            results.append(tplan(db, ANCHOR.isoformat(), empty=empty))
        file_mb = 0.0 if source is None else source.stat().st_size / 2**20
    figures = {
        "bare_s": median(r.bare_s for r in results),
        "tplan_s": median(r.start_s for r in results),
        "ratio": median(r.start_s / r.bare_s for r in results),
        "bare_peak_mb": max(r.bare_peak_kb for r in results) / 1024,
        "peak_painted_mb": max(r.peak_painted_kb for r in results) / 1024,
        "file_mb": file_mb,
    }
    if not empty:
        figures |= {
            "settled_s": median(r.settled_s for r in results),
            "note_form_ms": 1000 * median(r.note_form_s for r in results),
            "close_ms": 1000 * median(r.close_s for r in results),
            "bare_close_ms": 1000 * median(r.bare_close_s for r in results),
            "peak_saved_mb": max(r.peak_saved_kb for r in results) / 1024,
            "peak_mb": max(r.peak_kb for r in results) / 1024,
        }
    return figures


def main(argv: list[str] | None = None) -> int:
    from common import size_runs_main

    return size_runs_main(measure, "start, note form and close, on a pty", "counselor", argv,
                          sizes=["empty", "typical", "counselor", "clinic"], digits=3)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
