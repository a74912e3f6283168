"""weighted_mean, median, mode, covariance and diff against numpy (or a direct
Python formula) on every type each op accepts, with empty, rank-0 and named
tensors; Nx's differences from numpy pinned (median's NaN and type rule, mode's
NaN and ties, covariance's conjugate, linspace-like quirks); errors; the
gradient rule of diff as the adjoint of the difference.

Expected values are computed in Python on exact values and written into the
output type with one rounding per operation of the formula (numpy scalars of
the type; ml_dtypes for bf16 and f8), so comparisons are exact.
"""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import nx_ref as nx
from spec import codec, registry, types
from spec.errors import ArgumentError, AxisError, ShapeError, TypeError_
from spec.registry import TensorSpec
from tests.support import assert_close, scalar_values, shapes

ALL = [t.name for t in types.ALL_TYPES]
REAL = [t.name for t in types.REAL_TYPES]
INTEGERS = [t.name for t in types.INTEGER_TYPES]
SCALAR = {"f16": np.float16, "f32": np.float32, "f64": np.float64, "bf16": ml_dtypes.bfloat16,
          "f8": ml_dtypes.float8_e5m2, "f8_e4m3fn": ml_dtypes.float8_e4m3fn,
          "c64": np.complex64, "c128": np.complex128}
