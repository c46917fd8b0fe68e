"""The repository: patients in and out of the TinyDB file, as validated domain objects.

Nothing outside ``tplan.store`` touches TinyDB; the services call this class. Opening only
indexes the raw documents (id, active or discharged) and needs neither pydantic nor the domain
(the caseload paints first from the stored summaries, see ``tplan.store.summaries``); a patient
is validated on first ``get`` (``active_patients`` validates the active ones, raising
CorruptStoreError for a damaged one as opening used to) and the validated object is kept, so
the caseload never pays for the discharged ones. Returned objects are shared: callers treat them
as read-only (copy, change the copy, ``put`` it). A document that does not load raises
CorruptStoreError when it is read. Discharged patients' documents are kept packed in the file
(``tplan.store.history``) and unpacked only when read.

A compaction validates only what might not load: nothing when the snapshot was written with a
checksum (its compaction validated every document, and every save validates what it writes),
every document not validated yet when it has none (a file from before the checksum). One that
does not load is carried into the new snapshot exactly as it was and listed there by id
(``damaged_records``), so it is never lost, never silently "repaired", and never stops a
compaction; the app's top bar and ``tplan caseload`` name it.
Each write saves the patient document and its audit entry as one journal line (all or nothing).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB

from tplan.record_format import STORED, check_person_name
from tplan.store import history, migrations
from tplan.store.audit import AuditEntry, changed_fields, now, os_user
from tplan.store.bulk import paused_gc
from tplan.store.clinic_records import ClinicRecords
from tplan.store.errors import (
    ConflictError,
    CorruptStoreError,
    DuplicatePatientError,
    NewerSchemaError,
    PatientNotFound,
    ReadOnlyStoreError,
    StoreError,
    does_not_load,
)
from tplan.store.group_notes import GroupNoteRecords
from tplan.store.migrations import AUDIT_TABLE, PATIENTS_TABLE
from tplan.store.record_keeping import RecordKeeping, filled_fields, revalidated
from tplan.store.storage import AtomicJSONStorage, serialized
from tplan.store.summaries import SummaryRecords, checked_summary, summary_change

if TYPE_CHECKING:

    from tplan.domain import DisclosureStatus, ExportLogEntry, Patient
    from tplan.store.protocol import ChangeListener, ClinicChangeListener


class Repository(ClinicRecords, GroupNoteRecords, SummaryRecords, RecordKeeping):
    """Patients of one record file. Open it with :func:`open_repository`."""

    def __init__(
        self, path: Path, clinician: str = "", *, read_only: bool = False, create: bool = True
    ) -> None:
        self.path = path
        try:
            self.clinician = check_person_name(clinician) if clinician else clinician
        except ValueError as exc:
            raise StoreError(f"the clinician name {exc}; nothing was opened") from None
        self.read_only = read_only
        self._os_user = os_user()
        self._db = TinyDB(
            path,
            storage=AtomicJSONStorage,
            read_only=read_only,
            create=create,
            explain_damage=explain_damage,
        )
        self._storage: AtomicJSONStorage = self._db.storage  # type: ignore[assignment]
        self._audit_table = self._db.table(AUDIT_TABLE, cache_size=0)
        self._cache: dict[str, Patient] = {}
        self._doc_ids: dict[str, str] = {}
        self._verified: set[str] = set()
        """Doc ids whose current document is known to load (validated or written by us)."""
        self._damaged: dict[str, str] = {}
        """Doc id -> why its document does not load (found now, or listed by the snapshot)."""
        self._versions: dict[str, tuple[int, AuditEntry | None]] = {}
        """Per patient: saves since opening (the file has one writer) and the last one's entry."""
        try:
            self._index()
            self._index_clinic_records()
            self._index_group_notes()
            self._damaged.update(
                (doc_id, f"patient document {doc_id} does not load (found when the file was "
                 "last compacted)")
                for doc_id in self._storage.listed_damaged()
                if doc_id in self._documents()
            )
        except BaseException:
            self._db.close()
            raise
        self._snapshot_checked = self._storage.snapshot_checked
        self._storage.before_compaction = self._before_compaction
        if not read_only and history.has_unpacked_history(self._documents(), self._damaged):
            self._storage.compact_on_close()  # a file from before packing: migrate it in place

    def _documents(self) -> Mapping[str, dict[str, Any]]:
        return self._storage.read().get(PATIENTS_TABLE, {})

    def _index(self) -> None:
        """Map patient ids to documents; refuse newer records, missing and duplicate ids."""
        for doc_id, document in self._documents().items():
            version = document.get("schema_version", migrations.SCHEMA_VERSION)
            if isinstance(version, int) and version > migrations.SCHEMA_VERSION:
                raise NewerSchemaError(self.path, version, migrations.SCHEMA_VERSION)
            patient_id = document.get("id")
            if not isinstance(patient_id, str):
                raise CorruptStoreError(
                    self.path, f"patient document {doc_id} has no id", self._backup()
                )
            if patient_id in self._doc_ids:
                raise CorruptStoreError(self.path, f"patient id {patient_id} is stored twice")
            self._doc_ids[patient_id] = doc_id

    def _backup(self) -> Path | None:
        return self._storage.backup_path if self._storage.backup_path.exists() else None

    def _load(self, doc_id: str, document: dict[str, Any]) -> Patient:
        """Validate one stored document; CorruptStoreError (no record content) when it fails."""
        try:
            patient = load_document(self.path, doc_id, document, self._backup())
        except CorruptStoreError as exc:
            self._damaged[doc_id] = exc.problem
            raise
        self._verified.add(doc_id)
        self._damaged.pop(doc_id, None)
        return patient

    # --- reads ---------------------------------------------------------------------------

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def connected(self) -> bool:
        return True

    @property
    def backup_path(self) -> Path:
        return self._storage.backup_path

    @property
    def upgrades_on_close(self) -> bool:
        """True when closing rewrites the file to pack discharged records (an older file's
        whole history once, or a patient discharged since): the app says so when it quits."""
        return self._storage.compacts_on_close

    @property
    def migrated_from(self) -> int | None:
        """The older record format the file was upgraded from on opening, if any."""
        version = self._storage.file_version
        return version if version < migrations.SCHEMA_VERSION else None

    def all_patients(self) -> list[Patient]:
        """Every patient that loads, discharged ones included (validates those not read yet);
        a damaged discharged record is left out and listed by :meth:`damaged_records`."""
        return self.loadable(list(self._doc_ids))

    def _ids(self, discharged: bool) -> list[str]:
        documents = self._documents()
        return [
            patient_id
            for patient_id, doc_id in list(self._doc_ids.items())
            if history.is_discharged(documents[doc_id]) is discharged
        ]

    def active_ids(self) -> list[str]:
        """Ids of the patients not discharged, read from the raw documents (no validation)."""
        return self._ids(discharged=False)

    def discharged_ids(self) -> list[str]:
        """Ids of the discharged patients, read from the raw documents (no validation)."""
        return self._ids(discharged=True)

    def stored_names(self, patient_ids: Iterable[str]) -> dict[str, str]:
        """Display names as stored, without validating the records (for a name directory);
        a name that is not text reads as "?"."""
        documents = self._documents()
        names: dict[str, str] = {}
        for patient_id in patient_ids:
            name = documents[self._doc_ids[patient_id]].get("display_name")
            names[patient_id] = name if isinstance(name, str) else "?"
        return names

    def active_patients(self) -> list[Patient]:
        """The patients not discharged; discharged records are neither parsed into models nor
        validated."""
        with paused_gc():
            return [self.get(patient_id) for patient_id in self.active_ids()]

    def get(self, patient_id: str) -> Patient:
        cached = self._cache.get(patient_id)
        if cached is not None:
            return cached
        try:
            doc_id = self._doc_ids[patient_id]
        except KeyError:
            raise PatientNotFound(patient_id) from None
        patient = self._load(doc_id, self._documents()[doc_id])
        if patient.id != patient_id:
            raise CorruptStoreError(self.path, f"patient document {doc_id} changed its id")
        # setdefault: a put from another thread while this validated wins over the older copy
        return self._cache.setdefault(patient_id, patient)

    def get_versioned(self, patient_id: str) -> tuple[Patient, int]:
        # read the version first: a put from another thread changes the patient, then the version
        version = self._versions.get(patient_id, (1, None))[0]
        patient = self.get(patient_id)
        return patient, version

    def verify_all(self) -> list[str]:
        """Validate every document not validated yet (without keeping the models); return the
        doc ids of those that do not load."""
        documents = self._documents()
        with paused_gc():
            for doc_id, document in list(documents.items()):
                if doc_id not in self._verified:
                    with contextlib.suppress(CorruptStoreError):
                        self._load(doc_id, document)
        self._verify_clinic_records()
        self._verify_group_notes()
        return [doc_id for doc_id in self._damaged if doc_id in documents]

    def _before_compaction(self) -> list[str]:
        """Runs before a compaction rewrites the whole file: validate what might not load (see
        the module docstring), pack the history; return the doc ids of the damaged documents
        (which the new snapshot lists and carries over unchanged)."""
        if not self._snapshot_checked:
            self.verify_all()
            self._snapshot_checked = True  # the snapshot about to be written is checked
        documents = self._documents()
        damaged = [doc_id for doc_id in self._damaged if doc_id in documents]
        history.pack_history(self._storage.read().setdefault(PATIENTS_TABLE, {}), damaged)
        return damaged

    def damaged_records(self) -> dict[str, str]:
        """A document whose patient id is unknown is named by its doc id."""
        by_doc = {doc_id: patient_id for patient_id, doc_id in self._doc_ids.items()}
        return {by_doc.get(doc_id, f"document {doc_id}"): why
                for doc_id, why in self._damaged.items()}

    def __contains__(self, patient_id: object) -> bool:
        return patient_id in self._doc_ids

    def __len__(self) -> int:
        return len(self._doc_ids)

    def audit(self, patient_id: str | None = None) -> list[AuditEntry]:
        """The audit trail, oldest first; only one patient's entries when ``patient_id`` is set."""
        return [
            AuditEntry.from_document(document)
            for document in self._audit_table.all()
            if patient_id is None or document.get("patient_id") == patient_id
        ]

    def disclosures(self, patient_id: str) -> list[ExportLogEntry]:
        return list(self.get(patient_id).disclosures)

    def watch(self, listener: ChangeListener) -> None:
        """Nothing to watch: the file has a single writer (the lock), this session."""

    def watch_clinic(self, listener: ClinicChangeListener) -> None:
        """Nothing to watch either (see ``watch``)."""

    # --- writes --------------------------------------------------------------------------

    def add(
        self, patient: Patient, action: str = "admit", *, summary: Mapping[str, Any] | None = None
    ) -> Patient:
        """Store a new patient (with its caseload summary); DuplicatePatientError when the id is
        taken."""
        summaries = {patient.id: summary} if summary is not None else None
        return self.import_patients([patient], action=action, summaries=summaries)[0]

    @serialized
    def import_patients(
        self,
        patients: Iterable[Patient],
        action: str = "import",
        *,
        summaries: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> list[Patient]:
        """In one journal line."""
        self._require_writable()
        patients = list(patients)
        ids = [patient.id for patient in patients]
        taken = sorted({pid for pid in ids if ids.count(pid) > 1 or pid in self._doc_ids})
        if taken:
            raise DuplicatePatientError(taken)
        given = {pid: checked_summary(s) for pid, s in (summaries or {}).items() if pid in ids}
        validated = [revalidated(patient) for patient in patients]
        entries = [
            self._entry(action, stored.id, None, filled_fields(stored)).to_document()
            for stored, _ in validated
        ]
        doc_ids = self._storage.new_doc_ids(PATIENTS_TABLE, len(validated))
        audit_ids = self._storage.new_doc_ids(AUDIT_TABLE, len(entries))
        changes: dict[tuple[str, str], dict[str, Any] | None] = {
            (PATIENTS_TABLE, doc_id): document
            for doc_id, (_, document) in zip(doc_ids, validated, strict=True)
        }
        changes.update(
            ((AUDIT_TABLE, audit_id), entry)
            for audit_id, entry in zip(audit_ids, entries, strict=True)
        )
        for doc_id, (stored, _) in zip(doc_ids, validated, strict=True):
            changes.update(summary_change(doc_id, given.get(stored.id)))
        self._storage.put_documents(changes)
        for (stored, _), doc_id in zip(validated, doc_ids, strict=True):
            self._cache[stored.id] = stored
            self._doc_ids[stored.id] = doc_id
            self._verified.add(doc_id)
        return [stored for stored, _ in validated]

    @serialized
    def put(
        self,
        patient: Patient,
        action: str,
        changed: Iterable[str] | None = None,
        record_id: str | None = None,
        *,
        expected_version: int | None = None,
        summary: Mapping[str, Any] | None = None,
    ) -> Patient:
        """Replace a stored patient by ``patient`` (a modified copy) and audit it.

        Validates first (pydantic's ValidationError), refuses changes to signed notes
        (SignedNoteError), and returns the stored patient. ``changed`` adds field names to the
        audit entry; the fields that really differ are always listed. Nothing changed: no write.
        ConflictError when ``expected_version`` is not the patient's version any more.
        ``summary`` is the caseload summary of the new document, saved with it; without one
        the stored summary goes (it described the document replaced).
        """
        from tplan.store.signed_notes import check_signed_notes

        self._require_writable()
        checked = checked_summary(summary) if summary is not None else None
        version, last = self._versions.get(patient.id, (1, None))
        if expected_version is not None and expected_version != version:
            raise ConflictError(patient.id, last.by if last else "", last.at if last else None)
        before = self.get(patient.id)
        stored, document = revalidated(patient)
        check_signed_notes(before, stored)
        differing = changed_fields(before, stored)
        if not differing:
            return before
        fields = tuple(dict.fromkeys([*(changed or ()), *differing]))
        entry = self._entry(action, stored.id, record_id, fields)
        doc_id = self._doc_ids[stored.id]
        (audit_id,) = self._storage.new_doc_ids(AUDIT_TABLE)
        self._storage.put_documents({
            (PATIENTS_TABLE, doc_id): document,
            (AUDIT_TABLE, audit_id): entry.to_document(),
            **summary_change(doc_id, checked),
        })
        self._cache[stored.id] = stored
        self._bump_version(stored.id, entry)
        self._verified.add(doc_id)
        return stored

    @serialized
    def set_disclosure_status(
        self, patient_id: str, entry_id: str, status: DisclosureStatus
    ) -> Patient:
        """Mark how an export ended on its disclosure entry, the one change saved without an
        audit entry of its own: the audit's ``export`` entry, written when the disclosure was
        logged, already names it (``record_id``). The stored caseload summary goes with the
        old document."""
        self._require_writable()
        patient = self.get(patient_id).model_copy(deep=True)
        entry = next((e for e in patient.disclosures if e.id == entry_id), None)
        if entry is None:
            raise StoreError(f"no disclosure {entry_id} in patient {patient_id}")
        entry.status = status
        stored, document = revalidated(patient)
        doc_id = self._doc_ids[patient_id]
        self._storage.put_documents(
            {(PATIENTS_TABLE, doc_id): document, **summary_change(doc_id, None)}
        )
        self._cache[patient_id] = stored
        self._bump_version(patient_id, None)
        self._verified.add(doc_id)
        return stored

    @serialized
    def record_event(self, action: str, detail: str) -> None:
        """Audit something done to the file as a whole (no patient), e.g. a restore."""
        self._require_writable()
        entry = AuditEntry(
            at=now(), by=self._by(), os_user=self._os_user, action=action,
            patient_id=None, record_id=None, fields=(), detail=detail,
        )
        (audit_id,) = self._storage.new_doc_ids(AUDIT_TABLE)
        self._storage.put_documents({(AUDIT_TABLE, audit_id): entry.to_document()})

    def close(self, *, compact: bool = True) -> None:
        """Release the file (and its writer lock); ``compact=False`` leaves the journal as it
        is (a restore keeps the snapshot it verified byte for byte)."""
        if not compact:
            self._storage.keep_journal_on_close()
        self._db.close()

    # --- internals -----------------------------------------------------------------------

    def _bump_version(self, patient_id: str, entry: AuditEntry | None) -> None:
        """One save more for ``patient_id`` (every document write moves the version on, so a
        summary computed from the document before cannot be saved as current)."""
        version, last = self._versions.get(patient_id, (1, None))
        self._versions[patient_id] = (version + 1, entry or last)

    def _require_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyStoreError(self.path)


def load_document(
    path: Path, doc_id: str, document: dict[str, Any], backup: Path | None
) -> Patient:
    """Validate one stored patient document (unpacking it first if it is packed history);
    CorruptStoreError (no record content) when it does not load."""
    from pydantic import ValidationError

    from tplan.domain import Patient

    try:
        return Patient.model_validate(history.unpack(document), context=STORED)
    except history.PackError as exc:
        raise CorruptStoreError(path, f"patient document {doc_id} does not load ({exc})",
                                backup) from None
    except ValidationError as exc:
        raise does_not_load(path, f"patient document {doc_id}", exc, backup) from None


def explain_damage(path: Path, tables: dict[str, Any], backup: Path | None) -> None:
    """Name the damaged document of a snapshot whose checksum failed, when one does not load
    (or comes from a newer tplan); otherwise return and let the checksum error stand."""
    patients = tables.get(PATIENTS_TABLE)
    if not isinstance(patients, dict):
        return
    for document in patients.values():
        if not isinstance(document, dict):
            return
        version = document.get("schema_version", migrations.SCHEMA_VERSION)
        if isinstance(version, int) and version > migrations.SCHEMA_VERSION:
            raise NewerSchemaError(path, version, migrations.SCHEMA_VERSION)
    for doc_id, document in patients.items():
        load_document(path, doc_id, document, backup)


def open_repository(
    path: str | Path, clinician: str = "", *, read_only: bool = False, create: bool = True
) -> Repository:
    """Open (or create, 0600 in a 0700 directory) the record file at ``path``.

    Raises StoreLockedError when another process writes it (``read_only=True`` still works),
    CorruptStoreError / ForeignFileError / NewerSchemaError when it cannot be used as it is.
    A database URL is refused: as a path it would become a folder named ``postgresql:``.
    """
    if str(path).lower().startswith(("postgresql:", "postgres:")):
        raise StoreError("a PostgreSQL URL is not a record file; open_store opens databases")
    return Repository(Path(path).expanduser(), clinician, read_only=read_only, create=create)
