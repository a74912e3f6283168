"""tri, tril, triu, take_diagonal, make_diagonal and put_diagonal against numpy
(``np.tri``, ``np.tril``, ``np.triu``, ``np.diagonal``, ``np.diag``) on every
type, batched, empty and named; Nx's type rule (the zeros are s32) pinned;
errors; and the gradient rules checked as adjoints of these linear maps.

numpy computes on object arrays of the exact Python values, so it does not
round or promote anything; the expected values are then written into the
output type by the rules stated here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import nx_ref as nx
from spec import codec, registry, types
from spec.errors import ArgumentError, ShapeError
from spec.registry import TensorSpec
from tests.support import scalar_values, shapes

ALL = [t.name for t in types.ALL_TYPES]
OPS = ["tri", "tril", "triu", "take_diagonal", "make_diagonal", "put_diagonal"]
NAMES = ["a", "b", "c", "d"]
# the per-type tests run for each of the 20 types: a quarter of the profile's examples each
PER_TYPE = settings(max_examples=max(5, settings.default.max_examples // 4))


def make(type_, shape, names, flat):
    out = TensorSpec(types.normalize(type_), tuple(shape), tuple(names))
    return nx.ReferenceBackend().from_binary(out, bytes(codec.encode(out.type, list(flat))))


def as_array(t):
    """The tensor's exact values in an object array of its shape."""
    a = np.empty(len(t.to_flat_list()), dtype=object)
    a[:] = t.to_flat_list()
    return a.reshape(t.shape)


def merged_with_s32(name):
    """Nx's zeros are s32: the output type merges the input's with s32."""
    t = types.normalize(name)
    if not t.is_integer:
        return name
    return "s64" if name in ("u32", "u64", "s64") else "s32"


def written(type_, v):
    """A value (already representable) written into an output type."""
    t = types.normalize(type_)
    if t.is_complex:
        return complex(v)
    if t.is_floating:
        return float(v)
    v = int(v) % (1 << t.bits)
    return v - (1 << t.bits) if t.kind == "s" and v >= 1 << (t.bits - 1) else v


def key(v):
    if isinstance(v, complex):
        return (key(v.real), key(v.imag))
    if isinstance(v, float):
        return ("nan",) if v != v else (v, math.copysign(1.0, v))
    return (v,)


def check(got, type_, shape, names, expected):
    assert (str(got.type), got.shape, got.names) == (type_, tuple(shape), tuple(names))
    want = [written(type_, v) for v in np.asarray(expected, dtype=object).reshape(-1)]
    assert [key(v) for v in got.to_flat_list()] == [key(v) for v in want]


@st.composite
def tensors(draw, type_, min_rank, max_rank=3, max_side=4):
    shape = draw(shapes(max_rank=max_rank, max_side=max_side)
                 .filter(lambda s: min_rank <= len(s) <= max_rank))
    names = tuple(draw(st.sampled_from([None, NAMES[i]])) for i in range(len(shape)))
    flat = draw(st.lists(scalar_values(type_), min_size=math.prod(shape),
                         max_size=math.prod(shape)))
    return make(type_, shape, names, flat)


# -- tri, tril, triu ---------------------------------------------------------------

@given(n=st.integers(0, 6), m=st.integers(0, 6), k=st.integers(-8, 8))
def test_tri_matches_numpy(n, m, k):
    check(nx.tri(n, m, k=k), "u8", (n, m), (None, None), np.tri(n, m, k, dtype=int))


@pytest.mark.parametrize("type_", ALL)
@PER_TYPE
@given(data=st.data())
def test_tril_and_triu_match_numpy_on_batches(type_, data):
    t = data.draw(tensors(type_, min_rank=2))
    k = data.draw(st.integers(-5, 5))
    for name, reference in (("tril", np.tril), ("triu", np.triu)):
        got = getattr(nx, name)(t, k=k)
        check(got, merged_with_s32(type_), t.shape, t.names, reference(as_array(t), k))


