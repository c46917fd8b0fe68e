"""Trends as text: sparklines with dates and bands for craving, PHQ-9, GAD-7 and attendance.

Only signed notes count, as for the engine (``tplan.clinical.records``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tplan.clinical.records import craving_by_date, measures, signed_notes
from tplan.clinical.scoring import gad7_band, gad7_total, phq9_band, phq9_item9, phq9_total
from tplan.domain import Attendance, Gad7, Patient, Phq9

BLOCKS = "▁▂▃▄▅▆▇█"
WEEKS = 8


def spark(values: Sequence[int | None], top: int) -> str:
    """One block per value scaled to 0..top; a gap (·) where nothing was recorded."""
    out = []
    for value in values:
        if value is None:
            out.append("·")
            continue
        level = round(max(0, min(value, top)) / top * (len(BLOCKS) - 1)) if top else 0
        out.append(BLOCKS[level])
    return "".join(out)


def _day(day: date) -> str:
    return f"{day.day} {day:%b}"


def _series_row(label: str, dated: list[tuple[date, int]], top: int, band: str) -> list[Text]:
    if not dated:
        return [Text(label, style="bold"), Text("no data yet", style="dim"), Text(""), Text("")]
    values = [value for _, value in dated]
    shown = values[-6:]
    path = " ▸ ".join(str(v) for v in shown)
    span = f"{_day(dated[0][0])} – {_day(dated[-1][0])} · {len(dated)}×"
    return [
        Text(label, style="bold"),
        Text(spark(values[-24:], top)),
        Text.assemble(path, "  ", (band, "bold")),
        Text(span, style="dim"),
    ]


def craving_weeks(patient: Patient, today: date, weeks: int = WEEKS) -> list[int | None]:
    """The mean craving of each of the last ``weeks`` weeks (None for a week without ratings)."""
    ratings = craving_by_date(signed_notes(patient, today))
    out: list[int | None] = []
    for week in range(weeks - 1, -1, -1):
        end = today - timedelta(days=7 * week)
        start = end - timedelta(days=6)
        found = [value for day, value in ratings.items() if start <= day <= end]
        out.append(round(sum(found) / len(found)) if found else None)
    return out


def attendance_weeks(
    patient: Patient, today: date, weeks: int = WEEKS
) -> list[tuple[date, int, int]]:
    """(week start, attended, attended + missed) for each of the last weeks; excused not counted."""
    notes = signed_notes(patient, today)
    out: list[tuple[date, int, int]] = []
    for week in range(weeks - 1, -1, -1):
        end = today - timedelta(days=7 * week)
        start = end - timedelta(days=6)
        in_week = [n for n in notes if start <= n.date_of_service <= end]
        attended = sum(n.attendance is Attendance.ATTENDED for n in in_week)
        counted = sum(n.attendance in (Attendance.ATTENDED, Attendance.MISSED) for n in in_week)
        out.append((start, attended, counted))
    return out


def trends(patient: Patient, today: date) -> RenderableType:
    """The Trends tab: one line per measure, then attendance per week."""
    table = Table.grid(padding=(0, 2))
    for _ in range(4):
        table.add_column(no_wrap=True)
    ratings = sorted(craving_by_date(signed_notes(patient, today)).items())
    latest_craving = ratings[-1][1] if ratings else None
    craving_label = f"latest {latest_craving}/10" if latest_craving is not None else ""
    table.add_row(*_series_row("Craving", ratings, 10, craving_label))
    weekly = craving_weeks(patient, today)
    table.add_row(
        Text(""),
        Text(spark(weekly, 10)),
        Text(f"weekly mean, last {WEEKS} weeks", style="dim"),
        Text(""),
    )
    phq = [(d.on, phq9_total(d.measure)) for d in measures(patient, today, Phq9)]
    phq_band = phq9_band(phq[-1][1]) if phq else ""
    row = _series_row("PHQ-9", phq, 27, phq_band)
    latest_phq = measures(patient, today, Phq9)
    if latest_phq and phq9_item9(latest_phq[-1].measure) > 0:
        row[2].append("  !! item 9 > 0", style="bold red")
    table.add_row(*row)
    gad = [(d.on, gad7_total(d.measure)) for d in measures(patient, today, Gad7)]
    table.add_row(*_series_row("GAD-7", gad, 21, gad7_band(gad[-1][1]) if gad else ""))
    bands = Text(
        "PHQ-9 bands 0-4 minimal · 5-9 mild · 10-14 moderate · 15-19 moderately severe · "
        "20-27 severe    GAD-7 bands 0-4 minimal · 5-9 mild · 10-14 moderate · 15-21 severe",
        style="dim",
    )
    attendance = Table(
        title="Attendance per week (excused not counted)",
        title_justify="left",
        box=None,
        show_header=False,
        padding=(0, 1),
    )
    attendance.add_column(no_wrap=True)
    attendance.add_column(no_wrap=True)
    attendance.add_column(no_wrap=True, justify="right")
    for start, attended, counted in attendance_weeks(patient, today):
        if counted:
            share = attended / counted
            bar = "█" * round(share * 10) + "░" * (10 - round(share * 10))
            attendance.add_row(
                f"week of {_day(start)}", bar, f"{attended}/{counted}  {attended * 100 // counted}%"
            )
        else:
            attendance.add_row(f"week of {_day(start)}", "·" * 10, Text("no sessions", style="dim"))
    return Group(table, bands, Text(""), attendance)
