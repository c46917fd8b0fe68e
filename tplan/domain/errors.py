"""Turn pydantic validation errors into sentences a counselor understands."""

from __future__ import annotations

from pydantic import ValidationError

_FRIENDLY: dict[str, str] = {
    "missing": "is required",
    "date_from_datetime_parsing": "must be a date like 2026-03-12",
    "date_parsing": "must be a date like 2026-03-12",
    "date_type": "must be a date like 2026-03-12",
    "datetime_parsing": "must be a date and time like 2026-03-12T14:30:00Z",
    "datetime_from_date_parsing": "must be a date and time like 2026-03-12T14:30:00Z",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "bool_parsing": "must be yes or no",
    "extra_forbidden": "is not a field tplan knows",
    "string_type": "must be text",
    "list_type": "must be a list",
}


NAME_SHOWN = 40
"""The longest key name (e.g. an unknown field of an import) an error shows."""


def shown_name(name: str) -> str:
    """A key name fit for an error line: every character that is not plainly visible (control,
    format, separator ...) escaped as ``\\uXXXX``; a name longer than ``NAME_SHOWN`` is not a
    field name but text, and is not repeated."""
    if len(name) > NAME_SHOWN:
        return f"(a name of {len(name)} characters, not shown)"
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in name)


def _where(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"#{part + 1}")
        elif part in {"function-after[_check_text(), str]"} or part.startswith(
            ("function-", "constrained-")
        ):
            continue
        else:
            parts.append(shown_name(part.replace("_", " ")))
    return " › ".join(parts) if parts else "record"


_WITH_CONTEXT: dict[str, tuple[str, str]] = {
    "greater_than_equal": ("must be at least {}", "ge"),
    "less_than_equal": ("must be at most {}", "le"),
    "greater_than": ("must be more than {}", "gt"),
    "less_than": ("must be less than {}", "lt"),
    "too_short": ("needs at least {} entries", "min_length"),
    "too_long": ("takes at most {} entries", "max_length"),
    "enum": ("must be one of: {}", "expected"),
    "literal_error": ("must be {}", "expected"),
}
"""Pydantic error kinds whose message names one value of the error's context."""


def describe_error(error: dict) -> str:  # type: ignore[type-arg]
    """What is wrong with one pydantic error, in words (without where or the value)."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in _FRIENDLY:
        return _FRIENDLY[kind]
    if kind == "string_too_long" or (kind == "too_long" and isinstance(error.get("input"), str)):
        return f"is too long (at most {ctx.get('max_length'):,} characters)"
    if kind == "string_too_short":
        return "must not be empty"
    if kind in _WITH_CONTEXT:
        words, key = _WITH_CONTEXT[kind]
        return words.format(ctx.get(key))
    if kind == "string_pattern_mismatch":
        return "is not in the expected form"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return str(error["msg"])


def friendly_errors(exc: ValidationError) -> list[str]:
    """One sentence per problem: ``birth date: must be a date like 2026-03-12``."""
    return [f"{_where(tuple(e['loc']))}: {describe_error(e)}" for e in exc.errors()]


def first_error(exc: ValidationError) -> str:
    return friendly_errors(exc)[0]
