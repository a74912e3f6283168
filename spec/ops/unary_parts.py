"""Unary element-wise ops that are not math functions: signs, rounding, predicates,
bits and the parts of complex numbers.

These keep the input's type (``abs`` of a complex number and the complex parts
give its real type, predicates give u8) and are exact, except ``phase``. Integers
wrap around: ``negate`` of an unsigned integer and ``abs`` of the most negative
signed one wrap as in two's complement. Rounding and bit operations, like sign
and the predicates, are constants for differentiation (Nx's ``@constants`` in
``Nx.Defn.Grad``).
"""

from __future__ import annotations

import cmath
import math
import operator

from spec import types
from spec.ops import _math as m
from spec.ops._elementwise import INTEGER, NOT_COMPLEX, complex_error, unary
from spec.ops.unary import _INF, _NAN, _PI, _ulps

__all__ = [
    "abs", "negate", "sign", "ceil", "floor", "round", "is_nan", "is_infinity",
    "logical_not", "bitwise_not", "population_count", "count_leading_zeros",
    "real", "imag", "conjugate", "phase",
]

_EXACT = {t.name: 0 for t in types.FLOAT_TYPES + types.COMPLEX_TYPES}


def _same(t):
    return t


def _u8(t):
    return types.normalize("u8")


# -- signs -----------------------------------------------------------------------

def _abs_type(t):
    return types.to_real(t) if t.is_complex else t


def _abs_grad(ops, g, out, x):
    if x.type.is_complex:
        # g * conj(z) / |z|, with 1 in place of |z| where z = 0 (the gradient is 0 there)
        ans_no_zero = ops.select(ops.equal(out, 0), 1, out)
        return [ops.divide(ops.multiply(ops.real(g), ops.conjugate(x)), ans_no_zero)]
    return [ops.select(ops.greater_equal(x, 0.0), g, ops.negate(g))]


@unary(out_type=_abs_type, compute_type=_same, fast=abs, tolerance={**_EXACT, "f32": 1, "f64": 1},
       special_cases=[(-0.0, 0.0), (-_INF, _INF), (_NAN, _NAN), (complex(3.0, -4.0), 5.0),
                      (complex(-_INF, _NAN), _INF)],
       grad=_abs_grad)
def abs(x):
    """Computes the absolute value of each element; a complex number gives its
    modulus in the real type (``c64`` to ``f32``), within an ULP (``hypot``; real
    inputs are exact). The most negative signed integer wraps to itself, as in
    two's complement.

    >>> nx.abs(nx.tensor([-2, -1, 0, 1, 2], names=["x"]))
    #Nx.Tensor<
      s32[x: 5]
      [2, 1, 0, 1, 2]
    >
    >>> nx.abs(nx.tensor([3 - 4j, -0.0]))
    #Nx.Tensor<
      f32[2]
      [5.0, 0.0]
    >
    """
    if isinstance(x, complex):
        return math.hypot(x.real, x.imag)  # inf if a component is infinite, NaN or not
    if isinstance(x, float):
        return math.fabs(x)
    return -x if x < 0 else x


@unary(fast=operator.neg, tolerance=_EXACT,
       special_cases=[(0.0, -0.0), (_INF, -_INF), (_NAN, _NAN), (complex(1.0, -2.0), complex(-1.0, 2.0))],
       grad=lambda ops, g, out, x: [ops.negate(g)])
def negate(x):
    """Negates each element. Integers wrap around: an unsigned tensor works as
    ``bitwise_not(x) + 1``, and the most negative signed integer is its own negation.

    >>> nx.negate(1)
    #Nx.Tensor<
      s32
      -1
    >
    >>> nx.negate(nx.tensor([-1, 0, 1]))
    #Nx.Tensor<
      s32[3]
      [1, 0, -1]
    >
    >>> nx.negate(nx.tensor([1.0, 2.0, 3.0], type="f32"))
    #Nx.Tensor<
      f32[3]
      [-1.0, -2.0, -3.0]
    >
    >>> nx.negate(nx.tensor([0, 1, 2], type="u8", names=["x"]))
    #Nx.Tensor<
      u8[x: 3]
      [0, 255, 254]
    >
    """
    return -x


