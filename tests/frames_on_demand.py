"""Headless test apps paint a frame when the test looks at the screen, not at every refresh.

A terminal shows every frame, so the running app paints after each change (Textual renders
every dirty widget into strips at up to 60 frames a second). Under ``run_test`` those strips go
nowhere: the headless driver drops them. Measured on this suite, painting frames nobody looked
at was a fifth of its CPU (252 s of user and system time with it, 199 s without).

So in the test processes a refresh updates the layout as before but paints nothing, and the
screen is painted, whole and from the widgets' current state, whenever something looks at it:

- a test reading the screen (``screen_text``, a snapshot): both render a full update;
- the mouse: Textual itself renders the line under the pointer to find what was clicked;
- the end of every ``run_test`` whose body passed: the screen the test leaves is painted once,
  so a widget that cannot render its final state fails the test that left it there.

Frames between two looks are not painted. Tests marked ``every_frame`` (the counselor's day
end to end, privacy on every screen, a group documented by keys) paint every frame as a
terminal would, and ``TPLAN_TEST_EVERY_FRAME=1`` makes every test do so.

This leans on Textual internals (pinned); ``tests/test_frames_on_demand.py`` checks that each
name still exists and that the three looks paint.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import wraps
from typing import Any

from textual._compositor import Compositor
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen

PRIVATE_NAMES: tuple[tuple[type, str], ...] = (
    (Compositor, "render_update"),
    (Compositor, "_dirty_regions"),
    (Screen, "_compositor"),
    (App, "_background_screens"),
)
"""(class, attribute) pairs this module relies on."""

ENVIRONMENT = "TPLAN_TEST_EVERY_FRAME"


class Frames:
    """Whether the test now running paints every frame (set per test from its marker)."""

    every = os.environ.get(ENVIRONMENT) == "1"
    painted = 0
    """Frames painted by a look (for the test of this module)."""


def paint_every_frame(marked: bool) -> None:
    """For the next test: every frame when it is marked ``every_frame`` or the environment
    asks for it for all tests, otherwise on demand."""
    Frames.every = marked or os.environ.get(ENVIRONMENT) == "1"


def paint(app: App[Any]) -> None:
    """Render the app's screen in full, as a terminal would show it now."""
    screen = app.screen
    screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    Frames.painted += 1


def _render_update(original: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(original)
    def render_update(
        self: Compositor,
        full: bool = False,
        screen_stack: list[Screen] | None = None,
        simplify: bool = False,
    ) -> Any:
        if full or Frames.every:
            return original(self, full, screen_stack, simplify)
        self._dirty_regions.clear()  # painted whole at the next look
        return None

    render_update.on_demand = True  # type: ignore[attr-defined]
    return render_update


def _run_test(original: Callable[..., Any]) -> Callable[..., Any]:
    @asynccontextmanager
    @wraps(original)
    async def run_test(self: App[Any], *args: Any, **kwargs: Any) -> AsyncIterator[Pilot[Any]]:
        async with original(self, *args, **kwargs) as pilot:
            yield pilot
            if self.is_running:  # the body passed and left the app open: paint what it left
                await pilot.pause()
                paint(self)

    return run_test


def install() -> None:
    """Paint headless test apps on demand (idempotent)."""
    if getattr(Compositor.render_update, "on_demand", False):
        return
    Compositor.render_update = _render_update(Compositor.render_update)  # type: ignore[method-assign]
    App.run_test = _run_test(App.run_test)  # type: ignore[method-assign]
