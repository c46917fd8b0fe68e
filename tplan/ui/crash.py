"""What tplan prints when the screen stops on an unexpected error.

Textual's own report is a traceback with local variables, which on a counselor's terminal can
show patient records. This one names only the exception type and the tplan line it came from,
and says what happened to the records; ``TPLAN_DEBUG=1`` brings back the full report.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path

from textual.worker import WorkerFailed

DEBUG_ENV = "TPLAN_DEBUG"
_PACKAGE = Path(__file__).resolve().parent.parent
"""The ``tplan`` package directory."""


def debug_wanted() -> bool:
    return os.environ.get(DEBUG_ENV, "").strip() not in ("", "0")


def unwrap(error: BaseException) -> BaseException:
    """The error a worker raised rather than Textual's wrapper (which quotes its message)."""
    while isinstance(error, WorkerFailed):
        error = error.error
    return error


def where(error: BaseException) -> str:
    """``tplan/ui/screens/patient.py:123``: the deepest tplan line of the traceback, or the
    file name where it was raised when no tplan line is in it."""
    frames = traceback.extract_tb(error.__traceback__)
    for frame in reversed(frames):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(_PACKAGE):
            return f"{path.relative_to(_PACKAGE.parent).as_posix()}:{frame.lineno}"
    if frames:
        return f"{Path(frames[-1].filename).name}:{frames[-1].lineno} (outside tplan)"
    return "an unknown place"


def crash_report(error: BaseException) -> str:
    """One paragraph safe to print: type and place, no message, no values."""
    error = unwrap(error)
    return (
        f"tplan stopped after an unexpected error: {type(error).__name__} at {where(error)}. "
        "Records saved before this moment are safe and the record file is intact; text typed "
        "into a form that was not saved yet is lost. The details are left out because they "
        f"can contain patient data; run with {DEBUG_ENV}=1 to see the full traceback."
    )
