"""The repository: round trip, validation, signed-note lock, audit trail, all-or-nothing import."""

from __future__ import annotations

import errno
import os
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import orjson
import pytest
from pydantic import ValidationError
from store_factories import SECRET, make_note, without_checksums

from tplan.domain import Addendum, AddendumKind, Discharge, DischargeReason, Patient
from tplan.store import (
    CorruptStoreError,
    DuplicatePatientError,
    NewerSchemaError,
    PatientNotFound,
    SaveError,
    SignedNoteError,
    history,
    open_repository,
    restore_backup,
)
from tplan.store.journal import journal_path

NOW = datetime(2026, 3, 12, 14, 30, tzinfo=UTC)


def test_patients_round_trip(db_path: Path, patient_factory) -> None:
    patients = [patient_factory("Avery Quill", notes=5, signed=3), patient_factory("Bo Marchetti")]
    with open_repository(db_path, "J. Park") as repo:
        stored = repo.import_patients(patients)
        assert stored == patients
    with open_repository(db_path, "J. Park") as repo:
        assert repo.all_patients() == patients
        assert repo.get(patients[1].id) == patients[1]
        assert patients[0].id in repo
        assert len(repo) == 2
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_unknown_patient(db_path: Path) -> None:
    with open_repository(db_path) as repo, pytest.raises(PatientNotFound, match="pt-nope"):
        repo.get("pt-nope")


def test_put_validates_and_stores_the_modified_copy(db_path: Path, patient_factory) -> None:
    with open_repository(db_path, "J. Park") as repo:
        original = repo.add(patient_factory())
        copy = original.model_copy(deep=True)
        copy.notes.append(make_note(9))  # an append is not validated by pydantic itself
        stored = repo.put(copy, "save_draft", record_id=copy.notes[-1].id)
        assert len(stored.notes) == 3
        assert repo.get(original.id) is stored
        assert len(original.notes) == 2  # the cached object handed out earlier is untouched

        broken = stored.model_copy(deep=True)
        broken.notes.append(make_note(10).model_copy(update={"craving": 11}))
        with pytest.raises(ValidationError):
            repo.put(broken, "save_draft")
        assert repo.get(original.id) is stored
    with open_repository(db_path) as repo:
        assert len(repo.get(original.id).notes) == 3


def test_add_refuses_a_taken_id(db_path: Path, patient_factory) -> None:
    with open_repository(db_path) as repo:
        patient = repo.add(patient_factory())
        with pytest.raises(DuplicatePatientError, match=patient.id):
            repo.add(patient_factory("Other Person").model_copy(update={"id": patient.id}))
        assert len(repo) == 1


def test_import_is_all_or_nothing(db_path: Path, patient_factory) -> None:
    with open_repository(db_path) as repo:
        good = patient_factory("Avery Quill")
        bad = patient_factory("Bo Marchetti").model_copy(deep=True)
        bad.notes[0].sections["data"] = SECRET + "\x00"  # mutated: bypasses validation
        before = db_path.read_bytes()
        with pytest.raises(ValidationError) as caught:
            repo.import_patients([good, bad])
        assert "control character" in str(caught.value)
        assert SECRET not in str(caught.value)  # errors never echo record content
        twin = patient_factory("Cass Ferrow").model_copy(update={"id": good.id})
        with pytest.raises(DuplicatePatientError):
            repo.import_patients([good, twin])
        assert db_path.read_bytes() == before
        assert len(repo) == 0
        assert repo.audit() == []


def _journal(db_path: Path) -> bytes:
    journal = db_path.with_name(db_path.name + ".journal")
    return journal.read_bytes() if journal.exists() else b""


