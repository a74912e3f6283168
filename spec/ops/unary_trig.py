"""Unary element-wise trigonometric and hyperbolic functions and their inverses.

The conventions of :mod:`spec.ops.unary` hold: ``to_floating`` output, double
precision rounded once into the output type, never raising (NaN for ``sin(inf)``
or ``asin(2)``, signed infinities for ``sinh`` overflow or ``atanh(1)``); complex
inputs follow C99 Annex G (:mod:`spec.ops._math`), principal branches included.
"""

from __future__ import annotations

import math

from spec.ops import _math as m
from spec.ops.unary import _INF, _NAN, _PI, _math, _ulps

__all__ = ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh",
           "acosh", "atanh"]


# -- trigonometric -----------------------------------------------------------------

@_math(fast=math.sin,
       special_cases=[(_INF, _NAN), (-0.0, -0.0), (_NAN, _NAN), (complex(0.0, _INF), complex(0.0, _INF))],
       grad=lambda ops, g, out, x: [ops.multiply(g, ops.cos(x))])
def sin(x):
    """Calculates the sine of each element (radians); ``sin(+-inf)`` is NaN.

    >>> nx.sin(nx.tensor(1, type="f64"))
    #Nx.Tensor<
      f64
      0.8414709848078965
    >
    >>> nx.sin(nx.tensor([1, 2, 3], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [0.8414709848078965, 0.9092974268256817, 0.1411200080598672]
    >
    """
    return m.csin(x) if isinstance(x, complex) else m.sin(x)


@_math(fast=math.cos,
       special_cases=[(_INF, _NAN), (0.0, 1.0), (-0.0, 1.0), (_NAN, _NAN)],
       grad=lambda ops, g, out, x: [ops.multiply(g, ops.negate(ops.sin(x)))])
def cos(x):
    """Calculates the cosine of each element (radians); ``cos(+-inf)`` is NaN.

    >>> nx.cos(nx.tensor(1, type="f64"))
    #Nx.Tensor<
      f64
      0.5403023058681398
    >
    >>> nx.cos(nx.tensor([1, 2, 3], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [0.5403023058681398, -0.4161468365471424, -0.9899924966004454]
    >
    """
    return m.ccos(x) if isinstance(x, complex) else m.cos(x)


def _tan_grad(ops, g, out, x):
    c = ops.cos(x)
    return [ops.divide(ops.divide(g, c), c)]


@_math(fast=math.tan, tolerance=_ulps(c128=8),
       special_cases=[(_INF, _NAN), (-0.0, -0.0), (_NAN, _NAN), (complex(0.0, _INF), complex(0.0, 1.0))],
       grad=_tan_grad)
def tan(x):
    """Calculates the tangent of each element (radians); ``tan(+-inf)`` is NaN.

    >>> nx.tan(nx.tensor(1, type="f64"))
    #Nx.Tensor<
      f64
      1.5574077246549023
    >
    >>> nx.tan(nx.tensor([1, 2, 3], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [1.5574077246549023, -2.185039863261519, -0.1425465430742778]
    >
    """
    return m.ctan(x) if isinstance(x, complex) else m.tan(x)


def _one_minus_square(ops, x):
    return ops.subtract(1.0, ops.multiply(x, x))


@_math(fast=math.asin, tolerance=_ulps(c128=8),
       special_cases=[(2.0, _NAN), (1.0, _PI / 2), (-0.0, -0.0), (_NAN, _NAN),
                      (complex(2.0, 0.0), complex(_PI / 2, math.acosh(2.0))),
                      (complex(2.0, -0.0), complex(_PI / 2, -math.acosh(2.0)))],
       grad=lambda ops, g, out, x: [ops.multiply(g, ops.rsqrt(_one_minus_square(ops, x)))])
def asin(x):
    """Calculates the inverse sine of each element; real inputs outside
    ``[-1, 1]`` give NaN (complex inputs take the principal branch).

    >>> nx.asin(nx.tensor(0.1, type="f64"))
    #Nx.Tensor<
      f64
      0.1001674211615598
    >
    >>> nx.asin(nx.tensor([0.1, 0.5, 0.9], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [0.1001674211615598, 0.5235987755982989, 1.1197695149986342]
    >
    """
    return m.casin(x) if isinstance(x, complex) else m.asin(x)


@_math(fast=math.acos, tolerance=_ulps(c128=8),
       special_cases=[(1.0, 0.0), (-1.0, _PI), (2.0, _NAN), (_NAN, _NAN),
                      (complex(0.0, _NAN), complex(_PI / 2, _NAN))],
       grad=lambda ops, g, out, x: [
           ops.multiply(g, ops.negate(ops.rsqrt(_one_minus_square(ops, x))))])
def acos(x):
    """Calculates the inverse cosine of each element; real inputs outside
    ``[-1, 1]`` give NaN.

    >>> nx.acos(nx.tensor(0.1, type="f64"))
    #Nx.Tensor<
      f64
      1.4706289056333368
    >
    >>> nx.acos(nx.tensor([0.1, 0.5, 0.9], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [1.4706289056333368, 1.0471975511965979, 0.45102681179626236]
    >
    """
    return m.cacos(x) if isinstance(x, complex) else m.acos(x)


@_math(fast=math.atan, tolerance=_ulps(c128=8),
       special_cases=[(_INF, _PI / 2), (-_INF, -_PI / 2), (-0.0, -0.0), (_NAN, _NAN),
                      (complex(0.0, 1.0), complex(0.0, _INF))],
       grad=lambda ops, g, out, x: [ops.divide(g, ops.add(1.0, ops.multiply(x, x)))])
