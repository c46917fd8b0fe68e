"""The demo's IOP week: three groups covering the caseload, ten weeks of realistic attendance,
today partly recorded, and suggestions that read the sessions (still all six kinds)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest
from services_factories import regenerate_demo

from tplan.clinical import SessionBook, suggest
from tplan.domain import AttendanceStatus, Patient, SessionStatus, Suggestion, SuggestionKind
from tplan.services.demo import (
    DEMO_ANCHOR,
    EXPECTED_KINDS,
    SESSIONS_FILE,
    demo_file,
    load_demo,
    load_demo_sessions,
)

TODAYS = (DEMO_ANCHOR, date(2031, 7, 9), DEMO_ANCHOR + timedelta(days=3))
TODAY_IDS = ["anchor", "other-day", "a-thursday-later"]


@cache
def demo(today: date) -> tuple[list[Patient], SessionBook, dict[str, Suggestion]]:
    patients = [p for p in load_demo(today) if p.active]
    bundle = load_demo_sessions(today)
    book = SessionBook.build(bundle.groups, bundle.sessions, bundle.attendance)
    return patients, book, {p.id: suggest(p, today, book=book) for p in patients}


@pytest.mark.parametrize("today", TODAYS, ids=TODAY_IDS)
def test_all_six_kinds_with_sessions_and_one_changed_by_recorded_misses(today: date) -> None:
    patients, _, with_sessions = demo(today)
    assert {s.kind for s in with_sessions.values()} == set(SuggestionKind)
    changed = {p.id for p in patients if with_sessions[p.id].kind is not EXPECTED_KINDS[p.id]}
    assert changed == {"demo-tamsin-orchard"}
    tamsin = with_sessions["demo-tamsin-orchard"]
    assert tamsin.kind is SuggestionKind.CONTINUE
    assert suggest(next(p for p in patients if p.id == "demo-tamsin-orchard"), today).kind is (
        SuggestionKind.STEP_DOWN
    )
    (attendance,) = [c for c in tamsin.step_down_criteria if c.criterion == "attendance"]
    assert attendance.message == "attendance 87% over 30 days (29 of 33), needs >= 90%"


@pytest.mark.parametrize("today", TODAYS, ids=TODAY_IDS)
def test_at_least_three_active_patients_below_full_attendance(today: date) -> None:
    _, _, with_sessions = demo(today)
    below = [
        pid
        for pid, s in with_sessions.items()
        if s.signals["attendance_source"] == "sessions"
        and s.signals["attendance_sustained_percent"] < 100
    ]
    assert len(below) >= 3
    assert all(s.signals["attendance_source"] == "sessions" for s in with_sessions.values())


@pytest.mark.parametrize("today", TODAYS, ids=TODAY_IDS)
def test_todays_evening_group_has_nine_members_seven_recorded_present(today: date) -> None:
    patients, book, _ = demo(today)
    todays = [e for p in patients for e in book.expected(p, today, today)]
    evening = [e for e in todays if e.label == "Evening relapse prevention"]
    assert len(evening) == 9
    statuses = Counter(e.record.status if e.record else None for e in evening)
    assert statuses == {AttendanceStatus.PRESENT: 7, None: 2}
    assert {e.label for e in todays} >= {"individual", "Evening relapse prevention"}


def test_three_groups_cover_every_active_patient_with_ten_weeks_of_sessions() -> None:
    patients, book, _ = demo(DEMO_ANCHOR)
    bundle = load_demo_sessions(DEMO_ANCHOR)
    assert sorted(g.name for g in bundle.groups) == [
        "Evening relapse prevention",
        "Family group",
        "Morning skills",
    ]
    assert all(book.groups_of.get(p.id) for p in patients)
    assert all(len(book.one_offs[p.id]) >= 4 for p in patients)  # weekly individual sessions
    held = [s for s in bundle.sessions if s.group_id and s.status is SessionStatus.HELD]
    first = min(s.on for s in held)
    assert (DEMO_ANCHOR - first).days >= 69
    cancelled = [s for s in bundle.sessions if s.cancelled]
    assert cancelled and all(
        "holiday" in s.cancel_reason or "closed" in s.cancel_reason for s in cancelled
    )
    statuses = Counter(r.status for r in bundle.attendance)
    assert statuses[AttendanceStatus.LATE] >= 5
    assert statuses[AttendanceStatus.EXCUSED] >= 1
    assert statuses[AttendanceStatus.ABSENT] >= 5


def test_weekdays_move_with_the_dates() -> None:
    wednesday = DEMO_ANCHOR + timedelta(days=2)
    evening = next(g for g in load_demo_sessions(wednesday).groups if g.id == "gr-evening-rp")
    assert evening.meets_on(wednesday)
    assert [d.value for d in evening.pattern.weekdays] == ["wed", "fri", "sat"]  # from M/W/Th


def test_the_generator_regenerates_the_bundled_sessions_identically(tmp_path: Path) -> None:
    out = tmp_path / "demo_caseload.json"
    regenerate_demo(out)
    assert (tmp_path / SESSIONS_FILE).read_bytes() == demo_file(SESSIONS_FILE).read_bytes()
    assert (tmp_path / SESSIONS_FILE).stat().st_mode & 0o777 == 0o600