def _half_then_full(fd: int, data: bytes, offset: int) -> int:
    """Write half of the line, then the disk is full: the torn part must be cut off again."""
    if len(data) > 1 and offset > 0:
        os.pwrite(fd, bytes(data[: len(data) // 2]), offset)
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("where", ["fsync", "write", "torn write"])
def test_failed_save_changes_neither_file_nor_cache(
    db_path: Path, patient_factory, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    with open_repository(db_path, "J. Park") as repo:
        stored = repo.add(patient_factory())
        before = db_path.read_bytes()
        journal_before = _journal(db_path)

        def full(*_args: object) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        if where == "fsync":
            monkeypatch.setattr("tplan.store.journal.os.fsync", full)
        else:
            pwrite = os.pwrite
            monkeypatch.setattr(
                "tplan.store.journal.os.pwrite",
                full if where == "write" else lambda *a: _half_then_full(*a) and pwrite(*a),
            )
        changed = stored.model_copy(update={"pronouns": "they/them"})
        with pytest.raises(SaveError, match="Nothing was saved"):
            repo.put(changed, "edit")
        with pytest.raises(SaveError):
            repo.add(patient_factory("Bo Marchetti"))
        monkeypatch.undo()
        assert db_path.read_bytes() == before
        assert _journal(db_path) == journal_before
        assert repo.get(stored.id) is stored
        assert len(repo) == 1
        assert [e.action for e in repo.audit()] == ["admit"]
        assert repo.put(changed, "edit").pronouns == "they/them"
    with open_repository(db_path) as repo:
        assert repo.get(stored.id).pronouns == "they/them"
        assert [e.action for e in repo.audit()] == ["admit", "edit"]


# --- signed notes ----------------------------------------------------------------------


@pytest.fixture
def signed_setup(db_path: Path, patient_factory):
    repo = open_repository(db_path, "J. Park")
    patient = repo.add(patient_factory(notes=2, signed=1))
    assert patient.notes[0].signed and not patient.notes[1].signed
    yield repo, patient
    repo.close()


def addendum(text: str = "late detail") -> Addendum:
    return Addendum(
        kind=AddendumKind.CLARIFICATION, reason="clarify", text=text, author="J. Park",
        written_at=NOW,
    )


def with_note(patient: Patient, index: int, **changes: object) -> Patient:
    copy = patient.model_copy(deep=True)
    copy.notes[index] = copy.notes[index].model_copy(update=changes)
    return copy


@pytest.mark.parametrize(
    "changes",
    [
        {"sections": {"data": "rewritten", "assessment": "x", "plan": "y"}},
        {"craving": 9},
        {"signed_at": None, "signed_by": ""},
        {"signed_by": "Someone Else"},
    ],
    ids=["text", "craving", "unsign", "signer"],
)
def test_signed_note_cannot_be_modified(signed_setup, changes: dict[str, object]) -> None:
    repo, patient = signed_setup
    with pytest.raises(SignedNoteError, match="signed and locked"):
        repo.put(with_note(patient, 0, **changes), "edit_note")
    assert repo.get(patient.id) == patient


def test_signed_note_cannot_be_deleted(signed_setup) -> None:
    repo, patient = signed_setup
    copy = patient.model_copy(update={"notes": patient.notes[1:]})
    with pytest.raises(SignedNoteError, match="cannot be deleted"):
        repo.put(copy, "delete_note")


def test_addenda_can_be_appended_but_never_changed(signed_setup) -> None:
    repo, patient = signed_setup
    first = repo.put(with_note(patient, 0, addenda=[addendum()]), "add_addendum")
    second = repo.put(
        with_note(first, 0, addenda=[*first.notes[0].addenda, addendum("more")]), "add_addendum"
    )
    assert [a.text for a in second.notes[0].addenda] == ["late detail", "more"]
    edited = second.notes[0].addenda[0].model_copy(update={"text": "changed"})
    with pytest.raises(SignedNoteError, match="addenda"):
        repo.put(with_note(second, 0, addenda=[edited, second.notes[0].addenda[1]]), "edit")
    with pytest.raises(SignedNoteError, match="addenda"):
        repo.put(with_note(second, 0, addenda=[]), "edit")


def test_drafts_can_be_edited_signed_and_deleted(signed_setup) -> None:
    repo, patient = signed_setup
    edited = repo.put(with_note(patient, 1, craving=7), "save_draft")
    signed = repo.put(with_note(edited, 1, signed_at=NOW, signed_by="J. Park"), "sign_note")
    assert signed.notes[1].signed
    draft = make_note(5)
    with_draft = repo.put(signed.model_copy(update={"notes": [*signed.notes, draft]}), "save")
    assert repo.put(with_draft.model_copy(update={"notes": signed.notes}), "delete_draft")


# --- audit ---------------------------------------------------------------------------------


def test_audit_names_who_what_and_fields_never_content(db_path: Path, patient_factory) -> None:
    with open_repository(db_path, "J. Park") as repo:
        patient = repo.add(patient_factory())
        copy = patient.model_copy(deep=True)
        copy.notes.append(make_note(7, text=SECRET))
        repo.put(copy, "save_draft", changed=["notes"], record_id=copy.notes[-1].id)
        repo.put(copy, "save_draft")  # no change: no write, no entry
        other = repo.add(patient_factory("Bo Marchetti"))
        entries = repo.audit(patient.id)
        assert [e.action for e in entries] == ["admit", "save_draft"]
        assert entries[1].fields == ("notes",)
        assert entries[1].record_id == copy.notes[-1].id
        assert entries[1].by == "J. Park"
        assert entries[1].os_user
        assert entries[1].patient_id == patient.id
        assert "display_name" in entries[0].fields
        assert [e.patient_id for e in repo.audit()] == [patient.id, patient.id, other.id]
    raw = orjson.loads(db_path.read_bytes())
    audit_text = orjson.dumps(raw["audit"]).decode()
    assert SECRET not in audit_text
    assert "Avery" not in audit_text
    assert SECRET in orjson.dumps(raw["patients"]).decode()


def test_audit_by_falls_back_to_the_os_user(db_path: Path, patient_factory) -> None:
    with open_repository(db_path) as repo:
        repo.add(patient_factory())
        entry = repo.audit()[0]
        assert entry.by == entry.os_user != ""


# --- damaged files ------------------------------------------------------------------------


def _damage(db_path: Path, index: int, value: object = SECRET) -> None:
    """Put ``value`` where the index-th patient's first note keeps its craving (a number)."""
    raw = orjson.loads(db_path.read_bytes())
    doc_id = list(raw["patients"])[index]
    stored = raw["patients"][doc_id]
    document = history.unpack(stored)  # a discharged patient's document is kept packed
    document["notes"][0]["craving"] = value
    raw["patients"][doc_id] = history.pack(document) if history.is_packed(stored) else document
    db_path.write_bytes(orjson.dumps(raw))


def _assert_clear(error: CorruptStoreError, db_path: Path) -> None:
    message = str(error)
    assert str(db_path) in message
    assert "notes › 0 › craving" in message
    assert SECRET not in message
    assert error.__cause__ is None and error.__suppress_context__


def test_damaged_patient_document_is_refused_without_content(
    db_path: Path, patient_factory
) -> None:
    with open_repository(db_path) as repo:
        repo.add(patient_factory())
    _damage(db_path, 0)
    before = db_path.read_bytes()
    with pytest.raises(CorruptStoreError) as caught:  # active: validated on opening
        open_repository(db_path)
    _assert_clear(caught.value, db_path)
    assert db_path.read_bytes() == before


def discharged(patient: Patient) -> Patient:
    return patient.model_copy(
        update={
            "discharge": Discharge(
                on=date(2026, 2, 1), reason=DischargeReason.COMPLETED, aftercare="weekly group"
            )
        }
    )


def test_discharged_patients_are_not_validated_until_read(
    db_path: Path, patient_factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_repository(db_path) as repo:
        active = repo.add(patient_factory("Avery Quill"))
        closed = repo.add(discharged(patient_factory("Bo Marchetti")))
    validated: list[str] = []
    original = Patient.model_validate.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Patient], document: object, **kwargs: object) -> Patient:
        validated.append(document["id"])  # type: ignore[index]
        return original(cls, document, **kwargs)

    monkeypatch.setattr(Patient, "model_validate", classmethod(counting))
    with open_repository(db_path, read_only=True) as repo:
        assert validated == []  # opening validates nothing (issue #14: the caseload paints first)
        assert repo.active_ids() == [active.id]
        assert repo.active_patients() == [active]
        assert validated == [active.id]
        assert repo.discharged_ids() == [closed.id]
        assert repo.stored_names([closed.id]) == {closed.id: "Bo Marchetti"}
        assert validated == [active.id]  # counting and naming them validates nothing
        assert repo.get(closed.id) == discharged(closed)
        assert repo.all_patients() == [active, closed]
        assert validated == [active.id, closed.id]  # each validated once, then kept


def _written_by_an_older_tplan(db_path: Path) -> None:
    """Drop the checksum, as a file written before it existed (store format 1)."""
    db_path.write_bytes(orjson.dumps(without_checksums(orjson.loads(db_path.read_bytes()))))


def test_a_damaged_discharged_record_surfaces_when_read_and_compaction_goes_around_it(
    db_path: Path, patient_factory
) -> None:
    """Issue #10 item 9: it used to block every compaction (the journal grew without limit)."""
    with open_repository(db_path) as repo:
        active = repo.add(patient_factory("Avery Quill"))
        closed = repo.add(discharged(patient_factory("Bo Marchetti")))
    _damage(db_path, 1)
    _written_by_an_older_tplan(db_path)
    damaged_document = orjson.loads(db_path.read_bytes())["patients"]["2"]
    with open_repository(db_path, "J. Park") as repo:
        assert repo.active_patients() == [active]  # the caseload still opens
        with pytest.raises(CorruptStoreError) as caught:
            repo.get(closed.id)
        _assert_clear(caught.value, db_path)
        repo.put(active.model_copy(update={"pronouns": "they/them"}), "edit")  # journaled
        assert repo.verify_all() == ["2"]
        assert list(repo.damaged_records()) == [closed.id]
    # closing compacted around it: the journal is folded in, the damaged record kept as it was
    assert not journal_path(db_path).exists()
    raw = orjson.loads(db_path.read_bytes())
    assert raw["patients"]["2"] == damaged_document
    assert raw["_meta"]["1"]["damaged_documents"] == ["2"]
    with open_repository(db_path, read_only=True) as repo:
        assert repo.get(active.id).pronouns == "they/them"
        assert list(repo.damaged_records()) == [closed.id]  # known at once, nothing validated
        assert SECRET not in str(repo.damaged_records())


def test_patient_from_a_newer_tplan_is_refused(db_path: Path, patient_factory) -> None:
    with open_repository(db_path) as repo:
        repo.add(patient_factory())
    raw = orjson.loads(db_path.read_bytes())
    next(iter(raw["patients"].values()))["schema_version"] = 7
    db_path.write_bytes(orjson.dumps(raw))
    with pytest.raises(NewerSchemaError, match="newer tplan"):
        open_repository(db_path)


def test_damaged_file_is_restored_from_its_backup(db_path: Path, patient_factory) -> None:
    with open_repository(db_path, "J. Park") as repo:
        first = repo.add(patient_factory("Avery Quill"))
    with open_repository(db_path, "J. Park") as repo:  # closing compacts: .bak = [first]
        second = repo.add(patient_factory("Bo Marchetti"))
    damaged = db_path.read_bytes()[:-40]
    db_path.write_bytes(damaged)
    with pytest.raises(CorruptStoreError, match="backup") as caught:
        open_repository(db_path)
    assert caught.value.backup is not None

    kept = restore_backup(db_path)
    assert kept is not None and kept.read_bytes() == damaged
    with open_repository(db_path) as repo:
        # the snapshot before the last compaction
        assert [p.id for p in repo.all_patients()] == [first.id]
        assert second.id not in repo
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_restore_refuses_a_damaged_backup(db_path: Path, patient_factory) -> None:
    with open_repository(db_path) as repo:
        repo.add(patient_factory())
        repo.add(patient_factory("Bo Marchetti"))
    bak = db_path.with_name(db_path.name + ".bak")
    bak.write_bytes(b"{")
    before = db_path.read_bytes()
    with pytest.raises(CorruptStoreError, match=r"tplan\.json\.bak"):
        restore_backup(db_path)
    assert db_path.read_bytes() == before
