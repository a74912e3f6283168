"""Unary element-wise math functions: one declaration each, semantics on one Python value.

Every function here converts its input to ``to_floating`` of its type (integers
become f32, s64 and u64 too), computes on the Python value in double precision
(``math``, or ``cmath`` for complex inputs) and rounds once into the output type.
The element functions never raise: where ``math``/``cmath`` raise, they return the
IEEE 754 result (NaN for a domain error, a signed infinity for a pole or an
overflow), and complex inputs follow C99 Annex G's special values
(:mod:`spec.ops._math`). ``erf``, ``erfc`` and ``erf_inv`` reject complex inputs,
as Nx does. Tolerances are ULPs in the output type.
"""

from __future__ import annotations

import math

from spec import types
from spec.ops import _math as m
from spec.ops._elementwise import ANY, NOT_COMPLEX, complex_error, unary
from spec.values import round_to

__all__ = ["exp", "expm1", "log", "log1p", "log2", "log10", "sigmoid", "sqrt", "rsqrt",
           "cbrt", "erf", "erfc", "erf_inv"]

_INF, _NAN, _PI = math.inf, math.nan, math.pi
_SMALL = {"f8": 1, "f8_e4m3fn": 1, "f16": 1, "bf16": 1}


def _ulps(f32=1, f64=2, c64=2, c128=4):
    """Tolerances in ULPs: one rounding for the small formats, the library's error
    for f32/f64, and per component for complex results."""
    return {**_SMALL, "f32": f32, "f64": f64, "c64": c64, "c128": c128}


def _math(**kw):
    """A math function: every type accepted, ``to_floating`` output."""
    kw.setdefault("accepts", ANY)
    kw.setdefault("tolerance", _ulps())
    return unary(out_type=types.to_floating, **kw)


def _real_only(name, **kw):
    """A math function Nx defines for real inputs only (erf and its kin)."""
    return _math(accepts=NOT_COMPLEX, error=complex_error(name, 1), **kw)


# -- exponentials and logarithms -------------------------------------------------

@_math(fast=math.exp, tolerance=_ulps(c128=4),
       special_cases=[(_NAN, _NAN), (_INF, _INF), (-_INF, 0.0), (0.0, 1.0), (-0.0, 1.0),
                      (complex(-_INF, 0.0), 0j), (complex(1000.0, 0.0), complex(_INF, 0.0))],
       grad=lambda ops, g, out, x: [ops.multiply(g, out)])
def exp(x):
    """Calculates the exponential of each element in the tensor: ``e ** x``.

    Integer inputs are converted to floating point first (the type rule is
    ``to_floating``). Overflow gives ``inf``; ``exp(-inf)`` is ``0.0``.

    >>> nx.exp(nx.tensor(1, type="f64"))
    #Nx.Tensor<
      f64
      2.718281828459045
    >
    >>> nx.exp(nx.tensor([1, 2, 3], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [2.718281828459045, 7.38905609893065, 20.085536923187668]
    >
    """
    return m.cexp(x) if isinstance(x, complex) else m.exp(x)


@_math(fast=math.expm1, tolerance=_ulps(c128=8),
       special_cases=[(_NAN, _NAN), (_INF, _INF), (-_INF, -1.0), (-0.0, -0.0),
                      (complex(_INF, 0.0), complex(_INF, 0.0)),
                      (complex(-_INF, 0.0), complex(-1.0, 0.0))],
       grad=lambda ops, g, out, x: [ops.multiply(g, ops.add(out, 1))])
def expm1(x):
    """Calculates ``exp(x) - 1`` of each element, accurately near zero. For complex
    inputs the real part ``exp(a) cos(b) - 1`` is computed without cancellation,
    also where ``exp(a) cos(b)`` is close to 1 away from zero.

    >>> nx.expm1(nx.tensor(1, type="f64"))
    #Nx.Tensor<
      f64
      1.718281828459045
    >
    >>> nx.expm1(nx.tensor([1, 2, 3], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [1.718281828459045, 6.38905609893065, 19.085536923187668]
    >
    """
    return m.cexpm1(x) if isinstance(x, complex) else m.expm1(x)


