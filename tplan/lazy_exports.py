"""Package names that load their module on first use (PEP 562): importing a package must not
import what its names need, so the caseload can paint before pydantic and the domain load
(issue #14)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(
    package: str, module_of: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package`` (call it from its ``__init__``) for
    ``module_of``, name -> the module that defines it: a name is imported from its module the
    first time it is asked for, then kept in the package."""
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> Any:
        module = module_of.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = namespace[name] = getattr(import_module(module), name)
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *module_of})

    return __getattr__, __dir__


def by_name(homes: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """module -> the names it exports, turned into name -> module for ``lazy_exports``."""
    return {name: module for module, names in homes.items() for name in names}
