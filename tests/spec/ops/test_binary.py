"""Binary element-wise ops, walked from the registry: every op against an
independent computation (numpy in float64/complex128, Python integers), for
every accepted type, mixed type pairs and Python numbers, on broadcast shapes
with names; then Nx's rules where they differ from numpy, errors, special
cases and gradient rules."""

from __future__ import annotations

import builtins
import cmath
import math
import operator
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import nx_ref as nx
from spec import registry, types, values
from spec.errors import ArgumentError, NameError_, ShapeError, TypeError_
from spec.registry import TensorSpec
from tests.support import assert_close, scalar_values, shapes

BINARY = sorted(n for n, op in registry.all_ops().items()
                if op.family == "elementwise" and op.extras.get("arity") == 2)
EXAMPLES = max(5, settings.default.max_examples // 6)


# -- building and reading tensors -------------------------------------------------

def make(type_, shape, names, flat):
    """A reference tensor from flat Python values (empty shapes included)."""
    spec = TensorSpec(types.normalize(type_), tuple(shape), tuple(names))
    return nx.default_backend().from_values(spec, list(flat))


def wrap(v, type_):
    """Two's complement wrap, written independently of spec.values."""
    t = types.normalize(type_)
    mod = 1 << t.bits
    v %= mod
    return v - mod if t.kind == "s" and v >= mod // 2 else v


def expected_round(type_, v):
    t = types.normalize(type_)
    return wrap(int(v), t) if t.is_integer else values.round_to(t, v)


# -- independent references --------------------------------------------------------
# Each takes both operands already in the op's computation type (ctype) and
# returns the exact or float64/complex128 result; the test rounds it into the
# output type. Logical ops take the raw values (their truth must survive).

def _np(fn):
    def ref(a, b, ctype):
        if ctype.is_complex:
            return complex(fn(np.complex128(a), np.complex128(b)))
        return float(fn(np.float64(a), np.float64(b)))
    return ref


def _either(int_fn, float_fn):
    def ref(a, b, ctype):
        return int_fn(a, b, ctype) if ctype.is_integer else float_fn(a, b, ctype)
    return ref


def _exact_complex(fn, np_fn):
    """Complex multiply and divide computed exactly (Fractions) on finite
    values, then rounded; numpy's IEEE results otherwise."""
    def ref(a, b, ctype):
        if not ctype.is_complex:
            return _np(np_fn)(a, b, ctype)
        a, b = complex(a), complex(b)
        if fn is _exact_div and b.imag == 0 and b.real != 0 and math.isfinite(b.real) \
                and not cmath.isfinite(a):
            # a real divisor divides each component (C99 Annex G): (inf+0j)/1 is inf+0j
            return complex(np.float64(a.real) / b.real, np.float64(a.imag) / b.real)
        if not (cmath.isfinite(a) and cmath.isfinite(b)) or (fn is _exact_div and b == 0):
            return _np(np_fn)(a, b, ctype)
        re, im = fn(*(Fraction(v) for v in (a.real, a.imag, b.real, b.imag)))
        return complex(_to_float(re), _to_float(im))
    return ref


def _to_float(fraction):
    try:
        return float(fraction)
    except OverflowError:
        return math.inf if fraction > 0 else -math.inf


def _exact_mul(ar, ai, br, bi):
    return ar * br - ai * bi, ar * bi + ai * br


def _exact_div(ar, ai, br, bi):
    den = br * br + bi * bi
    return (ar * br + ai * bi) / den, (ai * br - ar * bi) / den


def _int(fn):
    return lambda a, b, ctype: fn(a, b)


def _trunc(a, b):
    return math.trunc(Fraction(a, b))


def _quotient(a, b, ctype):
    return -1 if b == 0 else _trunc(a, b)  # XLA: x / 0 == -1


def _remainder(a, b, ctype):
    return a if b == 0 else a - b * _trunc(a, b)  # XLA: x % 0 == x


def _int_pow(a, b, ctype):
    if b >= 0:
        return pow(a, b, 1 << ctype.bits)
    return {1: 1, -1: -1 if b % 2 else 1}.get(a, 0)


def _atan2(a, b, ctype):
    if not ctype.is_complex:
        return float(np.arctan2(np.float64(a), np.float64(b)))
    y, x = np.complex128(a), np.complex128(b)
    if y.imag == 0 and x.imag == 0:
        return complex(float(np.arctan2(y.real, x.real)), 0.0)
    return complex(-1j * np.log((x + 1j * y) / np.sqrt(x * x + y * y)))


def _signed_zero_fix(fn, prefer_positive):
    def ref(a, b, ctype):
        r = fn(a, b, ctype)
        if a == 0 and b == 0 and not ctype.is_integer:
            signs = {math.copysign(1.0, a), math.copysign(1.0, b)}
            return (0.0 if prefer_positive else -0.0) if len(signs) == 2 else r
        return r
    return ref


def _left_shift(a, b, ctype):
    return a * 2 ** b if 0 <= b < ctype.bits else 0


def _right_shift(a, b, ctype):
    return a // 2 ** b if 0 <= b < ctype.bits else (-1 if a < 0 else 0)


def _compare(int_op, np_op):
    def ref(a, b, ctype):
        if ctype.is_integer:
            return int(int_op(a, b))
        convert = np.complex128 if ctype.is_complex else np.float64
        return int(np_op(convert(a), convert(b)))
    return ref


def _logical(np_op):
    return lambda a, b, ctype: int(np_op(np.asarray(a), np.asarray(b)))


REFERENCES = {
    "add": _either(_int(operator.add), _np(np.add)),
    "subtract": _either(_int(operator.sub), _np(np.subtract)),
    "multiply": _either(_int(operator.mul), _exact_complex(_exact_mul, np.multiply)),
    "divide": _exact_complex(_exact_div, np.divide),
    "quotient": _quotient,
    "remainder": _either(_remainder, _np(np.fmod)),
    "pow": _either(_int_pow, _np(np.power)),
    "atan2": _atan2,
    "max": _signed_zero_fix(_either(_int(max), _np(np.maximum)), True),
    "min": _signed_zero_fix(_either(_int(min), _np(np.minimum)), False),
    "complex": lambda a, b, ctype: complex(a, b),
    "bitwise_and": _int(operator.and_),
    "bitwise_or": _int(operator.or_),
    "bitwise_xor": _int(operator.xor),
    "left_shift": _left_shift,
    "right_shift": _right_shift,
    "equal": _compare(operator.eq, np.equal),
    "not_equal": _compare(operator.ne, np.not_equal),
    "greater": _compare(operator.gt, np.greater),
    "less": _compare(operator.lt, np.less),
    "greater_equal": _compare(operator.ge, np.greater_equal),
    "less_equal": _compare(operator.le, np.less_equal),
    "logical_and": _logical(np.logical_and),
    "logical_or": _logical(np.logical_or),
    "logical_xor": _logical(np.logical_xor),
}
RAW_INPUTS = {"logical_and", "logical_or", "logical_xor"}


# Complex results of multiply, divide, pow and atan2 are compared normwise (the
# error relative to the largest component, in ULPs of the component type; see
# normwise_close): a component much smaller than the other carries the
# cancellation error of the whole.
NORMWISE = {"multiply", "divide", "pow", "atan2"}


# Complex pow and atan2 draw moderate values, where they are well conditioned
# and numpy's complex128 functions are an accurate reference (their special
# values are pinned by the special cases and the tests below).
MODERATE = {"pow", "atan2"}


def _c128_safe_part():
    """f64 values whose products and squares neither overflow nor underflow, and
    the special values: c128 multiply and divide are exact up to rounding there
    (past that their formulas overflow or underflow on the way, as numpy's do)."""
    magnitude = st.floats(1e-150, 1e150)
    return st.one_of(magnitude, magnitude.map(operator.neg),
                     st.sampled_from([0.0, -0.0, math.inf, -math.inf, math.nan]))


def value_strategy(name, type_, merged):
    """Values drawn for an operand of ``type_`` when the operands merge into ``merged``."""
    t = types.normalize(type_)
    if name in ("multiply", "divide") and merged == "c128" and t.is_floating:
        part = _c128_safe_part()
        return st.builds(complex, part, part) if t.is_complex else part
    if name in MODERATE and types.normalize(merged).is_complex:
        if t.is_integer:
            return st.integers(builtins.max(types.min_finite(t), -4), builtins.min(types.max_finite(t), 4))
        part = st.floats(-4, 4, width=32).filter(lambda v: abs(v) > 1e-2)
        return st.builds(complex, part, part) if t.is_complex else part
    return scalar_values(t)


# -- the type pairs ------------------------------------------------------------------

TYPES = [t.name for t in types.ALL_TYPES]
MIXED = [("u8", "s8"), ("s16", "f16"), ("f16", "bf16"), ("f32", "c64"), ("u64", "s64"),
         ("s32", "f64"), ("f8", "f8_e4m3fn"), ("u4", "s2"), ("bf16", "c128"), ("u32", "f32"),
         ("u2", "u16"), ("s4", "u8")]
NUMBERS = [("u8", int), ("s8", int), ("u16", float), ("f16", float), ("bf16", int),
           ("f32", float), ("f64", complex), ("c64", float), ("s64", int)]


def accepts(name, *type_names):
    op = registry.get(name)
    ts = [types.normalize(t) for t in type_names]
    merged = ts[0]
    for t in ts[1:]:
        merged = types.merge(merged, t)
    return all(t in op.accepts for t in ts + [merged])


def cases():
    for name in BINARY:
        for t in TYPES:
            if accepts(name, t):
                yield name, t, t
        for lt, rt in MIXED:
            if accepts(name, lt, rt):
                yield name, lt, rt


def number_cases():
    for name in BINARY:
        for t, kind in NUMBERS:
            if accepts(name, t):
                yield name, t, kind


@st.composite
def operand_shapes(draw):
    """Two broadcast-compatible shapes with non-conflicting names, and the
    expected output shape and names."""
    out = draw(shapes(max_rank=3, max_side=3))
    pool = draw(st.permutations(["a", "b", "c"]))
    out_names = [draw(st.sampled_from([None, pool[i]])) for i in range(len(out))]

    def operand():
        rank = draw(st.integers(0, len(out)))
        axes = range(len(out) - rank, len(out))
        shape = tuple(out[i] if draw(st.booleans()) else 1 for i in axes)
        names = tuple(out_names[i] if draw(st.booleans()) else None for i in axes)
        return shape, names

    (ls, ln), (rs, rn) = operand(), operand()
    shape = tuple(np.broadcast_shapes(ls, rs))
    rank = len(shape)
    lpad, rpad = (None,) * (rank - len(ln)) + ln, (None,) * (rank - len(rn)) + rn
    return (ls, ln), (rs, rn), (shape, tuple(l or r for l, r in zip(lpad, rpad)))


def _expected(name, op, out, x, y):
    """The reference result of op on tensors x and y, flat, in out's type."""
    xt, yt = x.type, y.type
    ctype = op.extras["compute_type"](types.merge(xt, yt))
    ref = REFERENCES[name]
    xs = np.arange(x.size).reshape(x.shape)
    ys = np.arange(y.size).reshape(y.shape)
    xi, yi = (a.reshape(-1) for a in np.broadcast_arrays(xs, ys))
    xv, yv = x.to_flat_list(), y.to_flat_list()
    res = []
    with np.errstate(all="ignore"):
        for i, j in zip(xi.tolist(), yi.tolist()):
            a, b = xv[i], yv[j]
            if name not in RAW_INPUTS:
                a, b = values.cast(a, xt, ctype), values.cast(b, yt, ctype)
            res.append(expected_round(out.type, ref(a, b, ctype)))
    return res


def normwise_close(type_, g, e, ulps, angle=False):
    """Whether complex g is within ``ulps`` of e relative to e's largest component
    (to max(that, 1) for an angle), give or take the smallest normal value (the
    formulas underflow on the way) and an overflow right at the largest value."""
    part = types.to_real(type_)
    eps, tiny, big = types.epsilon(part), types.smallest_positive_normal(part), types.max_finite(part)
    pairs = [(g.real, e.real), (g.imag, e.imag)]
    if not all(math.isfinite(c) for _, c in pairs):
        return False
    scale = builtins.max(abs(e.real), abs(e.imag), 1.0 if angle else 0.0)
    for gc, ec in pairs:
        if not math.isfinite(gc):
            if gc != gc or abs(ec) * (1 + ulps * eps) < big or math.copysign(1, gc) != math.copysign(1, ec):
                return False
        elif abs(gc - ec) > ulps * eps * scale + tiny:
            return False
    return True


def compare(name, got, expected, context):
    op = registry.get(name)
    ulps = op.tolerance.get(got.type.name, 0)
    flat = got.to_flat_list()
    if name in NORMWISE and got.type.is_complex:
        for i, (g, e) in enumerate(zip(flat, expected)):
            if cmath.isfinite(e):
                assert normwise_close(got.type, g, e, ulps, name == "atan2"), \
                    f"{context}: element {i}: {g!r} != {e!r}"
            else:
                assert_close(got.type, [g], [e], ulps, context)
        return
    assert_close(got.type, flat, expected, ulps, context)


def check(name, x, y, shape=None, names=None):
    op = registry.get(name)
    got = getattr(nx, name)(x, y)
    spec = op.infer(x.spec, y.spec)
    assert (got.type, got.shape, got.names) == (spec.type, spec.shape, spec.names)
    if shape is not None:
        assert (got.shape, got.names) == (shape, names)
    compare(name, got, _expected(name, op, got, x, y), f"nx.{name}({x.type}, {y.type})")


# -- the registry-driven tests --------------------------------------------------------

def test_every_binary_op_has_a_reference():
    assert set(REFERENCES) == set(BINARY)


@pytest.mark.parametrize("name, lt, rt", list(cases()))
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_against_reference(name, lt, rt, data):
    (ls, ln), (rs, rn), (shape, names) = data.draw(operand_shapes())
    merged = types.merge(lt, rt)
    lv = data.draw(st.lists(value_strategy(name, lt, merged), min_size=math.prod(ls), max_size=math.prod(ls)))
    rv = data.draw(st.lists(value_strategy(name, rt, merged), min_size=math.prod(rs), max_size=math.prod(rs)))
    check(name, make(lt, ls, ln, lv), make(rt, rs, rn, rv), shape, names)


@pytest.mark.parametrize("name, type_name, kind", list(number_cases()))
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_with_python_numbers(name, type_name, kind, data):
    op = registry.get(name)
    shape = data.draw(shapes(max_rank=2, max_side=3))
    merged = types.binary_type(type_name, kind(1))
    flat = data.draw(st.lists(value_strategy(name, type_name, merged), min_size=math.prod(shape),
                              max_size=math.prod(shape)))
    t = make(type_name, shape, (None,) * len(shape), flat)
    number = data.draw({int: st.integers(-300, 300), float: st.floats(-1e4, 1e4),
                        complex: st.complex_numbers(max_magnitude=1e4)}[kind])
    if name in MODERATE and merged.is_complex:
        number = data.draw(value_strategy(name, types.infer(kind(1)), merged))
    for args in ((t, number), (number, t)):
        merged = types.binary_type(*[a.type if isinstance(a, nx.Tensor) else a for a in args])
        if merged not in op.accepts:
            with pytest.raises(TypeError_):
                getattr(nx, name)(*args)
            continue
        literal = make(merged, (), (), [values.coerce(merged, number)])
        got = getattr(nx, name)(*args)
        assert got.type == op.infer(*[a.spec if isinstance(a, nx.Tensor) else a for a in args]).type
        tensors = [literal if a is number else a for a in args]
        compare(name, got, _expected(name, op, got, *tensors),
                f"nx.{name}{tuple(str(getattr(a, 'type', a)) for a in args)}")


@pytest.mark.parametrize("name", BINARY)
def test_rejected_types_raise(name):
    op = registry.get(name)
    rejected = [t for t in types.ALL_TYPES if t not in op.accepts]
    for t in rejected:
        x = make(t, (2,), (None,), [values.coerce(t, 1)] * 2)
        with pytest.raises(TypeError_, match=str(t)) as info:
            getattr(nx, name)(x, x)
        message = str(info.value)
        if op.accepts == types.INTEGER_TYPES:
            assert "integer tensors as inputs" in message
        elif t.is_complex:
            assert f"nx.{name}/2 does not support complex inputs" in message


@pytest.mark.parametrize("name", BINARY)
def test_mismatched_shapes_and_names_raise(name):
    t = registry.get(name).accepts[-1]
    one = values.coerce(t, 1)
    with pytest.raises(ShapeError, match=r"cannot broadcast tensor of dimensions \(4, 2, 5\) to \(3, 2, 5\)"):
        getattr(nx, name)(make(t, (4, 2, 5), (None,) * 3, [one] * 40),
                          make(t, (3, 2, 5), (None,) * 3, [one] * 30))
    with pytest.raises(NameError_, match="cannot merge name 'batch' on axis 0 with name 'time' on axis 0"):
        getattr(nx, name)(make(t, (1, 2), ("batch", "x"), [one] * 2),
                          make(t, (3, 2), ("time", "x"), [one] * 6))


SPECIAL_TYPES = ("f32", "f64", "f16", "bf16")


def _special_inputs():
    for name in BINARY:
        for (a, b), expected in registry.get(name).special_cases:
            yield name, a, b, expected


def same_value(got, expected):
    if isinstance(expected, complex) or isinstance(got, complex):
        got, expected = complex(got), complex(expected)
        return same_value(got.real, expected.real) and same_value(got.imag, expected.imag)
    if isinstance(expected, float) and expected != expected:
        return got != got
    return got == expected and math.copysign(1, got) == math.copysign(1, expected)


@pytest.mark.parametrize("name, a, b, expected", list(_special_inputs()))
def test_special_cases(name, a, b, expected):
    integer = isinstance(a, int) and isinstance(b, int)
    candidates = ("s8", "s32", "u64" if a >= 0 and b >= 0 else "s64") if integer else SPECIAL_TYPES
    for t in [t for t in candidates if all(same_value(values.round_to(t, v), v) for v in (a, b))]:
        got = getattr(nx, name)(make(t, (), (), [values.coerce(t, a)]), make(t, (), (), [values.coerce(t, b)]))
        want = expected if got.type == "u8" and isinstance(expected, int) else expected_round(got.type, expected)
        assert same_value(got.to_number(), want), f"nx.{name}({a!r}, {b!r}) in {t}: {got.to_number()!r} != {want!r}"


# -- Nx's rules where numpy differs ---------------------------------------------------

def t(data, type_=None, names=None):
    return nx.tensor(data, type=type_, names=names)


def test_integer_divide_returns_floats():
    got = nx.divide(t([1, 2, 3], "s32"), t([2, 2, 2], "u8"))
    assert (str(got.type), got.to_list()) == ("f32", [0.5, 1.0, 1.5])
    assert str(nx.divide(t([1], "s64"), 2).type) == "f32"  # numpy would give float64
    assert str(nx.divide(t([1], "u8"), t([1.0], "f16")).type) == "f16"


def test_integer_division_by_zero_follows_xla():
    assert nx.quotient(t([7, -7, 0], "s8"), 0).to_list() == [-1, -1, -1]
    assert nx.quotient(t([7], "u8"), 0).to_list() == [255]
    assert nx.remainder(t([7, -7, 0], "s8"), 0).to_list() == [7, -7, 0]
    assert nx.quotient(t([-128], "s8"), -1).to_list() == [-128]
    assert nx.remainder(t([-128], "s8"), -1).to_list() == [0]


def test_quotient_truncates_and_remainder_follows_the_dividend():
    # numpy's floor_divide and remainder round toward -inf instead
    assert nx.quotient(t([-7, 7, -7]), t([2, -2, -2])).to_list() == [-3, -3, 3]
    assert nx.remainder(t([-7, 7, -7]), t([3, -3, -3])).to_list() == [-1, 1, -1]
    assert nx.remainder(t([-7.5, 7.5]), t([2.0, -2.0])).to_list() == [-1.5, 1.5]
    assert np.remainder(-7, 3) == 2 and np.floor_divide(-7, 2) == -4


def test_comparisons_return_u8_and_compare_in_the_merged_type():
    got = nx.less(t([1, 2, 3]), 2)
    assert (str(got.type), got.to_list()) == ("u8", [1, 0, 0])
    # 16777217 becomes 16777216.0 in f32, the merged type
    assert nx.equal(t([16777217], "s32"), t([16777216.0], "f32")).to_list() == [1]
    assert nx.greater(t([255], "u8"), t([-1], "s8")).to_list() == [1]
    nan = float("nan")
    assert nx.not_equal(t([nan, 1.0]), t([nan, nan])).to_list() == [1, 1]
    assert nx.equal(t([nan]), t([nan])).to_list() == [0]


def test_logical_ops_read_truth_before_converting():
    # 1e-30 is nonzero in bf16 but would round to zero in f16, the merged type
    tiny = t([1e-30, 0.0, float("nan"), -0.0], "bf16")
    ones = t([1.0, 1.0, 1.0, 1.0], "f16")
    assert nx.logical_and(tiny, ones).to_list() == [1, 0, 1, 0]
    assert nx.logical_xor(t([0j, 1j]), t([0, 0])).to_list() == [0, 1]


def test_integer_pow():
    assert nx.pow(t([2, 3, -2], "s8"), t([7, 5, 7], "s8")).to_list() == [-128, -13, -128]  # wraps
    assert nx.pow(t([2, 1, -1, -1, 0, 5]), t([-1, -5, -3, -4, -2, 0])).to_list() == [0, 1, -1, 1, 0, 1]
    assert nx.pow(t([3], "u64"), t([2 ** 63], "u64")).to_list() == [pow(3, 2 ** 63, 2 ** 64)]


def test_float_pow_special_values():
    inf, nan = float("inf"), float("nan")
    got = nx.pow(t([0.0, -0.0, -8.0, 2.0, -2.0, nan, 1.0], "f64"),
                 t([-3.0, -3.0, 1 / 3, 2000.0, 2001.0, 0.0, nan], "f64")).to_list()
    assert got[:2] == [inf, -inf] and got[2] != got[2] and got[3:] == [inf, -inf, 1.0, 1.0]


def test_complex_pow_of_zero():
    got = nx.pow(t([0j, 0j, 0j, 0j]), t([0j, 2 + 1j, -1 + 0j, 1j])).to_list()
    assert got[:2] == [1, 0] and all(v != v for v in got[2:])


def test_shifts():
    s8, u8 = "s8", "u8"
    assert nx.right_shift(t([-128, -1, 64], s8), t([1, 1, 1], s8)).to_list() == [-64, -1, 32]
    assert nx.right_shift(t([128, 255], u8), t([1, 4], u8)).to_list() == [64, 15]  # logical
    assert nx.left_shift(t([1, 3, 1], s8), t([7, 7, 8], s8)).to_list() == [-128, -128, 0]
    assert nx.left_shift(t([1, -1], s8), t([-1, 100], s8)).to_list() == [0, 0]
    assert nx.right_shift(t([-5, 5], s8), t([-1, 8], s8)).to_list() == [-1, 0]
    assert nx.left_shift(t([1, 1], "s4"), t([3, 4], "s4")).to_list() == [-8, 0]
    assert nx.right_shift(t([-2, 1], "s2"), t([1, 1], "s2")).to_list() == [-1, 0]
    assert nx.right_shift(t([3, 2], "u2"), t([1, 1], "u2")).to_list() == [1, 1]


def test_min_max_nan_and_signed_zeros():
    nan = float("nan")
    x, y = t([nan, 1.0, -0.0, 0.0]), t([1.0, nan, 0.0, -0.0])
    mx, mn = nx.max(x, y).to_list(), nx.min(x, y).to_list()
    assert mx[0] != mx[0] and mx[1] != mx[1] and mn[0] != mn[0] and mn[1] != mn[1]
    assert [math.copysign(1, v) for v in mx[2:]] == [1, 1]
    assert [math.copysign(1, v) for v in mn[2:]] == [-1, -1]


def test_python_numbers_merge_with_merge_number():
    u8 = t([250, 1], "u8")
    assert (str(nx.add(u8, 10).type), nx.add(u8, 10).to_list()) == ("u8", [4, 11])
    assert str(nx.add(u8, -1).type) == "s16" and str(nx.add(u8, 256).type) == "u16"
    assert str(nx.multiply(t([1], "f16"), 2.5).type) == "f16"
    assert str(nx.add(2, t([1], "bf16")).type) == "bf16"
    assert str(nx.subtract(t([1], "s8"), 1j).type) == "c64"


def test_complex_pairs_parts_exactly():
    got = nx.complex(t([1.0, -0.0], "f64"), t([float("inf"), 2.0], "f64"))
    assert str(got.type) == "c128" and got.to_list() == [complex(1.0, float("inf")), complex(-0.0, 2.0)]
    assert math.copysign(1, got.to_list()[1].real) == -1
    assert str(nx.complex(t([1], "s64"), t([2], "u8")).type) == "c64"


# -- gradient rules --------------------------------------------------------------------

class NumpyOps:
    """The op namespace that grad rules are written against, on numpy arrays."""
    add, subtract, multiply, divide = np.add, np.subtract, np.multiply, np.divide
    negate, floor, log, pow, real, imag = np.negative, np.floor, np.log, np.power, np.real, np.imag
    equal, greater, less = np.equal, np.greater, np.less
    greater_equal, less_equal, logical_and = np.greater_equal, np.less_equal, np.logical_and

    @staticmethod
    def select(pred, on_true, on_false):
        return np.where(pred, on_true, on_false)


FUNCTIONS = {"add": np.add, "subtract": np.subtract, "multiply": np.multiply,
             "divide": np.divide, "remainder": np.fmod, "pow": np.power,
             "atan2": np.arctan2, "min": np.minimum, "max": np.maximum}
X = np.array([0.7, 1.3, 2.1, 3.4, 0.45])
Y = np.array([1.9, -0.6, 0.37, 1.1, 2.6])
G = np.array([1.0, -2.0, 0.5, 3.0, 1.5])


def numeric_grads(fn, args, g, h=1e-6):
    grads = []
    for i in range(len(args)):
        up = [a + h if j == i else a for j, a in enumerate(args)]
        down = [a - h if j == i else a for j, a in enumerate(args)]
        grads.append(g * (fn(*up) - fn(*down)) / (2 * h))
    return grads


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_grad_rules_match_finite_differences(name):
    op, fn = registry.get(name), FUNCTIONS[name]
    x, y = (np.abs(X), Y) if name == "pow" else (X, Y)
    got = op.grad(NumpyOps, G, fn(x, y), x, y)
    for analytic, numeric in zip(got, numeric_grads(fn, [x, y], G)):
        np.testing.assert_allclose(np.broadcast_to(analytic, G.shape), numeric, rtol=1e-5, atol=1e-7)


def test_grad_rules_at_special_points():
    ones = np.ones(2)
    x, y = np.array([1.0, 0.0]), np.array([1.0, 0.0])
    for name in ("min", "max"):  # a tie shares the gradient
        assert [list(v) for v in registry.get(name).grad(NumpyOps, ones, x, x, y)] == [[0.5, 0.5]] * 2
    # 0 ** y: no log(0) in d/dy; x ** 0: d/dx is 0 * x ** 1
    x, y = np.array([0.0, 2.0]), np.array([2.0, 0.0])
    gx, gy = registry.get("pow").grad(NumpyOps, ones, np.power(x, y), x, y)
    assert list(gx) == [0.0, 0.0] and list(gy) == [0.0, math.log(2.0)]


def test_complex_grad_is_the_real_part_of_the_chain_rule():
    g = np.array([1 + 2j, -3 + 0.5j])
    gx, gy = registry.get("complex").grad(NumpyOps, g, None, np.ones(2), np.ones(2))
    assert list(gx) == list(np.real(g * 1)) and list(gy) == list(np.real(g * 1j))


def test_quotient_has_no_gradient():
    with pytest.raises(ArgumentError, match="cannot compute gradient for nx.quotient/2"):
        registry.get("quotient").grad(NumpyOps, G, X, X, Y)


def test_predicates_and_bit_ops_are_constants_for_grad():
    constant = {n for n in BINARY if not registry.get(n).differentiable}
    assert constant == {"equal", "not_equal", "greater", "less", "greater_equal", "less_equal",
                        "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or",
                        "bitwise_xor", "left_shift", "right_shift"}
    assert all(registry.get(n).grad is None for n in constant)
    assert all(registry.get(n).grad is not None for n in set(BINARY) - constant)


def test_complex_divided_by_a_real_divides_each_component():
    # Smith's algorithm (Python, numpy) computes inf * 0 here and gives a NaN part
    x = nx.tensor([complex(float("-inf"), 0.0), complex(1.0, float("inf"))], type="c64")
    assert nx.divide(x, 2).to_list() == [complex(float("-inf"), 0.0), complex(0.5, float("inf"))]
