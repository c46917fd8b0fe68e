"""The bundled demo caseload, moved in time so that the demo always looks current.

``sample_data/generate_demo.py`` writes the caseload relative to a fixed anchor date;
``load_demo(today)`` shifts every date and datetime of every patient by ``today - anchor`` days.
The stored copy of a suggestion inside a decision is shifted too, including the ISO dates written
in its messages and its ``signals``/``data`` dicts, so a decision still reads as it did on the day.
Nothing here writes files: the CLI / services put the patients into a store.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from tplan.domain import (
    WEEKDAYS,
    Envelope,
    Patient,
    SessionsBundle,
    Suggestion,
    SuggestionKind,
    Weekday,
)
from tplan.domain.group_notes import GroupNotesBundle

DEMO_FILE = "demo_caseload.json"
EXPECTED_FILE = "demo_expected_kinds.json"
SESSIONS_FILE = "demo_sessions.json"
GROUP_NOTES_FILE = "demo_group_notes.json"

_ISO_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")


def demo_file(name: str = DEMO_FILE) -> Path:
    """Where a bundled demo file is: inside the installed wheel, else in the repository."""
    packaged = Path(str(files("tplan"))) / "_sample_data" / name
    if packaged.is_file():
        return packaged
    repository = Path(__file__).resolve().parents[2] / "sample_data" / name
    if repository.is_file():
        return repository
    raise FileNotFoundError(
        f"the demo caseload file {name} is missing from this installation "
        "(regenerate it with: python sample_data/generate_demo.py)"
    )


def _read_expected() -> tuple[date, dict[str, SuggestionKind]]:
    raw = json.loads(demo_file(EXPECTED_FILE).read_text(encoding="utf-8"))
    kinds = {pid: SuggestionKind(kind) for pid, kind in raw["kinds"].items()}
    return date.fromisoformat(raw["anchor"]), kinds


DEMO_ANCHOR, EXPECTED_KINDS = _read_expected()
"""The day the stories are written for, and patient id -> the suggestion kind of its story."""


def read_demo() -> Envelope:
    """The caseload exactly as bundled (dates relative to ``DEMO_ANCHOR``)."""
    return Envelope.model_validate_json(demo_file().read_bytes())


def load_demo(today: date) -> list[Patient]:
    """The demo patients with every date moved by ``today - anchor`` days, validated."""
    envelope = read_demo()
    days = (today - envelope.as_of).days
    return [shift_patient(patient, days) for patient in envelope.patients]


def load_demo_sessions(today: date) -> SessionsBundle:
    """The demo's groups, sessions and attendance moved like the patients (``load_demo``).

    Weekdays move with the dates (a Monday group opened on a Wednesday meets on Wednesdays),
    so today's sessions and their rosters stay those the demo was written for.
    """
    return _shifted_bundle(SessionsBundle, SESSIONS_FILE, today)


def load_demo_group_notes(today: date) -> GroupNotesBundle:
    """The demo's documented past groups (signed group notes), moved like the patients."""
    return _shifted_bundle(GroupNotesBundle, GROUP_NOTES_FILE, today)


B = TypeVar("B", SessionsBundle, GroupNotesBundle)


def _shifted_bundle(kind: type[B], name: str, today: date) -> B:
    """A bundled clinic file with its dates moved by ``today - as_of`` days."""
    bundle = kind.model_validate_json(demo_file(name).read_bytes())
    days = (today - bundle.as_of).days
    if days == 0:
        return bundle
    shifted = _shift(bundle, timedelta(days=days), in_suggestion=False)
    assert isinstance(shifted, kind)
    return shifted


def shift_patient(patient: Patient, days: int) -> Patient:
    """A copy of ``patient`` with every date and datetime ``days`` days later (or earlier)."""
    if days == 0:
        return patient.model_copy(deep=True)
    shifted = _shift(patient, timedelta(days=days), in_suggestion=False)
    assert isinstance(shifted, Patient)
    return shifted


def _shift(value: Any, delta: timedelta, *, in_suggestion: bool) -> Any:
    if isinstance(value, BaseModel):
        inside = in_suggestion or isinstance(value, Suggestion)
        fields = {
            name: _shift(getattr(value, name), delta, in_suggestion=inside)
            for name in type(value).model_fields
        }
        return type(value).model_validate(fields)
    if isinstance(value, date):  # datetime is a date too: both move by whole days
        return value + delta
    if isinstance(value, Weekday):
        return WEEKDAYS[(WEEKDAYS.index(value) + delta.days) % 7]
    if isinstance(value, list):
        return [_shift(item, delta, in_suggestion=in_suggestion) for item in value]
    if isinstance(value, tuple):
        return tuple(_shift(item, delta, in_suggestion=in_suggestion) for item in value)
    if isinstance(value, dict):
        return {
            key: _shift(item, delta, in_suggestion=in_suggestion) for key, item in value.items()
        }
    if isinstance(value, str) and in_suggestion:
        return _ISO_DATE.sub(lambda match: _shift_iso(match.group(1), delta), value)
    return value


def _shift_iso(text: str, delta: timedelta) -> str:
    try:
        return (date.fromisoformat(text) + delta).isoformat()
    except ValueError:  # looks like a date but is not one (e.g. 2026-13-40): leave it
        return text


__all__ = [
    "DEMO_ANCHOR",
    "DEMO_FILE",
    "EXPECTED_KINDS",
    "GROUP_NOTES_FILE",
    "SESSIONS_FILE",
    "demo_file",
    "load_demo",
    "load_demo_group_notes",
    "load_demo_sessions",
    "read_demo",
    "shift_patient",
]
