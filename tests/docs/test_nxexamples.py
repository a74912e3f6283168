"""Examples are executed, their actual output kept, and mismatches stop the build."""

import pytest

import nxexamples
from nxexamples import ExampleError, Ran, docstring_rst, literal_roles, run_examples


def test_actual_output_is_captured():
    parts = run_examples(">>> nx.add(1, 2).to_list()\n3\n>>> print('a')\na\n", "t")
    runs = [p for p in parts if isinstance(p, Ran)]
    assert [r.got for r in runs] == ["3\n", "a\n"]


def test_a_wrong_expectation_fails():
    with pytest.raises(ExampleError, match="expected:\n4\ngot:\n3"):
        run_examples(">>> nx.add(1, 2).to_list()\n4\n", "t")


def test_expected_exceptions_match_by_class_and_message():
    good = ">>> nx.tensor([1, 2]) + nx.tensor([1, 2, 3])\nTraceback (most recent call last):\n...\n" \
           "spec.errors.ShapeError: cannot broadcast tensor of dimensions (2,) to (3,)\n"
    runs = [p for p in run_examples(good, "t") if isinstance(p, Ran)]
    assert runs[0].got.endswith("spec.errors.ShapeError: cannot broadcast tensor of dimensions (2,) to (3,)\n")
    with pytest.raises(ExampleError):
        run_examples(good.replace("ShapeError", "AxisError"), "t")
    with pytest.raises(ExampleError):   # an unexpected exception
        run_examples(">>> 1 / 0\n1\n", "t")


def _last(parts):
    return [p for p in parts if isinstance(p, Ran)][-1]


def test_examples_share_a_namespace_and_see_nx():
    parts = run_examples(">>> x = nx.tensor([1, 2])\n>>> x.shape\n(2,)\n", "t")
    assert _last(parts).got == "(2,)\n"


def test_defn_with_python_control_flow_runs():
    # the defn rewrite reads function source through linecache
    text = (">>> @nx.defn\n... def f(x):\n...     if nx.sum(x) > 0:\n...         y = x\n"
            "...     else:\n...         y = -x\n...     return y\n>>> f(nx.tensor([-2])).to_list()\n[2]\n")
    assert _last(run_examples(text, "t")).got == "[2]\n"


def test_docstring_rst_renders_prose_and_executed_blocks():
    rst = docstring_rst("Summary :func:`spec.types.merge`.\n\n>>> 1 + 1\n2\n\nMore.\n", "t")
    assert "``spec.types.merge``" in rst
    assert ".. code-block:: pycon\n\n   >>> 1 + 1\n   2\n" in rst
    assert rst.index("code-block") < rst.index("More.")


def test_literal_roles_keep_the_shown_name():
    assert literal_roles(":class:`~nx_ref.tensor.Tensor` and :mod:`spec.ops`") == "``Tensor`` and ``spec.ops``"
    assert nxexamples.literal_roles("no roles") == "no roles"
