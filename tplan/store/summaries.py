"""Caseload summaries: a small JSON object per patient, saved with the patient's document.

The services compute a summary (the caseload row's fields) and hand it to the store with the
save; the store keeps it in its own table (``caseload_summaries``, keyed by the patient's
document id) and never looks inside it. The caseload's first paint reads these summaries
instead of validating every active patient.

The one invariant: a stored summary was written with the patient's *current* document. Every
write of a document carries its summary or removes the stored one in the same journal line, so
a summary that is there is never stale. ``save_summaries`` lets a background refresh write
fresher summaries back, each only if the patient is still at the version it was computed from.

``SummaryRecords`` is mixed into ``Repository``; it uses the repository's storage, its index of
document ids and its per-patient versions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import orjson

from tplan.store.migrations import SUMMARIES_TABLE
from tplan.store.record_keeping import RecordKeeping
from tplan.store.storage import serialized

if TYPE_CHECKING:
    from tplan.store.audit import AuditEntry
    from tplan.store.storage import AtomicJSONStorage

MAX_SUMMARY_BYTES = 16_384
"""A summary is a row's worth of fields; anything near this size is a bug in its maker."""

Summary = dict[str, Any]
Changes = dict[tuple[str, str], dict[str, Any] | None]


def checked_summary(summary: Mapping[str, Any]) -> Summary:
    """``summary`` as a plain JSON object (a copy); ValueError when it is not one, or too big.

    Checked before anything is written, so a bad summary never costs a save half done.
    """
    if not isinstance(summary, Mapping):
        raise ValueError("a caseload summary must be a JSON object")
    try:
        encoded = orjson.dumps(summary)
    except TypeError:
        raise ValueError("a caseload summary must hold JSON values only") from None
    if len(encoded) > MAX_SUMMARY_BYTES:
        raise ValueError(f"a caseload summary must stay under {MAX_SUMMARY_BYTES} bytes")
    copy = orjson.loads(encoded)
    if copy != summary:  # e.g. a date or a tuple: it would not read back as it was given
        raise ValueError("a caseload summary must hold plain JSON values only")
    return copy


def summary_change(doc_id: str, summary: Summary | None) -> Changes:
    """The journal change that stores ``summary`` for a document (None removes it)."""
    return {(SUMMARIES_TABLE, doc_id): summary}


class SummaryRecords(RecordKeeping):
    """Caseload summaries of the record file (mixed into ``Repository``)."""

    read_only: bool
    _storage: AtomicJSONStorage
    _doc_ids: dict[str, str]
    _damaged: dict[str, str]
    _versions: dict[str, tuple[int, AuditEntry | None]]

    def active_ids(self) -> list[str]:  # provided by Repository
        raise NotImplementedError

    def caseload_summaries(self) -> dict[str, Summary | None]:
        """A record known to be damaged has no summary (the caseload names it instead)."""
        stored = self._storage.read().get(SUMMARIES_TABLE, {})
        summaries: dict[str, Summary | None] = {}
        for patient_id in self.active_ids():
            doc_id = self._doc_ids[patient_id]
            summaries[patient_id] = None if doc_id in self._damaged else stored.get(doc_id)
        return summaries

    @serialized
    def save_summaries(self, summaries: Mapping[str, tuple[int, Mapping[str, Any]]]) -> int:
        """In one journal line (a summary is derived, not a change to the record)."""
        if self.read_only:
            return 0
        changes: Changes = {}
        for patient_id, (version, summary) in summaries.items():
            doc_id = self._doc_ids.get(patient_id)
            if doc_id is None or doc_id in self._damaged:
                continue
            if self._versions.get(patient_id, (1, None))[0] != version:
                continue  # saved since: that save carried its own summary
            changes.update(summary_change(doc_id, checked_summary(summary)))
        if changes:
            self._storage.put_documents(changes)
        return len(changes)
