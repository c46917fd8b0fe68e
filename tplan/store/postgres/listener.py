"""LISTEN for other sessions' saves, on a connection of its own in a daemon thread.

The ``patients`` table's triggers send ``NOTIFY tplan_patients, '<patient id>'`` at each
commit of a patient's record; the clinic tables' send ``NOTIFY tplan_clinic, 'group:<id>'`` or
``'session:<id>'`` (attendance and group notes name their session). A notification from this
session's own connection is ignored. When the connection is lost, ``connected`` turns False
and the thread retries every second; once back, everything is reported as changed (``None``),
since saves made meanwhile were not heard.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import psycopg

from tplan.store.errors import StoreUnavailableError
from tplan.store.postgres.connection import connect

CHANNEL = "tplan_patients"
CLINIC_CHANNEL = "tplan_clinic"
RETRY_S = 1.0
POLL_S = 0.2


class ChangeWatcher:
    def __init__(
        self,
        url: str,
        location: str,
        changed: Callable[[str | None], None],
        own_pid: Callable[[], int],
        clinic_changed: Callable[[str, str], None] | None = None,
    ) -> None:
        self._url = url
        self._location = location
        self._changed = changed
        self._clinic_changed = clinic_changed
        self._own_pid = own_pid
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="tplan-listen", daemon=True)
        self.connected = True

    def start(self) -> None:
        """Start listening; returns once the first LISTEN is in place (or failed)."""
        self._thread.start()
        self._ready.wait(timeout=5)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        first = True
        while not self._stop.is_set():
            try:
                conn = connect(self._url, self._location)
            except StoreUnavailableError:
                self.connected = False
                self._ready.set()
                self._stop.wait(RETRY_S)
                continue
            try:
                with conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    conn.execute(f"LISTEN {CLINIC_CHANNEL}")
                    self.connected = True
                    self._ready.set()
                    if not first:
                        self._changed(None)
                    first = False
                    self._listen(conn)
            except psycopg.Error:
                self.connected = False
                self._stop.wait(RETRY_S)

    def _listen(self, conn: psycopg.Connection) -> None:
        while not self._stop.is_set():
            for note in conn.notifies(timeout=POLL_S, stop_after=64):
                if note.pid == self._own_pid():
                    continue
                if note.channel == CLINIC_CHANNEL:
                    kind, _, record_id = note.payload.partition(":")
                    if self._clinic_changed is not None:
                        self._clinic_changed(kind, record_id)
                else:
                    self._changed(note.payload)