@unary(tolerance={**_EXACT, "c64": 1, "c128": 2}, differentiable=False,
       special_cases=[(_NAN, _NAN), (-0.0, -0.0), (0.0, 0.0), (-_INF, -1.0), (1e-30, 1.0),
                      (complex(3.0, 4.0), complex(0.6, 0.8)), (complex(0.0, -_INF), complex(0.0, -1.0))])
def sign(x):
    """Computes the sign of each element: -1, 0 or 1 for real numbers, where a
    zero keeps its sign (``sign(-0.0)`` is ``-0.0``) and NaN stays NaN (numpy's
    ``sign(-0.0)`` is ``0.0``). A complex number gives ``z / |z|`` (0 for 0, NaN
    if a component is NaN or both are infinite).

    >>> nx.sign(nx.tensor([-2, -1, 0, 1, 2], names=["x"]))
    #Nx.Tensor<
      s32[x: 5]
      [-1, -1, 0, 1, 1]
    >
    >>> nx.sign(nx.tensor([-0.0, float("nan"), float("-inf"), 0.5]))
    #Nx.Tensor<
      f32[4]
      [-0.0, NaN, -1.0, 1.0]
    >
    """
    if isinstance(x, complex):
        return m.csign(x)
    if x > 0:
        return 1 if isinstance(x, int) else 1.0
    if x < 0:
        return -1 if isinstance(x, int) else -1.0
    return x  # zeros keep their sign, NaN stays NaN


# -- rounding (identity on integers, complex rejected) ------------------------------

def _rounding(name, **kw):
    return unary(accepts=NOT_COMPLEX, error=complex_error(name, 1), tolerance=_EXACT,
                 differentiable=False, **kw)


@_rounding("ceil", special_cases=[(-0.5, -0.0), (1.5, 2.0), (_INF, _INF), (_NAN, _NAN), (-0.0, -0.0)])
def ceil(x):
    """Rounds each element up to an integer, keeping the type; integers are
    returned as they are. The sign of zero is kept (``ceil(-0.5)`` is ``-0.0``).

    >>> nx.ceil(nx.tensor([-1, 0, 1], names=["x"]))
    #Nx.Tensor<
      s32[x: 3]
      [-1, 0, 1]
    >
    >>> nx.ceil(nx.tensor([-1.5, -0.5, 0.5, 1.5], names=["x"]))
    #Nx.Tensor<
      f32[x: 4]
      [-1.0, -0.0, 1.0, 2.0]
    >
    """
    return m.ceil(x)


@_rounding("floor", special_cases=[(0.5, 0.0), (-0.5, -1.0), (-0.0, -0.0), (-_INF, -_INF), (_NAN, _NAN)])
def floor(x):
    """Rounds each element down to an integer, keeping the type; integers are
    returned as they are.

    >>> nx.floor(nx.tensor([-1, 0, 1], names=["x"]))
    #Nx.Tensor<
      s32[x: 3]
      [-1, 0, 1]
    >
    >>> nx.floor(nx.tensor([-1.5, -0.5, 0.5, 1.5], names=["x"]))
    #Nx.Tensor<
      f32[x: 4]
      [-2.0, -1.0, 0.0, 1.0]
    >
    """
    return m.floor(x)


@_rounding("round", special_cases=[(0.5, 1.0), (-0.5, -1.0), (2.5, 3.0), (-2.5, -3.0), (-0.4, -0.0),
                                   (_INF, _INF), (_NAN, _NAN)])
def round(x):
    """Rounds each element to the nearest integer, halves away from zero (as
    Erlang's ``round``, unlike numpy's halves to even), keeping the type;
    integers are returned as they are. The sign of zero is kept (``-0.4`` rounds
    to ``-0.0``, as in XLA).

    >>> nx.round(nx.tensor([-1, 0, 1], names=["x"]))
    #Nx.Tensor<
      s32[x: 3]
      [-1, 0, 1]
    >
    >>> nx.round(nx.tensor([-1.5, -0.5, 0.5, 1.5], names=["x"]))
    #Nx.Tensor<
      f32[x: 4]
      [-2.0, -1.0, 1.0, 2.0]
    >
    >>> nx.round(nx.tensor([2.5, -2.5, 0.49999997]))
    #Nx.Tensor<
      f32[3]
      [3.0, -3.0, 0.0]
    >
    """
    return m.round_half_away(x)


