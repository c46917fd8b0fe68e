"""What a counselor sets once: one TOML file in the user config directory.

The file (``settings.toml`` in ``platformdirs.user_config_path("tplan")``, or ``$TPLAN_CONFIG``)
holds personal choices; the clinic's rules stay in the policy file. Every setting can be
overridden for one run, first by a ``TPLAN_*`` environment variable, then by a command-line flag:

    defaults < settings file < TPLAN_* variables < flags

This module stays free of pydantic and of the domain so that reading it costs nothing at
start-up; its values are plain strings, booleans and numbers checked here.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from platformdirs import user_config_path, user_data_path

SETTINGS_FILE_NAME = "settings.toml"
EXPORTS_FOLDER_NAME = "tplan-exports"

ROLES = ("counselor", "supervisor")
START_SCREENS = ("today", "caseload")
THEMES = ("dark", "light")
NOTE_FORMATS = ("DAP", "BIRP", "SOAP")
WARNINGS = {
    "group_confidentiality": "a group note's text names another member of the roster",
    "past_target_date": "an objective's target date is already past",
}
"""Warnings a counselor may turn into refusals (``refuse_warnings``), with what they mean."""


class SettingsError(ValueError):
    """A settings file or value that cannot be used; the message names where and why."""


@dataclass(frozen=True)
class Settings:
    """The effective settings of one run; ``sources`` says where each value came from."""

    clinician: str = ""
    """Name recorded in the audit trail and used by the "mine" filter (default: OS user)."""
    role: str = "counselor"
    requires_cosignature: bool = False
    """The clinician's signed notes wait for a supervisor's co-signature."""
    start_screen: str = "today"
    theme: str = "dark"
    note_format: str = "DAP"
    refuse_warnings: tuple[str, ...] = ()
    privacy_after_minutes: float = 10.0
    """Idle minutes before names turn to initials by themselves; 0 turns that off."""
    export_folder: str = ""
    """Where exports go unless another file is named ("": ``default_export_folder()``)."""
    path: Path | None = None
    """The settings file that was read (None if there was none)."""
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)

    def refuses(self, warning: str) -> bool:
        """Whether ``warning`` (a key of WARNINGS) refuses instead of asking."""
        return warning in self.refuse_warnings

    @property
    def display_clinician(self) -> str:
        return self.clinician or account_name()

    @property
    def exports_dir(self) -> Path:
        """The folder exports go to by default (created 0700 by the export that needs it)."""
        return Path(self.export_folder).expanduser() if self.export_folder else (
            default_export_folder()
        )


def default_export_folder() -> Path:
    """``tplan-exports`` in the user data directory: private to the account and outside the
    folders desktop sync services copy off the machine (Documents often is one)."""
    return user_data_path("tplan", appauthor=False) / EXPORTS_FOLDER_NAME


def account_name() -> str:
    """The account this process runs as, from its uid: ``$USER`` can be set to anything."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return f"uid {os.getuid()}"


_KEYS = tuple(f.name for f in fields(Settings) if f.name not in ("path", "sources"))
ENV_VARIABLES = {key: f"TPLAN_{key.upper()}" for key in _KEYS}


def default_settings_path() -> Path:
    """``$TPLAN_CONFIG``, else ``settings.toml`` in the user config directory."""
    env = os.environ.get("TPLAN_CONFIG")
    if env:
        return Path(env).expanduser()
    return user_config_path("tplan", appauthor=False) / SETTINGS_FILE_NAME


def _choice(key: str, value: Any, choices: tuple[str, ...]) -> str:
    text = str(value).strip()
    for choice in choices:
        if text.lower() == choice.lower():
            return choice
    raise SettingsError(f"{key} must be one of {', '.join(choices)}")


def _bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{key} must be true or false")


def _warnings(key: str, value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else str(value).split(",")
    names = tuple(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))
    unknown = [name for name in names if name not in WARNINGS]
    if unknown:
        raise SettingsError(
            f"{key}: unknown warning {unknown[0]!r} (known: {', '.join(WARNINGS)})"
        )
    return names


