"""linspace and fill.

linspace is checked against its formula evaluated independently, step by step,
in numpy scalars of each float type (ml_dtypes for bf16 and the f8 types),
and in Python integers and f32 for integer types; numpy's own ``np.linspace``
is compared where it agrees, and where it differs (numpy writes ``stop`` as
the last sample) the difference is pinned. fill is checked on every type with
the type rule of binary ops.
"""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import nx_ref as nx
from spec import codec, registry, types
from spec.errors import ArgumentError, NameError_, ShapeError
from spec.registry import TensorSpec
from tests.support import scalar_values, shapes

ALL = [t.name for t in types.ALL_TYPES]
INTEGERS = [t.name for t in types.INTEGER_TYPES]
SCALAR = {"f16": np.float16, "f32": np.float32, "f64": np.float64, "bf16": ml_dtypes.bfloat16,
          "f8": ml_dtypes.float8_e5m2, "f8_e4m3fn": ml_dtypes.float8_e4m3fn,
          "c64": np.complex64, "c128": np.complex128}
PER_TYPE = settings(max_examples=max(5, settings.default.max_examples // 4))


def make(type_, shape, names, flat):
    out = TensorSpec(types.normalize(type_), tuple(shape), tuple(names))
    return nx.ReferenceBackend().from_binary(out, bytes(codec.encode(out.type, list(flat))))


def key(v):
    if isinstance(v, complex):
        return (key(v.real), key(v.imag))
    if isinstance(v, float):
        return ("nan",) if v != v else (v, math.copysign(1.0, v))
    return (v,)


def float_samples(type_, start, stop, n, endpoint):
    """Sample i = i * step + start, step = (stop - start) / divisor, each
    operation rounded into the type: numpy scalars of real types; for complex
    types, Python's complex arithmetic with each result rounded (numpy's
    complex64 division is not correctly rounded)."""
    cast = SCALAR[type_]
    if types.normalize(type_).is_complex:
        cast = lambda z, to=SCALAR[type_]: complex(to(z))  # noqa: E731
    a, b = cast(start), cast(stop)
    if n == 1:
        return [a]
    with np.errstate(all="ignore"):
        step = cast(cast(b - a) / cast(n - 1 if endpoint else n))
        return [cast(cast(cast(i) * step) + a) for i in range(n)]


def integer_samples(start, stop, n, endpoint):
    """The difference exactly, then f32 arithmetic, then truncation toward zero."""
    if n == 1:
        return [start]
    f = np.float32
    step = f(f(stop - start) / f(n - 1 if endpoint else n))
    return [int(f(f(f(i) * step) + f(start))) for i in range(n)]


@st.composite
def endpoints(draw, type_, values):
    shape = draw(shapes(max_rank=2, max_side=3))
    size = math.prod(shape)
    names = tuple(draw(st.sampled_from([None, f"a{i}"])) for i in range(len(shape)))
    start = make(type_, shape, names, draw(st.lists(values, min_size=size, max_size=size)))
    stop = make(type_, shape, (None,) * len(shape),
                draw(st.lists(values, min_size=size, max_size=size)))
    return start, stop, draw(st.integers(1, 6)), draw(st.booleans()), draw(st.sampled_from([None, "s"]))


def check_linspace(type_, case, samples):
    start, stop, n, endpoint, name = case
    got = nx.linspace(start, stop, n=n, endpoint=endpoint, name=name, type=type_)
    assert (str(got.type), got.shape, got.names) == (type_, start.shape + (n,), start.names + (name,))
    flat = got.to_flat_list()
    pairs = zip(start.to_flat_list(), stop.to_flat_list())
    expected = [v for a, b in pairs for v in samples(a, b, n, endpoint)]
    t = types.normalize(type_)
    conv = complex if t.is_complex else float if t.is_floating else int
    assert [key(v) for v in flat] == [key(conv(v)) for v in expected], case


@pytest.mark.parametrize("type_", ["f8", "f16", "bf16", "f32", "f64"])
@PER_TYPE
@given(data=st.data())
def test_linspace_float_samples_follow_the_formula(type_, data):
    case = data.draw(endpoints(type_, scalar_values(type_)))
    check_linspace(type_, case, lambda a, b, n, e: float_samples(type_, a, b, n, e))


@PER_TYPE
@given(data=st.data())
def test_linspace_f8_e4m3fn_samples_follow_the_formula(data):
    # a type without infinities: keep every intermediate result finite
    values = scalar_values("f8_e4m3fn", allow_nan=False, min_value=-100, max_value=100)
    case = data.draw(endpoints("f8_e4m3fn", values))
    check_linspace("f8_e4m3fn", case, lambda a, b, n, e: float_samples("f8_e4m3fn", a, b, n, e))


@pytest.mark.parametrize("type_", ["c64", "c128"])
@PER_TYPE
@given(data=st.data())
def test_linspace_complex_samples_follow_the_formula(type_, data):
    part = st.integers(-50, 50).map(float)
    case = data.draw(endpoints(type_, st.builds(complex, part, part)))
    check_linspace(type_, case, lambda a, b, n, e: float_samples(type_, a, b, n, e))


@pytest.mark.parametrize("type_", INTEGERS)
@PER_TYPE
@given(data=st.data())
def test_linspace_integer_samples_are_truncated_f32_samples(type_, data):
    # bounded so that f32 rounding cannot leave the type's range
    values = scalar_values(type_, min_value=-(2 ** 20), max_value=2 ** 20)
    check_linspace(type_, data.draw(endpoints(type_, values)), integer_samples)


@given(start=st.floats(-1e6, 1e6), stop=st.floats(-1e6, 1e6), n=st.integers(2, 20),
       endpoint=st.booleans())
def test_linspace_f64_agrees_with_numpy_within_roundings(start, stop, n, endpoint):
    # (Python floats are f32 literals, as in Nx: give f64 tensors)
    got = nx.linspace(nx.tensor(start, type="f64"), nx.tensor(stop, type="f64"), n=n,
                      type="f64", endpoint=endpoint).to_flat_list()
    expected = np.linspace(start, stop, n, endpoint=endpoint)
    scale = max(abs(start), abs(stop), 1e-300)
    assert np.all(np.abs(np.array(got) - expected) <= 4 * 2.0 ** -52 * scale)


def test_linspace_does_not_write_stop_as_the_last_sample_unlike_numpy():
    got = nx.linspace(0.0, 1.0, n=50, type="f64").to_flat_list()
    assert np.linspace(0.0, 1.0, 50)[-1] == 1.0
    assert got[-1] == 49 * (1.0 / 49) == 0.9999999999999999


def test_linspace_takes_unsigned_differences_without_wrapping():
    # Nx subtracts in u8: 0 - 200 wraps to 56, giving [200, 228, 256 -> 0]
    assert nx.linspace(200, 0, n=3, type="u8").to_list() == [200, 100, 0]
    assert nx.linspace(nx.tensor(2 ** 63, type="u64"), 0, n=3, type="u64").to_list() == \
        [2 ** 63, 2 ** 62, 0]


def test_linspace_converts_start_and_stop_to_the_type_first():
    # 300 is 44 in u8, as in Nx
    assert nx.linspace(0, 300, n=4, type="u8").to_list() == [0, 14, 29, 44]


def test_linspace_converts_start_and_stop_first():
    assert nx.linspace(0.9, 4.9, n=5, type="s32").to_list() == [0, 1, 2, 3, 4]
    assert nx.linspace(nx.tensor(1.5), 3, n=2, type="f16").to_list() == [1.5, 3.0]


def test_linspace_merges_names():
    start = nx.tensor([0, 1], names=["x"])
    assert nx.linspace(start, nx.tensor([2, 3]), n=2, name="s").names == ("x", "s")
    with pytest.raises(NameError_):
        nx.linspace(start, nx.tensor([2, 3], names=["y"]), n=2)
    with pytest.raises(NameError_):
        nx.linspace(start, 1 + start, n=2, name="x")


@pytest.mark.parametrize("opts, error, message", [
    ({}, ArgumentError, "expected n to be a positive integer, got: None"),
    ({"n": 0}, ArgumentError, "expected n to be a positive integer, got: 0"),
    ({"n": True}, ArgumentError, "expected n to be a positive integer"),
    ({"n": 2, "endpoint": 1}, ArgumentError, "expected endpoint to be a boolean"),
    ({"n": 2, "name": 3}, ArgumentError, "name must be a string or None"),
    ({"n": 2, "type": "x32"}, Exception, "x32"),
    ({"n": 2, "num": 3}, ArgumentError, "unknown option"),
])
def test_linspace_bad_options_raise(opts, error, message):
    with pytest.raises(error, match=message):
        nx.linspace(0, 1, **opts)


def test_linspace_start_and_stop_must_have_one_shape():
    with pytest.raises(ShapeError, match=r"same shape. Got shapes \(2,\) and \(\)"):
        nx.linspace(nx.tensor([0, 1]), 3, n=1)


# -- fill --------------------------------------------------------------------------

@pytest.mark.parametrize("type_", ALL)
@PER_TYPE
@given(shape=shapes(max_rank=3, max_side=3), value=st.sampled_from([0, 1, 3, True, 2.0]),
       target=st.sampled_from([None, "u8", "f32", "s64"]))
def test_fill_writes_the_value_with_binary_ops_type_rule(type_, shape, value, target):
    names = tuple(f"a{i}" if i % 2 else None for i in range(len(shape)))
    t = make(type_, shape, names, [0] * math.prod(shape))
    got = nx.fill(t, value, type=target)
    want_type = str(nx.add(nx.tensor(0, type=type_), value).type) if target is None else target
    assert (str(got.type), got.shape, got.names) == (want_type, tuple(shape), names)
    assert all(v == value for v in got.to_flat_list())


@pytest.mark.parametrize("type_", ["f8", "f16", "bf16", "f32", "f64", "c64", "c128"])
def test_fill_with_special_values(type_):
    t = nx.iota((2, 2), type=type_)
    conv = complex if types.normalize(type_).is_complex else float
    for value in (math.nan, -math.inf, -0.0):
        assert [key(v) for v in nx.fill(t, value).to_flat_list()] == [key(conv(value))] * 4


def test_fill_converts_the_value_to_the_type():
    assert nx.fill(nx.iota((2,)), 300, type="u8").to_list() == [44, 44]
    assert nx.fill(nx.iota((2,)), -1.7, type="s8").to_list() == [-1, -1]
    assert nx.fill(nx.iota((2,), type="u8"), 2.5).type == types.normalize("f32")


def test_fill_broadcasts_a_tensor_value():
    got = nx.fill(nx.iota((2, 3), names=["x", "y"]), nx.tensor([1, 2, 3]))
    assert (got.names, got.to_list()) == (("x", "y"), [[1, 2, 3], [1, 2, 3]])
    with pytest.raises(ShapeError, match=r"value of shape \(2,\) cannot be broadcast"):
        nx.fill(nx.iota((2, 3)), nx.tensor([1, 2]))


@pytest.mark.parametrize("shape, value_shape", [((2, 3), ()), ((2, 3), (1, 3)), ((4,), (4,))])
def test_fill_gradient_rule_is_the_adjoint(shape, value_shape):
    rng = np.random.default_rng(0)
    op = registry.get("fill")
    t = nx.iota(shape, type="f64")
    v = nx.tensor(rng.integers(-3, 4, size=value_shape).astype(float).tolist(), type="f64")
    out = nx.fill(t, v)
    g = nx.tensor(rng.integers(-3, 4, size=shape).astype(float).tolist(), type="f64")
    grads = op.grad(nx, g, out, t, v, **op.normalize(t.spec, v.spec))
    assert grads[0] is None and grads[1].shape == v.shape
    inner = sum(a * b for a, b in zip(g.to_flat_list(), out.to_flat_list()))
    assert inner == sum(a * b for a, b in zip(grads[1].to_flat_list(), v.to_flat_list()))
