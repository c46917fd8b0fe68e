"""Discharged patients' documents packed in the record file, off the start and close paths
(issue #14): still one TinyDB file, migrated in place, every integrity guarantee kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
import pytest
from store_factories import SECRET, make_note, make_patient, without_checksums
from tinydb import TinyDB

from tplan.domain import Discharge, DischargeReason, Patient
from tplan.store import CorruptStoreError, NewerSchemaError, history, migrations, open_repository
from tplan.store.journal import journal_path


def _discharged(patient: Patient) -> Patient:
    return patient.model_copy(update={"discharge": Discharge(
        on=date(2026, 2, 1), reason=DischargeReason.COMPLETED, aftercare="weekly group")})


def _patients_table(db_path: Path) -> dict:
    return orjson.loads(db_path.read_bytes())["patients"]


def _stored(db_path: Path, patient_id: str) -> tuple[str, dict]:
    return next((k, d) for k, d in _patients_table(db_path).items() if d["id"] == patient_id)


@pytest.fixture
def one_of_each(db_path: Path):
    """Avery active, Bo discharged (saved plain in the journal, packed by the close)."""
    avery, bo = make_patient("Avery Quill", notes=3), make_patient("Bo Marchetti", notes=4)
    with open_repository(db_path, "J. Park") as repo:
        repo.import_patients([avery, bo])
        gone = repo.put(_discharged(bo), "discharge")
    return avery, gone


def test_a_discharged_patient_is_packed_at_the_close_and_reads_back_the_same(db_path, one_of_each):
    avery, gone = one_of_each
    _, stored = _stored(db_path, gone.id)
    assert set(stored) == {"id", "display_name", "schema_version", "discharged", "packed"}
    assert stored["display_name"] == "Bo Marchetti" and stored["discharged"] is True
    assert SECRET.encode() not in db_path.read_bytes().split(b'"packed"')[1][:200]
    _, plain = _stored(db_path, avery.id)
    assert plain["notes"][0]["sections"]["data"] == SECRET  # the active caseload stays plain
    with TinyDB(db_path, access_mode="r") as db:  # still a file TinyDB opens
        assert len(db.table("patients")) == 2
    with open_repository(db_path, read_only=True) as repo:
        assert repo.active_ids() == [avery.id] and repo.discharged_ids() == [gone.id]
        assert repo.stored_names([gone.id]) == {gone.id: "Bo Marchetti"}
        assert repo.get(gone.id) == gone
        assert repo.all_patients() == [avery, gone]


def test_packing_makes_the_history_small(db_path: Path):
    patients = [make_patient(f"Patient {n}", notes=40, signed=40) for n in range(6)]
    with open_repository(db_path, "J. Park") as repo:
        repo.import_patients(patients)
    plain = db_path.stat().st_size
    with open_repository(db_path, "J. Park") as repo:
        for patient in patients:
            repo.put(_discharged(patient), "discharge")
    assert db_path.stat().st_size < plain / 4


def test_readmitting_a_patient_unpacks_the_document(db_path, one_of_each):
    _, gone = one_of_each
    with open_repository(db_path, "J. Park") as repo:
        back = repo.put(gone.model_copy(update={"discharge": None}), "readmit")
        assert repo.active_ids()[-1] == gone.id
    _, stored = _stored(db_path, gone.id)
    assert not history.is_packed(stored) and stored["discharge"] is None
    with open_repository(db_path, read_only=True) as repo:
        assert repo.get(gone.id) == back


def test_a_discharge_saved_before_a_crash_replays_plain_and_is_packed_by_the_next_close(
    db_path: Path,
):
    bo = make_patient("Bo Marchetti")
    with open_repository(db_path, "J. Park") as repo:
        repo.add(bo)
    repo = open_repository(db_path, "J. Park")
    gone = repo.put(_discharged(bo), "discharge")
    repo._storage._journal.close()  # "crash": the lock and journal go without a compaction
    repo._storage._lock.release()
    assert not history.is_packed(_stored(db_path, bo.id)[1])
    with open_repository(db_path, "J. Park") as repo:
        assert repo.discharged_ids() == [bo.id] and repo.get(bo.id) == gone
    assert not journal_path(db_path).exists()
    assert history.is_packed(_stored(db_path, bo.id)[1])


# --- migration in place -----------------------------------------------------------------------


def _as_format_3(db_path: Path) -> None:
    """The file as the tplan before packing wrote it: history plain, store format 3."""
    raw = without_checksums(orjson.loads(db_path.read_bytes()))
    raw["patients"] = {k: history.unpack(d) for k, d in raw["patients"].items()}
    db_path.write_bytes(orjson.dumps(raw))  # format 1 on disk; its steps lead to 3, then 4


def test_an_older_file_is_migrated_in_place_by_the_first_writer_even_without_a_save(
    db_path, one_of_each
):
    avery, gone = one_of_each
    _as_format_3(db_path)
    before = db_path.read_bytes()
    with open_repository(db_path, read_only=True) as repo:  # a reader never writes
        assert repo.get(gone.id) == gone
        assert not repo.upgrades_on_close
    assert db_path.read_bytes() == before
    with open_repository(db_path, "J. Park") as repo:
        assert repo.discharged_ids() == [gone.id]  # opened, read nothing, saved nothing
        assert repo.upgrades_on_close  # the app says so when it quits
    with open_repository(db_path, "J. Park") as repo:
        assert not repo.upgrades_on_close  # once
    raw = orjson.loads(db_path.read_bytes())
    assert raw["_meta"]["1"]["store_format"] == migrations.STORE_FORMAT == 4
    assert history.is_packed(_stored(db_path, gone.id)[1])
    with open_repository(db_path, read_only=True) as repo:
        assert repo.all_patients() == [avery, gone]


def test_an_older_file_without_history_is_upgraded_on_disk_too(db_path: Path):
    """Nothing to pack, but the file is still an older format on disk: the first writer's
    close writes it as this tplan's format, so an older tplan is never handed a file it would
    misread through this one's journal."""
    avery = make_patient("Avery Quill", notes=2)
    with open_repository(db_path, "J. Park") as repo:
        repo.import_patients([avery])
    _as_format_3(db_path)
    with open_repository(db_path, "J. Park") as repo:
        assert repo.upgrades_on_close
    raw = orjson.loads(db_path.read_bytes())
    assert raw["_meta"]["1"]["store_format"] == migrations.STORE_FORMAT
    with open_repository(db_path, "J. Park") as repo:
        assert not repo.upgrades_on_close
        assert repo.get(avery.id) == avery


