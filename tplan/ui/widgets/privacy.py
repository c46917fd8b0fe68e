"""Masking names in what a screen shows (rich Text keeps its styles around the initials)."""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets.option_list import Option

from tplan.domain.privacy import initials, mask_names
from tplan.ui.widgets.record_lists import Row


def mask_text(text: Text, pattern: re.Pattern[str] | None) -> Text:
    """A copy of ``text`` with each name word as its initial, styles kept."""
    if pattern is None:
        return text
    plain = text.plain
    matches = list(pattern.finditer(plain))
    if not matches:
        return text
    out = Text(style=text.style, justify=text.justify, no_wrap=text.no_wrap)
    last = 0
    for match in matches:
        out.append_text(text[last : match.start()])
        start = match.start()
        styles = [span.style for span in text.spans if span.start <= start < span.end]
        out.append(initials(match.group(0)), style=" ".join(str(s) for s in styles) or None)
        last = match.end()
    out.append_text(text[last:])
    return out


def mask_options(options: list[Option], pattern: re.Pattern[str] | None) -> list[Option]:
    """Options whose text prompts have the names masked (ids and states unchanged)."""
    if pattern is None:
        return options
    return [Option(_masked(o.prompt, pattern), id=o.id, disabled=o.disabled) for o in options]


def _masked(prompt: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(prompt, Text):
        return mask_text(prompt, pattern)
    if isinstance(prompt, Row):
        return replace(
            prompt, left=mask_text(prompt.left, pattern), right=mask_text(prompt.right, pattern)
        )
    return prompt


def mask_renderable(shown: Any, pattern: re.Pattern[str] | None) -> Any:
    """``shown`` with the names masked: a str, a Text, a Group of them or a Table (title,
    caption and cells); anything else is returned as it is."""
    if pattern is None:
        return shown
    if isinstance(shown, str):
        return mask_names(shown, pattern)
    if isinstance(shown, Text):
        return mask_text(shown, pattern)
    if isinstance(shown, Group):
        return Group(*(mask_renderable(part, pattern) for part in shown.renderables))
    if isinstance(shown, Table):
        table = copy.copy(shown)
        table.title = mask_renderable(shown.title, pattern)
        table.caption = mask_renderable(shown.caption, pattern)
        table.columns = [
            replace(column, _cells=[mask_renderable(cell, pattern) for cell in column.cells])
            for column in shown.columns
        ]
        return table
    return shown
