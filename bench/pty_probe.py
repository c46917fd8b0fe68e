"""Drive a real terminal program on a pseudo-terminal and time what it paints.

The probe runs nothing inside the measured process: it spawns the program unmodified on a pty,
reads what the program writes to the terminal until a pattern shows up, writes keys as a
terminal would, and reads the process's peak memory from ``VmHWM`` in ``/proc/<pid>/status``
(``ru_maxrss`` of a child carries the parent's peak: a forked probe inherits it).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from pathlib import Path

COLUMNS, ROWS = 120, 40
ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]")
"""CSI sequences, charset selections and the few two-byte escapes Textual writes."""


def peak_kb(pid: int) -> int:
    """``VmHWM`` of ``pid`` (the highest resident set it reached), in KB; 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) if match else 0


class Terminal:
    """One program on a fresh 120x40 pty; times are seconds from the spawn."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        full_env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(COLUMNS),
                    "LINES": str(ROWS), **(env or {})}
        full_env.pop("TEXTUAL", None)
        # an installed tplan runs from compiled bytecode, as the bare app's Textual does (pip
        # compiles at install); an editable checkout under PYTHONDONTWRITEBYTECODE would compile
        # every tplan module on every start and measure the compiler
        full_env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.master = master
        self.screen = b""  # what was painted since the last ``expect``, escapes removed
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=full_env, start_new_session=True
        )
        os.close(slave)
        self.peak = 0

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def expect(self, pattern: bytes, timeout: float = 120.0) -> float:
        """Read until ``pattern`` (a regex on the text without escapes) is painted; return when."""
        wanted = re.compile(pattern)
        raw = b""
        deadline = time.perf_counter() + timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"{pattern!r} never painted; last: {self.screen[-400:]!r}")
            ready, _, _ = select.select([self.master], [], [], min(remaining, 1.0))
            if not ready:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"the program exited with {self.proc.returncode} before "
                                       f"painting {pattern!r}: {self.screen[-400:]!r}")
                continue
            try:
                chunk = os.read(self.master, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                code = self.proc.wait()
                raise RuntimeError(f"the program exited ({code}) before {pattern!r} was "
                                   f"painted; last: {self.screen[-400:]!r}")
            seen = self.elapsed()
            raw += chunk
            self.screen = ESCAPES.sub(b"", raw)
            if wanted.search(self.screen):
                self.peak = max(self.peak, peak_kb(self.proc.pid))
                return seen

    def press(self, keys: bytes) -> float:
        """Write keys as the terminal would; returns the moment they were written."""
        self.screen = b""
        os.write(self.master, keys)
        return self.elapsed()

    def cpu_ticks(self) -> int:
        """User + system CPU time the process has used so far, in clock ticks."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0
        return int(fields[11]) + int(fields[12])

    def wait_idle(self, quiet: float = 0.3, timeout: float = 120.0) -> float:
        """Wait until the process has used (almost) no CPU for ``quiet`` seconds, draining what
        it paints meanwhile; return when it last worked (its background loading is done)."""
        deadline = time.perf_counter() + timeout
        last_ticks, last_busy = self.cpu_ticks(), self.elapsed()
        while self.elapsed() - last_busy < quiet:
            if time.perf_counter() > deadline:
                raise TimeoutError("the program never went idle")
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                with contextlib.suppress(OSError):
                    os.read(self.master, 1 << 16)
            ticks = self.cpu_ticks()
            if ticks - last_ticks > 1:  # one tick (10 ms) in a window is a timer, not work
                last_ticks, last_busy = ticks, self.elapsed()
        self.peak = max(self.peak, peak_kb(self.proc.pid))
        return last_busy

    def wait_exit(self, timeout: float = 120.0) -> float:
        """Drain the terminal until the process exits, sampling its peak memory; return when."""
        deadline = time.perf_counter() + timeout
        while self.proc.poll() is None:
            self.peak = max(self.peak, peak_kb(self.proc.pid))
            if time.perf_counter() > deadline:
                raise TimeoutError("the program did not exit")
            ready, _, _ = select.select([self.master], [], [], 0.005)
            if ready:
                with contextlib.suppress(OSError):
                    os.read(self.master, 1 << 16)
        return self.elapsed()

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        os.close(self.master)
