"""The two Jinja2 environments: HTML with autoescape, Markdown with an escaping finalizer.

In both, every ``{{ value }}`` is escaped unless a filter has already made it safe, so a
template cannot forget to escape user text.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from tplan.export.labels import label, level_label, number, schedule_label, when
from tplan.export.markdown_text import md_block, md_cell, md_inline


class MarkdownSafe(str):
    """Markdown that has been escaped already; the finalizer passes it through."""

    __slots__ = ()


def _finalize_markdown(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, MarkdownSafe):
        return value
    return md_inline(value)


def _finalize_html(value: object) -> object:
    return "" if value is None else value


@pass_context
def _when(context: Context, value: date | datetime | None) -> str:
    """A date as ISO, or as days since admission in a redacted copy (``v.dates``)."""
    view = context.get("v")
    dates = getattr(view, "dates", None)
    if dates is not None and value is not None:
        return dates.day(value)
    return when(value)


_COMMON_FILTERS = {
    "label": label,
    "level": level_label,
    "schedule": schedule_label,
    "number": number,
    "when": _when,
}


def _environment(**options: object) -> Environment:
    env = Environment(
        loader=PackageLoader("tplan.export", "templates"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        **options,  # type: ignore[arg-type]
    )
    env.filters.update(_COMMON_FILTERS)
    return env


@cache
def markdown_environment() -> Environment:
    env = _environment(autoescape=False, finalize=_finalize_markdown)
    env.filters["cell"] = lambda text: MarkdownSafe(md_cell(text))
    env.filters["block"] = lambda text, indent=0: MarkdownSafe(md_block(text, indent))
    env.filters["safe_md"] = MarkdownSafe  # template text, not user text
    return env


def css_string(text: object) -> Markup:
    """A quoted CSS string that cannot end the string, the rule or the <style> element."""
    escaped = "".join(
        ch if ch.isalnum() or ch in " .,:;-()/" else f"\\{ord(ch):x} " for ch in str(text)
    )
    return Markup(f'"{escaped}"')


@pass_context
def _html_when(context: Context, value: date | datetime | None) -> Markup:
    """A date that a printed line never breaks ("2026-10-" / "20")."""
    text = _when(context, value)
    return Markup('<span class="date">{}</span>').format(text) if text else Markup("")


@cache
def html_environment() -> Environment:
    env = _environment(autoescape=True, finalize=_finalize_html)
    env.filters["css_string"] = css_string
    env.filters["when"] = _html_when
    return env
