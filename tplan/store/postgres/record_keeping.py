"""What ``PostgresRepository`` gives the record mixins it is built from, beyond what the record
file's repository gives its own: where the database is (for errors), the transaction runner, and
how a stored row that does not load is reported."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import psycopg

from tplan.record_format import STORED
from tplan.store.errors import does_not_load
from tplan.store.record_keeping import RecordKeeping

if TYPE_CHECKING:
    from pydantic import BaseModel

M = TypeVar("M", bound="BaseModel")
R = TypeVar("R")


class PostgresRecordKeeping(RecordKeeping):
    """Base of ``PostgresRepository`` and its record mixins."""

    _location: str

    def _run(self, work: Callable[[psycopg.Connection], R]) -> R:
        """Run ``work`` in a transaction on the session's connection (see PostgresRepository)."""
        raise NotImplementedError

    def _load_as(self, model: type[M], what: str, record_id: str, document: Any) -> M:
        """Validate a stored document; CorruptStoreError (no record content) when it does not."""
        from pydantic import ValidationError

        try:
            return model.model_validate(document, context=STORED)
        except ValidationError as exc:
            raise does_not_load(self._location, f"{what} {record_id}", exc) from None  # type: ignore[arg-type]
