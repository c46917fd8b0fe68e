"""Reading a patient's record as of a date D: signed notes, use events, screens, instruments.

Only records dated <= D count, and only signed notes (drafts are alerts, never evidence).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Generic, Literal, TypeVar

from tplan.clinical.policy import Policy
from tplan.domain import (
    Bam,
    Gad7,
    Patient,
    Phq9,
    ProgressNote,
    ScreenResult,
    ScreenResultValue,
)

ScreenStatus = Literal["negative", "positive", "invalid"]
M = TypeVar("M", Phq9, Gad7, Bam)


def window_start(as_of: date, days: int) -> date:
    """First day of a window of ``days`` days ending on ``as_of`` (D-N+1 .. D inclusive)."""
    return as_of - timedelta(days=days - 1)


def in_window(day: date, as_of: date, days: int) -> bool:
    return window_start(as_of, days) <= day <= as_of


def signed_notes(
    patient: Patient, as_of: date, having: Callable[[ProgressNote], object] | None = None
) -> list[ProgressNote]:
    """Signed notes with a date of service on or before D, oldest first (stable order).

    ``having`` keeps only the notes that hold something (a screen, a use report): filtering
    before sorting gives the same order and spares sorting every note of a long record.
    """
    notes = [
        n
        for n in patient.notes
        if (having is None or having(n)) and n.signed and n.date_of_service <= as_of
    ]
    return sorted(notes, key=_note_order)


def _note_order(note: ProgressNote) -> tuple[date, datetime, str]:
    return (note.date_of_service, note.written_at, note.id)


@dataclass(frozen=True, slots=True)
class UseEvent:
    """One use event: at most one per calendar date, merging reports and screen positives."""

    on: date
    reported: bool = False
    reported_substances: tuple[str, ...] = ()
    screen_positives: tuple[str, ...] = ()

    @property
    def substances(self) -> frozenset[str]:
        return frozenset(self.reported_substances) | frozenset(self.screen_positives)

    def describe(self) -> str:
        """E.g. ``2026-03-02 reported alcohol; UDS positive cocaine``."""
        parts: list[str] = []
        if self.reported:
            what = ", ".join(self.reported_substances) or "use (substance not recorded)"
            parts.append(f"reported {what}")
        if self.screen_positives:
            parts.append(f"UDS positive {', '.join(self.screen_positives)}")
        return f"{self.on.isoformat()} {'; '.join(parts)}"


@dataclass(frozen=True, slots=True)
class Screen:
    on: date
    status: ScreenStatus
    unexpected: tuple[str, ...] = ()
    expected: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Dated(Generic[M]):
    on: date
    measure: M


@dataclass(slots=True)
class _Candidate:
    reported: bool = False
    reported_substances: set[str] = field(default_factory=set)
    positives: set[str] = field(default_factory=set)


def _expected_substances(patient: Patient, on: date, policy: Policy) -> set[str]:
    names: set[str] = set()
    for medication in patient.medications:
        if medication.active_on(on):
            names.add(policy.canonical_substance(medication.name))
            names.update(policy.canonical_substance(s) for s in medication.screens_as)
    return names


def _is_expected(result: ScreenResult, expected: set[str], policy: Policy) -> bool:
    return result.expected or policy.canonical_substance(result.substance) in expected


def screens(patient: Patient, as_of: date, policy: Policy) -> list[Screen]:
    """Screens collected on or before D, oldest first, each judged negative/positive/invalid."""
    found: list[Screen] = []
    for note in signed_notes(patient, as_of, having=lambda n: n.screen is not None):
        on = note.screen_date()
        if note.screen is None or on is None or on > as_of:
            continue
        meds = _expected_substances(patient, on, policy)
        positives = [r for r in note.screen.results if r.result is ScreenResultValue.POSITIVE]
        unexpected = [r for r in positives if not _is_expected(r, meds, policy)]
        expected = [r for r in positives if _is_expected(r, meds, policy)]
        status: ScreenStatus = "negative"
        if unexpected:
            status = "positive"
        elif any(
            r.result not in (ScreenResultValue.NEGATIVE, ScreenResultValue.POSITIVE)
            for r in note.screen.results
        ):
            status = "invalid"
        found.append(
            Screen(
                on=on,
                status=status,
                unexpected=tuple(
                    sorted({policy.canonical_substance(r.substance) for r in unexpected})
                ),
                expected=tuple(sorted({policy.canonical_substance(r.substance) for r in expected})),
            )
        )
    return sorted(found, key=lambda s: s.on)


def consecutive_negatives(found: list[Screen]) -> int:
    """Negative screens in a row, counted back from the latest screen."""
    count = 0
    for screen in reversed(found):
        if screen.status != "negative":
            break
        count += 1
    return count


def use_events(patient: Patient, as_of: date, policy: Policy) -> list[UseEvent]:
    """Use events on or before D, oldest first (dedup per date, carryover per substance).

    A positive for a substance within its carryover window after an earlier event involving
    that substance is not a new event. The last use recorded at intake counts as an earlier
    event for the patient's primary substances, so an intake screen is not read as new use.
    """
    candidates: dict[date, _Candidate] = {}
    for note in signed_notes(patient, as_of, having=lambda n: n.use is not None):
        if note.use is not None and note.use.used:
            on = note.use.use_date or note.date_of_service
            if on <= as_of:
                slot = candidates.setdefault(on, _Candidate())
                slot.reported = True
                slot.reported_substances.update(
                    policy.canonical_substance(s) for s in note.use.substances
                )
    for screen in screens(patient, as_of, policy):
        if screen.unexpected:
            candidates.setdefault(screen.on, _Candidate()).positives.update(screen.unexpected)

    last_event: dict[str, date] = {}
    intake = patient.last_use_at_intake
    if intake is not None and intake <= as_of:
        for substance in patient.primary_substances:
            last_event[policy.canonical_substance(substance)] = intake

    events: list[UseEvent] = []
    for on in sorted(candidates):
        slot = candidates[on]
        new_positives = {
            s
            for s in slot.positives
            if not (s in last_event and 0 < (on - last_event[s]).days <= policy.carryover(s))
        }
        if not slot.reported and not new_positives:
            continue
        event = UseEvent(
            on=on,
            reported=slot.reported,
            reported_substances=tuple(sorted(slot.reported_substances)),
            screen_positives=tuple(sorted(new_positives)),
        )
        events.append(event)
        for substance in event.substances:
            last_event[substance] = on
    return events


def measures(patient: Patient, as_of: date, kind: type[M]) -> list[Dated[M]]:
    """Instruments of one kind given on or before D, oldest first."""
    found: list[Dated[M]] = []
    for note in signed_notes(patient, as_of, having=lambda n: n.measures):
        for measure in note.measures:
            on = measure.on or note.date_of_service
            if isinstance(measure, kind) and on <= as_of:
                found.append(Dated(on=on, measure=measure))
    return sorted(found, key=lambda d: d.on)


def craving_by_date(notes: Iterable[ProgressNote]) -> dict[date, int]:
    """One craving rating per date: the latest written if several notes rate it."""
    ratings: dict[date, int] = {}
    for note in sorted(notes, key=lambda n: (n.date_of_service, n.written_at, n.id)):
        if note.craving is not None:
            ratings[note.date_of_service] = note.craving
    return ratings
