"""Start to interactive caseload, as a whole process, against a bare Textual app.

Each run starts a fresh Python process on a real pseudo-terminal (120x40) and measures the wall
time from spawning it to the moment the first screen update *with the caseload rows* has been
painted (``call_after_refresh`` after the rows arrived). The bare app shows one Label and is
measured the same way in the same run, so the ratio cancels out the machine's speed.

The probe goes through ``tplan.cli.main`` (argument parsing, opening and validating the file,
the engine per active patient, the first paint); it also reports the process's peak memory
(``ru_maxrss``) at that moment and after saving one progress note.

    python bench/startup.py [--size counselor] [--runs 5]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

COLUMNS, ROWS = 120, 40


# --- the child side ---------------------------------------------------------------------------


def _mark(path: str, extra: str = "") -> None:
    import resource

    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"{time.time()!r} {peak_kb} {extra}\n")


def probe_bare(mark: str) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Label("tplan")

        def on_mount(self) -> None:
            self.call_after_refresh(self._painted)

        def _painted(self) -> None:
            _mark(mark)
            self.exit()

    Bare().run()


def probe_tplan(mark: str, db: str, as_of: str) -> None:
    from tplan.cli import main
    from tplan.ui.screens.caseload import CaseloadScreen

    loaded = CaseloadScreen._loaded

    def _loaded(self: CaseloadScreen, lines: list) -> None:  # type: ignore[type-arg]
        loaded(self, lines)
        self.app.call_after_refresh(_painted, self)

    def _painted(screen: CaseloadScreen) -> None:
        rows = len(screen.table.lines)
        _mark(mark, f"rows={rows}")
        _save_one_note(screen)
        _mark(mark, "after-save")
        screen.app.exit()

    CaseloadScreen._loaded = _loaded  # type: ignore[method-assign]
    main(["--db", db, "--as-of", as_of, "--clinician", "bench"])


def _save_one_note(screen: object) -> None:
    """Save one draft note, as the note form would (for the peak memory of a save)."""
    from datetime import timedelta

    from tplan.domain import Attendance, ProgressNote, SessionType

    workspace = screen.app.workspace  # type: ignore[attr-defined]
    patient = workspace.patients()[0]
    now = workspace.clock.now()
    note = ProgressNote(
        date_of_service=now.date() - timedelta(days=0),
        written_at=now,
        session_type=SessionType.GROUP,
        attendance=Attendance.ATTENDED,
        sections={"data": "bench note", "assessment": "steady", "plan": "continue"},
        author="bench",
    )
    workspace.save_draft(patient.id, note)


# --- the parent side --------------------------------------------------------------------------


def _drain(fd: int) -> None:
    while True:
        try:
            if not os.read(fd, 65536):
                return
        except OSError:
            return


def run_once(args: list[str], mark: Path) -> list[tuple[float, int, str]]:
    """Spawn one probe on a fresh pty; return its marks as (seconds since spawn, KB, extra)."""
    mark.unlink(missing_ok=True)
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(ROWS)}
    env.pop("TEXTUAL", None)
    drain = threading.Thread(target=_drain, args=(master,), daemon=True)
    drain.start()
    started = time.time()
    proc = subprocess.Popen(
        [sys.executable, __file__, *args, "--mark", str(mark)],
        stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
    )
    os.close(slave)
    try:
        proc.wait(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    if proc.returncode != 0 or not mark.exists():
        raise RuntimeError(f"probe {args[:2]} failed with exit code {proc.returncode}")
    marks = []
    for line in mark.read_text().splitlines():
        stamp, peak, *extra = line.split(" ", 2)
        marks.append((float(stamp) - started, int(peak), " ".join(extra)))
    return marks


def measure(size: str, runs: int) -> dict[str, float]:
    """Median start times (s), their ratio, and peak memory (MB) of ``size``."""
    from common import DEFAULT_CACHE, caseload_file, median
    from generate import ANCHOR

    source = caseload_file(size, DEFAULT_CACHE)
    bare: list[float] = []
    tplan: list[float] = []
    peaks: list[int] = []
    peaks_saved: list[int] = []
    bare_peaks: list[int] = []
    with tempfile.TemporaryDirectory(prefix="tplan-bench-") as tmp:
        db = Path(tmp) / "start.json"
        mark = Path(tmp) / "mark.txt"
        db.write_bytes(source.read_bytes())
        db.chmod(0o600)
        for _ in range(runs):  # alternate, so that machine load hits both alike
            (b,) = run_once(["--probe", "bare"], mark)
            bare.append(b[0])
            bare_peaks.append(b[1])
            painted, saved = run_once(
                ["--probe", "tplan", "--db", str(db), "--as-of", ANCHOR.isoformat()], mark
            )
            tplan.append(painted[0])
            peaks.append(painted[1])
            peaks_saved.append(saved[1])
    return {
        "bare_s": median(bare),
        "tplan_s": median(tplan),
        "ratio": median(t / b for t, b in zip(tplan, bare, strict=True)),
        "peak_mb": max(peaks) / 1024,
        "peak_saved_mb": max(peaks_saved) / 1024,
        "bare_peak_mb": max(bare_peaks) / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="start to interactive caseload")
    parser.add_argument("--probe", choices=["bare", "tplan"])
    parser.add_argument("--db")
    parser.add_argument("--as-of")
    parser.add_argument("--mark")
    parser.add_argument("--size", default="counselor")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if args.probe == "bare":
        probe_bare(args.mark)
        return 0
    if args.probe == "tplan":
        probe_tplan(args.mark, args.db, args.as_of)
        return 0
    result = measure(args.size, args.runs)
    for key, value in result.items():
        print(f"{args.size} {key}: {value:.3f}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
