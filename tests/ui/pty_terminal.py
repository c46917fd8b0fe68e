"""The real ``tplan`` command on a pseudo-terminal, for the few tests where the terminal itself
is the point (the driver, a second process); everything else drives the app with Pilot."""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from tplan.services import FixedClock

DEADLINE_S = 60.0


class PtyTplan:
    """``python -m tplan.cli *args`` on an 80x24 pty; ``with`` kills it if a test fails."""

    def __init__(self, args: Sequence[str], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.modes_before = termios.tcgetattr(slave)
        self.terminal = os.dup(slave)  # kept open to read the modes it is left in
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tplan.cli", *args],
            stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
            env={**os.environ, "TERM": "xterm-256color", **env},
        )
        os.close(slave)
        self.seen = b""
        self.since = 0
        """Where the output after the last key pressed starts in ``seen``."""
        self.deadline = time.monotonic() + DEADLINE_S

    def expect(self, *needles: bytes) -> None:
        """Read on until every needle has been painted since the last key pressed."""
        while not all(needle in self.seen[self.since:] for needle in needles):
            assert self.proc.poll() is None, f"tplan exited before painting {needles}"
            assert time.monotonic() < self.deadline, f"{needles} never painted"
            self._read(0.2)

    def press(self, keys: bytes) -> None:
        """Type ``keys`` in one write, as a terminal delivers a fast typist's keys."""
        while self._read(0):  # what was painted before does not answer the next expect
            pass
        self.since = len(self.seen)
        os.write(self.master, keys)

    def wait_exit(self) -> int:
        """The exit code, reading on meanwhile (a full terminal would block the last paint)."""
        while self.proc.poll() is None:
            assert time.monotonic() < self.deadline, "tplan did not quit"
            try:
                self._read(0.2)
            except OSError:  # the terminal closed with the process
                break
        return self.proc.wait(timeout=30)

    def modes_now(self) -> list[object]:
        return termios.tcgetattr(self.terminal)

    def _read(self, timeout: float) -> bool:
        if not select.select([self.master], [], [], timeout)[0]:
            return False
        self.seen += os.read(self.master, 65536)
        return True

    def __enter__(self) -> PtyTplan:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)
        os.close(self.terminal)


def on_the_demo(
    db_path: Path,
    clock: FixedClock,
    demo_files: Any,
    config: Path,
    *,
    start_screen: str = "caseload",
    clinician: str = "J. Park",
) -> PtyTplan:
    """``tplan`` on a copy of the demo caseload as of the tests' day, with its own settings
    file (``clinician`` "" leaves the name unset, as on a first start)."""
    demo_files.copy_to(db_path, clock, sessions=False)
    args = ("--db", str(db_path), "--as-of", clock.today().isoformat(),
            "--start-screen", start_screen)
    return PtyTplan(args, {"TPLAN_CLINICIAN": clinician, "TPLAN_CONFIG": str(config)})