def _minutes(key: str, value: Any) -> float:
    try:
        minutes = float(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{key} must be a number of minutes") from None
    if not 0 <= minutes <= 24 * 60:
        raise SettingsError(f"{key} must be between 0 and 1440 minutes")
    return minutes


def _clinician(key: str, value: Any) -> str:
    text = str(value).strip()
    if len(text) > 120 or any(not ch.isprintable() for ch in text):
        raise SettingsError(f"{key} must be a printable name of at most 120 characters")
    return text


def _folder(key: str, value: Any) -> str:
    text = str(value).strip()
    if len(text) > 1024 or any(not ch.isprintable() for ch in text):
        raise SettingsError(f"{key} must be a folder path of at most 1024 printable characters")
    if text and not Path(text).expanduser().is_absolute():
        raise SettingsError(f"{key} must be an absolute folder path (or start with ~)")
    return text


_CHECKS = {
    "clinician": _clinician,
    "role": lambda key, value: _choice(key, value, ROLES),
    "requires_cosignature": _bool,
    "start_screen": lambda key, value: _choice(key, value, START_SCREENS),
    "theme": lambda key, value: _choice(key, value, THEMES),
    "note_format": lambda key, value: _choice(key, value, NOTE_FORMATS),
    "refuse_warnings": _warnings,
    "privacy_after_minutes": _minutes,
    "export_folder": _folder,
}


def _read_file(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise SettingsError(f"settings file {path}: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"settings file {path} is not valid TOML: {exc}") from None
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise SettingsError(
            f"settings file {path}: unknown setting {unknown[0]!r} (known: {', '.join(_KEYS)})"
        )
    return data


def load_settings(
    path: Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """The effective settings: defaults, then the file, then ``TPLAN_*``, then ``overrides``.

    ``overrides`` are the command-line flags (None values are ignored). Raises SettingsError
    with the file or variable and the reason for the first unusable value.
    """
    environ = os.environ if environ is None else environ
    file_path = path if path is not None else default_settings_path()
    layers: list[tuple[str, Mapping[str, Any]]] = [
        (str(file_path), _read_file(file_path)),
        ("environment", {
            key: environ[name] for key, name in ENV_VARIABLES.items() if environ.get(name)
        }),
        ("command line", {key: v for key, v in (overrides or {}).items() if v is not None}),
    ]
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for source, layer in layers:
        for key, value in layer.items():
            where = ENV_VARIABLES[key] if source == "environment" else key
            try:
                values[key] = _CHECKS[key](where, value)
            except SettingsError as exc:
                raise SettingsError(f"{source}: {exc}") from None
            sources[key] = source
    exists = file_path.is_file()
    return replace(
        Settings(**values), path=file_path if exists else None,
        sources={key: sources.get(key, "default") for key in _KEYS},
    )


def write_template(path: Path) -> None:
    """Create a settings file holding every setting at its default, commented, for editing.

    Never overwrites; the folder is made private like the record folder (the file names the
    clinician, nothing more).
    """
    _write_private(path, _template(), new=True)


def _template() -> str:
    text = "\n".join(
        "# " + line if not line.startswith("#") else line
        for line in describe(Settings()).splitlines()[1:]
    )
    header = (
        "# tplan settings: uncomment a line to change it. Flags and TPLAN_* variables\n"
        "# override this file for one run; `tplan settings` shows what is in effect.\n"
        f"# Warnings that can refuse: {', '.join(WARNINGS)}.\n"
    )
    return header + text + "\n"


def _write_private(path: Path, text: str, *, new: bool) -> None:
    """Write ``text`` as a 0600 file in a 0700 folder: ``new`` refuses an existing file,
    otherwise it replaces the file whole (a temporary file renamed over it)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = path if new else path.with_name(f".{path.name}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | (os.O_EXCL if new else os.O_TRUNC)
    with os.fdopen(os.open(target, flags, 0o600), "w", encoding="utf-8") as out:
        out.write(text)
    if not new:
        os.replace(target, path)


def check_values(values: Mapping[str, Any]) -> None:
    """SettingsError naming the first value that a settings file could not hold."""
    for key, value in values.items():
        _CHECKS[key](key, value)


def remember(path: Path, values: Mapping[str, str]) -> None:
    """Set these settings in the file (made from the template when missing), keeping every
    other line and comment: an existing or commented-out ``key = ...`` line is replaced, else
    the line is added. Values are checked as if read back; the file stays 0600."""
    check_values(values)
    text = path.read_text(encoding="utf-8") if path.exists() else _template()
    lines = text.splitlines()
    for key, value in values.items():
        line = f"{key} = {json.dumps(value, ensure_ascii=False)}"  # a JSON string is TOML's too
        pattern = re.compile(rf"^\s*#?\s*{key}\s*=")
        at = next((n for n, old in enumerate(lines) if pattern.match(old)), None)
        if at is None:
            lines.append(line)
        else:
            lines[at] = line
    _write_private(path, "\n".join(lines) + "\n", new=False)


def describe(settings: Settings) -> str:
    """The effective settings as TOML lines, each with where it came from (``tplan settings``)."""
    lines = [f"# settings file: {settings.path or default_settings_path()}"
             + ("" if settings.path else " (not created yet)")]
    for key in _KEYS:
        value = getattr(settings, key)
        if isinstance(value, tuple):
            shown = "[" + ", ".join(f'"{item}"' for item in value) + "]"
        elif isinstance(value, bool):
            shown = "true" if value else "false"
        elif isinstance(value, float):
            shown = f"{value:g}"
        else:
            shown = f'"{value}"'
        source = settings.sources.get(key, "default")
        if key == "clinician" and not value:
            source += f": your OS user ({account_name()})"
        if key == "export_folder" and not value:
            source += f": {default_export_folder()}"
        lines.append(f"{key} = {shown}  # {source}")
    return "\n".join(lines)
