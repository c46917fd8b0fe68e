"""The clock as an injectable dependency, so every computation and test is reproducible."""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, date, datetime, time
from typing import Protocol


class Clock(Protocol):
    def today(self) -> date: ...

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock: UTC now (whole seconds) and the local calendar date."""

    def today(self) -> date:
        return date.today()

    def now(self) -> datetime:
        return datetime.now(UTC).replace(microsecond=0)


def document_time(now: datetime) -> datetime:
    """When a rendered document says it was generated: ``now``, unless ``SOURCE_DATE_EPOCH``
    is set (the reproducible-builds convention, used to rebuild the checked-in examples byte
    for byte). It never changes when a disclosure is logged, which is always the wall clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        with contextlib.suppress(OverflowError, OSError, ValueError):
            return datetime.fromtimestamp(int(epoch), UTC)
    return now


class AsOfClock(SystemClock):
    """``--as-of``: "today" is the chosen day, for the clinical view only; every time that
    records when something happened (a disclosure, a signature, a "generated" line) stays the
    wall clock, so an as-of export never carries a false real-world time."""

    def __init__(self, day: date) -> None:
        self.day = day

    def today(self) -> date:
        return self.day

    def __repr__(self) -> str:
        return f"AsOfClock({self.day.isoformat()})"


class FixedClock:
    """A clock stopped on ``day`` (at ``at`` UTC, noon by default) for tests and ``--as-of``."""

    def __init__(self, day: date, at: time = time(12, 0)) -> None:
        self.day = day
        self.at = at

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        return datetime.combine(self.day, self.at, tzinfo=UTC)

    def __repr__(self) -> str:
        return f"FixedClock({self.day.isoformat()})"
