"""A patient's history beyond levels and decisions: the disclosure log and the audit trail.

Both newest first. The audit shows who did what to which record and which fields changed,
never the content; recipients, purposes and names are user text, so they go in as ``Text``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from rich.table import Table
from rich.text import Text

from tplan.domain import DisclosureStatus, Patient
from tplan.ui.widgets.record_lists import short_date

AUDIT_SHOWN = 50
"""The latest audit entries shown; the title gives the total."""
FIELDS_SHOWN = 5
WORD_CAP = 14
"""A column is never narrower than its longest word up to this many cells, so a narrow
terminal wraps between words ("written / authorization") instead of inside one."""


class AuditLine(Protocol):
    """What the history reads of an audit entry (the store's ``AuditEntry``)."""

    at: datetime
    by: str
    action: str
    record_id: str | None
    fields: tuple[str, ...]


def when(moment: datetime, today: date) -> str:
    """``9 Mar 14:05`` in local time (stored in UTC); the year too when not this year."""
    local = moment.astimezone() if moment.tzinfo is not None else moment
    return f"{short_date(local.date(), today)} {local:%H:%M}"


def _table(title: str, columns: Sequence[str]) -> Table:
    table = Table(title=title, title_justify="left", box=None, padding=(0, 1))
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def keep_words_whole(table: Table) -> Table:
    """Each column at least as wide as its longest word (up to ``WORD_CAP``)."""
    for column in table.columns:
        cells = [column.header, *column.cells]
        words = [word for cell in cells for word in str(cell).split()]
        column.min_width = min(max(map(len, words), default=1), WORD_CAP)
    return table


def disclosure_table(patient: Patient, today: date) -> Table:
    """Every export of this record (42 CFR Part 2 accounting of disclosures), newest first."""
    entries = sorted(patient.disclosures, key=lambda entry: entry.at, reverse=True)
    table = _table(
        f"Disclosures ({len(entries)})", ("When, by", "What", "Recipient", "Purpose", "Consent")
    )
    for entry in entries:
        what = f"{entry.format.value} as of {short_date(entry.as_of, today)}"
        table.add_row(
            Text.assemble(when(entry.at, today), "\n", entry.by),
            what + (" · redacted" if entry.redacted else " · full") + _status(entry.status),
            Text(entry.recipient),
            Text(entry.purpose),
            Text(entry.consent),
        )
    if not entries:
        table.add_row("—", "no exports yet", "e exports the plan", "", "")
    return keep_words_whole(table)


def _status(status: DisclosureStatus) -> str:
    """Only an export that did not finish says so: logged first, its file may be missing."""
    if status is DisclosureStatus.STARTED:
        return " · interrupted: the file may not exist"
    if status is DisclosureStatus.FAILED:
        return " · failed: no file was written"
    return ""


def _fields(fields: Sequence[str]) -> str:
    """The changed fields' names; a whole record (an admission, an import) is summarised."""
    if len(fields) > FIELDS_SHOWN:
        return f"{', '.join(fields[:FIELDS_SHOWN - 1])} and {len(fields) - FIELDS_SHOWN + 1} more"
    return ", ".join(fields) or "—"


def audit_table(entries: Sequence[AuditLine], today: date) -> Table:
    """The latest ``AUDIT_SHOWN`` audit entries of one patient (given oldest first, as the
    trail is appended), newest first."""
    latest = list(reversed(entries[-AUDIT_SHOWN:]))
    count = len(entries)
    title = f"Audit trail (latest {len(latest)} of {count})" if count > len(latest) else (
        f"Audit trail ({count})"
    )
    table = _table(title, ("When", "Who", "Action", "Record", "Fields"))
    for entry in latest:
        table.add_row(
            when(entry.at, today),
            Text(entry.by),
            entry.action.replace("_", " "),
            Text(entry.record_id or "—"),
            Text(_fields(entry.fields)),
        )
    if not entries:
        table.add_row("—", "nothing audited yet", "", "", "")
    return keep_words_whole(table)
