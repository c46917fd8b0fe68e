"""The Textual application: screens, global keys, privacy mode, themes and quitting safely."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from rich.console import RenderableType
from rich.text import Text
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.driver import Driver
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen

from tplan.services.deferred import DeferredWorkspace, opening_refused
from tplan.settings import Settings
from tplan.ui.commands import PatientCommands
from tplan.ui.compat import QuietCrashes, prompt_exit

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from tplan.services import Clock, Workspace
    from tplan.services.deferred import PatientStore

IDLE_CHECK_SECONDS = 15.0
ScreenT = TypeVar("ScreenT", bound=Screen[Any])

SCREENSHOT_COMMAND = "Screenshot"
"""Textual's palette command that saves the screen as an SVG (removed: see action_screenshot)."""
SCREENSHOT_OFF = (
    "Screenshots are off in tplan: they would copy patient records out of the record folder."
)
DEFAULT_IDLE_PRIVACY_MINUTES = 10.0
THEMES = {"dark": "textual-dark", "light": "textual-light"}


def styles_dir() -> Path:
    """The stylesheet folder: ``styles/`` in a checkout, ``tplan/_styles`` when installed."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "_styles"
    return installed if installed.is_dir() else package.parent / "styles"


class TplanApp(QuietCrashes, App[None]):
    """What a counselor opens every morning: the caseload, then one patient at a time."""

    TITLE = "tplan"
    CSS_PATH: ClassVar[list[str | Path]] = [
        styles_dir() / "app.tcss",
        styles_dir() / "forms.tcss",
    ]
    COMMANDS: ClassVar = App.COMMANDS | {PatientCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", id="help"),
        # priority: someone walks in while a form is open too (a modal screen stops app keys)
        Binding("f2", "toggle_privacy", "Privacy (initials only)", show=False, id="privacy",
                priority=True),
        Binding("ctrl+q", "quit", "Quit", priority=True, show=False, id="quit"),
        Binding("q", "quit_key", "Quit", id="quit_q"),
        Binding("ctrl+t", "today", "Today", show=False, id="today"),
    ]

    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (30, "-tall")]

    privacy: reactive[bool] = reactive(False)
    """Initials instead of names on every screen (F2, or by itself after idle minutes)."""
    damaged: reactive[tuple[str, ...]] = reactive(())
    """Ids of the records that do not load (the top bar names them)."""
    connected: reactive[bool] = reactive(True)
    """False while the clinic database cannot be reached (the top bar says so)."""

    def __init__(
        self,
        workspace: Workspace | DeferredWorkspace,
        *,
        clock: Clock | None = None,
        idle_privacy_minutes: float | None = DEFAULT_IDLE_PRIVACY_MINUTES,
        idle_clock: Callable[[], float] = time.monotonic,
        theme: str | None = None,
        me: str | None = None,
        settings: Settings | None = None,
    ) -> None:
        """Build the app on a workspace.

        The CLI hands over a ``DeferredWorkspace`` (the store opened, the workspace built after
        the first paint); tests usually a Workspace built already.

        ``clock`` fixes "today" (tests pass a FixedClock); ``idle_privacy_minutes`` None or 0
        disables automatic privacy; ``me`` is the counselor name the "my patients" filter uses.
        ``settings`` (tplan.settings) supply what the keywords leave open: theme, the "mine"
        name, idle minutes before privacy, and what the screens read (start screen, note format).
        """
        super().__init__()
        if settings is not None:
            me = me if me is not None else settings.clinician or None
            if idle_privacy_minutes == DEFAULT_IDLE_PRIVACY_MINUTES:
                idle_privacy_minutes = settings.privacy_after_minutes or None
        self._settings_given = settings is not None
        self.settings = settings if settings is not None else Settings()
        """The counselor's settings (tplan.settings): start screen, note format, refusals."""
        theme = theme or self.settings.theme
        self._opening = (
            workspace
            if isinstance(workspace, DeferredWorkspace)
            else DeferredWorkspace.ready(workspace)
        )
        self.clock = clock if clock is not None else self._opening.clock
        self.idle_privacy_minutes = idle_privacy_minutes
        self._idle_clock = idle_clock
        self._last_input = idle_clock()
        self._name_mask: tuple[tuple[int, int], re.Pattern[str] | None] | None = None
        self.me = me if me is not None else str(self._opening.clinician)
        self.theme = THEMES.get(theme, theme)
        self.set_reactive(TplanApp.damaged, self._damaged_ids())

    @property
    def store(self) -> PatientStore:
        """The open records, usable before the workspace is built (names, summaries, ids)."""
        return self._opening.store

    @property
    def workspace(self) -> Workspace:
        """The use cases. The CLI's app builds them after the first paint (a screen's worker
        calls ``workspace_in_thread``); a caller that comes first builds them, or waits while
        another thread does."""
        return self._opening.get()

    @property
    def workspace_built(self) -> bool:
        return self._opening.built

    def workspace_in_thread(self) -> Workspace | None:
        """The workspace, from a worker thread, built there if no one has yet. A record file
        or a clinic policy that the user must fix ends the app with its one-line message, as
        the command line would have before the TUI started (None then)."""
        try:
            return self._opening.get()
        except Exception as exc:
            if not opening_refused(exc):
                raise
            self.call_from_thread(self.exit, None, 1, f"tplan: {exc}")
            return None

    def _damaged_ids(self) -> tuple[str, ...]:
        found = getattr(self.store, "damaged_records", None)
        return tuple(sorted(found())) if callable(found) else ()

    def refresh_damaged(self) -> None:
        """Show records found damaged since the start (e.g. reading the discharged ones)."""
        self.damaged = self._damaged_ids()

    # --- screens -----------------------------------------------------------------------

    def get_driver_class(self) -> type[Driver]:
        """Textual's choice, with an input thread that does not hold up quitting."""
        return prompt_exit(super().get_driver_class())

    def get_default_screen(self) -> Screen[Any]:
        from tplan.ui.screens.caseload import CaseloadScreen

        if self.start_screen() == "today":
            from tplan.ui.screens.today import TodayScreen

            return self.sized(TodayScreen())
        return self.sized(CaseloadScreen())

    def start_screen(self) -> str:
        """``today`` or ``caseload``: the settings' start screen. An app built without
        settings (tests, benches) keeps the caseload it always started on."""
        return self.settings.start_screen if self._settings_given else "caseload"

    def action_today(self) -> None:
        """Show the Today screen (the day's sessions and the worklist)."""
        from tplan.ui.screens.today import TodayScreen

        self.show_screen(TodayScreen)

    def show_screen(self, kind: type[Screen[Any]]) -> None:
        """Go back to the screen of this kind if it is open below, else open a new one.

        A form with unsaved text on the way stops it (with a word)."""
        if isinstance(self.screen, kind):
            return
        if not any(isinstance(screen, kind) for screen in self.screen_stack):
            self.push_screen(kind())
            return
        while not isinstance(self.screen, kind):
            if getattr(self.screen, "dirty", False):
                self.notify("Finish or cancel the open form first.", severity="warning")
                return
            self.pop_screen()

    def today(self) -> date:
        return self.clock.today()

    @property
    def read_only(self) -> bool:
        """The record file is open read-only (``tplan --read-only``): editing keys only say so."""
        return bool(getattr(self.store, "read_only", False))

    def breakpoint_classes(self) -> list[str]:
        """The breakpoint classes a screen of the current size gets on its first resize."""
        width, height = self.size
        found = (
            next((name for low, name in sorted(points, reverse=True) if size >= low), "")
            for size, points in (
                (width, self.HORIZONTAL_BREAKPOINTS),
                (height, self.VERTICAL_BREAKPOINTS),
            )
        )
        return [name for name in found if name]

    def sized(self, screen: ScreenT) -> ScreenT:
        """``screen``, not yet shown, with the breakpoint classes of the terminal's size.

        Textual gives them on the screen's first resize, after every widget has been styled
        once, and then styles them all again (the start screen: about a sixth of the app's
        start under a profiler). Given up front, the widgets are styled once. The start
        screen comes through here, and every screen pushed or switched to (``push_screen``,
        ``switch_screen``)."""
        if screen.HORIZONTAL_BREAKPOINTS is None and screen.VERTICAL_BREAKPOINTS is None:
            screen.add_class(*self.breakpoint_classes(), update=False)
        return screen

    def _sized_if_new(self, screen: object) -> None:
        """Size a screen that has never run (one that ran keeps its classes, which Textual
        updates as it shows it again)."""
        if isinstance(screen, Screen) and not screen.is_running:
            self.sized(screen)

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self._sized_if_new(screen)
        return super().push_screen(screen, *args, **kwargs)

    def switch_screen(self, screen: Any) -> Any:  # type: ignore[override]
        self._sized_if_new(screen)
        return super().switch_screen(screen)

    def open_patient(self, patient_id: str) -> None:
        """Show one patient's plan (from the caseload, the palette or after an admission)."""
        from tplan.ui.screens.patient import PatientScreen

        if isinstance(self.screen, PatientScreen) and self.screen.patient_id == patient_id:
            return
        from tplan.ui.screens.caseload import CaseloadScreen
        from tplan.ui.screens.today import TodayScreen

        home = (PatientScreen, CaseloadScreen, TodayScreen)  # forms above them close first
        while len(self.screen_stack) > 1 and not isinstance(self.screen, home):
            if getattr(self.screen, "dirty", False):
                self.notify("Finish or cancel the open form first.", severity="warning")
                return
            self.pop_screen()
        from tplan.services import StoreError
        from tplan.ui.screens.patient import open_plan

        try:
            self.workspace.patient(patient_id)  # read (and cached) before any screen changes
        except StoreError:
            # a damaged record painted from its caseload summary before the engine's rows came
            self.refresh_damaged()
            self.notify("This record does not load: it is named in the top bar, and "
                        "`tplan restore` explains what can be recovered.", severity="error")
            return
        open_plan(self, patient_id)

    def caseload_changed(self, patient_id: str) -> None:
        """One patient's record changed: refresh their caseload row (badge, flags, dates)."""
        from tplan.ui.screens.caseload import CaseloadScreen

        self._name_mask = None  # a support person may have been added or renamed

        for screen in self.screen_stack:
            if isinstance(screen, CaseloadScreen):
                screen.refresh_patient(patient_id)

    def patient_directory(self) -> Iterator[Any]:
        """Everyone the palette can jump to: the caseload's rows once painted (no need to
        build the workspace for it), else every patient."""
        from tplan.ui.screens.caseload import CaseloadScreen, DirectoryEntry

        caseload = next((s for s in self.screen_stack if isinstance(s, CaseloadScreen)), None)
        if caseload is not None and (caseload.loaded or caseload.painted):
            yield from caseload.patient_directory()
            return
        for patient in self.workspace.patients(include_discharged=True):
            yield DirectoryEntry(patient.id, patient.display_name, patient.initials, patient.active)

    # --- privacy -----------------------------------------------------------------------

    def person_name(self, person: Any) -> str:
        """The name to show for a patient or caseload row: initials while privacy is on."""
        name = str(getattr(person, "display_name", None) or getattr(person, "name", ""))
        if not self.privacy:
            return name
        initials = getattr(person, "initials", None)
        if isinstance(initials, str) and initials:
            return initials
        from tplan.domain.patient import initials_of  # not at module load: see first paint

        return initials_of(name)

    def name_mask(self, *extra: str) -> re.Pattern[str] | None:
        """While privacy is on, the pattern of every name the records know (and ``extra``);
        None while it is off. Read again when a patient is admitted or discharged, or when a
        record changed here or elsewhere (a support person added or renamed)."""
        if not self.privacy:
            return None
        from tplan.domain.privacy import names_pattern

        if extra:
            return names_pattern([*self.workspace.known_names(), *extra])
        ws = self.workspace
        key = (ws.active_count(), ws.discharged_count())
        if self._name_mask is None or self._name_mask[0] != key:
            self._name_mask = (key, names_pattern(ws.known_names()))
        return self._name_mask[1]

    def private(self, shown: Any) -> Any:
        """``shown`` (str, Text, Table, Group) with every known name as initials while privacy
        is on; unchanged while it is off."""
        if not self.privacy:
            return shown
        from tplan.ui.widgets.privacy import mask_renderable

        return mask_renderable(shown, self.name_mask())

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Toasts mask names too while privacy is on."""
        super().notify(
            self.private(message),
            title=self.private(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def action_toggle_privacy(self) -> None:
        self.privacy = not self.privacy
        self.notify("Privacy on: initials only." if self.privacy else "Privacy off.", timeout=2)

    def patient_changed_elsewhere(self, patient_id: str) -> None:
        """Another session saved this patient: redraw their caseload row and open screen."""
        from tplan.ui.live import refresh_patient_everywhere

        self._name_mask = None
        refresh_patient_everywhere(self, patient_id)

    def on_mount(self) -> None:
        from tplan.ui.live import follow_other_sessions

        follow_other_sessions(self)
        if self.idle_privacy_minutes:
            self.set_interval(IDLE_CHECK_SECONDS, self.check_privacy_idle, name="idle-privacy")

    async def on_event(self, event: events.Event) -> None:
        if isinstance(
            event, events.Key | events.MouseDown | events.MouseScrollDown | events.MouseScrollUp
        ):
            self._last_input = self._idle_clock()
        await super().on_event(event)

    def check_privacy_idle(self) -> None:
        """Switch privacy on after ``idle_privacy_minutes`` without a key press or click."""
        if not self.idle_privacy_minutes or self.privacy:
            return
        if self._idle_clock() - self._last_input >= self.idle_privacy_minutes * 60:
            self.privacy = True

    # --- crashes -----------------------------------------------------------------------

    def crash_renderable(self, error: Exception) -> RenderableType | None:
        """An unexpected error stops the app. Textual would print a traceback with local
        variables (patient records among them); print one safe paragraph instead. A record
        file or policy the user must fix, met by a key pressed while the workspace was still
        being built, ends the app with its one-line message, as at the start."""
        from tplan.ui.crash import crash_report, debug_wanted

        if opening_refused(error):
            return Text(f"tplan: {error}")
        return None if debug_wanted() else Text(crash_report(error))

    # --- help, theme, quit -------------------------------------------------------------

    def action_help(self) -> None:
        from tplan.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        self.push_screen(HelpScreen.for_screen(self.screen))

    def action_toggle_theme(self) -> None:
        self.theme = THEMES["light"] if self.theme == THEMES["dark"] else THEMES["dark"]

    def unsaved_screens(self) -> list[Screen[Any]]:
        return [screen for screen in self.screen_stack if getattr(screen, "dirty", False)]

    def open_flows(self) -> list[Screen[Any]]:
        """Forms and other flows on the screen stack (a note being written, a decision ...)."""
        return [screen for screen in self.screen_stack if isinstance(screen, ModalScreen)]

    async def action_quit_key(self) -> None:
        """``q``: quits from a screen, never from inside a form (where it may be a typo)."""
        if self.open_flows():
            self.notify(
                "A form is open: finish it (ctrl+s) or close it (esc) first; ctrl+q quits.",
                timeout=4,
            )
            return
        await self.action_quit()

    async def action_quit(self) -> None:
        """Quit; when a form is open or holds typed text, ask first."""
        flows = self.open_flows()
        if not flows and not self.unsaved_screens():
            self.exit()
            return
        from tplan.ui.forms import ConfirmDialog

        def answered(discard: bool | None) -> None:
            if discard:
                self.exit()

        question = (
            "A form has unsaved text. Quit and discard it?"
            if self.unsaved_screens()
            else "A form is still open. Quit anyway?"
        )
        self.push_screen(ConfirmDialog(question), answered)

    # --- command palette ---------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        privacy = "off" if self.privacy else "on"
        yield SystemCommand(
            f"Privacy {privacy}", "Show initials instead of names (F2)", self.action_toggle_privacy
        )
        yield SystemCommand(
            "Light / dark theme",
            "Switch between the light and dark theme",
            self.action_toggle_theme,
        )
        yield SystemCommand("Help", "Every key of this screen (F1)", self.action_help)
        yield SystemCommand(
            "Today", "Today's sessions and the worklist (ctrl+t)", self.action_today
        )
        commands = getattr(screen, "palette_commands", None)
        if callable(commands):
            yield from commands()
        yield from (
            command
            for command in super().get_system_commands(screen)
            if command.title != SCREENSHOT_COMMAND
        )

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Off: Textual's screenshot writes the screen, names included, to ~/Downloads 0644."""
        self.notify(SCREENSHOT_OFF, severity="warning")

    def deliver_screenshot(self, *_args: Any, **_kwargs: Any) -> str | None:
        self.notify(SCREENSHOT_OFF, severity="warning")
        return None


make_app = TplanApp
"""The factory the CLI and the tests build the app with: the app's constructor itself."""
