"""Older record files are upgraded step by step on opening; the old file stays as the backup."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from tinydb import TinyDB

from tplan.store import AtomicJSONStorage, CorruptStoreError, backup_path, migrations
from tplan.store.migrations import Tables


def rename_colour(tables: Tables) -> Tables:
    for document in tables.get("things", {}).values():
        document["color"] = document.pop("colour")
    return tables


@pytest.fixture
def version_one_file(db_path: Path) -> bytes:
    db = TinyDB(db_path, storage=AtomicJSONStorage)
    db.table("things").insert({"colour": "teal"})
    db.table("patients").insert({"schema_version": 1})
    db.close()
    return db_path.read_bytes()


def test_old_file_is_upgraded_in_memory_and_on_first_write(
    db_path: Path, version_one_file: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(migrations.STEPS, 1, rename_colour)

    db = TinyDB(db_path, storage=AtomicJSONStorage)
    assert db.storage.file_version == 1  # type: ignore[attr-defined]
    assert db.table("things").all() == [{"color": "teal"}]
    assert db_path.read_bytes() == version_one_file  # opening alone writes nothing
    db.table("things").insert({"color": "plum"})
    db.close()

    upgraded = orjson.loads(db_path.read_bytes())
    assert upgraded["_meta"]["1"]["schema_version"] == 2
    assert upgraded["patients"]["1"]["schema_version"] == 2
    assert backup_path(db_path).read_bytes() == version_one_file


def test_read_only_upgrades_in_memory_only(
    db_path: Path, version_one_file: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(migrations.STEPS, 1, rename_colour)
    db = TinyDB(db_path, storage=AtomicJSONStorage, read_only=True)
    assert db.table("things").all() == [{"color": "teal"}]
    db.close()
    assert db_path.read_bytes() == version_one_file


def test_missing_step_is_refused(
    db_path: Path, version_one_file: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 2)
    with pytest.raises(CorruptStoreError, match="no upgrade known from record format 1"):
        TinyDB(db_path, storage=AtomicJSONStorage)
    assert db_path.read_bytes() == version_one_file
