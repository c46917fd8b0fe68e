"""Writing an export so that no copy can exist without its disclosure logged (42 CFR Part 2).

The order, each step durable before the next:

1. the rendered bytes go to a private temp file beside the target (0600, fsynced) whose name
   carries this process's id: ``.<name>.tplan-export-<pid>-XXXXXXXX.tmp``;
2. the disclosure is logged with status ``started`` (one journal line, fsynced);
3. the temp file gets its final name (a hard link, which never overwrites, or a rename with
   ``force``), and the directory is fsynced;
4. the disclosure is marked ``completed``.

So a crash or kill at any point leaves either no file under its name, or a file with its
disclosure logged; an interrupted export leaves a ``started`` entry (and at worst a temp file,
removed by the next export into that folder once its process is gone). An export that fails
before step 3 marks its entry ``failed``: the file never appeared.

``step`` is called between the steps; it does nothing, and exists so that tests can kill or
fail the process at each of them.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from pathlib import Path

from tplan.services.errors import ExportRefused
from tplan.store.files import ensure_private_dir, fsync_dir, write_temp

_MARK = ".tplan-export-"
_LEFTOVER = re.compile(r"^\..*\.tplan-export-(\d+)-[^.]*\.tmp$")


def step(name: str) -> None:
    """A seam between two steps of an export (see the module docstring)."""


def stage(target: Path, data: bytes) -> Path:
    """Step 1: the bytes in a private, fsynced temp file beside ``target``; old leftovers of
    exports whose process is gone are removed first."""
    ensure_private_dir(target.parent)
    remove_leftovers(target.parent)
    temp = write_temp(target, data, prefix=f".{target.name}{_MARK}{os.getpid()}-")
    try:
        step("staged")
    except BaseException:
        discard(temp)
        raise
    return temp


def publish(temp: Path, target: Path, *, force: bool) -> None:
    """Step 3: give the staged file its final name (never overwriting unless ``force``)."""
    try:
        if force:
            os.replace(temp, target)
        else:
            try:
                os.link(temp, target)
            except FileExistsError:
                raise ExportRefused(
                    f"{target} already exists; choose another name or allow overwriting"
                ) from None
        fsync_dir(target.parent)
    finally:
        discard(temp)


def discard(temp: Path) -> None:
    with contextlib.suppress(OSError):
        temp.unlink()


def remove_leftovers(directory: Path, alive: Callable[[int], bool] | None = None) -> None:
    """Remove export temp files left in ``directory`` by processes that no longer run."""
    alive = alive or _process_alive
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        found = _LEFTOVER.match(name)
        if found and not alive(int(found.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(directory / name)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
