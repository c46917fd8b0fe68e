"""The GC pause around bulk parsing keeps the parsed file out of later collections without
keeping garbage, or what the session drops later, for good."""

from __future__ import annotations

import gc
import weakref

from tplan.store.bulk import paused_gc


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_garbage_made_before_the_parse_is_not_frozen_for_good() -> None:
    garbage = Node()
    gone = weakref.ref(garbage)
    del garbage  # unreachable now, but still waiting for a collection
    with paused_gc(freeze=True):
        kept = {"records": [1, 2, 3]}
    gc.collect()
    assert gone() is None
    assert kept["records"] == [1, 2, 3]
    assert gc.isenabled()


def test_reads_during_a_session_freeze_nothing() -> None:
    screen = Node()  # alive while the records are read, like an open screen's widgets
    gone = weakref.ref(screen)
    with paused_gc():
        assert not gc.isenabled()
    del screen  # the screen is closed later
    gc.collect()
    assert gone() is None
    assert gc.isenabled()


def test_only_the_first_opening_of_the_records_freezes(tmp_path) -> None:
    """The process's first parse of a record file (the CLI's, before any screen) is frozen; a
    later opening (a read-only check, a reload) while screens are open leaves what is alive
    then collectable once it is dropped."""
    from tplan.store import open_store

    path = tmp_path / "records.json"
    open_store(path, "J. Park").close()
    open_store(path, "J. Park", read_only=True).close()  # the first parse, if none came before
    frozen = gc.get_freeze_count()
    screen = Node()
    gone = weakref.ref(screen)
    open_store(path, "J. Park", read_only=True).close()
    assert gc.get_freeze_count() == frozen
    del screen
    gc.collect()
    assert gone() is None
