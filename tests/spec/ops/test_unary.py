"""Every unary element-wise op, for every type, against an independent computation.

The table ``ORACLES`` gives, for each op of the registry's unary family, how to
compute one element independently: mpmath at 113 bits for finite inputs of the
math functions (numpy's float64/complex128 functions for infinities, NaN, zeros
and points on branch cuts, where the sign of a zero or C99's special values
matter), numpy, scipy or plain integer arithmetic for the rest. Inputs are
converted to the op's computation type first and results rounded into the
output type with ``spec.values.round_to``; floats must agree within the op's
declared ULPs, integers exactly.

Where Nx's semantics and numpy's differ (rounding halves away from zero, the sign
of ``sign(-0.0)``, ...), the behaviour is pinned by explicit tests further down.
"""

from __future__ import annotations

import decimal
import math
import warnings

import mpmath
import numpy as np
import pytest
import scipy.special as sps
from hypothesis import given, settings, strategies as st

import nx_ref as nx
from nx_ref.reference.storage import Buffer
from nx_ref.tensor import Tensor
from spec import registry, types, values
from spec.errors import TypeError_
from spec.registry import TensorSpec
from tests.support import assert_close, scalar_values, shapes, ulp_distance

UNARY = {name: op for name, op in registry.all_ops().items()
         if op.family == "elementwise" and op.extras.get("arity") == 1}
SKIP = object()  # the oracle does not decide this element (pinned by special cases instead)
_INF, _NAN = math.inf, math.nan


def _finite(z):
    return math.isfinite(z.real) and math.isfinite(z.imag)


# -- math functions: mpmath on finite inputs, numpy on the rest --------------------------

def _mp_once(fn, x, prec):
    with mpmath.workprec(prec):
        r = fn(mpmath.mpc(x) if isinstance(x, complex) else mpmath.mpf(x))
        if isinstance(r, mpmath.mpc):
            if not isinstance(x, complex):
                return _NAN if r.imag != 0 else float(r.real)  # outside the real domain
            return complex(r)
        return float(r)


def _mp_eval(fn, x):
    """``fn(x)`` to the nearest float: mpmath's complex functions are accurate
    relative to the modulus only, so the precision grows with the spread of the
    input's exponents and doubles until two evaluations round alike (Ziv)."""
    parts = (x.real, x.imag) if isinstance(x, complex) else (x,)
    spread = max(abs(math.frexp(p)[1]) for p in parts)
    prec = 113 + 2 * spread
    previous = _mp_once(fn, x, prec)
    for _ in range(4):
        prec *= 2
        current = _mp_once(fn, x, prec)
        if ulp_distance("c128" if isinstance(x, complex) else "f64", current, previous) == 0:
            return current
        previous = current
    return current


def _canonical(v):
    return _NAN if v != v else v


def _np_eval(fn, x):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        # NaN sign bits are not part of the semantics: numpy sees the positive NaN
        r = fn(np.complex128(complex(_canonical(x.real), _canonical(x.imag)))
               if isinstance(x, complex) else np.float64(x))
    return complex(r) if np.iscomplexobj(r) else float(r)


def math_oracle(mp_fn, np_fn, cut=None, complex_specials=True):
    """An element oracle: ``mp_fn`` on finite nonzero real inputs and on finite
    complex ones off the branch cut ``cut(z)``; ``np_fn`` elsewhere. Without
    ``complex_specials`` non-finite complex inputs are left to the special cases."""
    def oracle(x, ctype):
        if isinstance(x, complex):
            if not _finite(x):
                return _np_eval(np_fn, x) if complex_specials else SKIP
            use_mp = not (cut and cut(x))
        else:
            use_mp = math.isfinite(x) and x != 0
        if use_mp:
            try:
                return _mp_eval(mp_fn, x)
            except (ValueError, ZeroDivisionError, OverflowError):
                pass
        return _np_eval(np_fn, x)
    return oracle


def _neg_real_axis(z):
    return z.imag == 0 and z.real <= 0