def test_an_older_tplan_refuses_a_file_with_packed_history(db_path, one_of_each, monkeypatch):
    monkeypatch.setattr(migrations, "STORE_FORMAT", 3)
    with pytest.raises(NewerSchemaError):
        open_repository(db_path, "J. Park")


# --- damage inside the packed history -----------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [
        lambda packed: packed[:40] + ("A" if packed[40] != "A" else "B") + packed[41:],
        lambda packed: packed[: len(packed) // 2],
        lambda packed: history.pack({"id": "pt-someone-else", "discharge": {"on": "x"},
                                     "notes": [SECRET]})["packed"],
    ],
    ids=["flipped", "cut", "another-record"],
)
def test_a_packed_document_that_does_not_unpack_is_damage_named_by_id_and_kept(
    db_path, one_of_each, damage
):
    avery, gone = one_of_each
    raw = without_checksums(orjson.loads(db_path.read_bytes()))  # as no checksum would catch it
    doc_id, stored = _stored(db_path, gone.id)
    stored["packed"] = damage(stored["packed"])
    raw["patients"][doc_id] = stored
    db_path.write_bytes(orjson.dumps(raw))
    with open_repository(db_path, "J. Park") as repo:
        assert repo.discharged_ids() == [gone.id]
        with pytest.raises(CorruptStoreError, match=f"patient document {doc_id} does not load"
                           ) as caught:
            repo.get(gone.id)
        assert SECRET not in str(caught.value)
        assert repo.all_patients() == [avery]
        assert list(repo.damaged_records()) == [gone.id]
        repo.put(avery.model_copy(update={"pronouns": "they/them"}), "edit")
    raw = orjson.loads(db_path.read_bytes())  # the close compacted around it, kept as it was
    assert raw["patients"][doc_id] == stored
    assert raw["_meta"]["1"]["damaged_documents"] == [doc_id]
    with open_repository(db_path, read_only=True) as repo:
        assert list(repo.damaged_records()) == [gone.id]


