"""Intervention frequencies after a change of level or schedule (issue #16 item 5).

The program's own sessions (groups, psychoeducation) follow the schedule's session days: an
intervention that met on every old session day ("group CBT 3x/wk" at 3 days a week) meets on
every new one, and none meets more often than the new schedule has days. What happens outside
the program (AA, medication) and individual sessions keep their frequency.
"""

from __future__ import annotations

from tplan.domain import Intervention, LevelChange, Modality

PROGRAM_SESSIONS = frozenset({Modality.GROUP_CBT, Modality.GROUP_PROCESS, Modality.PSYCHOEDUCATION})


def fitted_frequency(intervention: Intervention, before: LevelChange, after: LevelChange) -> float:
    """Times a week ``intervention`` should meet under ``after`` (its own when nothing says
    otherwise)."""
    times = intervention.times_per_week
    if intervention.modality not in PROGRAM_SESSIONS or after.days_per_week == 0:
        return times
    if times == before.days_per_week or times > after.days_per_week:
        return float(after.days_per_week)
    return times
