"""Settings: one TOML file, overridden by TPLAN_* variables and then by flags."""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path

import pytest

from tplan.cli import main
from tplan.settings import Settings, SettingsError, load_settings, write_template


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "missing.toml", environ={})
    assert settings == Settings()
    assert settings.path is None
    assert set(settings.sources.values()) == {"default"}
    assert settings.start_screen == "today" and settings.note_format == "DAP"


def test_file_then_environment_then_flags(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", 'theme = "light"\nnote_format = "birp"\nrole = "supervisor"\n'
                 'start_screen = "caseload"\nclinician = "J. Park"\n')
    env = {"TPLAN_NOTE_FORMAT": "SOAP", "TPLAN_ROLE": "counselor"}
    settings = load_settings(path, environ=env, overrides={"role": "supervisor", "theme": None})
    assert settings.theme == "light" and settings.sources["theme"] == str(path)
    assert settings.note_format == "SOAP" and settings.sources["note_format"] == "environment"
    assert settings.role == "supervisor" and settings.sources["role"] == "command line"
    assert settings.start_screen == "caseload"
    assert settings.display_clinician == "J. Park"
    assert settings.path == path


def test_refusing_warnings_from_a_list_or_a_comma_separated_variable(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", 'refuse_warnings = ["group_confidentiality"]\n')
    assert load_settings(path, environ={}).refuses("group_confidentiality")
    env = {"TPLAN_REFUSE_WARNINGS": "past_target_date, group_confidentiality"}
    settings = load_settings(path, environ=env)
    assert settings.refuse_warnings == ("past_target_date", "group_confidentiality")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('bogus = 1\n', "unknown setting 'bogus'"),
        ('theme = "purple"\n', "theme must be one of dark, light"),
        ('requires_cosignature = "maybe"\n', "requires_cosignature must be true or false"),
        ('refuse_warnings = ["nope"]\n', "unknown warning 'nope'"),
        ('privacy_after_minutes = -1\n', "between 0 and 1440"),
        ('clinician = "J.\\u001b]0;x\\u0007 Park"\n', "printable name"),
        ('clinician = "Avery\\u200b Quill"\n', "printable name"),
        ('theme = \n', "not valid TOML"),
    ],
)
def test_a_bad_file_is_refused_by_name_and_reason(tmp_path: Path, text: str, says: str) -> None:
    path = write(tmp_path / "s.toml", text)
    with pytest.raises(SettingsError) as caught:
        load_settings(path, environ={})
    assert says in str(caught.value)
    assert str(path) in str(caught.value)


def test_a_bad_variable_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="TPLAN_START_SCREEN"):
        load_settings(tmp_path / "none.toml", environ={"TPLAN_START_SCREEN": "plan"})


def test_the_template_is_private_commented_and_loads_as_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "settings.toml"
    write_template(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert load_settings(path, environ={}) == replace(Settings(), path=path)
    with pytest.raises(FileExistsError):
        write_template(path)


def test_version_answers(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("tplan ")


def test_settings_command_shows_sources_and_refuses_bad_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "s.toml", 'theme = "light"\n')
    monkeypatch.setenv("TPLAN_NOTE_FORMAT", "BIRP")
    assert main(["settings", "--config", str(path), "--start-screen", "caseload"]) == 0
    out = capsys.readouterr().out
    assert f'theme = "light"  # {path}' in out
    assert 'note_format = "BIRP"  # environment' in out
    assert 'start_screen = "caseload"  # command line' in out

    write(path, "colour = 'red'\n")
    assert main(["settings", "--config", str(path)]) == 1
    assert "unknown setting 'colour'" in capsys.readouterr().err


def test_settings_init_writes_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "conf" / "settings.toml"
    assert main(["settings", "--init", "--config", str(path)]) == 0
    assert path.is_file()
    assert main(["settings", "--init", "--config", str(path)]) == 1
    assert "never overwrites" in capsys.readouterr().err


def test_the_default_clinician_is_the_uid_account_not_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import pwd

    monkeypatch.setenv("USER", "chief.medical.officer")
    monkeypatch.setenv("LOGNAME", "chief.medical.officer")
    settings = load_settings(tmp_path / "none.toml", environ={})
    assert settings.display_clinician == pwd.getpwuid(os.getuid()).pw_name


def test_the_export_folder_defaults_to_a_private_data_folder_and_is_settable(
    tmp_path: Path,
) -> None:
    from tplan.settings import default_export_folder

    default = load_settings(tmp_path / "missing.toml", environ={})
    assert default.exports_dir == default_export_folder()
    assert default.exports_dir.name == "tplan-exports" and default.exports_dir.is_absolute()
    path = write(tmp_path / "s.toml", 'export_folder = "~/clinic-exports"\n')
    assert load_settings(path, environ={}).exports_dir == Path.home() / "clinic-exports"
    env = {"TPLAN_EXPORT_FOLDER": str(tmp_path / "out")}
    assert load_settings(path, environ=env).exports_dir == tmp_path / "out"
    relative = write(tmp_path / "r.toml", 'export_folder = "exports"\n')
    with pytest.raises(SettingsError, match="export_folder must be an absolute folder path"):
        load_settings(relative, environ={})
