"""``AtomicJSONStorage``: TinyDB storage that never leaves a half-written record file.

- The record file is a *snapshot*; a save appends one line to the journal beside it
  (``<db>.journal``, see ``tplan.store.journal``) and fsyncs it, so a save costs what changed,
  not the size of the file. Loading is the snapshot plus a replay of the journal's valid lines,
  for writers and read-only openers alike. The writer lock covers the journal.
- A *compaction* writes the whole state into a temp file beside the snapshot, fsyncs it, links
  the current snapshot to ``<db>.bak`` (the last good snapshot), renames the temp file over the
  snapshot (atomic), fsyncs the directory and then removes the journal. It runs when the journal
  outgrows ``compact_ratio`` of the snapshot, and on a clean close when it outgrows
  ``close_compact_ratio`` (a few saves into a big file stay in the journal, fsynced and replayed
  on opening: closing then costs nothing instead of rewriting the whole file). Every snapshot
  carries a fresh ``journal_epoch`` in ``_meta`` and the epoch of the journal it replaced
  (``previous_journal_epoch``): a journal with that epoch is provably stale (a compaction was cut
  after its rename) and is dropped, since the snapshot holds it; a journal with any other epoch is
  damage and is refused, never deleted.
- Every snapshot carries a checksum of its bytes (``tplan.store.checksum``), verified at open. A
  journal without its snapshot is refused, never replaced by an empty file.
- Documents the repository found damaged are carried into the next snapshot as they were and
  listed in ``_meta`` (``damaged_documents``), so a compaction never stops on them.
- A read (for a read-only opener too) checks after reading the journal that the snapshot is still
  the one it read, and reads again if a compaction replaced it meanwhile.
- Callers that know what changed use ``put_documents`` (the repository does): the journal line
  is written first and the in-memory state only changes once it is on disk, so a failed save
  (``SaveError``) leaves memory, snapshot and journal as they were. TinyDB's own table methods
  still work: they hand ``write`` the whole state, which is saved as a compaction.
- A file that does not parse, is not a tplan database or comes from a newer tplan is refused
  with an error naming it, and is never written to; so is a journal damaged other than by a
  torn last append.
- ``batch()`` groups several TinyDB operations into one write (all or nothing).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import secrets
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import orjson
from tinydb.storages import Storage

from tplan.store import checksum, journal, migrations
from tplan.store.bulk import parsing_records, paused_gc
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
    read_regular,
    read_regular_with_stat,
    real_db_path,
    refuse_unless_regular,
    remove_stale_temps,
    write_private_atomic,
    write_temp,
)
from tplan.store.journal import Change, JournalWriter, journal_path
from tplan.store.lock import StoreLock
from tplan.store.migrations import (
    DAMAGED_KEY,
    EPOCH_KEY,
    META_DOC_ID,
    META_TABLE,
    PREVIOUS_EPOCH_KEY,
    Tables,
    new_database,
)

log = logging.getLogger(__name__)

NO_EPOCH = "-"
"""The epoch of a snapshot written before the journal existed."""
READ_ATTEMPTS = 50
"""How often a read starts again because a compaction replaced the snapshot while it read."""


_STAMPED = (
    EPOCH_KEY,
    PREVIOUS_EPOCH_KEY,
    migrations.STORE_FORMAT_KEY,
    checksum.CHECKSUM_KEY,
)
"""The ``_meta`` entries each snapshot write sets (put back as they were if it fails)."""


P = ParamSpec("P")
R = TypeVar("R")


def serialized(method: Callable[Concatenate[Any, P], R]) -> Callable[Concatenate[Any, P], R]:
    """Run a repository method under its storage's ``writing`` lock: the UI saves from worker
    threads, and a background summary refresh must not write between a save's version check
    and its write (nor two appends interleave in the journal)."""

    @functools.wraps(method)
    def locked(self: Any, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._storage.writing:
            return method(self, *args, **kwargs)

    return locked


def backup_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".bak")


Explain = Callable[[Path, Tables, "Path | None"], None]
"""Called with a snapshot whose checksum failed, to raise a more precise error if it can."""


def parse_database(
    path: Path, raw: bytes, backup: Path | None = None, explain: Explain | None = None
) -> migrations.Checked:
    """Parse, check and upgrade a database file's bytes; return the tables and the file's versions.

    Errors name ``path`` and say what is wrong, never what the file contains.
    """
    if not raw.strip():
        raise CorruptStoreError(path, "the file is empty", backup)
    try:
        with parsing_records():
            tables = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CorruptStoreError(
            path,
            f"it is not valid JSON (damaged or cut short near line {exc.lineno}, "
            f"column {exc.colno})",
            backup,
        ) from None
    try:
        return migrations.check_and_upgrade(tables, raw)
    except migrations.MetaProblem as problem:
        if explain is not None and problem.kind == "corrupt" and isinstance(tables, dict):
            explain(path, tables, backup)
        if problem.kind == "foreign":
            raise ForeignFileError(path) from None
        if problem.kind == "newer":
            raise NewerSchemaError(path, problem.found, migrations.SCHEMA_VERSION) from None
        raise CorruptStoreError(path, problem.problem, backup) from None


def dump_parts(tables: Tables) -> list[bytes]:
    """``orjson.dumps(tables)`` as parts whose concatenation is it, byte for byte, serialized
    one document at a time; written to the file as they are (never joined into one copy).

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
            key = b"%s%s:" % (b"," if d else b"", dumps(doc_id))
            value = dumps(document)
            if len(value) > 4096:  # a big document is written as orjson made it, not copied
                parts += (key, value)
            else:
                parts.append(key + value)
        parts.append(b"}")
    parts.append(b"}")
    return parts


