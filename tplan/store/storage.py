"""``AtomicJSONStorage``: TinyDB storage that never leaves a half-written record file.

- Every write serializes the whole state with orjson into a temp file beside the database,
  fsyncs it, renames it over the database (atomic) and fsyncs the directory: a crash at any
  instant leaves the old or the new file, both loadable.
- Before the rename the current file is hard-linked to ``<db>.bak``, so the last good version
  survives damage to the main file (see ``tplan.store.backup.restore_backup``).
- The parsed state stays in memory (this process is the only writer, see ``tplan.store.lock``),
  so a write does not re-read the file. TinyDB mutates the dict that ``read`` returns before it
  calls ``write``; when a write fails the state is rebuilt from the last bytes written, so the
  file and the cache agree and the caller gets ``SaveError`` (nothing saved).
- A file that does not parse, is not a tplan database or comes from a newer tplan is refused
  with an error naming it, and is never written to.
- ``batch()`` groups several TinyDB operations into one write (all or nothing).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
from tinydb.storages import Storage

from tplan.store import migrations
from tplan.store.bulk import paused_gc
from tplan.store.errors import (
    CorruptStoreError,
    ForeignFileError,
    NewerSchemaError,
    ReadOnlyStoreError,
    SaveError,
    StoreError,
)
from tplan.store.files import (
    ensure_private_dir,
    fsync_dir,
    remove_stale_temps,
    write_private_atomic,
    write_temp,
)
from tplan.store.lock import StoreLock
from tplan.store.migrations import Tables, new_database


def backup_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".bak")


def parse_database(path: Path, raw: bytes, backup: Path | None = None) -> tuple[Tables, int]:
    """Parse, check and upgrade a database file's bytes; return the tables and the file's version.

    Errors name ``path`` and say what is wrong, never what the file contains.
    """
    if not raw.strip():
        raise CorruptStoreError(path, "the file is empty", backup)
    try:
        with paused_gc():
            tables = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CorruptStoreError(
            path,
            f"it is not valid JSON (damaged or cut short near line {exc.lineno}, "
            f"column {exc.colno})",
            backup,
        ) from None
    try:
        return migrations.check_and_upgrade(tables)
    except migrations.MetaProblem as problem:
        if problem.kind == "foreign":
            raise ForeignFileError(path) from None
        if problem.kind == "newer":
            raise NewerSchemaError(path, problem.found, migrations.SCHEMA_VERSION) from None
        raise CorruptStoreError(path, problem.problem, backup) from None


def dumps_yielding(tables: Tables) -> bytes:
    """``orjson.dumps(tables)``, byte for byte, serialized one document at a time.

    orjson holds the GIL for the whole call: one call over a 30 MB state stalls the UI's event
    loop for ~50 ms while a worker thread saves. Between per-document calls the interpreter can
    hand the GIL to the event loop, so a save no longer freezes the screen.
    """
    dumps = orjson.dumps
    parts: list[bytes] = [b"{"]
    for t, (name, table) in enumerate(tables.items()):
        parts.append(b"%s%s:{" % (b"," if t else b"", dumps(name)))
        for d, (doc_id, document) in enumerate(table.items()):
            if not isinstance(doc_id, str):
                raise TypeError("document ids must be strings")
            parts.append(b"%s%s:%s" % (b"," if d else b"", dumps(doc_id), dumps(document)))
        parts.append(b"}")
    parts.append(b"}")
    return b"".join(parts)


class AtomicJSONStorage(Storage):
    """TinyDB storage over one JSON file; see the module docstring for the guarantees.

    Unless ``read_only``, opening takes the exclusive writer lock (``StoreLockedError`` when
    another process has it) and ``close`` releases it. ``read_only`` takes no lock, sees the file
    as it was when opened and refuses every write with ``ReadOnlyStoreError``. A missing file is
    created (0600, directory 0700) when ``create`` is true.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False, create: bool = True) -> None:
        self.path = Path(path)
        self.backup_path = backup_path(self.path)
        self.read_only = read_only
        self.file_version = migrations.SCHEMA_VERSION
        self._lock: StoreLock | None = None
        self._batch_depth = 0
        self._pending = False
        self._closed = False
        if not read_only:
            ensure_private_dir(self.path.parent)
            self._lock = StoreLock(self.path)
            self._lock.acquire()
        try:
            self._open(create)
        except BaseException:
            self.close()
            raise

    def _open(self, create: bool) -> None:
        if self.path.exists():
            try:
                raw = self.path.read_bytes()
            except OSError as exc:
                raise StoreError(f"cannot read {self.path}: {exc.strerror}") from None
            backup = self.backup_path if self.backup_path.exists() else None
            self._state, self.file_version = parse_database(self.path, raw, backup)
            self._good = raw
            if self._lock is not None:
                remove_stale_temps(self.path)
            return
        if self.backup_path.exists():
            raise CorruptStoreError(
                self.path, "the file is missing but its backup exists", self.backup_path
            )
        if self.read_only or not create:
            raise StoreError(f"there is no tplan record file at {self.path}")
        self._good = b""
        self._state = new_database()
        self._commit()

    # --- TinyDB's Storage interface ------------------------------------------------------

    def read(self) -> Tables:
        return self._state

    def write(self, data: Tables) -> None:
        if self._closed or self.read_only:
            self._rollback()
            if self._closed:
                raise StoreError(f"{self.path} is closed; nothing was saved")
            raise ReadOnlyStoreError(self.path)
        self._state = data
        if self._batch_depth:
            self._pending = True
            return
        self._commit()

    def close(self) -> None:
        self._closed = True
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    # --- transactions --------------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Write once at the end of the block; an exception inside discards every change."""
        if self._closed or self.read_only:
            raise ReadOnlyStoreError(self.path) if self.read_only else StoreError(
                f"{self.path} is closed; nothing was saved"
            )
        self._batch_depth += 1
        try:
            yield
        except BaseException:
            self._batch_depth -= 1
            self._pending = False
            self._rollback()
            raise
        self._batch_depth -= 1
        if self._batch_depth == 0 and self._pending:
            self._pending = False
            self._commit()

    # --- internals -----------------------------------------------------------------------

    def _rollback(self) -> None:
        """Rebuild the in-memory state from the last bytes known to be on disk."""
        if self._good:
            self._state, _ = parse_database(self.path, self._good)
        else:
            self._state = new_database()

    def _commit(self) -> None:
        try:
            payload = dumps_yielding(self._state)
        except TypeError:
            self._rollback()
            raise SaveError(self.path, "a value cannot be stored as JSON") from None
        try:
            temp = write_temp(self.path, payload)
            try:
                self._rotate_backup()
                os.replace(temp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    temp.unlink()
                raise
        except OSError as exc:
            self._rollback()
            raise SaveError(self.path, exc.strerror or type(exc).__name__) from exc
        except BaseException:
            self._rollback()
            raise
        self._good = payload
        fsync_dir(self.path.parent)

    def _rotate_backup(self) -> None:
        """Keep the current file as ``<db>.bak``: a hard link, so no copy is written."""
        if not self._good:
            return
        link = self.backup_path.with_name(f".{self.backup_path.name}.link.tmp")
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        try:
            os.link(self.path, link)
        except OSError:  # file system without hard links: write the copy instead
            write_private_atomic(self.backup_path, self._good)
            return
        try:
            os.replace(link, self.backup_path)
        except BaseException:
            with contextlib.suppress(OSError):
                link.unlink()
            raise
