"""One writer per record file: an exclusive ``flock`` on ``<db>.lock``.

Why flock: the kernel releases it when the holding process exits or is killed, so a crash never
leaves a stale lock behind and nobody has to delete lock files by hand. The lock is non-blocking:
a second tplan is told at once who holds the file (pid, user, host, since when, written into the
lock file by the holder) and may open it read-only instead. The lock file itself is never
deleted: removing it while another process waits on it would let two writers in.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import os
import socket
from datetime import UTC, datetime
from pathlib import Path

from tplan.store.errors import StoreLockedError
from tplan.store.files import FILE_MODE

HOLDER_MAX = 200


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def _holder_line() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = f"uid {os.getuid()}"
    since = datetime.now(UTC).replace(microsecond=0).isoformat()
    return f"pid {os.getpid()}, user {user}, host {socket.gethostname()}, since {since}"


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
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, HOLDER_MAX, 0).decode("utf-8", "replace").strip()
            os.close(fd)
            raise StoreLockedError(self.db_path, holder) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, (_holder_line() + "\n").encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
