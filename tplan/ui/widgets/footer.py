"""A Footer that rebuilds its keys only when what it shows changes."""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.widgets import Footer

from tplan.ui.compat import FooterKey


class StableFooter(Footer):
    """Textual's Footer recomposes all its keys on every focus change and screen switch
    (several times while a screen opens), although the shown keys rarely differ. This one
    compares what it would show with what it shows and skips the identical rebuilds."""

    def __init__(self, *, compact: bool = True, show_command_palette: bool = False) -> None:
        super().__init__(compact=compact, show_command_palette=show_command_palette)
        self._shown: Hashable = None
        # Compose the keys with the screen rather than in a second pass after the first paint.
        self.set_reactive(Footer._bindings_ready, True)

    def compose(self) -> ComposeResult:
        self._shown = self._signature()
        for widget in super().compose():
            if isinstance(widget, FooterKey) and self.compact:
                # Footer binds each key's ``compact`` to its own, and the key's watcher then
                # adds the class after mounting, restyling every key a second time (~5 s of
                # the UI tests' CPU, 6,000 restyles). Given before mounting, it is only read.
                widget.add_class("-compact", update=False)
            yield widget

    def _signature(self) -> Hashable:
        """The keys, labels and enabled states the footer would show now."""
        return tuple(
            (binding.key, binding.description, binding.action, enabled)
            for (_, binding, enabled, _tooltip) in self.screen.active_bindings.values()
            if binding.show
        )

    async def recompose(self) -> None:
        if not self.is_attached or not self._bindings_ready:
            return
        signature = self._signature()
        if signature == self._shown:
            return
        self._shown = signature
        await super().recompose()