def atan(x):
    """Calculates the inverse tangent of each element; ``atan(+-inf)`` is ``+-pi/2``
    and ``atan(+-i)`` a complex infinity.

    >>> nx.atan(nx.tensor(0.1, type="f64"))
    #Nx.Tensor<
      f64
      0.09966865249116204
    >
    >>> nx.atan(nx.tensor([0.1, 0.5, 0.9], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [0.09966865249116204, 0.4636476090008061, 0.7328151017865066]
    >
    """
    return m.catan(x) if isinstance(x, complex) else math.atan(x)


# -- hyperbolic ------------------------------------------------------------------------

@_math(fast=math.sinh,
       special_cases=[(_INF, _INF), (-_INF, -_INF), (-0.0, -0.0), (_NAN, _NAN),
                      (complex(0.0, _INF), complex(0.0, _NAN))],
       grad=lambda ops, g, out, x: [ops.multiply(g, ops.cosh(x))])
def sinh(x):
    """Calculates the hyperbolic sine of each element; overflow gives ``+-inf``.

    >>> nx.sinh(nx.tensor(1, type="f64"))
    #Nx.Tensor<
      f64
      1.1752011936438014
    >
    >>> nx.sinh(nx.tensor([1, 2, 3], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [1.1752011936438014, 3.626860407847019, 10.017874927409903]
    >
    """
    return m.csinh(x) if isinstance(x, complex) else m.sinh(x)


@_math(fast=math.cosh,
       special_cases=[(_INF, _INF), (-_INF, _INF), (0.0, 1.0), (_NAN, _NAN)],
       grad=lambda ops, g, out, x: [ops.multiply(g, ops.sinh(x))])
def cosh(x):
    """Calculates the hyperbolic cosine of each element; overflow gives ``inf``.

    >>> nx.cosh(nx.tensor(1, type="f64"))
    #Nx.Tensor<
      f64
      1.5430806348152437
    >
    >>> nx.cosh(nx.tensor([1, 2, 3], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [1.5430806348152437, 3.7621956910836314, 10.067661995777765]
    >
    """
    return m.ccosh(x) if isinstance(x, complex) else m.cosh(x)


@_math(fast=math.tanh, tolerance=_ulps(c128=8),
       special_cases=[(_INF, 1.0), (-_INF, -1.0), (-0.0, -0.0), (_NAN, _NAN),
                      (complex(_INF, 1.0), complex(1.0, 0.0))],
       grad=lambda ops, g, out, x: [ops.multiply(g, _one_minus_square(ops, out))])
def tanh(x):
    """Calculates the hyperbolic tangent of each element.

    >>> nx.tanh(nx.tensor(1, type="f64"))
    #Nx.Tensor<
      f64
      0.7615941559557649
    >
    >>> nx.tanh(nx.tensor([1, 2, 3], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [0.7615941559557649, 0.9640275800758169, 0.9950547536867305]
    >
    """
    return m.ctanh(x) if isinstance(x, complex) else math.tanh(x)


@_math(fast=math.asinh, tolerance=_ulps(c128=8),
       special_cases=[(_INF, _INF), (-_INF, -_INF), (-0.0, -0.0), (_NAN, _NAN)],
       grad=lambda ops, g, out, x: [
           ops.multiply(g, ops.rsqrt(ops.add(ops.multiply(x, x), 1.0)))])
def asinh(x):
    """Calculates the inverse hyperbolic sine of each element.

    >>> nx.asinh(nx.tensor(1, type="f64"))
    #Nx.Tensor<
      f64
      0.881373587019543
    >
    >>> nx.asinh(nx.tensor([1, 2, 3], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [0.881373587019543, 1.4436354751788103, 1.8184464592320668]
    >
    """
    return m.casinh(x) if isinstance(x, complex) else math.asinh(x)


@_math(fast=math.acosh, tolerance=_ulps(c128=8),
       special_cases=[(1.0, 0.0), (0.5, _NAN), (_INF, _INF), (_NAN, _NAN),
                      (complex(0.0, _NAN), complex(_NAN, _PI / 2))],
       grad=lambda ops, g, out, x: [
           ops.multiply(g, ops.rsqrt(ops.subtract(ops.multiply(x, x), 1.0)))])
def acosh(x):
    """Calculates the inverse hyperbolic cosine of each element; real inputs
    below 1 give NaN.

    >>> nx.acosh(nx.tensor(1, type="f64"))
    #Nx.Tensor<
      f64
      0.0
    >
    >>> nx.acosh(nx.tensor([1, 2, 3], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [0.0, 1.3169578969248166, 1.762747174039086]
    >
    """
    return m.cacosh(x) if isinstance(x, complex) else m.acosh(x)


@_math(fast=math.atanh, tolerance=_ulps(c128=8),
       special_cases=[(1.0, _INF), (-1.0, -_INF), (2.0, _NAN), (-0.0, -0.0), (_NAN, _NAN),
                      (complex(1.0, 0.0), complex(_INF, 0.0))],
       grad=lambda ops, g, out, x: [ops.divide(g, _one_minus_square(ops, x))])
def atanh(x):
    """Calculates the inverse hyperbolic tangent of each element: ``+-inf`` at
    ``+-1``, NaN for real inputs outside ``[-1, 1]``.

    >>> nx.atanh(nx.tensor(0.1, type="f64"))
    #Nx.Tensor<
      f64
      0.10033534773107558
    >
    >>> nx.atanh(nx.tensor([0.1, 0.5, 0.9], names=["x"], type="f64"))
    #Nx.Tensor<
      f64[x: 3]
      [0.10033534773107558, 0.5493061443340548, 1.4722194895832204]
    >
    """
    return m.catanh(x) if isinstance(x, complex) else m.atanh(x)
