"""The examples in roi's docstrings run, as numpy-financial's do: each one a value worked by hand."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WITH_EXAMPLES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts)
    for path in (ROOT / "roi").rglob("*.py")
    if ">>> " in path.read_text(encoding="utf-8")
)


def test_the_engine_s_formulas_have_examples():
    assert {"roi.finance", "roi.streams", "roi.inputs"} <= set(WITH_EXAMPLES)


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_the_docstring_examples_give_what_they_show(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, name
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples differ"
