"""A 10-member evening group and a counselor documenting it by keys.

Shared by the Pilot tests (tests/ui/test_group_session.py) and the keystroke benchmark
(bench/group_session.py), so both drive the same group the same way. Every name is invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from counselor_steps import workers_done
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from tplan.domain import (
    AttendanceStatus,
    Goal,
    LevelChange,
    LevelCode,
    Objective,
    ObjectiveStatus,
    Patient,
    Problem,
    RosterEntry,
    StatusChange,
    TreatmentGroup,
    TreatmentGroupKind,
    Weekday,
    WeeklyPattern,
)
from tplan.services import Mark, SessionKey, Workspace

MEMBER_NAMES = (
    "Avery Quill",
    "Bo Marchetti",
    "Casey Thistlewood",
    "Dara Fenwick",
    "Emery Stroud",
    "Finley Ashgrove",
    "Gale Brightwater",
    "Harper Vance",
    "Indy Rowntree",
    "Jules Okonkwo",
)
EXCUSED = "Emery Stroud"
ABSENT = "Finley Ashgrove"
SHARED_TOPIC = "High-risk situations over the holidays"
SHARED_CONTENT = "Psychoeducation on HALT; role-play of refusing a drink at a family meal."


def member(name: str, admitted: date) -> Patient:
    objectives = [
        Objective(
            text=text,
            history=[
                StatusChange[ObjectiveStatus](on=admitted, status=ObjectiveStatus.IN_PROGRESS)
            ],
        )
        for text in ("Name five triggers and a coping step", "Attend two mutual-help meetings")
    ]
    return Patient(
        display_name=name,
        birth_date=date(1988, 6, 1),
        admission_date=admitted,
        counselor="J. Park",
        level_history=[
            LevelChange(start=admitted, level=LevelCode.L2_1, days_per_week=3, hours_per_week=9)
        ],
        problems=[
            Problem(title="Alcohol use", goals=[Goal(text="Stay sober", objectives=objectives)])
        ],
    )


def seed_group(ws: Workspace, today: date, names: tuple[str, ...] = MEMBER_NAMES) -> TreatmentGroup:
    """Admit the members and put them in an evening group that meets ``today``."""
    admitted = today - timedelta(days=40)
    ids = [ws.admit(member(name, admitted)).id for name in names]
    return ws.save_group(
        TreatmentGroup(
            name="Relapse prevention",
            kind=TreatmentGroupKind.RELAPSE_PREVENTION,
            facilitators=["J. Park", "R. Osei"],
            active_from=admitted,
            schedule=[
                WeeklyPattern(
                    start=admitted,
                    weekdays=[Weekday.of(today)],
                    start_time=time(18),
                    duration_minutes=180,
                )
            ],
            roster=[RosterEntry(patient_id=pid, joined=admitted) for pid in ids],
        )
    )


def record_attendance(ws: Workspace, group: TreatmentGroup, today: date) -> None:
    """8 present, Emery excused (court), Finley absent."""
    session = ws.session(SessionKey(group.id, today))
    names = {p.id: p.display_name for p in ws.session_roster(session)}
    marks = {
        pid: Mark(AttendanceStatus.EXCUSED, reason="court")
        if name == EXCUSED
        else Mark(AttendanceStatus.ABSENT)
        if name == ABSENT
        else Mark(AttendanceStatus.PRESENT)
        for pid, name in names.items()
    }
    ws.record_attendance(session, marks)


def own_text(name: str) -> tuple[str, str]:
    """The assessment and plan written for one member (naming only that member)."""
    first = name.split()[0]
    return (f"{first} named two triggers and practised refusal.", f"{first}: meeting Thursday.")


@dataclass
class KeyCounter:
    """Presses keys through Pilot and counts them; typed text is set, not counted."""

    pilot: Pilot[None]
    keys: list[str] = field(default_factory=list)
    typed_chars: int = 0

    async def press(self, *keys: str) -> None:
        self.keys.extend(keys)
        await self.pilot.press(*keys)

    async def type_into_focus(self, text: str) -> None:
        """Text as a counselor types it (set at once: Pilot key by key is slow)."""
        focused = self.pilot.app.focused
        if isinstance(focused, TextArea):
            focused.text = text
        elif isinstance(focused, Input):
            focused.value = text
        else:
            raise AssertionError(f"no text field has focus ({focused!r})")
        self.typed_chars += len(text)
        await self.pilot.pause()


async def document_group(counter: KeyCounter, names: list[str]) -> None:
    """From the opened group screen: the shared part, then every present member, then sign.

    ``names`` are the present members in roster order. Per member: craving digit,
    participation letter (focus goes on to the text), assessment, tab, plan, and every other
    member "n" (objectives no change) before the text; ``ctrl+down`` to the next one.
    """
    await counter.type_into_focus(SHARED_TOPIC)
    await counter.press("tab")
    await counter.type_into_focus(SHARED_CONTENT)
    await counter.press("ctrl+r")
    for n, name in enumerate(names):
        keys = ["3", "n", "e"] if n % 2 == 0 else ["2", "e"]
        await counter.press(*keys)
        assessment, plan = own_text(name)
        await counter.type_into_focus(assessment)
        await counter.press("tab")
        await counter.type_into_focus(plan)
        if n + 1 < len(names):
            await counter.press("ctrl+down")
    await counter.press("ctrl+g")
    await counter.pilot.pause()
    await counter.press("y")
    await workers_done(counter.pilot.app)
    await counter.pilot.pause()


async def record_attendance_by_keys(counter: KeyCounter) -> None:
    """In the attendance form the group screen opens: p for each present member, e (with
    "court" typed as the reason) for Emery, a for Finley, then ctrl+s."""
    await counter.press("p", "p", "p", "p", "e")
    await counter.type_into_focus("court")
    await counter.press("enter", "e", "a", "p", "p", "p", "p", "ctrl+s")
    await workers_done(counter.pilot.app)
    await counter.pilot.pause()
