"""Element values: how a Python value becomes a value of a type.

The spec computes on plain Python values (``int``, ``float``, ``complex``) and then
*rounds into the output type*; this module is that rounding, and the conversion
between types (Nx's ``as_type`` on one element):

* integers wrap around (two's complement) into their bit size;
* reals round to nearest, ties to even, into f32, f16, bf16, f8 (E5M2) and
  f8_e4m3fn, in one step from the exact value (an integer beyond 2**53 is rounded
  from its exact value, not from the nearest f64); overflow gives an infinity,
  except in f8_e4m3fn, which has none and saturates to +-448 (infinities too), as
  Nx does; NaN stays NaN;
* float to integer truncates toward zero; NaN becomes 0 and the infinities the
  integer type's max and min, as Nx documents; finite values out of range
  saturate to the max or min too (Nx is silent there: its BinaryBackend wraps
  them, XLA saturates; the spec follows XLA);
* complex to real keeps the real part; real to complex adds a zero imaginary part.

Nx's BinaryBackend writes bf16 and f8 by dropping the low bits of an f32 or f16
(truncation, after a first rounding) and rounds f8_e4m3fn half away from zero;
EXLA rounds to nearest even, and so does the spec.

>>> round_to("f16", 65520.0), round_to("bf16", 1.00390625), round_to("f8_e4m3fn", 1e6)
(inf, 1.0, 448.0)
>>> round_to("f32", 2 ** 60 + 2 ** 36 + 1) == 2 ** 60 + 2 ** 37
True
>>> wrap_int("s8", 128), wrap_int("u4", -1)
(-128, 15)
>>> cast(float("nan"), "f32", "s32"), cast(3.9e10, "f64", "s32"), cast(-2.7, "f32", "u8")
(0, 2147483647, 0)
"""

from __future__ import annotations

import math
from array import array

from spec import types
from spec.errors import TypeError_

__all__ = ["round_to", "round_float", "round_format", "wrap_int", "cast", "coerce"]

# Integers of at most this magnitude are exact in f64.
_EXACT_IN_F64 = 1 << 53


def wrap_int(type_, value: int) -> int:
    """Wrap an integer into the range of an integer type (two's complement).

    >>> wrap_int("u8", 256 + 7), wrap_int("s2", 2), wrap_int("s64", 2 ** 63)
    (7, -2, -9223372036854775808)
    """
    type_ = types.normalize(type_)
    bits = type_.bits
    value &= (1 << bits) - 1
    if type_.kind == "s" and value >= 1 << (bits - 1):
        value -= 1 << bits
    return value


def _max_finite(exp_bits: int, man_bits: int, finite_only: bool) -> float:
    bias = (1 << (exp_bits - 1)) - 1
    if finite_only:  # the top exponent is finite except its all-ones mantissa (NaN)
        return 2.0 ** (bias + 1) * (2 - 2.0 ** (1 - man_bits))
    return 2.0 ** bias * (2 - 2.0 ** -man_bits)


def round_format(x, exp_bits: int, man_bits: int, finite_only: bool = False) -> float:
    """Round a real (a Python float, or an int of any size) to the nearest value
    of a binary float format with ``exp_bits`` exponent bits and ``man_bits``
    mantissa bits, ties to even.

    Subnormals are kept; overflow gives an infinity, or saturates to the largest
    finite value when ``finite_only`` (the format has no infinities).

    >>> round_format(1.0 + 2 ** -11, 5, 10), round_format(1.0 + 3 * 2 ** -11, 5, 10)
    (1.0, 1.001953125)
    >>> round_format(2 ** 64 - 1, 5, 10), round_format(-(2 ** 64), 4, 3, finite_only=True)
    (inf, -448.0)
    """
    if isinstance(x, int) and not -_EXACT_IN_F64 <= x <= _EXACT_IN_F64:
        x = _round_big_int(x, man_bits)
    if x != x or x == 0.0:
        return x
    max_finite = _max_finite(exp_bits, man_bits, finite_only)
    if math.isinf(x):
        return math.copysign(max_finite, x) if finite_only else x
    a = abs(x)
    bias = (1 << (exp_bits - 1)) - 1
    _, e = math.frexp(a)          # a = m * 2**e with 0.5 <= m < 1
    e = max(e - 1, 1 - bias)      # exponent of the leading bit, clamped into subnormals
    quantum = math.ldexp(1.0, e - man_bits)
    r = round(a / quantum) * quantum   # a / quantum is exact; round() is ties-to-even
    if r > max_finite:
        # rounded past the largest finite value: the exact value was at least
        # half an ulp above it (max_finite's mantissa is odd, so a tie goes up)
        r = max_finite if finite_only else math.inf
    return math.copysign(r, x)