def _real_axis_beyond_one(z):
    return z.imag == 0 and abs(z.real) >= 1


def _imag_axis_beyond_one(z):
    return z.real == 0 and abs(z.imag) >= 1


def _mp_cbrt(x):
    if isinstance(x, mpmath.mpf):
        return mpmath.sign(x) * mpmath.cbrt(abs(x))
    return mpmath.cbrt(x)


def _np_cbrt(x):
    if isinstance(x, np.complexfloating):
        return np.cbrt(np.abs(x)) * np.exp(1j * np.angle(x) / 3)
    return np.cbrt(x)


def _np_sigmoid(x):
    return sps.expit(x) if not isinstance(x, np.complexfloating) else 1 / (1 + np.exp(-x))


def _log_base_oracle(base):
    """Nx's composite ``divide(log(t), log(base))``: the logarithm rounded into
    ``to_floating`` of the input, divided by ``log(base)`` in the output's real type."""
    log = ORACLES_MATH["log"]

    def oracle(x, ctype):
        out = types.merge(ctype, "f32")
        ln = values.round_to(ctype, log(x, ctype))
        if isinstance(ln, complex) and not _finite(ln):
            return SKIP  # complex division by log(base) is nx.divide's business
        with mpmath.workprec(113):
            divisor = float(values.round_to(types.to_real(out), float(mpmath.log(base))))
        if isinstance(ln, complex):
            return complex(ln.real / divisor, ln.imag / divisor)
        return ln / divisor
    return oracle


ORACLES_MATH = {
    "exp": math_oracle(mpmath.exp, np.exp),
    "expm1": math_oracle(mpmath.expm1, np.expm1, complex_specials=False),
    "log": math_oracle(mpmath.log, np.log, _neg_real_axis),
    "log1p": math_oracle(mpmath.log1p, np.log1p, lambda z: z.imag == 0 and z.real <= -1,
                         complex_specials=False),
    "sigmoid": math_oracle(lambda x: 1 / (1 + mpmath.exp(-x)), _np_sigmoid, complex_specials=False),
    "sin": math_oracle(mpmath.sin, np.sin),
    "cos": math_oracle(mpmath.cos, np.cos),
    "tan": math_oracle(mpmath.tan, np.tan),
    "asin": math_oracle(mpmath.asin, np.arcsin, _real_axis_beyond_one),
    "acos": math_oracle(mpmath.acos, np.arccos, _real_axis_beyond_one),
    "atan": math_oracle(mpmath.atan, np.arctan, _imag_axis_beyond_one),
    "sinh": math_oracle(mpmath.sinh, np.sinh),
    "cosh": math_oracle(mpmath.cosh, np.cosh),
    "tanh": math_oracle(mpmath.tanh, np.tanh),
    "asinh": math_oracle(mpmath.asinh, np.arcsinh, _imag_axis_beyond_one),
    "acosh": math_oracle(mpmath.acosh, np.arccosh, lambda z: z.imag == 0 and z.real <= 1),
    "atanh": math_oracle(mpmath.atanh, np.arctanh, _real_axis_beyond_one),
    "sqrt": math_oracle(mpmath.sqrt, np.sqrt, _neg_real_axis),
    "rsqrt": math_oracle(lambda x: 1 / mpmath.sqrt(x), lambda x: 1 / np.sqrt(x), _neg_real_axis,
                         complex_specials=False),
    "cbrt": math_oracle(_mp_cbrt, _np_cbrt, _neg_real_axis, complex_specials=False),
    "erf": math_oracle(mpmath.erf, sps.erf),
    "erfc": math_oracle(mpmath.erfc, sps.erfc),
    "erf_inv": math_oracle(mpmath.erfinv, sps.erfinv),
}


# -- the other ops: numpy, scipy or integer arithmetic ---------------------------------------

def _mask(t):
    return (1 << t.bits) - 1


def _np(fn):
    return lambda x, ctype: _np_eval(fn, x) if not isinstance(x, int) else SKIP


def _int_or(int_fn, float_fn):
    return lambda x, ctype: int_fn(x, ctype) if isinstance(x, int) else float_fn(x, ctype)


