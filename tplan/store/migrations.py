"""The ``_meta`` table and the upgrade of older record files.

A tplan database is TinyDB's JSON layout (``{table: {doc_id: document}}``) with a ``_meta``
table holding one document: the format marker ``tplan.db``, the ``schema_version`` it was
written with and ``created_at``. Opening a file from an older version runs every step in
``STEPS`` from its version up to ``SCHEMA_VERSION``; a newer file is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tplan.domain import SCHEMA_VERSION as SCHEMA_VERSION

FORMAT_MARKER = "tplan.db"
META_TABLE = "_meta"
META_DOC_ID = "1"
PATIENTS_TABLE = "patients"
AUDIT_TABLE = "audit"

Tables = dict[str, dict[str, Any]]
Step = Callable[[Tables], Tables]

STEPS: dict[int, Step] = {}
"""``STEPS[n]`` turns a version-n database into a version n+1 one (same table layout).

Version 1 is the first released format, so there is no step yet; the next format change adds
``STEPS[1]`` and bumps ``tplan.domain.SCHEMA_VERSION``.
"""


class MetaProblem(Exception):
    """Why a parsed file is not a usable tplan database (``kind``: foreign, corrupt, newer)."""

    def __init__(self, kind: str, problem: str = "", found: int = 0) -> None:
        super().__init__(problem)
        self.kind = kind
        self.problem = problem
        self.found = found


def new_database() -> Tables:
    created = datetime.now(UTC).replace(microsecond=0).isoformat()
    meta = {"format": FORMAT_MARKER, "schema_version": SCHEMA_VERSION, "created_at": created}
    return {META_TABLE: {META_DOC_ID: meta}, PATIENTS_TABLE: {}, AUDIT_TABLE: {}}


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
    assert isinstance(tables, dict)
    for name, table in tables.items():
        if not isinstance(table, dict) or not all(isinstance(d, dict) for d in table.values()):
            raise MetaProblem("corrupt", f"its table {name!r} is damaged")
    return version


def migrate(tables: Tables, version: int) -> Tables:
    """Upgrade ``tables`` from ``version`` to ``SCHEMA_VERSION``, stamping it everywhere."""
    target = SCHEMA_VERSION
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


def check_and_upgrade(tables: object) -> tuple[Tables, int]:
    """Check a parsed file and upgrade it in memory; return the tables and the file's version."""
    version = check(tables)
    assert isinstance(tables, dict)
    if version < SCHEMA_VERSION:
        tables = migrate(tables, version)
    return tables, version
