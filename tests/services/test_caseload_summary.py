"""Caseload summaries: what the services store with each save reads back, without the domain,
as the very line the engine's row gives."""

from __future__ import annotations

import json
from datetime import timedelta

from services_factories import TODAY, note, patient

from tplan.domain import SuggestionKind
from tplan.services import Workspace
from tplan.services.caseload import summary_of
from tplan.services.caseload_summary import SUMMARY_FORMAT, read_summary
from tplan.ui.widgets.caseload_lines import line_from_row, line_from_summary
from tplan.ui.widgets.caseload_model import SUGGESTION_KINDS


def test_a_summary_is_json_and_reads_back_as_the_rows_figures(workspace: Workspace) -> None:
    worried = patient("Bo Marchetti")
    worried.notes = [*worried.notes, note(TODAY, phq9=[2, 2, 2, 2, 2, 2, 2, 2, 1])]
    workspace.admit(worried)
    row = workspace.caseload_row(worried.id)
    stored = json.loads(json.dumps(summary_of(row)))  # what a store hands back
    summary = read_summary(stored)
    assert summary is not None
    assert (summary.patient_id, summary.display_name, summary.initials) == (
        row.patient_id, "Bo Marchetti", "B.M."
    )
    assert summary.kind == SuggestionKind.SAFETY_REVIEW and summary.safety
    assert summary.phq9 == 17 and summary.review_due == row.review_due
    assert summary.attendance30 == row.attendance30_counts
    assert [(a.alert, a.message, a.safety) for a in summary.alerts] == [
        (a.alert, a.message, a.safety) for a in row.alerts
    ]
    assert summary.explanation.endswith("→ same-day safety review")
    assert line_from_summary(summary, TODAY) == line_from_row(row)


def test_another_format_or_a_broken_summary_reads_as_none(workspace: Workspace) -> None:
    stored = workspace.admit(patient("Avery Quill"))
    good = summary_of(workspace.caseload_row(stored.id))
    assert read_summary(good) is not None
    assert read_summary(None) is None
    assert read_summary({**good, "format": SUMMARY_FORMAT + 1}) is None
    assert read_summary({**good, "review_due": "not a date"}) is None
    assert read_summary({k: v for k, v in good.items() if k != "alerts"}) is None


def test_a_summary_from_yesterday_counts_the_days_on_to_today(workspace: Workspace) -> None:
    stored = workspace.admit(patient("Avery Quill"))
    yesterday = workspace.caseload_row(stored.id, TODAY - timedelta(days=1))
    summary = read_summary(summary_of(yesterday))
    assert summary is not None
    today = workspace.caseload_row(stored.id, TODAY)
    shown = line_from_summary(summary, TODAY)
    assert shown.cells["days"] == line_from_row(today).cells["days"]
    assert shown.cells["review"] == line_from_row(today).cells["review"]


def test_the_ui_knows_the_suggestion_kinds_as_strings_in_the_engines_order() -> None:
    assert tuple(kind.value for kind in SuggestionKind) == SUGGESTION_KINDS
