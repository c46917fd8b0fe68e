"""Forms of the IOP week: a treatment group (create, edit its schedule), its members (join and
leave with dates), and a patient's recurring individual sessions.

Weekdays are typed as ``Mon/Wed/Thu`` (or ``mon wed thu``), times as ``18:00``. The rules
(a pattern needs a weekday, stays on the roster must not overlap ...) are the domain's: a
refused save shows its sentence beside the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult

from tplan.domain import (
    WEEKDAYS,
    IndividualSchedule,
    Patient,
    SessionType,
    TreatmentGroup,
    TreatmentGroupKind,
    Weekday,
    WeeklyPattern,
)
from tplan.ui.forms.base import FieldReader, FormScreen
from tplan.ui.forms.fields import (
    FieldRow,
    Fields,
    choice,
    date_input,
    enum_options,
    number_input,
    text_input,
)
from tplan.ui.forms.parsing import parse_int, parse_list

if TYPE_CHECKING:
    from tplan.services import Workspace

_TIME = re.compile(r"^(\d{1,2})[:.h]?(\d{2})?$")


def parse_time(text: str) -> time | None:
    """``18:00``, ``18.00``, ``1800`` or ``18``; blank gives None."""
    value = text.strip().lower()
    if not value:
        return None
    match = _TIME.match(value)
    if match is None:
        raise ValueError("type a time like 18:00")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise ValueError("type a time like 18:00")
    return time(hour, minute)


def parse_weekdays(text: str) -> list[Weekday]:
    """``Mon/Wed/Thu``, ``mon wed thu`` or ``monday, wednesday``."""
    days = []
    for part in re.split(r"[\s/,;]+", text.strip().lower()):
        if not part:
            continue
        match = next((d for d in WEEKDAYS if part.startswith(d.value)), None)
        if match is None:
            raise ValueError(f"{part!r} is not a weekday (Mon, Tue ... Sun)")
        days.append(match)
    return days


def weekdays_text(days: list[Weekday]) -> str:
    return "/".join(day.label for day in days)


def _read_time(r: FieldReader, key: str) -> time | None:
    try:
        value = parse_time(r.text(key))
    except ValueError as exc:
        r.fail(key, str(exc))
        return None
    if value is None:
        r.fail(key, "is required")
    return value



def span_rows(
    form: FormScreen[Any],
    start: tuple[str, str, date | None],
    end: tuple[str, str, date | None],
    end_hint: str,
) -> ComposeResult:
    """Two date rows, (key, label, value) each: a required first day and an optional end."""
    for (key, label, value), last in ((start, False), (end, True)):
        yield FieldRow(
            label,
            date_input(key, value, form.today, required=not last),
            key=key,
            hint=end_hint if last else "",
        )

class GroupForm(FormScreen[TreatmentGroup]):
    """A new treatment group, or an existing one's details and weekly schedule."""

    NOUN = "treatment group"
    MODEL_ERROR_KEY = "name"

    def __init__(self, workspace: Workspace, group_id: str | None = None) -> None:
        super().__init__(workspace, None)
        self.group = workspace.group(group_id) if group_id else None

    def heading(self) -> str:
        return f"Group · {self.group.name}" if self.group else "New treatment group"

    def compose_fields(self) -> ComposeResult:
        g = self.group
        f = Fields(g, self.today)
        pattern = g.pattern if g else None
        yield f.text("Name", "name")
        yield f.choice("Kind", "kind", enum_options(TreatmentGroupKind))
        yield FieldRow(
            "Facilitators",
            text_input(
                "facilitators",
                ", ".join(g.facilitators) if g else self.workspace.clinician,
                placeholder="comma-separated",
            ),
        )
        yield f.text("Location", "location")
        yield FieldRow(
            "Weekdays",
            text_input(
                "weekdays",
                weekdays_text(pattern.weekdays) if pattern else "",
                placeholder="Mon/Wed/Thu",
            ),
            claims=("schedule.weekdays", "schedule"),
        )
        yield FieldRow(
            "Starts at",
            text_input("start_time", f"{pattern.start_time:%H:%M}" if pattern else ""),
        )
        yield FieldRow(
            "Minutes",
            number_input(
                "duration", pattern.duration_minutes if pattern else 180,
                lambda t: parse_int(t, 5, 720),
            ),
            claims=("schedule.duration_minutes",),
        )
        yield from span_rows(
            self,
            ("active_from", "Active from", g.active_from if g else self.today()),
            ("active_to", "Active until", g.active_to if g else None),
            "the last day it meets, if it ends",
        )
        if g is not None:
            yield self.day_row(
                "New schedule from",
                "pattern_from",
                hint="a changed day or time applies from this date; earlier weeks keep theirs",
            )

    def build(self) -> TreatmentGroup:
        r = FieldReader(self)
        try:
            weekdays = parse_weekdays(r.text("weekdays"))
        except ValueError as exc:
            r.fail("weekdays", str(exc))
            weekdays = []
        start = _read_time(r, "start_time")
        duration = r.int("duration", 5, 720, required=True)
        active_from = r.date("active_from", required=True)
        active_to = r.date("active_to")
        pattern_from = r.date("pattern_from", required=True) if self.group else active_from
        r.check()
        assert active_from is not None and pattern_from is not None
        pattern = WeeklyPattern(
            start=pattern_from if self.group else active_from,
            weekdays=weekdays,
            start_time=start,
            duration_minutes=duration,
        )
        schedule = list(self.group.schedule) if self.group else []
        current = self.group.pattern if self.group else None
        if current is None or (
            (current.weekdays, current.start_time, current.duration_minutes)
            != (pattern.weekdays, pattern.start_time, pattern.duration_minutes)
        ):
            schedule = [p for p in schedule if p.start != pattern.start] + [pattern]
        fields: dict[str, Any] = {
            "name": r.text("name"),
            "kind": r.choice("kind"),
            "facilitators": parse_list(r.text("facilitators")),
            "location": r.text("location"),
            "active_from": active_from,
            "active_to": active_to,
            "schedule": schedule,
            "roster": list(self.group.roster) if self.group else [],
        }
        if self.group is not None:
            fields["id"] = self.group.id
        return TreatmentGroup.model_validate(fields)

    def persist(self, payload: TreatmentGroup) -> TreatmentGroup:
        return self.workspace.save_group(payload)


