from __future__ import annotations

from datetime import UTC, date, time

from tplan.services import FixedClock, SystemClock


def test_fixed_clock_is_stopped_on_its_day() -> None:
    clock = FixedClock(date(2026, 3, 12))
    assert clock.today() == date(2026, 3, 12)
    assert clock.now().date() == date(2026, 3, 12)
    assert clock.now().tzinfo is UTC
    assert FixedClock(date(2026, 3, 12), time(8, 30)).now().hour == 8


def test_system_clock_gives_an_aware_now_in_whole_seconds() -> None:
    now = SystemClock().now()
    assert now.tzinfo is UTC
    assert now.microsecond == 0
    assert SystemClock().today() >= date(2026, 1, 1)
