"""Doctests everywhere see ``nx`` (``import nx_ref as nx``), as the docs do."""

import pytest


@pytest.fixture(autouse=True)
def _doctest_nx(doctest_namespace):
    import nx_ref
    doctest_namespace["nx"] = nx_ref
