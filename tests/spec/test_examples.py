"""Every example in every op declaration runs, with ``nx`` bound to nx_ref."""

import doctest

import pytest

import nx_ref
from spec import registry

OPS = sorted(registry.all_ops())


@pytest.mark.parametrize("name", OPS)
def test_op_examples(name):
    op = registry.get(name)
    assert ">>>" in op.doc, f"nx.{name} has no executed example in its declaration"
    parser = doctest.DocTestParser()
    test = parser.get_doctest(op.doc, {"nx": nx_ref}, f"spec op {name}", None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} example(s) of nx.{name} failed (see output)"