@_math(fast=math.log,
       special_cases=[(0.0, -_INF), (-0.0, -_INF), (-1.0, _NAN), (_INF, _INF), (1.0, 0.0),
                      (_NAN, _NAN), (complex(0.0, 0.0), complex(-_INF, 0.0)),
                      (complex(-1.0, 0.0), complex(0.0, _PI)),
                      (complex(-1.0, -0.0), complex(0.0, -_PI))],
       grad=lambda ops, g, out, x: [ops.divide(g, x)])
def log(x):
    """Calculates the natural logarithm of each element; complex inputs take the
    principal branch (``log(z) = ln|z| + i arg(z)``, ``arg`` in ``[-pi, pi]``).

    ``log(0)`` is ``-inf`` and a negative real input gives NaN.

    >>> nx.log(nx.tensor(1, type="f64"))
    #Nx.Tensor<
      f64
      0.0
    >
    >>> nx.log(nx.tensor([1, 2, 3], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [0.0, 0.6931471805599453, 1.0986122886681098]
    >
    """
    return m.clog(x) if isinstance(x, complex) else m.log(x)


@_math(fast=math.log1p,
       special_cases=[(-1.0, -_INF), (-2.0, _NAN), (-0.0, -0.0), (_INF, _INF), (_NAN, _NAN),
                      (complex(-1.0, 0.0), complex(-_INF, 0.0)),
                      (complex(-3.0, -0.0), complex(math.log(2.0), -_PI))],
       grad=lambda ops, g, out, x: [ops.divide(g, ops.add(x, 1))])
def log1p(x):
    """Calculates ``log(1 + x)`` of each element, accurately near zero.

    The f64 result below differs from Nx's documented ``1.0986122886681098``
    in the last bit: Nx's pure backend computes ``log(x + 1)``, we call the
    C library's ``log1p`` (both are within one ULP of the exact value).

    >>> nx.log1p(nx.tensor(1, type="f64"))
    #Nx.Tensor<
      f64
      0.6931471805599453
    >
    >>> nx.log1p(nx.tensor([1, 2, 3], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [0.6931471805599453, 1.0986122886681096, 1.3862943611198906]
    >
    """
    return m.clog1p(x) if isinstance(x, complex) else m.log1p(x)


def _sigmoid_grad(ops, g, out, x):
    return [ops.multiply(g, ops.multiply(ops.multiply(ops.exp(ops.negate(x)), out), out))]


@_math(tolerance=_ulps(c128=8),
       special_cases=[(_INF, 1.0), (-_INF, 0.0), (0.0, 0.5), (_NAN, _NAN),
                      (complex(-_INF, 1.0), 0j), (complex(_INF, 0.0), complex(1.0, 0.0))],
       grad=_sigmoid_grad)
def sigmoid(x):
    """Calculates the sigmoid ``1 / (1 + exp(-x))`` of each element, without
    overflow for large negative inputs (complex inputs: and without cancellation
    near the poles ``z = (2k + 1) pi i``).

    >>> nx.sigmoid(nx.tensor(1, type="f64"))
    #Nx.Tensor<
      f64
      0.7310585786300049
    >
    >>> nx.sigmoid(nx.tensor([1, 2, 3], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [0.7310585786300049, 0.8807970779778823, 0.9525741268224334]
    >
    """
    return m.csigmoid(x) if isinstance(x, complex) else m.sigmoid(x)


# -- roots --------------------------------------------------------------------------------

@_math(fast=math.sqrt, tolerance=_ulps(f32=0, f64=0, c64=1, c128=2),
       special_cases=[(-1.0, _NAN), (-0.0, -0.0), (_INF, _INF), (4.0, 2.0), (_NAN, _NAN),
                      (complex(-4.0, 0.0), complex(0.0, 2.0)),
                      (complex(-4.0, -0.0), complex(0.0, -2.0))],
       grad=lambda ops, g, out, x: [ops.divide(ops.multiply(g, 0.5), out)])
def sqrt(x):
    """Calculates the square root of each element (correctly rounded for reals);
    ``sqrt(-0.0)`` is ``-0.0`` and negative reals give NaN.

    >>> nx.sqrt(nx.tensor(1, type="f64"))
    #Nx.Tensor<
      f64
      1.0
    >
    >>> nx.sqrt(nx.tensor([1, 2, 3], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [1.0, 1.4142135623730951, 1.7320508075688772]
    >
    """
    return m.csqrt(x) if isinstance(x, complex) else m.sqrt(x)


