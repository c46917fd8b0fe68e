"""Caseload summaries (summary_api.md) on both backends, and what only the clinic server shows:
written in the document's transaction, dropped by a write without one, refreshed only for the
version they were computed from, read by a query that never touches the document column."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest
from store_factories import make_note, make_patient

from tplan.domain import Discharge, DischargeReason, Patient
from tplan.store import ConflictError, open_store
from tplan.store.postgres.admin import import_file

ROW = {"name": "Avery Quill", "level": "2.1", "suggestion": "continue", "days_since_note": 3}


def test_a_summary_is_saved_with_its_document_and_dropped_by_a_write_without_one(
    store_location: str,
) -> None:
    avery, bo, gale = make_patient("Avery Quill"), make_patient("Bo Marchetti"), make_patient(
        "Gale Brightwater"
    )
    with open_store(store_location, "J. Park") as repo:
        repo.add(avery, summary=ROW)
        repo.import_patients([bo, gale], summaries={bo.id: {**ROW, "name": "Bo Marchetti"}})
        assert repo.caseload_summaries() == {
            avery.id: ROW, bo.id: {**ROW, "name": "Bo Marchetti"}, gale.id: None,
        }

        changed = avery.model_copy(deep=True)
        changed.notes = [*changed.notes, make_note(3)]
        repo.put(changed, "save_draft", summary={**ROW, "days_since_note": 0})
        assert repo.caseload_summaries()[avery.id] == {**ROW, "days_since_note": 0}
        again = changed.model_copy(deep=True)
        again.notes = [*again.notes, make_note(4)]
        repo.put(again, "save_draft")  # no summary: the old one must not pass for current
        assert repo.caseload_summaries()[avery.id] is None

        audited = len(repo.audit())
        version = repo.get_versioned(avery.id)[1]
        written = repo.save_summaries({
            avery.id: (version, {**ROW, "days_since_note": 1}),
            bo.id: (repo.get_versioned(bo.id)[1] - 1, {"stale": True}),  # from an older version
        })
        assert written == 1
        assert repo.caseload_summaries()[avery.id] == {**ROW, "days_since_note": 1}
        assert repo.caseload_summaries()[bo.id] == {**ROW, "name": "Bo Marchetti"}
        assert len(repo.audit()) == audited  # derived data: no audit entry
        assert repo.get_versioned(avery.id)[1] == version  # and no new version

        discharged = repo.get(gale.id).model_copy(deep=True)
        discharged.discharge = make_discharge(discharged)
        repo.put(discharged, "discharge", summary=ROW)
        assert gale.id not in repo.caseload_summaries()  # active patients only

    with open_store(store_location, "J. Park", read_only=True) as reader:
        assert reader.save_summaries({avery.id: (version, {"x": 1})}) == 0
        assert reader.caseload_summaries()[avery.id] == {**ROW, "days_since_note": 1}


def make_discharge(patient: Patient) -> Discharge:
    return Discharge(
        on=patient.admission_date + timedelta(days=30), reason=DischargeReason.COMPLETED,
        aftercare="weekly SMART meeting",
    )


@pytest.mark.parametrize(
    "bad", [{"when": date(2026, 3, 1)}, {"cells": ("a", "b")}, {1: "not a string key"}]
)
def test_the_server_refuses_a_summary_that_is_not_plain_json_and_saves_nothing(
    postgres_url: str, bad: dict
) -> None:
    with open_store(postgres_url, "J. Park") as repo:
        avery = repo.add(make_patient(), summary=ROW)
        changed = avery.model_copy(deep=True)
        changed.notes = [*changed.notes, make_note(3)]
        with pytest.raises(ValueError, match="caseload summary"):
            repo.put(changed, "save_draft", summary=bad)
        assert repo.get(avery.id) == avery
        assert repo.caseload_summaries()[avery.id] == ROW


def test_a_refused_save_leaves_the_summary_it_found(postgres_url: str) -> None:
    with (
        open_store(postgres_url, "A. Rivera") as first,
        open_store(postgres_url, "J. Park") as second,
    ):
        avery = first.add(make_patient(), summary=ROW)
        seen, version = second.get_versioned(avery.id)
        changed = avery.model_copy(deep=True)
        changed.notes = [*changed.notes, make_note(3)]
        first.put(changed, "save_draft", summary={**ROW, "by": "Rivera"})
        mine = seen.model_copy(deep=True)
        mine.notes = [*mine.notes, make_note(4)]
        with pytest.raises(ConflictError):
            second.put(mine, "save_draft", expected_version=version, summary={"by": "Park"})
        assert second.caseload_summaries()[avery.id] == {**ROW, "by": "Rivera"}


def test_the_caseload_query_never_reads_a_document(postgres_url: str) -> None:
    with open_store(postgres_url, "J. Park") as repo:
        avery = repo.add(make_patient(), summary=ROW)
    schema = postgres_url.rsplit("search_path%3D", 1)[1]
    role = f"caseload_{schema}"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN")
        admin.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
        admin.execute(f"GRANT SELECT ON tplan_schema TO {role}")
        # every column of a patient's row but the document
        admin.execute(f"GRANT SELECT (id, version, active, display_name, counselor,"
                      f" admission_date, updated_at, updated_by, summary) ON patients TO {role}")
    restricted = postgres_url.replace("user=tplan_test", f"user={role}")
    with open_store(restricted, "J. Park", read_only=True) as reader:
        assert reader.caseload_summaries() == {avery.id: ROW}
        assert reader.active_ids() == [avery.id]
        assert reader.stored_names([avery.id]) == {avery.id: "Avery Quill"}
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            reader.get(avery.id)  # the document itself is out of this role's reach


def test_a_summary_refresh_wakes_no_other_session(postgres_url: str) -> None:
    with (
        open_store(postgres_url, "A. Rivera") as first,
        open_store(postgres_url, "J. Park") as second,
    ):
        avery = first.add(make_patient())
        heard: list[str] = []
        arrived = threading.Event()
        second.watch(lambda pid: (heard.append(pid), arrived.set()))
        assert first.save_summaries({avery.id: (1, ROW)}) == 1
        changed = avery.model_copy(deep=True)
        changed.notes = [*changed.notes, make_note(3)]
        first.put(changed, "save_draft")  # delivered after the refresh, if that had been
        assert arrived.wait(10), "no notification"  # a timeout, not a speed test (bench/)
        assert heard == [avery.id]


OPEN_AND_LIST = """
import json, sys
import tplan.store
with tplan.store.open_store(sys.argv[1], "J. Park") as repo:
    answers = {
        "summaries": repo.caseload_summaries(),
        "active": repo.active_ids(),
        "discharged": repo.discharged_ids(),
        "names": repo.stored_names(repo.active_ids()),
        "read_only": repo.read_only,
        "damaged": repo.damaged_records(),
    }
