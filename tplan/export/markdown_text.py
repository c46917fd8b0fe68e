"""Escaping of user text for Markdown, so that typed text can never change the structure.

CommonMark lets any ASCII punctuation be backslash-escaped. We escape the characters that open
inline structure anywhere on a line (emphasis, links, code, raw HTML, entities, table pipes,
headings) and, at the start of a line, the characters that open a block (list items, setext
underlines, ordered lists). The result reads as the text that was typed.
"""

from __future__ import annotations

import re

_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
"""Characters that open inline structure anywhere: code, emphasis, links, raw HTML, entities,
table cells, strikethrough."""

_LINE_START = re.compile(r"^(?:(#{1,6}|[-+=])(?=[\s#\-+=]|$)|(\d{1,9})(?=[.)](?:\s|$)))")
"""Block markers at the start of a line: headings, bullets, setext underlines, thematic breaks
("---"), ordered list items ("1." or "1)" followed by a space)."""


def _escape_line(line: str) -> str:
    escaped = _INLINE.sub(r"\\\1", line.strip())
    return _LINE_START.sub(_escape_block_marker, escaped, count=1)


def _escape_block_marker(match: re.Match[str]) -> str:
    marker, number = match.group(1), match.group(2)
    if number is not None:
        return number + "\\"  # "1." -> "1\." : the backslash escapes the punctuation after it
    return "\\" + marker


def md_inline(text: object) -> str:
    """Text on one line (a list item, a heading, a sentence): line breaks become spaces."""
    lines = [line for line in str(text).split("\n") if line.strip()]
    return " ".join(_escape_line(line) for line in lines)


def md_cell(text: object) -> str:
    """Text inside a table cell: pipes escaped, line breaks kept as ``<br>``."""
    lines = [line for line in str(text).split("\n") if line.strip()]
    return "<br>".join(_escape_line(line) for line in lines)


def md_block(text: object, indent: int = 0) -> str:
    """Several lines: blank lines separate paragraphs, other line breaks are hard breaks.

    ``indent`` spaces are put before every line but the first, so that the block can sit
    inside a list item.
    """
    pad = " " * indent
    paragraphs: list[list[str]] = [[]]
    for line in str(text).split("\n"):
        if line.strip():
            paragraphs[-1].append(_escape_line(line))
        elif paragraphs[-1]:
            paragraphs.append([])
    joined = ["\\\n".join(lines).replace("\n", "\n" + pad) for lines in paragraphs if lines]
    return ("\n\n" + pad).join(joined)
