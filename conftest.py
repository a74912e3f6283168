"""Doctests everywhere see ``nx`` (``import nx_ref as nx``), as the docs do."""

import pytest


@pytest.fixture(autouse=True)
def _doctest_nx(doctest_namespace):
    import nx_ref
    doctest_namespace["nx"] = nx_ref


def pytest_collection_modifyitems(config, items):
    """Op functions bound in nx_ref/api.py carry their spec declaration's docstring;
    those examples run once, in tests/spec/test_examples.py (with ``nx`` as their
    namespace), not a second time as doctests of nx_ref.api (whose globals shadow
    builtins such as ``complex`` and ``sum``)."""
    from spec import registry
    ops = set(registry.all_ops())
    keep, drop = [], []
    for item in items:
        name = getattr(item, "name", "")
        # (nx_ref/__init__.py re-exports them: collected there as nx_ref.<op> too)
        if type(item).__name__ == "DoctestItem" and name.rsplit(".", 1)[0] in ("nx_ref.api", "nx_ref") \
                and name.rsplit(".", 1)[-1] in ops:
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
