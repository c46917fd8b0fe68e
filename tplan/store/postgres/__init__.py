"""A clinic's records on PostgreSQL (psycopg 3): the same interface as the record file.

Only this package imports psycopg. Open a database with :func:`open_postgres`; create or update
its tables with :func:`init_schema` / :func:`migrate_schema` (`tplan server init|migrate`).

The names below are loaded on first use (PEP 562), and opening a database or reading its
caseload summaries imports neither pydantic nor the domain: the caseload paints first
(issue #14); the models load when a record is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tplan.lazy_exports import by_name, lazy_exports

_MODULES = {
    "tplan.store.postgres.connection": ("connect",),
    "tplan.store.postgres.repository": ("PostgresRepository", "open_postgres"),
    "tplan.store.postgres.schema": (
        "SchemaError", "init_schema", "latest_version", "migrate_schema",
    ),
    "tplan.store.postgres.url": ("DatabaseURLError", "is_database_url", "redact_url"),
}

__all__ = [
    "DatabaseURLError",
    "PostgresRepository",
    "SchemaError",
    "connect",
    "init_schema",
    "is_database_url",
    "latest_version",
    "migrate_schema",
    "open_postgres",
    "redact_url",
]


__getattr__, __dir__ = lazy_exports(__name__, by_name(_MODULES))


if TYPE_CHECKING:
    from tplan.store.postgres.connection import connect
    from tplan.store.postgres.repository import PostgresRepository, open_postgres
    from tplan.store.postgres.schema import (
        SchemaError,
        init_schema,
        latest_version,
        migrate_schema,
    )
    from tplan.store.postgres.url import DatabaseURLError, is_database_url, redact_url
