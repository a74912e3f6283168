"""cumulative_sum, cumulative_product, cumulative_min and cumulative_max against
numpy's accumulations, on every type each op accepts; the type rule (the
input's type, wrapping integers), NaN and -0.0 rules, the scan's tree order,
errors, and the gradient rule of cumulative_sum applied to the nx namespace.

Where the order of float operations could matter, inputs are chosen so that
every partial result is exact in the type (small integers, powers of two,
infinities and NaN), so the comparison with numpy is exact whatever the order;
the order itself is pinned by an explicit test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import nx_ref as nx
from spec import codec, registry, types
from spec.errors import ArgumentError, AxisError, NameError_, TypeError_
from spec.registry import TensorSpec
from tests.support import scalar_values, shapes

OPS = ["cumulative_sum", "cumulative_product", "cumulative_min", "cumulative_max"]
ALL = [t.name for t in types.ALL_TYPES]
REAL = [t.name for t in types.REAL_TYPES]
INTEGERS = [t.name for t in types.INTEGER_TYPES]
FLOATS = [t.name for t in types.FLOAT_TYPES]
COMPLEX = [t.name for t in types.COMPLEX_TYPES]
ACCEPTS = {"cumulative_sum": ALL, "cumulative_product": ALL,
           "cumulative_min": REAL, "cumulative_max": REAL}
NUMPY = {"cumulative_sum": np.add, "cumulative_product": np.multiply,
         "cumulative_min": np.minimum, "cumulative_max": np.maximum}
NAN, INF = math.nan, math.inf


def make_tensor(type_, shape, names, flat):
    out = TensorSpec(types.normalize(type_), tuple(shape), tuple(names))
    return nx.ReferenceBackend().from_binary(out, bytes(codec.encode(out.type, list(flat))))


def numpy_dtype(type_):
    t = types.normalize(type_)
    if t.is_complex:
        return np.complex128
    return np.float64 if t.is_floating else np.uint64 if t.name == "u64" else np.int64


def accumulate(op, a, axis, reverse):
    ufunc = NUMPY[op]
    if reverse:
        return np.flip(ufunc.accumulate(np.flip(a, axis), axis=axis), axis)
    return ufunc.accumulate(a, axis=axis)


def wrap(type_, v):
    """An integer wrapped into the range of an integer type."""
    t = types.normalize(type_)
    v %= 1 << t.bits
    return v - (1 << t.bits) if t.kind == "s" and v >= 1 << (t.bits - 1) else v


def key(v, signed_zero=True):
    if isinstance(v, complex):
        return (key(v.real, signed_zero), key(v.imag, signed_zero))
    if isinstance(v, float):
        if v != v:
            return ("nan",)
        return (v, math.copysign(1.0, v)) if signed_zero else (v,)
    return (v,)


@st.composite
def cases(draw, type_, values):
    shape = draw(shapes(max_rank=3, max_side=5).filter(lambda s: len(s) >= 1))
    names = tuple(draw(st.sampled_from([None, f"n{i}"])) for i in range(len(shape)))
    flat = draw(st.lists(values, min_size=math.prod(shape), max_size=math.prod(shape)))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    option = names[axis] if names[axis] is not None and draw(st.booleans()) else axis
    return shape, names, flat, axis % len(shape), option, draw(st.booleans())


def check(op, type_, case, signed_zero=True, convert=None):
    shape, names, flat, axis, option, reverse = case
    t = make_tensor(type_, shape, names, flat)
    got = getattr(nx, op)(t, axis=option, reverse=reverse)
    assert (got.type, got.shape, got.names) == (t.type, tuple(shape), tuple(names))
    a = np.array(t.to_flat_list(), dtype=numpy_dtype(type_)).reshape(shape)
    with np.errstate(all="ignore"):
        expected = accumulate(op, a, axis, reverse).reshape(-1).tolist()
    if convert:
        expected = [convert(v) for v in expected]
    assert [key(v, signed_zero) for v in got.to_flat_list()] == \
        [key(v, signed_zero) for v in expected], f"{op} {type_} {case}"


# -- against numpy, per type family -------------------------------------------------

@pytest.mark.parametrize("type_", INTEGERS)
@given(data=st.data())
def test_integer_sums_and_products_wrap_in_the_input_type(type_, data):
    op = data.draw(st.sampled_from(["cumulative_sum", "cumulative_product"]))
    case = data.draw(cases(type_, scalar_values(type_)))
    check(op, type_, case, convert=lambda v: wrap(type_, int(v)))


@pytest.mark.parametrize("type_", REAL)
@given(data=st.data())
def test_min_and_max_match_numpy_with_nan_propagating(type_, data):
    # numpy picks either zero for min(0.0, -0.0): the sign of zero is pinned below
    op = data.draw(st.sampled_from(["cumulative_min", "cumulative_max"]))
    case = data.draw(cases(type_, scalar_values(type_)))
    check(op, type_, case, signed_zero=False)


# every partial sum (at most 5 terms: |sum| <= 5) and product (a power of two
# within 2**-5..2**5) of these is exact in every float type, f8 (3 bits) included
EXACT_SUM = [0.0, -0.0, 1.0, -1.0, INF, -INF, NAN]
EXACT_PRODUCT = [0.0, -0.0, 1.0, -1.0, 2.0, -0.5, INF, -INF, NAN]


@pytest.mark.parametrize("type_", FLOATS)
@given(data=st.data())
def test_float_sums_and_products_match_numpy_where_exact(type_, data):
    op = data.draw(st.sampled_from(["cumulative_sum", "cumulative_product"]))
    pool = EXACT_SUM if op == "cumulative_sum" else EXACT_PRODUCT
    if type_ == "f8_e4m3fn":      # no infinities in this type
        pool = [v for v in pool if not math.isinf(v)]
    check(op, type_, data.draw(cases(type_, st.sampled_from(pool))))


@pytest.mark.parametrize("type_", COMPLEX)
@given(data=st.data())
def test_complex_sums_and_products_match_numpy(type_, data):
    op = data.draw(st.sampled_from(["cumulative_sum", "cumulative_product"]))
    part = st.sampled_from([0.0, 1.0, -1.0, 2.0])
    check(op, type_, data.draw(cases(type_, st.builds(complex, part, part))))


@pytest.mark.parametrize("type_", ["f32", "f64"])
@given(data=st.data())
def test_float_sums_stay_within_rounding_of_the_exact_sum(type_, data):
    case = data.draw(cases(type_, scalar_values(type_, allow_nan=False, allow_infinity=False,
                                                min_value=-1e6, max_value=1e6)))
    shape, names, flat, axis, option, reverse = case
    t = make_tensor(type_, shape, names, flat)
    got = np.array(nx.cumulative_sum(t, axis=option, reverse=reverse).to_flat_list()).reshape(shape)
    a = np.array(t.to_flat_list()).reshape(shape)
    exact = accumulate("cumulative_sum", a, axis, reverse)
    scale = accumulate("cumulative_sum", np.abs(a), axis, reverse)
    eps = 2.0 ** -23 if type_ == "f32" else 2.0 ** -52
    assert np.all(np.abs(got - exact) <= 4 * eps * scale + 1e-300)


# -- rules pinned ---------------------------------------------------------------------

def test_the_scan_combines_in_nx_tree_order():
    # Nx's scan computes out[3] as (x3 + x2) + (x1 + x0); left to right, f16
    # would round 2048 + 1 down to 2048 at every step.
    h = np.float16
    x = [h(2048), h(1), h(1), h(1)]
    expected = [x[0], x[1] + x[0], (x[1] + x[0]) + x[2], (x[3] + x[2]) + (x[1] + x[0])]
    got = nx.cumulative_sum(nx.tensor([2048, 1, 1, 1], type="f16")).to_list()
    assert got == [float(v) for v in expected] == [2048.0, 2048.0, 2048.0, 2050.0]


def test_integer_types_are_kept_unlike_sum():
    t = nx.tensor([200, 100], type="u8")
    assert nx.cumulative_sum(t).to_list() == [200, 44]
    assert str(nx.sum(t).type) == "u32"
    assert nx.cumulative_product(nx.tensor([16, 16], type="s8")).to_list() == [16, 0]


def test_nan_propagates_through_min_and_max():
    t = nx.tensor([1.0, NAN, 3.0, -INF])
    for op, last_two in [("cumulative_min", [-INF, -INF]), ("cumulative_max", [3.0, -INF])]:
        assert [key(v) for v in getattr(nx, op)(t).to_list()] == [key(1.0)] + [("nan",)] * 3
        rev = getattr(nx, op)(t, reverse=True).to_list()
        assert [key(v) for v in rev] == [("nan",), ("nan",)] + [key(v) for v in last_two]


def test_negative_zero_is_below_zero():
    assert [key(v) for v in nx.cumulative_min(nx.tensor([0.0, -0.0, 0.0])).to_list()] == \
        [key(0.0), key(-0.0), key(-0.0)]
    assert [key(v) for v in nx.cumulative_max(nx.tensor([-0.0, 0.0, -0.0])).to_list()] == \
        [key(-0.0), key(0.0), key(0.0)]


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("shape,axis", [((0,), 0), ((3, 0), 0), ((0, 4), 1), ((1, 3), 0)])
def test_empty_and_single_axes_are_returned_unchanged(op, shape, axis):
    t = nx.iota(shape, names=["a"] + [None] * (len(shape) - 1))
    got = getattr(nx, op)(t, axis=axis)
    assert (got.shape, got.names, got.to_list()) == (t.shape, t.names, t.to_list())


@pytest.mark.parametrize("op", OPS)
def test_type_rule_is_the_identity(op):
    infer = registry.get(op).infer
    for name in ACCEPTS[op]:
        x = TensorSpec(types.normalize(name), (2, 3), ("a", None))
        assert infer(x, axis=1, reverse=False) == x


# -- errors ------------------------------------------------------------------------------

@pytest.mark.parametrize("op", OPS)
def test_bad_axes_and_options_raise(op):
    fn = getattr(nx, op)
    cases = [
        (lambda: fn(nx.tensor(1)), AxisError, "given axis (0) invalid for shape () with rank 0"),
        (lambda: fn(5), AxisError, "invalid for shape () with rank 0"),
        (lambda: fn(nx.tensor([[1, 2]]), axis=2), AxisError, "given axis (2) invalid for shape (1, 2)"),
        (lambda: fn(nx.tensor([[1, 2]]), axis=-3), AxisError, "given axis (-3) invalid"),
        (lambda: fn(nx.tensor([1, 2], names=["x"]), axis="y"), NameError_, "name 'y' not found"),
        (lambda: fn(nx.tensor([1, 2]), axis=1.5), AxisError, "invalid axis 1.5"),
        (lambda: fn(nx.tensor([1, 2]), reverse="yes"), ArgumentError, "option reverse to be True or False"),
        (lambda: fn(nx.tensor([1, 2]), direction="asc"), ArgumentError, "unknown option"),
    ]
    for call, error, message in cases:
        with pytest.raises(error) as info:
            call()
        assert message in str(info.value)


@pytest.mark.parametrize("op", ["cumulative_min", "cumulative_max"])
@pytest.mark.parametrize("type_", COMPLEX)
def test_min_and_max_reject_complex_inputs_even_of_one_element(op, type_):
    for shape in [(1,), (3,)]:
        with pytest.raises(TypeError_, match=f"nx.{op}/2 does not support complex inputs, got: {type_}"):
            getattr(nx, op)(nx.broadcast(nx.tensor(1j, type=type_), shape))


# -- gradient rule -------------------------------------------------------------------------

@given(data=st.data())
def test_cumulative_sum_gradient_rule_is_the_reverse_cumulative_sum(data):
    shape, names, flat, axis, option, reverse = data.draw(
        cases("f64", st.sampled_from([1.0, 2.0, -3.0])))
    x = make_tensor("f64", shape, names, flat)
    g = make_tensor("f64", shape, names, flat[::-1])
    out = nx.cumulative_sum(x, axis=axis, reverse=reverse)
    (gx,) = registry.get("cumulative_sum").grad(nx, g, out, x, axis=axis, reverse=reverse)
    gn = np.array(g.to_flat_list()).reshape(shape)
    # d/dx_i of sum_j g_j * out_j: the sum of g over the outputs that include x_i
    expected = accumulate("cumulative_sum", gn, axis, not reverse)
    assert gx.to_flat_list() == expected.reshape(-1).tolist()
