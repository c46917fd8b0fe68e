"""Trends as text: sparklines with dates and bands for craving, PHQ-9, GAD-7 and attendance.

Read through ``tplan.services.trends``: signed notes only, as for the engine, and attendance
counted once, by the rules' own count (the caller passes it in).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tplan.clinical.scoring import gad7_band, gad7_total, phq9_band, phq9_item9, phq9_total
from tplan.domain import Gad7, Patient, Phq9
from tplan.services.caseload_summary import attendance_percent
from tplan.services.trends import Rate, craving_series, craving_weeks, measure_series

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


def trends(
    patient: Patient, today: date, attendance_by_week: list[tuple[date, Rate]]
) -> RenderableType:
    """The Trends tab: one line per measure, then attendance per week (from the workspace)."""
    table = Table.grid(padding=(0, 2))
    # At 80 columns the labels and the latest values stay whole; the sparkline and the date
    # span give way first.
    table.add_column(no_wrap=True, min_width=7)
    table.add_column(no_wrap=True, max_width=16, overflow="crop")
    table.add_column(no_wrap=True, min_width=34)
    table.add_column(no_wrap=True, overflow="ellipsis")
    ratings = craving_series(patient, today)
    latest_craving = ratings[-1][1] if ratings else None
    craving_label = f"latest {latest_craving}/10" if latest_craving is not None else ""
    table.add_row(*_series_row("Craving", ratings, 10, craving_label))
    weekly = craving_weeks(patient, today, WEEKS)
    table.add_row(
        Text(""),
        Text(spark(weekly, 10)),
        Text(f"weekly mean, last {WEEKS} weeks", style="dim"),
        Text(""),
    )
    phq_measures = measure_series(patient, today, Phq9)
    phq = [(on, phq9_total(measure)) for on, measure in phq_measures]
    phq_band = phq9_band(phq[-1][1]) if phq else ""
    row = _series_row("PHQ-9", phq, 27, phq_band)
    if phq_measures and phq9_item9(phq_measures[-1][1]) > 0:
        row[2].append("  !! item 9 > 0", style="bold red")
    table.add_row(*row)
    gad = [(on, gad7_total(measure)) for on, measure in measure_series(patient, today, Gad7)]
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
    for start, rate in attendance_by_week:
        attended, counted = rate.attended, rate.sessions
        percent = attendance_percent(attended, counted)
        if percent is not None:
            filled = round(attended / counted * 10)
            bar = "█" * filled + "░" * (10 - filled)
            attendance.add_row(f"week of {_day(start)}", bar, f"{attended}/{counted}  {percent}%")
        else:
            attendance.add_row(f"week of {_day(start)}", "·" * 10, Text("no sessions", style="dim"))
    return Group(table, bands, Text(""), attendance)
