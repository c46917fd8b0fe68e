"""The dates counselors type: ISO dates and the shortcuts they use all day.

``t`` today, ``y`` yesterday, ``+30`` / ``-7`` days from today, a weekday (``mon``), a month and
day (``11/27``, ``27 Nov``, ``Nov 27``), with or without a year. A date without a year, or a
weekday, is the nearest one in the field's direction: on or before today for what happened (a
date of service), on or after today for what is planned (a target date).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal

Direction = Literal["past", "future"]

DATE_HINT = "YYYY-MM-DD, t, y, +30, mon, 11/27"
DATE_MESSAGE = "must be a date like 2026-03-12, t, y, +30, -7, mon, 11/27 or 27 Nov"

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_OFFSET = re.compile(r"([+-])\s*(\d{1,4})d?")
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?")
_DAY_MONTH = re.compile(r"(\d{1,2})\s*([a-z]{3,9})\.?(?:\s+(\d{4}))?")
_MONTH_DAY = re.compile(r"([a-z]{3,9})\.?\s*(\d{1,2})(?:,?\s+(\d{4}))?")


def parse_date(text: str, today: date, direction: Direction = "past") -> date | None:
    """The date ``text`` means as of ``today``; blank gives None; anything else ValueError."""
    value = " ".join(text.strip().lower().split())
    if not value:
        return None
    found = _parse(value, today, direction)
    if found is None:
        raise ValueError(DATE_MESSAGE)
    return found


def _parse(value: str, today: date, direction: Direction) -> date | None:
    if value in ("t", "today"):
        return today
    if value in ("y", "yesterday"):
        return today - timedelta(days=1)
    if value in ("tm", "tomorrow"):
        return today + timedelta(days=1)
    if match := _OFFSET.fullmatch(value):
        days = int(match.group(2))
        return today + timedelta(days=days if match.group(1) == "+" else -days)
    weekday = _prefix_index(value, _WEEKDAYS)
    if weekday is not None:
        ahead = (weekday - today.weekday()) % 7
        return today + timedelta(days=ahead) if direction == "future" else (
            today - timedelta(days=(today.weekday() - weekday) % 7)
        )
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    if match := _SLASHED.fullmatch(value):
        month, day, year = int(match.group(1)), int(match.group(2)), match.group(3)
        return _month_day(month, day, _year(year), today, direction)
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        if match := pattern.fullmatch(value):
            month = _prefix_index(match.group(month_group), _MONTHS)
            if month is None:
                return None
            year = match.group(3)
            return _month_day(month + 1, int(match.group(day_group)), _year(year), today, direction)
    return None


def _prefix_index(word: str, names: tuple[str, ...]) -> int | None:
    """``mon``/``monday`` -> 0; a word of 3+ letters naming one of ``names`` by its start."""
    if len(word) < 3 or not word.isalpha():
        return None
    for index, name in enumerate(names):
        if word[:3] == name:
            return index
    return None


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def _month_day(
    month: int, day: int, year: int | None, today: date, direction: Direction
) -> date | None:
    try:
        if year is not None:
            return date(year, month, day)
        found = date(today.year, month, day)
    except ValueError:
        return None
    if direction == "past" and found > today:
        return _same_day(found, today.year - 1)
    if direction == "future" and found < today:
        return _same_day(found, today.year + 1)
    return found


def _same_day(found: date, year: int) -> date | None:
    try:
        return found.replace(year=year)
    except ValueError:  # 29 Feb in a year without one
        return None
