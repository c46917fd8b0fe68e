"""Intervention frequencies after a change of level or schedule (issue #16 item 5).

The program's own sessions (groups, psychoeducation) follow the new schedule: an intervention
that met on every old session day ("group CBT 3x/wk" at 3 days a week) meets on every new one,
and none meets more often than the new schedule has days or than its sessions fit in the new
schedule's hours (a 3-hour group fits once in Level 1's 3 hours a week). What happens outside
the program (AA, medication) and individual sessions keep their frequency.
"""

from __future__ import annotations

from math import floor

from tplan.domain import Intervention, LevelChange, Modality

PROGRAM_SESSIONS = frozenset({Modality.GROUP_CBT, Modality.GROUP_PROCESS, Modality.PSYCHOEDUCATION})


def program_session_hours(before: LevelChange, group_hours: float | None = None) -> float | None:
    """How long one program session lasts: the patient's group sessions when the schedule
    knows them (``group_hours``), else a session day of the old schedule."""
    if group_hours:
        return group_hours
    if before.days_per_week <= 0 or before.hours_per_week <= 0:
        return None
    return before.hours_per_week / before.days_per_week


def fitted_frequency(
    intervention: Intervention,
    before: LevelChange,
    after: LevelChange,
    session_hours: float | None = None,
) -> float:
    """Times a week ``intervention`` should meet under ``after`` (its own when nothing says
    otherwise); ``session_hours`` is one program session's length (None: unknown, days only)."""
    times = intervention.times_per_week
    if intervention.modality not in PROGRAM_SESSIONS or after.days_per_week == 0:
        return times
    most = float(after.days_per_week)
    if session_hours:
        # at least one: ending an intervention is the counselor's call, not a frequency
        most = min(most, max(1.0, float(floor(after.hours_per_week / session_hours + 1e-9))))
    if times == before.days_per_week or times > most:
        return most
    return times