@_math(tolerance=_ulps(c128=8),
       special_cases=[(0.0, _INF), (-0.0, -_INF), (_INF, 0.0), (-1.0, _NAN), (4.0, 0.5),
                      (complex(0.0, 0.0), complex(_INF, _NAN)), (complex(_INF, 0.0), 0j)],
       grad=lambda ops, g, out, x: [ops.multiply(ops.multiply(g, -0.5), ops.pow(x, -1.5))])
def rsqrt(x):
    """Calculates the reciprocal square root ``1 / sqrt(x)`` of each element:
    ``rsqrt(0.0)`` is ``inf``, ``rsqrt(-0.0)`` is ``-inf``.

    >>> nx.rsqrt(nx.tensor(1, type="f64"))
    #Nx.Tensor<
      f64
      1.0
    >
    >>> nx.rsqrt(nx.tensor([1, 2, 3], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [1.0, 0.7071067811865475, 0.5773502691896258]
    >
    """
    return m.crsqrt(x) if isinstance(x, complex) else m.rsqrt(x)


@_math(fast=m.cbrt, tolerance=_ulps(f64=4, c128=8),
       special_cases=[(-8.0, -2.0), (_INF, _INF), (-_INF, -_INF), (-0.0, -0.0), (_NAN, _NAN),
                      (complex(-8.0, 0.0), complex(1.0, math.sqrt(3.0))), (0j, 0j)],
       grad=lambda ops, g, out, x: [ops.divide(g, ops.multiply(ops.multiply(3, out), out))])
def cbrt(x):
    """Calculates the cube root of each element: real inputs have the real root
    (``cbrt(-8) = -2``), complex inputs the principal one
    (``cbrt(-8 + 0i) = 1 + 1.732i``).

    The f64 value of ``cbrt(2)`` below is one ULP above Nx's documented
    ``1.2599210498948732``: the C library's ``cbrt`` is not correctly rounded.

    >>> nx.cbrt(nx.tensor(1, type="f64"))
    #Nx.Tensor<
      f64
      1.0
    >
    >>> nx.cbrt(nx.tensor([1, 2, 3], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [1.0, 1.2599210498948734, 1.4422495703074083]
    >
    """
    return m.ccbrt(x) if isinstance(x, complex) else m.cbrt(x)


# -- error functions (real inputs only) ----------------------------------------------------

_TWO_RSQRT_PI = 2 / math.sqrt(math.pi)
_HALF_SQRT_PI = math.sqrt(math.pi) / 2


def _erf_grad(sign):
    def grad(ops, g, out, x):
        gs = ops.multiply(ops.exp(ops.negate(ops.multiply(x, x))), sign * _TWO_RSQRT_PI)
        return [ops.multiply(g, gs)]
    return grad


@_real_only("erf", fast=math.erf, special_cases=[(_INF, 1.0), (-_INF, -1.0), (-0.0, -0.0), (_NAN, _NAN)],
            grad=_erf_grad(1))
def erf(x):
    """Calculates the error function ``2/sqrt(pi) * integral(0, x, exp(-t^2) dt)``
    of each element. Complex inputs are rejected.

    >>> nx.erf(nx.tensor(1, type="f64"))
    #Nx.Tensor<
      f64
      0.8427007929497149
    >
    >>> nx.erf(nx.tensor([1, 2, 3], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [0.8427007929497149, 0.9953222650189527, 0.9999779095030014]
    >
    >>> nx.erf(nx.tensor([1j]))
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: nx.erf/1 does not support complex inputs, got: c64
    """
    return math.erf(x)


@_real_only("erfc", fast=math.erfc, tolerance=_ulps(f64=4),
            special_cases=[(_INF, 0.0), (-_INF, 2.0), (0.0, 1.0), (_NAN, _NAN)],
            grad=_erf_grad(-1))
def erfc(x):
    """Calculates the complementary error function ``1 - erf(x)`` of each element,
    accurately where ``erf(x)`` is close to 1. Complex inputs are rejected.

    >>> nx.erfc(nx.tensor(1, type="f64"))
    #Nx.Tensor<
      f64
      0.15729920705028513
    >
    >>> nx.erfc(nx.tensor([1, 2, 3], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [0.15729920705028513, 0.004677734981047265, 2.2090496998585438e-5]
    >
    """
    return math.erfc(x)


