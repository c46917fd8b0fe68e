"""Use cases the UI and CLI call: each validates, writes through the repository, audits and
returns the updated Patient. See docs/ARCHITECTURE.md.

The names below load on first use (PEP 562): ``import tplan.services.clock`` or
``tplan.services.caseload_summary`` must not pull in pydantic, the domain and the engine, which
the TUI loads only after the caseload's first paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tplan.lazy_exports import by_name, lazy_exports

_HOMES = {
    "tplan.services.agenda": ("Agenda", "AgendaSession", "SessionKey", "WorkItem"),
    "tplan.services.caseload": ("CaseloadRow",),
    "tplan.services.clock": ("AsOfClock", "Clock", "FixedClock", "SystemClock"),
    "tplan.services.cosign": ("WaitingNote",),
    "tplan.services.errors": (
        "ExportRefused",
        "ImportError_",
        "NoteStateError",
        "RecordNotFound",
        "RecordRuleError",
        "ServiceError",
    ),
    "tplan.services.sessions": ("Mark",),
    "tplan.services.workspace": ("Workspace",),
    "tplan.store": (
        "ConflictError",
        "DuplicatePatientError",
        "PatientNotFound",
        "ReadOnlyStoreError",
        "SaveError",
        "SignedNoteError",
        "StoreError",
        "StoreLockedError",
        "StoreUnavailableError",
    ),
}

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


__getattr__, __dir__ = lazy_exports(__name__, by_name(_HOMES))


if TYPE_CHECKING:
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
