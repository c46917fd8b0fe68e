"""Shared building blocks of the domain: the base model, ids and safe text types.

Text typed by a counselor is stored exactly as typed, with two exceptions that would
otherwise break a later load, export or screen: line endings are normalised to ``\\n`` and
control characters (other than newline and tab) or unpaired surrogates are refused with a
message instead of being stored.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

SCHEMA_VERSION = 1
"""Version of the record format; bumped with a migration step in tplan.store.migrations."""

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 20_000

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class Model(BaseModel):
    """Base for every domain record: unknown fields are refused, assignments re-validated.

    Validation errors never echo the input, so record content stays out of tracebacks.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, hide_input_in_errors=True)


def new_id(prefix: str) -> str:
    """A short, stable, globally unique id such as ``pt-3f2a9c1d0b7e``."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _normalise_newlines(value: object) -> object:
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _check_text(value: str) -> str:
    bad = _CONTROL.search(value)
    if bad:
        raise ValueError(
            f"contains an invisible control character (U+{ord(bad.group()):04X}); "
            "remove it and try again"
        )
    if _SURROGATE.search(value):
        raise ValueError("contains a broken character that cannot be saved")
    return value


def _check_single_line(value: str) -> str:
    if "\n" in value or "\t" in value:
        raise ValueError("must be a single line")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


LongText = Annotated[
    str,
    BeforeValidator(_normalise_newlines),
    Field(max_length=LONG_TEXT_MAX),
    AfterValidator(_check_text),
]
"""Free text such as note sections: several lines allowed."""

ShortText = Annotated[
    str,
    BeforeValidator(_normalise_newlines),
    Field(max_length=SHORT_TEXT_MAX),
    AfterValidator(_check_text),
    AfterValidator(_check_single_line),
]
"""A one-line text such as a name, a title or a phone number."""

Name = Annotated[ShortText, AfterValidator(_not_blank)]
"""A one-line text that must not be empty."""

RequiredText = Annotated[LongText, AfterValidator(_not_blank)]
"""Free text that must not be empty."""

Id = Annotated[str, Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]

S = TypeVar("S")


class StatusChange(Model, Generic[S]):
    """One dated status of a record; the engine uses the last change dated on or before D."""

    on: date
    status: S
    note: ShortText = ""


def status_as_of(history: list[StatusChange[S]], as_of: date) -> S | None:
    """The status in force on ``as_of``: the last change dated on or before it."""
    current: S | None = None
    for change in sorted(history, key=lambda c: c.on):
        if change.on <= as_of:
            current = change.status
    return current


def current_status(history: list[StatusChange[S]]) -> S | None:
    """The latest recorded status, whatever its date."""
    if not history:
        return None
    return sorted(history, key=lambda c: c.on)[-1].status


def check_history_not_empty(history: list[StatusChange[S]]) -> list[StatusChange[S]]:
    if not history:
        raise ValueError("needs at least one dated status")
    return history


def today_utc() -> date:
    return utcnow().date()
