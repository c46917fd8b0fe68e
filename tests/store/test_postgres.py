"""The PostgreSQL backend against a real server: what only a server can do (and refuse)."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from postgres_server import TestServer
from store_factories import SECRET, make_note, make_patient

from tplan.store import ConflictError, CorruptStoreError, StoreUnavailableError, open_store
from tplan.store.postgres import (
    DatabaseURLError,
    SchemaError,
    connect,
    init_schema,
    latest_version,
    migrate_schema,
)


def test_audit_and_disclosure_rows_cannot_be_changed_or_removed(postgres_url: str) -> None:
    with open_store(postgres_url, "J. Park") as repo:
        repo.add(make_patient())
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO disclosures (id, patient_id, at, entry)"
            " SELECT 'ex-1', id, now(), '{}' FROM patients"
        )
        for statement in (
            "UPDATE audit SET by_name = 'someone else'",
            "DELETE FROM audit",
            "TRUNCATE audit",
            "UPDATE disclosures SET entry = '{\"recipient\": \"nobody\"}'",
            "DELETE FROM disclosures",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                conn.execute(statement)
        assert conn.execute("SELECT by_name FROM audit").fetchall() == [("J. Park",)]
        assert conn.execute("SELECT count(*) FROM disclosures").fetchone() == (1,)


def test_two_sessions_on_one_patient_the_second_is_told_who_saved(postgres_url: str) -> None:
    with (
        open_store(postgres_url, "A. Rivera") as first,
        open_store(postgres_url, "J. Park") as second,
    ):
        added = first.add(make_patient())
        seen_by_second, version = second.get_versioned(added.id)
        saved = seen_by_second.model_copy(deep=True)
        saved.notes = [*saved.notes, make_note(3, text="Rivera's draft")]
        first.put(saved, "save_draft", expected_version=first.get_versioned(added.id)[1])

        mine = seen_by_second.model_copy(deep=True)
        mine.notes = [*mine.notes, make_note(4, text="Park's draft")]
        with pytest.raises(ConflictError, match=r"A\. Rivera changed this patient's record at"):
            second.put(mine, "save_draft", expected_version=version)
        fresh, fresh_version = second.get_versioned(added.id)  # the copy was dropped: reread
        assert fresh == saved and fresh_version == version + 1
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT version, updated_by FROM patients").fetchone() == (
            2,
            "A. Rivera",
        )


def test_another_sessions_save_is_heard(postgres_url: str) -> None:
    with (
        open_store(postgres_url, "A. Rivera") as first,
        open_store(postgres_url, "J. Park") as second,
    ):
        added = first.add(make_patient())
        assert second.get(added.id) == added
        heard: list[str] = []
        arrived = threading.Event()
        second.watch(lambda pid: (heard.append(pid), arrived.set()))
        changed = added.model_copy(deep=True)
        changed.notes = [*changed.notes, make_note(3)]
        first.put(changed, "save_draft")
        assert arrived.wait(10), "no notification"  # a timeout, not a speed test (bench/)
        assert heard == [added.id]
        assert second.get(added.id) == changed
        own = changed.model_copy(deep=True)
        own.notes = [*own.notes, make_note(4)]
        second.put(own, "save_draft")  # a session's own saves are not reported to itself
        time.sleep(0.5)
        assert heard == [added.id]


def test_a_lost_connection_fails_the_save_then_reconnects(postgres_url: str) -> None:
    with open_store(postgres_url, "J. Park") as repo:
        patient, version = repo.get_versioned(repo.add(make_patient()).id)
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = 'tplan'"
            )
        changed = patient.model_copy(deep=True)
        changed.notes = [*changed.notes, make_note(3)]
        with pytest.raises(StoreUnavailableError, match="nothing was saved"):
            repo.put(changed, "save_draft", expected_version=version)
        assert not repo.connected
        repo.put(changed, "save_draft", expected_version=version)  # reconnected
        assert repo.connected
        assert repo.get(patient.id) == changed


def test_a_password_in_the_url_is_refused_and_never_shown(postgres_server: TestServer) -> None:
    url = postgres_server.url("postgres").replace("postgresql:///", "postgresql://u:s3cret@/")
    with pytest.raises(DatabaseURLError) as refused:
        open_store(url)
    assert "s3cret" not in str(refused.value) and "u:***@" in str(refused.value)
    assert "~/.pgpass" in str(refused.value)
    with pytest.raises(DatabaseURLError) as refused:
        open_store(postgres_server.url("postgres") + "&password=s3cret")
    assert "s3cret" not in str(refused.value)


def test_schema_init_migrate_and_refusals(postgres_server: TestServer) -> None:
    url = postgres_server.empty_database()
    with pytest.raises(SchemaError, match="tplan server init"):
        open_store(url)
    with connect(url, "clinic") as conn:
        assert init_schema(conn, "clinic") == list(range(1, latest_version() + 1))
        with pytest.raises(SchemaError, match="already holds tplan's tables"):
            init_schema(conn, "clinic")
        assert migrate_schema(conn, "clinic") == []
        conn.execute("INSERT INTO tplan_schema (version) VALUES (%s)", (latest_version() + 1,))
        with pytest.raises(SchemaError, match="newer tplan"):
            migrate_schema(conn, "clinic")
    with pytest.raises(SchemaError, match="newer tplan"):
        open_store(url)


def test_a_server_that_is_not_there_is_named_without_a_password(tmp_path) -> None:
    url = f"postgresql:///clinic?host={tmp_path}&user=nobody"
    with pytest.raises(StoreUnavailableError, match="cannot connect to postgresql:///clinic"):
        open_store(url)


def test_a_row_that_does_not_load_is_left_out_and_named(postgres_url: str) -> None:
    avery, bo = make_patient("Avery Quill"), make_patient("Bo Marchetti")
    with open_store(postgres_url, "J. Park") as repo:
        repo.import_patients([avery, bo])
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(  # a hand edit outside tplan: the birth date is no date any more
            "UPDATE patients SET document = json_build_object('id', id, 'birth_date', 'soon'),"
            " version = version + 1 WHERE id = %s",
            (bo.id,),
        )
    with open_store(postgres_url, "J. Park") as repo:
        assert repo.active_patients() == [avery]
        assert list(repo.damaged_records()) == [bo.id]
        assert "does not load" in repo.damaged_records()[bo.id]
        assert SECRET not in repo.damaged_records()[bo.id]
        assert repo.loadable([avery.id, bo.id]) == [avery]
        with pytest.raises(CorruptStoreError, match=bo.id):
            repo.get(bo.id)


def test_a_record_stored_before_the_text_rule_still_opens_on_the_server(postgres_url: str) -> None:
    """As on the record file: a character refused since (here a zero-width space) does not
    make an older record unreadable; saving it again asks for the character to go."""
    with open_store(postgres_url, "J. Park") as repo:
        avery = repo.add(make_patient())
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE patients SET document = jsonb_set(document, '{display_name}', %s::jsonb)"
            " WHERE id = %s", ('"Avery\u200b Quill"', avery.id),
        )
    with open_store(postgres_url, "J. Park") as repo:
        legacy = repo.get(avery.id)
        assert legacy.display_name == "Avery\u200b Quill"
        with pytest.raises(ValueError, match="U\\+200B"):
            repo.put(legacy.model_copy(update={"pronouns": "they/them"}), "edit")
