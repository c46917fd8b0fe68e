"""Markdown and HTML snapshots of a treatment plan, rendered from Jinja2 templates."""

from __future__ import annotations

import re

from tplan.export.snapshot import PlanView
from tplan.export.templating import html_environment, markdown_environment

_BLANK_RUNS = re.compile(r"\n{3,}")


def render_markdown(view: PlanView) -> bytes:
    text = markdown_environment().get_template("plan.md.j2").render(v=view)
    # Template blocks leave runs of blank lines; one blank line separates blocks in Markdown
    # (escaped user text never holds more than one in a row).
    return _BLANK_RUNS.sub("\n\n", text).encode("utf-8")


def render_html(view: PlanView) -> bytes:
    return html_environment().get_template("plan.html.j2").render(v=view).encode("utf-8")
