"""Documents are jsonb on the server, and a record read back still exports byte for byte as the
record file's: the domain, not the column, fixes the order of the keys whose order shows."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest
from postgres_server import TestServer

from tplan.cli import main
from tplan.store import open_store
from tplan.store.postgres import connect, migrate_schema
from tplan.store.postgres.schema import migrations

AS_OF = "2026-03-12"
DOCUMENT_TABLES = ("patients", "groups", "sessions", "attendance", "group_notes")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def without_moment(export: bytes) -> bytes:
    """The export without the moment it was written (real time, seconds apart)."""
    return re.sub(rb'"generated_at": *"[^"]*"', b'"generated_at": ""', export)


def test_a_server_import_of_the_demo_exports_byte_for_byte(
    postgres_server: TestServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TPLAN_CLINICIAN", "J. Park")
    demo = tmp_path / "demo.json"
    run(capsys, "demo", "--out", str(demo), "--as-of", AS_OF)
    url = postgres_server.empty_database()
    run(capsys, "server", "init", url)
    run(capsys, "server", "import", str(demo), url)

    with psycopg.connect(url, autocommit=True) as conn:
        for table in DOCUMENT_TABLES:
            kind = conn.execute(f"SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                                f" WHERE attrelid = '{table}'::regclass AND attname = 'document'")
            assert kind.fetchone() == ("jsonb",), table
        # jsonb's own order (shorter keys first): what the domain has to put right again
        stored = conn.execute(
            "SELECT document->'notes'->0->'sections' FROM patients"
            " WHERE document->'notes'->0->>'format' = 'DAP' LIMIT 1"
        ).fetchone()
    assert stored is not None and list(stored[0]) == ["data", "plan", "assessment"]

    before, after = tmp_path / "before.json", tmp_path / "after.json"
    for db, out_file in ((str(demo), before), (url, after)):
        run(capsys, "export", "--all", "--format", "json", "-o", str(out_file), "--db", db,
            "--as-of", AS_OF)
    assert b'"assessment"' in before.read_bytes()
    assert without_moment(after.read_bytes()) == without_moment(before.read_bytes())


def test_a_database_of_json_documents_migrates_to_jsonb_and_keeps_every_record(
    postgres_server: TestServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    demo = tmp_path / "demo.json"
    run(capsys, "demo", "--out", str(demo), "--as-of", AS_OF)
    url = postgres_server.empty_database()
    with open_store(demo, read_only=True) as source:
        patients = source.all_patients()
    with connect(url, "the test database") as conn:  # a clinic set up by schema 3 (json)
        conn.execute("CREATE TABLE tplan_schema (version integer PRIMARY KEY,"
                     " applied_at timestamptz NOT NULL DEFAULT now())")
        for migration in migrations()[:3]:
            conn.execute(migration.sql.encode())
            conn.execute("INSERT INTO tplan_schema (version) VALUES (%s)", (migration.version,))
        for patient in patients:
            conn.execute(
                "INSERT INTO patients (id, document, version, active, display_name, counselor,"
                " admission_date, updated_at, updated_by)"
                " VALUES (%s, %s::json, 3, %s, %s, %s, %s, now(), 'J. Park')",
                (patient.id, patient.model_dump_json(), patient.active, patient.display_name,
                 patient.counselor, patient.admission_date),
            )
        applied = migrate_schema(conn, "the test database")
    assert applied[0] == 4

    with open_store(url, "J. Park") as target:
        assert [p.model_dump_json() for p in target.all_patients()] == [
            p.model_dump_json() for p in sorted(patients, key=lambda p: p.id)
        ]
        assert target.version(patients[0].id) == 3  # versions carried over
