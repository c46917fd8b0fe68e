"""``tplan restore`` keeps every save it can verify, says what it kept and set aside, refuses a
healthy file, and is audited (issue #10, item 8)."""

from __future__ import annotations

from pathlib import Path

from damage import damaged_discharged
from stress_factories import SECRET, note, run_cli, seed

from tplan.store import open_repository
from tplan.store.journal import journal_path
from tplan.store.storage import AtomicJSONStorage


def _journal_of_four_saves(db_path: Path) -> list:
    """A record file whose journal holds four acknowledged saves (no compaction: a crash)."""
    stored = seed(db_path)
    repo = open_repository(db_path, "J. Park")
    saved = []
    for day in range(4):
        copy = repo.get(stored[0].id).model_copy(deep=True)
        copy.notes = [*copy.notes, note(200 + day)]
        saved.append(repo.put(copy, "save_draft"))
    storage: AtomicJSONStorage = repo._storage
    storage._journal.close()
    storage._lock.release()
    return saved


def _damage_line(db_path: Path, number: int) -> None:
    journal = journal_path(db_path)
    lines = journal.read_bytes().split(b"\n")
    line = bytearray(lines[number - 1])
    line[len(line) // 2] ^= 0x04
    lines[number - 1] = bytes(line)
    journal.write_bytes(b"\n".join(lines))


def test_restore_refuses_a_healthy_file_and_changes_nothing(db_path: Path) -> None:
    stored = seed(db_path)
    assert run_cli("--db", str(db_path), "export", stored[0].id, "--format", "md",
                   "-o", str(db_path.parent / "copy.md")).code == 0
    before = {p.name: p.read_bytes() for p in db_path.parent.iterdir()}
    done = run_cli("restore", "--db", str(db_path))
    assert done.code == 1 and "opens without damage" in done.err and "changed nothing" in done.err
    assert {p.name: p.read_bytes() for p in db_path.parent.iterdir()} == before
    with open_repository(db_path, read_only=True) as repo:
        assert len(repo.get(stored[0].id).disclosures) == 1
        assert [e.action for e in repo.audit()].count("export") == 1


def test_restore_keeps_the_snapshot_and_the_valid_journal_prefix_and_says_so(
    db_path: Path,
) -> None:
    saved = _journal_of_four_saves(db_path)
    _damage_line(db_path, 4)  # the third save (line 1 is the header)
    damaged_journal = journal_path(db_path).read_bytes()
    done = run_cli("restore", "--db", str(db_path), "--clinician", "R. Admin")
    assert done.code == 0, done.err
    out = done.out
    assert "the first 2 save(s) of its journal" in out
    assert "2 journal line(s) from line 4 on" in out
    aside = [p for p in db_path.parent.iterdir()
             if p.name.startswith("tplan.json.journal.damaged-")]
    assert len(aside) == 1 and aside[0].read_bytes() == damaged_journal
    assert str(aside[0]) in out and SECRET not in out
    with open_repository(db_path, read_only=True) as repo:
        assert repo.get(saved[1].id) == saved[1]  # the second save: the last one before damage
        restore_entry = repo.audit()[-1]
    assert restore_entry.action == "restore" and restore_entry.by == "R. Admin"
    assert "2 save(s)" in restore_entry.detail and SECRET not in restore_entry.detail
    assert run_cli("--db", str(db_path), "caseload").code == 0


def test_restore_of_a_damaged_journal_keeps_a_damaged_discharged_record_as_it_was(
    db_path: Path,
) -> None:
    gone = damaged_discharged(db_path)
    repo = open_repository(db_path, "J. Park")
    active = repo.active_patients()[0]
    for pronouns in ("she/her", "they/them", "he/him"):
        active = repo.put(active.model_copy(update={"pronouns": pronouns}), "edit")
    storage: AtomicJSONStorage = repo._storage
    storage._journal.close()
    storage._lock.release()
    _damage_line(db_path, 4)
    assert run_cli("--db", str(db_path), "restore").code == 0
    done = run_cli("--db", str(db_path), "caseload", "--all")
    assert done.code == 0 and gone in done.out
    with open_repository(db_path, read_only=True) as repo:
        assert repo.get(active.id).pronouns == "they/them"


def test_restore_of_a_damaged_snapshot_puts_the_backup_back_and_sets_the_journal_aside(
    db_path: Path,
) -> None:
    _journal_of_four_saves(db_path)
    backup = db_path.with_name("tplan.json.bak").read_bytes()
    db_path.write_bytes(db_path.read_bytes()[:-30])
    done = run_cli("restore", "--db", str(db_path))
    assert done.code == 0, done.err
    assert "4 save(s) made after that backup" in done.out
    assert db_path.read_bytes() == backup
    names = sorted(p.name for p in db_path.parent.iterdir())
    assert any(n.startswith("tplan.json.damaged-") for n in names)
    assert any(n.startswith("tplan.json.journal.damaged-") for n in names)
    with open_repository(db_path, read_only=True) as repo:
        assert repo.audit()[-1].action == "restore"


def test_restore_sets_aside_a_journal_of_another_snapshot(db_path: Path, tmp_path: Path) -> None:
    stored = seed(db_path)
    other = tmp_path / "other" / "tplan.json"
    _journal_of_four_saves(other)
    journal_path(db_path).write_bytes(journal_path(other).read_bytes())
    done = run_cli("restore", "--db", str(db_path))
    assert done.code == 0, done.err
    assert "belongs to another version" in done.out
    with open_repository(db_path, read_only=True) as repo:
        assert repo.get(stored[0].id) == stored[0]


def test_an_orphaned_journal_is_named_by_caseload_and_restore_and_kept(db_path: Path) -> None:
    """Issue #10 item 6: caseload said "No patients yet" and the next writer deleted it."""
    _journal_of_four_saves(db_path)
    db_path.unlink()
    db_path.with_name("tplan.json.bak").unlink()
    saves = journal_path(db_path).read_bytes()
    for command in (["caseload"], ["restore"], ["import", str(db_path.parent / "none.json")]):
        done = run_cli("--db", str(db_path), *command)
        assert done.code == 1 and "missing but its journal" in done.err, command
    assert not db_path.exists() and journal_path(db_path).read_bytes() == saves
