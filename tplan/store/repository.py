"""The repository: patients in and out of the TinyDB file, as validated domain objects.

Nothing outside ``tplan.store`` touches TinyDB; the services call this class. Patients are
validated once when the file is opened and kept in memory; ``get`` and ``all_patients`` return
those cached objects, which callers treat as read-only (copy, change the copy, ``put`` it).
Each write stores the patient document and its audit entry in one atomic file write.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from pydantic import BaseModel, ValidationError
from tinydb import TinyDB

from tplan.domain import Patient
from tplan.store import migrations
from tplan.store.audit import AuditEntry, changed_fields, now, os_user
from tplan.store.bulk import paused_gc
from tplan.store.errors import (
    CorruptStoreError,
    DuplicatePatientError,
    NewerSchemaError,
    PatientNotFound,
    ReadOnlyStoreError,
)
from tplan.store.migrations import AUDIT_TABLE, PATIENTS_TABLE
from tplan.store.signed_notes import check_signed_notes
from tplan.store.storage import AtomicJSONStorage


def _filled_fields(model: BaseModel) -> tuple[str, ...]:
    """Names of the fields that hold something (for the audit entry of a new record)."""
    return tuple(
        name for name in type(model).model_fields if getattr(model, name) not in (None, "", [])
    )


def _replace_with(document: dict[str, Any]) -> Any:
    def replace(current: dict[str, Any]) -> None:
        current.clear()
        current.update(document)

    return replace


def _validated(patient: Patient) -> tuple[Patient, dict[str, Any]]:
    """Re-validate a (possibly mutated) patient and return it with its JSON document.

    The store never writes a document that would not load again.
    """
    stored = Patient.model_validate(patient.model_dump(mode="json"))
    return stored, stored.model_dump(mode="json")


class Repository:
    """Patients of one record file. Open it with :func:`open_repository`."""

    def __init__(
        self, path: Path, clinician: str = "", *, read_only: bool = False, create: bool = True
    ) -> None:
        self.path = path
        self.clinician = clinician
        self.read_only = read_only
        self._os_user = os_user()
        self._db = TinyDB(path, storage=AtomicJSONStorage, read_only=read_only, create=create)
        self._storage: AtomicJSONStorage = self._db.storage  # type: ignore[assignment]
        self._patients_table = self._db.table(PATIENTS_TABLE, cache_size=0)
        self._audit_table = self._db.table(AUDIT_TABLE, cache_size=0)
        self._cache: dict[str, Patient] = {}
        self._doc_ids: dict[str, int] = {}
        try:
            self._load()
        except BaseException:
            self._db.close()
            raise

    def _load(self) -> None:
        documents: Mapping[str, dict[str, Any]] = self._storage.read().get(PATIENTS_TABLE, {})
        with paused_gc():
            for doc_id, document in documents.items():
                version = document.get("schema_version", migrations.SCHEMA_VERSION)
                if isinstance(version, int) and version > migrations.SCHEMA_VERSION:
                    raise NewerSchemaError(self.path, version, migrations.SCHEMA_VERSION)
                try:
                    patient = Patient.model_validate(document)
                except ValidationError as exc:
                    where = " › ".join(str(part) for part in exc.errors()[0]["loc"]) or "record"
                    raise CorruptStoreError(
                        self.path,
                        f"patient document {doc_id} does not load "
                        f"({exc.error_count()} problem(s), first at {where})",
                        self._storage.backup_path if self._storage.backup_path.exists() else None,
                    ) from None
                if patient.id in self._cache:
                    raise CorruptStoreError(
                        self.path, f"patient id {patient.id} is stored twice"
                    )
                self._cache[patient.id] = patient
                self._doc_ids[patient.id] = int(doc_id)

    # --- reads ---------------------------------------------------------------------------

    @property
    def backup_path(self) -> Path:
        return self._storage.backup_path

    @property
    def migrated_from(self) -> int | None:
        """The older record format the file was upgraded from on opening, if any."""
        version = self._storage.file_version
        return version if version < migrations.SCHEMA_VERSION else None

    def all_patients(self) -> list[Patient]:
        return list(self._cache.values())

    def get(self, patient_id: str) -> Patient:
        try:
            return self._cache[patient_id]
        except KeyError:
            raise PatientNotFound(patient_id) from None

    def __contains__(self, patient_id: object) -> bool:
        return patient_id in self._cache

    def __len__(self) -> int:
        return len(self._cache)

    def audit(self, patient_id: str | None = None) -> list[AuditEntry]:
        """The audit trail, oldest first; only one patient's entries when ``patient_id`` is set."""
        return [
            AuditEntry.from_document(document)
            for document in self._audit_table.all()
            if patient_id is None or document.get("patient_id") == patient_id
        ]

    # --- writes --------------------------------------------------------------------------

    def add(self, patient: Patient, action: str = "admit") -> Patient:
        """Store a new patient; DuplicatePatientError when the id is taken."""
        return self.import_patients([patient], action=action)[0]

    def import_patients(self, patients: Iterable[Patient], action: str = "import") -> list[Patient]:
        """Store new patients all or nothing (one write); duplicate ids are refused."""
        self._require_writable()
        patients = list(patients)
        ids = [patient.id for patient in patients]
        taken = sorted({pid for pid in ids if ids.count(pid) > 1 or pid in self._cache})
        if taken:
            raise DuplicatePatientError(taken)
        validated = [_validated(patient) for patient in patients]
        entries = [
            self._entry(action, stored.id, None, _filled_fields(stored)).to_document()
            for stored, _ in validated
        ]
        with self._storage.batch():
            doc_ids = self._patients_table.insert_multiple(doc for _, doc in validated)
            self._audit_table.insert_multiple(entries)
        for (stored, _), doc_id in zip(validated, doc_ids, strict=True):
            self._cache[stored.id] = stored
            self._doc_ids[stored.id] = doc_id
        return [stored for stored, _ in validated]

    def put(
        self,
        patient: Patient,
        action: str,
        changed: Iterable[str] | None = None,
        record_id: str | None = None,
    ) -> Patient:
        """Replace a stored patient by ``patient`` (a modified copy) and audit it.

        Validates first (pydantic's ValidationError), refuses changes to signed notes
        (SignedNoteError), and returns the stored patient. ``changed`` adds field names to the
        audit entry; the fields that really differ are always listed. Nothing changed: no write.
        """
        self._require_writable()
        before = self.get(patient.id)
        stored, document = _validated(patient)
        check_signed_notes(before, stored)
        differing = changed_fields(before, stored)
        if not differing:
            return before
        fields = tuple(dict.fromkeys([*(changed or ()), *differing]))
        entry = self._entry(action, stored.id, record_id, fields)
        with self._storage.batch():
            self._patients_table.update(
                _replace_with(document), doc_ids=[self._doc_ids[stored.id]]
            )
            self._audit_table.insert(entry.to_document())
        self._cache[stored.id] = stored
        return stored

    def close(self) -> None:
        """Release the file (and its writer lock)."""
        self._db.close()

    def __enter__(self) -> Repository:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- internals -----------------------------------------------------------------------

    def _require_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyStoreError(self.path)

    def _entry(
        self, action: str, patient_id: str | None, record_id: str | None, fields: tuple[str, ...]
    ) -> AuditEntry:
        return AuditEntry(
            at=now(),
            by=self.clinician or self._os_user,
            os_user=self._os_user,
            action=action,
            patient_id=patient_id,
            record_id=record_id,
            fields=fields,
        )


def open_repository(
    path: str | Path, clinician: str = "", *, read_only: bool = False, create: bool = True
) -> Repository:
    """Open (or create, 0600 in a 0700 directory) the record file at ``path``.

    Raises StoreLockedError when another process writes it (``read_only=True`` still works),
    CorruptStoreError / ForeignFileError / NewerSchemaError when it cannot be used as it is.
    """
    return Repository(Path(path).expanduser(), clinician, read_only=read_only, create=create)