def _sign(x, ctype):
    if isinstance(x, int):
        return (x > 0) - (x < 0)
    if isinstance(x, complex):
        if x != x:  # NaN anywhere: NaN (numpy's sign(inf + nan i) is 1, see the pinned test)
            return complex(_NAN, _NAN)
        if _finite(x) and 0 < max(abs(x.real), abs(x.imag)) < 2.0 ** -900:
            x = x * 2.0 ** 1000  # exact; numpy's |z| underflows on subnormal components
    return _np_eval(np.sign, x)


def _round_half_away(x, ctype):
    if isinstance(x, int):
        return x
    if not math.isfinite(x) or abs(x) >= 2.0 ** 52:
        return x  # integral already
    r = float(decimal.Decimal(x).quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP))
    return math.copysign(r, x)


def _bitwise_not(x, ctype):
    return values.wrap_int(ctype, _mask(ctype) - (x & _mask(ctype)))


def _popcount(x, ctype):
    return int(np.bitwise_count(np.uint64(x & _mask(ctype))))


def _clz(x, ctype):
    digits = format(x & _mask(ctype), f"0{ctype.bits}b")
    return digits.index("1") if "1" in digits else ctype.bits


ORACLES_OTHER = {
    "abs": _int_or(lambda x, t: -x if x < 0 else x, math_oracle(abs, np.abs)),
    "negate": _int_or(lambda x, t: -x, _np(np.negative)),
    "sign": _sign,
    "ceil": _int_or(lambda x, t: x, _np(np.ceil)),
    "floor": _int_or(lambda x, t: x, _np(np.floor)),
    "round": _round_half_away,
    "is_nan": lambda x, t: 0 if isinstance(x, int) else int(np.isnan(x)),
    "is_infinity": lambda x, t: 0 if isinstance(x, int) else int(np.isinf(x)),
    "logical_not": lambda x, t: int(np.logical_not(x)),
    "bitwise_not": _bitwise_not,
    "population_count": _popcount,
    "count_leading_zeros": _clz,
    "real": lambda x, t: complex(x).real,
    "imag": lambda x, t: complex(x).imag,
    "conjugate": lambda x, t: complex(np.conj(np.complex128(x))),
    "phase": lambda x, t: float(np.angle(np.complex128(x))),
}

ORACLES = {**ORACLES_MATH, **ORACLES_OTHER,
           "log2": _log_base_oracle(2), "log10": _log_base_oracle(10)}


def test_every_unary_op_has_an_oracle():
    assert set(UNARY) == set(ORACLES), (
        f"unary ops without an oracle: {sorted(set(UNARY) - set(ORACLES))}; "
        f"oracles without an op: {sorted(set(ORACLES) - set(UNARY))}")


# -- random tensors of every accepted type ----------------------------------------------

def make_tensor(type_, shape, names, flat):
    spec = TensorSpec(types.normalize(type_), tuple(shape), tuple(names))
    return Tensor.from_spec(spec, Buffer.from_values(spec.type, flat), nx.ReferenceBackend())


@st.composite
def tensors(draw, type_):
    shape = draw(shapes(max_rank=3, max_side=3))
    names = tuple(draw(st.sampled_from([None, f"a{i}"])) for i in range(len(shape)))
    n = math.prod(shape)
    flat = draw(st.lists(scalar_values(type_), min_size=n, max_size=n))
    return make_tensor(type_, shape, names, flat)


def expected_values(name, op, t):
    """The oracle's elements for ``nx.<name>(t)``, rounded into the output type."""
    ctype = op.extras["compute_type"](t.type)
    out = op.infer(t.spec).type
    oracle = ORACLES[name]
    result = []
    for x in t.to_flat_list():
        y = oracle(values.cast(x, t.type, ctype), ctype)
        result.append(SKIP if y is SKIP else values.round_to(out, y))
    return result


