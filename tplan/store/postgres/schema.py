"""The clinic database's schema: versioned SQL files in this package, applied in order.

``tplan_schema`` lists the versions applied. ``init`` creates the schema in an empty database,
``migrate`` applies the versions it lacks, each in one transaction with its row in
``tplan_schema``; a database at a newer version than this tplan knows is refused, never
touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files

import psycopg

from tplan.store.errors import StoreError

_FILE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class SchemaError(StoreError):
    """The database's schema is missing, older or newer than this tplan's."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """The SQL files shipped with tplan, by version."""
    found = []
    for entry in files("tplan.store.postgres").joinpath("sql").iterdir():
        match = _FILE.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    return sorted(found, key=lambda m: m.version)


def latest_version() -> int:
    return migrations()[-1].version


def applied_version(conn: psycopg.Connection) -> int | None:
    """The database's schema version; None when tplan was never set up in it."""
    exists = conn.execute("SELECT to_regclass('tplan_schema') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return None
    row = conn.execute("SELECT max(version) FROM tplan_schema").fetchone()
    return row[0] if row and row[0] is not None else None


def _apply(conn: psycopg.Connection, pending: list[Migration]) -> list[int]:
    for migration in pending:
        with conn.transaction():
            conn.execute(migration.sql.encode())  # bytes: several statements, no parameters
            conn.execute("INSERT INTO tplan_schema (version) VALUES (%s)", (migration.version,))
    return [m.version for m in pending]


def init_schema(conn: psycopg.Connection, location: str) -> list[int]:
    """Create tplan's tables in a database that has none; returns the versions applied."""
    if applied_version(conn) is not None:
        raise SchemaError(
            f"{location} already holds tplan's tables; use `tplan server migrate` to update them"
        )
    with conn.transaction():
        conn.execute(
            "CREATE TABLE tplan_schema (version integer PRIMARY KEY,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        return _apply(conn, migrations())


def migrate_schema(conn: psycopg.Connection, location: str) -> list[int]:
    """Apply the versions the database lacks (none: an empty list)."""
    version = require_known(conn, location, allow_older=True)
    return _apply(conn, [m for m in migrations() if m.version > version])


def require_known(conn: psycopg.Connection, location: str, *, allow_older: bool = False) -> int:
    """The schema version, when this tplan can use it; SchemaError saying what to run."""
    version = applied_version(conn)
    latest = latest_version()
    if version is None:
        raise SchemaError(
            f"{location} has no tplan tables yet; create them with `tplan server init URL`"
        )
    if version > latest:
        raise SchemaError(
            f"{location} was set up by a newer tplan (schema {version}; this tplan knows up "
            f"to {latest}); update tplan. The database was left untouched"
        )
    if version < latest and not allow_older:
        raise SchemaError(
            f"{location} has an older schema ({version}; this tplan needs {latest}); "
            "update it with `tplan server migrate URL`"
        )
    return version
