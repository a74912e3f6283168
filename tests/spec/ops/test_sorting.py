"""sort, argsort and top_k against numpy's stable sorts, the order Nx documents
(NaN highest, -0.0 equal to 0.0, ties in input order in both directions), the
option and error rules, and the gradient rules applied to the nx namespace.

numpy's ``argsort(kind="stable")`` is the oracle for ``"asc"``; for ``"desc"``
the oracle is a stable ascending argsort of the negated dense ranks (from
``np.unique``), which keeps ties in input order as Nx's comparator does.
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

REAL = [t.name for t in types.REAL_TYPES]
FLOATS = [t.name for t in types.FLOAT_TYPES]


# -- building inputs and oracles -------------------------------------------------

def make_tensor(type_, shape, names, flat):
    out = TensorSpec(types.normalize(type_), tuple(shape), tuple(names))
    return nx.ReferenceBackend().from_binary(out, bytes(codec.encode(out.type, list(flat))))


def as_numpy(type_, shape, flat):
    """The values in a numpy type that holds every value of ``type_`` exactly."""
    t = types.normalize(type_)
    dtype = np.float64 if t.is_floating else np.uint64 if t.name == "u64" else np.int64
    return np.array(list(flat), dtype=dtype).reshape(shape)


def oracle_argsort(a, axis, direction):
    if direction == "asc":
        return np.argsort(a, axis=axis, kind="stable")
    ranks = np.unique(a, return_inverse=True)[1].reshape(a.shape)   # NaNs: one rank, the top
    return np.argsort(-ranks, axis=axis, kind="stable")


def key(v):
    """Equality that sees NaN as NaN and tells -0.0 from 0.0."""
    if isinstance(v, float):
        return ("nan",) if v != v else (v, math.copysign(1.0, v))
    return (v,)


def keys(values):
    return [key(v) for v in values]


@st.composite
def row_values(draw, type_, size):
    """``size`` values of the type: either free, or drawn from a small pool so that
    ties, NaNs and both zeros are common."""
    t = types.normalize(type_)
    if draw(st.booleans()):
        return draw(st.lists(scalar_values(t), min_size=size, max_size=size))
    pool = draw(st.lists(scalar_values(t), min_size=1, max_size=3))
    if t.is_floating:
        pool += draw(st.sampled_from([[], [0.0, -0.0], [math.nan], [math.inf, -math.inf]]))
    return draw(st.lists(st.sampled_from(pool), min_size=size, max_size=size))


@st.composite
def sort_cases(draw, type_, min_rank=1, min_last=0):
    shape = draw(shapes(max_rank=3, max_side=5).filter(lambda s: len(s) >= min_rank))
    if min_last and shape[-1] < min_last:
        shape = shape[:-1] + (min_last,)
    size = math.prod(shape)
    names = tuple(draw(st.sampled_from([None, f"n{i}"])) for i in range(len(shape)))
    flat = draw(row_values(type_, size))
    return shape, names, flat


def _axis_option(draw, shape, names):
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    if names[axis] is not None and draw(st.booleans()):
        return axis % len(shape), names[axis]
    return axis % len(shape), axis


# -- sort and argsort against numpy ---------------------------------------------------

@pytest.mark.parametrize("type_", REAL)
@given(data=st.data())
def test_sort_and_argsort_match_numpy_stable_sorts(type_, data):
    shape, names, flat = data.draw(sort_cases(type_))
    axis, axis_option = _axis_option(data.draw, shape, names)
    direction = data.draw(st.sampled_from(["asc", "desc"]))
    t = make_tensor(type_, shape, names, flat)
    a = as_numpy(type_, shape, t.to_flat_list())
    idx = oracle_argsort(a, axis, direction)

    got = nx.argsort(t, axis=axis_option, direction=direction)
    assert (got.type.name, got.shape, got.names) == ("s32", shape, names)
    assert got.to_flat_list() == idx.reshape(-1).tolist()

    values = nx.sort(t, axis=axis_option, direction=direction)
    assert (values.type, values.shape, values.names) == (t.type, shape, names)
    flat_in = np.array(t.to_flat_list(), dtype=object).reshape(shape)
    expected = np.take_along_axis(flat_in, idx, axis=axis).reshape(-1).tolist()
    assert keys(values.to_flat_list()) == keys(expected)


@pytest.mark.parametrize("type_", REAL)
@given(data=st.data())
def test_top_k_is_the_head_of_a_stable_descending_sort(type_, data):
    shape, names, flat = data.draw(sort_cases(type_, min_last=1))
    k = data.draw(st.integers(1, shape[-1]))
    t = make_tensor(type_, shape, names, flat)
    a = as_numpy(type_, shape, t.to_flat_list())
    idx = oracle_argsort(a, -1, "desc")[..., :k]

    values, indices = nx.top_k(t, k=k)
    out_shape = shape[:-1] + (k,)
    assert (values.type, values.shape, values.names) == (t.type, out_shape, names)
    assert (indices.type.name, indices.shape, indices.names) == ("s32", out_shape, names)
    assert indices.to_flat_list() == idx.reshape(-1).tolist()
    flat_in = np.array(t.to_flat_list(), dtype=object).reshape(shape)
    expected = np.take_along_axis(flat_in, idx, axis=-1).reshape(-1).tolist()
    assert keys(values.to_flat_list()) == keys(expected)


# -- the order, pinned ---------------------------------------------------------------

NAN, INF = math.nan, math.inf


@pytest.mark.parametrize("type_", FLOATS)
def test_nan_sorts_above_infinity_in_both_directions(type_):
    t = nx.tensor([NAN, 1.0, -INF, NAN, INF, -1.0], type=type_)
    low, high = t.to_list()[2], t.to_list()[4]    # f8_e4m3fn saturates: -448.0 and 448.0
    assert keys(nx.sort(t).to_list()) == keys([low, -1.0, 1.0, high, NAN, NAN])
    assert keys(nx.sort(t, direction="desc").to_list()) == keys([NAN, NAN, high, 1.0, -1.0, low])
    assert nx.argsort(t).to_list() == [2, 5, 1, 4, 0, 3]
    assert nx.argsort(t, direction="desc").to_list() == [0, 3, 4, 1, 5, 2]


def test_negative_zero_equals_zero_and_keeps_its_place():
    # numpy agrees on the ascending order; IEEE's totalOrder (and JAX) would put -0.0 first
    t = nx.tensor([0.0, -0.0, 0.0, -0.0, -1.0])
    assert keys(nx.sort(t).to_list()) == keys([-1.0, 0.0, -0.0, 0.0, -0.0])
    assert keys(nx.sort(t, direction="desc").to_list()) == keys([0.0, -0.0, 0.0, -0.0, -1.0])
    assert nx.argsort(t, direction="desc").to_list() == [0, 1, 2, 3, 4]


def test_descending_keeps_ties_in_input_order():
    # not the reverse of the ascending sort (that would give [2, 0, 3, 1])
    t = nx.tensor([5, 7, 5, 7])
    assert nx.argsort(t, direction="desc").to_list() == [1, 3, 0, 2]
    assert nx.argsort(t, direction="desc", stable=True).to_list() == [1, 3, 0, 2]
    reversed_asc = nx.argsort(t).to_list()[::-1]
    assert reversed_asc == [3, 1, 2, 0]


def test_top_k_breaks_ties_by_lowest_index():
    values, indices = nx.top_k(nx.tensor([[1, 3, 3, 2, 3]]), k=2)
    assert values.to_list() == [[3, 3]] and indices.to_list() == [[1, 2]]


def test_argsort_over_the_first_axis_of_a_rank_3_tensor():
    # Nx's test "argsort/2 works with non-symmetric tensors"
    t = nx.tensor([[[4, 5], [2, 5], [5, 0]], [[1, 9], [2, 1], [2, 1]],
                   [[0, -1], [-1, 0], [0, -1]], [[-1, 0], [0, -1], [-1, 0]]],
                  names=["x", "y", "z"])
    expected = [[[3, 2], [2, 3], [3, 2]], [[2, 3], [3, 2], [2, 0]],
                [[1, 0], [0, 1], [1, 3]], [[0, 1], [1, 0], [0, 1]]]
    got = nx.argsort(t, axis="x")
    assert got.to_list() == expected and got.names == ("x", "y", "z")


def test_extreme_integers_sort_exactly():
    t = nx.tensor([2 ** 64 - 1, 0, 2 ** 63], type="u64")
    assert nx.sort(t).to_list() == [0, 2 ** 63, 2 ** 64 - 1]
    t = nx.tensor([2 ** 63 - 1, -2 ** 63, -1], type="s64")
    assert nx.sort(t, direction="desc").to_list() == [2 ** 63 - 1, -1, -2 ** 63]


@pytest.mark.parametrize("shape", [(0,), (3, 0), (0, 4), (2, 0, 3)])
def test_empty_tensors_sort_to_empty_tensors(shape):
    t = nx.iota(shape)
    for axis in range(len(shape)):
        assert nx.sort(t, axis=axis).shape == shape
        assert nx.argsort(t, axis=axis).shape == shape


# -- argsort's type option --------------------------------------------------------------

def test_argsort_type_option():
    t = nx.tensor([3.0, 1.0, 2.0])
    assert str(nx.argsort(t, type="s64").type) == "s64"
    got = nx.argsort(t, type="f32")
    assert str(got.type) == "f32" and got.to_list() == [1.0, 2.0, 0.0]
    # indices are converted as Nx writes them: a narrow integer type wraps
    wide = nx.reverse(nx.iota((300,)))
    assert nx.argsort(wide, type="u8").to_list()[:2] == [299 % 256, 298 % 256]
    with pytest.raises(TypeError_):
        nx.argsort(t, type="f33")


# -- errors -------------------------------------------------------------------------------

ERRORS = [
    (lambda: nx.sort(nx.tensor([1, 2]), direction="up"), ArgumentError, "unknown value for direction"),
    (lambda: nx.argsort(nx.tensor([1, 2]), direction=None), ArgumentError, "unknown value for direction"),
    (lambda: nx.sort(nx.tensor([1, 2]), axis=1), AxisError, "given axis (1) invalid for shape (2,)"),
    (lambda: nx.argsort(nx.tensor([[1, 2]]), axis=-3), AxisError, "given axis (-3) invalid"),
    (lambda: nx.sort(nx.tensor([1, 2], names=["x"]), axis="y"), NameError_, "name 'y' not found"),
    (lambda: nx.sort(nx.tensor(3)), AxisError, "invalid for shape () with rank 0"),
    (lambda: nx.argsort(7), AxisError, "invalid for shape () with rank 0"),
    (lambda: nx.sort(nx.tensor([1j, 2])), TypeError_, "nx.sort/2 does not support complex inputs"),
    (lambda: nx.argsort(nx.tensor([1j], type="c128")), TypeError_, "nx.argsort/2 does not support complex"),
    (lambda: nx.sort(nx.tensor([1, 2]), stable="yes"), ArgumentError, "option stable to be True or False"),
    (lambda: nx.sort(nx.tensor([1, 2]), order="asc"), ArgumentError, "unknown option"),
    (lambda: nx.top_k(nx.tensor([1, 2, 3]), k=4), ArgumentError, "got size=3 and k=4"),
    (lambda: nx.top_k(nx.tensor([[1], [2]]), k=2), ArgumentError, "got size=1 and k=2"),
    (lambda: nx.top_k(nx.iota((2, 0))), ArgumentError, "got size=0 and k=1"),
    (lambda: nx.top_k(nx.tensor(1)), ArgumentError, "top_k input must have at least rank 1"),
    (lambda: nx.top_k(nx.tensor([1, 2]), k=-1), ArgumentError, "greater than or equal to 1, got k=-1"),
    (lambda: nx.top_k(nx.tensor([1, 2]), k=1.0), ArgumentError, "got k=1.0"),
    (lambda: nx.top_k(nx.tensor([1, 2]), k=True), ArgumentError, "got k=True"),
    (lambda: nx.top_k(nx.tensor([1j, 2])), TypeError_, "nx.top_k/2 does not support complex inputs"),
]


@pytest.mark.parametrize("call,error,message", ERRORS)
def test_bad_input_raises_a_clear_error(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)


# -- declarations and gradient rules ---------------------------------------------------------

def test_sort_and_argsort_are_primitives_and_top_k_a_composite():
    assert registry.get("sort").is_primitive and registry.get("argsort").is_primitive
    assert not registry.get("top_k").is_primitive
    assert registry.get("argsort").differentiable is False


def test_top_k_options_reach_the_composite_as_given():
    out = registry.get("top_k").infer(TensorSpec(types.normalize("u8"), (2, 5), ("a", "b")), k=3)
    assert out == (TensorSpec(types.normalize("u8"), (2, 3), ("a", "b")),
                   TensorSpec(types.normalize("s32"), (2, 3), ("a", "b")))


@given(data=st.data())
def test_sort_gradient_rule_routes_each_gradient_to_its_source(data):
    shape, names, flat = data.draw(sort_cases("f32"))
    axis, _ = _axis_option(data.draw, shape, names)
    direction = data.draw(st.sampled_from(["asc", "desc"]))
    x = make_tensor("f32", shape, names, flat)
    g = nx.iota(shape, type="f32")
    out = nx.sort(x, axis=axis, direction=direction)
    (gx,) = registry.get("sort").grad(nx, g, out, x, axis=axis, direction=direction, stable=False)
    idx = oracle_argsort(as_numpy("f32", shape, x.to_flat_list()), axis, direction)
    expected = np.zeros(shape)
    np.put_along_axis(expected, idx, np.arange(math.prod(shape), dtype=float).reshape(shape), axis)
    assert gx.shape == shape and gx.to_flat_list() == expected.reshape(-1).tolist()


@given(data=st.data())
def test_top_k_gradient_rule_routes_the_values_gradient(data):
    shape, names, flat = data.draw(sort_cases("f32", min_last=1))
    k = data.draw(st.integers(1, shape[-1]))
    x = make_tensor("f32", shape, names, flat)
    out_shape = shape[:-1] + (k,)
    g = nx.add(nx.iota(out_shape, type="f32"), 1)
    out = nx.top_k(x, k=k)
    (gx,) = registry.get("top_k").grad(nx, g, out, x, k=k)
    idx = oracle_argsort(as_numpy("f32", shape, x.to_flat_list()), -1, "desc")[..., :k]
    expected = np.zeros(shape)
    np.put_along_axis(expected, idx, np.arange(1, math.prod(out_shape) + 1, dtype=float)
                      .reshape(out_shape), -1)
    assert gx.shape == shape and gx.to_flat_list() == expected.reshape(-1).tolist()