# -- predicates (u8 output) ----------------------------------------------------------

def _predicate(**kw):
    return unary(out_type=_u8, compute_type=_same, differentiable=False, **kw)


@_predicate(fast=math.isnan,
            special_cases=[(_NAN, 1), (_INF, 0), (0.0, 0), (complex(0.0, _NAN), 1), (complex(_NAN, _INF), 1)])
def is_nan(x):
    """Determines if each element is NaN (1) or not (0); a complex number is NaN
    when either component is. Integers are never NaN.

    >>> nx.is_nan(nx.tensor([float("nan"), 1, 0]))
    #Nx.Tensor<
      u8[3]
      [1, 0, 0]
    >
    >>> nx.is_nan(nx.tensor([float("nan"), float("inf"), complex(0, float("nan"))]))
    #Nx.Tensor<
      u8[3]
      [1, 0, 1]
    >
    >>> nx.is_nan(nx.tensor([1, 0]))
    #Nx.Tensor<
      u8[2]
      [0, 0]
    >
    """
    if isinstance(x, complex):
        return int(x.real != x.real or x.imag != x.imag)
    return int(x != x)


@_predicate(fast=math.isinf,
            special_cases=[(_INF, 1), (-_INF, 1), (_NAN, 0), (1.0, 0), (complex(0.0, -_INF), 1),
                           (complex(_NAN, _INF), 1)])
def is_infinity(x):
    """Determines if each element is ``inf`` or ``-inf`` (1) or not (0); a complex
    number is infinite when either component is.

    >>> nx.is_infinity(nx.tensor([float("inf"), float("nan"), float("-inf"), 1, 0]))
    #Nx.Tensor<
      u8[5]
      [1, 0, 1, 0, 0]
    >
    >>> nx.is_infinity(nx.tensor([float("inf"), 1, complex(0, float("inf")), float("-inf")]))
    #Nx.Tensor<
      u8[4]
      [1, 0, 1, 1]
    >
    >>> nx.is_infinity(nx.tensor([1, 0]))
    #Nx.Tensor<
      u8[2]
      [0, 0]
    >
    """
    if isinstance(x, complex):
        return int(math.isinf(x.real) or math.isinf(x.imag))
    return int(isinstance(x, float) and math.isinf(x))


@_predicate(fast=operator.not_,
            special_cases=[(0.0, 1), (-0.0, 1), (_NAN, 0), (2.0, 0), (complex(0.0, 0.0), 1),
                           (complex(0.0, 1.0), 0)])
def logical_not(x):
    """Element-wise logical not: 1 where the element is zero, 0 elsewhere (NaN is
    not zero, so it gives 0; a complex number is zero when both parts are).

    >>> nx.logical_not(nx.tensor([-1, 0, 1], names=["data"]))
    #Nx.Tensor<
      u8[data: 3]
      [0, 1, 0]
    >
    >>> nx.logical_not(nx.tensor([-1.0, 0.0, 1.0], names=["data"]))
    #Nx.Tensor<
      u8[data: 3]
      [0, 1, 0]
    >
    """
    return int(x == 0)


# -- bits (integers only) -------------------------------------------------------------

def _bitwise_error(name):
    return lambda t: (f"nx.{name}: bitwise operators expect integer tensors as inputs and "
                      f"outputs an integer tensor, got: {t}")


def _bits(name, **kw):
    return unary(accepts=INTEGER, error=_bitwise_error(name), differentiable=False, **kw)


@_bits("bitwise_not", fast=operator.invert, special_cases=[(0, -1), (1, -2), (-1, 0)])
def bitwise_not(x):
    """Flips every bit of each element, in the bit width of its type
    (``~x``, which is ``-x - 1`` for signed and ``max - x`` for unsigned types).

    >>> nx.bitwise_not(1)
    #Nx.Tensor<
      s32
      -2
    >
    >>> nx.bitwise_not(nx.tensor([-1, 0, 1], type="s8", names=["x"]))
    #Nx.Tensor<
      s8[x: 3]
      [0, -1, -2]
    >
    >>> nx.bitwise_not(nx.tensor([0, 1, 254, 255], type="u8", names=["x"]))
    #Nx.Tensor<
      u8[x: 4]
      [255, 254, 1, 0]
    >
    >>> nx.bitwise_not(nx.tensor([0.0, 1.0]))
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: nx.bitwise_not: bitwise operators expect integer tensors as inputs and outputs an integer tensor, got: f32
    """
    return ~x


