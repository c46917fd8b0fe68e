"""A scored instrument as a document shows it: the numbers, the band and any flag.

Scoring itself is tplan.clinical.scoring's; this only puts its results in one shape for the
templates and the FHIR writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tplan.clinical.scoring import (
    bam_subscales,
    gad7_band,
    gad7_total,
    phq9_band,
    phq9_item9,
    phq9_total,
)
from tplan.domain import Bam, Gad7, Measure, Phq9


@dataclass(frozen=True)
class Score:
    instrument: str
    total: int | None = None
    """PHQ-9 and GAD-7 totals; the BAM has none."""
    band: str = ""
    subscales: dict[str, int] = field(default_factory=dict)
    """BAM: use, risk, protective."""
    flags: list[str] = field(default_factory=list)
    """Safety flags and concerns, in words."""
    concerns: frozenset[str] = frozenset()
    """BAM subscales at a level of concern."""
    items: tuple[int, ...] = ()
    """PHQ-9 and GAD-7 item answers (0-3), in the instrument's order."""

    @property
    def summary(self) -> str:
        """E.g. "12 (moderate)" or "use 2, risk 9, protective 15"."""
        if self.total is not None:
            return f"{self.total} ({self.band})"
        return ", ".join(f"{name} {value}" for name, value in self.subscales.items())


def score_measure(measure: Measure) -> Score:
    if isinstance(measure, Phq9):
        total = phq9_total(measure)
        item9 = phq9_item9(measure)
        flags = [f"item 9 (self-harm) = {item9}: safety flag"] if item9 > 0 else []
        return Score("PHQ-9", total, phq9_band(total), flags=flags, items=tuple(measure.items))
    if isinstance(measure, Gad7):
        total = gad7_total(measure)
        return Score("GAD-7", total, gad7_band(total), items=tuple(measure.items))
    if isinstance(measure, Bam):
        sub = bam_subscales(measure)
        flags = []
        if sub.use_concern:
            flags.append("use >= 1: concern")
        if sub.risk_concern:
            flags.append("risk >= 12: concern")
        if sub.protective_concern:
            flags.append("protective <= 12: concern")
        subscales = {"use": sub.use, "risk": sub.risk, "protective": sub.protective}
        concerns = {
            name
            for name, concern in [
                ("use", sub.use_concern),
                ("risk", sub.risk_concern),
                ("protective", sub.protective_concern),
            ]
            if concern
        }
        return Score("BAM", subscales=subscales, flags=flags, concerns=frozenset(concerns))
    raise TypeError(f"no scoring for {type(measure).__name__}")
