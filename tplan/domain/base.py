"""Shared building blocks of the domain: the base model, ids and safe text types.

Text typed by a counselor is stored exactly as typed, with two exceptions that would
otherwise break a later load, export or screen: line endings are normalised to ``\\n``, and
characters that are invisible or act on the terminal are refused with a message naming them
instead of being stored: control characters other than newline and tab (an ESC starts a
terminal escape), unpaired surrogates, and *format* characters (Unicode category Cf: zero-width
spaces and joiners, bidi overrides and isolates, soft hyphens ...), which make "Avery\\u200b
Quill" look like "Avery Quill" or reorder what a reader sees. The rule is the same for names,
ids, free text and the data copied into decisions (``SafeData``, bounded in depth and size).

Records stored before format characters were refused still load (the store validates with
``context={"stored": True}``); saving such a record again asks for the character to go.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from operator import attrgetter
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic import ValidationInfo as _Info

from tplan.record_format import (  # re-exported: the domain's names for them
    FORMAT_CHARACTERS,  # noqa: F401
    LONG_TEXT_MAX,
    SCHEMA_VERSION,  # noqa: F401
    SHORT_TEXT_MAX,
    check_person_name,  # noqa: F401
    check_text,
)
from tplan.record_format import check_not_blank as _not_blank
from tplan.record_format import check_single_line as _check_single_line

DATA_MAX_DEPTH = 8
DATA_MAX_VALUES = 2_000


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
    if isinstance(value, str) and "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _stored(info: _Info | None) -> bool:
    context = info.context if info is not None else None
    return isinstance(context, dict) and bool(context.get("stored"))


def _check_text(value: str, info: _Info) -> str:
    return check_text(value, _stored(info))


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

def _check_key(key: object, stored: bool) -> None:
    if not isinstance(key, str):
        raise ValueError("has a key that is not text")
    if len(key) > SHORT_TEXT_MAX or "\n" in key or "\t" in key:
        raise ValueError(f"has a key that is not a short single line (at most {SHORT_TEXT_MAX})")
    check_text(key, stored)


def _check_data(value: dict[str, Any], info: _Info) -> dict[str, Any]:
    """Engine data kept in a record (rule data, a suggestion's signals): text, numbers, yes/no,
    lists and nested objects only, every string under the text rule, bounded in depth and
    size so that a hostile import cannot make a record that does not save or load again.
    Returned with its keys sorted (see ``_in_key_order``)."""
    stored = _stored(info)
    count = 0

    def walk(item: object, depth: int) -> None:
        nonlocal count
        count += 1
        if count > DATA_MAX_VALUES:
            raise ValueError(f"holds too many values (at most {DATA_MAX_VALUES:,})")
        if depth > DATA_MAX_DEPTH:
            raise ValueError(f"is nested too deeply (at most {DATA_MAX_DEPTH} levels)")
        if isinstance(item, str):
            if len(item) > LONG_TEXT_MAX:
                raise ValueError(f"holds a text longer than {LONG_TEXT_MAX:,} characters")
            check_text(item, stored)
        elif isinstance(item, dict):
            for key, inner in item.items():
                _check_key(key, stored)
                walk(inner, depth + 1)
        elif isinstance(item, list | tuple):
            for inner in item:
                walk(inner, depth + 1)
        elif not (item is None or isinstance(item, bool | int | float | date)):
            raise ValueError("holds a value that is not text, a number, a date, yes/no or a list")

    walk(value, 0)
    return _in_key_order(value)


def _in_key_order(item: Any) -> Any:
    """The same data with every object's keys sorted: a record's order never depends on
    where it was stored (PostgreSQL's jsonb keeps keys in an order of its own)."""
    if isinstance(item, dict):
        return {key: _in_key_order(item[key]) for key in sorted(item)}
    if isinstance(item, list):
        return [_in_key_order(inner) for inner in item]
    if isinstance(item, tuple):
        return tuple(_in_key_order(inner) for inner in item)
    return item


SafeData = Annotated[dict[str, Any], AfterValidator(_check_data)]
"""Data the engine keeps with a rule or a suggestion (see ``_check_data``)."""

Id = Annotated[str, Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]

S = TypeVar("S")
E = TypeVar("E")


class StatusChange(Model, Generic[S]):
    """One dated status of a record; the engine uses the last change dated on or before D."""

    on: date
    status: S
    note: ShortText = ""


def in_force_on(entries: Iterable[E], day: date, start: Callable[[E], date]) -> E | None:
    """The entry in force on ``day``: the last of ``entries`` (oldest first) that ``start``s on
    or before it; None before the first."""
    current = None
    for entry in entries:
        if start(entry) <= day:
            current = entry
    return current


def status_as_of(history: list[StatusChange[S]], as_of: date) -> S | None:
    """The status in force on ``as_of``: the last change dated on or before it."""
    on = attrgetter("on")
    change = in_force_on(sorted(history, key=on), as_of, on)
    return None if change is None else change.status


def current_status(history: list[StatusChange[S]]) -> S | None:
    """The latest recorded status, whatever its date."""
    if not history:
        return None
    return sorted(history, key=lambda c: c.on)[-1].status


def with_status(record: Any, status: S, on: date) -> list[StatusChange[S]]:
    """``record``'s dated status history (None: a new record, no history yet) with ``status``
    added as of ``on`` when it is not the record's status already."""
    history: list[StatusChange[S]] = list(record.history) if record is not None else []
    if record is None or status != record.status:
        history.append(StatusChange[type(status)](on=on, status=status))  # type: ignore[misc]
    return history


def check_history_not_empty(history: list[StatusChange[S]]) -> list[StatusChange[S]]:
    if not history:
        raise ValueError("needs at least one dated status")
    return history


def today_utc() -> date:
    return utcnow().date()
