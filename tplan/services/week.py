"""The week view's data: each day of a week (Monday to Sunday) with its sessions, each with its
roster, attendance recorded and notes signed, as the Today screen counts them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from tplan.clinical import SessionBook
from tplan.domain import Patient
from tplan.services.agenda import AgendaSession, NoteIndex, agenda_sessions


@dataclass(frozen=True, slots=True)
class WeekDay:
    on: date
    sessions: tuple[AgendaSession, ...]
    """In time order."""


@dataclass(frozen=True, slots=True)
class Week:
    monday: date
    days: tuple[WeekDay, ...]
    """Monday to Sunday."""

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_of(day: date, book: SessionBook, patients: Mapping[str, Patient]) -> Week:
    """The week holding ``day``; ``book`` must hold that week's sessions."""
    monday = monday_of(day)
    sunday = monday + timedelta(days=6)
    expected = book.expected_by_patient(patients.values(), monday, sunday)
    notes = NoteIndex(patients)
    days = tuple(
        WeekDay(on, tuple(agenda_sessions(on, expected, patients, notes)))
        for on in (monday + timedelta(days=n) for n in range(7))
    )
    return Week(monday=monday, days=days)
