"""Tests of spec.values: rounding into a type and casting between every pair of types.

The reference is written here from scratch: ``exact_round`` rounds a rational
(Fraction) to a float format, ties to even; ``reference_cast`` is Nx's as_type
rule on one element. Casts are also compared with numpy/ml_dtypes ``astype``
wherever numpy defines the result and does not round twice.
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, strategies as st

import nx_ref as nx
from spec import types, values
from spec.errors import TypeError_
from spec.types import ALL_TYPES

NAMES = [t.name for t in ALL_TYPES]
PAIRS = [(a, b) for a in NAMES for b in NAMES]

# (exponent bits, mantissa bits, finite only), written out independently of spec.types
FORMATS = {"f8": (5, 2, False), "f8_e4m3fn": (4, 3, True), "f16": (5, 10, False),
           "bf16": (8, 7, False), "f32": (8, 23, False), "f64": (11, 52, False)}


def exact_round(x, name: str) -> float:
    """The value of the format nearest to the real ``x`` (int, float or Fraction),
    ties to even; overflow gives an infinity, or the largest value (finite only)."""
    exp_bits, man_bits, finite_only = FORMATS[name]
    bias = 2 ** (exp_bits - 1) - 1
    top = Fraction(2) ** bias * (2 - Fraction(1, 2 ** man_bits)) if not finite_only \
        else Fraction(2) ** (bias + 1) * (2 - Fraction(2, 2 ** man_bits))
    if isinstance(x, float) and math.isnan(x):
        return math.nan
    if isinstance(x, float) and math.isinf(x):
        return math.copysign(float(top), x) if finite_only else x
    q = Fraction(x)
    if q == 0:
        return math.copysign(0.0, x) if isinstance(x, float) else 0.0
    a = abs(q)
    e = a.numerator.bit_length() - a.denominator.bit_length()
    while Fraction(2) ** e > a:
        e -= 1
    while Fraction(2) ** (e + 1) <= a:
        e += 1
    ulp = Fraction(2) ** (max(e, 1 - bias) - man_bits)
    n, rest = divmod(a, ulp)
    if rest > ulp / 2 or rest == ulp / 2 and n % 2 == 1:
        n += 1
    r = n * ulp
    if r > top:
        r = top if finite_only else None
    out = math.inf if r is None else float(r)
    return -out if q < 0 else out


def int_range(name):
    t = types.normalize(name)
    return (0, 2 ** t.bits - 1) if t.kind == "u" else (-(2 ** (t.bits - 1)), 2 ** (t.bits - 1) - 1)


def reference_cast(v, src: str, dst: str):
    """Nx's as_type on one element (spec/values.py's module docstring, written again)."""
    s, d = types.normalize(src), types.normalize(dst)
    if s.is_complex and not d.is_complex:
        v = v.real
    if d.is_integer:
        lo, hi = int_range(dst)
        if isinstance(v, float):
            if math.isnan(v):
                return 0
            if math.isinf(v):
                return hi if v > 0 else lo
            return min(max(math.trunc(v), lo), hi)
        return (v - lo) % (hi - lo + 1) + lo
    if d.is_complex:
        part = "f32" if d.bits == 64 else "f64"
        re, im = (v.real, v.imag) if isinstance(v, complex) else (v, 0.0)
        return complex(exact_round(re, part), exact_round(im, part))
    return exact_round(v, dst)


def same(a, b) -> bool:
    """Equal values: NaN matches NaN, zeros must have the same sign, ints are ints."""
    if isinstance(a, complex) or isinstance(b, complex):
        return isinstance(a, complex) and isinstance(b, complex) and \
            same(a.real, b.real) and same(a.imag, b.imag)
    if isinstance(a, int) or isinstance(b, int):
        return type(a) is int and type(b) is int and a == b
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1, a) == math.copysign(1, b)


# -- edge values of every type ----------------------------------------------------------

INT_CANDIDATES = [
    0, 1, -1, 2, -2, 3, -3, 7, -8, 9, 11, 13, 15, 100, -100, 127, -128, 128, -129, 255, 256, 257,
    259, 2049, 2051, 32767, -32768, 65535, 65536, 2**24 + 1, 2**24 + 3, -(2**24 + 1), 2**31 - 1,
    -2**31, 2**32 - 1, 2**53 + 1, 2**60 + 2**36, 2**60 + 2**36 + 1, -(2**60 + 2**36 + 1),
    2**60 + 2**52, 2**60 + 2**52 + 1, -(2**60 + 2**52 + 1), 2**62 + 2**9 + 1, 2**63 - 1, -2**63,
    2**63 + 2**39 + 1, 2**64 - 1,
]
FLOAT_CANDIDATES = [
    0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 1.5, -1.5, 2.5, -2.5, 3.5, 0.1, -0.1, 1 / 3, 0.999, 127.9,
    128.0, 128.5, -128.9, -129.0, 255.5, 256.0, 300.7, -300.7, 1e10, -1e10, 2.0**31, -2.0**31 - 1,
    2.0**32, 2.0**63, -2.0**63, 2.0**64, 1e300, -1e300, 5e-324, 2.0**-149, 2.0**-150 + 2.0**-160,
    2.0**-126, 2.0**-133, 2.0**-24, 2.0**-25, 2.0**-14, 2.0**-16, 2.0**-17, 2.0**-9, 2.0**-10,
    6e-5, 1.00390625, 1.0 + 2**-8 + 2**-30, 1.0 + 2**-11, 1.0 + 2**-11 + 2**-40, 1 + 2**-24,
    1 + 2**-24 + 2**-50, 65504.0, 65519.99, 65520.0, 57344.0, 61439.0, 61440.0, 448.0, 463.0,
    464.0, 465.0, 240.0, 3.3895313892515355e38, 3.4028234663852886e38, 3.4028235677973366e38,
    -65504.0, -57344.0, -448.0, -3.3895313892515355e38, -3.4028234663852886e38,
    1.7976931348623157e308, -1.7976931348623157e308, math.nan, math.inf, -math.inf,
]
NP_DTYPES = {
    "u2": ml_dtypes.uint2, "u4": ml_dtypes.uint4, "s2": ml_dtypes.int2, "s4": ml_dtypes.int4,
    **{f"u{b}": np.dtype(f"uint{b}") for b in (8, 16, 32, 64)},
    **{f"s{b}": np.dtype(f"int{b}") for b in (8, 16, 32, 64)},
    "f8": ml_dtypes.float8_e5m2, "f8_e4m3fn": ml_dtypes.float8_e4m3fn, "f16": np.float16,
    "bf16": ml_dtypes.bfloat16, "f32": np.float32, "f64": np.float64,
    "c64": np.complex64, "c128": np.complex128,
}


def _dedupe(vals):
    seen, out = set(), []
    for v in vals:
        key = repr(v)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


def edge_values(name):
    """Values of the type (as Python values) around its edges and rounding points."""
    t = types.normalize(name)
    if t.is_integer:
        lo, hi = int_range(name)
        return [v for v in INT_CANDIDATES if lo <= v <= hi] + ([lo, hi] if hi > 2**64 else [])
    if t.is_complex:
        parts = edge_values("f32" if t.bits == 64 else "f64")
        return _dedupe([complex(a, b) for a in parts[::3] for b in (0.0, -1.5, math.nan, math.inf)]
                       + [complex(a, 2.0) for a in parts])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        vals = np.array(FLOAT_CANDIDATES, np.float64).astype(NP_DTYPES[name]).astype(np.float64)
    return _dedupe(vals.tolist())


EDGES = {name: edge_values(name) for name in NAMES}


# -- every pair of types, against the reference -----------------------------------------

@pytest.mark.parametrize("src, dst", PAIRS)
def test_cast_every_pair_matches_the_reference(src, dst):
    for v in EDGES[src]:
        got, want = values.cast(v, src, dst), reference_cast(v, src, dst)
        assert same(got, want), f"cast({v!r}, {src}, {dst}) = {got!r}, expected {want!r}"


def _numpy_defines(v, src, dst) -> bool:
    """Whether numpy/ml_dtypes astype gives Nx's result for this value (it rounds
    some casts twice, is undefined for float -> int out of range, and turns
    f8_e4m3fn overflow into NaN where Nx saturates)."""
    s, d = types.normalize(src), types.normalize(dst)
    if s.is_complex and not d.is_complex:
        if d.name in ("bf16", "f8", "f8_e4m3fn") or d.bits < 8:
            return False
        v = v.real
    if d.is_integer and isinstance(v, float):
        lo, hi = int_range(dst)
        return math.isfinite(v) and lo - 1 < v < hi + 1
    if d.name == "f8_e4m3fn" and abs(v) > 448.0:
        return False
    if s.is_integer and not d.is_integer:
        return abs(v) <= 2**24 or d.name in ("f32", "f64", "c128")
    return not (d.name in ("bf16", "f8", "f8_e4m3fn") and s.name in ("f64", "c128"))  # via f32


def _numpy_casts():
    """The pairs numpy/ml_dtypes can cast and define for at least one edge value."""
    out = []
    for src, dst in PAIRS:
        if not any(_numpy_defines(v, src, dst) for v in EDGES[src]):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                np.zeros(1, NP_DTYPES[src]).astype(NP_DTYPES[dst])
        except TypeError:  # ml_dtypes has no cast between some 2- and 4-bit types
            continue
        out.append((src, dst))
    return out


@pytest.mark.parametrize("src, dst", _numpy_casts())
def test_cast_agrees_with_numpy_where_numpy_defines_it(src, dst):
    vals = [v for v in EDGES[src] if _numpy_defines(v, src, dst)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = np.array(vals, NP_DTYPES[src]).astype(NP_DTYPES[dst])
    expected = expected.astype(np.int64 if types.normalize(dst).kind == "s" else
                               object if types.normalize(dst).kind == "u" else
                               np.complex128 if types.normalize(dst).is_complex else np.float64)
    for v, e in zip(vals, expected.tolist()):
        got = values.cast(v, src, dst)
        assert same(got, e), f"cast({v!r}, {src}, {dst}) = {got!r}, numpy gives {e!r}"


@pytest.mark.parametrize("src, dst", PAIRS)
def test_as_type_on_tensors_every_pair(src, dst):
    vals = EDGES[src]
    t = nx.tensor(vals, type=src, names=["x"])
    out = nx.as_type(t, dst)
    assert (out.type, out.shape, out.names) == (dst, (len(vals),), ("x",))
    for v, got in zip(vals, out.to_flat_list()):
        want = reference_cast(v, src, dst)
        assert same(got, want), f"as_type({v!r}: {src} -> {dst}) = {got!r}, expected {want!r}"


# -- Nx's documented rules, pinned ----------------------------------------------------

def test_non_finite_to_integer_follows_nx_as_type_doc():
    non_finite = nx.tensor([math.inf, math.nan, -math.inf])
    assert nx.as_type(non_finite, "u8").to_list() == [255, 0, 0]
    assert nx.as_type(non_finite, "s32").to_list() == [2147483647, 0, -2147483648]
    assert [values.cast(x, "f32", "s4") for x in (math.inf, math.nan, -math.inf)] == [7, 0, -8]


def test_float_to_integer_truncates_toward_zero_and_saturates():
    cases = [(2.9, "s8", 2), (-2.9, "s8", -2), (-0.5, "u8", 0), (-2.7, "u8", 0), (300.0, "u8", 255),
             (-1e10, "s16", -32768), (1e300, "u64", 2**64 - 1), (2.0**63, "s64", 2**63 - 1),
             (5.5, "u2", 3), (-5.5, "s2", -2), (complex(-3.7, 9.0), "s8", -3)]
    for x, t, expected in cases:
        src = "c128" if isinstance(x, complex) else "f64"
        assert values.cast(x, src, t) == expected, (x, t)


def test_f8_e4m3fn_saturates_and_keeps_nan():
    got = [values.round_to("f8_e4m3fn", x) for x in (1e6, math.inf, -math.inf, 464.0, 465.0, -0.0)]
    assert got == [448.0, 448.0, -448.0, 448.0, 448.0, -0.0]
    assert math.copysign(1, got[-1]) == -1 and math.isnan(values.round_to("f8_e4m3fn", math.nan))


@pytest.mark.parametrize("name, emax, man_bits", [("f16", 15, 10), ("bf16", 127, 7),
                                                    ("f8", 15, 2), ("f32", 127, 23)])
def test_overflow_boundary_is_the_midpoint_past_the_largest_value(name, emax, man_bits):
    largest = 2.0 ** emax * (2 - 2.0 ** -man_bits)
    boundary = 2.0 ** emax * (2 - 2.0 ** -(man_bits + 1))   # a tie: goes up, to infinity
    assert values.round_to(name, boundary) == math.inf == -values.round_to(name, -boundary)
    assert values.round_to(name, math.nextafter(boundary, 0)) == largest


@pytest.mark.parametrize("name", ["f32", "f16", "bf16", "f8", "f8_e4m3fn"])
def test_large_integers_round_once_from_the_exact_value(name):
    for n in [2**60 + 2**36 + 1, 2**60 + 2**52 + 1, 2**63 + 2**39 + 1, 2**64 - 1, -(2**60 + 2**52 + 1),
              2**1100 + 1, -(2**1100)]:
        want = exact_round(n, name)
        assert same(values.round_to(name, n), want), (name, n)
        assert same(values.cast(n, "s64" if -2**63 <= n < 2**63 else "u64", name), want) \
            or not -2**63 <= n < 2**64
    # the double rounding this guards against: f64 first lands on an f32 tie
    assert values.round_to("f32", 2**60 + 2**36 + 1) == 2**60 + 2**37 != float(np.float32(float(2**60 + 2**36 + 1)))


# -- hypothesis: rounding against the exact reference --------------------------------

@pytest.mark.parametrize("name", ["f32", "f16", "bf16", "f8", "f8_e4m3fn"])
@given(x=st.floats(allow_nan=True, allow_infinity=True))
def test_round_to_is_nearest_even_from_the_double(name, x):
    assert same(values.round_to(name, x), exact_round(x, name))


@pytest.mark.parametrize("name", ["f64", "f32", "f16", "bf16", "f8"])
@given(n=st.integers(-(2**70), 2**70))
def test_round_to_integers_is_exact(name, n):
    assert same(values.round_to(name, n), exact_round(n, name))


@given(x=st.floats(allow_nan=False), y=st.floats(allow_nan=False))
def test_round_to_complex_rounds_each_part(x, y):
    assert same(values.round_to("c64", complex(x, y)), complex(exact_round(x, "f32"), exact_round(y, "f32")))
    assert same(values.round_to("c128", x), complex(x, 0.0))


@pytest.mark.parametrize("name", [t.name for t in types.INTEGER_TYPES])
@given(n=st.integers(-(2**80), 2**80))
def test_wrap_int_is_twos_complement(name, n):
    lo, hi = int_range(name)
    assert values.wrap_int(name, n) == (n - lo) % (hi - lo + 1) + lo


# -- coerce: Python literals for nx.tensor -----------------------------------------

def test_coerce_keeps_kinds_and_rounds_large_integers_once():
    assert values.coerce("f32", 2**60 + 2**36 + 1) == 2**60 + 2**37
    assert values.coerce("c64", 2**60 + 2**36 + 1) == complex(2**60 + 2**37, 0)
    assert values.coerce("f64", True) == 1.0 and values.coerce("u8", False) == 0


@pytest.mark.parametrize("t, value, message", [
    ("s8", 1.5, "cannot cast number 1.5 to s8: a float does not fit an integer type"),
    ("u8", 1j, "cannot cast number 1j to u8: a complex does not fit an integer type"),
    ("f32", 1j, "cannot cast number 1j to f32: complex values need a complex type"),
])
def test_coerce_errors_name_the_number_and_type(t, value, message):
    with pytest.raises(TypeError_) as info:
        values.coerce(t, value)
    assert str(info.value) == message
