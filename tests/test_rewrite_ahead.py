"""The controller's assert rewriting (tests/rewrite_ahead.py): the pytest internals it uses
exist, and what it writes is the rewritten module a worker's import then reads."""

from __future__ import annotations

from pathlib import Path

import pytest
import rewrite_ahead
from _pytest.assertion import rewrite


@pytest.mark.parametrize("name", rewrite_ahead.PRIVATE_NAMES)
def test_the_private_name_exists(name: str) -> None:
    assert hasattr(rewrite, name)


def test_a_module_written_ahead_is_read_back_rewritten(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    module = tmp_path / "test_sample.py"
    module.write_text("def check(x):\n    assert x == 2\n")
    assert rewrite_ahead.rewrite_ahead(request.config, [module]) == 1
    assert rewrite_ahead.rewrite_ahead(request.config, [module]) == 0  # up to date

    code = rewrite._read_pyc(module, rewrite_ahead.pyc_path(module))
    assert code is not None
    namespace: dict[str, object] = {}
    exec(code, namespace)
    with pytest.raises(AssertionError) as failure:
        namespace["check"](3)  # type: ignore[operator]
    assert "assert 3 == 2" in str(failure.value)  # the rewritten assert explains itself


def test_the_suite_is_rewritten_in_collection_order() -> None:
    tests = Path(__file__).parent
    modules = rewrite_ahead.modules_to_rewrite(tests)
    assert modules[0] == tests / "conftest.py"
    assert tests / "ui" / "counselor_steps.py" in modules
    assert Path(__file__) in modules
    assert all(path.exists() for path in modules)
