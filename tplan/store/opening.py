"""Open the store a database location names: a PostgreSQL URL or a record file path."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tplan.store.repository import open_repository

if TYPE_CHECKING:
    from tplan.store.protocol import PatientStore

SCHEMES = ("postgresql://", "postgres://")


def is_database_url(location: object) -> bool:
    """True when ``location`` names a PostgreSQL server rather than a record file."""
    return isinstance(location, str) and location.lower().startswith(SCHEMES)


def open_store(
    location: str | Path, clinician: str = "", *, read_only: bool = False, create: bool = True
) -> PatientStore:
    """The clinic database for a ``postgresql://`` URL (psycopg is imported only then),
    else the record file at the path (see ``open_repository``)."""
    if is_database_url(location):
        from tplan.store.postgres import open_postgres

        return open_postgres(str(location), clinician, read_only=read_only)
    return open_repository(location, clinician, read_only=read_only, create=create)
