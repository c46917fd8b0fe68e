"""Parse each piece of Textual CSS once per test process instead of once per app.

A test process starts hundreds of apps, and every app's stylesheet parses the same CSS again:
tplan's files and the DEFAULT_CSS of each widget class it mounts. Textual caches the parsed
rules per stylesheet only (an LRU of 64 entries), so measured over Today, the caseload, a plan
and the note form, each app parsed 40 pieces of CSS for 25 ms of its 680 ms of CPU.

Here the parsed rules are shared between the stylesheets of one process, keyed by what
Textual's own cache keys them by plus the stylesheet's variables (a theme's colours are
substituted while parsing, so another theme is another entry). Parsed rules are not changed
after parsing; Textual already hands the same lists to every reparse of one stylesheet.

This leans on ``Stylesheet._parse_rules`` and ``Stylesheet._variables`` (Textual is pinned);
``tests/test_shared_css.py`` checks that both exist and that another theme parses anew.
"""

from __future__ import annotations

from typing import Any

from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet

PRIVATE_NAMES = ("_parse_rules", "_variables")
"""What this module uses of ``textual.css.stylesheet.Stylesheet``."""

_PARSED: dict[tuple[Any, ...], list[RuleSet]] = {}
_VARIABLES_KEY = "_tests_shared_css_variables"


def _variables_key(stylesheet: Stylesheet) -> frozenset[tuple[str, str]]:
    """The stylesheet's variables as a key, remembered until they are replaced."""
    variables = stylesheet._variables
    known = stylesheet.__dict__.get(_VARIABLES_KEY)
    if known is None or known[0] is not variables:
        known = (variables, frozenset(variables.items()))
        stylesheet.__dict__[_VARIABLES_KEY] = known
    return known[1]


def install() -> None:
    """Share parsed CSS between this process's stylesheets (idempotent)."""
    parse_rules = Stylesheet._parse_rules
    if getattr(parse_rules, "shared", False):
        return

    def shared_parse_rules(
        self: Stylesheet,
        css: str,
        read_from: Any,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[RuleSet]:
        key = (_variables_key(self), css, read_from, is_default_rules, tie_breaker, scope)
        rules = _PARSED.get(key)
        if rules is None:
            rules = parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
            _PARSED[key] = rules
        return rules

    shared_parse_rules.shared = True  # type: ignore[attr-defined]
    Stylesheet._parse_rules = shared_parse_rules  # type: ignore[method-assign]


def parsed_count() -> int:
    """How many pieces of CSS this process has parsed (for the test)."""
    return len(_PARSED)
