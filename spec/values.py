"""Element values: how a Python value becomes a value of a type.

The spec computes on plain Python values (``int``, ``float``, ``complex``) and then
*rounds into the output type*; this module is that rounding, and the conversion
between types (``as_type``):

* integers wrap around (two's complement) into their bit size;
* floats round to nearest, ties to even, into f32, f16, bf16, f8 (E5M2) and
  f8_e4m3fn; overflow gives an infinity, except in f8_e4m3fn, which has none and
  saturates to +-448 (infinities too), as Nx does;
* float to integer conversion truncates toward zero; NaN becomes 0; values out of
  the integer's range (infinities included) saturate to its min or max, as XLA's
  conversion does on every backend Nx ships;
* complex to real keeps the real part; real to complex adds a zero imaginary part.

>>> round_to("f16", 65520.0), round_to("bf16", 1.00390625), round_to("f8_e4m3fn", 1e6)
(inf, 1.0, 448.0)
>>> wrap_int("s8", 128), wrap_int("u4", -1)
(-128, 15)
>>> cast(float("nan"), "f32", "s32"), cast(3.9e10, "f64", "s32"), cast(-2.7, "f32", "u8")
(0, 2147483647, 0)
"""

from __future__ import annotations

import math
from array import array

from spec import types

__all__ = ["round_to", "round_float", "wrap_int", "cast", "coerce", "round_format"]


def wrap_int(type_, value: int) -> int:
    """Wrap an integer into the range of an integer type (two's complement)."""
    type_ = types.normalize(type_)
    bits = type_.bits
    value &= (1 << bits) - 1
    if type_.kind == "s" and value >= 1 << (bits - 1):
        value -= 1 << bits
    return value


def round_format(x: float, exp_bits: int, man_bits: int, finite_only: bool = False) -> float:
    """Round a Python float to the nearest value of a binary float format with
    ``exp_bits`` exponent bits and ``man_bits`` mantissa bits (ties to even).

    Subnormals are kept; overflow gives an infinity, or saturates to the largest
    finite value when ``finite_only`` (the format has no infinities).

    >>> round_format(1.0 + 2 ** -11, 5, 10), round_format(1.0 + 3 * 2 ** -11, 5, 10)
    (1.0, 1.001953125)
    """
    if x != x or x == 0.0:
        return x
    bias = (1 << (exp_bits - 1)) - 1
    if finite_only:
        # the top exponent is finite except its all-ones mantissa (NaN)
        max_finite = 2.0 ** (bias + 1) * (2 - 2.0 ** (1 - man_bits))
    else:
        max_finite = 2.0 ** bias * (2 - 2.0 ** -man_bits)
    if math.isinf(x):
        return math.copysign(max_finite, x) if finite_only else x
    sign = -1.0 if x < 0 else 1.0
    a = abs(x)
    _, e = math.frexp(a)          # a = m * 2**e with 0.5 <= m < 1
    e = max(e - 1, 1 - bias)      # exponent of the leading bit, clamped into subnormals
    quantum = 2.0 ** (e - man_bits)
    r = round(a / quantum) * quantum   # Python's round is ties-to-even; a / quantum is exact
    if r > max_finite:
        # above the largest finite value: infinity once past the rounding midpoint
        if finite_only:
            return sign * max_finite
        half_ulp = 2.0 ** (bias - man_bits - 1)
        return sign * (max_finite if a < max_finite + half_ulp else math.inf)
    return sign * r


_F32 = array("f", [0.0])


def _round_f32(x: float) -> float:
    _F32[0] = x
    return _F32[0]


def round_float(type_name: str, x: float) -> float:
    """Round a Python float into a real float type given by name."""
    if type_name == "f64":
        return x
    if type_name == "f32":
        return _round_f32(x)
    exp_bits, man_bits = types.FLOAT_FORMATS[type_name]
    return round_format(x, exp_bits, man_bits, type_name == "f8_e4m3fn")


def round_to(type_, value):
    """Round a Python value of the type's kind into the type (see module docstring)."""
    type_ = types.normalize(type_)
    if type_.is_integer:
        return wrap_int(type_, value)
    if type_.is_complex:
        part = "f32" if type_.bits == 64 else "f64"
        value = complex(value)
        return complex(round_float(part, value.real), round_float(part, value.imag))
    return round_float(type_.name, float(value))


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
    >>> cast(-1, "s8", "f16"), cast(3, "u8", "c64")
    (-1.0, (3+0j))
    """
    from_type, to_type = types.normalize(from_type), types.normalize(to_type)
    if from_type.is_complex and not to_type.is_complex:
        value = value.real
    if to_type.is_integer:
        if isinstance(value, float):
            return _float_to_int(to_type, value)
        return wrap_int(to_type, int(value))
    return round_to(to_type, value)


def coerce(type_, value):
    """Turn a user's Python literal into a value of ``type_`` for ``nx.tensor``:
    booleans are 0 and 1, an int in a float type becomes a float, and a float or
    complex literal in an integer type is an error (Nx raises on it too).

    >>> coerce("f32", 1), coerce("u8", True), coerce("c64", 2.0)
    (1.0, 1, (2+0j))
    """
    type_ = types.normalize(type_)
    if isinstance(value, bool):
        value = int(value)
    if type_.is_integer:
        if not isinstance(value, int):
            from spec.errors import TypeError_
            raise TypeError_(f"cannot cast number {value!r} to {type_}: "
                             f"a {type(value).__name__} does not fit an integer type")
        return value
    if type_.is_complex:
        return complex(value)
    if isinstance(value, complex):
        from spec.errors import TypeError_
        raise TypeError_(f"cannot cast number {value!r} to {type_}: complex values need a complex type")
    return float(value)
