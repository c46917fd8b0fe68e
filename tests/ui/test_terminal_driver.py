"""tplan runs on Textual's terminal driver with an input thread that ends at once when it quits
(tplan/ui/compat.py: PromptExitDriver; bench/startup.py measures the close). On a real
pseudo-terminal: keys still reach the app in order (typed at once, as a terminal delivers a
fast typist's keys), and quitting leaves the terminal as it found it."""

from __future__ import annotations

from pathlib import Path

from pty_terminal import on_the_demo

from tplan.services import FixedClock
from tplan.ui.app import make_app
from tplan.ui.compat import PromptExitDriver


def test_tplan_runs_on_the_driver_that_quits_at_once(workspace) -> None:
    assert make_app(workspace).driver_class is PromptExitDriver


def test_keys_reach_tplan_and_quitting_restores_the_terminal(
    db_path: Path, clock: FixedClock, demo_files, tmp_path: Path
) -> None:
    with on_the_demo(db_path, clock, demo_files, tmp_path / "settings.toml") as terminal:
        terminal.expect(b"Avery Quill", b"Bo Marchetti")
        terminal.press(b"/Fenwick")  # at once, as one read: `n` must not open a note form
        terminal.expect(b"1 shown")
        terminal.press(b"\r")  # leave the filter: the table's keys are back in the footer
        terminal.expect("⏎".encode(), b"Open")
        terminal.press(b"\r")  # open the one row left
        terminal.expect(b"patient plan", b"Opioid use disorder")  # Dara's
        terminal.press(b"q")
        assert terminal.wait_exit() == 0
        assert b"New progress note" not in terminal.seen
        assert terminal.modes_now() == terminal.modes_before
