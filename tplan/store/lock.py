"""One writer per record file: an exclusive ``flock`` on ``<db>.lock``.

Why flock: the kernel releases it when the holding process exits or is killed, so a crash never
leaves a stale lock behind and nobody has to delete lock files by hand. The lock is non-blocking:
a second tplan is told at once who holds the file (pid, user, host, since when, written into the
lock file by the holder) and may open it read-only instead. The lock file itself is never
deleted: removing it while another process waits on it would let two writers in.

The lock path is opened without following a symlink, and a lock path that is not a regular
file of its own (a link, a second name of another file, a directory, a FIFO) or that holds
anything but a holder line is refused before anything is written to it: tplan never truncates
a file it did not create.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import stat
from datetime import UTC, datetime
from pathlib import Path

from tplan.store.audit import os_user
from tplan.store.errors import StoreError, StoreLockedError, UnsafePathError
from tplan.store.files import FILE_MODE, refuse_unless_regular

HOLDER_MAX = 200
HOLDER_PREFIX = b"pid "


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def _holder_line() -> str:
    since = datetime.now(UTC).replace(microsecond=0).isoformat()
    return f"pid {os.getpid()}, user {os_user()}, host {socket.gethostname()}, since {since}"


def _open_lock_file(path: Path) -> int:
    """Open (or create, 0600) the lock file, refusing anything that is not tplan's own file."""
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, FILE_MODE)
    except OSError as exc:
        refuse_unless_regular(path, "lock file")
        raise StoreError(f"cannot open the lock file {path}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafePathError(path, "lock file", "not a regular file")
        if info.st_nlink != 1:
            raise StoreError(
                f"{path} is another name of a file (a hard link); tplan refuses to use it as "
                "its lock file and left it untouched - move it away"
            )
    except BaseException:
        os.close(fd)
        raise
    return fd


def _refuse_foreign_content(fd: int, path: Path) -> None:
    content = os.pread(fd, HOLDER_MAX + 1, 0)
    if content and (not content.startswith(HOLDER_PREFIX) or len(content) > HOLDER_MAX):
        raise StoreError(
            f"{path} is not a tplan lock file (it holds something else); tplan left it "
            "untouched - move it away or check the path"
        )


class StoreLock:
    """An exclusive, non-blocking lock on ``<db>.lock``, held until :meth:`release`."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.path = lock_path(db_path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        fd = _open_lock_file(self.path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raw = os.pread(fd, HOLDER_MAX, 0).decode("utf-8", "replace").strip()
            holder = "".join(c if c.isprintable() else "?" for c in raw)
            os.close(fd)
            raise StoreLockedError(self.db_path, holder) from None
        except BaseException:
            os.close(fd)
            raise
        try:
            _refuse_foreign_content(fd, self.path)
            os.ftruncate(fd, 0)
            os.pwrite(fd, (_holder_line() + "\n").encode(), 0)
        except BaseException:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