CASES = [(name, t.name) for name, op in sorted(UNARY.items()) for t in op.accepts]
_EXAMPLES = max(5, settings().max_examples // 4)  # ~800 cases: a quarter of the profile each


@pytest.mark.parametrize("name,type_name", CASES)
def test_op_matches_oracle(name, type_name):
    op = UNARY[name]
    fn = getattr(nx, name)

    @settings(max_examples=_EXAMPLES)
    @given(tensors(type_name))
    def check(t):
        out = fn(t)
        spec = op.infer(t.spec)
        assert (out.type, out.shape, out.names) == (spec.type, spec.shape, spec.names)
        got, want = out.to_flat_list(), expected_values(name, op, t)
        keep = [i for i, w in enumerate(want) if w is not SKIP]
        assert_close(out.type, [got[i] for i in keep], [want[i] for i in keep],
                     op.tolerance.get(out.type.name, 0),
                     f"nx.{name} of {type_name} {[t.to_flat_list()[i] for i in keep]}")
    check()


# -- types each op rejects ------------------------------------------------------------

REJECTED = [(name, t.name) for name, op in sorted(UNARY.items())
            for t in types.ALL_TYPES if t not in op.accepts]


def test_rejected_types_are_nx_s():
    rejected = {name for name, _ in REJECTED}
    assert rejected == {"erf", "erfc", "erf_inv", "ceil", "floor", "round", "bitwise_not",
                        "population_count", "count_leading_zeros"}
    assert {t for name, t in REJECTED if name == "erf"} == {"c64", "c128"}
    assert {t for name, t in REJECTED if name == "bitwise_not"} == {
        t.name for t in types.FLOAT_TYPES + types.COMPLEX_TYPES}


@pytest.mark.parametrize("name,type_name", REJECTED)
def test_rejected_type_raises(name, type_name):
    t = make_tensor(type_name, (1,), (None,), [values.round_to(type_name, 1)])
    with pytest.raises(TypeError_) as info:
        getattr(nx, name)(t)
    assert f"nx.{name}" in str(info.value) and type_name in str(info.value)


# -- special cases declared by each op ---------------------------------------------

def _representable(type_, x):
    if isinstance(x, complex) != type_.is_complex:
        return False
    if isinstance(x, int) != type_.is_integer:
        return False
    if type_.is_integer:
        return types.min_finite(type_) <= x <= types.max_finite(type_)
    r = values.round_to(type_, x)
    if isinstance(x, complex):
        return all(a == b or (a != a and b != b) for a, b in ((r.real, x.real), (r.imag, x.imag)))
    return r == x or (r != r and x != x)


def _assert_zero_signs(got, want, context):
    """Real zeros keep their sign; complex components are checked where ``-0.0`` is asked."""
    if isinstance(want, complex):
        for g, w in ((got.real, want.real), (got.imag, want.imag)):
            if w == 0 and math.copysign(1, w) < 0:
                assert math.copysign(1, g) < 0, f"{context}: got {got!r}, expected {want!r}"
    elif isinstance(want, float) and want == 0:
        assert math.copysign(1, got) == math.copysign(1, want), f"{context}: got {got!r}, expected {want!r}"


SPECIAL = [(name, i) for name, op in sorted(UNARY.items()) for i in range(len(op.special_cases))]


def test_every_op_declares_special_cases():
    assert {name for name, _ in SPECIAL} == set(UNARY)


@pytest.mark.parametrize("name,index", SPECIAL)
def test_special_case(name, index):
    op = UNARY[name]
    x, want = op.special_cases[index]
    checked = 0
    for type_ in op.accepts:
        if not _representable(type_, x):
            continue
        out = getattr(nx, name)(make_tensor(type_, (), (), [x]))
        got = out.to_flat_list()[0]
        expected = values.round_to(out.type, want)
        context = f"nx.{name}({x!r}) in {type_}"
        assert_close(out.type, [got], [expected], op.tolerance.get(out.type.name, 0), context)
        _assert_zero_signs(got, expected, context)
        checked += 1
    assert checked, f"nx.{name}: special case {x!r} is representable in no accepted type"


# -- the fast path and the semantics agree; the semantics never raise ------------------------

_GRID = [0.0, -0.0, 1.0, -1.0, 0.5, -2.0, 3.0, _INF, -_INF, _NAN, 1e308, -1e308, 710.0, -710.0,
         1e-310, -1e-300, 1e-8]


@pytest.mark.parametrize("name", sorted(n for n, op in UNARY.items() if op.extras["kernel"] is None))
def test_semantics_are_total_and_fast_agrees(name):
    op = UNARY[name]
    kinds = {t.kind for t in op.accepts}
    inputs = []
    if kinds & {"f", "bf", "f8_e4m3fn"}:
        inputs += _GRID
    if "c" in kinds:
        inputs += [complex(a, b) for a in _GRID for b in _GRID]
    for x in inputs:
        want = op.semantics(x)  # must not raise
        if op.fast is None:
            continue
        try:
            got = op.fast(x)
        except (OverflowError, ValueError, ZeroDivisionError, TypeError):
            continue
        assert ulp_distance("c128" if isinstance(want, complex) else "f64", got, want) == 0, (
            f"nx.{name}: fast({x!r}) = {got!r} but the semantics give {want!r}")


# -- gradient rules, checked numerically on real inputs ----------------------------------

class NumpyOps:
    """The op namespace of the grad rules, on numpy float64 values."""
    add, subtract, multiply, divide = np.add, np.subtract, np.multiply, np.divide
    negate, exp, sin, cos, sinh, cosh, sqrt, pow = (
        np.negative, np.exp, np.sin, np.cos, np.sinh, np.cosh, np.sqrt, np.power)
    real, imag, conjugate, equal, greater_equal = np.real, np.imag, np.conj, np.equal, np.greater_equal

    @staticmethod
    def rsqrt(x):
        return 1 / np.sqrt(x)

    @staticmethod
    def select(pred, on_true, on_false):
        return np.where(pred, on_true, on_false)


_GRAD_POINTS = {
    "asin": [0.1, 0.5, -0.7], "acos": [0.1, 0.5, -0.7], "atanh": [0.1, 0.5, -0.7],
    "erf_inv": [0.1, 0.5, -0.7], "acosh": [1.5, 2.0, 3.0], "log": [0.5, 1.5, 3.0],
    "log1p": [0.5, 1.5, 3.0], "sqrt": [0.5, 1.5, 3.0], "rsqrt": [0.5, 1.5, 3.0],
    "cbrt": [0.5, 1.5, -3.0], "abs": [-1.5, 0.7], "phase": [0.5, 2.0],
}
DIFFERENTIABLE = sorted(n for n, op in UNARY.items() if op.grad is not None)


class Real(float):
    """A float input that, like a tensor, knows its type (some rules look at it)."""
    type = types.normalize("f64")


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_grad_rule_matches_finite_differences(name):
    op = UNARY[name]
    f = op.semantics
    for x in _GRAD_POINTS.get(name, [0.3, 0.7, -1.3]):
        h = 1e-6 * max(1.0, abs(x))
        numeric = (f(x + h) - f(x - h)) / (2 * h)
        (rule,) = op.grad(NumpyOps, np.float64(0.7), f(x), Real(x))
        assert complex(rule) == pytest.approx(0.7 * numeric, rel=1e-6, abs=1e-9), f"d nx.{name} at {x}"


def test_constant_ops_are_not_differentiable():
    constants = {n for n, op in UNARY.items() if not op.differentiable}
    assert constants == {"ceil", "floor", "round", "sign", "is_nan", "is_infinity", "logical_not",
                         "bitwise_not", "population_count", "count_leading_zeros"}


# -- Nx behaviour pinned where it differs from numpy, or is easy to get wrong ------------------

def _list(name, data, type_):
    return getattr(nx, name)(nx.tensor(data, type=type_)).to_flat_list()


def _signs(xs):
    return [math.copysign(1.0, x) for x in xs]


@pytest.mark.parametrize("type_", ["f16", "bf16", "f32", "f64"])
def test_round_halves_away_from_zero(type_):
    data = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -0.25]
    got = _list("round", data, type_)
    assert got == [-3.0, -2.0, -1.0, 1.0, 2.0, 3.0, -0.0] and _signs(got)[-1] == -1.0
    assert list(np.round(data)) == [-2.0, -2.0, -0.0, 0.0, 2.0, 2.0, -0.0]  # numpy: halves to even


