"""The patient screen's lists: plan tree, SNAP, risks, supports, notes, written plans.

Each list is an OptionList whose option ids say what a line is (``objective:<id>``), so
``enter`` knows which form to open. Every piece of user text goes in as ``rich.text.Text``
(never markup).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tplan.domain import (
    GoalStatus,
    ObjectiveStatus,
    Patient,
    ProgressNote,
    RiskStatus,
    SupportStatus,
)
from tplan.domain.plan import WrittenPlan

STATUS_SYMBOL: dict[ObjectiveStatus, str] = {
    ObjectiveStatus.ACHIEVED: "✔",
    ObjectiveStatus.IN_PROGRESS: "◐",
    ObjectiveStatus.NOT_STARTED: "○",
    ObjectiveStatus.NOT_ACHIEVED: "✖",
    ObjectiveStatus.CANCELLED: "—",
}
STATUS_STYLE: dict[ObjectiveStatus, str] = {
    ObjectiveStatus.ACHIEVED: "green",
    ObjectiveStatus.IN_PROGRESS: "yellow",
    ObjectiveStatus.NOT_STARTED: "",
    ObjectiveStatus.NOT_ACHIEVED: "red",
    ObjectiveStatus.CANCELLED: "dim",
}
STATUS_CYCLE: tuple[ObjectiveStatus, ...] = (
    ObjectiveStatus.NOT_STARTED,
    ObjectiveStatus.IN_PROGRESS,
    ObjectiveStatus.ACHIEVED,
    ObjectiveStatus.NOT_ACHIEVED,
    ObjectiveStatus.CANCELLED,
)
"""``space`` on an objective moves it to the next status in this order."""


def next_status(status: ObjectiveStatus) -> ObjectiveStatus:
    return STATUS_CYCLE[(STATUS_CYCLE.index(status) + 1) % len(STATUS_CYCLE)]


def words(value: str) -> str:
    return value.replace("_", " ")


def short_date(day: date | None, today: date | None = None) -> str:
    """``9 Mar``; the year too when it is not this year."""
    if day is None:
        return "—"
    if today is not None and day.year != today.year:
        return f"{day.day} {day:%b %Y}"
    return f"{day.day} {day:%b}"


@dataclass(frozen=True, slots=True)
class ItemRef:
    """What an option id points at: a kind and the record ids it needs."""

    kind: str
    item_id: str
    parent_id: str | None = None

    @property
    def option_id(self) -> str:
        return f"{self.kind}:{self.item_id}:{self.parent_id or ''}"

    @classmethod
    def parse(cls, option_id: str | None) -> ItemRef | None:
        if not option_id:
            return None
        kind, item_id, parent = option_id.split(":", 2)
        return cls(kind, item_id, parent or None)


@dataclass(frozen=True, slots=True)
class Row:
    """One list line: text on the left (wrapping under itself, indented), a status on the right.

    A plain renderable rather than a Rich table grid: the option list renders every line of a
    long plan when the screen opens, and a grid per line cost several times as much.
    """

    left: Text
    right: Text
    indent: int = 0

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        right_width = self.right.cell_len
        gap = 1 if right_width else 0
        room = max(1, width - self.indent - right_width - gap)
        lines = self.left.wrap(console, room, overflow="fold", no_wrap=False)
        pad = " " * self.indent
        for number, line in enumerate(lines):
            line.pad_right(room - line.cell_len)
            row = Text(pad)
            row.append_text(line)
            if number == 0 and right_width:
                row.append(" " * gap)
                row.append_text(self.right)
            row.truncate(width)
            yield row

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(options.max_width, options.max_width)


def _row(left: Text, right: Text | str = "", indent: int = 0) -> Row:
    return Row(left, right if isinstance(right, Text) else Text(right), indent)


def plan_options(patient: Patient, today: date) -> list[Option]:
    """Problems -> goals -> objectives -> interventions, with status symbols and dates."""
    options: list[Option] = []
    for p_index, problem in enumerate(patient.problems, start=1):
        title = Text.assemble((f"P{p_index} ", "bold"), (problem.title, "bold"))
        if problem.icd10:
            title.append(f" ({problem.icd10})", style="dim")
        if problem.patient_words:
            title.append("  “")
            title.append(problem.patient_words.splitlines()[0], style="italic")
            title.append("”")
        options.append(
            Option(
                _row(title, words(problem.status.value)),
                id=ItemRef("problem", problem.id).option_id,
            )
        )
        for goal in problem.goals:
            g_number = _number(patient, goal.id)
            text = Text.assemble((f"G{g_number} ", "bold"), goal.text.splitlines()[0])
            status = Text(
                words(goal.status.value), style="" if goal.status is GoalStatus.ACTIVE else "dim"
            )
            options.append(
                Option(_row(text, status, 2), id=ItemRef("goal", goal.id, problem.id).option_id)
            )
            for objective in goal.objectives:
                o_number = _number(patient, objective.id)
                state = objective.status
                symbol = STATUS_SYMBOL[state]
                text = Text.assemble((f"O{o_number} ", "bold"), objective.text.splitlines()[0])
                right = Text.assemble(
                    (f"{symbol} {words(state.value)}", STATUS_STYLE[state]),
                    "  ",
                    _target(objective.target_date, state, today),
                )
                options.append(
                    Option(
                        _row(text, right, 4),
                        id=ItemRef("objective", objective.id, goal.id).option_id,
                    )
                )
                for intervention in objective.interventions:
                    label = Text.assemble(("I ", "bold"), words(intervention.modality.value))
                    if intervention.description:
                        label.append(f" — {intervention.description}")
                    details = f"{intervention.times_per_week:g}×/wk"
                    if intervention.staff:
                        details += f" ({intervention.staff})"
                    if not intervention.active:
                        details += " · ended"
                    options.append(
                        Option(
                            _row(label, Text(details, style="dim"), 6),
                            id=ItemRef("intervention", intervention.id, objective.id).option_id,
                        )
                    )
    return options


def _target(target: date | None, state: ObjectiveStatus, today: date) -> Text:
    if target is None:
        return Text("no target", style="dim")
    text = Text(f"target {short_date(target, today)}")
    open_states = (ObjectiveStatus.NOT_STARTED, ObjectiveStatus.IN_PROGRESS)
    if state in open_states and target < today:
        text = Text(f"! past target {short_date(target, today)}", style="bold red")
    return text


def _number(patient: Patient, item_id: str) -> int:
    """Goals and objectives are numbered through the whole plan (G1, G2 ... O1, O2 ...)."""
    goals = [g.id for g in patient.goals()]
    if item_id in goals:
        return goals.index(item_id) + 1
    objectives = [o.id for o in patient.objectives()]
    return objectives.index(item_id) + 1


def snap_options(patient: Patient) -> list[Option]:
    return [
        Option(
            _row(Text.assemble((f"{words(item.kind.value):<11}", "bold"), item.text)),
            id=ItemRef("snap", item.id).option_id,
        )
        for item in patient.snap
    ]


def risk_options(patient: Patient, today: date) -> list[Option]:
    options: list[Option] = []
    for risk in patient.risks:
        flag = "!! " if risk.severity >= 4 and risk.status is RiskStatus.ACTIVE else ""
        left = Text.assemble(
            (flag, "bold red"), (f"{words(risk.kind.value)}: ", "bold"), risk.description
        )
        style = "dim" if risk.status is RiskStatus.RESOLVED else ""
        right = Text(f"severity {risk.severity}/4 · {words(risk.status.value)}", style=style)
        options.append(Option(_row(left, right), id=ItemRef("risk", risk.id).option_id))
    for event in sorted(patient.risk_events, key=lambda e: e.on, reverse=True):
        left = Text.assemble(("event ", "bold"), (words(event.kind.value), "bold red"))
        if event.description:
            left.append(f": {event.description.splitlines()[0]}")
        options.append(
            Option(
                _row(left, short_date(event.on, today)),
                id=ItemRef("risk_event", event.id).option_id,
            )
        )
    return options


def _heading(text: str) -> Option:
    return Option(Text(text, style="bold underline"), id=f"heading:{text}:", disabled=True)


def medication_options(patient: Patient, today: date) -> list[Option]:
    """Medications (current first) and the latest naloxone check, under their own heading:
    overdose risk and naloxone belong on one page."""
    options = [_heading("Medications and naloxone")]
    current = [m for m in patient.medications if m.active_on(today)]
    stopped = [m for m in patient.medications if not m.active_on(today)]
    for medication in [*current, *stopped]:
        left = Text.assemble((medication.name, "bold"))
        if medication.moud:
            left.append(" MOUD", style="bold cyan")
        for detail in (medication.dose, medication.prescriber):
            if detail:
                left.append(f" · {detail}")
        if medication.screens_as:
            left.append(f" · screens as {', '.join(medication.screens_as)}", style="dim")
        if medication.active_on(today):
            since = f"since {short_date(medication.start, today)}" if medication.start else ""
            right = Text(since or "current")
        elif medication.stop is not None and medication.stop < today:
            right = Text(f"stopped {short_date(medication.stop, today)}", style="dim")
        else:
            right = Text(f"starts {short_date(medication.start, today)}", style="dim")
        options.append(Option(_row(left, right), id=ItemRef("medication", medication.id).option_id))
    if not patient.medications:
        options.append(
            Option(
                Text("No medications recorded — m adds one.", style="dim"),
                id="empty:meds:",
                disabled=True,
            )
        )
    options.append(
        Option(_naloxone_line(patient, today), id=ItemRef("naloxone", patient.id).option_id)
    )
    return options


def _naloxone_line(patient: Patient, today: date) -> Row:
    latest = max(patient.naloxone_checks, key=lambda c: c.checked_on, default=None)
    left = Text("Naloxone kit ", style="bold")
    if latest is None:
        left.append("never checked", style="yellow")
        return _row(left, Text("N records a check", style="dim"))
    if latest.on_hand:
        left.append("✔ on hand", style="green")
    else:
        left.append("✖ no kit", style="bold red")
    return _row(left, f"checked {short_date(latest.checked_on, today)}")


def support_options(patient: Patient) -> list[Option]:
    options: list[Option] = []
    for person in patient.supports:
        left = Text.assemble((person.name, "bold"), f" · {words(person.role.value)}")
        if person.contact:
            left.append(f" · {person.contact}")
        right = Text.assemble(
            ("sober support · " if person.sober_support else "", "green"),
            words(person.status.value),
        )
        if person.status is SupportStatus.INACTIVE:
            right.stylize("dim")
        options.append(Option(_row(left, right), id=ItemRef("support", person.id).option_id))
    for group in patient.groups:
        left = Text.assemble(("group ", "bold"), group.kind.value)
        if group.name:
            left.append(f" · {group.name}")
        right = f"{group.meetings_per_week:g}/wk · {words(group.status.value)}"
        options.append(Option(_row(left, right), id=ItemRef("group", group.id).option_id))
    return options


NOTE_PREVIEW_CHARS = 140
"""A note's text in the list: two or three lines at 80 columns, never the whole note."""


