"""The HTML chart as a clinic would file it, checked on the HTML structure: safety first, a
running header and page X of Y in the printed margins, flowing sections, dates that never
break, "None recorded", discharge shown as such, overdue objectives marked, reasons once."""

from __future__ import annotations

import re
from datetime import date

from tplan.domain import (
    Discharge,
    DischargeReason,
    ExportFormat,
    Patient,
    RuleHit,
    Suggestion,
    SuggestionKind,
)


def page_rules(html: str) -> str:
    style = html[html.index("<style>") : html.index("</style>")]
    return style[style.index("@page") :]


def section_ids(html: str) -> list[str]:
    return re.findall(r'<section id="([a-z-]+)"', html)


def test_alerts_and_safety_come_first(rich_patient: Patient, export) -> None:
    html = export(rich_patient, ExportFormat.HTML)
    assert section_ids(html)[0] == "safety"
    safety = re.sub(r"<[^>]+>", "", html[html.index('id="safety"') : html.index("</section>")])
    assert "SAFETY: overdose risk, severity 3 of 4" in safety
    assert "SAFETY: overdose event on 2025-12-01: Overdose before admission" in safety
    assert safety.index("SAFETY") < safety.index("trigger risk")  # safety before the rest


def test_every_printed_page_names_the_patient_and_counts_pages(
    rich_patient: Patient, export
) -> None:
    rules = page_rules(export(rich_patient, ExportFormat.HTML))
    top = rules[rules.index("@top-left") : rules.index("}", rules.index("@top-left"))]
    assert "Jordan Alex Rivera" in top and "1988-07-14" in top and "MRN-445566" in top
    bottom = rules[rules.index("@bottom-right") :]
    assert 'counter(page) " of " counter(pages)' in bottom


def test_sections_flow_and_dates_never_break(rich_patient: Patient, export) -> None:
    html = export(rich_patient, ExportFormat.HTML)
    assert "break-before: page" not in html
    assert ".date { white-space: nowrap; }" in html
    assert 'since <span class="date">2026-02-28</span>' in html
    cells = re.findall(r"<td>(\d{4}-\d{2}-\d{2})</td>", html)
    assert cells == []  # every date cell is wrapped in a nowrap span


def test_one_font_family_on_the_page_and_in_its_margins(rich_patient: Patient, export) -> None:
    html = export(rich_patient, ExportFormat.HTML)
    style = html[html.index("<style>") : html.index("</style>")]
    fonts = re.findall(r"(?<!-)font(?:-family)?:\s*([^;]+);", style)
    assert fonts and all("var(--font)" in f or f == "inherit" for f in fonts), fonts


def test_empty_sections_say_none_recorded_and_hold_no_empty_table(
    rich_patient: Patient, export
) -> None:
    bare = rich_patient.model_copy(
        update={"risks": [], "risk_events": [], "supports": [], "medications": [], "snap": []}
    )
    html = export(bare, ExportFormat.HTML)
    assert not re.search(r"<tbody>\s*</tbody>", html)
    for heading in ["Risks", "Support system", "Medications"]:
        after = html[html.index(f"<h2>{heading}</h2>") :]
        assert after[: after.index("</p>")].endswith("None recorded.")


def test_a_discharged_patient_is_shown_as_discharged(rich_patient: Patient, export) -> None:
    rich_patient.discharge = Discharge(
        on=date(2026, 3, 10), reason=DischargeReason.COMPLETED, aftercare="Weekly OP group"
    )
    html = export(rich_patient, ExportFormat.HTML)
    assert "Current: <strong>" not in html
    assert html.count("<strong>Discharged") >= 2  # the header and the level of care


def test_overdue_objectives_are_marked(rich_patient: Patient, export) -> None:
    coping = rich_patient.find_objective("ob-coping")
    assert coping is not None
    html_before = export(rich_patient, ExportFormat.HTML)
    assert "OVERDUE" not in html_before
    coping.target_date = date(2026, 3, 1)  # in progress on 12 March: overdue
    html = export(rich_patient, ExportFormat.HTML)
    assert html.count('<span class="badge">OVERDUE</span>') == 1
    assert "1 objective(s) past their target date" in html


def test_a_reason_two_rules_give_is_printed_once(rich_patient: Patient, export) -> None:
    message = "2 use events in the last 14 days"
    suggestion = Suggestion(
        patient_id=rich_patient.id,
        as_of=date(2026, 3, 12),
        kind=SuggestionKind.STEP_UP,
        headline="Step up",
        fired=[
            RuleHit(rule="step_up.use", kind=SuggestionKind.STEP_UP, message=message),
            RuleHit(rule="intensify.use", kind=SuggestionKind.INTENSIFY, message=message),
        ],
    )
    for fmt in [ExportFormat.HTML, ExportFormat.MARKDOWN]:
        assert export(rich_patient, fmt, suggestion=suggestion).count(message) == 1
