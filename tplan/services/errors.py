"""Refusals of the use cases. They are StoreErrors, so a caller that shows store errors shows
these too; messages name records by id, never by content."""

from __future__ import annotations

from tplan.store import StoreError
from tplan.store.errors import NotFoundError


class ServiceError(StoreError):
    """A use case refused the request; the message says why in a sentence."""


class RecordNotFound(ServiceError, NotFoundError):
    def __init__(self, what: str, record_id: str) -> None:
        self.record_id = record_id
        super().__init__(f"no {what} with id {record_id!r} in this patient's record")


class NoteStateError(ServiceError):
    """The note is in the wrong state for the request (e.g. an addendum on a draft)."""


class RecordRuleError(ServiceError, ValueError):
    """A record breaks a rule of the record (``tplan.domain.rules``); ``field`` names where."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


class ExportRefused(ServiceError):
    """The export was not written (the file exists, or the format cannot do what was asked)."""


class ImportError_(ServiceError):  # trailing underscore: ImportError is a builtin
    """An interchange file was refused; ``problems`` has one sentence per problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"{source} was not imported, nothing was saved: {shown}{more}")
