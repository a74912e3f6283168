"""Reductions: sum, product, max/min, argmax/argmin, all/any and the statistics
built on them."""

from __future__ import annotations

import math

from spec import types
from spec.ops._reduce import reduction

__all__ = ["sum"]


def _fsum(values):
    try:
        return math.fsum(values)
    except (OverflowError, ValueError):  # inf - inf, or an intermediate overflow
        return _plain_sum(values)


def _plain_sum(values):
    total = 0.0
    for v in values:
        total += v
    return total


@reduction(accepts=types.ALL_TYPES, out_type=types.to_aggregate, identity=0,
           tolerance={"f16": 1, "bf16": 1, "f32": 1, "f64": 1, "c64": 2, "c128": 2},
           grad=lambda ops, g, out, x, axes=None, keep_axes=False: [
               ops.broadcast_reduced(g, x, axes=axes, keep_axes=keep_axes)])
def sum(values):
    """Returns the sum of the elements of a tensor, over all axes or over ``axes``.

    Integer types accumulate in ``to_aggregate`` of the input type (s8 sums into
    s32, u64 into s64) and wrap around; floats are summed exactly (``math.fsum``)
    and rounded once into the output type. ``keep_axes=True`` keeps the reduced
    axes with size 1.

    >>> nx.sum(nx.tensor([1, 2, 3]))
    #Nx.Tensor<
      s32
      6
    >
    >>> nx.sum(nx.tensor([[1, 2], [3, 4]], names=["x", "y"]), axes=["x"])
    #Nx.Tensor<
      s32[y: 2]
      [4, 6]
    >
    """
    if not values:
        return 0
    first = values[0]
    if isinstance(first, float):
        return _fsum(values)
    if isinstance(first, complex):
        return complex(_fsum([v.real for v in values]), _fsum([v.imag for v in values]))
    total = 0
    for v in values:
        total += v
    return total
