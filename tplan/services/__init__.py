"""Use cases the UI and CLI call: each validates, writes through the repository, audits and
returns the updated Patient. See docs/ARCHITECTURE.md."""

from tplan.services.caseload import CaseloadRow
from tplan.services.clock import Clock, FixedClock, SystemClock
from tplan.services.errors import (
    ExportRefused,
    ImportError_,
    NoteStateError,
    RecordNotFound,
    ServiceError,
)
from tplan.services.workspace import Workspace
from tplan.store import SaveError, StoreError, StoreLockedError

__all__ = [
    "CaseloadRow",
    "Clock",
    "ExportRefused",
    "FixedClock",
    "ImportError_",
    "NoteStateError",
    "RecordNotFound",
    "SaveError",
    "ServiceError",
    "StoreError",
    "StoreLockedError",
    "SystemClock",
    "Workspace",
]
