"""Every example in the package's docstrings is a test: each rule's examples run here."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import plan_extract

MODULES = sorted(m.name for m in pkgutil.walk_packages(plan_extract.__path__, "plan_extract.")
                 if not m.name.endswith("__main__"))


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples(module: str) -> None:
    mod = importlib.import_module(module)
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0, f"{res.failed} of {res.attempted} examples failed in {module}"