@_real_only("erf_inv", tolerance=_ulps(f64=4),
            special_cases=[(1.0, _INF), (-1.0, -_INF), (2.0, _NAN), (-0.0, -0.0), (0.0, 0.0),
                           (_NAN, _NAN)],
            grad=lambda ops, g, out, x: [
                ops.multiply(g, ops.multiply(_HALF_SQRT_PI, ops.exp(ops.multiply(out, out))))])
def erf_inv(x):
    """Calculates the inverse error function of each element: ``erf_inv(erf(x)) = x``;
    ``+-inf`` at ``+-1`` and NaN outside ``[-1, 1]``. Complex inputs are rejected.

    >>> nx.erf_inv(nx.tensor(0.1, type="f64"))
    #Nx.Tensor<
      f64
      0.08885599049425769
    >
    >>> nx.erf_inv(nx.tensor([0.1, 0.5, 0.9], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [0.08885599049425769, 0.4769362762044699, 1.1630871536766743]
    >
    """
    return m.erf_inv(x)


def _log_base_type(t):
    """Nx computes ``log2(t)`` as ``divide(log(t), log(2))`` with ``log(2)`` an f32
    tensor, so the output type is the merge of ``to_floating(t)`` with f32."""
    return types.merge(types.to_floating(t), "f32")


def _divide_by(v, divisor):
    """``v / divisor`` for a real divisor, component-wise for complex ``v``."""
    if isinstance(v, complex):
        return complex(v.real / divisor, v.imag / divisor)
    return v / divisor


def _log_base(base):
    """The element function and the composite of a logarithm in ``base``."""
    def kernel(ctype):
        out = _log_base_type(ctype)
        ln_base = round_to(types.to_real(out), math.log(base))

        def element(x):
            return _divide_by(round_to(ctype, log.semantics(x)), ln_base)
        return element

    def composite(nx, t):
        divisor = types.to_real(_log_base_type(t.type))
        return nx.divide(nx.log(t), nx.log(nx.tensor(float(base), type=divisor)))
    return kernel, composite


def _declare_log_base(fn, base):
    kernel, composite = _log_base(base)
    op = unary(accepts=ANY, out_type=_log_base_type, compute_type=types.to_floating,
               kernel=kernel, tolerance=_ulps(f32=2, f64=2, c64=2, c128=4),
               special_cases=[(1.0, 0.0), (-1.0, _NAN), (_INF, _INF), (_NAN, _NAN)])(fn)
    op.composite = composite
    return op


def log2(x):
    """Calculates the base-2 logarithm of each element, as Nx does:
    ``divide(log(t), log(2))``.

    The output type is Nx's: ``to_floating`` of the input merged with f32 (an f16
    tensor gives an f32 one). One deviation: Nx takes ``log(2)`` in f32 for every
    input, which loses eight digits on f64 tensors; here ``log(2)`` is computed in
    the output's real type.

    >>> nx.log2(2)
    #Nx.Tensor<
      f32
      1.0
    >
    >>> nx.log2(nx.tensor([1, 2, 4, 8]))
    #Nx.Tensor<
      f32[4]
      [0.0, 1.0, 2.0, 3.0]
    >
    >>> nx.log2(nx.tensor([8.0], type="f64"))
    #Nx.Tensor<
      f64[1]
      [3.0]
    >
    """
    return _divide_by(log.semantics(x), math.log(2))


def log10(x):
    """Calculates the base-10 logarithm of each element, as Nx does:
    ``divide(log(t), log(10))`` (the type rule and the deviation of :func:`log2`).

    >>> nx.log10(10)
    #Nx.Tensor<
      f32
      1.0
    >
    >>> nx.log10(nx.tensor([1, 10, 100, 1000]))
    #Nx.Tensor<
      f32[4]
      [0.0, 1.0, 2.0, 3.0]
    >
    """
    return _divide_by(log.semantics(x), math.log(10))


log2 = _declare_log_base(log2, 2)
log10 = _declare_log_base(log10, 10)