PER_TYPE = settings(max_examples=max(5, settings.default.max_examples // 4))
NAN, INF = math.nan, math.inf


def make(type_, shape, names, flat):
    out = TensorSpec(types.normalize(type_), tuple(shape), tuple(names))
    return nx.ReferenceBackend().from_binary(out, bytes(codec.encode(out.type, list(flat))))


def as_array(t):
    a = np.empty(len(t.to_flat_list()), dtype=object)
    a[:] = t.to_flat_list()
    return a.reshape(t.shape)


def rounded(type_, v):
    """An exact value written into a type: wrapped integers, rounded floats."""
    t = types.normalize(type_)
    if t.is_integer:
        v = int(v) % (1 << t.bits)
        return v - (1 << t.bits) if t.kind == "s" and v >= 1 << (t.bits - 1) else v
    conv = complex if t.is_complex else float
    return conv(SCALAR[type_](v))


def key(v, signed_zero=True):
    if isinstance(v, complex):
        return (key(v.real, signed_zero), key(v.imag, signed_zero))
    if isinstance(v, float):
        if v != v:
            return ("nan",)
        return (v, math.copysign(1.0, v)) if signed_zero else (v + 0.0,)
    return (v,)


def floating(name):
    return "f32" if name in INTEGERS else name


@st.composite
def tensors(draw, type_, values, min_rank=0, max_rank=3, max_side=4):
    shape = draw(shapes(max_rank=max_rank, max_side=max_side).filter(lambda s: len(s) >= min_rank))
    names = tuple(draw(st.sampled_from([None, f"n{i}"])) for i in range(len(shape)))
    flat = draw(st.lists(values, min_size=math.prod(shape), max_size=math.prod(shape)))
    return make(type_, shape, names, flat)


def groups(a, axis):
    """The groups reduced along ``axis`` (None: all elements), as lists, in the
    row-major order of the output."""
    if axis is None:
        return [list(a.reshape(-1))]
    others = math.prod(d for i, d in enumerate(a.shape) if i != axis)
    return [list(g) for g in np.moveaxis(a, axis, -1).reshape(others, a.shape[axis])]


def reduced_spec(t, axis, keep_axis):
    if axis is None:
        return ((1,) * t.rank, t.names) if keep_axis else ((), ())
    shape = list(t.shape)
    names = list(t.names)
    if keep_axis:
        shape[axis] = 1
    else:
        del shape[axis], names[axis]
    return tuple(shape), tuple(names)


@st.composite
def axis_options(draw, t):
    axis = draw(st.sampled_from([None] + list(range(t.rank))))
    option = axis
    if axis is not None and t.names[axis] is not None and draw(st.booleans()):
        option = t.names[axis]
    return axis, option, draw(st.booleans())


# -- weighted_mean -------------------------------------------------------------------

# pools whose products and sums (at most 64 terms) are exact in each type family
POOLS = {"f8": [0.0, 1.0], "f8_e4m3fn": [0.0, 1.0], "f16": [0.0, 1.0, -1.0, 2.0, 0.5],
         "bf16": [0.0, 1.0, -1.0, 2.0, 0.5], "f32": [0.0, 1.0, -1.0, 2.0, 0.5, -3.0],
         "f64": [0.0, 1.0, -1.0, 2.0, 0.5, -3.0]}


def weight_values(type_):
    t = types.normalize(type_)
    if t.is_integer:
        return st.integers(0 if t.kind == "u" else -1, 1 if t.bits == 2 else 3)
    if t.is_complex:
        return st.builds(complex, st.sampled_from([0.0, 1.0, -1.0]), st.sampled_from([0.0, 1.0]))
    return st.sampled_from(POOLS[type_])


@st.composite
def weighted_cases(draw, type_):
    t = draw(tensors(type_, weight_values(type_)))
    form = draw(st.sampled_from(["same", "axes"] if t.rank else ["same"]))
    if form == "same":
        axes = draw(st.none() | st.permutations(range(t.rank)).flatmap(
            lambda p: st.integers(0, t.rank).map(lambda k: list(p[:k]))))
        wshape = t.shape
    else:
        axes = draw(st.permutations(range(t.rank)).flatmap(
            lambda p: st.integers(1, t.rank).map(lambda k: list(p[:k]))))
        wshape = tuple(t.shape[a] for a in axes)
    flat = draw(st.lists(weight_values(type_), min_size=math.prod(wshape), max_size=math.prod(wshape)))
    return t, make(type_, wshape, (None,) * len(wshape), flat), axes, draw(st.booleans())


def weighted_expected(type_, t, w, axes):
    """sum(t * w) / sum(w): the products written into the type (integers wrap),
    the sums exact (they fit the aggregate types), one division."""
    full = as_array(w)
    if w.shape != t.shape:    # weights axis i weighs tensor axis axes[i]
        index = np.indices(t.shape, sparse=False)
        full = full[tuple(index[a] for a in axes)] if t.rank else full
    products = np.vectorize(lambda v: rounded(type_, v), otypes=[object])(as_array(t) * full) \
        if t.size else as_array(t)
    reduce = tuple(range(t.rank)) if axes is None else tuple(axes)
    dtype = complex if types.normalize(type_).is_complex else float   # (numpy's complex
    num = np.sum(products.astype(dtype), axis=reduce)                   # division rounds twice)
    with np.errstate(all="ignore"):
        return num / np.sum(full.astype(dtype), axis=reduce)


@pytest.mark.parametrize("type_", ALL)
@PER_TYPE
@given(data=st.data())
def test_weighted_mean_matches_the_formula(type_, data):
    t, w, axes, keep = data.draw(weighted_cases(type_))
    got = nx.weighted_mean(t, w, axes=axes, keep_axes=keep)
    out_type = floating(type_)
    expected = weighted_expected(type_, t, w, axes)
    reduce = range(t.rank) if axes is None else axes
    shape = tuple(1 if i in reduce else d for i, d in enumerate(t.shape) if keep or i not in reduce)
    names = tuple(n for i, n in enumerate(t.names) if keep or i not in reduce)
    assert (str(got.type), got.shape, got.names) == (out_type, shape, names)
    if not types.normalize(out_type).is_complex:
        expected = expected.real
    want = [rounded(out_type, v) for v in np.asarray(expected).reshape(-1)]
    assert [key(v, False) for v in got.to_flat_list()] == [key(v, False) for v in want]


def test_weighted_mean_pairs_weights_with_the_listed_axes():
    t = nx.iota((2, 3), type="f32")
    w = nx.tensor([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]])   # weighs only t[0, 0]
    assert nx.weighted_mean(t, w, axes=[1, 0]).to_flat_list() == [0.0]
    w2 = nx.tensor([[0.0, 0.0, 0.0], [0.0, 0.0, 1.0]])    # only t[1, 2]
    assert nx.weighted_mean(t, w2, axes=[0, 1]).to_flat_list() == [5.0]


def test_weighted_mean_type_merges_both_types():
    got = nx.weighted_mean(nx.tensor([1, 2], type="u8"), nx.tensor([1.0, 3.0], type="f16"))
    assert (str(got.type), got.to_flat_list()) == ("f16", [1.75])


def test_weighted_mean_divides_by_a_zero_weight_sum_unlike_numpy():
    assert nx.weighted_mean(nx.tensor([1.0, 2.0]), nx.tensor([1.0, -1.0])).to_flat_list() == [-INF]
    with pytest.raises(ZeroDivisionError):
        np.average([1.0, 2.0], weights=[1.0, -1.0])


@pytest.mark.parametrize("t, w, opts, error, message", [
    ((2, 3), (3,), {}, ArgumentError, "axes must be specified"),
    ((2, 3), (3,), {"axes": [0, 1]}, ShapeError, "rank equal to the number of aggregation axes"),
    ((2, 3), (2,), {"axes": [1]}, ShapeError, r"axis 0 of the weights \(shape \(2,\)\) has size 2"),
    ((2, 3), (2, 3), {"axes": [2]}, AxisError, "given axis"),
    ((2, 3), (2, 3), {"axes": [0, 0]}, AxisError, "given twice"),
])
def test_weighted_mean_bad_input_raises(t, w, opts, error, message):
    with pytest.raises(error, match=message):
        nx.weighted_mean(nx.iota(t), nx.iota(w), **opts)


# -- median --------------------------------------------------------------------------

def median_of(type_, group):
    """The median of exact values written as the op does: an element for odd
    counts; for even ones the two middle elements summed in their aggregate
    type (integers wrap), then halved in the floating type."""
    ordered = sorted(group)
    n = len(ordered)
    if n % 2:
        return ordered[n // 2]
    if n == 0:
        return NAN
    a, b = ordered[n // 2 - 1], ordered[n // 2]
    t = types.normalize(type_)
    if t.is_integer:
        total = rounded("s64" if type_ in ("s64", "u64") else type_[0] + "32", a + b)
        return float(np.float32(np.float32(total) / np.float32(2)))
    cast = SCALAR[type_]
    with np.errstate(all="ignore"):
        return float(cast(cast(cast(a) + cast(b)) / cast(2)))


@pytest.mark.parametrize("type_", REAL)
@PER_TYPE
@given(data=st.data())
def test_median_matches_the_middle_of_the_sorted_values(type_, data):
    t = data.draw(tensors(type_, scalar_values(type_, allow_nan=False)))
    axis, option, keep = data.draw(axis_options(t))
    got = nx.median(t, axis=option, keep_axis=keep)
    count = t.size if axis is None else t.shape[axis]
    out_type = type_ if count % 2 else floating(type_)
    assert (str(got.type), (got.shape, got.names)) == (out_type, reduced_spec(t, axis, keep))
    want = [median_of(type_, g) for g in groups(as_array(t), axis)]
    assert [key(v, False) for v in got.to_flat_list()] == [key(v, False) for v in want]


@given(values=st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=9))
def test_median_agrees_with_numpy_without_nan(values):
    got = nx.median(nx.tensor(values, type="f64")).to_flat_list()[0]
    assert got == np.median(np.array(values))


def test_median_nan_sorts_last_instead_of_propagating():
    t = nx.tensor([[1.0, NAN, 3.0], [NAN, NAN, 0.0]])
    assert np.isnan(np.median(np.array([1.0, NAN, 3.0])))
    assert [key(v) for v in nx.median(t, axis=1).to_flat_list()] == [key(3.0), ("nan",)]


def test_median_type_depends_on_the_count():
    assert str(nx.median(nx.tensor([1, 2, 3], type="s8")).type) == "s8"
    assert str(nx.median(nx.tensor([1, 2], type="s8")).type) == "f32"
    assert str(nx.median(nx.iota((2, 3), type="bf16"), axis=0).type) == "bf16"


def test_median_averages_without_wrapping_and_of_empty_groups_is_nan():
    # Nx adds the two middle u8 elements in u8 when no axis is given (200 + 250 -> 194)
    assert nx.median(nx.tensor([250, 200, 1, 255], type="u8")).to_flat_list() == [225.0]
    got = nx.median(nx.iota((2, 0)), axis=1)
    assert (str(got.type), got.shape, [key(v) for v in got.to_flat_list()]) == \
        ("f32", (2,), [("nan",), ("nan",)])
    assert math.isnan(nx.median(nx.iota((0,))).to_flat_list()[0])
    assert nx.median(nx.iota((0, 3)), axis=1).shape == (0,)


def test_median_keep_axis_without_axis_keeps_every_axis():
    got = nx.median(nx.iota((2, 3), names=["x", "y"]), keep_axis=True)
    assert (got.shape, got.names, got.to_flat_list()) == ((1, 1), ("x", "y"), [2.5])


# -- mode ----------------------------------------------------------------------------

def mode_of(group):
    """The most frequent value (the smallest among ties), with np.unique."""
    values, counts = np.unique(np.array(group, dtype=object), return_counts=True)
    return values[int(np.argmax(counts))]


@pytest.mark.parametrize("type_", REAL)
@PER_TYPE
@given(data=st.data())
def test_mode_matches_np_unique(type_, data):
    pool = data.draw(st.lists(scalar_values(type_, allow_nan=False), min_size=1, max_size=3))
    t = data.draw(tensors(type_, st.sampled_from(pool)))
    axis, option, keep = data.draw(axis_options(t))
    if (t.size if axis is None else t.shape[axis]) == 0:
        with pytest.raises(ArgumentError, match="has no value to return"):
            nx.mode(t, axis=option, keep_axis=keep)
        return
    got = nx.mode(t, axis=option, keep_axis=keep)
    assert (got.type, (got.shape, got.names)) == (t.type, reduced_spec(t, axis, keep))
    want = [mode_of(g) for g in groups(as_array(t), axis)]
    assert [key(v, False) for v in got.to_flat_list()] == [key(v, False) for v in want]


def test_mode_counts_each_nan_apart_unlike_np_unique():
    values = [3.0, NAN, NAN, 1.0]
    unique, counts = np.unique(np.array(values), return_counts=True)   # NaNs counted together
    assert math.isnan(unique[int(np.argmax(counts))])
    assert nx.mode(nx.tensor(values)).to_flat_list() == [1.0]


def test_mode_ties_pick_the_smallest_value():
    t = nx.tensor([[5, 5, -2, -2, 7], [9, 1, 9, 1, 0]])
    assert nx.mode(t, axis=1).to_list() == [-2, 1]
    assert nx.mode(nx.tensor([-0.0, 0.0, 1.0, 1.0])).to_flat_list() in ([0.0], [-0.0])


def test_mode_counts_do_not_wrap_in_narrow_types():
    t = nx.tensor([1] * 3 + [0] * 2, type="s2")    # Nx counts in s2: 3 ones wrap to -1
    assert nx.mode(t).to_flat_list() == [1]


def test_mode_keep_axis_and_scalars():
    assert nx.mode(nx.tensor(7), keep_axis=True).shape == ()
    got = nx.mode(nx.tensor([[1, 2], [2, 2]], names=["x", "y"]), keep_axis=True)
    assert (got.shape, got.names, got.to_flat_list()) == ((1, 1), ("x", "y"), [2])


@pytest.mark.parametrize("name", ["median", "mode"])
def test_median_and_mode_reject_complex_and_bad_axes(name):
    with pytest.raises(TypeError_, match="does not support complex inputs"):
        getattr(nx, name)(nx.tensor([1j, 2j]))
    with pytest.raises(AxisError, match="given axis"):
        getattr(nx, name)(nx.iota((2, 2)), axis=2)
    with pytest.raises(ArgumentError, match="unknown option"):
        getattr(nx, name)(nx.iota((2, 2)), axes=[0])


# -- covariance ----------------------------------------------------------------------

@st.composite
def covariance_cases(draw, type_):
    t = data_tensor = draw(tensors(type_, st.integers(-4, 4), min_rank=2, max_rank=3, max_side=4))
    with_mean = draw(st.booleans())
    mean = None
    if with_mean:
        mshape = data_tensor.shape[:-2][draw(st.integers(0, t.rank - 2)):] + t.shape[-1:]
        flat = draw(st.lists(st.integers(-2, 2), min_size=math.prod(mshape), max_size=math.prod(mshape)))
        mean = make(type_, mshape, (None,) * len(mshape), flat)
    return t, mean, draw(st.integers(0, 2))


@pytest.mark.parametrize("type_", ["s8", "u8", "s32", "s64", "f16", "f32", "f64", "c64"])
@PER_TYPE
@given(data=st.data())
def test_covariance_matches_the_centered_product(type_, data):
    t, mean, ddof = data.draw(covariance_cases(type_))
    got = nx.covariance(t, ddof=ddof) if mean is None else nx.covariance(t, mean, ddof=ddof)
    dtype = complex if types.normalize(type_).is_complex else float
    a = np.array(t.to_flat_list(), dtype=dtype).reshape(t.shape)
    with np.errstate(all="ignore"):
        m = a.sum(axis=-2) / t.shape[-2] if mean is None else \
            np.array(mean.to_flat_list(), dtype=dtype).reshape(mean.shape)
        centered = a - m[..., None, :]
        expected = np.conj(np.swapaxes(centered, -1, -2)) @ centered / (t.shape[-2] - ddof)
    out_type = "f32" if mean is None and type_ in INTEGERS else floating(type_)
    if mean is not None and type_ in INTEGERS:
        # the deviations and their products are summed in the integer type: wrapped
        wrap = np.vectorize(lambda v: rounded(type_, v), otypes=[object])
        c = wrap(as_array(t) - as_array(mean)[..., None, :]) if t.size else as_array(t)
        sums = wrap(np.swapaxes(c, -1, -2) @ c) if c.shape[-1] else np.swapaxes(c, -1, -2) @ c
        with np.errstate(all="ignore"):
            expected = np.float32(sums.astype(float)) / np.float32(t.shape[-2] - ddof)
    assert (str(got.type), got.shape, got.names) == \
        (out_type, expected.shape, (None,) * expected.ndim)
    if not types.normalize(out_type).is_complex:
        expected = expected.real
    want = [rounded(out_type, v) for v in expected.reshape(-1)]
    if mean is not None:      # integer means: every step is exact
        assert_close(out_type, got.to_flat_list(), want, context=f"{t} {mean} {ddof}")
        return
    # the default mean rounds: within a few roundings of entries up to 64
    eps = 2.0 ** -(np.finfo(SCALAR[floating(type_)]).nmant)
    for g, e in zip(got.to_flat_list(), want):
        assert key(g) == key(e) if not np.isfinite(e) else abs(g - e) <= 8 * eps * 64, (g, e)


@given(rows=st.integers(2, 6), columns=st.integers(1, 3), seed=st.integers(0, 100), ddof=st.integers(0, 1))
def test_covariance_agrees_with_np_cov(rows, columns, seed, ddof):
    x = np.random.default_rng(seed).normal(size=(rows, columns))
    got = np.array(nx.covariance(nx.tensor(x.tolist(), type="f64"), ddof=ddof).to_flat_list())
    expected = np.atleast_2d(np.cov(x, rowvar=False, ddof=ddof)).reshape(-1)
    assert np.allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_complex_covariance_is_the_conjugate_of_np_cov():
    x = np.array([[1 + 1j, 2], [0, 1j], [3, -1j]])
    got = np.array(nx.covariance(nx.tensor(x.tolist(), type="c128")).to_list())
    assert np.allclose(got, np.conj(np.cov(x, rowvar=False, ddof=0)))
    assert not np.allclose(got, np.cov(x, rowvar=False, ddof=0))


def test_covariance_mean_batches_broadcast_and_names_drop():
    t = nx.iota((2, 3, 2), type="f32", names=["b", "n", "d"])
    got = nx.covariance(t, nx.tensor([1.0, 2.0], names=["d"]))
    assert (got.shape, got.names) == ((2, 2, 2), (None, None, None))
    assert nx.covariance(nx.iota((3, 2), type="f64"), nx.iota((4, 2), type="f64")).shape == (4, 2, 2)


@pytest.mark.parametrize("call, error, message", [
    (lambda: nx.covariance(nx.iota((3,))), ShapeError, "rank at least 2, got 1"),
    (lambda: nx.covariance(nx.iota((3,)), nx.iota((3,))), ShapeError, "rank at least 2, got 1"),
    (lambda: nx.covariance(nx.iota((3, 2)), 1.0), ShapeError, "expected mean of rank at least 1, got 0"),
    (lambda: nx.covariance(nx.iota((3, 2)), nx.iota((3,))), ShapeError, r"mean \(shape \(3,\)\)"),
    (lambda: nx.covariance(nx.iota((3, 2)), ddof=-1), ArgumentError, "non-negative integer, got -1"),
    (lambda: nx.covariance(nx.iota((3, 2)), ddof=0.5), ArgumentError, "non-negative integer"),
    (lambda: nx.covariance(nx.iota((3, 2)), axes=[0]), ArgumentError, "unknown option"),
])
def test_covariance_bad_input_raises(call, error, message):
    with pytest.raises(error, match=message):
        call()


# -- diff ----------------------------------------------------------------------------

def diff_of(type_, a, order, axis):
    """numpy's repeated difference on exact values, each step written into the type."""
    write = np.vectorize(lambda v: rounded(type_, v), otypes=[object])
    for _ in range(order):
        a = np.diff(a, axis=axis)
        a = write(a) if a.size else a
    return a


@pytest.mark.parametrize("type_", ALL)
@PER_TYPE
@given(data=st.data())
def test_diff_matches_repeated_np_diff(type_, data):
    values = scalar_values(type_)
    if type_ == "f8_e4m3fn":      # no infinities: keep differences in range
        values = scalar_values(type_, allow_nan=False, min_value=-200, max_value=200)
    t = data.draw(tensors(type_, values, min_rank=1))
    axis = data.draw(st.integers(-t.rank, t.rank - 1))
    order = data.draw(st.integers(0, t.shape[axis]))
    got = nx.diff(t, order=order, axis=axis)
    expected = diff_of(type_, as_array(t), order, axis)
    assert (got.type, got.shape, got.names) == (t.type, expected.shape, t.names)
    assert [key(v) for v in got.to_flat_list()] == [key(v) for v in expected.reshape(-1)]


def test_diff_wraps_integers_like_numpy():
    assert nx.diff(nx.tensor([5, 3, 250], type="u8")).to_list() == \
        np.diff(np.array([5, 3, 250], dtype=np.uint8)).tolist() == [254, 247]


@pytest.mark.parametrize("call, error, message", [
    (lambda: nx.diff(nx.tensor(1)), ArgumentError, "cannot compute diff of a scalar"),
    (lambda: nx.diff(nx.iota((3,)), order=-1), ArgumentError, "order must be non-negative"),
    (lambda: nx.diff(nx.iota((3,)), order=1.0), ArgumentError, "expected order to be an integer"),
    (lambda: nx.diff(nx.iota((2, 3)), axis=0, order=3), ArgumentError, r"at most the size of axis 0 \(2\)"),
    (lambda: nx.diff(nx.iota((2, 3)), axis=2), AxisError, "given axis"),
    (lambda: nx.diff(nx.iota((2, 3)), n=1), ArgumentError, "unknown option"),
])
def test_diff_bad_input_raises(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("shape, order, axis", [((5,), 1, 0), ((3, 4), 2, 1), ((4, 2), 3, 0)])
def test_diff_gradient_rule_is_the_adjoint(shape, order, axis):
    rng = np.random.default_rng(0)
    op = registry.get("diff")
    x = nx.tensor(rng.integers(-4, 5, size=shape).astype(float).tolist(), type="f64")
    out = nx.diff(x, order=order, axis=axis)
    g = nx.tensor(rng.integers(-4, 5, size=out.shape).astype(float).tolist(), type="f64")
    (gx,) = op.grad(nx, g, out, x, **op.normalize(x.spec, order=order, axis=axis))
    inner = sum(a * b for a, b in zip(g.to_flat_list(), out.to_flat_list()))
    assert gx.shape == x.shape
    assert inner == sum(a * b for a, b in zip(gx.to_flat_list(), x.to_flat_list()))


def test_statistics_ops_are_composites():
    for name in ["weighted_mean", "median", "mode", "covariance", "diff"]:
        op = registry.get(name)
        assert op.family == "statistics" and op.composite is not None
