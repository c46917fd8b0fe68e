"""The append-only journal beside the snapshot (``<db>.journal``): saves proportional to the change.

Layout: a header line ``tplan-journal 1 <epoch>`` naming the snapshot it applies to (the
``journal_epoch`` in the snapshot's ``_meta``), then one line per saved transaction::

    <crc32 of payload, 8 hex digits> <payload>\\n

where the payload is ``orjson.dumps([[table, doc_id, document or null], ...])`` (orjson escapes
newlines, so a payload never holds a raw one). Each line replaces whole documents, so replaying
a line twice gives the same state.

Reading tolerates what a crash can leave: the last line without its newline, or a last line
whose checksum fails (the file grew but the data did not reach the disk) is a torn append and is
ignored. A damaged line *followed by* a good one cannot come from a crash: it is reported as a
CorruptStoreError naming the journal. A journal whose epoch is not the snapshot's is stale (a
compaction finished writing the snapshot but was cut before it removed the journal): it is
ignored, because the snapshot already holds all of it.
"""

from __future__ import annotations

import contextlib
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from tplan.store.errors import CorruptStoreError, SaveError
from tplan.store.files import FILE_MODE, fsync_dir

MAGIC = b"tplan-journal 1 "

Change = tuple[str, str, dict[str, Any] | None]
"""One document of a transaction: table, document id, the new document (None: removed)."""


def journal_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".journal")


def header(epoch: str) -> bytes:
    return MAGIC + epoch.encode("ascii") + b"\n"


def encode(changes: list[Change]) -> bytes:
    """One journal line; TypeError when a value cannot be stored as JSON."""
    payload = orjson.dumps([list(change) for change in changes])
    return b"%08x %s\n" % (zlib.crc32(payload), payload)


@dataclass
class Replay:
    """What a journal file holds: its epoch, the transactions, where the valid part ends."""

    epoch: str | None = None
    transactions: list[list[Change]] = field(default_factory=list)
    valid_end: int = 0
    """Bytes up to the end of the last good line (a torn tail starts here)."""
    torn: bool = False


def _decode(line: bytes) -> list[Change] | None:
    """The changes of one line, or None when its checksum does not match."""
    if len(line) < 10 or line[8:9] != b" ":
        return None
    payload = line[9:]
    try:
        expected = int(line[:8], 16)
    except ValueError:
        return None
    if zlib.crc32(payload) != expected:
        return None
    return _changes(orjson.loads(payload))


class _Malformed(Exception):
    pass


def _changes(value: object) -> list[Change]:
    if not isinstance(value, list):
        raise _Malformed
    changes: list[Change] = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 3):
            raise _Malformed
        table, doc_id, document = item
        if not (isinstance(table, str) and isinstance(doc_id, str)):
            raise _Malformed
        if document is not None and not isinstance(document, dict):
            raise _Malformed
        changes.append((table, doc_id, document))
    return changes


def parse(path: Path, data: bytes, backup: Path | None = None) -> Replay:
    """Read a journal's bytes (see the module docstring); errors name ``path``, never content."""
    replay = Replay()
    end = data.find(b"\n")
    if end < 0:  # empty, or cut while its header was written: nothing was acknowledged
        replay.torn = bool(data)
        return replay
    first = data[:end]
    if not first.startswith(MAGIC) or len(first) == len(MAGIC):
        raise CorruptStoreError(
            path, "it is not a tplan journal (its first line is damaged)", backup
        )
    replay.epoch = first[len(MAGIC) :].decode("ascii", "replace")
    replay.valid_end = pos = end + 1
    damaged_line = 0
    number = 1
    while pos < len(data):
        end = data.find(b"\n", pos)
        if end < 0:
            replay.torn = True
            break
        number += 1
        if damaged_line:
            raise CorruptStoreError(
                path, f"line {damaged_line} of the journal is damaged (checksum mismatch)", backup
            )
        try:
            changes = _decode(data[pos:end])
        except (orjson.JSONDecodeError, _Malformed):
            raise CorruptStoreError(
                path, f"line {number} of the journal does not hold saved records", backup
            ) from None
        if changes is None:
            damaged_line = number
        else:
            replay.transactions.append(changes)
            replay.valid_end = end + 1
        pos = end + 1
    replay.torn = replay.torn or bool(damaged_line)
    return replay


class JournalWriter:
    """Appends lines to ``<db>.journal`` (held by the writer, under the store's lock)."""

    def __init__(self, path: Path, epoch: str, size: int) -> None:
        self.path = path
        self.epoch = epoch
        self.size = size
        """Bytes of the journal known to be good; a failed append is cut back to this."""
        self._fd: int | None = None
        self._dirty_tail = False

    @property
    def entries(self) -> bool:
        """True when the journal holds at least one transaction."""
        return self.size > len(header(self.epoch))

    def open_existing(self) -> None:
        """Open the journal found on disk, cutting a torn tail off so appends start clean."""
        fd = os.open(self.path, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            if os.fstat(fd).st_size != self.size:
                os.ftruncate(fd, self.size)
                os.fsync(fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def append(self, line: bytes, db_path: Path) -> None:
        """Write ``line`` durably (fsync) or raise SaveError with the journal as it was."""
        try:
            if self._fd is None:
                self._create()
            assert self._fd is not None
            if self._dirty_tail:
                os.ftruncate(self._fd, self.size)
                self._dirty_tail = False
            _write_all(self._fd, line, self.size)
            os.fsync(self._fd)
        except OSError as exc:
            self._cut_back()
            raise SaveError(db_path, exc.strerror or type(exc).__name__) from exc
        except BaseException:
            self._cut_back()
            raise
        self.size += len(line)

    def _create(self) -> None:
        start = header(self.epoch)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(self.path, flags, FILE_MODE)
        try:
            os.fchmod(fd, FILE_MODE)
            _write_all(fd, start, 0)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                self.path.unlink()
            raise
        fsync_dir(self.path.parent)
        self._fd = fd
        self.size = len(start)

    def _cut_back(self) -> None:
        """Remove a partly written line; if even that fails, the next append retries it."""
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, self.size)
            os.fsync(self._fd)
        except OSError:
            self._dirty_tail = True

    def remove(self) -> None:
        """Delete the journal (after a compaction put all of it into the snapshot)."""
        self.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        fsync_dir(self.path.parent)
        self.size = 0

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)


def _write_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view = view[written:]
        offset += written
