"""Other counselors' saves and the server connection, as the screens see them.

On a clinic database the store reports (from its LISTEN thread) each patient another
session saved; the open caseload row, patient screen and Today's agenda are redrawn from the
fresh record. Once a second the app copies ``workspace.connected`` into its ``connected``
reactive, which the top bar shows. On a record file neither ever fires: the file has one
writer.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tplan.ui.app import TplanApp

CONNECTION_CHECK_SECONDS = 1.0


def follow_other_sessions(app: TplanApp) -> None:
    """Start listening for other sessions' saves and watching the connection."""

    def changed(patient_id: str) -> None:  # the workspace's listener thread
        with contextlib.suppress(RuntimeError):  # the app has already stopped
            app.call_from_thread(refresh_patient_everywhere, app, patient_id)

    app.store.watch(changed)
    app.set_interval(
        CONNECTION_CHECK_SECONDS, lambda: check_connection(app), name="connection"
    )


def check_connection(app: TplanApp) -> None:
    app.connected = bool(app.store.connected)


def refresh_patient_everywhere(app: TplanApp, patient_id: str) -> None:
    """Redraw what shows ``patient_id`` ("" after a reconnection: everything)."""
    from tplan.ui.screens.caseload import CaseloadScreen
    from tplan.ui.screens.patient import PatientScreen
    from tplan.ui.screens.today import TodayScreen

    for screen in app.screen_stack:
        if isinstance(screen, CaseloadScreen):
            if patient_id:
                screen.refresh_patient(patient_id)
            else:
                screen.load()
        elif isinstance(screen, PatientScreen) and patient_id in ("", screen.patient_id):
            screen.reload()
        elif isinstance(screen, TodayScreen):
            screen.load()
