"""Private, crash-safe file writes: temp file in the same directory, fsync, rename, dir fsync.

``os.replace`` is atomic on POSIX, so a reader (or a crash) sees either the old or the new file,
never a half-written one. Files are created 0600 and new directories 0700 because they hold
patient records.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700

log = logging.getLogger(__name__)


def ensure_private_dir(directory: Path) -> None:
    """Create ``directory`` (and parents) 0700 if missing; an existing one is left as it is."""
    if directory.is_dir():
        return
    directory.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.chmod(directory, DIR_MODE)  # mkdir's mode is filtered by the umask


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


def write_temp(path: Path, data: bytes) -> Path:
    """Write ``data`` to a fresh 0600 temp file beside ``path`` and fsync it; return its path."""
    fd, name = tempfile.mkstemp(
        dir=path.parent, prefix=temp_name_prefix(path), suffix=TEMP_SUFFIX
    )
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
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