def test_round_just_below_a_half():
    below_half = math.nextafter(0.5, 0.0)
    assert _list("round", [below_half, -below_half, 2.0 ** 52 + 1], "f64") == [0.0, -0.0, 2.0 ** 52 + 1]


def test_ceil_and_floor_keep_the_sign_of_zero():
    got = _list("ceil", [-0.5, -0.0, 0.5], "f32") + _list("floor", [0.5, -0.0], "f32")
    assert got == [0.0, 0.0, 1.0, 0.0, 0.0]
    assert _signs(got) == [-1.0, -1.0, 1.0, 1.0, -1.0]


def test_sign_of_zero_and_nan():
    got = _list("sign", [-0.0, 0.0, float("nan"), -3.0], "f32")
    assert _signs(got[:2]) == [-1.0, 1.0] and math.isnan(got[2]) and got[3] == -1.0
    assert math.copysign(1.0, np.sign(-0.0)) == 1.0  # numpy drops the sign of -0.0


def test_sign_of_complex_with_nan_or_tiny_components():
    inf, nan, tiny = _INF, _NAN, 5e-324
    data = [complex(inf, nan), complex(nan, 1.0), complex(tiny, tiny), complex(0.0, -inf)]
    got = _list("sign", data, "c128")
    assert all(math.isnan(z.real) and math.isnan(z.imag) for z in got[:2])
    assert got[2] == pytest.approx(complex(math.sqrt(0.5), math.sqrt(0.5)), rel=1e-15)
    assert got[3] == complex(0.0, -1.0)
    assert complex(np.sign(np.complex128(complex(inf, nan)))) == 1  # numpy: 1 + 0i
    assert complex(np.sign(np.complex128(complex(tiny, tiny)))) == 1 + 1j  # numpy: |z| underflows


