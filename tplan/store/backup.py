"""Putting the automatic backup (``<db>.bak``, the last good file) back in place."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from tplan.store.errors import StoreError
from tplan.store.files import real_db_path, write_private_atomic
from tplan.store.journal import journal_path
from tplan.store.lock import StoreLock
from tplan.store.storage import backup_path, parse_database


def restore_backup(db_path: str | Path) -> Path | None:
    """Replace the record file by its backup; return where the replaced file was kept.

    The backup is checked first (it must load as a tplan database, or the error names it).
    The damaged file is kept beside it as ``<db>.damaged-<UTC time>``, never deleted; None is
    returned when there was no main file. The journal belongs to the replaced snapshot, so it is
    kept aside the same way (``<db>.journal.damaged-<UTC time>``) and not replayed onto the
    backup. Needs the writer lock (no tplan may have it open).
    """
    path = real_db_path(Path(db_path).expanduser())
    backup = backup_path(path)
    if not backup.exists():
        raise StoreError(f"there is no backup of {path} (no {backup.name} beside it)")
    lock = StoreLock(path)
    lock.acquire()
    try:
        try:
            raw = backup.read_bytes()
        except OSError as exc:
            raise StoreError(f"cannot read {backup}: {exc.strerror}") from None
        parse_database(backup, raw)
        kept: Path | None = None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        if path.exists():
            kept = path.with_name(f"{path.name}.damaged-{stamp}")
            os.link(path, kept)
        journal = journal_path(path)
        if journal.exists():
            os.replace(journal, journal.with_name(f"{journal.name}.damaged-{stamp}"))
        write_private_atomic(path, raw)
        return kept
    finally:
        lock.release()