def test_tril_and_triu_keep_the_wider_types_and_write_zeros():
    t = nx.tensor([[float("nan"), -0.0], [float("inf"), 2.5]], type="bf16", names=["i", "j"])
    assert [key(v) for v in nx.tril(t).to_flat_list()] == [("nan",), key(0.0), key(float("inf")), key(2.5)]
    assert [key(v) for v in nx.triu(t).to_flat_list()] == [("nan",), key(-0.0), key(0.0), key(2.5)]
    assert str(nx.triu(nx.tensor([[1]], type="u32")).type) == "s64"
    assert str(nx.triu(nx.tensor([[1 + 2j]])).type) == "c64"


def test_tril_plus_triu_above_is_the_tensor():
    t = nx.iota((2, 3, 5), type="f32")
    assert nx.add(nx.tril(t), nx.triu(t, k=1)).to_list() == t.to_list()


# -- take_diagonal -----------------------------------------------------------------

def valid_offsets(shape):
    rows, columns = shape[-2:]
    return st.sampled_from(sorted({0} | set(range(-rows + 1, columns))))


@pytest.mark.parametrize("type_", ALL)
@PER_TYPE
@given(data=st.data())
def test_take_diagonal_matches_numpy_diagonal(type_, data):
    t = data.draw(tensors(type_, min_rank=2))
    offset = data.draw(valid_offsets(t.shape))
    expected = np.diagonal(as_array(t), offset, axis1=-2, axis2=-1)
    got = nx.take_diagonal(t, offset=offset)
    check(got, type_, expected.shape, (None,) * expected.ndim, expected)


@pytest.mark.parametrize("shape", [(0, 0), (3, 0), (0, 3), (2, 0, 0), (0, 2, 2)])
def test_take_diagonal_of_empty_matrices_is_empty(shape):
    got = nx.take_diagonal(nx.iota(shape))
    assert got.shape == np.diagonal(np.zeros(shape), axis1=-2, axis2=-1).shape


# -- make_diagonal -----------------------------------------------------------------

@pytest.mark.parametrize("type_", ALL)
@PER_TYPE
@given(data=st.data())
def test_make_diagonal_matches_numpy_diag(type_, data):
    t = data.draw(tensors(type_, min_rank=1, max_rank=1, max_side=5))
    offset = data.draw(st.integers(-6, 6))
    side = t.shape[0] + abs(offset)
    check(nx.make_diagonal(t, offset=offset), merged_with_s32(type_), (side, side),
          (None, None), np.diag(as_array(t), offset))


def test_make_diagonal_is_the_converse_of_take_diagonal():
    t = nx.tensor([1.5, -2.0, 3.0], names=["x"])
    for offset in (-2, 0, 3):
        back = nx.take_diagonal(nx.make_diagonal(t, offset=offset), offset=offset)
        assert (back.to_list(), back.names) == (t.to_list(), (None,))


# -- put_diagonal ------------------------------------------------------------------

@pytest.mark.parametrize("type_", ALL)
@PER_TYPE
@given(data=st.data())
def test_put_diagonal_matches_numpy_assignment(type_, data):
    t = data.draw(tensors(type_, min_rank=2, max_rank=2, max_side=5))
    offset = data.draw(valid_offsets(t.shape))
    rows = np.arange(t.shape[0])[max(-offset, 0):]
    columns = np.arange(t.shape[1])[max(offset, 0):]
    length = min(len(rows), len(columns))
    values = data.draw(st.lists(scalar_values(type_), min_size=length, max_size=length))
    diagonal = make(type_, (length,), (None,), values)
    expected = as_array(t).copy()
    expected[rows[:length], columns[:length]] = values
    check(nx.put_diagonal(t, diagonal, offset=offset), type_, t.shape, t.names, expected)


def test_put_diagonal_merges_the_types():
    got = nx.put_diagonal(nx.tensor([[1, 2], [3, 4]], type="u8", names=["r", "c"]),
                          nx.tensor([0.5, 1.5]))
    assert (str(got.type), got.names, got.to_list()) == ("f32", ("r", "c"), [[0.5, 2.0], [3.0, 1.5]])


