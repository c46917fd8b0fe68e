"""Turning what a counselor types into values, with messages fit to show beside the field.

Every parser raises ``ValueError`` with a short sentence; the same parsers back the Textual
validators (live feedback while typing) and the form's build step (what is saved), so the two
never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.validation import ValidationResult, Validator

T = TypeVar("T")


def parse_int(text: str, low: int, high: int) -> int | None:
    """A whole number within ``low..high``; blank gives None."""
    value = text.strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"must be a whole number from {low} to {high}") from None
    if not low <= number <= high:
        raise ValueError(f"must be from {low} to {high}")
    return number


def parse_number(text: str, low: float, high: float, *, above_low: bool = False) -> float | None:
    """A number within ``low..high`` (``above_low``: strictly more than low); blank gives None."""
    value = text.strip().replace(",", ".")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValueError("must be a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("must be a number")
    if above_low and number <= low:
        raise ValueError(f"must be more than {low:g}")
    if number < low or number > high:
        raise ValueError(f"must be from {low:g} to {high:g}")
    return number


def parse_items(text: str, count: int, high: int) -> list[int] | None:
    """Instrument answers typed as digits (``102010000``; spaces allowed); blank gives None."""
    digits = "".join(text.split())
    if not digits:
        return None
    if not digits.isdigit():
        raise ValueError(f"type {count} digits from 0 to {high}")
    items = [int(ch) for ch in digits]
    if any(item > high for item in items):
        raise ValueError(f"each answer is 0 to {high}")
    if len(items) != count:
        raise ValueError(f"{len(items)} of {count} answers typed")
    return items


def parse_list(text: str) -> list[str]:
    """A comma-separated list, trimmed, blanks dropped."""
    return [part.strip() for part in text.split(",") if part.strip()]


def required(parse: Callable[[str], T | None]) -> Callable[[str], T]:
    """Wrap a parser so that a blank value is refused."""

    def parse_required(text: str) -> T:
        value = parse(text)
        if value is None:
            raise ValueError("is required")
        return value

    return parse_required


class Parsed(Validator):
    """A Textual validator backed by one of the parsers above (its message is the failure)."""

    def __init__(self, parse: Callable[[str], object]) -> None:
        super().__init__()
        self._parse = parse

    def validate(self, value: str) -> ValidationResult:
        try:
            self._parse(value)
        except ValueError as exc:
            return self.failure(str(exc), value)
        return self.success()
