"""Group notes in the clinic database (mixed into PostgresRepository), as in the record file's
``GroupNoteRecords``: a draft is saved alone; signing saves every member's chart (each with
its new signed note, version checked and audited) and the signed group note in one
transaction, or nothing. A signed group note locks its shared part and its signed members'
parts; members not signed yet are documented and signed later the same way
(``tplan.domain.group_notes.group_note_change_problem``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg.types.json import Jsonb

from tplan.store.audit import AuditEntry, changed_fields
from tplan.store.postgres.clinic import insert_audit
from tplan.store.postgres.record_keeping import PostgresRecordKeeping

if TYPE_CHECKING:
    from tplan.domain import Patient
    from tplan.domain.group_notes import GroupNote



class PostgresGroupNotes(PostgresRecordKeeping):

    def _save_patient_rows(
        self,
        c: psycopg.Connection,
        patients: list[Patient],
        entries: list[AuditEntry],
        summaries: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> list[tuple[Patient, int]]:
        raise NotImplementedError

    def _remember(self, saved: list[tuple[Patient, int]]) -> None:
        raise NotImplementedError

    # --- reads and writes ----------------------------------------------------------------

    def group_note_for(self, session_id: str) -> GroupNote | None:
        from tplan.domain.group_notes import GroupNote

        row = self._run(
            lambda c: c.execute(
                "SELECT id, document FROM group_notes WHERE session_id = %s", (session_id,)
            ).fetchone()
        )
        return self._load_as(GroupNote, "group note", row[0], row[1]) if row else None

    def save_group_note(self, note: GroupNote, action: str) -> GroupNote:
        """Save a group note without signing anyone: a draft, or the attendance and unsigned
        members' parts of a signed one (what signing locked is refused: SignedNoteError)."""
        from tplan.domain.group_notes import GroupNote
        from tplan.store.signed_notes import check_group_note_change

        self._require_writable()
        stored = GroupNote.model_validate(note.model_dump(mode="json"))

        def work(c: psycopg.Connection) -> GroupNote:
            with c.transaction():
                before = self._group_note_before(c, stored)
                check_group_note_change(before, stored)
                fields = changed_fields(before, stored) if before is not None else ("group note",)
                if not fields:
                    return before  # type: ignore[return-value]
                entry = self._entry(action, None, stored.id, tuple(fields))
                _upsert_group_note(c, stored, entry)
                with c.cursor() as cur:
                    insert_audit(cur, [entry])
                return stored

        return self._run(work)

    def save_patients_with_group_note(
        self,
        patients: Iterable[Patient],
        note: GroupNote,
        action: str,
        *,
        summaries: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> tuple[list[Patient], GroupNote]:
        """Sign members (the first signing, or members signed later) in one transaction."""
        from tplan.domain import Patient
        from tplan.domain.group_notes import GroupNote
        from tplan.store.signed_notes import check_group_note_change

        self._require_writable()
        stored_note = GroupNote.model_validate(note.model_dump(mode="json"))
        patients = [Patient.model_validate(p.model_dump(mode="json")) for p in patients]

        def work(c: psycopg.Connection) -> list[tuple[Patient, int]]:
            with c.transaction():
                before = self._group_note_before(c, stored_note)
                check_group_note_change(before, stored_note, patients)
                entries = [self._entry(action, p.id, stored_note.id, ("notes",)) for p in patients]
                saved = self._save_patient_rows(c, patients, entries, summaries)
                note_entry = self._entry(action, None, stored_note.id, ("group note",))
                _upsert_group_note(c, stored_note, note_entry)
                with c.cursor() as cur:
                    insert_audit(cur, [*entries, note_entry])
                return saved

        saved = self._run(work)
        self._remember(saved)
        return [patient for patient, _ in saved], stored_note

    def _group_note_before(self, c: psycopg.Connection, note: GroupNote) -> GroupNote | None:
        from tplan.domain.group_notes import GroupNote

        other = c.execute(
            "SELECT id FROM group_notes WHERE session_id = %s AND id <> %s",
            (note.session_id, note.id),
        ).fetchone()
        if other is not None:
            raise ValueError("this session already has a group note")
        row = c.execute(
            "SELECT document FROM group_notes WHERE id = %s FOR UPDATE", (note.id,)
        ).fetchone()
        if row is None:
            return None
        before: GroupNote = self._load_as(GroupNote, "group note", note.id, row[0])
        return before


def _upsert_group_note(c: psycopg.Connection, note: GroupNote, entry: AuditEntry) -> None:
    c.execute(
        "INSERT INTO group_notes (id, session_id, document, signed, updated_at, updated_by)"
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET"
        " document = EXCLUDED.document, signed = EXCLUDED.signed,"
        " updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by",
        (note.id, note.session_id, Jsonb(note.model_dump(mode="json")), note.signed, entry.at,
         entry.by),
    )
