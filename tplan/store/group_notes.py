"""Group notes in their own table (``group_notes``), one per session, with the patients'
guarantees: every save is one journal line with its audit entry (field names only), refused in
read-only mode, validated on first read.

Signing a group writes the members' signed progress notes and the signed group note as ONE
journal line (``save_patients_with_group_note``): either every member's chart holds its note
or none does. A signed group note locks its shared part and its signed members' parts
(corrections are addenda on one member's note); a member not signed yet is documented and
signed later the same way, in one journal line with their chart
(``tplan.domain.group_notes.group_note_change_problem``).

``GroupNoteRecords`` is mixed into ``Repository``; it uses the repository's storage, patient
index, audit entry and read-only check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from tplan.store.audit import AuditEntry, changed_fields
from tplan.store.clinic_records import _stored, _Table
from tplan.store.migrations import AUDIT_TABLE, PATIENTS_TABLE
from tplan.store.record_keeping import RecordKeeping
from tplan.store.storage import serialized
from tplan.store.summaries import checked_summary, summary_change

if TYPE_CHECKING:
    from pathlib import Path

    from tplan.domain import Patient
    from tplan.domain.group_notes import GroupNote
    from tplan.store.storage import AtomicJSONStorage

GROUP_NOTES_TABLE = "group_notes"


class GroupNoteRecords(RecordKeeping):
    """The group notes of the record file (mixed into ``Repository``)."""

    path: Path
    _storage: AtomicJSONStorage
    _doc_ids: dict[str, str]
    _cache: dict[str, Patient]
    _verified: set[str]


    def get(self, patient_id: str) -> Patient:  # provided by Repository
        raise NotImplementedError

    def _bump_version(self, patient_id: str, entry: AuditEntry | None) -> None:  # Repository's
        raise NotImplementedError

    def _index_group_notes(self) -> None:
        self._group_notes = _Table(
            self._storage, GROUP_NOTES_TABLE, "tplan.domain.group_notes:GroupNote", "group note"
        )
        self._group_note_by_session: dict[str, str] = {
            str(document.get("session_id")): note_id
            for note_id, document in self._group_notes.index(self.path)
        }

    def _verify_group_notes(self) -> None:
        self._group_notes.verify(self.path)

    def group_note_for(self, session_id: str) -> GroupNote | None:
        """The group note of a session, draft or signed, if one was saved."""
        note_id = self._group_note_by_session.get(session_id)
        return self._group_notes.get(note_id, self.path) if note_id else None

    def save_group_note(self, note: GroupNote, action: str) -> GroupNote:
        """Save a group note without signing anyone: a draft, or the attendance and unsigned
        members' parts of a signed one (what signing locked is refused: SignedNoteError)."""
        from tplan.store.signed_notes import check_group_note_change

        self._require_writable()
        stored, document = _stored(note)
        before = self._group_note_before(stored)
        check_group_note_change(before, stored)
        fields = changed_fields(before, stored) if before is not None else ("group note",)
        if not fields:
            return before  # type: ignore[return-value]
        entry = self._entry(action, None, stored.id, tuple(fields))
        self._put_group_note(stored, document, {}, [entry])
        return stored

    @serialized
    def save_patients_with_group_note(
        self,
        patients: Iterable[Patient],
        note: GroupNote,
        action: str,
        *,
        summaries: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> tuple[list[Patient], GroupNote]:
        """Sign members (the first signing, or members signed later) in one journal line."""
        from tplan.domain import Patient
        from tplan.store.signed_notes import check_group_note_change, check_signed_notes

        self._require_writable()
        given = {pid: checked_summary(s) for pid, s in (summaries or {}).items()}
        stored_note, note_document = _stored(note)
        charts = [Patient.model_validate(p.model_dump(mode="json")) for p in patients]
        check_group_note_change(self._group_note_before(stored_note), stored_note, charts)
        changes: dict[tuple[str, str], dict[str, Any] | None] = {}
        entries: list[AuditEntry] = []
        saved: list[tuple[Patient, str]] = []
        for stored in charts:
            before = self.get(stored.id)
            check_signed_notes(before, stored)
            doc_id = self._doc_ids[stored.id]
            changes[(PATIENTS_TABLE, doc_id)] = stored.model_dump(mode="json")
            changes.update(summary_change(doc_id, given.get(stored.id)))
            entries.append(self._entry(action, stored.id, stored_note.id, ("notes",)))
            saved.append((stored, doc_id))
        entries.append(self._entry(action, None, stored_note.id, ("group note",)))
        self._put_group_note(stored_note, note_document, changes, entries)
        for (stored, doc_id), entry in zip(saved, entries, strict=False):
            self._cache[stored.id] = stored
            self._verified.add(doc_id)
            self._bump_version(stored.id, entry)
        return [stored for stored, _ in saved], stored_note

    @serialized
    def import_group_notes(self, notes: Iterable[GroupNote], action: str = "import") -> None:
        """Store new group notes (drafts or signed, e.g. the demo's) all or nothing, in one
        journal line with one audit entry; a note or session already holding one is refused."""
        self._require_writable()
        notes = list(notes)
        sessions = [n.session_id for n in notes] + list(self._group_note_by_session)
        ids = [n.id for n in notes]
        if len(set(sessions)) != len(sessions) or set(ids) & set(self._group_notes.doc_ids):
            raise ValueError("a group note or its session is already stored or given twice")
        if not notes:
            return
        table = self._group_notes
        stored = [_stored(note) for note in notes]
        doc_ids = self._storage.new_doc_ids(table.name, len(stored))
        changes: dict[tuple[str, str], dict[str, Any] | None] = {
            (table.name, doc_id): document
            for doc_id, (_, document) in zip(doc_ids, stored, strict=True)
        }
        (audit_id,) = self._storage.new_doc_ids(AUDIT_TABLE)
        entry = self._entry(action, None, None, (f"group notes: {len(stored)}",))
        changes[(AUDIT_TABLE, audit_id)] = entry.to_document()
        self._storage.put_documents(changes)
        for doc_id, (note, _) in zip(doc_ids, stored, strict=True):
            table.doc_ids[note.id] = doc_id
            table.cache[note.id] = note
            table.verified.add(doc_id)
            self._group_note_by_session[note.session_id] = note.id

    # --- internals -----------------------------------------------------------------------

    def _group_note_before(self, note: GroupNote) -> GroupNote | None:
        """The stored version of ``note`` (refusing a second note for its session)."""
        other = self._group_note_by_session.get(note.session_id)
        if other is not None and other != note.id:
            raise ValueError("this session already has a group note")
        if note.id not in self._group_notes.doc_ids:
            return None
        return self._group_notes.get(note.id, self.path)

    @serialized
    def _put_group_note(
        self,
        note: GroupNote,
        document: dict[str, Any],
        changes: dict[tuple[str, str], dict[str, Any] | None],
        entries: list[AuditEntry],
    ) -> None:
        table = self._group_notes
        doc_id = table.doc_ids.get(note.id) or self._storage.new_doc_ids(table.name)[0]
        changes[(table.name, doc_id)] = document
        audit_ids = self._storage.new_doc_ids(AUDIT_TABLE, len(entries))
        for audit_id, entry in zip(audit_ids, entries, strict=True):
            changes[(AUDIT_TABLE, audit_id)] = entry.to_document()
        self._storage.put_documents(changes)
        table.doc_ids[note.id] = doc_id
        table.cache[note.id] = note
        table.verified.add(doc_id)
        self._group_note_by_session[note.session_id] = note.id
