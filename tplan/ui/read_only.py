"""Read-only sessions (``tplan --read-only``): every editing key says why it does nothing."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

READ_ONLY_MESSAGE = (
    "read-only: another tplan holds this file (or it was opened with --read-only); "
    "nothing can be changed here"
)

F = TypeVar("F", bound=Callable[..., Any])


def is_read_only(app: Any) -> bool:
    return bool(getattr(app, "read_only", False))


def editing(action: F) -> F:
    """Mark a screen action that changes records: in a read-only session it only notifies."""

    @functools.wraps(action)
    def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
        if is_read_only(self.app):
            self.app.notify(READ_ONLY_MESSAGE, severity="warning", markup=False)
            return None
        return action(self, *args, **kwargs)

    return guarded  # type: ignore[return-value]