# --- close validates only what changed ------------------------------------------------------------


def test_close_after_a_save_validates_no_record_it_did_not_read(
    db_path, one_of_each, monkeypatch
):
    avery, gone = one_of_each
    with open_repository(db_path, "J. Park") as repo:
        repo.add(make_patient("Cy Ashgrove"))  # another record, never read in the next session
    validated: list[str] = []
    original = Patient.model_validate.__func__  # type: ignore[attr-defined]

    def counting(cls, document, **kwargs):
        validated.append(document["id"])
        return original(cls, document, **kwargs)

    monkeypatch.setattr(Patient, "model_validate", classmethod(counting))
    with open_repository(db_path, "J. Park") as repo:
        changed = avery.model_copy(deep=True)
        changed.notes.append(make_note(9))
        repo.put(changed, "save_draft")
        read = list(validated)
    assert read == [avery.id, avery.id]  # read once, and the copy checked before writing
    assert validated == read  # the close (a compaction) validated nothing more
    assert not journal_path(db_path).exists()
    monkeypatch.undo()
    with open_repository(db_path, read_only=True) as repo:
        assert repo.get(gone.id) == gone and len(repo.get(avery.id).notes) == 4


def test_a_few_saves_into_a_big_file_stay_in_the_journal_at_close_and_replay(db_path: Path):
    """Closing after a small save does not rewrite the whole file: the save is in the fsynced
    journal, which the next opening replays (a big journal is still compacted at close)."""
    patients = [make_patient(f"Patient {n}", notes=6) for n in range(30)]
    with open_repository(db_path, "J. Park") as repo:
        repo.import_patients(patients)
    snapshot = db_path.read_bytes()
    with open_repository(db_path, "J. Park") as repo:
        small = repo.put(patients[0].model_copy(update={"pronouns": "they/them"}), "edit")
    assert db_path.read_bytes() == snapshot
    assert journal_path(db_path).stat().st_size < 0.05 * len(snapshot)
    with open_repository(db_path, read_only=True) as repo:
        assert repo.get(small.id) == small
    with open_repository(db_path, "J. Park") as repo:
        for patient in patients[1:]:
            repo.put(patient.model_copy(update={"pronouns": "she/her"}), "edit")
    assert not journal_path(db_path).exists()  # this journal outgrew 5%: compacted
    with open_repository(db_path, read_only=True) as repo:
        assert repo.get(small.id) == small
        assert repo.get(patients[-1].id).pronouns == "she/her"


def test_restore_keeps_the_packed_history_and_the_journals_good_saves(db_path, one_of_each):
    """Damage after the packing: a journal line that does not verify. Restore keeps the
    snapshot (its packed history included) and the saves before the damage."""
    from tplan.store import restore

    avery, gone = one_of_each
    repo = open_repository(db_path, "J. Park")
    first = repo.put(avery.model_copy(update={"pronouns": "they/them"}), "edit")
    repo.put(first.model_copy(update={"pronouns": "she/her"}), "edit")
    repo._storage._journal.close()  # "crash": the journal stays as it is
    repo._storage._lock.release()
    journal = journal_path(db_path)
    data = bytearray(journal.read_bytes())
    data[-20] ^= 0x01  # a bit flipped in the last, complete line
    journal.write_bytes(bytes(data))
    with pytest.raises(CorruptStoreError):
        open_repository(db_path, "J. Park")
    restore(db_path, "J. Park")
    assert history.is_packed(_stored(db_path, gone.id)[1])
    with open_repository(db_path, read_only=True) as repo:
        assert repo.get(gone.id) == gone
        assert repo.get(avery.id) == first
