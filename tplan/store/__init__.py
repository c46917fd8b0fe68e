"""TinyDB persistence: atomic storage, the repository, locking, migrations, audit.

Only this package imports TinyDB. Open a record file (or a clinic database) with
:func:`open_store`.

The names below are loaded on first use (PEP 562): ``import tplan.store`` and opening a record
file import neither pydantic nor the domain, so the caseload can paint from the stored
summaries first (issue #14).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_MODULES = {
    "tplan.store.audit": ("AuditEntry",),
    "tplan.store.backup": ("RestoreReport", "restore", "restore_backup"),
    "tplan.store.errors": (
        "ConflictError",
        "CorruptStoreError",
        "DuplicatePatientError",
        "ForeignFileError",
        "NewerSchemaError",
        "PatientNotFound",
        "ReadOnlyStoreError",
        "SaveError",
        "SignedNoteError",
        "StoreError",
        "StoreLockedError",
        "StoreUnavailableError",
    ),
    "tplan.store.files": ("write_private_atomic",),
    "tplan.store.opening": ("is_database_url", "open_store"),
    "tplan.store.protocol": ("ChangeListener", "PatientStore"),
    "tplan.store.repository": ("Repository", "open_repository"),
    "tplan.store.storage": ("AtomicJSONStorage", "backup_path"),
}
_EXPORTS = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "AtomicJSONStorage",
    "AuditEntry",
    "ChangeListener",
    "ConflictError",
    "CorruptStoreError",
    "DuplicatePatientError",
    "ForeignFileError",
    "NewerSchemaError",
    "PatientNotFound",
    "PatientStore",
    "ReadOnlyStoreError",
    "Repository",
    "RestoreReport",
    "SaveError",
    "SignedNoteError",
    "StoreError",
    "StoreLockedError",
    "StoreUnavailableError",
    "backup_path",
    "is_database_url",
    "open_repository",
    "open_store",
    "restore",
    "restore_backup",
    "write_private_atomic",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


if TYPE_CHECKING:
    from tplan.store.audit import AuditEntry
    from tplan.store.backup import RestoreReport, restore, restore_backup
    from tplan.store.errors import (
        ConflictError,
        CorruptStoreError,
        DuplicatePatientError,
        ForeignFileError,
        NewerSchemaError,
        PatientNotFound,
        ReadOnlyStoreError,
        SaveError,
        SignedNoteError,
        StoreError,
        StoreLockedError,
        StoreUnavailableError,
    )
    from tplan.store.files import write_private_atomic
    from tplan.store.opening import is_database_url, open_store
    from tplan.store.protocol import ChangeListener, PatientStore
    from tplan.store.repository import Repository, open_repository
    from tplan.store.storage import AtomicJSONStorage, backup_path
