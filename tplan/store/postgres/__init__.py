"""A clinic's records on PostgreSQL (psycopg 3): the same interface as the record file.

Only this package imports psycopg. Open a database with :func:`open_postgres`; create or update
its tables with :func:`init_schema` / :func:`migrate_schema` (`tplan server init|migrate`).
"""

from tplan.store.postgres.connection import connect
from tplan.store.postgres.repository import PostgresRepository, open_postgres
from tplan.store.postgres.schema import SchemaError, init_schema, latest_version, migrate_schema
from tplan.store.postgres.url import DatabaseURLError, is_database_url, redact_url

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
