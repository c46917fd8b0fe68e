"""Bringing the plan's intervention frequencies in line with a new level or schedule: what
the rule proposes after the latest level change, and saving the counselor's answer as one
change (issue #16 item 5)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tplan.clinical.frequencies import fitted_frequency
from tplan.domain import Intervention, Patient
from tplan.services.errors import ServiceError


@dataclass(frozen=True, slots=True)
class FrequencyFit:
    """One active intervention, its frequency now and what the new schedule suggests."""

    objective_id: str
    intervention: Intervention
    proposed: float

    @property
    def changes(self) -> bool:
        return self.proposed != self.intervention.times_per_week


class FrequencyUseCases:
    """Mixed into ``Workspace``."""

    patient: Callable[[str], Patient]
    _change: Callable[..., Patient]

    def frequency_fits(self, pid: str) -> list[FrequencyFit]:
        """Every active intervention with the frequency that fits the latest level change
        (empty when the record has no earlier level to compare with)."""
        patient = self.patient(pid)
        if len(patient.level_history) < 2:
            return []
        before, after = patient.level_history[-2], patient.level_history[-1]
        return [
            FrequencyFit(objective.id, iv, fitted_frequency(iv, before, after))
            for objective in patient.objectives()
            for iv in objective.interventions
            if iv.active
        ]

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
