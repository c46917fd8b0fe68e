"""The one home for private Textual API (Textual is pinned; see tests/ui/test_compat.py).

Everything here leans on a name Textual does not document. Each use says why no public API
does the job; the test checks that every name still exists, so a Textual upgrade that removes
one fails there, by name, instead of somewhere in a screen.
"""

from __future__ import annotations

import contextlib
import os
import selectors
from codecs import getincrementaldecoder
from collections.abc import Awaitable, Hashable, Iterable
from typing import Any, Generic, TypeVar

from rich.console import RenderableType
from textual import events
from textual.app import App, ComposeResult
from textual.driver import Driver
from textual.screen import Screen
from textual.widgets import Select
from textual.widgets._select import NonSelectableStatic, SelectCurrent, SelectOverlay

try:
    from textual._parser import ParseError
    from textual._xterm_parser import XTermParser
    from textual.drivers.linux_driver import LinuxDriver
except ImportError:  # no termios (Windows): Textual's own driver is used as it is
    LinuxDriver = None  # type: ignore[assignment,misc]

PRIVATE_NAMES: tuple[tuple[type, str], ...] = (
    (App, "_handle_exception"),
    (App, "_exception"),
    (App, "_exception_event"),
    (App, "_return_code"),
    (Screen, "_on_resize"),
    (Screen, "_on_screen_resume"),
    (Driver, "_debug"),
    *(((LinuxDriver, "run_input_thread"),) if LinuxDriver else ()),
    *(((XTermParser, "_sequence_to_key_events"),) if LinuxDriver else ()),
    (Select, "_setup_options_renderables"),
    (Select, "_watch_value"),
    (Select, "_watch_expanded"),
    (Select, "_options"),
    (Select, "_value"),
    (Select, "_allow_blank"),
    (Select, "_type_to_search"),
)
"""(class, attribute) pairs this module relies on."""


class QuietCrashes:
    """App mixin: an unhandled error exits through ``App.panic`` with ``crash_renderable``.

    Textual's own report is a traceback with local variables (patient records among them).
    ``App._handle_exception`` is the only place an unhandled error passes through; the error
    is still kept for ``run_test`` to re-raise, and the exit code is 1, as Textual does.
    """

    def crash_renderable(self, error: Exception) -> RenderableType | None:
        """What to print instead of the traceback; None keeps Textual's report."""
        return None

    def _handle_exception(self, error: Exception) -> None:
        report = self.crash_renderable(error)
        app: Any = self
        if report is None:
            super()._handle_exception(error)  # type: ignore[misc]
            return
        app._return_code = 1
        if app._exception is None:  # run_test re-raises it for the test framework
            app._exception = error
            app._exception_event.set()
        app.bell()
        app.panic(report)


class SkipsFirstResize:
    """Screen mixin: ignore the Resize Textual sends a new screen for its own first layout.

    Textual (8.2.8) then lays out this screen and every screen beneath it again at the same
    size. A screen given its breakpoint classes up front loses nothing by skipping it; later
    resizes go to Screen's handler as usual. Screen handles Resize in the private
    ``_on_resize``; Textual calls each class's handler along the MRO (this one first) unless
    one prevents the default, and a public ``on_resize`` would run too late to do that.
    """

    _first_resize = True

    def _on_resize(self, event: events.Resize) -> None:
        screen: Any = self
        first, self._first_resize = self._first_resize, False
        if first and event.size == screen.app.size:
            event.stop()
            event.prevent_default()


