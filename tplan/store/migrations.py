"""The ``_meta`` table and the upgrade of older record files.

A tplan database is TinyDB's JSON layout (``{table: {doc_id: document}}``) with a ``_meta``
table holding one document: the format marker ``tplan.db``, the ``schema_version`` it was
written with and ``created_at``. Opening a file from an older version runs every step in
``STEPS`` from its version up to ``SCHEMA_VERSION``; a newer file is refused.

The file's own layout has a version too, ``store_format`` in ``_meta`` (absent: 1), upgraded by
``FORMAT_STEPS`` the same way. Format 2 adds the snapshot's checksum (``snapshot_crc32``, see
``tplan.store.checksum``), the epoch of the journal the snapshot replaced
(``previous_journal_epoch``: only a journal with that epoch is provably stale) and the ids of
documents known not to load (``damaged_documents``), and its journal header carries a checksum.
A format-1 file opens as it is and is written as format 2 by the next compaction.
Format 3 adds the ``caseload_summaries`` table (see ``tplan.store.summaries``): a tplan that does
not know it would save documents without dropping their summaries, so it must refuse the file
(the newer-format rule does). Format 4 keeps discharged patients' documents packed (see
``tplan.store.history``); upgrading changes nothing in memory: the writer that opens an older
file packs its history when it closes (a compaction), so the file is migrated in place once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, NamedTuple

from tplan.record_format import SCHEMA_VERSION as SCHEMA_VERSION
from tplan.store import checksum, history

FORMAT_MARKER = "tplan.db"
META_TABLE = "_meta"
META_DOC_ID = "1"
PATIENTS_TABLE = "patients"
AUDIT_TABLE = "audit"
SUMMARIES_TABLE = "caseload_summaries"

EPOCH_KEY = "journal_epoch"
PREVIOUS_EPOCH_KEY = "previous_journal_epoch"
DAMAGED_KEY = "damaged_documents"
STORE_FORMAT_KEY = "store_format"
STORE_FORMAT = 4
META_KEYS = frozenset({
    "format", "schema_version", "created_at", EPOCH_KEY, PREVIOUS_EPOCH_KEY, DAMAGED_KEY,
    STORE_FORMAT_KEY, checksum.CHECKSUM_KEY,
})
"""Every entry ``_meta`` may hold; any other is damage (e.g. a flipped bit in a key's name)."""

Tables = dict[str, dict[str, Any]]
Step = Callable[[Tables], Tables]

STEPS: dict[int, Step] = {}
"""``STEPS[n]`` turns a version-n database into a version n+1 one (same table layout).

Version 1 is the first released format, so there is no step yet; the next format change adds
``STEPS[1]`` and bumps ``tplan.record_format.SCHEMA_VERSION``.
"""


def _to_format_2(tables: Tables) -> Tables:
    """Format 1 -> 2: nothing to change in memory; the next snapshot carries the checksum."""
    tables[META_TABLE][META_DOC_ID][STORE_FORMAT_KEY] = 2
    return tables


def _to_format_3(tables: Tables) -> Tables:
    """Format 2 -> 3: an empty summaries table (no patient has a summary until saved)."""
    tables.setdefault(SUMMARIES_TABLE, {})
    tables[META_TABLE][META_DOC_ID][STORE_FORMAT_KEY] = 3
    return tables


def _to_format_4(tables: Tables) -> Tables:
    """Format 3 -> 4: packed history is allowed; the next compaction packs it."""
    tables[META_TABLE][META_DOC_ID][STORE_FORMAT_KEY] = 4
    return tables


FORMAT_STEPS: dict[int, Step] = {1: _to_format_2, 2: _to_format_3, 3: _to_format_4}
"""``FORMAT_STEPS[n]`` turns a store-format-n file into a format n+1 one."""


class MetaProblem(Exception):
    """Why a parsed file is not a usable tplan database (``kind``: foreign, corrupt, newer)."""

    def __init__(self, kind: str, problem: str = "", found: int = 0) -> None:
        super().__init__(problem)
        self.kind = kind
        self.problem = problem
        self.found = found


def new_database() -> Tables:
    created = datetime.now(UTC).replace(microsecond=0).isoformat()
    meta = {
        "format": FORMAT_MARKER,
        "schema_version": SCHEMA_VERSION,
        "created_at": created,
        STORE_FORMAT_KEY: STORE_FORMAT,
    }
    tables = (PATIENTS_TABLE, AUDIT_TABLE, SUMMARIES_TABLE)
    return {META_TABLE: {META_DOC_ID: meta}, **{name: {} for name in tables}}


def meta_of(tables: object) -> dict[str, Any]:
    """The ``_meta`` document, or MetaProblem when the parsed JSON is not a tplan database."""
    if not isinstance(tables, dict):
        raise MetaProblem("foreign")
    meta_table = tables.get(META_TABLE)
    if not isinstance(meta_table, dict) or not isinstance(meta_table.get(META_DOC_ID), dict):
        raise MetaProblem("foreign")
    meta = meta_table[META_DOC_ID]
    if meta.get("format") != FORMAT_MARKER:
        raise MetaProblem("foreign")
    return meta


def check(tables: object) -> int:
    """Validate the layout; return the file's schema version (MetaProblem when unusable)."""
    supported = SCHEMA_VERSION
    meta = meta_of(tables)
    version = meta.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise MetaProblem("corrupt", "its schema version is missing or not a number")
    if version > supported:
        raise MetaProblem("newer", found=version)
    layout = store_format(meta)
    if layout > STORE_FORMAT:
        raise MetaProblem("newer", found=layout)
    if not META_KEYS.issuperset(meta):
        raise MetaProblem("corrupt", "its _meta record is damaged (an entry tplan does not know)")
    damaged = meta.get(DAMAGED_KEY, [])
    if not (isinstance(damaged, list) and all(isinstance(d, str) for d in damaged)):
        raise MetaProblem("corrupt", "its _meta record is damaged (the damaged-documents list)")
    assert isinstance(tables, dict)
    for name, table in tables.items():
        if not isinstance(table, dict) or not all(isinstance(d, dict) for d in table.values()):
            raise MetaProblem("corrupt", f"its table {name!r} is damaged")
    return version


def store_format(meta: dict[str, Any]) -> int:
    layout = meta.get(STORE_FORMAT_KEY, 1)
    if not isinstance(layout, int) or isinstance(layout, bool) or layout < 1:
        raise MetaProblem("corrupt", "its store format is not a number")
    return layout


def migrate(tables: Tables, version: int) -> Tables:
    """Upgrade ``tables`` from ``version`` to ``SCHEMA_VERSION``, stamping it everywhere."""
    target = SCHEMA_VERSION
    if version < target:  # the steps work on plain documents
        history.unpack_history(tables.get(PATIENTS_TABLE, {}))
    while version < target:
        step = STEPS.get(version)
        if step is None:
            raise MetaProblem("corrupt", f"no upgrade known from record format {version}")
        tables = step(tables)
        version += 1
    tables[META_TABLE][META_DOC_ID]["schema_version"] = target
    for document in tables.get(PATIENTS_TABLE, {}).values():
        document["schema_version"] = target
    return tables


class Checked(NamedTuple):
    """A parsed file, checked and upgraded in memory, and what it was on disk."""

    tables: Tables
    version: int
    """The record (schema) version the file was written with."""
    layout: int
    """The store format the file was written in."""

    @property
    def older(self) -> bool:
        """True when the file on disk is older than what this tplan writes."""
        return self.version < SCHEMA_VERSION or self.layout < STORE_FORMAT


def check_and_upgrade(tables: object, raw: bytes | None = None) -> Checked:
    """Check a parsed file and upgrade it in memory; return it with the file's versions.

    With ``raw`` (the bytes ``tables`` was parsed from) a format-2 file's checksum is verified.
    """
    version = check(tables)
    assert isinstance(tables, dict)
    layout = store_format(tables[META_TABLE][META_DOC_ID])
    if raw is not None and layout >= 2 and not checksum.matches(raw, tables):
        raise MetaProblem(
            "corrupt",
            "its content does not match the checksum written with it (the file is damaged "
            "and does not load)",
        )
    on_disk = layout
    while layout < STORE_FORMAT:
        tables = FORMAT_STEPS[layout](tables)
        layout += 1
    if version < SCHEMA_VERSION:
        tables = migrate(tables, version)
    return Checked(tables, version, on_disk)
