"""Groups, sessions and attendance in the clinic database (mixed into PostgresRepository).

The same behaviour as the record file's ``ClinicRecords``: each save is one transaction with
its audit entries (field names only), refused read-only; nothing stored would fail to load.
Records are read when asked for (a session book spans a few weeks), not cached.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import psycopg
from psycopg.types.json import Jsonb

from tplan.store.audit import AuditEntry, changed_fields, now
from tplan.store.clinic_records import ClinicRecordNotFound, _stored, attendance_changes
from tplan.store.postgres.record_keeping import PostgresRecordKeeping

if TYPE_CHECKING:
    from pydantic import BaseModel

    from tplan.domain import AttendanceRecord, Session, TreatmentGroup
    from tplan.domain.group_notes import GroupNote

M = TypeVar("M", bound="BaseModel")

_DUPLICATE_SESSION = "this occurrence on {day} is already recorded as a session"


class PostgresClinicRecords(PostgresRecordKeeping):
    """Treatment groups, sessions and attendance rows."""


    # --- reads ---------------------------------------------------------------------------

    def groups(self) -> list[TreatmentGroup]:
        from tplan.domain import TreatmentGroup

        rows = self._run(lambda c: c.execute("SELECT id, document FROM groups").fetchall())
        found = [self._load_as(TreatmentGroup, "group", gid, doc) for gid, doc in rows]
        return sorted(found, key=lambda g: (g.name.casefold(), g.id))

    def get_group(self, group_id: str) -> TreatmentGroup:
        from tplan.domain import TreatmentGroup

        return self._one(TreatmentGroup, "group", "groups", group_id)

    def get_session(self, session_id: str) -> Session:
        from tplan.domain import Session

        return self._one(Session, "session", "sessions", session_id)

    def _one(self, model: type[M], what: str, table: str, record_id: str) -> M:
        row = self._run(
            lambda c: c.execute(
                f"SELECT document FROM {table} WHERE id = %s", (record_id,)
            ).fetchone()
        )
        if row is None:
            raise ClinicRecordNotFound(what, record_id)
        return self._load_as(model, what, record_id, row[0])

    def sessions_between(self, first: date, last: date) -> list[Session]:
        from tplan.domain import Session

        rows = self._run(
            lambda c: c.execute(
                "SELECT id, document FROM sessions WHERE on_date BETWEEN %s AND %s",
                (first, last),
            ).fetchall()
        )
        found = [self._load_as(Session, "session", sid, doc) for sid, doc in rows]
        return sorted(found, key=lambda s: (s.on, s.start, s.id))

    def attendance_for(self, session_ids: Iterable[str]) -> list[AttendanceRecord]:
        from tplan.domain import AttendanceRecord

        ids = list(session_ids)
        order = {sid: index for index, sid in enumerate(ids)}
        rows = self._run(
            lambda c: c.execute(
                "SELECT id, session_id, document FROM attendance WHERE session_id = ANY(%s)"
                " ORDER BY id",
                (ids,),
            ).fetchall()
        )
        rows.sort(key=lambda row: order[row[1]])
        return [self._load_as(AttendanceRecord, "attendance", rid, doc) for rid, _, doc in rows]

    # --- writes --------------------------------------------------------------------------

    def save_group(self, group: TreatmentGroup, action: str) -> TreatmentGroup:
        return self.save_groups([group], action)[0]

    def save_groups(self, groups: Sequence[TreatmentGroup], action: str) -> list[TreatmentGroup]:
        """In one transaction (all of them or none)."""
        from tplan.domain import TreatmentGroup

        self._require_writable()
        documents = [_stored(group) for group in groups]

        def work(c: psycopg.Connection) -> list[TreatmentGroup]:
            saved: list[TreatmentGroup] = []
            with c.transaction():
                for stored, document in documents:
                    row = c.execute(
                        "SELECT document FROM groups WHERE id = %s FOR UPDATE", (stored.id,)
                    ).fetchone()
                    before = (
                        self._load_as(TreatmentGroup, "group", stored.id, row[0]) if row else None
                    )
                    fields = changed_fields(before, stored) if before is not None else ("group",)
                    if not fields:
                        saved.append(before)  # type: ignore[arg-type]
                        continue
                    entry = self._entry(action, None, stored.id, tuple(fields))
                    c.execute(
                        "INSERT INTO groups (id, document, name, updated_at, updated_by)"
                        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET"
                        " document = EXCLUDED.document, name = EXCLUDED.name,"
                        " updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by",
                        (stored.id, Jsonb(document), stored.name, entry.at, entry.by),
                    )
                    _audit(c, [entry])
                    saved.append(stored)
            return saved

        return self._run(work)

    def save_session(self, session: Session, action: str) -> Session:
        self._require_writable()
        stored, document = _stored(session)

        def work(c: psycopg.Connection) -> Session:
            with c.transaction():
                before = self._session_for_update(c, stored.id)
                fields = changed_fields(before, stored) if before is not None else ("session",)
                if not fields:
                    return before  # type: ignore[return-value]
                entry = self._entry(action, stored.patient_id, stored.id, tuple(fields))
                _upsert_session(c, stored, document, entry)
                _audit(c, [entry])
                return stored

        return self._run(work)

    def record_attendance(
        self, session: Session, records: Iterable[AttendanceRecord], action: str
    ) -> tuple[Session, list[AttendanceRecord]]:
        from tplan.domain import AttendanceRecord

        self._require_writable()
        stored_session, session_document = _stored(session)
        records = list(records)

        def work(c: psycopg.Connection) -> None:
            with c.transaction():
                existing = {
                    pid: self._load_as(AttendanceRecord, "attendance", rid, doc)
                    for rid, pid, doc in c.execute(
                        "SELECT id, patient_id, document FROM attendance WHERE session_id = %s"
                        " FOR UPDATE",
                        (stored_session.id,),
                    ).fetchall()
                }
                writes: list[tuple[AttendanceRecord, dict[str, Any]]] = []
                entries: list[AuditEntry] = []
                changes = attendance_changes(stored_session.id, records, existing.get)
                for stored, document, fields in changes:
                    writes.append((stored, document))
                    entries.append(
                        self._entry(action, stored.patient_id, stored_session.id, fields)
                    )
                before = self._session_for_update(c, stored_session.id)
                if before is None or changed_fields(before, stored_session):
                    at = entries[0] if entries else self._entry(action, None, None, ())
                    _upsert_session(c, stored_session, session_document, at)
                for stored, document in writes:
                    c.execute(
                        "INSERT INTO attendance (id, session_id, patient_id, document,"
                        " updated_at, updated_by) VALUES (%s, %s, %s, %s, %s, %s)"
                        " ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document,"
                        " updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by",
                        (
                            stored.id,
                            stored.session_id,
                            stored.patient_id,
                            Jsonb(document),
                            now(),
                            self._entry(action, None, None, ()).by,
                        ),
                    )
                _audit(c, entries)

        self._run(work)
        return stored_session, self.attendance_for([stored_session.id])

    def _session_for_update(self, c: psycopg.Connection, session_id: str) -> Session | None:
        from tplan.domain import Session

        row = c.execute(
            "SELECT document FROM sessions WHERE id = %s FOR UPDATE", (session_id,)
        ).fetchone()
        return self._load_as(Session, "session", session_id, row[0]) if row else None

    def copy_clinic_records(
        self,
        c: psycopg.Connection,
        groups: list[TreatmentGroup],
        sessions: list[Session],
        attendance: list[AttendanceRecord],
        group_notes: list[GroupNote],
    ) -> None:
        """Insert records copied from a record file (inside the importer's transaction)."""
        by = self._entry("import", None, None, ())
        for note in group_notes:
            c.execute(
                "INSERT INTO group_notes (id, session_id, document, signed, updated_at,"
                " updated_by) VALUES (%s, %s, %s, %s, %s, %s)",
                (
                    note.id,
                    note.session_id,
                    Jsonb(note.model_dump(mode="json")),
                    note.signed,
                    by.at,
                    by.by,
                ),
            )
        for group in groups:
            c.execute(
                "INSERT INTO groups (id, document, name, updated_at, updated_by)"
                " VALUES (%s, %s, %s, %s, %s)",
                (group.id, Jsonb(group.model_dump(mode="json")), group.name, by.at, by.by),
            )
        for session in sessions:
            _upsert_session(c, session, session.model_dump(mode="json"), by)
        with c.cursor() as cur:
            cur.executemany(
                "INSERT INTO attendance (id, session_id, patient_id, document, updated_at,"
                " updated_by) VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    (
                        r.id,
                        r.session_id,
                        r.patient_id,
                        Jsonb(r.model_dump(mode="json")),
                        by.at,
                        by.by,
                    )
                    for r in attendance
                ],
            )