class RestylesOnlyWhenStale:
    """Screen mixin: a resumed screen restyles its widgets only when its styles may be stale.

    Textual (8.2.8) pushes a screen with ``ScreenResume(refresh_styles=True)``, which restyles
    every widget of the screen: for a new screen that is a second styling right after the
    mounting styled them (a third of a 170-widget form's opening), and for a screen shown again
    (the caseload, Today or the plan after a form or a dialog closes) a restyle of what has not
    changed. Every tplan screen takes this mixin (17% fewer stylings on the Today, week, group,
    caseload and co-sign tests). Styles go stale only when the
    theme changes (``theme_changed_signal``); a class or pseudo-class change restyles its own
    widgets at once. Screen handles the event in the private ``_on_screen_resume``; this one
    runs first along the MRO and only clears the flag.
    """

    _styles_stale = False

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        screen: Any = self
        if not self._styles_stale:
            event.refresh_styles = False
        self._styles_stale = False
        if not getattr(self, "_follows_theme", False):
            self._follows_theme = True
            screen.app.theme_changed_signal.subscribe(screen, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        self._styles_stale = True


def prompt_exit(driver_class: type[Driver]) -> type[Driver]:
    """The driver to run with: Textual's terminal driver with an input thread that ends at
    once (``PromptExitDriver``) where that is the one Textual chose, else Textual's choice."""
    if LinuxDriver is not None and driver_class is LinuxDriver:
        return PromptExitDriver
    return driver_class


if LinuxDriver is not None:

    class AltDigitParser(XTermParser):
        """Textual's key parser, but ESC then a digit is alt+digit, as xterm and tmux mean it.

        Textual 8.2.8 maps ESC+digit to the character macOS option+digit types (ESC 1 -> "¡",
        ESC 2 -> "™"), so alt+1 from a real terminal typed "¡" into the focused field and no
        alt+digit binding could ever fire. A character typed as such (a UK keyboard's "£") has
        no ESC before it and stays a character. ``_sequence_to_key_events`` is the one place a
        sequence becomes keys; no public API sees the sequence.
        """

        def _sequence_to_key_events(
            self, sequence: str, alt: bool = False
        ) -> Iterable[events.Key]:
            if len(sequence) == 2 and sequence[0] == "\x1b" and sequence[1] in "0123456789":
                yield events.Key(f"alt+{sequence[1]}", None)
                return
            yield from super()._sequence_to_key_events(sequence, alt)

    class PromptExitDriver(LinuxDriver):
        """Textual's terminal driver, whose input thread stops the moment input is disabled.

        Textual (8.2.8) reads keys in a thread that waits in ``select`` for 0.1 s at a time,
        and once told to stop selects once more on no file at all for another 0.1 s: every
        quit waited ~200 ms for that thread (measured: 200 ms of a bare Textual app's ~270 ms
        close). Here the thread also waits on a pipe that ``disable_input`` writes to, so it
        wakes and ends at once. Reading and parsing the keys is Textual's, as in
        ``LinuxDriver.run_input_thread`` (``XTermParser``, ``_debug`` are private), but for
        alt+digit (``AltDigitParser``).
        """

        _wake: int | None = None
        """The write end of the current input thread's wake pipe (None: no thread)."""

        def disable_input(self) -> None:
            wake = self._wake
            if wake is not None and not self.exit_event.is_set():
                with contextlib.suppress(OSError):  # the thread already ended: nothing to wake
                    os.write(wake, b"x")
            super().disable_input()

        def run_input_thread(self) -> None:
            wake_read, wake_write = os.pipe()
            self._wake = wake_write
            selector = selectors.SelectSelector()  # as Textual: a tty in kqueue fails on macOS
            selector.register(self.fileno, selectors.EVENT_READ)
            selector.register(wake_read, selectors.EVENT_READ)
            parser = AltDigitParser(self._debug)
            decode = getincrementaldecoder("utf-8")().decode
            try:
                while not self.exit_event.is_set():
                    ready = {key.fd for key, _ in selector.select(0.1)}
                    if wake_read in ready:  # disable_input is setting the flag this instant
                        self.exit_event.wait(1.0)
                        break
                    if self.fileno in ready:
                        data = decode(os.read(self.fileno, 4096))
                        for event in parser.feed(data) if data else ():
                            self.process_message(event)
                    for event in parser.tick():
                        self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)
            finally:
                self._wake = None
                selector.close()
                os.close(wake_read)
                os.close(wake_write)
                with contextlib.suppress(EOFError, ParseError):
                    for _ in parser.feed(""):
                        pass


