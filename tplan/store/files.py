"""Private, crash-safe file writes: temp file in the same directory, fsync, rename, dir fsync.

``os.replace`` is atomic on POSIX, so a reader (or a crash) sees either the old or the new file,
never a half-written one. Files are created 0600 and new directories 0700 because they hold
patient records.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tplan.store.errors import UnsafePathError

FILE_MODE = 0o600
DIR_MODE = 0o700

log = logging.getLogger(__name__)


def ensure_private_dir(directory: Path) -> None:
    """Create ``directory`` and every missing parent 0700; existing ones are left as they are."""
    missing: list[Path] = []
    while not directory.is_dir():
        missing.append(directory)
        if directory.parent == directory:
            break
        directory = directory.parent
    for new in reversed(missing):
        with contextlib.suppress(FileExistsError):
            new.mkdir(mode=DIR_MODE)
            os.chmod(new, DIR_MODE)  # mkdir's mode is filtered by the umask


def real_db_path(path: Path) -> Path:
    """The record file's real path: a symlinked path is resolved once, at open, so the
    snapshot, journal, backup and lock are all written beside the file it points to."""
    return Path(os.path.realpath(path))


def refuse_unless_regular(path: Path, what: str = "file") -> None:
    """Refuse a path that exists but is not a regular file (a symlink, FIFO, directory ...)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise UnsafePathError(path, what, _kind(mode))


def read_regular(path: Path, what: str = "file") -> bytes:
    """The bytes of a regular file, never following a symlink and never blocking on a FIFO.

    FileNotFoundError when missing, UnsafePathError when it is not a regular file.
    """
    return read_regular_with_stat(path, what)[0]


def read_regular_with_stat(path: Path, what: str = "file") -> tuple[bytes, os.stat_result]:
    """:func:`read_regular`, with the ``fstat`` of the file that was read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        refuse_unless_regular(path, what)
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafePathError(path, what, _kind(info.st_mode))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(), info
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    return "a device or socket"


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable. Best effort: some file systems refuse it."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        log.warning("could not open directory %s to fsync it", directory)
        return
    try:
        os.fsync(fd)
    except OSError:
        log.warning("could not fsync directory %s", directory)
    finally:
        os.close(fd)


def temp_name_prefix(path: Path) -> str:
    return f".{path.name}."


TEMP_SUFFIX = ".tmp"


def write_temp(
    path: Path, data: bytes | Sequence[bytes | memoryview], prefix: str | None = None
) -> Path:
    """Write ``data`` (bytes, or parts written one after the other) to a fresh 0600 temp file
    beside ``path`` and fsync it; return its path.

    The name is ``<prefix>XXXXXXXX.tmp``, by default ``.<name>.XXXXXXXX.tmp``; it is created
    with O_EXCL and without following a symlink (``mkstemp``).
    """
    fd, name = tempfile.mkstemp(
        dir=path.parent, prefix=prefix or temp_name_prefix(path), suffix=TEMP_SUFFIX
    )
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return temp


def write_private_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` atomically; the file ends up 0600.

    Raises OSError when the data could not be written; ``path`` is then unchanged.
    """
    ensure_private_dir(path.parent)
    temp = write_temp(path, data)
    try:
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_dir(path.parent)


def remove_stale_temps(path: Path) -> None:
    """Remove temp files a crashed writer left beside ``path`` (only while holding the lock)."""
    prefix = temp_name_prefix(path)
    for leftover in path.parent.iterdir():
        if leftover.name.startswith(prefix) and leftover.name.endswith(TEMP_SUFFIX):
            with contextlib.suppress(OSError):
                leftover.unlink()
