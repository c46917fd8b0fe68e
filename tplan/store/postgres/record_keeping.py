"""What ``PostgresRepository`` gives the record mixins it is built from, beyond what the record
file's repository gives its own: where the database is (for errors) and the transaction runner."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import psycopg

from tplan.store.record_keeping import RecordKeeping

R = TypeVar("R")


class PostgresRecordKeeping(RecordKeeping):
    """Base of ``PostgresRepository`` and its record mixins."""

    _location: str

    def _run(self, work: Callable[[psycopg.Connection], R]) -> R:
        """Run ``work`` in a transaction on the session's connection (see PostgresRepository)."""
        raise NotImplementedError
