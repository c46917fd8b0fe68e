"""Opening a record file needs neither pydantic nor the domain (issue #14: the caseload paints
from the stored summaries first); a damaged active record is still found and named."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from store_factories import SECRET, make_patient, without_checksums

from tplan.store import CorruptStoreError, open_repository

OPEN_AND_LIST = """
import json, sys
import tplan.store
with tplan.store.open_store(sys.argv[1], "J. Park") as repo:
    answers = {
        "summaries": repo.caseload_summaries(),
        "active": repo.active_ids(),
        "discharged": repo.discharged_ids(),
        "names": repo.stored_names(repo.active_ids()),
        "location": repo.location,
        "read_only": repo.read_only,
        "damaged": repo.damaged_records(),
    }
loaded = sorted(m for m in sys.modules if m.split(".")[0] == "pydantic"
                or m.startswith("tplan.domain"))
print(json.dumps({"answers": answers, "loaded": loaded}))
"""


def _in_a_fresh_process(db_path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", OPEN_AND_LIST, str(db_path)],
        capture_output=True, text=True, check=True,
    )
    return json.loads(done.stdout)


def test_opening_a_file_and_reading_the_summaries_imports_neither_pydantic_nor_the_domain(
    db_path: Path,
) -> None:
    avery, bo = make_patient("Avery Quill"), make_patient("Bo Marchetti")
    with open_repository(db_path, "J. Park") as repo:
        repo.import_patients([avery, bo], summaries={avery.id: {"name": "Avery", "crav": 3}})
    seen = _in_a_fresh_process(db_path)
    assert seen["loaded"] == []
    assert seen["answers"] == {
        "summaries": {avery.id: {"name": "Avery", "crav": 3}, bo.id: None},
        "active": [avery.id, bo.id],
        "discharged": [],
        "names": {avery.id: "Avery Quill", bo.id: "Bo Marchetti"},
        "location": str(db_path),
        "read_only": False,
        "damaged": {},
    }


def test_a_new_file_is_created_without_pydantic_or_the_domain(tmp_path: Path) -> None:
    db_path = tmp_path / "records" / "new.json"
    seen = _in_a_fresh_process(db_path)
    assert seen["loaded"] == []
    assert seen["answers"]["summaries"] == {} and db_path.exists()


def test_a_damaged_active_record_opens_and_is_named_at_first_read(db_path: Path) -> None:
    """A file whose checksum holds (an older tplan's, or hand-edited) but whose active record
    does not load: opening no longer validates it, so the first read finds and names it."""
    avery, bo = make_patient("Avery Quill"), make_patient("Bo Marchetti")
    with open_repository(db_path, "J. Park") as repo:
        repo.import_patients([avery, bo], summaries={bo.id: {"name": "Bo"}})
    raw = without_checksums(orjson.loads(db_path.read_bytes()))
    doc_id = next(k for k, d in raw["patients"].items() if d["id"] == bo.id)
    raw["patients"][doc_id]["notes"][0]["craving"] = SECRET
    db_path.write_bytes(orjson.dumps(raw))
    damaged = raw["patients"][doc_id]
    with open_repository(db_path, "J. Park") as repo:
        assert repo.active_ids() == [avery.id, bo.id]
        with pytest.raises(CorruptStoreError, match=f"patient document {doc_id} does not load"):
            repo.active_patients()
        assert list(repo.damaged_records()) == [bo.id]
        assert SECRET not in str(repo.damaged_records())
        assert repo.caseload_summaries() == {avery.id: None, bo.id: None}
        assert repo.loadable(repo.active_ids()) == [avery]
    # an older file is written in this tplan's format at the close: nothing of it is lost, and
    # the damaged record is carried exactly and listed as damaged in the new snapshot
    rewritten = orjson.loads(db_path.read_bytes())
    assert rewritten["patients"][doc_id] == damaged
    assert rewritten["_meta"]["1"]["damaged_documents"] == [doc_id]
