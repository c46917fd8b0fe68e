"""Patients in a clinic's PostgreSQL database: the same interface as the record file.

One row per patient holds the validated document (jsonb), its version and summary columns;
each save is one transaction that checks the version the change was made on, writes the
document, its audit entry and any new disclosures, or nothing. The session
keeps the patients it has read (like the file's repository); a save by another session drops
that copy (LISTEN, see :mod:`tplan.store.postgres.listener`) and tells the listeners, so
screens refresh.

Connections are used under one lock (the UI saves from thread workers). A lost connection
makes the next call fail with StoreUnavailableError (nothing saved) and the one after that
reconnect.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import psycopg
from psycopg.types.json import Jsonb

from tplan.store.audit import AuditEntry, changed_fields, now, os_user
from tplan.store.errors import (
    ConflictError,
    CorruptStoreError,
    DuplicatePatientError,
    PatientNotFound,
    ReadOnlyStoreError,
    StoreError,
    StoreUnavailableError,
)
from tplan.store.postgres import schema
from tplan.store.postgres.clinic import PostgresClinicRecords, insert_audit
from tplan.store.postgres.connection import connect
from tplan.store.postgres.group_notes import PostgresGroupNotes
from tplan.store.postgres.listener import ChangeWatcher
from tplan.store.postgres.summaries import PostgresSummaries, Summary, summary_value
from tplan.store.postgres.url import checked_url, redact_url
from tplan.store.record_keeping import filled_fields, revalidated

if TYPE_CHECKING:
    from tplan.domain import DisclosureStatus, ExportLogEntry, Patient
    from tplan.store.protocol import ChangeListener, ClinicChangeListener

R = TypeVar("R")

def _summary(patient: Patient) -> dict[str, Any]:
    """The columns the caseload and the name directory read instead of the document."""
    return {
        "active": patient.active,
        "display_name": patient.display_name,
        "counselor": patient.counselor,
        "admission_date": patient.admission_date,
    }


class PostgresRepository(PostgresClinicRecords, PostgresGroupNotes, PostgresSummaries):
    """Patients of one clinic database. Open it with :func:`open_postgres`."""

    def __init__(self, url: str, clinician: str = "", *, read_only: bool = False) -> None:
        self._url = checked_url(url)
        self._location = redact_url(url)
        self.clinician = clinician
        self.read_only = read_only
        self._os_user = os_user()
        self._lock = threading.RLock()
        self._cache: dict[str, tuple[Patient, int]] = {}
        self._damaged: dict[str, tuple[int, str]] = {}
        """Patient id -> (version, why) for rows whose document does not load: left out of
        the lists (the caseload goes on without them) and named by ``damaged_records``."""
        self._conn: psycopg.Connection | None = connect(self._url, self._location)
        self._watcher: ChangeWatcher | None = None
        self._listeners: list[ChangeListener] = []
        self._clinic_listeners: list[ClinicChangeListener] = []
        try:
            schema.require_known(self._conn, self._location)
            self._session_pid = self._conn.info.backend_pid
        except BaseException:
            self._conn.close()
            raise

    # --- connection ----------------------------------------------------------------------

    @property
    def location(self) -> str:
        return self._location

    @property
    def connected(self) -> bool:
        if self._watcher is not None:
            return self._watcher.connected
        conn = self._conn
        return conn is not None and not conn.closed and not conn.broken

    def _run(self, work: Callable[[psycopg.Connection], R]) -> R:
        """Run ``work`` on the connection (reconnecting if it was lost); a lost connection
        is StoreUnavailableError and whatever ``work`` did in its transaction is undone."""
        with self._lock:
            conn = self._conn
            if conn is None or conn.closed or conn.broken:
                if conn is not None:
                    conn.close()
                self._conn = None
                conn = self._conn = connect(self._url, self._location)
                self._session_pid = conn.info.backend_pid
                self._cache.clear()  # saves were missed while away
            try:
                return work(conn)
            except psycopg.OperationalError:
                if conn.broken or conn.closed:
                    raise StoreUnavailableError(self._location) from None
                raise

    def _load(self, patient_id: str, document: dict[str, Any]) -> Patient:
        from tplan.domain import Patient

        patient = self._load_as(Patient, "patient", patient_id, document)
        if patient.id != patient_id:
            raise CorruptStoreError(self._location, f"patient {patient_id} changed its id")  # type: ignore[arg-type]
        return patient

    # --- reads ---------------------------------------------------------------------------

    def _ids(self, active: bool) -> list[str]:
        rows = self._run(
            lambda c: c.execute(
                "SELECT id FROM patients WHERE active = %s ORDER BY id", (active,)
            ).fetchall()
        )
        return [row[0] for row in rows]

    def active_ids(self) -> list[str]:
        return self._ids(True)

    def discharged_ids(self) -> list[str]:
        return self._ids(False)

    def stored_names(self, patient_ids: Iterable[str]) -> dict[str, str]:
        ids = list(patient_ids)
        rows = self._run(
            lambda c: c.execute(
                "SELECT id, display_name FROM patients WHERE id = ANY(%s)", (ids,)
            ).fetchall()
        )
        found = dict(rows)
        return {pid: found.get(pid, "?") for pid in ids}

    def _refresh(self, where: str, params: tuple[Any, ...]) -> list[str]:
        """Read the rows matching ``where``: documents only where the session's copy is old."""
        def work(c: psycopg.Connection) -> list[str]:
            rows = c.execute(
                f"SELECT id, version FROM patients WHERE {where} ORDER BY id", params
            ).fetchall()
            stale = [pid for pid, version in rows if self._cache.get(pid, (None, 0))[1] != version]
            known_bad = {pid for pid, version in rows if self._damaged.get(pid, (0,))[0] == version}
            stale = [pid for pid in stale if pid not in known_bad]
            if stale:
                for pid, version, document in c.execute(
                    "SELECT id, version, document FROM patients WHERE id = ANY(%s)", (stale,)
                ):
                    try:
                        self._cache[pid] = (self._load(pid, document), version)
                    except CorruptStoreError as exc:
                        self._cache.pop(pid, None)
                        self._damaged[pid] = (version, str(exc))
                        continue
                    self._damaged.pop(pid, None)
            return [pid for pid, _ in rows if pid in self._cache]

        return self._run(work)

    def active_patients(self) -> list[Patient]:
        """The patients not discharged, as of now (re-reads only those saved since)."""
        return [self._cache[pid][0] for pid in self._refresh("active", ())]

    def all_patients(self) -> list[Patient]:
        return [self._cache[pid][0] for pid in self._refresh("true", ())]

    def get_versioned(self, patient_id: str) -> tuple[Patient, int]:
        cached = self._cache.get(patient_id)
        if cached is not None:
            return cached
        with self._lock:
            if not self._refresh("id = %s", (patient_id,)):
                if patient_id in self._damaged:
                    raise CorruptStoreError(self._location, self._damaged[patient_id][1])  # type: ignore[arg-type]
                raise PatientNotFound(patient_id)
            return self._cache[patient_id]

    def damaged_records(self) -> dict[str, str]:
        return {pid: why for pid, (_, why) in self._damaged.items()}

    def get(self, patient_id: str) -> Patient:
        return self.get_versioned(patient_id)[0]

    def version(self, patient_id: str) -> int:
        return self.get_versioned(patient_id)[1]

    def __contains__(self, patient_id: object) -> bool:
        if patient_id in self._cache:
            return True
        row = self._run(
            lambda c: c.execute("SELECT 1 FROM patients WHERE id = %s", (patient_id,)).fetchone()
        )
        return row is not None

    def __len__(self) -> int:
        row = self._run(lambda c: c.execute("SELECT count(*) FROM patients").fetchone())
        return int(row[0]) if row else 0

    def audit(self, patient_id: str | None = None) -> list[AuditEntry]:
        query = (
            "SELECT at, by_name, os_user, action, patient_id, record_id, fields, detail"
            " FROM audit"
        )
        params: tuple[Any, ...] = ()
        if patient_id is not None:
            query += " WHERE patient_id = %s"
            params = (patient_id,)
        rows = self._run(lambda c: c.execute(query + " ORDER BY seq", params).fetchall())
        return [
            AuditEntry(
                at=at, by=by, os_user=user, action=action, patient_id=pid, record_id=rid,
                fields=tuple(fields), detail=detail,
            )
            for at, by, user, action, pid, rid, fields, detail in rows
        ]

    def disclosures(self, patient_id: str) -> list[ExportLogEntry]:
        """The patient's disclosure log, each entry as it stands now (the server's
        ``disclosures`` table also keeps every earlier state of it, append-only)."""
        return list(self.get(patient_id).disclosures)

    # --- writes --------------------------------------------------------------------------

    def add(
        self, patient: Patient, action: str = "admit", *, summary: Summary | None = None
    ) -> Patient:
        summaries = None if summary is None else {patient.id: summary}
        return self.import_patients([patient], action=action, summaries=summaries)[0]

    def import_patients(
        self,
        patients: Iterable[Patient],
        action: str = "import",
        *,
        summaries: Mapping[str, Summary] | None = None,
    ) -> list[Patient]:
        """In one transaction."""
        self._require_writable()
        validated = [revalidated(patient) for patient in patients]
        entries = [
            self._entry(action, stored.id, None, filled_fields(stored)) for stored, _ in validated
        ]
        self.insert_rows(
            [(stored, document, 1) for stored, document in validated],
            entries,
            summaries=summaries,
        )
        return [stored for stored, _ in validated]

    def insert_rows(
        self,
        rows: list[tuple[Patient, dict[str, Any], int]],
        entries: list[AuditEntry],
        *,
        at: datetime | None = None,
        verify: Callable[[psycopg.Connection], None] | None = None,
        summaries: Mapping[str, Summary] | None = None,
    ) -> None:
        """Insert (patient, document, version) rows, their caseload summaries (patient id ->
        summary; none: NULL) and audit entries in one transaction.

        DuplicatePatientError names ids taken (or repeated); ``verify`` runs last inside the
        transaction and can still undo everything by raising.
        """
        ids = [stored.id for stored, _, _ in rows]
        repeated = {pid for pid in ids if ids.count(pid) > 1}
        when = at or now()

        def work(c: psycopg.Connection) -> None:
            with c.transaction():
                taken = {
                    row[0]
                    for row in c.execute(
                        "SELECT id FROM patients WHERE id = ANY(%s)", (ids,)
                    ).fetchall()
                }
                if taken or repeated:
                    raise DuplicatePatientError(sorted(taken | repeated))
                with c.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO patients (id, document, version, active, display_name,"
                        " counselor, admission_date, updated_at, updated_by, summary) VALUES"
                        " (%(id)s, %(document)s, %(version)s, %(active)s, %(display_name)s,"
                        " %(counselor)s, %(admission_date)s, %(at)s, %(by)s, %(summary)s)",
                        [
                            {
                                "id": stored.id,
                                "document": Jsonb(document),
                                "summary": summary_value((summaries or {}).get(stored.id)),
                                "version": version,
                                "at": when,
                                "by": self._by(),
                                **_summary(stored),
                            }
                            for stored, document, version in rows
                        ],
                    )
                    for stored, _, _ in rows:
                        _insert_disclosures(cur, stored.id, stored.disclosures)
                    insert_audit(cur, entries)
                if verify is not None:
                    verify(c)

        self._run(work)
        for stored, _, version in rows:
            self._cache[stored.id] = (stored, version)

    def put(
        self,
        patient: Patient,
        action: str,
        changed: Iterable[str] | None = None,
        record_id: str | None = None,
        *,
        expected_version: int | None = None,
        summary: Summary | None = None,
    ) -> Patient:
        """Save a changed copy in one transaction if the patient is still at
        ``expected_version`` (else ConflictError, and the session's copy is dropped so the
        next read is fresh), with its caseload summary (none: the stored one is dropped).
        Signed notes only take addenda; nothing changed: no write."""
        from tplan.store.signed_notes import check_signed_notes

        self._require_writable()
        stored, document = revalidated(patient)

        def work(c: psycopg.Connection) -> tuple[Patient, int]:
            with c.transaction():
                before, version = self._locked(c, stored.id, expected_version)
                check_signed_notes(before, stored)
                differing = changed_fields(before, stored)
                if not differing:
                    return before, version
                fields = tuple(dict.fromkeys([*(changed or ()), *differing]))
                entry = self._entry(action, stored.id, record_id, fields)
                self._write(c, before, stored, document, entry, summary)
                with c.cursor() as cur:
                    insert_audit(cur, [entry])
                return stored, version + 1

        self._remember([self._run(work)])
        return self._cache[stored.id][0]

    def set_disclosure_status(
        self, patient_id: str, entry_id: str, status: DisclosureStatus
    ) -> Patient:
        """Mark how an export ended on its disclosure entry (no audit entry of its own: the
        ``export`` entry names it); the disclosures table keeps the entry's new state too."""
        self._require_writable()

        def work(c: psycopg.Connection) -> tuple[Patient, int]:
            with c.transaction():
                before, version = self._locked(c, patient_id, None)
                patient = before.model_copy(deep=True)
                entry = next((e for e in patient.disclosures if e.id == entry_id), None)
                if entry is None:
                    raise StoreError(f"no disclosure {entry_id} in patient {patient_id}")
                entry.status = status
                stored, document = revalidated(patient)
                self._write(c, before, stored, document, self._entry("", None, None, ()))
                return stored, version + 1

        self._remember([self._run(work)])
        return self._cache[patient_id][0]

    def _locked(
        self, c: psycopg.Connection, patient_id: str, expected_version: int | None
    ) -> tuple[Patient, int]:
        """The stored patient and version, row locked until the transaction ends;
        ConflictError (the session's copy dropped) when it is not at ``expected_version``."""
        row = c.execute(
            "SELECT version, updated_by, updated_at, document FROM patients"
            " WHERE id = %s FOR UPDATE",
            (patient_id,),
        ).fetchone()
        if row is None:
            raise PatientNotFound(patient_id)
        version, by, at, current = row
        if expected_version is not None and version != expected_version:
            self._cache.pop(patient_id, None)
            raise ConflictError(patient_id, by, at)
        cached = self._cache.get(patient_id)
        if cached and cached[1] == version:
            return cached[0], version
        return self._load(patient_id, current), version

    def _write(
        self,
        c: psycopg.Connection,
        before: Patient,
        stored: Patient,
        document: dict[str, Any],
        entry: AuditEntry,
        summary: Summary | None = None,
    ) -> None:
        """The row's new document, columns and caseload summary (none: NULL), one version
        up; new disclosure states."""
        c.execute(
            "UPDATE patients SET document = %(document)s, version = version + 1,"
            " active = %(active)s, display_name = %(display_name)s,"
            " counselor = %(counselor)s, admission_date = %(admission_date)s,"
            " updated_at = %(at)s, updated_by = %(by)s, summary = %(summary)s WHERE id = %(id)s",
            {
                "id": stored.id,
                "document": Jsonb(document),
                "summary": summary_value(summary),
                "at": entry.at,
                "by": entry.by,
                **_summary(stored),
            },
        )
        with c.cursor() as cur:
            known = before.disclosures  # new entries, and entries whose status moved on
            _insert_disclosures(cur, stored.id, [d for d in stored.disclosures if d not in known])

    def _save_patient_rows(
        self,
        c: psycopg.Connection,
        patients: list[Patient],
        entries: list[AuditEntry],
        summaries: Mapping[str, Summary] | None = None,
    ) -> list[tuple[Patient, int]]:
        """Write changed patients (with their caseload summaries, if given) inside the
        caller's transaction (signed notes stay locked)."""
        from tplan.store.signed_notes import check_signed_notes

        saved = []
        for patient, entry in zip(patients, entries, strict=True):
            stored, document = revalidated(patient)
            before, version = self._locked(c, stored.id, None)
            check_signed_notes(before, stored)
            self._write(c, before, stored, document, entry, (summaries or {}).get(stored.id))
            saved.append((stored, version + 1))
        return saved

    def _remember(self, saved: list[tuple[Patient, int]]) -> None:
        for patient, version in saved:
            self._cache[patient.id] = (patient, version)

    def record_event(self, action: str, detail: str) -> None:
        self._require_writable()
        entry = AuditEntry(
            at=now(), by=self._by(), os_user=self._os_user, action=action, patient_id=None,
            record_id=None, fields=(), detail=detail,
        )

        def work(c: psycopg.Connection) -> None:
            with c.cursor() as cur:
                insert_audit(cur, [entry])

        self._run(work)

    # --- session -------------------------------------------------------------------------

    def watch(self, listener: ChangeListener) -> None:
        """Call ``listener(patient_id)`` when another session saves a patient; starts the
        LISTEN connection on first use."""
        with self._lock:
            self._listeners.append(listener)
            self._start_watching()

    def watch_clinic(self, listener: ClinicChangeListener) -> None:
        """Call ``listener(kind, record_id)`` ("group" or "session") when another session
        saves a group, a session, its attendance or its group note."""
        with self._lock:
            self._clinic_listeners.append(listener)
            self._start_watching()

    def _start_watching(self) -> None:
        if self._watcher is None:
            self._watcher = ChangeWatcher(
                self._url, self._location, self._changed_elsewhere, self._session_pid_now,
                self._clinic_changed_elsewhere,
            )
            self._watcher.start()

    def _clinic_changed_elsewhere(self, kind: str, record_id: str) -> None:
        for listener in list(self._clinic_listeners):
            listener(kind, record_id)

    def _session_pid_now(self) -> int:
        return self._session_pid

    def _changed_elsewhere(self, patient_id: str | None) -> None:
        """A save by another session (None: possibly many, after a reconnection)."""
        if patient_id is None:
            with self._lock:  # the server was away: this connection is likely gone too
                self._cache.clear()
                if self._conn is not None:
                    self._conn.close()
                    self._conn = None
        else:
            self._cache.pop(patient_id, None)
        for listener in list(self._listeners):
            listener(patient_id or "")
        if patient_id is None:
            self._clinic_changed_elsewhere("", "")

    def close(self) -> None:
        with self._lock:
            if self._watcher is not None:
                self._watcher.stop()
                self._watcher = None
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # --- internals -----------------------------------------------------------------------

    def _require_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyStoreError(self._location)

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """The session's connection under its lock (for `tplan server` maintenance)."""
        with self._lock:
            yield self._run(lambda c: c)


def _insert_disclosures(
    cur: psycopg.Cursor, patient_id: str, entries: Iterable[ExportLogEntry]
) -> None:
    rows = [(e.id, patient_id, e.at, Jsonb(e.model_dump(mode="json"))) for e in entries]
    if rows:
        cur.executemany(
            "INSERT INTO disclosures (id, patient_id, at, entry) VALUES (%s, %s, %s, %s)", rows
        )


def open_postgres(url: str, clinician: str = "", *, read_only: bool = False) -> PostgresRepository:
    """Connect to a clinic database set up by `tplan server init`.

    DatabaseURLError for a URL with a password, StoreUnavailableError when the server cannot
    be reached, SchemaError when its tables are missing, older or newer.
    """
    return PostgresRepository(url, clinician, read_only=read_only)
