"""Unary element-wise ops: one declaration each, semantics on one Python value."""

from __future__ import annotations

import math

from spec import types
from spec.ops._elementwise import FLOATING, complex_error, unary

__all__ = ["exp"]

_INF = math.inf


def _exp_real(x):
    try:
        return math.exp(x)
    except OverflowError:
        return _INF


@unary(accepts=types.ALL_TYPES, out_type=types.to_floating, fast=math.exp,
       tolerance={"f16": 1, "bf16": 1, "f32": 1, "f64": 2, "c64": 4, "c128": 4},
       special_cases=[(math.nan, math.nan), (_INF, _INF), (-_INF, 0.0), (0.0, 1.0), (-0.0, 1.0)],
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
    if isinstance(x, complex):
        import cmath
        try:
            return cmath.exp(x)
        except OverflowError:
            return complex(_INF, _INF)
    if x != x:
        return x
    return _exp_real(x)
