"""The first start without a name to sign with asks for it once and keeps it in the settings
file: notes are never signed with the computer's account ("root") unless the person declines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tplan.first_run import ask_who_signs
from tplan.settings import Settings, load_settings


def answers(*typed: str):
    """An ``input`` that gives these answers in turn, then the end of input."""
    given: Iterator[str] = iter(typed)
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        try:
            return next(given)
        except StopIteration:
            raise EOFError from None

    ask.prompts = prompts  # type: ignore[attr-defined]
    return ask


def test_the_name_and_role_asked_are_kept_in_the_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.toml"
    said: list[str] = []
    ask = answers("", "J. Park\x1b[31m", "J. Park, LADC", "nurse", "Supervisor")
    settings = ask_who_signs(Settings(), path, ask, said.append)
    assert settings is not None
    assert (settings.clinician, settings.role) == ("J. Park, LADC", "supervisor")
    assert "  tplan needs the name you sign with" in said  # an empty answer is asked again
    assert any("printable name" in line for line in said)  # a terminal escape is refused
    assert "  choose counselor or supervisor" in said
    stored = load_settings(path, environ={})
    assert (stored.clinician, stored.role) == ("J. Park, LADC", "supervisor")
    assert stored.sources["clinician"] == str(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert "# theme" in path.read_text()  # the rest of the template stays, for editing


def test_an_existing_settings_file_keeps_its_other_lines(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('theme = "light"\n# a note of mine\nclinician = ""\n')
    ask_who_signs(Settings(), path, answers("Kim Lee", ""), lambda _: None)
    assert path.read_text() == (
        'theme = "light"\n# a note of mine\nclinician = "Kim Lee"\nrole = "counselor"\n'
    )


@pytest.mark.parametrize("typed", [(), ("J. Park",)])
def test_ending_the_input_saves_nothing_and_signs_as_the_account(
    tmp_path: Path, typed: tuple[str, ...]
) -> None:
    path = tmp_path / "settings.toml"
    said: list[str] = []
    assert ask_who_signs(Settings(), path, answers(*typed), said.append) is None
    assert not path.exists()
    assert said[-1].startswith("\nNothing saved: this run signs as ")


def test_a_settings_file_that_cannot_be_written_still_signs_this_run_with_the_name(
    tmp_path: Path,
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the settings folder should be")
    said: list[str] = []
    settings = ask_who_signs(Settings(), blocked / "settings.toml", answers("Kim Lee", ""),
                             said.append)
    assert settings is not None and settings.clinician == "Kim Lee"
    assert said[-1].startswith(f"Could not save it in {blocked / 'settings.toml'} (")
    assert said[-1].endswith("this run signs as Kim Lee, and the next start asks again.")
