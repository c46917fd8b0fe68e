"""Documenting a group: the keys it takes, and how fast the group screen opens.

    python bench/group_session.py [--size clinic] [--runs 5]

- keys: the 10-member group of tests/ui/group_factory.py (8 present, 1 excused, 1 absent)
  documented through Pilot exactly as the Pilot test does it: ``G``, shared part, every present
  member's ratings and text, sign, confirm. Counted: every key pressed that is not typed text
  (tab, ctrl+..., rating letters and digits); typed text is reported as characters. Counted
  twice: with the attendance recorded before, and with it recorded by keys in the attendance
  form the group screen opens (one key per member). The note form's per-patient route needed
  ~150 keys.
- open: ``GroupSessionScreen`` pushed -> painted (headless, 120x40) for a 12-member group with
  attendance and a draft group note, in a private copy of the caseload of ``--size``; the
  median of ``--runs`` openings after a first one (reported apart: right after the file is
  loaded, Python's first full garbage collection walks the whole parsed file, ~0.2 s at
  clinic size, and lands in whichever screen opens first). The process's CPU time for the same
  openings is printed too: on a shared, loaded machine it shows the screen's own cost.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import time as clock_time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
TESTS_UI = BENCH_DIR.parent / "tests" / "ui"


AFTER_THE_GROUP = clock_time(21, 30)
"""When the keystroke benchmark documents the 18:00-21:00 group: a session's notes are signed
only once it has begun (at noon, the clock's default, signing refused and the count measured
a flow that signs nobody)."""


def _workspace(path: Path, today, at=None):  # type: ignore[no-untyped-def]
    from common import opened_as_the_app_opens

    from tplan.services import FixedClock, Workspace

    records = opened_as_the_app_opens(path, "J. Park")
    clock = FixedClock(today) if at is None else FixedClock(today, at)
    return Workspace(records, clock, clinician="J. Park")


async def _document(path: Path, today, attendance: bool) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from group_factory import (
        ABSENT,
        EXCUSED,
        MEMBER_NAMES,
        KeyCounter,
        document_group,
        record_attendance_by_keys,
    )

    from tplan.ui.app import make_app

    present = [n for n in sorted(MEMBER_NAMES) if n not in (EXCUSED, ABSENT)]
    workspace = _workspace(path, today, AFTER_THE_GROUP)
    try:
        app = make_app(workspace, idle_privacy_minutes=None)
        async with app.run_test(size=(120, 40)) as pilot:
            counter = KeyCounter(pilot)
            await counter.press("G")
            await pilot.pause()
            await pilot.pause()
            if attendance:
                await record_attendance_by_keys(counter)
            await document_group(counter, present)
        signed = sum(
            1 for p in workspace.patients() for n in p.notes if n.group_note_id and n.signed
        )
    finally:
        workspace.close()
    return {
        "non_text_keys": len(counter.keys),
        "typed_chars": counter.typed_chars,
        "members_signed": signed,
    }


def keystrokes() -> dict[str, float]:
    """Keys to document the 10-member group and sign it: with the attendance recorded
    before, and recorded by keys in the attendance form the group screen opens."""
    from datetime import date

    from group_factory import record_attendance, seed_group

    today = date(2026, 3, 12)
    result: dict[str, float] = {}
    for attendance in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "group.json"
            workspace = _workspace(path, today)
            try:
                group = seed_group(workspace, today)
                if not attendance:
                    record_attendance(workspace, group, today)
            finally:
                workspace.close()
            counted = asyncio.run(_document(path, today, attendance))
        if attendance:
            result["non_text_keys_with_attendance"] = counted["non_text_keys"]
        else:
            result.update(counted)
    return result


def _clinic_group(path: Path, members: int) -> object:
    """A group of ``members`` active patients meeting on the benchmark's day, with attendance
    (all present but two) and a draft group note with the shared part and half the members."""
    from generate import ANCHOR

    from tplan.domain import (
        AttendanceStatus,
        RosterEntry,
        TreatmentGroup,
        TreatmentGroupKind,
        Weekday,
        WeeklyPattern,
    )
    from tplan.services import Mark, SessionKey

    workspace = _workspace(path, ANCHOR)
    try:
        patients = workspace.patients()[:members]
        start = max(p.admission_date for p in patients)
        group = workspace.save_group(
            TreatmentGroup(
                name="Bench evening group",
                kind=TreatmentGroupKind.PROCESS_SUPPORT,
                facilitators=["J. Park"],
                active_from=start,
                schedule=[
                    WeeklyPattern(
                        start=start,
                        weekdays=[Weekday.of(ANCHOR)],
                        start_time=clock_time(18),
                        duration_minutes=180,
                    )
                ],
                roster=[RosterEntry(patient_id=p.id, joined=start) for p in patients],
            )
        )
        key = SessionKey(group.id, ANCHOR)
        session = workspace.session(key)
        marks = {p.id: Mark(AttendanceStatus.PRESENT) for p in patients}
        marks[patients[-1].id] = Mark(AttendanceStatus.ABSENT)
        marks[patients[-2].id] = Mark(AttendanceStatus.EXCUSED, reason="work")
        session, _ = workspace.record_attendance(session, marks)
        note = workspace.group_note(session)
        parts = [
            m.model_copy(update={"sections": {"assessment": "Engaged.", "plan": "Continue."}})
            if m.attended and n % 2 == 0
            else m
            for n, m in enumerate(note.members)
        ]
        shared = note.shared.model_copy(update={"topic": "Triggers", "content": "HALT."})
        workspace.save_group_note(note.model_copy(update={"shared": shared, "members": parts}))
        return key
    finally:
        workspace.close()


async def _open_times(path: Path, key: object, runs: int) -> tuple[list[float], list[float]]:
    """``runs + 1`` openings; the first one also pays the first full garbage collection of
    the freshly loaded file (reported apart, not in the median)."""
    from generate import ANCHOR

    from tplan.ui.app import make_app
    from tplan.ui.screens.group_session import GroupSessionScreen

    workspace = _workspace(path, ANCHOR)
    times: list[float] = []
    cpu: list[float] = []
    try:
        app = make_app(workspace, idle_privacy_minutes=None)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause(0.1)
            for _ in range(runs + 1):
                painted = asyncio.Event()
                start = time.perf_counter()
                start_cpu = time.process_time()
                app.push_screen(GroupSessionScreen(key))
                while not (isinstance(app.screen, GroupSessionScreen) and app.screen.ready):
                    await asyncio.sleep(0)
                app.screen.call_after_refresh(painted.set)
                await painted.wait()
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
                await pilot.press("escape")
                await pilot.pause(0.1)
                await app.workers.wait_for_complete()
    finally:
        workspace.close()
    return times, cpu


def measure(size: str, runs: int, members: int = 12) -> dict[str, float]:
    from common import median, working_copy

    result = keystrokes()
    with tempfile.TemporaryDirectory() as tmp:
        path = working_copy(size, Path(tmp))
        key = _clinic_group(path, members)
        times, cpu = asyncio.run(_open_times(path, key, runs))
    result["open_group_first_ms"] = 1000 * times[0]
    result["open_group_ms"] = 1000 * median(times[1:])
    result["open_group_cpu_ms"] = 1000 * median(cpu[1:])
    result["members"] = members
    return result


def main(argv: list[str] | None = None) -> int:
    from common import size_runs_main

    return size_runs_main(measure, "keys to document a group; group screen open", "clinic", argv)


sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(TESTS_UI))

if __name__ == "__main__":
    raise SystemExit(main())