ChoiceType = TypeVar("ChoiceType", bound=Hashable)


class StyledOnceMounted:
    """Widget mixin: no restyle while the widget is not in the DOM yet.

    A reactive that toggles a class (``compact``, ``has_value``) restyles its widget when set,
    mounted or not, and ``__init__`` sets them: each such widget was styled twice as a form
    opened, once for nothing, as Textual styles every widget when it mounts."""

    def update_node_styles(self, animate: bool = True) -> None:
        node: Any = self
        if node.is_attached:
            super().update_node_styles(animate)  # type: ignore[misc]


class _CurrentChoice(StyledOnceMounted, SelectCurrent):
    """The closed Select's line: its value and a down arrow. The up arrow, shown only while the
    list is open, is mounted with the list."""

    def compose(self) -> ComposeResult:
        yield NonSelectableStatic(self.placeholder, id="label")
        yield NonSelectableStatic("▼", classes="arrow down-arrow")


class ListOnDemandSelect(StyledOnceMounted, Select[ChoiceType], Generic[ChoiceType]):
    """A Select whose option list (the overlay) is mounted the first time it opens.

    A closed Select shows only its current value, yet Textual composes, styles and fills its
    option list (an OptionList) with it: a third of a Select's cost, for a list most choices in
    a form never open. Select reaches its overlay in ``_setup_options_renderables``,
    ``_watch_value`` and ``_watch_expanded`` (all private); each is taken over here while the
    overlay is not mounted, and mounting it (``action_show_overlay``, a click) fills it as
    Select would have. It reads what Select's ``__init__`` sets (``_options``, ``_value``,
    ``_allow_blank``, ``_type_to_search``); SelectOverlay, SelectCurrent and
    NonSelectableStatic live in the private ``_select`` module.
    """

    _overlay_mounted = False

    def compose(self) -> ComposeResult:
        current = _CurrentChoice(self.prompt)
        # its class set now, not restyled when the value is set at mount (the first option
        # when a blank is not allowed)
        current.has_value = self._value != self.NULL or not self._allow_blank
        yield current

    async def _mount_overlay(self) -> None:
        if self._overlay_mounted:
            return
        self._overlay_mounted = True
        overlay = SelectOverlay(type_to_search=self._type_to_search)
        overlay.compact = self.compact  # Select binds it; a form's choices never change it
        await self.query_one(_CurrentChoice).mount(
            NonSelectableStatic("▲", classes="arrow up-arrow")
        )
        await self.mount(overlay)
        super()._setup_options_renderables()
        if self.value != self.NULL:  # what Select's value watcher keeps highlighted
            values = [value for _, value in self._options]
            overlay.highlighted = values.index(self.value)

    def _setup_options_renderables(self) -> None:
        if self._overlay_mounted:
            super()._setup_options_renderables()

    def _watch_value(self, value: ChoiceType | Any) -> None:
        if self._overlay_mounted:
            super()._watch_value(value)
            return
        self._value = value
        current = next(iter(self.query_children(SelectCurrent)), None)
        if current is None:  # not composed yet: Select says nothing then either
            return
        if value == self.NULL:
            current.update(self.NULL)
        else:
            current.update(next(prompt for prompt, known in self._options if known == value))
        self.post_message(self.Changed(self, value))

    def _watch_expanded(self, expanded: bool) -> Awaitable[None] | None:
        if expanded and not self._overlay_mounted:  # clicked open
            return self._expand_with_overlay()
        super()._watch_expanded(expanded)
        return None

    async def _expand_with_overlay(self) -> None:
        await self._mount_overlay()
        super()._watch_expanded(self.expanded)

    async def action_show_overlay(self) -> None:
        await self._mount_overlay()
        super().action_show_overlay()
