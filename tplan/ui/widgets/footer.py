"""The footer: the screen's keys on one line, drawn by one widget."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen


class ShownKey(NamedTuple):
    key: str
    display: str
    description: str
    enabled: bool


def shown_keys(screen: Screen) -> tuple[tuple[ShownKey, ...], ShownKey | None]:
    """The keys Textual's Footer would show for ``screen`` now, in its order (the first
    binding of each action), and the command palette's key, which it shows at the right."""
    app = screen.app
    keys: dict[str, ShownKey] = {}
    palette: ShownKey | None = None
    for _node, binding, enabled, _tooltip in screen.active_bindings.values():
        if binding.key == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
            palette = ShownKey(binding.key, app.get_key_display(binding),
                               binding.description, enabled)
        if binding.show and binding.action not in keys:
            keys[binding.action] = ShownKey(
                binding.key, app.get_key_display(binding), binding.description, enabled
            )
    return tuple(keys.values()), palette


class KeyFooter(Widget, can_focus=False):
    """The active keys, as Textual's Footer shows them, in one widget.

    Textual's Footer mounts a widget per key and remounts them all whenever the keys change,
    which is every focus move between widgets with different keys and every screen opened:
    on the forms and the patient screen that was about an eighth of the UI's CPU (measured on
    the UI tests: 30.8 s with the footer, 26.6 s without). This draws the same line (key,
    description, dimmed when disabled; compact: one space apart) and redraws it only when the
    keys differ. A click on a key presses it, as on Textual's footer.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-footer--item",
        "key-footer--key",
        "key-footer--description",
        "key-footer--hover",
        "key-footer--palette-edge",
    }
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: clip;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-footer--item { background: $footer-item-background; }
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-footer--hover { background: $block-hover-background; }
        & > .key-footer--palette-edge { color: $foreground 20%; }
    }
    """

    def __init__(self, *, compact: bool = True, show_command_palette: bool = False) -> None:
        super().__init__()
        self.compact = compact
        self.show_command_palette = show_command_palette
        self._keys: tuple[ShownKey, ...] = ()
        self._palette: ShownKey | None = None
        self._hovered: ShownKey | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        keys, palette = shown_keys(screen)
        palette = palette if self.show_command_palette else None
        if (keys, palette) != (self._keys, self._palette):
            self._keys, self._palette = keys, palette
            self.refresh()

    @property
    def shown(self) -> tuple[ShownKey, ...]:
        """The keys on the line now (the command palette's last, when shown)."""
        return (*self._keys, *((self._palette,) if self._palette else ()))

    # --- drawing -------------------------------------------------------------------------

    def _item(self, shown: ShownKey, *, compact: bool) -> Text:
        """One key as Textual's FooterKey draws it: compact "k desc", else " k desc "."""
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        pad = "" if compact else " "
        parts = [(f"{pad}{shown.display}{pad}", key_style)]
        if shown.description:
            described = f" {shown.description}" if compact else f"{shown.description} "
            parts.append((described, description_style))
        item = Text.assemble(*parts)
        base = self.get_component_rich_style("key-footer--item")
        if shown == self._hovered:
            base += self.get_component_rich_style("key-footer--hover")
        item.stylize_before(base)
        if not shown.enabled:
            item.stylize(Style(dim=True))
        return item

    def render(self) -> Text:
        return self._line(self.size.width)[0]

    def _line(self, width: int) -> tuple[Text, list[tuple[int, int, ShownKey]]]:
        """The footer's line at ``width`` cells, and where each key is on it (cells from, to):
        a click finds its key from the keys and the width, whether or not it was painted."""
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, ShownKey]] = []
        gap = " " if self.compact else ""
        for shown in self._keys:
            item = self._item(shown, compact=self.compact)
            spans.append((line.cell_len, line.cell_len + item.cell_len, shown))
            line.append_text(item)
            line.append(gap)
        if self._palette is not None:  # at the right, after an edge, always compact
            item = self._item(self._palette, compact=True)
            edge = Text("▏", style=self.get_component_rich_style("key-footer--palette-edge"))
            item = Text.assemble(edge, item, " " if not self.compact else "")
            start = max(line.cell_len, width - item.cell_len)
            line.truncate(start, pad=True)
            spans.append((start + 1, start + item.cell_len, self._palette))
            line.append_text(item)
        return line, spans

    # --- the mouse -----------------------------------------------------------------------

    def _key_at(self, x: int) -> ShownKey | None:
        spans = self._line(self.size.width)[1]
        return next((shown for start, end, shown in spans if start <= x < end), None)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        shown = self._key_at(event.x)
        if shown is None:
            return
        if shown.enabled:
            self.app.simulate_key(shown.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover(self._key_at(event.x))

    def on_leave(self, _event: events.Leave) -> None:
        self._hover(None)

    def _hover(self, shown: ShownKey | None) -> None:
        if shown != self._hovered:
            self._hovered = shown
            self.refresh()
