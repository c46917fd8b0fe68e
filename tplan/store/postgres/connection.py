"""Connecting to the clinic's server: libpq's own credentials, messages without passwords."""

from __future__ import annotations

import psycopg
import psycopg.types.json
from orjson import dumps, loads

from tplan.store.errors import StoreUnavailableError

CONNECT_TIMEOUT_S = 5


def connect(url: str, location: str) -> psycopg.Connection:
    """An autocommit connection (writes use explicit transactions), JSON through orjson.

    The password, if any, comes from libpq (PGPASSFILE, a service file, the environment).
    StoreUnavailableError, naming ``location`` and libpq's first line, when it fails.
    """
    try:
        conn = psycopg.connect(
            url,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT_S,
            application_name="tplan",
        )
    except psycopg.Error as exc:
        raise ConnectError(location, _first_line(exc)) from None
    psycopg.types.json.set_json_loads(loads, conn)
    psycopg.types.json.set_json_dumps(dumps, conn)
    return conn


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class ConnectError(StoreUnavailableError):
    """The server could not be reached or refused the connection."""

    def __init__(self, location: str, reason: str) -> None:
        self.location = location
        self.reason = reason
        Exception.__init__(self, f"cannot connect to {location}: {reason}")