@pytest.mark.parametrize("type_,data,negated", [
    ("u8", [0, 1, 2, 255], [0, 255, 254, 1]), ("u2", [0, 1, 2, 3], [0, 3, 2, 1]),
    ("u4", [1, 15], [15, 1]), ("s8", [-128, 127], [-128, -127]), ("s2", [-2, 1], [-2, -1]),
    ("s4", [-8, 7], [-8, -7]), ("u64", [1], [2 ** 64 - 1]),
])
def test_negate_wraps_integers(type_, data, negated):
    assert _list("negate", data, type_) == negated


@pytest.mark.parametrize("type_,data,absolute", [
    ("s8", [-128, -5, 5], [-128, 5, 5]), ("s2", [-2, -1, 1], [-2, 1, 1]), ("s4", [-8, -7], [-8, 7]),
    ("u2", [3], [3]), ("s64", [-2 ** 63], [-2 ** 63]),
])
def test_abs_wraps_the_most_negative_integer(type_, data, absolute):
    assert _list("abs", data, type_) == absolute


@pytest.mark.parametrize("type_,data,nots,pops,clzs", [
    ("u2", [0, 1, 2, 3], [3, 2, 1, 0], [0, 1, 1, 2], [2, 1, 0, 0]),
    # counts that do not fit the type wrap: 2 set bits, or 2 leading zeros, are -2 in s2
    ("s2", [-2, -1, 0, 1], [1, 0, -1, -2], [1, -2, 0, 1], [0, 0, -2, 1]),
    ("u4", [0, 1, 8, 15], [15, 14, 7, 0], [0, 1, 1, 4], [4, 3, 0, 0]),
    ("s4", [-8, -1, 0, 3], [7, 0, -1, -4], [1, 4, 0, 2], [0, 0, 4, 2]),
    ("u64", [0, 1, 2 ** 64 - 1], [2 ** 64 - 1, 2 ** 64 - 2, 0], [0, 1, 64], [64, 63, 0]),
    ("s16", [-1, 0xFFF], [0, -0x1000], [16, 12], [0, 4]),
])
def test_bit_ops_use_the_bit_width_of_the_type(type_, data, nots, pops, clzs):
    assert _list("bitwise_not", data, type_) == nots
    assert _list("population_count", data, type_) == pops
    assert _list("count_leading_zeros", data, type_) == clzs


