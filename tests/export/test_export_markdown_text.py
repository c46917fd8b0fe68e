"""Markdown escaping: whatever is typed renders back as the same text, never as structure."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tplan.export.markdown_text import md_block, md_cell, md_inline

COMMONMARK = MarkdownIt("commonmark").enable("table")

PIECES = st.sampled_from(
    [*"ab1 \n\t.-+=#*_`[]()<>!|~&\\:;\"'/", "🙂", "שלום", "&amp;", "http://x.y", "1. ", "---"]
)
TYPED = st.lists(PIECES, max_size=40).map("".join)


def as_html_text(text: str) -> str:
    """What a renderer should print for ``text`` typed on one line."""
    joined = " ".join(line.strip() for line in text.split("\n") if line.strip())
    return html.escape(joined, quote=False).replace('"', "&quot;")


@settings(max_examples=400, deadline=None)
@given(TYPED)
def test_inline_text_renders_as_typed(text: str) -> None:
    assert COMMONMARK.renderInline(md_inline(text)) == as_html_text(text)


@settings(max_examples=400, deadline=None)
@given(TYPED)
def test_block_text_stays_paragraphs(text: str) -> None:
    rendered = COMMONMARK.render(md_block(text))
    tags = set(re.findall(r"<(/?[a-z0-9]+)", rendered))
    assert tags <= {"p", "/p", "br"}


@settings(max_examples=200, deadline=None)
@given(TYPED, TYPED)
def test_table_cells_never_add_columns(left: str, right: str) -> None:
    table = f"| a | b |\n| --- | --- |\n| {md_cell(left)} | {md_cell(right)} |\n"
    rendered = COMMONMARK.render(table)
    body = rendered.split("<tbody>")[1] if "<tbody>" in rendered else ""
    assert len(re.findall(r"<td[ >]", body)) == 2


def test_examples_read_naturally() -> None:
    assert md_inline("2026-03-12, 3.5 hours") == "2026-03-12, 3.5 hours"
    assert md_inline("[bold]x[/bold]") == r"\[bold\]x\[/bold\]"
    assert md_inline("1. first") == r"1\. first"
    assert md_inline("# title") == r"\# title"
    assert md_block("a\nb\n\nc", indent=2) == "a\\\n  b\n\n  c"
    assert md_cell("a|b\nc") == r"a\|b<br>c"
