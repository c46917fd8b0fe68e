"""TinyDB persistence: atomic storage, the repository, locking, migrations, audit.

Only this package imports TinyDB. Open a record file with :func:`open_repository`.
"""

from tplan.store.audit import AuditEntry
from tplan.store.backup import RestoreReport, restore, restore_backup
from tplan.store.errors import (
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
)
from tplan.store.files import write_private_atomic
from tplan.store.repository import Repository, open_repository
from tplan.store.storage import AtomicJSONStorage, backup_path

__all__ = [
    "AtomicJSONStorage",
    "AuditEntry",
    "CorruptStoreError",
    "DuplicatePatientError",
    "ForeignFileError",
    "NewerSchemaError",
    "PatientNotFound",
    "ReadOnlyStoreError",
    "Repository",
    "RestoreReport",
    "SaveError",
    "SignedNoteError",
    "StoreError",
    "StoreLockedError",
    "backup_path",
    "open_repository",
    "restore",
    "restore_backup",
    "write_private_atomic",
]