def _upsert_session(
    c: psycopg.Connection, session: Session, document: dict[str, Any], entry: AuditEntry
) -> None:
    try:
        with c.transaction():  # a savepoint: a duplicate occurrence is a sentence, not a crash
            c.execute(
                "INSERT INTO sessions (id, document, on_date, occurrence_of, patient_id,"
                " updated_at, updated_by) VALUES (%s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document,"
                " on_date = EXCLUDED.on_date, occurrence_of = EXCLUDED.occurrence_of,"
                " patient_id = EXCLUDED.patient_id, updated_at = EXCLUDED.updated_at,"
                " updated_by = EXCLUDED.updated_by",
                (
                    session.id,
                    Jsonb(document),
                    session.on,
                    session.occurrence[0],
                    session.patient_id,
                    entry.at,
                    entry.by,
                ),
            )
    except psycopg.errors.UniqueViolation:
        raise ValueError(_DUPLICATE_SESSION.format(day=session.on.isoformat())) from None


def insert_audit(cur: psycopg.Cursor, entries: list[AuditEntry]) -> None:
    """Append audit entries (the table refuses anything but INSERT)."""
    if entries:
        cur.executemany(
            "INSERT INTO audit (at, by_name, os_user, action, patient_id, record_id, fields,"
            " detail) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    e.at,
                    e.by,
                    e.os_user,
                    e.action,
                    e.patient_id,
                    e.record_id,
                    list(e.fields),
                    e.detail,
                )
                for e in entries
            ],
        )


def _audit(c: psycopg.Connection, entries: list[AuditEntry]) -> None:
    with c.cursor() as cur:
        insert_audit(cur, entries)
