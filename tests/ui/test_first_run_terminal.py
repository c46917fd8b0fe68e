"""`tplan` on a real terminal with no name set anywhere asks for it before the screens open,
signs with it, and never asks again."""

from __future__ import annotations

from pathlib import Path

from pty_terminal import PtyTplan, on_the_demo

from tplan.services import FixedClock
from tplan.settings import load_settings


def test_the_first_start_asks_the_name_it_then_signs_with(
    db_path: Path, clock: FixedClock, demo_files, tmp_path: Path
) -> None:
    config = tmp_path / "config" / "settings.toml"

    def start() -> PtyTplan:
        return on_the_demo(db_path, clock, demo_files, config, start_screen="today", clinician="")

    with start() as terminal:
        terminal.expect(b"Your name as you sign it")
        terminal.press(b"Sam Ortiz, CADC\r")
        terminal.expect(b"Your role")
        terminal.press(b"\r")
        terminal.expect(b"Sam Ortiz, CADC")  # then Today, under the name it signs with
        terminal.press(b"q")
        assert terminal.wait_exit() == 0
    settings = load_settings(config, environ={})
    assert (settings.clinician, settings.role) == ("Sam Ortiz, CADC", "counselor")
    with start() as terminal:  # asked once: the next start opens at once
        terminal.expect(b"Sam Ortiz, CADC")
        assert b"Your name" not in terminal.seen
        terminal.press(b"q")
        assert terminal.wait_exit() == 0
