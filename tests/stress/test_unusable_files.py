"""Damaged, foreign and future record files met through the command line and the TUI entry.

Each is refused in one line that names the file and says what to do, the file is left exactly
as it was, and where the damage is tplan's to repair, ``tplan restore`` brings back the
automatic backup (the file as it was before the last save) and keeps the damaged one beside it.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from stress_factories import SECRET, run_cli, seed

from tplan.store import backup_path, open_repository


def _bad_patient(good: bytes) -> bytes:
    tables = orjson.loads(good)
    document = next(iter(tables["patients"].values()))
    document["birth_date"] = "not a date"
    return orjson.dumps(tables)


def _future_patient(good: bytes) -> bytes:
    tables = orjson.loads(good)
    next(iter(tables["patients"].values()))["schema_version"] = 99
    return orjson.dumps(tables)


def _future_file(good: bytes) -> bytes:
    tables = orjson.loads(good)
    tables["_meta"]["1"]["schema_version"] = 99
    return orjson.dumps(tables)


DAMAGE = {
    "empty": (lambda good: b"", "empty", True),
    "truncated": (lambda good: good[: len(good) // 2], "not valid JSON", True),
    "not json": (lambda good: b"\x89PNG\r\n\x1a\n\x00\x00" + good[:40], "not valid JSON", True),
    "damaged patient": (_bad_patient, "does not load", True),
    "foreign json": (lambda good: b'{"orders": {"1": {"sku": 5}}}', "not a tplan record", False),
    "future schema": (_future_file, "newer tplan", False),
    "future patient": (_future_patient, "newer tplan", False),
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_refused_untouched_and_restorable(db_path: Path, kind: str) -> None:
    damage, phrase, restorable = DAMAGE[kind]
    seed(db_path)
    last_good = backup_path(db_path).read_bytes()
    content = damage(db_path.read_bytes())
    db_path.write_bytes(content)
    mtime = db_path.stat().st_mtime_ns

    for command in (["caseload"], ["suggest"], []):  # [] is the TUI: refused before it starts
        done = run_cli("--db", str(db_path), *command)
        assert done.code == 1, command
        message = done.err.strip()
        assert len(message.splitlines()) == 1 and message.startswith("tplan: ")
        assert str(db_path) in message and phrase in message and "untouched" in message
        assert SECRET not in message
        assert ("tplan restore" in message) is restorable
    assert db_path.read_bytes() == content and db_path.stat().st_mtime_ns == mtime

    if not restorable:
        return
    restored = run_cli("restore", "--db", str(db_path))
    assert restored.code == 0, restored.err
    assert db_path.read_bytes() == last_good
    kept = [p for p in db_path.parent.iterdir() if ".damaged-" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == content
    assert run_cli("--db", str(db_path), "caseload", "--json").code == 0
    with open_repository(db_path, "reader", read_only=True) as repo:
        assert len(repo) == 3


def test_restore_without_a_backup_says_so(db_path: Path) -> None:
    seed(db_path)
    backup_path(db_path).unlink()
    db_path.write_bytes(b"")
    done = run_cli("restore", "--db", str(db_path))
    assert done.code == 1 and "no backup" in done.err
    assert db_path.read_bytes() == b""


def test_a_missing_file_beside_its_backup_is_not_silently_recreated(db_path: Path) -> None:
    seed(db_path)
    db_path.unlink()
    done = run_cli("--db", str(db_path), "caseload")
    assert done.code == 1 and "missing" in done.err and "tplan restore" in done.err
    assert not db_path.exists()
    assert run_cli("restore", "--db", str(db_path)).code == 0
    assert run_cli("--db", str(db_path), "caseload").code == 0