class AtomicJSONStorage(Storage):
    """TinyDB storage over a snapshot and its journal; see the module docstring for the guarantees.

    Unless ``read_only``, opening takes the exclusive writer lock (``StoreLockedError`` when
    another process has it) and ``close`` releases it. ``read_only`` takes no lock, sees the file
    and journal as they were when opened and refuses every write with ``ReadOnlyStoreError``. A
    missing file is created (0600, directory 0700) when ``create`` is true.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        read_only: bool = False,
        create: bool = True,
        compact_ratio: float = 0.25,
        compact_min_bytes: int = 1 << 20,
        close_compact_ratio: float = 0.05,
        explain_damage: Explain | None = None,
    ) -> None:
        self.path = real_db_path(Path(path))
        self.backup_path = backup_path(self.path)
        self.journal_path = journal_path(self.path)
        self.read_only = read_only
        self.compact_ratio = compact_ratio
        self.compact_min_bytes = compact_min_bytes
        self.close_compact_ratio = close_compact_ratio
        self.file_version = migrations.SCHEMA_VERSION
        self.explain_damage = explain_damage
        self.before_compaction: Callable[[], list[str]] | None = None
        """Called before a compaction rewrites every document; returns the ids of the documents
        that do not load (the repository validates them), which the snapshot lists."""
        self._lock: StoreLock | None = None
        self._journal: JournalWriter | None = None
        self._next_ids: dict[str, int] = {}
        self._snapshot_size = 0
        self._batch_depth = 0
        self._pending = False
        self._closed = False
        self._wrote = False
        self._compact_on_close = False
        self.writing = threading.RLock()
        """Held by every write (and by the repository around its version checks)."""
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
        refuse_unless_regular(self.path, "record file")
        refuse_unless_regular(self.journal_path, "journal")
        if self.path.exists():
            self._state, self.file_version, journal_size = self._load()
            if self._lock is not None:
                self._journal = JournalWriter(self.journal_path, self._epoch(), journal_size)
                if journal_size:
                    self._journal.open_existing()
                remove_stale_temps(self.path)
            return
        if self.backup_path.exists():
            raise CorruptStoreError(
                self.path, "the file is missing but its backup exists", self.backup_path
            )
        if os.path.lexists(self.journal_path):
            raise StoreError(
                f"the record file {self.path} is missing but its journal {self.journal_path} "
                "is there: its saves belong to that file. Put the record file back beside it "
                "(from your own copy), or move the journal away to start a new file. "
                "Nothing was changed."
            )
        if self.read_only or not create:
            raise StoreError(f"there is no tplan record file at {self.path}")
        self._state = new_database()
        self._journal = JournalWriter(self.journal_path, NO_EPOCH, 0)
        self._write_snapshot()

    def _load(self) -> tuple[Tables, int, int]:
        """Snapshot plus journal from disk: the state, the file's version, the journal's size.

        A provably stale, empty or headless journal is removed when this process holds the lock.
        """
        raw, journal_data = self._read_files()
        backup = self.backup_path if self.backup_path.exists() else None
        checked = parse_database(self.path, raw, backup, self.explain_damage)
        state, version = checked.tables, checked.version
        self._compact_on_close = checked.older  # upgraded in memory: written so on closing
        self._snapshot_size = len(raw)
        del raw
        if journal_data is None:
            return state, version, 0
        replay = journal.parse(self.journal_path, journal_data)
        meta = state[META_TABLE][META_DOC_ID]
        if replay.epoch is not None and replay.epoch == _epoch_of(state):
            with paused_gc():
                for changes in replay.transactions:
                    _apply(state, changes)
            return state, version, replay.valid_end
        if replay.epoch is not None and replay.epoch != meta.get(PREVIOUS_EPOCH_KEY):
            raise CorruptStoreError(
                self.journal_path,
                "it belongs to another version of the record file (its epoch is neither the "
                "file's nor the one the file replaced)",
                restorable=True,
            )
        if self._lock is not None:  # stale (its snapshot replaced it) or holds no save
            with contextlib.suppress(FileNotFoundError):
                self.journal_path.unlink()
        return state, version, 0

    def _read_files(self) -> tuple[bytes, bytes | None]:
        """The snapshot's and the journal's bytes, read as one consistent pair.

        A compaction by the writer may replace the snapshot and the journal between the two
        reads; the snapshot's identity is checked again afterwards and the pair read again.
        """
        for _ in range(READ_ATTEMPTS):
            raw, identity = self._read_snapshot()
            journal_data = self._read_journal()
            try:
                now = _identity(os.stat(self.path))
            except FileNotFoundError:
                now = None
            if now == identity:
                return raw, journal_data
        raise StoreError(f"{self.path} kept changing while it was read; try again")

    def _read_snapshot(self) -> tuple[bytes, tuple[int, int, int, int]]:
        try:
            raw, info = read_regular_with_stat(self.path, "record file")
        except OSError as exc:
            raise StoreError(f"cannot read {self.path}: {exc.strerror}") from None
        return raw, _identity(info)

    def _read_journal(self) -> bytes | None:
        try:
            return read_regular(self.journal_path, "journal")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"cannot read {self.journal_path}: {exc.strerror}") from None

    def _epoch(self) -> str:
        return _epoch_of(self._state)

    # --- TinyDB's Storage interface ------------------------------------------------------

    def read(self) -> Tables:
        return self._state

    def write(self, data: Tables) -> None:
        with self.writing:
            self._write(data)

    def _write(self, data: Tables) -> None:
        if self._closed or self.read_only:
            self._reload()
            self._refuse()
        self._state = data
        self._next_ids.clear()
        if self._batch_depth:
            self._pending = True
            return
        self._commit_whole()

    def close(self) -> None:
        """Compact a journal this session wrote to when it outgrew ``close_compact_ratio`` of the
        snapshot (best effort), then release the lock."""
        with self.writing:
            self._close()

    def _close(self) -> None:
        try:
            wrote = (
                self._wrote
                and self._journal is not None
                and self._journal.entries
                and self._journal.size > self.close_compact_ratio * self._snapshot_size
            )
            if not self._closed and not self.read_only and (wrote or self._compact_on_close):
                try:
                    self.compact()
                except (StoreError, OSError) as exc:
                    log.warning("kept the journal of %s: compaction failed (%s)", self.path,
                                _reason(exc))
        finally:
            self._closed = True
            if self._journal is not None:
                self._journal.close()
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    # --- saves that name what changed ----------------------------------------------------

    def put_documents(self, changes: Mapping[tuple[str, str], dict[str, Any] | None]) -> None:
        """Save these documents (``(table, doc_id)`` -> document, None removes) all or nothing.

        One journal line, fsynced; the in-memory state changes only after it is on disk.
        SaveError (nothing saved, nothing changed) when the disk refuses it.
        """
        with self.writing:
            self._put_documents(changes)

    def _put_documents(self, changes: Mapping[tuple[str, str], dict[str, Any] | None]) -> None:
        self._refuse_if_unwritable()
        assert self._journal is not None
        items: list[Change] = [(table, doc_id, doc) for (table, doc_id), doc in changes.items()]
        try:
            line = journal.encode(items)
        except TypeError:
            raise SaveError(self.path, "a value cannot be stored as JSON") from None
        self._journal.append(line, self.path)
        self._wrote = True
        _apply(self._state, items)
        limit = max(self.compact_min_bytes, self.compact_ratio * self._snapshot_size)
        if self._journal.size > limit:
            try:
                self.compact()
            except (StoreError, OSError) as exc:  # the save itself is safe in the journal
                log.warning("could not compact %s (%s); the journal keeps the saves",
                            self.path, _reason(exc))

    def new_doc_ids(self, table: str, count: int = 1) -> list[str]:
        """Fresh document ids for ``table`` (TinyDB's numbering: one more than the highest)."""
        first = self._next_ids.get(table)
        if first is None:
            ids = (int(key) for key in self._state.get(table, {}) if key.isdigit())
            first = max(ids, default=0) + 1
        self._next_ids[table] = first + count
        return [str(n) for n in range(first, first + count)]

    def compact(self) -> None:
        """Write the whole state as a new snapshot (old one kept as ``.bak``), drop the journal."""
        with self.writing:
            self._compact()

    def _compact(self) -> None:
        self._refuse_if_unwritable()
        damaged = self.before_compaction() if self.before_compaction is not None else []
        meta = self._state[META_TABLE][META_DOC_ID]
        if damaged:
            meta[DAMAGED_KEY] = sorted(damaged, key=lambda doc_id: (len(doc_id), doc_id))
        else:
            meta.pop(DAMAGED_KEY, None)
        self._write_snapshot()

    def keep_journal_on_close(self) -> None:
        """Let ``close`` leave the journal as it is instead of compacting it."""
        self._wrote = False
        self._compact_on_close = False

    def compact_on_close(self) -> None:
        """Let ``close`` write a snapshot even after no save (to finish a migration in place)."""
        self._compact_on_close = True

    @property
    def compacts_on_close(self) -> bool:
        """Whether ``close`` will write a snapshot whatever this session saves."""
        return self._compact_on_close and not self.read_only

    @property
    def snapshot_checked(self) -> bool:
        """True when the snapshot loaded had a checksum (verified on loading): its documents
        are those the compaction that wrote it validated (or listed as damaged)."""
        return checksum.CHECKSUM_KEY in self._state[META_TABLE][META_DOC_ID]

    def listed_damaged(self) -> list[str]:
        """Doc ids the snapshot lists as not loading (found by an earlier compaction)."""
        return list(self._state[META_TABLE][META_DOC_ID].get(DAMAGED_KEY, []))

    @property
    def journal_size(self) -> int:
        return self._journal.size if self._journal is not None else 0

    # --- transactions --------------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Write once at the end of the block; an exception inside discards every change."""
        self._refuse_if_unwritable()
        self._batch_depth += 1
        try:
            yield
        except BaseException:
            self._batch_depth -= 1
            self._pending = False
            self._reload()
            raise
        self._batch_depth -= 1
        if self._batch_depth == 0 and self._pending:
            self._pending = False
            self._commit_whole()

    # --- internals -----------------------------------------------------------------------

    def _refuse(self) -> None:
        if self._closed:
            raise StoreError(f"{self.path} is closed; nothing was saved")
        raise ReadOnlyStoreError(self.path)

    def _refuse_if_unwritable(self) -> None:
        if self._closed or self.read_only:
            self._refuse()

    def _reload(self) -> None:
        """Rebuild the in-memory state from disk after TinyDB changed it and the save failed."""
        self._next_ids.clear()
        if self.path.exists():
            self._state, _, _ = self._load()
        else:
            self._state = new_database()

    def _commit_whole(self) -> None:
        try:
            self._write_snapshot()
        except BaseException:
            self._reload()
            raise
        self._wrote = True

    def _write_snapshot(self) -> None:
        """Temp file, fsync, ``.bak`` link, rename, dir fsync, then the journal goes.

        On failure the snapshot, the journal and the state are as they were (SaveError).
        """
        meta = self._state[META_TABLE][META_DOC_ID]
        kept = {key: meta[key] for key in _STAMPED if key in meta}
        previous = meta.get(EPOCH_KEY)
        meta[EPOCH_KEY] = epoch = secrets.token_hex(8)
        if isinstance(previous, str):
            meta[PREVIOUS_EPOCH_KEY] = previous
        meta[migrations.STORE_FORMAT_KEY] = migrations.STORE_FORMAT
        try:
            payload = self._encode()
            temp = write_temp(self.path, payload)
            try:
                self._rotate_backup()
                os.replace(temp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    temp.unlink()
                raise
        except BaseException as exc:
            for key in _STAMPED:
                meta.pop(key, None)
            meta.update(kept)
            if isinstance(exc, TypeError):
                raise SaveError(self.path, "a value cannot be stored as JSON") from None
            if isinstance(exc, OSError):
                raise SaveError(self.path, exc.strerror or type(exc).__name__) from exc
            raise
        self._snapshot_size = sum(len(part) for part in payload)
        self._compact_on_close = False  # the file on disk is this tplan's format now
        del payload
        fsync_dir(self.path.parent)
        if self._journal is not None:
            self._journal.remove()  # stale from now on even if this fails: the epoch moved
            self._journal.epoch = epoch

    def _encode(self) -> list[bytes | memoryview]:
        """The snapshot's bytes, in parts: ``_meta`` first, holding the checksum of the whole."""
        others = {name: table for name, table in self._state.items() if name != META_TABLE}
        body: list[bytes | memoryview] = list(dump_parts(others))
        body[0] = memoryview(body[0])[1:]  # '"patients":{...}}' without its '{'
        head = checksum.stamp(self._state[META_TABLE], body, bool(others))
        return [head, *body]

    def _rotate_backup(self) -> None:
        """Keep the current snapshot as ``<db>.bak``: a hard link, so no copy is written."""
        if not self.path.exists():
            return
        link = self.backup_path.with_name(f".{self.backup_path.name}.link.tmp")
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        try:
            os.link(self.path, link)
        except OSError:  # file system without hard links: write the copy instead
            write_private_atomic(self.backup_path, self.path.read_bytes())
            return
        try:
            os.replace(link, self.backup_path)
        except BaseException:
            with contextlib.suppress(OSError):
                link.unlink()
            raise


def _reason(exc: BaseException) -> str:
    """Why a compaction failed, in words that hold no record content."""
    cause = exc.__cause__ if isinstance(exc.__cause__, OSError) else exc
    if isinstance(cause, OSError):
        return cause.strerror or type(cause).__name__
    if isinstance(exc, CorruptStoreError):
        return str(exc)  # names the file and the document, never their content
    return type(exc).__name__


def _identity(info: os.stat_result) -> tuple[int, int, int, int]:
    """What changes when a snapshot is replaced (a new inode, written later)."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def _epoch_of(state: Tables) -> str:
    epoch = state[META_TABLE][META_DOC_ID].get(EPOCH_KEY)
    return epoch if isinstance(epoch, str) and epoch else NO_EPOCH


def _apply(state: Tables, changes: list[Change]) -> None:
    for table, doc_id, document in changes:
        documents = state.setdefault(table, {})
        if document is None:
            documents.pop(doc_id, None)
        else:
            documents[doc_id] = document
