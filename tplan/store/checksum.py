"""The snapshot's checksum: a CRC-32 of the file's exact bytes, kept in its own ``_meta``.

A snapshot is written ``{"_meta":{...},<the other tables>}`` with ``_meta`` first. Its
``snapshot_crc32`` is the CRC-32 of the whole file as written with those 8 digits set to
``00000000``; so verifying costs one pass over the bytes read, with no second serialization.
Files written before the checksum existed (store format 1) have none and are upgraded by the
next compaction (``tplan.store.migrations``).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Any

import orjson

CHECKSUM_KEY = "snapshot_crc32"
_ZERO = "0" * 8
_OPEN = b'{"_meta":'


def head(meta_table: dict[str, Any], more_tables: bool, checksum: str = _ZERO) -> bytes:
    """The file's first bytes: ``{"_meta":`` and the meta table holding ``checksum``."""
    meta = meta_table["1"]
    meta[CHECKSUM_KEY] = checksum
    return _OPEN + orjson.dumps(meta_table) + (b"," if more_tables else b"")


def stamp(
    meta_table: dict[str, Any], rest: Iterable[bytes | memoryview], more_tables: bool
) -> bytes:
    """Set the checksum over ``head`` and the parts of ``rest`` in ``meta_table``; return the
    final head."""
    crc = zlib.crc32(head(meta_table, more_tables))
    for part in rest:
        crc = zlib.crc32(part, crc)
    return head(meta_table, more_tables, f"{crc:08x}")


def matches(raw: bytes, tables: dict[str, Any]) -> bool:
    """True when ``raw`` (parsed into ``tables``) is byte for byte what its checksum covers."""
    meta_table = tables["_meta"]
    written = meta_table["1"].get(CHECKSUM_KEY)
    if not isinstance(written, str) or len(written) != 8:
        return False
    more = len(tables) > 1
    try:
        real = head(meta_table, more, written)
        if not raw.startswith(real):
            return False
        zeroed = head(meta_table, more)
    finally:
        meta_table["1"][CHECKSUM_KEY] = written
    return f"{zlib.crc32(memoryview(raw)[len(real):], zlib.crc32(zeroed)):08x}" == written
