"""Discharged patients' documents kept packed: history off the start path (issue #14).

Years of discharged patients are most of a record file (at clinic size 85% of the parsed tree)
and nobody reads them at start. In the patients table a discharged patient's document is kept
as one compact string, the document's JSON compressed (zlib) and base64-encoded, beside the
few fields the store indexes it by::

    {"id": "pt-...", "display_name": "...", "schema_version": 1, "discharged": true,
     "packed": "eJy..."}

The file stays plain JSON that TinyDB opens; parsing it no longer builds the discharged
patients' trees (a string is one object, about a fifth of the document's size), so opening,
the snapshot checksum and memory follow the active caseload, not the history. A packed
document is unpacked only when read (``unpack``), and validated then as any other.

Packing is the compaction's job (``pack_history``): a patient discharged since the last
compaction is saved plain in the journal and packed when the snapshot is next written; a
readmission saves the document plain again. A document known to be damaged is never packed
(it is carried exactly as it was); a packed string that does not unpack, or unpacks into
another record, is damage (``PackError``), named by document id like any other.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Collection
from typing import Any

import orjson

PACKED_KEY = "packed"
DISCHARGED_KEY = "discharged"
KEPT_KEYS = ("id", "display_name", "schema_version")
"""What the store reads without unpacking: the index (id), the name directory, the format."""
LEVEL = 6


class PackError(ValueError):
    """A packed document that does not unpack into its patient's discharged record."""


def is_packed(document: dict[str, Any]) -> bool:
    return PACKED_KEY in document


def is_discharged(document: dict[str, Any]) -> bool:
    """Whether a stored patient document (packed or not) is a discharged patient's."""
    return document.get("discharge") is not None or document.get(DISCHARGED_KEY) is True


def pack(document: dict[str, Any]) -> dict[str, Any]:
    """The packed form of a discharged patient's document."""
    packed = zlib.compress(orjson.dumps(document), LEVEL)
    wrapper = {key: document[key] for key in KEPT_KEYS if key in document}
    wrapper[DISCHARGED_KEY] = True
    wrapper[PACKED_KEY] = base64.b64encode(packed).decode("ascii")
    return wrapper


def unpack(document: dict[str, Any]) -> dict[str, Any]:
    """The document a packed one holds (a plain document is returned as it is).

    PackError, naming nothing of the record, when the string is damaged or does not hold
    this patient's discharged record.
    """
    if not is_packed(document):
        return document
    data = document[PACKED_KEY]
    try:
        if not isinstance(data, str):
            raise ValueError
        inner = orjson.loads(zlib.decompress(base64.b64decode(data, validate=True)))
    except (binascii.Error, zlib.error, ValueError):  # orjson.JSONDecodeError is a ValueError
        raise PackError("its packed history does not unpack (damaged)") from None
    if (
        not isinstance(inner, dict)
        or inner.get("id") != document.get("id")
        or inner.get("discharge") is None
    ):
        raise PackError("its packed history is not this patient's discharged record")
    return inner


def pack_history(documents: dict[str, dict[str, Any]], damaged: Collection[str]) -> int:
    """Pack, in place, every discharged patient's document not packed yet (except the damaged,
    carried as they are); returns how many were packed."""
    packed = 0
    for doc_id, document in list(documents.items()):
        if doc_id in damaged or is_packed(document) or not is_discharged(document):
            continue
        documents[doc_id] = pack(document)
        packed += 1
    return packed


def unpack_history(documents: dict[str, dict[str, Any]]) -> None:
    """Unpack, in place, every packed document (for a schema migration's steps, which work on
    plain documents); one that does not unpack is left packed, to be named when read."""
    for doc_id, document in list(documents.items()):
        if is_packed(document):
            try:
                documents[doc_id] = unpack(document)
            except PackError:
                continue


def has_unpacked_history(documents: dict[str, dict[str, Any]], damaged: Collection[str]) -> bool:
    """Whether a compaction would pack anything (e.g. a file from before packing)."""
    return any(
        doc_id not in damaged and not is_packed(document) and is_discharged(document)
        for doc_id, document in documents.items()
    )
