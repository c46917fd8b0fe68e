"""Bringing the plan's intervention frequencies in line with a new level or schedule: what
the rule proposes after the latest level change, and saving the counselor's answer as one
change (issue #16 item 5)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from tplan.clinical import ExpectedSession
from tplan.clinical.frequencies import fitted_frequency, program_session_hours
from tplan.domain import Intervention, Patient, SessionType
from tplan.services.errors import ServiceError

LOOK_BACK_DAYS = 14
"""How far before a level change the patient's group sessions give a session's length."""


@dataclass(frozen=True, slots=True)
class FrequencyFit:
    """One active intervention, its frequency now and what the new schedule suggests."""

    objective_id: str
    intervention: Intervention
    proposed: float
    objective: str = ""
    """The objective it serves, numbered as the plan shows it ("O3 Write a relapse-prevention
    plan"): two interventions alike in every other way differ by it."""

    @property
    def changes(self) -> bool:
        return self.proposed != self.intervention.times_per_week


class FrequencyUseCases:
    """Mixed into ``Workspace``."""

    patient: Callable[[str], Patient]
    _change: Callable[..., Patient]
    expected_sessions: Callable[[str, date, date], list[ExpectedSession]]

    def frequency_fits(self, pid: str) -> list[FrequencyFit]:
        """Every active intervention with the frequency that fits the latest level change
        (empty when the record has no earlier level to compare with)."""
        patient = self.patient(pid)
        if len(patient.level_history) < 2:
            return []
        before, after = patient.level_history[-2], patient.level_history[-1]
        length = program_session_hours(before, self._group_hours(pid, after.start))
        return [
            FrequencyFit(
                objective.id,
                iv,
                fitted_frequency(iv, before, after, length),
                f"O{number} {objective.text.splitlines()[0]}",
            )
            for number, objective in enumerate(patient.objectives(), start=1)
            for iv in objective.interventions
            if iv.active
        ]

    def _group_hours(self, pid: str, changed_on: date) -> float | None:
        """The longest group session the patient was expected at in the weeks before the
        change (None when the schedule knows none)."""
        first = changed_on - timedelta(days=LOOK_BACK_DAYS)
        sessions = self.expected_sessions(pid, first, changed_on - timedelta(days=1))
        minutes = max(
            (e.scheduled_minutes for e in sessions if e.session_type is SessionType.GROUP),
            default=0,
        )
        return minutes / 60 or None

    def set_frequencies(self, pid: str, times: Mapping[str, float]) -> Patient:
        """New times a week for interventions (by id), saved as one change of the plan."""

        def apply(p: Patient) -> str | None:
            found = {iv.id: iv for o in p.objectives() for iv in o.interventions}
            missing = set(times) - set(found)
            if missing:
                raise ServiceError(f"no intervention {sorted(missing)[0]} in this plan")
            for iv_id, value in times.items():
                found[iv_id].times_per_week = value
            return None

        return self._change(pid, "set_frequencies", apply, ["problems"])