def _popcount_kernel(ctype):
    mask = (1 << ctype.bits) - 1
    return lambda x: bin(x & mask).count("1")


@_bits("population_count", kernel=_popcount_kernel, special_cases=[(0, 0), (1, 1)])
def population_count(x):
    """Counts the bits set in each element, in the two's complement
    representation of its type (``-1`` has all of its type's bits set). The count
    is an element of the input's type: in s2, the count 2 wraps to -2.

    >>> nx.population_count(1)
    #Nx.Tensor<
      s32
      1
    >
    >>> nx.population_count(-128)
    #Nx.Tensor<
      s32
      25
    >
    >>> nx.population_count(nx.tensor([0, 1, 254, 255], names=["x"]))
    #Nx.Tensor<
      s32[x: 4]
      [0, 1, 7, 8]
    >
    >>> nx.population_count(nx.tensor([0, 1, 126, 127, -1, -127, -128], type="s8", names=["x"]))
    #Nx.Tensor<
      s8[x: 7]
      [0, 1, 6, 7, 8, 2, 1]
    >
    """
    return _popcount_kernel(types.normalize("s64"))(x)


def _clz_kernel(ctype):
    bits = ctype.bits
    mask = (1 << bits) - 1
    return lambda x: bits - (x & mask).bit_length()


@_bits("count_leading_zeros", kernel=_clz_kernel, special_cases=[(-1, 0)])
def count_leading_zeros(x):
    """Counts the zero bits above the highest set bit of each element, in the bit
    width of its type (the width itself for 0, 0 for negative numbers; in s2 the
    count 2 wraps to -2, as the result has the input's type).

    >>> nx.count_leading_zeros(1)
    #Nx.Tensor<
      s32
      31
    >
    >>> nx.count_leading_zeros(nx.tensor([0, 0xF, 0xFF, 0xFFFF], names=["x"]))
    #Nx.Tensor<
      s32[x: 4]
      [32, 28, 24, 16]
    >
    >>> nx.count_leading_zeros(nx.tensor([0, 0xF, 0xFF, 0xFFFF], type="s64", names=["x"]))
    #Nx.Tensor<
      s64[x: 4]
      [64, 60, 56, 48]
    >
    >>> nx.count_leading_zeros(nx.tensor([0, 1, 2, 4, 8, 16, 32, 64, -1, -128], type="s8", names=["x"]))
    #Nx.Tensor<
      s8[x: 10]
      [8, 7, 6, 5, 4, 3, 2, 1, 0, 0]
    >
    >>> nx.count_leading_zeros(nx.tensor([0, 1, 2, 4, 8, 16, 32, 64, 128], type="u8", names=["x"]))
    #Nx.Tensor<
      u8[x: 9]
      [8, 7, 6, 5, 4, 3, 2, 1, 0]
    >
    """
    return _clz_kernel(types.normalize("s64"))(x)


# -- parts of complex numbers ---------------------------------------------------------

def _real_compute(t):
    return t if t.is_complex else types.to_real(t)


@unary(out_type=types.to_real, compute_type=_real_compute, fast=operator.attrgetter("real"),
       tolerance=_EXACT, special_cases=[(complex(1.0, 2.0), 1.0), (-0.0, -0.0), (complex(_NAN, 1.0), _NAN)],
       grad=lambda ops, g, out, x: [ops.real(g)])
def real(x):
    """Returns the real part of each element, in the real type of the input
    (``c64`` to ``f32``); real floats are returned as they are and integers
    converted to f32.

    >>> nx.real(1 + 2j)
    #Nx.Tensor<
      f32
      1.0
    >
    >>> nx.real(nx.tensor(1))
    #Nx.Tensor<
      f32
      1.0
    >
    >>> nx.real(nx.tensor(1, type="bf16"))
    #Nx.Tensor<
      bf16
      1.0
    >
    >>> nx.real(nx.tensor([1 + 2j, 2 - 4j]))
    #Nx.Tensor<
      f32[2]
      [1.0, 2.0]
    >
    """
    return x.real


