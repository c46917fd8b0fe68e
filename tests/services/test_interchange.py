"""Interchange import: all or nothing, every problem named by record, field and reason."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from services_factories import TODAY, patient

from tplan.domain import Patient
from tplan.services import ExportRefused, ImportError_, Workspace
from tplan.services.interchange import write_new_file


def envelope_bytes(workspace: Workspace, patients: list[Patient]) -> bytes:
    return workspace.envelope(patients).model_dump_json().encode()


def test_envelope_round_trips_into_a_fresh_file(
    workspace: Workspace, tmp_path: Path
) -> None:
    patients = [patient("Avery Quill"), patient("Bo Marchetti")]
    envelope = workspace.envelope(patients)
    assert envelope.as_of == TODAY and envelope.patients == patients
    source = write_new_file(tmp_path / "in.json", envelope_bytes(workspace, patients))
    added = workspace.import_envelope(source)
    assert added == patients
    assert [e.action for e in workspace.audit()] == ["import", "import"]


def test_every_invalid_record_is_named_and_nothing_is_saved(
    workspace: Workspace, tmp_path: Path
) -> None:
    data = orjson.loads(envelope_bytes(workspace, [patient("Avery Quill"), patient("Bo M")]))
    data["patients"][0]["notes"][0]["craving"] = 12
    data["patients"][1]["birth_date"] = "03/04/1990"
    data["patients"].append({"display_name": "Cass Ferrow"})
    source = tmp_path / "in.json"
    source.write_bytes(orjson.dumps(data))
    audit_before = workspace.audit()
    with pytest.raises(ImportError_) as caught:
        workspace.import_envelope(source)
    problems = caught.value.problems
    first, second = data["patients"][0]["id"], data["patients"][1]["id"]
    assert f"record #1 (id {first}): notes › #1 › craving: must be at most 10" in problems
    assert f"record #2 (id {second}): birth date: must be a date like 2026-03-12" in problems
    assert "record #3: admission date: is required" in problems
    assert not any(name in str(caught.value) for name in ("Avery", "Bo M", "Cass"))
    assert str(source) in str(caught.value) and "nothing was saved" in str(caught.value)
    assert workspace.audit() == audit_before
    assert workspace.patients() == []


def test_duplicate_ids_are_refused(workspace: Workspace, tmp_path: Path) -> None:
    one = patient("Avery Quill")
    twin = patient("Bo Marchetti").model_copy(update={"id": one.id})
    source = tmp_path / "twins.json"
    source.write_bytes(envelope_bytes(workspace, [one, twin]))
    with pytest.raises(ImportError_, match="appears more than once"):
        workspace.import_envelope(source)
    assert workspace.patients() == []

    workspace.admit(one)
    again = tmp_path / "again.json"
    again.write_bytes(envelope_bytes(workspace, [patient("Cass Ferrow"), one]))
    taken = rf"record #2: patient id {one.id} is already in this file"
    with pytest.raises(ImportError_, match=taken):
        workspace.import_envelope(again)
    assert [p.id for p in workspace.patients()] == [one.id]


@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        (b"not json at all", "not valid JSON"),
        (b'{"patients": []}', "not a tplan interchange file"),
        (b'{"format": "tplan.interchange", "schema_version": 9, "patients": []}', "newer tplan"),
        (b'{"format": "tplan.interchange", "patients": {}}', "must be a list"),
        (b'{"format": "tplan.interchange", "patients": []}', "envelope: generated at"),
    ],
)
def test_unusable_files_are_refused(
    workspace: Workspace, tmp_path: Path, content: bytes, phrase: str
) -> None:
    source = tmp_path / "in.json"
    source.write_bytes(content)
    with pytest.raises(ImportError_, match=phrase):
        workspace.import_envelope(source)


def test_missing_file(workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(ImportError_, match="cannot be read"):
        workspace.import_envelope(tmp_path / "nope.json")


def test_write_new_file_refuses_existing_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "new" / "out.txt"
    write_new_file(target, b"one")
    with pytest.raises(ExportRefused, match="already exists"):
        write_new_file(target, b"two")
    assert target.read_bytes() == b"one"
    write_new_file(target, b"two", force=True)
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]
