"""The append-only journal beside the snapshot (``<db>.journal``): saves proportional to the change.

Layout: a header line ``tplan-journal 1 <epoch> <crc32 of "tplan-journal 1 <epoch>">`` naming
the snapshot it applies to (the ``journal_epoch`` in the snapshot's ``_meta``), then one line per
saved transaction::

    <crc32 of payload, 8 hex digits> <payload>\\n

where the payload is ``orjson.dumps([[table, doc_id, document or null], ...])`` (orjson escapes
newlines, so a payload never holds a raw one). Each line replaces whole documents, so replaying
a line twice gives the same state. Journals written before the header had a checksum
(``tplan-journal 1 <epoch>`` alone) are still read.

A writer appends a whole line with one write and fsyncs it, so the only trace a crash can leave
is a last line *without its newline* (or a header cut the same way): that is a torn append and is
ignored. Every complete line must verify: a complete line with a bad checksum, or a header that
does not verify, is damage, reported as a CorruptStoreError naming the journal (``tplan restore``
keeps the saves before it). Whether a journal whose epoch is not the snapshot's may be dropped
is the storage's decision (see ``tplan.store.storage``).
"""

from __future__ import annotations

import contextlib
import os
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from tplan.store.errors import CorruptStoreError, SaveError
from tplan.store.files import FILE_MODE, fsync_dir

MAGIC = b"tplan-journal 1 "
_EPOCH = re.compile(rb"^(?:[0-9a-f]{1,64}|-)$")

FIRST_LINE = "it is not a tplan journal, or its first line is damaged"

Change = tuple[str, str, dict[str, Any] | None]
"""One document of a transaction: table, document id, the new document (None: removed)."""


def journal_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".journal")


def header(epoch: str) -> bytes:
    start = MAGIC + epoch.encode("ascii")
    return b"%s %08x\n" % (start, zlib.crc32(start))


def _header_epoch(first: bytes) -> str | None:
    """The epoch named by a header line, or None when the line does not verify.

    A header without its checksum was written before it had one: its epoch is only trusted as
    far as it matches a snapshot's (see the storage).
    """
    if not first.startswith(MAGIC):
        return None
    fields = first[len(MAGIC) :].split(b" ")
    if len(fields) == 2:
        if b"%08x" % zlib.crc32(MAGIC + fields[0]) != fields[1]:
            return None
    elif len(fields) != 1:
        return None
    return fields[0].decode("ascii") if _EPOCH.match(fields[0]) else None


def _could_be_torn_header(data: bytes) -> bool:
    """A journal with no newline at all: only a header cut while it was written looks so."""
    longest = len(header("f" * 64))
    return len(data) < longest and MAGIC.startswith(data[: len(MAGIC)])


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
    """Bytes up to the end of the last good line (a torn tail or the damage starts here)."""
    torn: bool = False
    damaged_line: int = 0
    """With ``salvage``: the first damaged line (1 is the header), 0 when none."""
    lines_after: int = 0
    """With ``salvage``: complete lines from the damaged one on (set aside by a restore)."""


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


def parse(path: Path, data: bytes, *, salvage: bool = False) -> Replay:
    """Read a journal's bytes (see the module docstring); errors name ``path``, never content.

    With ``salvage`` damage is not raised: the replay stops before the first damaged line and
    says where it was (``damaged_line``) and how many complete lines it left out.
    """
    replay = Replay()
    end = data.find(b"\n")
    if end < 0:  # empty, or cut while its header was written: nothing was acknowledged
        if data and not _could_be_torn_header(data):
            return _damage(path, replay, data, 0, 1, FIRST_LINE, salvage)
        replay.torn = bool(data)
        return replay
    epoch = _header_epoch(data[:end])
    if epoch is None:
        return _damage(path, replay, data, 0, 1, FIRST_LINE, salvage)
    replay.epoch = epoch
    replay.valid_end = pos = end + 1
    number = 1
    while pos < len(data):
        end = data.find(b"\n", pos)
        if end < 0:
            replay.torn = True
            break
        number += 1
        try:
            changes = _decode(data[pos:end])
        except (orjson.JSONDecodeError, _Malformed):
            changes = None
        if changes is None:
            problem = f"line {number} of the journal is damaged (checksum mismatch)"
            return _damage(path, replay, data, pos, number, problem, salvage)
        replay.transactions.append(changes)
        replay.valid_end = end + 1
        pos = end + 1
    return replay


def _damage(
    path: Path, replay: Replay, data: bytes, pos: int, number: int, problem: str, salvage: bool
) -> Replay:
    if not salvage:
        raise CorruptStoreError(path, problem, restorable=True)
    replay.damaged_line = number
    replay.lines_after = data.count(b"\n", pos)
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
