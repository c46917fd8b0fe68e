"""TinyDB persistence: atomic storage, the repository, locking, migrations, audit.

Only this package imports TinyDB. Open a record file with :func:`open_repository`.

No module of this package imports pydantic or the domain when it is imported: opening a record
file and reading its caseload summaries need neither (issue #14); the modules that validate
import them where they do (tests/store/test_domain_free_open.py holds that line).
"""

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
