"""The storage interface on both backends: the record file and a real PostgreSQL server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from store_factories import SECRET, make_note, make_patient

from tplan.domain import (
    Addendum,
    AddendumKind,
    Discharge,
    DischargeReason,
    ExportFormat,
    ExportLogEntry,
)
from tplan.store import (
    ConflictError,
    DuplicatePatientError,
    PatientNotFound,
    SignedNoteError,
    open_store,
)

NOW = datetime(2026, 3, 12, 14, 30, tzinfo=UTC)


def test_patients_round_trip_and_summaries(store_location: str) -> None:
    avery, bo = make_patient("Avery Quill", notes=5, signed=3), make_patient("Bo Marchetti")
    with open_store(store_location, "J. Park") as repo:
        repo.import_patients([avery, bo])
        closed = bo.model_copy(deep=True)
        closed.discharge = Discharge(
            on=NOW.date(), reason=DischargeReason.COMPLETED, aftercare="weekly group"
        )
        repo.put(closed, "discharge")
    with open_store(store_location, "J. Park") as repo:
        assert repo.active_ids() == [avery.id]
        assert repo.discharged_ids() == [bo.id]
        assert repo.stored_names([bo.id]) == {bo.id: "Bo Marchetti"}
        assert repo.active_patients() == [avery]
        assert repo.get(bo.id) == closed
        assert bo.id in repo and "pt-nope" not in repo
        assert len(repo) == 2
        with pytest.raises(PatientNotFound, match="pt-nope"):
            repo.get("pt-nope")


def test_import_is_all_or_nothing(store_location: str) -> None:
    taken = make_patient("Avery Quill")
    with open_store(store_location, "J. Park") as repo:
        repo.add(taken)
        with pytest.raises(DuplicatePatientError, match=taken.id):
            repo.import_patients([make_patient("Bo Marchetti"), taken])
        assert len(repo) == 1
        assert [e.action for e in repo.audit()] == ["admit"]


def test_a_save_on_an_old_version_is_refused_and_overwrites_nothing(store_location: str) -> None:
    with open_store(store_location, "J. Park") as repo:
        patient, version = repo.get_versioned(repo.add(make_patient()).id)
        first = patient.model_copy(deep=True)
        first.notes = [*first.notes, make_note(5, text="first counselor's words")]
        repo.put(first, "save_draft", expected_version=version)
        assert repo.get_versioned(patient.id)[1] == version + 1

        late = patient.model_copy(deep=True)  # made from the version read before the save
        late.notes = [*late.notes, make_note(6, text="second counselor's words")]
        with pytest.raises(ConflictError) as refused:
            repo.put(late, "save_draft", expected_version=version)
        assert "J. Park changed this patient's record at" in str(refused.value)
        assert "nothing was overwritten" in str(refused.value)
        assert SECRET not in str(refused.value)
        assert repo.get(patient.id) == first
    with open_store(store_location) as repo:
        assert repo.get(patient.id) == first
        assert [e.action for e in repo.audit(patient.id)] == ["admit", "save_draft"]


def test_signed_notes_take_only_addenda(store_location: str) -> None:
    with open_store(store_location, "J. Park") as repo:
        patient = repo.add(make_patient(notes=1, signed=1))
        edited = patient.model_copy(deep=True)
        edited.notes[0] = edited.notes[0].model_copy(update={"craving": 9})
        with pytest.raises(SignedNoteError):
            repo.put(edited, "save_draft")
        addendum = Addendum(
            kind=AddendumKind.LATE_ENTRY, reason="late entry", text="seen again", author="J. Park",
            written_at=NOW,
        )
        added = patient.model_copy(deep=True)
        added.notes[0] = added.notes[0].model_copy(update={"addenda": [addendum]})
        repo.put(added, "add_addendum")
    with open_store(store_location) as repo:
        assert repo.get(patient.id).notes[0].addenda == [addendum]


def test_audit_and_disclosures_name_records_never_content(store_location: str) -> None:
    with open_store(store_location, "J. Park") as repo:
        patient = repo.add(make_patient())
        exported = patient.model_copy(deep=True)
        entry = ExportLogEntry(at=NOW, by="J. Park", format=ExportFormat.MARKDOWN, as_of=NOW.date())
        exported.disclosures = [entry]
        repo.put(exported, "export", record_id=entry.id)
    with open_store(store_location) as repo:
        audit = repo.audit(patient.id)
        assert [(e.action, e.by, e.fields) for e in audit] == [
            ("admit", "J. Park", audit[0].fields),
            ("export", "J. Park", ("disclosures",)),
        ]
        assert "notes" in audit[0].fields
        assert all(SECRET not in repr(e) for e in audit)
        assert repo.disclosures(patient.id) == [entry]


def test_a_database_url_is_never_opened_as_a_record_file(tmp_path, monkeypatch) -> None:
    """As a path, a URL would leave a folder named 'postgresql:' wherever the process runs."""
    from tplan.store import StoreError, open_repository

    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreError, match="not a record file"):
        open_repository("postgresql:///tplan?host=/tmp/sock", "J. Park")
    assert list(tmp_path.iterdir()) == []
