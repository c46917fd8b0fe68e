"""Other counselors' saves and the server connection, as the screens see them.

On a clinic database the store reports (from its LISTEN thread) each patient another
session saved; the open caseload row, patient screen and Today's agenda are redrawn from the
fresh record. Groups, sessions, attendance and group notes saved elsewhere redraw Today, the
week and an open group session. Once a second the app copies ``store.connected`` into
its ``connected`` reactive, which the top bar shows. On a record file neither ever fires: the
file has one writer.
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

    def clinic_changed(kind: str, record_id: str) -> None:  # the same thread
        with contextlib.suppress(RuntimeError):
            app.call_from_thread(refresh_clinic_everywhere, app, kind, record_id)

    app.store.watch(changed)
    app.store.watch_clinic(clinic_changed)
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


def refresh_clinic_everywhere(app: TplanApp, kind: str, record_id: str) -> None:
    """Redraw what shows a group or session another session saved ("" : everything): Today's
    sessions, the week, an open group session."""
    from tplan.ui.screens.group_session import GroupSessionScreen
    from tplan.ui.screens.today import TodayScreen
    from tplan.ui.screens.week import WeekScreen

    for screen in app.screen_stack:
        if isinstance(screen, TodayScreen | WeekScreen):
            screen.load()
        elif isinstance(screen, GroupSessionScreen) and screen.shows(kind, record_id):
            screen.changed_elsewhere(kind, record_id)
