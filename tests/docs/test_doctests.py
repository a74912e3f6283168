"""The examples in the docstrings of the generator modules run (docs/_ext is
outside pytest's doctest paths; nxsite needs Sphinx and is exercised by make docs)."""

import doctest
import importlib

import pytest

MODULES = ["nxexamples", "nxops", "nxstatus", "nxtables", "nxperf", "nxspecjson", "nxgenerate", "nxcheck"]


@pytest.mark.parametrize("name", MODULES)
def test_module_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