# -- errors ------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, message", [
    (lambda: nx.tri(-1, 2), ArgumentError, "expected n to be a non-negative integer"),
    (lambda: nx.tri(2, 2.0), ArgumentError, "expected m to be a non-negative integer"),
    (lambda: nx.tri(2, 2, k=0.5), ArgumentError, "expected k to be an integer"),
    (lambda: nx.tril(nx.tensor(1)), ShapeError, "tril/2 expects a tensor with at least 2 dimensions"),
    (lambda: nx.triu(nx.iota((2, 2)), k=True), ArgumentError, "expected k to be an integer"),
    (lambda: nx.tril(nx.iota((2, 2)), j=1), ArgumentError, "unknown option"),
    (lambda: nx.take_diagonal(nx.iota((3, 4)), offset=4), ArgumentError, "less than length of axis 1"),
    (lambda: nx.take_diagonal(nx.iota((2, 3, 4)), offset=-3), ArgumentError, "less than length of axis 0"),
    (lambda: nx.take_diagonal(nx.iota((0, 0)), offset=1), ArgumentError, "less than length of axis 1"),
    (lambda: nx.take_diagonal(nx.iota((3, 3)), offset="1"), ArgumentError, "expected offset to be an integer"),
    (lambda: nx.make_diagonal(nx.tensor(1)), ShapeError, "expects tensor of rank 1, got tensor of rank: 0"),
    (lambda: nx.put_diagonal(nx.iota((3, 3)), 1), ShapeError, "expects diagonal of rank 1, got tensor of rank: 0"),
    (lambda: nx.put_diagonal(nx.iota((2, 3)), nx.iota((3,)), offset=1), ShapeError,
     "expected diagonal tensor of length: 2, got diagonal tensor of length: 3"),
])
def test_bad_input_raises_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


# -- declarations ------------------------------------------------------------------

def test_every_op_is_a_composite_of_the_creation_family():
    for name in OPS:
        op = registry.get(name)
        assert op.family == "creation" and op.composite is not None, name


LINEAR = [
    ("tril", (3, 4), {"k": -1}),
    ("triu", (2, 3, 3), {"k": 1}),
    ("take_diagonal", (2, 3, 4), {"offset": 1}),
    ("take_diagonal", (4, 2), {"offset": -2}),
    ("make_diagonal", (3,), {"offset": -2}),
]


def _values(rng, shape):
    return nx.tensor(rng.integers(-4, 5, size=shape).astype(float).tolist(), type="f64") \
        if shape else nx.tensor(float(rng.integers(-4, 5)), type="f64")


def _dot(a, b):
    return sum(x * y for x, y in zip(a.to_flat_list(), b.to_flat_list()))


@pytest.mark.parametrize("name, shape, opts", LINEAR)
def test_gradient_rules_are_the_adjoints_of_the_linear_maps(name, shape, opts):
    # for a linear f, the VJP g -> J^T g satisfies <g, f(x)> == <J^T g, x>
    rng = np.random.default_rng(0)
    op = registry.get(name)
    x = _values(rng, shape)
    out = getattr(nx, name)(x, **opts)
    g = _values(rng, out.shape)
    (gx,) = op.grad(nx, g, out, x, **op.normalize(x.spec, **opts))
    assert gx.shape == x.shape
    assert _dot(g, out) == _dot(gx, x)


def test_put_diagonal_gradient_rule_is_the_adjoint():
    rng = np.random.default_rng(1)
    op = registry.get("put_diagonal")
    x, d = _values(rng, (3, 4)), _values(rng, (3,))
    out = nx.put_diagonal(x, d, offset=1)
    g = _values(rng, (3, 4))
    gx, gd = op.grad(nx, g, out, x, d, **op.normalize(x.spec, d.spec, offset=1))
    assert _dot(g, out) == _dot(gx, x) + _dot(gd, d)