def preview(text: str, limit: int = NOTE_PREVIEW_CHARS) -> str:
    """The start of ``text`` on one line, cut at a word and ended with "…" when longer.

    The whole text stays where the note is opened; a long Data must not fill the Notes tab."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:  # a word boundary not too far back; else cut inside the word
        cut = cut[:space]
    return cut.rstrip() + "…"


def note_options(notes: Iterable[ProgressNote], today: date) -> list[Option]:
    """Newest first; signed notes marked ✔, drafts marked ✎."""
    ordered = sorted(notes, key=lambda n: (n.date_of_service, n.written_at), reverse=True)
    options: list[Option] = []
    for note in ordered:
        mark = Text("✔ signed", style="green") if note.signed else Text("✎ draft", style="yellow")
        left = Text.assemble(
            (f"{short_date(note.date_of_service, today):>11} ", "bold"),
            f"{note.session_type.value} · {note.attendance.value} · {note.format.value}",
        )
        if note.craving is not None:
            left.append(f" · craving {note.craving}")
        first = next((text for text in note.sections.values() if text.strip()), "")
        if first:
            left.append(" · ")
            left.append(preview(first), style="dim")
        if note.addenda:
            mark.append(f" +{len(note.addenda)} addend{'um' if len(note.addenda) == 1 else 'a'}")
        if note.late_entry:
            mark.append(" · late entry", style="dim")
        options.append(Option(_row(left, mark), id=ItemRef("note", note.id).option_id))
    return options


def written_text(plan: WrittenPlan, today: date) -> str:
    """"written 4 Nov · updated 12 Mar": an edited plan never claims its first date alone."""
    text = f"written {short_date(plan.written_on, today)}"
    if plan.updated_on is not None:
        text += f" · updated {short_date(plan.updated_on, today)}"
    return text


def written_plan_options(patient: Patient, today: date) -> list[Option]:
    """The relapse-prevention plan and the aftercare plan, each shown whole."""
    relapse, aftercare = patient.relapse_prevention, patient.aftercare
    body = _written_plan(
        "Relapse-prevention plan",
        relapse,
        today,
        "yellow",
        lambda p: [
            ("Triggers", p.triggers, True),
            ("Warning signs", p.warning_signs, True),
            ("Coping steps", p.coping_steps, True),
            ("People to call", p.people_to_call, True),
        ],
    )
    after = _written_plan(
        "Aftercare plan",
        aftercare,
        today,
        "dim",
        lambda p: [("Plan", p.plan, True), ("Referrals", p.referrals, False)],
    )
    return [
        Option(body, id=ItemRef("relapse_plan", patient.id).option_id),
        Option(after, id=ItemRef("aftercare", patient.id).option_id),
    ]


def _written_plan(
    title: str,
    plan: Any,
    today: date,
    missing_style: str,
    sections: Callable[[Any], list[tuple[str, str, bool]]],
) -> Text:
    """A written plan's title and date, then each (label, text, shown when empty) section."""
    body = Text()
    body.append(title, style="bold")
    if plan is None:
        body.append("  not written yet — enter to write it", style=missing_style)
        return body
    body.append(f"  {written_text(plan, today)}", style="dim")
    for label, value, always in sections(plan):
        if value or always:
            body.append(f"\n  {label}: ", style="bold")
            body.append(value or "—")
    return body


def _empty(message: str) -> Option:
    return Option(Text(message, style="dim"), id="empty:none:", disabled=True)


class RecordList(OptionList):
    """An OptionList that keeps the highlighted record across refreshes."""

    @classmethod
    def filled(cls, options: list[Option], empty: str, *, id: str) -> RecordList:
        """A list built with its lines (no second layout after mounting)."""
        return cls(*(options or [_empty(empty)]), id=id)

    def show(self, options: list[Option], empty: str) -> None:
        keep = self.highlighted_option.id if self.highlighted_option is not None else None
        self.clear_options()
        if options:
            self.add_options(options)
        else:
            self.add_option(_empty(empty))
        index = next((i for i, option in enumerate(options) if option.id == keep), 0)
        if options:
            self.highlighted = index

    @property
    def current(self) -> ItemRef | None:
        option = self.highlighted_option
        if option is None or option.disabled:
            return None
        return ItemRef.parse(option.id)
