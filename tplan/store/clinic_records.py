"""The clinic's own records: treatment groups, sessions and attendance, each in its own table.

They are not part of one patient's document, so they get their own tables (``groups``,
``sessions``, ``attendance``) with the guarantees the patients have: every save is one journal
line holding the documents and their audit entries (field names only), refused in read-only
mode, and nothing stored would fail to load again. Opening only indexes the raw documents (ids,
session dates, which session and patient an attendance record is for); a record is validated
the first time it is read and kept, so a year of sessions costs nothing until it is looked at.

``ClinicRecords`` is mixed into ``Repository``; it uses the repository's storage, audit entry
and read-only check.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from tplan.record_format import STORED
from tplan.store.audit import AuditEntry, changed_fields
from tplan.store.errors import CorruptStoreError, NotFoundError, StoreError, does_not_load
from tplan.store.migrations import AUDIT_TABLE
from tplan.store.record_keeping import RecordKeeping
from tplan.store.storage import serialized

if TYPE_CHECKING:
    from pydantic import BaseModel

    from tplan.domain import AttendanceRecord, Session, TreatmentGroup
    from tplan.store.storage import AtomicJSONStorage

GROUPS_TABLE = "groups"
SESSIONS_TABLE = "sessions"
ATTENDANCE_TABLE = "attendance"
CLINIC_TABLES = (GROUPS_TABLE, SESSIONS_TABLE, ATTENDANCE_TABLE)

M = TypeVar("M", bound="BaseModel")


class ClinicRecordNotFound(StoreError, NotFoundError):
    def __init__(self, what: str, record_id: str) -> None:
        self.record_id = record_id
        super().__init__(f"no {what} with id {record_id!r}")


class _Table(Generic[M]):
    """One table of validated-on-read records, indexed by their own ``id``.

    ``model`` names the record's class (``"module:Class"``), imported at the first record read:
    indexing the table needs neither pydantic nor the domain.
    """

    def __init__(self, storage: AtomicJSONStorage, name: str, model: str, what: str) -> None:
        self.storage = storage
        self.name = name
        self.model_path = model
        self.what = what
        self.doc_ids: dict[str, str] = {}
        self.cache: dict[str, M] = {}
        self.verified: set[str] = set()

    def documents(self) -> Mapping[str, dict[str, Any]]:
        return self.storage.read().get(self.name, {})

    def index(self, path: Path) -> Iterable[tuple[str, dict[str, Any]]]:
        """Map record ids to document ids; yields (record id, raw document) for more indexes."""
        for doc_id, document in self.documents().items():
            record_id = document.get("id")
            if not isinstance(record_id, str) or record_id in self.doc_ids:
                raise CorruptStoreError(path, f"{self.what} document {doc_id} has no usable id")
            self.doc_ids[record_id] = doc_id
            yield record_id, document

    def get(self, record_id: str, path: Path) -> M:
        cached = self.cache.get(record_id)
        if cached is not None:
            return cached
        try:
            doc_id = self.doc_ids[record_id]
        except KeyError:
            raise ClinicRecordNotFound(self.what, record_id) from None
        record = self.load(doc_id, self.documents()[doc_id], path)
        return self.cache.setdefault(record_id, record)

    @property
    def model(self) -> type[M]:
        module, name = self.model_path.split(":")
        model: type[M] = getattr(importlib.import_module(module), name)
        return model

    def load(self, doc_id: str, document: dict[str, Any], path: Path) -> M:
        from pydantic import ValidationError

        try:
            record = self.model.model_validate(document, context=STORED)
        except ValidationError as exc:
            raise does_not_load(path, f"{self.what} document {doc_id}", exc) from None
        self.verified.add(doc_id)
        return record

    def verify(self, path: Path) -> None:
        for doc_id, document in list(self.documents().items()):
            if doc_id not in self.verified:
                self.load(doc_id, document, path)


def _stored(record: M) -> tuple[M, dict[str, Any]]:
    """Re-validate a record and return it with its JSON document (never store what won't load)."""
    document = record.model_dump(mode="json")
    return type(record).model_validate(document), document


def attendance_changes(
    session_id: str,
    records: Iterable[AttendanceRecord],
    previous_of: Callable[[str], AttendanceRecord | None],
) -> list[tuple[AttendanceRecord, dict[str, Any], tuple[str, ...]]]:
    """The records that change a session's stored attendance, each re-validated with its JSON
    document and the field names that changed (``("attendance",)`` when new). A record takes the
    id of the one ``previous_of`` its patient; one of another session, or a second one for a
    patient, is a ValueError."""
    changes: list[tuple[AttendanceRecord, dict[str, Any], tuple[str, ...]]] = []
    seen: set[str] = set()
    for record in records:
        if record.session_id != session_id:
            raise ValueError("an attendance record is for another session")
        if record.patient_id in seen:
            raise ValueError("two attendance records for one patient in one session")
        seen.add(record.patient_id)
        previous = previous_of(record.patient_id)
        if previous is not None and previous.id != record.id:
            record = record.model_copy(update={"id": previous.id})
        stored, document = _stored(record)
        fields = ("attendance",) if previous is None else changed_fields(previous, stored)
        if fields and fields != ("recorded_at",):
            changes.append((stored, document, fields))
    return changes


class ClinicRecords(RecordKeeping):
    """Groups, sessions and attendance of the record file (mixed into ``Repository``)."""

    path: Path
    _storage: AtomicJSONStorage

    def _index_clinic_records(self) -> None:
        self._groups: _Table[TreatmentGroup] = _Table(
            self._storage, GROUPS_TABLE, "tplan.domain:TreatmentGroup", "group"
        )
        self._sessions: _Table[Session] = _Table(
            self._storage, SESSIONS_TABLE, "tplan.domain:Session", "session"
        )
        self._attendance: _Table[AttendanceRecord] = _Table(
            self._storage, ATTENDANCE_TABLE, "tplan.domain:AttendanceRecord", "attendance"
        )
        for _ in self._groups.index(self.path):
            pass
        self._sessions_by_day: dict[str, list[str]] = {}
        self._session_days: dict[str, str] = {}
        for session_id, document in self._sessions.index(self.path):
            self._place_session(session_id, str(document.get("on")))
        self._attendance_by_session: dict[str, dict[str, str]] = {}
        for record_id, document in self._attendance.index(self.path):
            by_patient = self._attendance_by_session.setdefault(str(document.get("session_id")), {})
            by_patient[str(document.get("patient_id"))] = record_id

    def _verify_clinic_records(self) -> None:
        for table in (self._groups, self._sessions, self._attendance):
            table.verify(self.path)

    # --- reads ---------------------------------------------------------------------------

    def groups(self) -> list[TreatmentGroup]:
        """Every treatment group, ended ones included, by name."""
        found = [self._groups.get(gid, self.path) for gid in list(self._groups.doc_ids)]
        return sorted(found, key=lambda g: (g.name.casefold(), g.id))

    def get_group(self, group_id: str) -> TreatmentGroup:
        return self._groups.get(group_id, self.path)

    def get_session(self, session_id: str) -> Session:
        return self._sessions.get(session_id, self.path)

    def sessions_between(self, first: date, last: date) -> list[Session]:
        """Sessions dated ``first`` .. ``last`` inclusive (only those are read), in time order."""
        found: list[Session] = []
        day = first
        while day <= last:
            for session_id in self._sessions_by_day.get(day.isoformat(), ()):
                found.append(self._sessions.get(session_id, self.path))
            day += timedelta(days=1)
        return sorted(found, key=lambda s: (s.on, s.start, s.id))

    def all_sessions(self) -> list[Session]:
        """Every session, in time order (e.g. to copy the file into a clinic database)."""
        found = [self._sessions.get(sid, self.path) for sid in list(self._sessions.doc_ids)]
        return sorted(found, key=lambda s: (s.on, s.start, s.id))

    def attendance_for(self, session_ids: Iterable[str]) -> list[AttendanceRecord]:
        """The attendance recorded for these sessions."""
        return [
            self._attendance.get(record_id, self.path)
            for session_id in session_ids
            for record_id in self._attendance_by_session.get(session_id, {}).values()
        ]

    # --- writes --------------------------------------------------------------------------

    def save_group(self, group: TreatmentGroup, action: str) -> TreatmentGroup:
        """Add or replace a group; audits the changed field names. Nothing changed: no write."""
        return self.save_groups([group], action)[0]

    def save_groups(self, groups: Sequence[TreatmentGroup], action: str) -> list[TreatmentGroup]:
        """Add or replace several groups in one journal line (all of them or none)."""
        self._require_writable()
        writes: list[tuple[_Table[Any], BaseModel, dict[str, Any]]] = []
        entries: list[AuditEntry] = []
        saved: list[TreatmentGroup] = []
        for group in groups:
            stored, document = _stored(group)
            before = self._existing(self._groups, stored.id)
            fields = changed_fields(before, stored) if before is not None else ("group",)
            if not fields:
                saved.append(before)  # type: ignore[arg-type]
                continue
            writes.append((self._groups, stored, document))
            entries.append(self._entry(action, None, stored.id, tuple(fields)))
            saved.append(stored)
        if writes:
            self._commit(writes, entries)
        return saved

    def save_session(self, session: Session, action: str) -> Session:
        """Add or replace one session (e.g. cancel it with a reason, or set its topic)."""
        self._require_writable()
        stored, document = _stored(session)
        self._check_one_per_occurrence(stored)
        before = self._existing(self._sessions, stored.id)
        fields = changed_fields(before, stored) if before is not None else ("session",)
        if not fields:
            return before  # type: ignore[return-value]
        entry = self._entry(action, stored.patient_id, stored.id, tuple(fields))
        self._commit([(self._sessions, stored, document)], [entry])
        return stored

    def record_attendance(
        self, session: Session, records: Iterable[AttendanceRecord], action: str
    ) -> tuple[Session, list[AttendanceRecord]]:
        """In one journal line."""
        self._require_writable()
        stored_session, session_document = _stored(session)
        self._check_one_per_occurrence(stored_session)
        existing = self._attendance_by_session.get(stored_session.id, {})
        writes: list[tuple[_Table[Any], BaseModel, dict[str, Any]]] = []
        entries: list[AuditEntry] = []

        def previous_of(patient_id: str) -> AttendanceRecord | None:
            previous_id = existing.get(patient_id)
            return self._attendance.get(previous_id, self.path) if previous_id else None

        for stored, document, fields in attendance_changes(stored_session.id, records, previous_of):
            writes.append((self._attendance, stored, document))
            entries.append(self._entry(action, stored.patient_id, stored_session.id, fields))
        before = self._existing(self._sessions, stored_session.id)
        if before is None or changed_fields(before, stored_session):
            writes.insert(0, (self._sessions, stored_session, session_document))
        if writes:
            self._commit(writes, entries)
        return stored_session, self.attendance_for([stored_session.id])

    def import_clinic_records(
        self,
        groups: Iterable[TreatmentGroup],
        sessions: Iterable[Session],
        attendance: Iterable[AttendanceRecord],
        action: str = "import",
    ) -> None:
        """Store new groups, sessions and attendance all or nothing (one journal line, one
        audit entry); an id already stored is refused (ValueError)."""
        self._require_writable()
        writes: list[tuple[_Table[Any], BaseModel, dict[str, Any]]] = []
        for table, records in (
            (self._groups, groups),
            (self._sessions, sessions),
            (self._attendance, attendance),
        ):
            new_ids = [record.id for record in records]  # type: ignore[attr-defined]
            if len(set(new_ids)) != len(new_ids) or set(new_ids) & set(table.doc_ids):
                raise ValueError(f"a {table.what} id is already stored or given twice")
            writes.extend((table, *_stored(record)) for record in records)
        if not writes:
            return
        counts = {name: sum(t.name == name for t, _, _ in writes) for name in CLINIC_TABLES}
        fields = tuple(f"{name}: {count}" for name, count in counts.items() if count)
        self._commit(writes, [self._entry(action, None, None, fields)])

    # --- internals -----------------------------------------------------------------------

    def _existing(self, table: _Table[M], record_id: str) -> M | None:
        return table.get(record_id, self.path) if record_id in table.doc_ids else None

    def _check_one_per_occurrence(self, session: Session) -> None:
        for session_id in self._sessions_by_day.get(session.on.isoformat(), ()):
            other = self._sessions.get(session_id, self.path)
            if other.id != session.id and other.occurrence == session.occurrence:
                raise ValueError(
                    f"this occurrence on {session.on.isoformat()} is already recorded as a session"
                )

    def _place_session(self, session_id: str, day: str) -> None:
        """Keep the by-day index right when a session is added or moved to another day."""
        before = self._session_days.get(session_id)
        if before == day:
            return
        if before is not None:
            self._sessions_by_day[before].remove(session_id)
        self._sessions_by_day.setdefault(day, []).append(session_id)
        self._session_days[session_id] = day

    @serialized
    def _commit(
        self, writes: list[tuple[_Table[Any], BaseModel, dict[str, Any]]], entries: list[AuditEntry]
    ) -> None:
        changes: dict[tuple[str, str], dict[str, Any] | None] = {}
        placed: list[tuple[_Table[Any], BaseModel, str]] = []
        for table, record, document in writes:
            record_id = record.id  # type: ignore[attr-defined]
            doc_id = table.doc_ids.get(record_id) or self._storage.new_doc_ids(table.name)[0]
            changes[(table.name, doc_id)] = document
            placed.append((table, record, doc_id))
        audit_ids = self._storage.new_doc_ids(AUDIT_TABLE, len(entries)) if entries else []
        for audit_id, entry in zip(audit_ids, entries, strict=True):
            changes[(AUDIT_TABLE, audit_id)] = entry.to_document()
        self._storage.put_documents(changes)
        for table, record, doc_id in placed:
            record_id = record.id  # type: ignore[attr-defined]
            table.doc_ids[record_id] = doc_id
            table.cache[record_id] = record
            table.verified.add(doc_id)
            if table is self._sessions:
                self._place_session(record_id, record.on.isoformat())  # type: ignore[attr-defined]
            elif table is self._attendance:
                session_id = record.session_id  # type: ignore[attr-defined]
                by_patient = self._attendance_by_session.setdefault(session_id, {})
                by_patient[record.patient_id] = record_id  # type: ignore[attr-defined]
