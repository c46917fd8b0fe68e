"""Program-session frequencies after a level change fit the new schedule's days and hours."""

from __future__ import annotations

from datetime import date

import pytest

from tplan.clinical.frequencies import fitted_frequency, program_session_hours
from tplan.domain import Intervention, LevelChange, Modality

IOP = LevelChange(start=date(2026, 1, 5), level="2.1", days_per_week=3, hours_per_week=9)


def _level(level: str, days: int, hours: float) -> LevelChange:
    return LevelChange(
        start=date(2026, 3, 12), level=level, days_per_week=days, hours_per_week=hours
    )


def _group(times: float) -> Intervention:
    return Intervention(modality=Modality.GROUP_CBT, times_per_week=times)


@pytest.mark.parametrize(
    ("after", "session_hours", "expected"),
    [
        (_level("1", 2, 3), 3.0, 1.0),  # one 3-hour group fits in 3 h, though 2 days are free
        (_level("1", 2, 6), 3.0, 2.0),  # two fit in 6 h
        (_level("1", 2, 3), 1.5, 2.0),  # two 90-minute groups fit in 3 h, on 2 days
        (_level("1", 2, 2), 3.0, 1.0),  # none fits: one stays (ending it is the counselor's call)
        (_level("2.1", 4, 12), 3.0, 4.0),  # intensify: every new session day
        (_level("1", 2, 3), None, 2.0),  # no length known: the days alone
    ],
)
def test_group_every_session_day_fits_days_and_hours(
    after: LevelChange, session_hours: float | None, expected: float
) -> None:
    assert fitted_frequency(_group(3), IOP, after, session_hours) == expected


def test_individual_sessions_and_outside_help_keep_their_frequency() -> None:
    after = _level("1", 2, 3)
    for modality in (Modality.INDIVIDUAL, Modality.PEER_SUPPORT):
        kept = Intervention(modality=modality, times_per_week=3)
        assert fitted_frequency(kept, IOP, after, 3.0) == 3


def test_a_session_lasts_what_the_groups_last_else_a_session_day() -> None:
    assert program_session_hours(IOP, 2.5) == 2.5
    assert program_session_hours(IOP) == 3
