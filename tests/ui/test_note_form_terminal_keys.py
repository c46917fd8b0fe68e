"""The note form's jump keys as a real terminal sends them: xterm and tmux send alt+digit as ESC
then the digit, which Textual 8.2.8 reads as a macOS option character (ESC 2 -> "™"). Only the
real parser on a real pty can show that, so this drives the ``tplan`` command itself."""

from __future__ import annotations

from pathlib import Path

from pty_terminal import on_the_demo

from tplan.services import FixedClock
from tplan.store import open_repository

AVERY = "demo-avery-quill"
OPTION_CHARACTERS = "¡™£¢∞§"


def test_esc_digit_jumps_to_the_block_and_types_nothing_into_the_field(
    db_path: Path, clock: FixedClock, demo_files, tmp_path: Path
) -> None:
    with on_the_demo(db_path, clock, demo_files, tmp_path / "settings.toml") as terminal:
        terminal.expect(b"Avery Quill")
        terminal.press(b"/Avery")
        terminal.expect(b" 1 shown")
        terminal.press(b"\r")  # leave the filter: the table's keys are back in the footer
        terminal.expect("⏎".encode(), b"Open")
        terminal.press(b"n")
        terminal.expect(b"Data")
        terminal.press(b"\x1b2" + b"Reached by ESC 2")  # alt+2 in xterm: the note's text
        terminal.expect(b"Reached by ESC 2")
        terminal.press(b"\x1b3")  # alt+3: craving (the blocks below are shown)
        terminal.expect(b"Drug screen")
        terminal.press(b"7")
        terminal.expect(b"7")
        terminal.press(b"\x1b5")  # alt+5: the form scrolls down to PHQ-9 and GAD-7
        terminal.expect(b"PHQ-9")
        terminal.press(b"\x1b1")  # alt+1: back up to the session block
        terminal.expect(b"Date of service")
        terminal.press(b"\x13")  # ctrl+s saves the draft
        terminal.expect(b"caseload")  # the form closed: the note is saved
        terminal.press(b"\x11")  # ctrl+q
        assert terminal.wait_exit() == 0
    repo = open_repository(db_path, "reader", read_only=True)
    try:
        patient = repo.get(AVERY)
    finally:
        repo.close()
    note = next(n for n in patient.notes if n.sections.get("data") == "Reached by ESC 2")
    assert note.craving == 7
    assert note.measures == []
    assert not note.signed
    assert note.date_of_service == clock.today()
    written = " ".join([*note.sections.values(), note.risk_observations or ""])
    assert not any(character in written for character in OPTION_CHARACTERS)
