"""Reductions on the reference backend against independent computations.

Every registry reduction is checked for every type it accepts, on hypothesis
tensors of small shapes (empty axes and rank 0 included) with names, random
``axes`` (ints, negative ints, names) and ``keep_axes``. numpy splits the
tensor into groups (moving the reduced axes last); each group's expected value
is computed exactly where it can be (Python ints, ``Fraction``) or in float64,
then rounded into the output type with ``spec.values.round_to``; results must
agree within the op's declared tolerance, exactly for integers. Where Nx and
numpy differ (tie breaks, NaN, ddof, accumulator types), the Nx rule is
written out in the expected function and pinned by explicit tests.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

import nx_ref as nx
from spec import types, values
from tests.spec.ops.test_reductions import (AXES_OPS, AXIS_OPS, OPS, axes_cases, expected_names,
                                            expected_shape, make_tensor)
from tests.support import assert_close, scalar_values, shapes

COMPOSITES = ["mean", "variance", "standard_deviation", "logsumexp"]
PRIMITIVE_AXES_OPS = ["sum", "product", "reduce_max", "reduce_min", "all", "any"]


def test_every_reduction_is_checked_here():
    assert set(PRIMITIVE_AXES_OPS) | set(AXIS_OPS) | set(COMPOSITES) | {"all_close"} == set(OPS)
    assert set(PRIMITIVE_AXES_OPS) | set(COMPOSITES) == set(AXES_OPS)


def _params(names):
    return [(n, t.name) for n in names for t in OPS[n].accepts]


# -- groups, as numpy makes them ----------------------------------------------------

def rows(flat, shape, axes):
    """Row-major groups of ``flat`` (shape ``shape``) reduced by sorted ``axes``."""
    a = np.empty(len(flat), dtype=object)
    a[:] = flat
    a = a.reshape(shape)
    axes = tuple(range(len(shape))) if axes is None else axes
    moved = np.moveaxis(a, axes, tuple(range(len(shape) - len(axes), len(shape))))
    n = int(np.prod([shape[i] for i in axes]))
    kept = int(np.prod([d for i, d in enumerate(shape) if i not in axes]))
    return [list(r) for r in moved.reshape(kept, n)]


# -- expected values of one group ------------------------------------------------------

def _to_float(q):
    try:
        return float(q)
    except OverflowError:
        return math.inf if q > 0 else -math.inf


def exact_sum(row):
    if any(v != v for v in row):
        return math.nan
    infinities = {v for v in row if math.isinf(v)}
    if infinities:
        return math.nan if len(infinities) == 2 else infinities.pop()
    return _to_float(sum(Fraction(v) for v in row))


def exact_product(row):
    if any(v != v for v in row):
        return math.nan
    if any(math.isinf(v) for v in row):
        if any(v == 0 for v in row):
            return math.nan
        return math.copysign(math.inf, math.prod(math.copysign(1.0, v) for v in row))
    return _to_float(math.prod(Fraction(v) for v in row))


def _extreme(row, t, pick):
    if not row:
        lowest = -math.inf if t.kind != "f8_e4m3fn" else -448.0
        if t.is_integer:
            lowest = -(1 << (t.bits - 1)) if t.kind == "s" else 0
            highest = (1 << (t.bits - 1)) - 1 if t.kind == "s" else (1 << t.bits) - 1
            return lowest if pick is np.max else highest
        return lowest if pick is np.max else -lowest
    if t.is_float and any(v != v for v in row):
        return math.nan
    found = pick(np.array(row, dtype=np.float64 if t.is_float else object))
    return found.item() if isinstance(found, np.generic) else found


def expected_group(name, row, t):
    if name == "sum" and not t.is_integer:
        if t.is_complex:
            return complex(exact_sum([v.real for v in row]), exact_sum([v.imag for v in row]))
        return exact_sum(row) if row else 0.0
    if name == "sum":
        return sum(row)
    if name == "product":
        return exact_product(row) if t.is_float else math.prod(row)
    if name in ("reduce_max", "reduce_min"):
        return _extreme(row, t, np.max if name == "reduce_max" else np.min)
    if name in ("all", "any"):
        nonzero = np.array(row, dtype=object) != 0
        return int(nonzero.all() if name == "all" else nonzero.any())
    raise AssertionError(name)


def expected_index(name, row, t, tie_break):
    a = np.array(row, dtype=np.float64 if t.is_float else object)
    if t.is_float and np.isnan(a).any():
        return int(np.argmax(np.isnan(a)))  # the first NaN
    pick = np.argmax if name == "argmax" else np.argmin
    if tie_break == "low":
        return int(pick(a))
    return len(row) - 1 - int(pick(a[::-1]))


# -- primitives ---------------------------------------------------------------------------

@st.composite
def tensor_cases(draw, type_, elements=None):
    shape, names, user_axes, axes, keep = draw(axes_cases())
    n = int(np.prod(shape))
    flat = draw(st.lists(elements if elements is not None else scalar_values(type_), min_size=n, max_size=n))
    return shape, names, flat, user_axes, axes, keep


def check_reduction(name, type_, case, expected_fn, **extra):
    shape, names, flat, user_axes, axes, keep = case
    op = OPS[name]
    x = make_tensor(type_, shape, names, flat)
    got = getattr(nx, name)(x, axes=user_axes, keep_axes=keep, **extra)
    want_spec = op.infer(x.spec, **op.normalize(x.spec, axes=user_axes, keep_axes=keep, **extra))
    assert got.spec == want_spec
    all_axes = tuple(range(len(shape))) if axes is None else axes
    assert got.shape == expected_shape(shape, all_axes, keep)
    assert got.names == expected_names(names, all_axes, keep)
    t = types.normalize(type_)
    groups = rows(x.to_flat_list(), shape, axes)
    expected = [values.round_to(got.type, expected_fn(r, t)) for r in groups]
    context = f"nx.{name} {type_}{shape} axes={user_axes} keep_axes={keep} {extra}"
    ulps = op.tolerance.get(got.type.name, 0)
    assert_close(got.type, nx.to_flat_list(got), expected, ulps=ulps, context=context)


@pytest.mark.parametrize("name,type_", [p for p in _params(PRIMITIVE_AXES_OPS)
                                        if not (p[0] == "product" and p[1] in ("c64", "c128"))])
@given(data=st.data())
def test_primitive_reductions(name, type_, data):
    case = data.draw(tensor_cases(type_))
    check_reduction(name, type_, case, lambda r, t: expected_group(name, r, t))


@pytest.mark.parametrize("type_", ["c64", "c128"])
@given(data=st.data())
def test_complex_product(type_, data):
    # Gaussian integers: the exact product is known, and no part underflows;
    # compared relative to the product's magnitude (parts may cancel).
    parts = st.integers(-2, 2)
    case = data.draw(tensor_cases(type_, st.builds(complex, parts, parts)))
    shape, names, flat, user_axes, axes, keep = case
    got = nx.product(make_tensor(type_, shape, names, flat), axes=user_axes, keep_axes=keep)
    eps = types.epsilon(type_) * OPS["product"].tolerance[type_]
    for g, row in zip(nx.to_flat_list(got), rows(flat, shape, axes)):
        exact = _gaussian_product(row)
        assert abs(g - exact) <= eps * abs(exact), (row, g, exact)


def _gaussian_product(row):
    re, im = 1, 0
    for v in row:
        re, im = re * int(v.real) - im * int(v.imag), re * int(v.imag) + im * int(v.real)
    return complex(re, im)


@st.composite
def axis_cases(draw, type_):
    shape = draw(shapes(max_rank=3, min_side=1))
    names = tuple(draw(st.sampled_from([None, f"n{i}"])) for i in range(len(shape)))
    flat = draw(st.lists(scalar_values(type_), min_size=int(np.prod(shape)),
                         max_size=int(np.prod(shape))))
    axis = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1))) if shape else None
    if axis is not None and names[axis] and draw(st.booleans()):
        axis = names[axis]
    opts = dict(axis=axis, keep_axis=draw(st.booleans()),
                tie_break=draw(st.sampled_from(["low", "high"])),
                type=draw(st.sampled_from(["s32", "u8", "s64"])))
    return shape, names, flat, opts


@pytest.mark.parametrize("name,type_", _params(AXIS_OPS))
@given(data=st.data())
def test_arg_reductions(name, type_, data):
    shape, names, flat, opts = data.draw(axis_cases(type_))
    op = OPS[name]
    x = make_tensor(type_, shape, names, flat)
    got = getattr(nx, name)(x, **opts)
    assert got.spec == op.infer(x.spec, **op.normalize(x.spec, **opts))
    axis = opts["axis"]
    if axis is None:
        groups = [x.to_flat_list()]
    else:
        axis = names.index(axis) if isinstance(axis, str) else axis % len(shape)
        groups = rows(x.to_flat_list(), shape, (axis,))
    t = types.normalize(type_)
    assert nx.to_flat_list(got) == [expected_index(name, g, t, opts["tie_break"]) for g in groups]


# -- explicit pins where Nx and numpy differ -------------------------------------------------

def test_integer_accumulators_widen_and_wrap():
    assert nx.to_number(nx.sum(nx.tensor([100, 100, 100], type="s8"))) == 300
    assert nx.sum(nx.tensor([255, 255], type="u8")).type == "u32"
    big = nx.tensor([2 ** 31 - 1, 1], type="s32")
    assert nx.to_number(nx.sum(big)) == -(2 ** 31)  # s32 wraps; numpy would widen to int64
    assert nx.product(nx.tensor([2 ** 32 - 1, 2 ** 32 - 1], type="u64")).type == "s64"
    assert nx.to_number(nx.product(nx.tensor([65536, 65536], type="u32"))) == 0


def test_nan_and_empty_rules():
    nan = float("nan")
    t = nx.tensor([[1.0, nan], [3.0, -1.0]])
    assert math.isnan(nx.reduce_max(t, axes=[1]).to_list()[0])
    assert nx.reduce_min(t, axes=[0]).to_list()[0] == 1.0
    assert nx.to_number(nx.argmax(nx.tensor([nan, 5.0, nan]), tie_break="high")) == 0
    empty = nx.iota((0, 3), type="f32")
    assert nx.reduce_max(empty, axes=[0]).to_list() == [-math.inf] * 3
    assert nx.reduce_min(nx.iota((2, 0), type="s8"), axes=[1]).to_list() == [127, 127]
    assert nx.to_number(nx.sum(empty)) == 0.0 and nx.to_number(nx.product(empty)) == 1.0
    assert nx.to_number(nx.all(empty)) == 1 and nx.to_number(nx.any(empty)) == 0


def test_sum_of_one_million_f32_stays_fast():
    # not a timed assertion: the whole-tensor path hands the array straight to fsum
    t = nx.iota((1000, 1000), type="f32")
    assert nx.to_number(nx.sum(t)) == values.round_to("f32", sum(range(10 ** 6)))
    assert nx.sum(t, axes=[0]).to_list()[:2] == [values.round_to("f32", sum(range(i, 10 ** 6, 1000)))
                                                  for i in (0, 1)]


# -- composites ----------------------------------------------------------------------------

def _small(type_):
    """Small integer values of the type (exact in every type), as Python values."""
    t = types.normalize(type_)
    lo, hi = (-4, 4) if not t.is_integer else (max(-4, types.min_finite(t)), min(4, types.max_finite(t)))
    ints = st.integers(lo, hi)
    if t.is_integer:
        return ints
    if t.is_complex:
        return st.builds(complex, ints, ints)
    return ints.map(float)


def _nan(t):
    return complex(math.nan, math.nan) if t.is_complex else math.nan


class Steps:
    """Nx's definitions of the statistics, one step at a time, each step rounded
    into its type (what the composites promise: "computed as Nx does")."""

    def __init__(self, t):
        self.t, self.f = t, types.to_floating(t)

    def r(self, value):
        return values.round_to(self.f, value)

    def total(self, row):
        if self.f.is_complex:
            return complex(exact_sum([v.real for v in row]), exact_sum([v.imag for v in row]))
        return exact_sum(row) if row else 0.0

    def div(self, a, n):
        if n == 0:
            return _nan(self.f) if a == 0 or self.f.is_complex else math.copysign(math.inf, a)
        return self.r(a / n)

    def mean(self, row):
        s = values.round_to(types.to_aggregate(self.t), self.total(row) if not self.t.is_integer else sum(row))
        return self.div(self.r(s), len(row))

    def variance(self, row, ddof):
        m = self.mean(row)
        squares = [self.r(d * d) for d in (self.r(v - m) for v in row)]
        return self.div(self.r(self.total(squares)), len(row) - ddof)

    def std(self, row, ddof):
        v = self.variance(row, ddof)
        return self.r(math.sqrt(v) if v == v else v)

    def logsumexp(self, row, factor=1.0):
        row = [self.r(v) for v in row]
        top = max(row, default=-math.inf)
        top = 0.0 if math.isinf(top) else top
        exps = [self.r(factor * self.r(math.exp(self.r(v - top)))) for v in row]
        s = self.r(self.total(exps))
        return self.r(self.r(math.log(s) if s > 0 else -math.inf if s == 0 else math.nan) + top)


@pytest.mark.parametrize("name,type_", _params(COMPOSITES))
@given(data=st.data())
def test_composites(name, type_, data):
    case = data.draw(tensor_cases(type_, _small(type_)))
    ddof = data.draw(st.sampled_from([0, 1]))
    extra = {"ddof": ddof} if name in ("variance", "standard_deviation") else {}
    if name == "standard_deviation" and types.normalize(type_).is_complex:
        # sqrt's branch cut makes the sign of a zero imaginary part of the variance
        # decide the result: check the composition, the variance is checked above
        shape, names, flat, user_axes, axes, keep = case
        x = make_tensor(type_, shape, names, flat)
        opts = dict(axes=user_axes, keep_axes=keep, ddof=ddof)
        got = nx.standard_deviation(x, **opts)
        assert_close(type_, nx.to_flat_list(got), nx.to_flat_list(nx.sqrt(nx.variance(x, **opts))))
        return
    fn = {"mean": lambda r, t: Steps(t).mean(r),
          "variance": lambda r, t: Steps(t).variance(r, ddof),
          "standard_deviation": lambda r, t: Steps(t).std(r, ddof),
          "logsumexp": lambda r, t: Steps(t).logsumexp(r)}[name]
    check_reduction(name, type_, case, fn, **extra)


@pytest.mark.parametrize("type_", ["s16", "f32", "f64"])
@given(data=st.data())
def test_statistics_match_numpy_on_well_conditioned_data(type_, data):
    shape = tuple(data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    n = int(np.prod(shape))
    flat = data.draw(st.lists(st.integers(-100, 100), min_size=n, max_size=n))
    x = make_tensor(type_, shape, None, flat)
    a = np.array(flat, dtype=np.float64).reshape(shape)
    axis = data.draw(st.integers(0, len(shape) - 1))
    ddof = data.draw(st.sampled_from([0, 1]))
    assume(shape[axis] > ddof)
    out = types.to_floating(type_)
    checks = [(nx.mean(x, axes=[axis]), np.mean(a, axis=axis), 1),
              (nx.variance(x, axes=[axis], ddof=ddof), np.var(a, axis=axis, ddof=ddof), 2),
              (nx.standard_deviation(x, axes=[axis], ddof=ddof), np.std(a, axis=axis, ddof=ddof), 2)]
    for got, want, ulps in checks:
        want = [values.round_to(out, float(w)) for w in np.ravel(want)]
        assert_close(out, nx.to_flat_list(got), want, ulps=ulps, context=f"{got.shape} {type_}")
    # logsumexp is max + log(sum), with log(sum) >= 0 known to about one ULP of 1,
    # so it is accurate to a few ULPs of max(1, |max|), not of a result near 0
    got = nx.to_flat_list(nx.logsumexp(x, axes=[axis]))
    want = np.logaddexp.reduce(a, axis=axis).ravel()
    scale = np.maximum(1.0, np.abs(np.max(a, axis=axis))).ravel()
    assert np.all(np.abs(np.array(got) - want) <= 4 * types.epsilon(out) * scale), (got, want)


@pytest.mark.parametrize("type_", ["f32", "f64"])
@given(data=st.data())
def test_logsumexp_is_stable_and_scaled(type_, data):
    # values far beyond exp's range: the maximum is subtracted first
    shape = data.draw(shapes(max_rank=2, min_side=1))
    n = int(np.prod(shape))
    flat = data.draw(st.lists(scalar_values(type_, allow_nan=False, allow_infinity=False,
                                            min_value=-1e4, max_value=1e4), min_size=n, max_size=n))
    factor = data.draw(st.sampled_from([0.5, 2.0, 3.0]))
    x = make_tensor(type_, shape, None, flat)
    got = nx.logsumexp(x, exp_scaling_factor=factor)
    want = Steps(types.normalize(type_)).logsumexp(x.to_flat_list(), factor)
    assert_close(type_, nx.to_flat_list(got), [want], ulps=OPS["logsumexp"].tolerance[type_])


def test_logsumexp_of_small_integers_does_not_wrap():
    # Nx subtracts the maximum in the input's type, where s8 wraps; here the
    # input is converted to floating point first
    got = nx.to_number(nx.logsumexp(nx.tensor([-128, 127], type="s8")))
    assert abs(got - (127 + math.log1p(math.exp(-255)))) < 1e-4
    assert nx.to_number(nx.logsumexp(nx.tensor([float("inf"), 1.0]))) == math.inf
    assert nx.to_number(nx.logsumexp(nx.tensor([-math.inf, -math.inf]))) == -math.inf


def test_variance_ddof_and_complex_square():
    t = nx.tensor([1.0, 2.0, 3.0, 4.0])
    assert nx.to_number(nx.variance(t, ddof=1)) == pytest.approx(np.var([1, 2, 3, 4], ddof=1))
    z = nx.tensor([1j, -1j])
    # Nx squares the deviations as complex numbers: ((i)^2 + (-i)^2) / 2 = -1, where numpy gives 1
    assert nx.to_number(nx.variance(z)) == -1 + 0j


# -- all_close --------------------------------------------------------------------------

def _margin(t):
    return 0.6 if t.bits == 8 and not t.is_integer else 0.01


@pytest.mark.parametrize("type_", [t.name for t in types.ALL_TYPES])
@given(data=st.data())
def test_all_close(type_, data):
    t = types.normalize(type_)
    finite = not t.is_float
    elements = scalar_values(t, allow_nan=not finite, allow_infinity=not finite)
    shape = data.draw(shapes(max_rank=2))
    n = int(np.prod(shape))
    a = data.draw(st.lists(elements, min_size=n, max_size=n))
    b = [data.draw(st.one_of(st.just(v), elements)) for v in a]
    opts = dict(rtol=data.draw(st.sampled_from([1e-5, 1e-2])), atol=data.draw(st.sampled_from([1e-8, 1.0])),
                equal_nan=data.draw(st.booleans()))
    xa, xb = make_tensor(type_, shape, None, a), make_tensor(type_, shape, None, b)
    va, vb = xa.to_flat_list(), xb.to_flat_list()
    dtype = np.complex128 if t.is_complex else np.float64
    na, nb = np.array(va, dtype=dtype), np.array(vb, dtype=dtype)
    with np.errstate(all="ignore"):
        bound = opts["atol"] + opts["rtol"] * np.abs(nb)
        diff = np.abs(na - nb)
    finite_pairs = np.isfinite(diff) & np.isfinite(bound)
    assume(not np.any(finite_pairs & (diff > 0) & (np.abs(diff - bound) <= _margin(t) * bound)))
    want = int(np.allclose(na, nb, **opts)) if n else 1
    got = nx.all_close(xa, xb, **opts)
    assert got.spec == OPS["all_close"].infer(xa.spec, xb.spec)
    assert nx.to_number(got) == want, (va, vb, opts)


def test_all_close_mixed_types_and_broadcast():
    a = nx.tensor([[1.0, 2.0], [1.0, 2.0]], names=["x", None])
    assert nx.to_number(nx.all_close(a, nx.tensor([1, 2], type="s8"))) == 1
    assert nx.to_number(nx.all_close(a, 1.0)) == 0
    assert nx.to_number(nx.all_close(nx.tensor([-128, 127], type="s8"), nx.tensor([-128, 127], type="s8"))) == 1
    # compared in f64, where Nx's integer subtraction would wrap around (and find them close)
    assert nx.to_number(nx.all_close(nx.tensor([-128], type="s8"), nx.tensor([0], type="s8"))) == 0
    assert nx.to_number(nx.all_close(nx.tensor([0], type="u4"), nx.tensor([15], type="u4"), atol=1.0)) == 0