def test_complex_parts_of_real_inputs():
    conj = nx.conjugate(nx.tensor([1.5, -0.0], type="f64"))
    assert str(conj.type) == "c128" and _signs([z.imag for z in conj.to_flat_list()]) == [-1.0, -1.0]
    assert _list("imag", [float("nan"), -2.0], "f16") == [0.0, 0.0]
    assert _list("real", [-0.0], "bf16") == [-0.0] and _signs(_list("real", [-0.0], "bf16")) == [-1.0]
    assert _list("phase", [-1.0, -0.0, 0.0, 2.0], "f32") == pytest.approx([math.pi, math.pi, 0.0, 0.0])
    s64 = nx.tensor([1], type="s64")
    assert [str(getattr(nx, n)(s64).type) for n in ("real", "imag", "phase")] == ["f32"] * 3


def test_predicates():
    assert _list("logical_not", [float("nan"), -0.0, 1e-30], "f32") == [0, 1, 0]
    assert _list("is_nan", [0, 255], "u8") == [0, 0]
    assert _list("is_infinity", [complex(float("nan"), float("-inf")), 1j], "c64") == [1, 0]


def test_math_functions_never_raise_on_reals():
    data = [-_INF, -2.0, -1.0, -0.0, 0.0, 1.0, 2.0, 1000.0, _INF, _NAN]
    got = {n: _list(n, data, "f64") for n in ("log", "log1p", "sqrt", "rsqrt", "acosh", "atanh", "asin",
                                                   "sinh", "cosh", "exp", "expm1", "erf_inv", "sin")}
    assert got["log"][:6] == pytest.approx([_NAN, _NAN, _NAN, -_INF, -_INF, 0.0], nan_ok=True)
    assert got["atanh"][1:6] == pytest.approx([_NAN, -_INF, -0.0, 0.0, _INF], nan_ok=True)
    assert got["rsqrt"][3:5] == [-_INF, _INF] and got["exp"][7] == _INF and got["sinh"][0] == -_INF


def test_erf_family_rejects_complex_with_nx_message():
    for name in ("erf", "erfc", "erf_inv"):
        with pytest.raises(TypeError_, match=rf"^nx\.{name}/1 does not support complex inputs, got: c128$"):
            getattr(nx, name)(nx.tensor([1j], type="c128"))
    with pytest.raises(TypeError_, match=r"^nx\.floor/1 does not support complex inputs"):
        nx.floor(nx.tensor([1j]))
    with pytest.raises(TypeError_, match="bitwise operators expect integer tensors.*got: bf16"):
        nx.population_count(nx.tensor([1.0], type="bf16"))


def test_log2_and_log10_are_nx_s_composites():
    assert {n for n, op in UNARY.items() if not op.is_primitive} == {"log2", "log10"}
    assert str(nx.log2(nx.tensor([8.0], type="f16")).type) == "f32"  # merged with log(2): f32
    assert _list("log2", [8.0, 0.5], "f64") == [3.0, -1.0]  # log(2) taken in f64, not f32
    assert ulp_distance("f64", _list("log10", [1000.0], "f64")[0], 3.0) <= 1
    assert str(nx.log10(nx.tensor([1j], type="c128")).type) == "c128"


def test_integers_compute_in_f32():
    got = nx.exp(nx.tensor([2 ** 24 + 1, 1], type="s64"))
    assert str(got.type) == "f32"
    # 2**24 + 1 becomes 2**24 in f32 before the square root
    assert nx.sqrt(nx.tensor([2 ** 24 + 1], type="s64")).to_flat_list() == [4096.0]
