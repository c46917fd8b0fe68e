"""Caseload summaries in the clinic database (mixed into PostgresRepository; the contract is
``tplan.store.summaries``'): a ``summary`` column beside each patient's document, written by
the UPDATE that writes the document (NULL when it comes without one), read by one query that
never touches a document, refreshed only for the version it was computed from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from tplan.store.postgres.record_keeping import PostgresRecordKeeping
from tplan.store.summaries import checked_summary

Summary = Mapping[str, Any]
"""A patient's caseload summary: opaque JSON the services compute (tplan.services.caseload)."""


def summary_value(summary: Summary | None) -> Jsonb | None:
    """The column's value for a summary (None: NULL, no summary), checked as the record
    file's are: plain JSON and small, or ValueError before anything is written."""
    return None if summary is None else Jsonb(checked_summary(summary))


class PostgresSummaries(PostgresRecordKeeping):
    def caseload_summaries(self) -> dict[str, dict[str, Any] | None]:
        """One query over the summary column."""
        rows = self._run(
            lambda c: c.execute(
                "SELECT id, summary FROM patients WHERE active ORDER BY id"
            ).fetchall()
        )
        return dict(rows)

    def save_summaries(self, summaries: Mapping[str, tuple[int, Summary]]) -> int:
        """No notification either (the trigger announces new versions only)."""
        if self.read_only or not summaries:
            return 0
        rows = [
            {"id": pid, "version": version, "summary": summary_value(summary)}
            for pid, (version, summary) in summaries.items()
        ]

        def work(c: psycopg.Connection) -> int:
            with c.transaction(), c.cursor() as cur:
                cur.executemany(
                    "UPDATE patients SET summary = %(summary)s"
                    " WHERE id = %(id)s AND version = %(version)s",
                    rows,
                    returning=False,
                )
                return max(cur.rowcount, 0)

        return self._run(work)