@dataclass(frozen=True)
class RosterChange:
    join: tuple[str, date] | None
    leave: tuple[str, date] | None


class GroupMembersForm(FormScreen[TreatmentGroup]):
    """Add a patient to a group from a date, and/or record that a member left on a date."""

    NOUN = "group members"
    MODEL_ERROR_KEY = "join_patient"

    def __init__(self, workspace: Workspace, group_id: str) -> None:
        super().__init__(workspace, None)
        self.group = workspace.group(group_id)
        today = workspace.clock.today()
        members = set(self.group.members_on(today))
        patients = workspace.patients()
        self.joinable = [(p.display_name, p.id) for p in patients if p.id not in members]
        self.current = [(p.display_name, p.id) for p in patients if p.id in members]

    def heading(self) -> str:
        return f"Members · {self.group.name} ({len(self.current)} today)"

    def compose_fields(self) -> ComposeResult:
        yield FieldRow(
            "Add patient",
            choice("join_patient", self.joinable, None, blank=True, prompt="nobody", classes=""),
        )
        yield FieldRow("Joins on", date_input("joined", self.today(), self.today))
        yield FieldRow(
            "Member leaving",
            choice("leave_patient", self.current, None, blank=True, prompt="nobody", classes=""),
        )
        yield FieldRow(
            "Leaves on",
            date_input("left", self.today(), self.today),
            hint="not expected from this day on",
        )

    def build(self) -> RosterChange:
        r = FieldReader(self)
        join = r.choice("join_patient", required=False)
        leave = r.choice("leave_patient", required=False)
        joined = r.date("joined", required=join is not None)
        left = r.date("left", required=leave is not None)
        if join is None and leave is None:
            r.fail("join_patient", "choose a patient to add or a member who leaves")
        r.check()
        return RosterChange(
            join=(join, joined) if join is not None and joined else None,
            leave=(leave, left) if leave is not None and left else None,
        )

    def persist(self, payload: RosterChange) -> TreatmentGroup:
        group = self.group
        if payload.leave is not None:
            group = self.workspace.remove_member(group.id, *payload.leave)
        if payload.join is not None:
            group = self.workspace.add_member(group.id, *payload.join)
        return group


class IndividualScheduleForm(FormScreen[Patient | None]):
    """A patient's recurring individual (or family) session: a weekday every N weeks."""

    NOUN = "individual sessions"
    MODEL_ERROR_KEY = "weekday"

    def __init__(self, workspace: Workspace, patient_id: str, schedule_id: str | None = None):
        super().__init__(workspace, patient_id)
        assert self.patient is not None
        self.schedule = next(
            (s for s in self.patient.individual_schedules if s.id == schedule_id), None
        )

    def compose_fields(self) -> ComposeResult:
        s = self.schedule
        f = Fields(s, self.today)
        yield f.choice(
            "Type",
            "session_type",
            [("individual", SessionType.INDIVIDUAL), ("family", SessionType.FAMILY)],
            SessionType.INDIVIDUAL,
        )
        yield f.choice("Weekday", "weekday", [(d.label, d) for d in WEEKDAYS])
        yield f.number("Every N weeks", "every_weeks", lambda t: parse_int(t, 1, 8), 1)
        yield FieldRow(
            "Starts at",
            text_input("start_time", f"{s.start_time:%H:%M}" if s else "", placeholder="13:00"),
        )
        yield FieldRow(
            "Minutes",
            number_input("duration", s.duration_minutes if s else 50,
                         lambda t: parse_int(t, 5, 720)),
            claims=("duration_minutes",),
        )
        yield f.text("Clinician", "clinician", self.workspace.clinician)
        yield from span_rows(
            self,
            ("starts", "From", s.starts if s else self.today()),
            ("stopped", "Stops on", s.stopped if s else None),
            "no session from this day on",
        )

    def build(self) -> IndividualSchedule:
        r = FieldReader(self)
        start = _read_time(r, "start_time")
        fields: dict[str, Any] = {
            "session_type": r.choice("session_type"),
            "weekday": r.choice("weekday"),
            "every_weeks": r.int("every_weeks", 1, 8, required=True),
            "duration_minutes": r.int("duration", 5, 720, required=True),
            "clinician": r.text("clinician"),
            "starts": r.date("starts", required=True),
            "stopped": r.date("stopped"),
        }
        r.check()
        if self.schedule is not None:
            fields["id"] = self.schedule.id
        return IndividualSchedule.model_validate({**fields, "start_time": start})

    def persist(self, payload: IndividualSchedule) -> Patient:
        assert self.patient_id is not None
        return self.workspace.save_individual_schedule(self.patient_id, payload)
