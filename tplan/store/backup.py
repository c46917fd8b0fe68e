"""``tplan restore``: recover every save that can be verified, set the rest aside, say which.

Restore only acts on a file tplan refuses to open; a healthy file is left alone. Under the
writer lock it keeps, in this order of preference:

- a damaged journal: the record file and the journal's saves before the first damaged line (the
  valid prefix); the whole journal is kept beside it as ``<db>.journal.damaged-<UTC time>``;
- a journal that does not belong to the record file (or whose header is damaged): the record
  file; the journal is set aside the same way;
- a damaged record file: its automatic backup ``<db>.bak`` (checked first: it must load), put
  back byte for byte; the damaged file is kept as ``<db>.damaged-<UTC time>`` and its journal,
  whose saves were made on top of it and cannot be replayed onto the older backup, is set aside.

Nothing is deleted. The restore is audited (action ``restore``, with what was kept and set
aside) in the journal of the restored file; the restored snapshot itself is not rewritten.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tplan.store import journal
from tplan.store.errors import CorruptStoreError, StoreError
from tplan.store.files import fsync_dir, read_regular, real_db_path, write_private_atomic
from tplan.store.history import is_discharged
from tplan.store.journal import journal_path
from tplan.store.lock import StoreLock
from tplan.store.migrations import (
    EPOCH_KEY,
    META_DOC_ID,
    META_TABLE,
    PATIENTS_TABLE,
    PREVIOUS_EPOCH_KEY,
    Tables,
)
from tplan.store.repository import load_document, open_repository
from tplan.store.storage import backup_path, parse_database


@dataclass
class RestoreReport:
    """What a restore kept and what it set aside (and where), in sentences for the user."""

    path: Path
    kept: list[str] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)
    damaged_copy: Path | None = None
    """Where the damaged record file was kept (None when it was kept in place)."""

    def lines(self) -> list[str]:
        lines = [f"Restored {self.path}."]
        lines += [f"Kept: {item}." for item in self.kept]
        lines += [f"Set aside (nothing deleted): {item}." for item in self.set_aside]
        return lines


def restore(db_path: str | Path, clinician: str = "") -> RestoreReport:
    """Recover a record file tplan refuses to open (see the module docstring)."""
    path = real_db_path(Path(db_path).expanduser())
    lock = StoreLock(path)
    lock.acquire()
    try:
        _refuse_if_healthy(path)
        report = RestoreReport(path)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        snapshot = _verified_snapshot(path)
        if snapshot is not None and os.path.lexists(journal_path(path)):
            _salvage_journal(path, snapshot, report, stamp)
        else:
            _put_backup_back(path, report, stamp)
    finally:
        lock.release()
    repo = open_repository(path, clinician)
    try:
        repo.record_event("restore", " ".join(report.lines()[1:]))
    finally:
        repo.close(compact=False)
    return report


def restore_backup(db_path: str | Path, clinician: str = "") -> Path | None:
    """:func:`restore`; returns where the damaged record file was kept, if it was replaced."""
    return restore(db_path, clinician).damaged_copy


def _refuse_if_healthy(path: Path) -> None:
    try:
        open_repository(path, read_only=True).close()
    except CorruptStoreError:
        return
    except StoreError:
        if path.exists() or not backup_path(path).exists():
            raise
        return  # a missing file beside its backup: put the backup back
    backup = backup_path(path)
    if backup.exists():  # a backup that is no longer a tplan file is worth knowing about
        parse_database(backup, read_regular(backup, "backup"))
    raise StoreError(f"{path} opens without damage; restore changed nothing")


def _verified_snapshot(path: Path) -> Tables | None:
    """The record file's tables when it (not only its journal) is sound, else None."""
    try:
        raw = read_regular(path, "record file")
    except FileNotFoundError:
        return None
    try:
        tables = parse_database(path, raw).tables
        _check_active_records(path, tables)
    except CorruptStoreError:
        return None
    return tables


def _check_active_records(path: Path, tables: Tables) -> None:
    """What opening needs: every active patient loads (a damaged discharged one is carried)."""
    for doc_id, document in tables.get(PATIENTS_TABLE, {}).items():
        if not is_discharged(document):
            load_document(path, doc_id, document, None)


def _checked_backup(backup: Path) -> bytes:
    try:
        raw = read_regular(backup, "backup")
    except FileNotFoundError:
        raise StoreError(
            f"there is no backup of {backup.with_suffix('')} (no {backup.name} beside it)"
        ) from None
    except OSError as exc:
        raise StoreError(f"cannot read {backup}: {exc.strerror}") from None
    tables = parse_database(backup, raw).tables
    _check_active_records(backup, tables)
    return raw


def _put_backup_back(path: Path, report: RestoreReport, stamp: str) -> None:
    raw = _checked_backup(backup_path(path))
    if path.exists():
        report.damaged_copy = path.with_name(f"{path.name}.damaged-{stamp}")
        os.link(path, report.damaged_copy)
        report.set_aside.append(f"the damaged record file, as {report.damaged_copy}")
    journal_file = journal_path(path)
    if os.path.lexists(journal_file):
        saves = _complete_lines(journal_file) - 1
        aside = _set_aside(journal_file, stamp)
        report.set_aside.append(
            f"its journal ({max(saves, 0)} save(s) made after that backup), as {aside}"
        )
    write_private_atomic(path, raw)
    report.kept.append(
        f"the automatic backup {backup_path(path).name} (the file as it was before its last "
        "compaction), put back unchanged"
    )


def _salvage_journal(path: Path, tables: Tables, report: RestoreReport, stamp: str) -> None:
    journal_file = journal_path(path)
    data = read_regular(journal_file, "journal")
    replay = journal.parse(journal_file, data, salvage=True)
    meta = tables[META_TABLE][META_DOC_ID]
    report.kept.append(f"the record file {path.name} as it was")
    if replay.epoch is not None and replay.epoch == meta.get(EPOCH_KEY):
        saves = len(replay.transactions)
        aside = journal_file.with_name(f"{journal_file.name}.damaged-{stamp}")
        os.link(journal_file, aside)
        write_private_atomic(journal_file, data[: replay.valid_end])
        report.kept.append(
            f"the first {saves} save(s) of its journal (every save before the damaged line)"
        )
        report.set_aside.append(
            f"{replay.lines_after} journal line(s) from line {replay.damaged_line} on (line "
            f"{replay.damaged_line} is damaged; later ones follow it), in the whole journal "
            f"kept as {aside}"
        )
        return
    if replay.epoch is not None and replay.epoch == meta.get(PREVIOUS_EPOCH_KEY):
        why = "it was already folded into the record file"
    else:
        why = "its header is damaged or it belongs to another version of the record file"
    lines = max(_complete_lines(journal_file) - 1, 0)
    aside = _set_aside(journal_file, stamp)
    report.set_aside.append(f"the journal ({lines} line(s); {why}), as {aside}")


def _complete_lines(file: Path) -> int:
    return read_regular(file, "journal").count(b"\n")


def _set_aside(file: Path, stamp: str) -> Path:
    aside = file.with_name(f"{file.name}.damaged-{stamp}")
    os.replace(file, aside)
    fsync_dir(file.parent)
    return aside

