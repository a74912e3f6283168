"""Shared test helpers: values of every type, ULP distances, hypothesis strategies.

Tests compare nx results with an independent computation (numpy, math, cmath)
element by element: integers exactly, floats within the op's declared ULPs in
the output type, NaN equal to NaN, and the sign of zero checked where asked.
"""

from __future__ import annotations

import math
import struct

from hypothesis import strategies as st

from spec import codec, types, values


def ordinal(type_, x: float) -> int:
    """The position of a float value among the values of a real float type, so
    that neighbours differ by 1 and -0.0 == 0.0."""
    type_ = types.normalize(type_)
    bits = type_.bits
    data = bytes(codec.encode(type_, [x]))
    n = int.from_bytes(data, "little")
    sign = 1 << (bits - 1)
    return -(n & ~sign) if n & sign else n


def ulp_distance(type_, a, b) -> float:
    """ULPs between two values of a float or complex type (max over components);
    0 when both are NaN, infinite when only one is."""
    type_ = types.normalize(type_)
    if type_.is_complex:
        part = types.to_real(type_)
        a, b = complex(a), complex(b)
        return max(_component_distance(part, a.real, b.real, b),
                   _component_distance(part, a.imag, b.imag, b))
    a, b = float(a), float(b)
    if a != a or b != b:
        return 0 if (a != a and b != b) else math.inf
    if math.isinf(a) or math.isinf(b):
        return 0 if a == b else math.inf
    ra, rb = values.round_to(type_, a), values.round_to(type_, b)
    return abs(ordinal(type_, ra) - ordinal(type_, rb))


def _component_distance(part, g, e, whole):
    """ULPs between components of complex numbers. A subnormal component carries
    no relative accuracy (any formula underflows on the way), so it is measured
    in ULPs of the number's larger component instead."""
    d = ulp_distance(part, g, e)
    tiny = types.smallest_positive_normal(part)
    if d <= 1 or not (abs(g) < tiny and abs(e) < tiny):
        return d
    scale = max(abs(whole.real), abs(whole.imag))
    if not math.isfinite(scale) or scale < tiny:
        return d
    return abs(g - e) / (types.epsilon(part) * scale)


def assert_close(type_, got, expected, ulps=0, context=""):
    """Element-wise comparison of flat lists: exact for integers, within ``ulps``
    for floats."""
    type_ = types.normalize(type_)
    assert len(got) == len(expected), f"{context}: length {len(got)} != {len(expected)}"
    for i, (g, e) in enumerate(zip(got, expected)):
        if type_.is_integer:
            assert g == e, f"{context}: element {i}: got {g}, expected {e}"
        else:
            d = ulp_distance(type_, g, e)
            assert d <= ulps, (f"{context}: element {i}: got {g!r}, expected {e!r} "
                               f"({d} ULPs in {type_}, tolerance {ulps})")


def all_values(type_):
    """Every value of an 8-bit float type (NaN once)."""
    type_ = types.normalize(type_)
    return list(codec.decode(type_, bytes(range(256))))


def scalar_values(type_, allow_nan=True, allow_infinity=True, min_value=None, max_value=None):
    """A hypothesis strategy for Python values of ``type_`` (already representable)."""
    type_ = types.normalize(type_)
    if type_.is_integer:
        lo, hi = types.min_finite(type_), types.max_finite(type_)
        lo = lo if min_value is None else max(lo, int(min_value))
        hi = hi if max_value is None else min(hi, int(max_value))
        return st.integers(lo, hi)
    if type_.is_complex:
        part = scalar_values(types.to_real(type_), allow_nan, allow_infinity, min_value, max_value)
        return st.builds(complex, part, part)
    if type_.name in ("f32", "f64"):
        width = 32 if type_.name == "f32" else 64
        return st.floats(min_value=min_value, max_value=max_value, allow_nan=allow_nan,
                         allow_infinity=allow_infinity, width=width)
    # small formats: draw bit patterns
    nbytes = type_.bytes

    def ok(v):
        if v != v:
            return allow_nan
        if math.isinf(v):
            return allow_infinity and min_value is None and max_value is None
        return (min_value is None or v >= min_value) and (max_value is None or v <= max_value)

    return st.integers(0, (1 << type_.bits) - 1).map(
        lambda n: codec.decode(type_, n.to_bytes(nbytes, "little"))[0]).filter(ok)


def values_of(type_, n):
    """``n`` values of ``type_``, all distinct (bit for bit) where the type has
    enough values, so that a value in the wrong place is seen."""
    t = types.normalize(type_)
    if t.bits < 8:
        return st.lists(scalar_values(t), min_size=n, max_size=n)
    return st.lists(scalar_values(t), min_size=n, max_size=n,
                    unique_by=lambda v: bytes(codec.encode(t, [v])))


def shapes(max_rank=3, max_side=4, min_side=0):
    """Small shapes, empty ones included."""
    return st.lists(st.integers(min_side, max_side), max_size=max_rank).map(tuple)


def f32(x: float) -> float:
    return struct.unpack("<f", struct.pack("<f", x))[0]
