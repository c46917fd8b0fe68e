"""Concise builders of synthetic patients for the clinical engine's tests.

``Case()`` is an IOP patient with nothing recorded; ``ready()`` is one who meets every
step-down criterion on ``D``. Each method changes one thing and returns the builder, so a
test reads as the clinical story it checks. Days are given as "days before D" (``ago``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tplan.domain import (
    Bam,
    DrugScreen,
    Gad7,
    Goal,
    LevelChange,
    Medication,
    NaloxoneCheck,
    Objective,
    Patient,
    Phq9,
    PlanReview,
    Problem,
    ProgressNote,
    RelapsePreventionPlan,
    Risk,
    RiskEvent,
    ScreenResult,
    Signature,
    StatusChange,
    SupportPerson,
    UseReport,
)

D = date(2026, 3, 12)


def day(ago: int) -> date:
    return D - timedelta(days=ago)


def at(ago: int, hour: int = 12) -> datetime:
    return datetime.combine(day(ago), time(hour), tzinfo=UTC)


def phq9(total: int = 0, item9: int = 0) -> list[int]:
    """Nine PHQ-9 items adding up to ``total`` with item 9 as given."""
    rest = total - item9
    assert 0 <= rest <= 24, "total out of reach"
    items = [min(3, max(0, rest - 3 * i)) for i in range(8)]
    return [*items, item9]


def bam(use: int = 0, risk: int = 0, protective: int = 20) -> list[int]:
    """Seventeen BAM items with the given subscale sums (items 7 and 17 stay 0)."""
    items = [0] * 17

    def spread(numbers: tuple[int, ...], total: int) -> None:
        for n in numbers:
            items[n - 1] = min(4, total)
            total -= items[n - 1]
        assert total == 0, "subscale out of reach"

    spread((4, 5, 6), use)
    spread((1, 2, 3, 8, 11, 15), risk)
    spread((9, 10, 12, 13, 14, 16), protective)
    return items


class Case:
    """A patient under construction. ``build()`` returns the validated ``Patient``."""

    def __init__(
        self,
        *,
        admitted_ago: int = 60,
        level: str = "2.1",
        days: int = 4,
        hours: float = 12,
        birth: date = date(1990, 5, 1),
        edition: str = "3",
    ) -> None:
        self.fields: dict[str, Any] = {
            "display_name": "Test Patient",
            "birth_date": birth,
            "admission_date": day(admitted_ago),
            "counselor": "J. Park",
            "primary_substances": ["alcohol"],
        }
        self.levels: list[LevelChange] = [
            LevelChange(
                start=day(admitted_ago),
                level=level,
                edition=edition,
                days_per_week=days,
                hours_per_week=hours,
            )
        ]
        self.objective_list: list[Objective] = []
        self.notes: list[dict[str, Any]] = []
        self.lists: dict[str, list[Any]] = {
            "risks": [],
            "risk_events": [],
            "supports": [],
            "medications": [],
            "reviews": [],
            "naloxone_checks": [],
        }

    # --- episode -------------------------------------------------------------------------

    def set(self, **fields: Any) -> Case:
        self.fields.update(fields)
        return self

    def level(self, ago: int, level: str, days: int, hours: float, edition: str = "3") -> Case:
        self.levels.append(
            LevelChange(
                start=day(ago),
                level=level,
                edition=edition,
                days_per_week=days,
                hours_per_week=hours,
            )
        )
        return self

    def review(self, ago: int, signed: bool = True) -> Case:
        signature = (
            Signature(signer="J. Park", role="counselor", signed_at=at(ago)) if signed else None
        )
        self.lists["reviews"].append(PlanReview(on=day(ago), counselor_signature=signature))
        return self

    # --- plan ----------------------------------------------------------------------------

    def objectives(
        self, achieved: int = 0, open: int = 0, cancelled: int = 0, since: int = 50
    ) -> Case:
        """Objectives created ``since`` days ago; achieved ones achieved 10 days ago."""
        for status, count in (
            ("achieved", achieved),
            ("in_progress", open),
            ("cancelled", cancelled),
        ):
            for _ in range(count):
                history = [StatusChange(on=day(since), status="in_progress")]
                if status != "in_progress":
                    history.append(StatusChange(on=day(min(10, since)), status=status))
                self.objective_list.append(Objective(text="objective", history=history))
        return self

    def objective(self, *changes: tuple[int, str]) -> Case:
        """One objective with dated statuses given as (ago, status) pairs."""
        history = [StatusChange(on=day(ago), status=status) for ago, status in changes]
        self.objective_list.append(Objective(text="objective", history=history))
        return self

    def relapse_plan(self, ago: int = 20) -> Case:
        self.fields["relapse_prevention"] = RelapsePreventionPlan(
            written_on=day(ago), triggers="end of shift"
        )
        return self

    def support(self, sober: bool = True, *changes: tuple[int, str]) -> Case:
        history = [StatusChange(on=day(ago), status=s) for ago, s in changes] or [
            StatusChange(on=day(50), status="active")
        ]
        self.lists["supports"].append(
            SupportPerson(name="M. Ruiz", role="sponsor", sober_support=sober, history=history)
        )
        return self

    def risk(
        self,
        severity: int,
        *changes: tuple[int, str],
        kind: str = "suicide",
        severity_changes: tuple[tuple[int, int], ...] = (),
    ) -> Case:
        history = [StatusChange(on=day(ago), status=s) for ago, s in changes] or [
            StatusChange(on=day(5), status="active")
        ]
        self.lists["risks"].append(
            Risk(
                kind=kind,
                description="risk",
                severity=severity,
                history=history,
                severity_history=[StatusChange(on=day(a), status=s) for a, s in severity_changes],
            )
        )
        return self

    def risk_event(self, ago: int, kind: str = "overdose") -> Case:
        self.lists["risk_events"].append(RiskEvent(on=day(ago), kind=kind))
        return self

    def medication(
        self, name: str, *screens_as: str, start_ago: int = 60, stop_ago: int | None = None
    ) -> Case:
        self.lists["medications"].append(
            Medication(
                name=name,
                screens_as=list(screens_as),
                start=day(start_ago),
                stop=None if stop_ago is None else day(stop_ago),
                moud=True,
            )
        )
        return self

    def naloxone(self, ago: int, on_hand: bool = True) -> Case:
        self.lists["naloxone_checks"].append(NaloxoneCheck(on_hand=on_hand, checked_on=day(ago)))
        return self

    # --- notes ---------------------------------------------------------------------------

    def note(
        self, ago: int, attendance: str = "attended", signed: bool = True, **extra: Any
    ) -> Case:
        self.notes.append({"ago": ago, "attendance": attendance, "signed": signed, **extra})
        return self

    def _attended_on(self, ago: int) -> dict[str, Any]:
        for spec in self.notes:
            if spec["ago"] == ago and spec["attendance"] == "attended" and spec["signed"]:
                return spec
        self.note(ago)
        return self.notes[-1]

    def sessions(
        self,
        attended: int,
        missed: int = 0,
        excused: int = 0,
        within: int = 30,
        craving: int | None = None,
    ) -> Case:
        """Session notes spread over the last ``within`` days, attended ones first in time."""
        kinds = ["attended"] * attended + ["missed"] * missed + ["excused"] * excused
        total = len(kinds)
        for i, kind in enumerate(kinds):
            ago = (i * within) // total if total else 0
            extra = {"craving": craving} if craving is not None and kind == "attended" else {}
            self.note(ago, kind, **extra)
        return self

    def craving(self, ago: int, rating: int) -> Case:
        self._attended_on(ago)["craving"] = rating
        return self

    def use(self, ago: int, *substances: str, use_ago: int | None = None) -> Case:
        self._attended_on(ago)["use"] = UseReport(
            used=True,
            substances=list(substances),
            use_date=None if use_ago is None else day(use_ago),
        )
        return self

    def screen(self, ago: int, **results: str) -> Case:
        """A drug screen: ``screen(3, cocaine="positive")``; no results means all negative."""
        results = results or {"alcohol": "negative", "cocaine": "negative", "opiates": "negative"}
        self._attended_on(ago)["screen"] = DrugScreen(
            results=[ScreenResult(substance=s, result=r) for s, r in results.items()]
        )
        return self

    def negative_screens(self, *agos: int) -> Case:
        for ago in agos:
            self.screen(ago)
        return self

    def measure(self, ago: int, measure: Phq9 | Gad7 | Bam) -> Case:
        self._attended_on(ago).setdefault("measures", []).append(measure)
        return self

    def phq9(self, ago: int, total: int, item9: int = 0) -> Case:
        return self.measure(ago, Phq9(items=phq9(total, item9)))

    def bam(self, ago: int, use: int = 0, risk: int = 0, protective: int = 20) -> Case:
        return self.measure(ago, Bam(items=bam(use, risk, protective)))

    # --- result --------------------------------------------------------------------------

    def build(self) -> Patient:
        notes = []
        for order, spec in enumerate(self.notes):
            spec = dict(spec)
            ago, signed = spec.pop("ago"), spec.pop("signed")
            written = at(ago, 18) + timedelta(seconds=order)  # later builder calls write later
            notes.append(
                ProgressNote(
                    date_of_service=day(ago),
                    written_at=written,
                    session_type="group",
                    author="J. Park",
                    signed_at=at(ago, 19) if signed else None,
                    signed_by="J. Park" if signed else "",
                    **spec,
                )
            )
        problems = []
        if self.objective_list:
            problems = [
                Problem(
                    title="Alcohol use disorder",
                    goals=[Goal(text="Stay sober", objectives=self.objective_list)],
                )
            ]
        return Patient(
            **self.fields,
            **self.lists,
            level_history=self.levels,
            problems=problems,
            notes=notes,
        )


def ready(
    attended: int = 15, missed: int = 0, excused: int = 0, craving: int | None = 2, **case: Any
) -> Case:
    """Meets every step-down criterion on D: 2.1 at 4 days / 12 h for 60 days, sober 70 days.

    Screens (2, 8, 16, 22 days ago) and the latest PHQ-9 (4 days ago) sit on attended session
    notes that count among ``attended``; the rest are spread over the last 30 days.
    """
    built = (
        Case(**case)
        .set(last_use_at_intake=day(70))
        .objectives(achieved=4)
        .negative_screens(2, 8, 16, 22)
        .phq9(4, 6)
        .phq9(58, 12)
        .relapse_plan(20)
        .support()
        .review(10)
    )
    if craving is not None:
        for ago in (2, 4, 8, 16, 22):
            built.craving(ago, craving)
    return built.sessions(attended - 5, missed, excused, within=30, craving=craving)
