"""Use cases the UI and CLI call: each validates, writes through the repository, audits and
returns the updated Patient. See docs/ARCHITECTURE.md."""

from tplan.services.agenda import Agenda, AgendaSession, SessionKey, WorkItem
from tplan.services.caseload import CaseloadRow
from tplan.services.clock import AsOfClock, Clock, FixedClock, SystemClock
from tplan.services.cosign import WaitingNote
from tplan.services.errors import (
    ExportRefused,
    ImportError_,
    NoteStateError,
    RecordNotFound,
    RecordRuleError,
    ServiceError,
)
from tplan.services.sessions import Mark
from tplan.services.workspace import Workspace
from tplan.store import (
    ConflictError,
    DuplicatePatientError,
    PatientNotFound,
    ReadOnlyStoreError,
    SaveError,
    SignedNoteError,
    StoreError,
    StoreLockedError,
    StoreUnavailableError,
)

__all__ = [
    "Agenda",
    "AgendaSession",
    "AsOfClock",
    "CaseloadRow",
    "Clock",
    "ConflictError",
    "DuplicatePatientError",
    "ExportRefused",
    "FixedClock",
    "ImportError_",
    "Mark",
    "NoteStateError",
    "PatientNotFound",
    "ReadOnlyStoreError",
    "RecordNotFound",
    "RecordRuleError",
    "SaveError",
    "ServiceError",
    "SessionKey",
    "SignedNoteError",
    "StoreError",
    "StoreLockedError",
    "StoreUnavailableError",
    "SystemClock",
    "WaitingNote",
    "WorkItem",
    "Workspace",
]
