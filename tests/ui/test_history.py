"""The history tables of the patient screen: disclosures and the audit trail, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from io import StringIO

from rich.console import Console

from tplan.domain import ExportFormat, ExportLogEntry
from tplan.ui.widgets.history import AUDIT_SHOWN, audit_table, disclosure_table

TODAY = date(2026, 3, 12)


@dataclass(frozen=True)
class Entry:
    at: datetime
    by: str
    action: str
    record_id: str | None
    fields: tuple[str, ...]


def shown(renderable: object, width: int = 120) -> str:
    console = Console(file=StringIO(), width=width, color_system=None)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_the_audit_shows_the_latest_entries_newest_first_with_the_total() -> None:
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    entries = [
        Entry(start + timedelta(minutes=i), "J. Park", "save_draft", f"n-{i:03d}", ("notes",))
        for i in range(AUDIT_SHOWN + 10)
    ]
    text = shown(audit_table(entries, TODAY))
    assert f"Audit trail (latest {AUDIT_SHOWN} of {AUDIT_SHOWN + 10})" in text
    assert "save draft" in text
    newest, oldest_shown = f"n-{AUDIT_SHOWN + 9:03d}", "n-010"
    assert text.index(newest) < text.index(oldest_shown)
    assert "n-009" not in text
    assert "Audit trail (3)" in shown(audit_table(entries[:3], TODAY))


def test_a_whole_record_is_summarised_and_no_entries_say_so() -> None:
    at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    fields = tuple(f"field_{i}" for i in range(9))
    text = shown(audit_table([Entry(at, "J. Park", "import", None, fields)], TODAY))
    assert "field_0, field_1, field_2, field_3 and 5 more" in text
    assert "field_8" not in text
    assert "nothing audited yet" in shown(audit_table([], TODAY))


def test_disclosures_newest_first_with_every_detail() -> None:
    from tplan.services.demo import load_demo

    patient = load_demo(TODAY)[0]
    older = ExportLogEntry(
        at=datetime(2026, 2, 1, 10, 0, tzinfo=UTC), by="J. Park", format=ExportFormat.FHIR,
        as_of=date(2026, 2, 1), recipient="[red]County[/red] court", purpose="court order",
        consent="order 22-117", redacted=True,
    )
    newer = ExportLogEntry(
        at=datetime(2026, 3, 10, 10, 0, tzinfo=UTC), by="R. Ito", format=ExportFormat.MARKDOWN,
        as_of=date(2026, 3, 9), recipient="Dr. Lee", purpose="care coordination",
        consent="signed consent C-14",
    )
    patient.disclosures = [older, newer]
    text = shown(disclosure_table(patient, TODAY), width=160)
    assert "Disclosures (2)" in text
    assert text.index("Dr. Lee") < text.index("[red]County[/red] court")
    assert "fhir as of 1 Feb · redacted" in text and "md as of 9 Mar · full" in text
    for value in ("R. Ito", "care coordination", "signed consent C-14", "order 22-117"):
        assert value in text
    patient.disclosures = []
    assert "no exports yet" in shown(disclosure_table(patient, TODAY))
