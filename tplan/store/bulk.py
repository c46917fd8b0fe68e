"""Bulk parsing helpers."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic GC while a large file is parsed and validated, then freeze the result.

    Parsing builds hundreds of thousands of containers; each allocation burst would trigger
    collections that scan all of them again. Freezing afterwards moves the long-lived records
    out of the collector's way, so later collections stay short.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