def _round_big_int(n: int, man_bits: int) -> float:
    """Round an integer beyond 2**53 to ``man_bits + 1`` significant bits, ties to
    even, from its exact value; the result is exact in f64 (or an infinity)."""
    a = abs(n)
    shift = a.bit_length() - (man_bits + 1)
    if shift > 0:
        q, r = divmod(a, 1 << shift)
        half = 1 << (shift - 1)
        if r > half or (r == half and q & 1):
            q += 1
        a = q << shift
    try:
        x = float(a)
    except OverflowError:
        x = math.inf
    return -x if n < 0 else x


_F32 = array("f", [0.0])


def _round_f32(x: float) -> float:
    _F32[0] = x   # C's double -> float conversion: nearest, ties to even
    return _F32[0]


def round_float(type_name: str, x) -> float:
    """Round a real (a Python float or int) into a real float type given by name.

    >>> round_float("bf16", 1 / 3), round_float("f8", 0.3), round_float("f64", 2 ** 53 + 1)
    (0.333984375, 0.3125, 9007199254740992.0)
    """
    if isinstance(x, int) and not -_EXACT_IN_F64 <= x <= _EXACT_IN_F64:
        x = _round_big_int(x, types.FLOAT_FORMATS[type_name][1])
    if type_name == "f64":
        return float(x)
    if type_name == "f32":
        return _round_f32(x)
    exp_bits, man_bits = types.FLOAT_FORMATS[type_name]
    return round_format(float(x), exp_bits, man_bits, type_name == "f8_e4m3fn")


def round_to(type_, value):
    """Round a Python value of the type's kind into the type (see module docstring).

    >>> round_to("u8", 300), round_to("f16", 0.1), round_to("c64", 0.1 + 1j)
    (44, 0.0999755859375, (0.10000000149011612+1j))
    """
    type_ = types.normalize(type_)
    if type_.is_integer:
        return wrap_int(type_, value)
    if type_.is_complex:
        part = "f32" if type_.bits == 64 else "f64"
        if isinstance(value, complex):
            return complex(round_float(part, value.real), round_float(part, value.imag))
        return complex(round_float(part, value), 0.0)
    return round_float(type_.name, value)


def _float_to_int(type_, x: float) -> int:
    if x != x:
        return 0
    lo, hi = types.min_finite(type_), types.max_finite(type_)
    if math.isinf(x):
        return hi if x > 0 else lo
    v = int(x)  # truncates toward zero
    return hi if v > hi else lo if v < lo else v


def cast(value, from_type, to_type):
    """Convert one value of ``from_type`` to ``to_type`` (Nx's ``as_type`` on an element).

    >>> cast(300, "s32", "u8"), cast(2.5, "f32", "s8"), cast(1 + 2j, "c64", "f32")
    (44, 2, 1.0)
    >>> cast(-1, "s8", "f16"), cast(3, "u8", "c64"), cast(float("-inf"), "f16", "s4")
    (-1.0, (3+0j), -8)
    """
    from_type, to_type = types.normalize(from_type), types.normalize(to_type)
    if from_type.is_complex and not to_type.is_complex:
        value = complex(value).real
    if to_type.is_integer:
        if isinstance(value, float):
            return _float_to_int(to_type, value)
        return wrap_int(to_type, int(value))
    return round_to(to_type, value)


def coerce(type_, value):
    """Turn a user's Python literal into a value of ``type_`` for ``nx.tensor``:
    booleans are 0 and 1, an int in a float type becomes a float (rounded into
    the type when it is beyond 2**53, where f64 would round it first), and a float
    or complex literal in an integer type is an error (Nx raises on it too).

    >>> coerce("f32", 1), coerce("u8", True), coerce("c64", 2.0)
    (1.0, 1, (2+0j))
    >>> coerce("s8", 1.5)
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: cannot cast number 1.5 to s8: a float does not fit an integer type
    """
    type_ = types.normalize(type_)
    if isinstance(value, bool):
        value = int(value)
    if type_.is_integer:
        if not isinstance(value, int):
            raise TypeError_(f"cannot cast number {value!r} to {type_}: "
                             f"a {type(value).__name__} does not fit an integer type")
        return value
    if isinstance(value, int) and not -_EXACT_IN_F64 <= value <= _EXACT_IN_F64:
        value = round_to(type_, value)
    if type_.is_complex:
        return complex(value)
    if isinstance(value, complex):
        raise TypeError_(f"cannot cast number {value!r} to {type_}: complex values need a complex type")
    return float(value)
