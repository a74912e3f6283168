"""Op pages name the type rule, the special cases and the executed examples."""

from spec import registry, types
from spec.registry import TensorSpec

import nxops

REPORTS = {"reference": {"tier": "smoke", "candidate": "nx_ref:ReferenceBackend",
                         "matrix": {"exp": {"f32": {"values": "pass"}}, "sum": {"s8": {"values": "fail"}}}},
           "C": "not run"}


def test_exp_page():
    page = nxops.op_page(registry.get("exp"), REPORTS)
    assert ".. py:function:: nx.exp(tensor)" in page
    assert "``to_floating`` of the input type" in page          # the type rule in words
    rows = dict(nxops.type_table(registry.get("exp")))
    assert rows["u2, u4, u8, u16, u32, u64, s2, s4, s8, s16, s32, s64"] == "f32"
    assert rows["f8, f8_e4m3fn, f16, bf16, f32, f64, c64, c128"] == "the input type"
    for inputs, expected in registry.get("exp").special_cases:   # every special case is listed
        assert f"``{nxops.fmt_value(inputs)}``" in page and f"``{nxops.fmt_value(expected)}``" in page
    assert "2.718281828459045" in page                          # the examples' actual output
    assert "lambda ops, g, out, x: [ops.multiply(g, out)]" in page
    assert "pass (1 checks)" in page and "not run" in page


def test_sum_page_errors_and_status():
    page = nxops.op_page(registry.get("sum"), REPORTS)
    assert "axes=None, keep_axes=False" in page
    assert "``AxisError``" in page and "given axis (2) invalid for shape (1, 2) with rank 2" in page
    assert "1 of 1 checks fail (s8 values)" in page
    assert "the reduced axes (``axes``, default: all) disappear" in page


def test_type_table_agrees_with_infer():
    for name in ("add", "sqrt", "sum", "equal", "bitwise_and", "transpose"):
        op = registry.get(name)
        for ts, out in nxops.type_table(op):
            for t in ts.split(", "):
                spec = TensorSpec(types.normalize(t), (2, 2), ("x", "y"))
                args = [spec] * len(op.tensor_params)
                opts = {p.name: p.default for p in op.params if p.kind == "option"}
                try:
                    got = str(op.infer(*args, **op.normalize(*args, **opts)).type)
                except Exception as e:
                    got = f"rejected (``{type(e).__name__}``)"
                assert got == (t if out == "the input type" else out), (name, t)


def test_non_differentiable_and_composite_ops_say_so():
    assert "Not differentiable" in nxops.grad_text(registry.get("equal"))
    composite = next(op for op in registry.all_ops().values()
                     if op.composite is not None and op.grad is None and op.differentiable)
    assert "composite" in nxops.grad_text(composite)


def test_rules_for_every_family_are_words():
    for op in registry.all_ops().values():
        words = nxops.describe_rules(op)
        assert all(words[k] and "see the details" != words[k] for k in ("shape", "naming")), op.name


def test_fmt_value_and_spec():
    assert [nxops.fmt_value(v) for v in (float("nan"), -0.0, float("-inf"), 1j)] == ["nan", "-0.0", "-inf", "1j"]
    assert nxops.fmt_spec(TensorSpec(types.normalize("s8"), (2, 3), ("x", None))) == "s8[x: 2][3]"


def test_rst_table_escapes_a_lone_dash():
    table = nxops.rst_table(("a", "b"), [("-", "x")])
    assert "   * - \\-\n     - x" in table
