"""The private Textual names tplan relies on (all of them in tplan/ui/compat.py) still exist."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from textual.app import App
from textual.driver import Driver
from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import Select

from tplan.ui import compat

UI = Path(compat.__file__).parent


@pytest.mark.parametrize(("owner", "name"), compat.PRIVATE_NAMES)
async def test_the_private_name_exists(owner: type, name: str) -> None:
    if hasattr(owner, name):
        return
    app = App()  # attributes set in __init__ (the exception slot, the return code)
    if issubclass(owner, Driver):
        made: object = HeadlessDriver(app)  # the driver's debug flag
    elif issubclass(owner, Select):
        made = Select([("one", 1)])  # what Select's __init__ keeps (options, value, blank)
    else:
        made = app
    assert hasattr(made, name), f"{owner.__name__}.{name} is gone: see tplan/ui/compat.py"


def test_no_other_ui_module_overrides_a_private_textual_method() -> None:
    private = {name for owner, name in compat.PRIVATE_NAMES if callable(getattr(owner, name, None))}
    for path in UI.rglob("*.py"):
        if path.name == "compat.py":
            continue
        tree = ast.parse(path.read_text())
        defined = {
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        assert not defined & private, f"{path} defines {defined & private}"
