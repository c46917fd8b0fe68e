"""The GC pause around bulk parsing keeps records out of later collections without keeping
garbage for good."""

from __future__ import annotations

import gc
import weakref

from tplan.store.bulk import paused_gc


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_garbage_made_before_the_pause_is_not_frozen_for_good() -> None:
    garbage = Node()
    gone = weakref.ref(garbage)
    del garbage  # unreachable now, but still waiting for a collection
    with paused_gc():
        kept = {"records": [1, 2, 3]}
    gc.collect()
    assert gone() is None
    assert kept["records"] == [1, 2, 3]
    assert gc.isenabled()


def test_the_collector_is_paused_inside_and_restored_after() -> None:
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
