"""The clock as an injectable dependency, so every computation and test is reproducible."""

from __future__ import annotations

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
