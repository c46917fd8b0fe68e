"""The test processes' shared CSS parsing (tests/shared_css.py): the Textual internals it uses
exist, the same CSS is parsed once, and other variables (another theme) parse anew."""

from __future__ import annotations

import pytest
import shared_css
from textual.color import Color
from textual.css.stylesheet import Stylesheet

CSS = "Label.shared-css-test { color: $accent; }"


def _parsed(accent: str) -> Stylesheet:
    stylesheet = Stylesheet(variables={"accent": accent})
    stylesheet.add_source(CSS, read_from=("tests/test_shared_css.py", "CSS"))
    stylesheet.parse()
    return stylesheet


@pytest.mark.parametrize("name", shared_css.PRIVATE_NAMES)
def test_the_private_name_exists(name: str) -> None:
    assert hasattr(Stylesheet(), name)


def test_the_same_css_is_parsed_once_and_another_theme_anew() -> None:
    shared_css.install()  # as tests/conftest.py did; twice changes nothing
    red = _parsed("#ff0000")
    parsed = shared_css.parsed_count()

    again = _parsed("#ff0000")
    assert shared_css.parsed_count() == parsed
    assert again.rules[0] is red.rules[0]

    blue = _parsed("#0000ff")
    assert shared_css.parsed_count() == parsed + 1
    assert red.rules[0].styles.color == Color(255, 0, 0)
    assert blue.rules[0].styles.color == Color(0, 0, 255)

    blue.set_variables({"accent": "#00ff00"})  # a theme change on a running app
    blue.parse()
    assert blue.rules[0].styles.color == Color(0, 255, 0)