loaded = sorted(m for m in sys.modules if m.split(".")[0] == "pydantic"
                or m.startswith("tplan.domain"))
print(json.dumps({"answers": answers, "loaded": loaded}))
"""


def test_opening_the_server_and_reading_summaries_imports_neither_pydantic_nor_the_domain(
    postgres_url: str,
) -> None:
    avery, bo = make_patient("Avery Quill"), make_patient("Bo Marchetti")
    with open_store(postgres_url, "J. Park") as repo:
        repo.import_patients([avery, bo], summaries={avery.id: ROW})
    done = subprocess.run(
        [sys.executable, "-c", OPEN_AND_LIST, postgres_url],
        capture_output=True, text=True, check=True,
    )
    seen = json.loads(done.stdout)
    assert seen["loaded"] == []
    assert seen["answers"] == {
        "summaries": {avery.id: ROW, bo.id: None},
        "active": sorted([avery.id, bo.id]),
        "discharged": [],
        "names": {avery.id: "Avery Quill", bo.id: "Bo Marchetti"},
        "read_only": False,
        "damaged": {},
    }


def test_a_server_import_carries_the_files_summaries(postgres_url: str, tmp_path: Path) -> None:
    avery, bo = make_patient("Avery Quill"), make_patient("Bo Marchetti")
    source = tmp_path / "records" / "tplan.json"
    with open_store(source, "J. Park") as repo:
        repo.import_patients([avery, bo], summaries={avery.id: ROW})
    import_file(source, postgres_url, "J. Park")
    with open_store(postgres_url, "J. Park") as target:
        assert target.caseload_summaries() == {avery.id: ROW, bo.id: None}