@unary(out_type=types.to_real, compute_type=_real_compute, fast=operator.attrgetter("imag"),
       tolerance=_EXACT, special_cases=[(complex(1.0, 2.0), 2.0), (5.0, 0.0), (_NAN, 0.0), (-_INF, 0.0)],
       grad=lambda ops, g, out, x: [ops.imag(g)])
def imag(x):
    """Returns the imaginary part of each element, in the real type of the input;
    real inputs give zeros (of ``to_floating`` of their type, NaN and infinities
    included).

    >>> nx.imag(1 + 2j)
    #Nx.Tensor<
      f32
      2.0
    >
    >>> nx.imag(nx.tensor(1))
    #Nx.Tensor<
      f32
      0.0
    >
    >>> nx.imag(nx.tensor(1, type="bf16"))
    #Nx.Tensor<
      bf16
      0.0
    >
    >>> nx.imag(nx.tensor([1 + 2j, 2 - 4j]))
    #Nx.Tensor<
      f32[2]
      [2.0, -4.0]
    >
    """
    return x.imag


def _conjugate_grad(ops, g, out, x):
    return [ops.conjugate(g) if x.type.is_complex else ops.real(g)]


@unary(out_type=types.to_complex, fast=complex.conjugate, tolerance=_EXACT,
       special_cases=[(1.0, complex(1.0, -0.0)), (complex(1.0, 2.0), complex(1.0, -2.0)),
                      (complex(_INF, -_INF), complex(_INF, _INF))],
       grad=_conjugate_grad)
def conjugate(x):
    """Calculates the complex conjugate ``a - bi`` of each element ``a + bi``; real
    inputs become complex (``to_complex``) with a ``-0.0`` imaginary part.

    >>> nx.conjugate(1 + 2j)
    #Nx.Tensor<
      c64
      1.0-2.0i
    >
    >>> nx.conjugate(1)
    #Nx.Tensor<
      c64
      1.0-0.0i
    >
    >>> nx.conjugate(nx.tensor([1 + 2j, 2 - 4j]))
    #Nx.Tensor<
      c64[2]
      [1.0-2.0i, 2.0+4.0i]
    >
    """
    return complex(x).conjugate()


def _phase_grad(ops, g, out, x):
    # Nx's phase is atan2(imag(x), real(x)); this is the gradient of that composition
    re, im = ops.real(x), ops.imag(x)
    den = ops.add(ops.multiply(re, re), ops.multiply(im, im))
    d_im = ops.multiply(g, ops.divide(re, den))
    d_re = ops.multiply(g, ops.negate(ops.divide(im, den)))
    return [ops.add(ops.imag(d_im), ops.real(d_re))]


@unary(out_type=types.to_real, compute_type=_real_compute, fast=cmath.phase, tolerance=_ulps(),
       special_cases=[(-1.0, _PI), (-0.0, _PI), (0.0, 0.0), (_NAN, _NAN), (complex(0.0, 1.0), _PI / 2),
                      (complex(-1.0, -0.0), -_PI), (complex(_INF, _INF), _PI / 4)],
       grad=_phase_grad)
def phase(x):
    """Calculates the phase angle ``atan2(imag(z), real(z))`` of each element, in
    ``[-pi, pi]``, in the real type of the input. A real input has phase 0, or pi
    when negative (``-0.0`` included, as ``atan2(0, -0.0)``).

    >>> nx.phase(1 + 2j)
    #Nx.Tensor<
      f32
      1.1071488
    >
    >>> nx.phase(1)
    #Nx.Tensor<
      f32
      0.0
    >
    >>> nx.phase(nx.tensor([1 + 2j, -2 + 1j]))
    #Nx.Tensor<
      f32[2]
      [1.1071488, 2.6779451]
    >
    """
    return math.atan2(x.imag, x.real)  # cmath.phase raises when the angle underflows
