"""Reductions: sum, product, max/min, argmax/argmin, all/any: the primitives
that fold groups of elements (the statistics built on them are in
:mod:`spec.ops.statistics`).

The primitives are declared from their group semantics (see
:mod:`spec.ops._reduce`): a function from the values of one group, in row-major
order, to one value. Float sums and products are computed on Python floats
and rounded once into the output type; integer ones are exact and wrap.

Other reductions of Nx's main module live elsewhere: ``reduce`` and
``window_reduce`` (custom functions), ``weighted_mean``, ``median``, ``mode``
and ``covariance``, the ``window_*`` and ``cumulative_*`` families.
"""

from __future__ import annotations

import builtins
import math
from fractions import Fraction

from spec import types
from spec.ops._elementwise import complex_error
from spec.ops._reduce import arg_reduction, reduction

__all__ = ["sum", "product", "reduce_max", "reduce_min", "argmax", "argmin", "all", "any"]

_NOT_COMPLEX = types.REAL_TYPES
# ULPs of a sum or product rounded once from (nearly) exact arithmetic. f64 and
# c128 products are taken step by step in double precision, each factor costing
# up to half an ULP: 32 covers groups of 64 elements (complex: in ULPs of the
# product's magnitude, as its parts may cancel).
_SUM_TOLERANCE = {"f8": 1, "f8_e4m3fn": 1, "f16": 1, "bf16": 1, "f32": 1, "f64": 1,
                  "c64": 1, "c128": 1}
_PRODUCT_TOLERANCE = {"f8": 1, "f8_e4m3fn": 1, "f16": 1, "bf16": 1, "f32": 1, "f64": 32,
                      "c64": 1, "c128": 32}


# -- gradient helpers (against an op namespace with nx's names) ---------------

def _reduce_g(ops, g, x, axes, keep_axes):
    """The incoming gradient of a reduction broadcast back to the input's shape."""
    if keep_axes or axes is None:
        return ops.broadcast(g, x.shape)
    kept = [i for i in range(len(x.shape)) if i not in axes]
    return ops.broadcast(g, x.shape, axes=kept)


def _sum_grad(ops, g, out, x, axes=None, keep_axes=False):
    return [_reduce_g(ops, g, x, axes, keep_axes)]


def _product_grad(ops, g, out, x, axes=None, keep_axes=False):
    # d(prod)/dx_i is the product of the other elements: out / x_i where x_i != 0;
    # for the one zero of a group, the product of its non-zero elements; 0 for
    # every element of a group holding two zeros or more (Nx's rule).
    g = _reduce_g(ops, g, x, axes, keep_axes)
    ans = _reduce_g(ops, out, x, axes, keep_axes)
    is_zero = ops.equal(x, 0)
    x_without_zeros = ops.select(is_zero, 1, x)
    without_zero = ops.product(x_without_zeros, axes=axes, keep_axes=True)
    zeros = ops.sum(is_zero, axes=axes, keep_axes=True)
    dx = ops.multiply(g, ops.divide(ans, x_without_zeros))
    dx = ops.select(ops.logical_and(is_zero, ops.equal(zeros, 1)),
                    ops.multiply(g, without_zero), dx)
    return [ops.select(ops.logical_and(is_zero, ops.greater(zeros, 1)), 0, dx)]


def _extreme_grad(ops, g, out, x, axes=None, keep_axes=False):
    # the gradient is shared equally among the elements equal to the extreme
    g = _reduce_g(ops, g, x, axes, keep_axes)
    locs = ops.equal(x, _reduce_g(ops, out, x, axes, keep_axes))
    den = ops.sum(locs, axes=axes, keep_axes=True)
    return [ops.divide(ops.multiply(g, locs), den)]


# -- sum and product ----------------------------------------------------------

def _has_nan(values):
    return builtins.any(map(math.isnan, values))


def _fsum(values):
    """The exact sum of floats, rounded once (infinities and NaN as IEEE says)."""
    try:
        return math.fsum(values)
    except (OverflowError, ValueError):  # inf - inf, or a finite sum past f64's range
        pass
    if _has_nan(values):
        return math.nan
    infinities = {v for v in values if math.isinf(v)}
    if infinities:
        return math.nan if len(infinities) == 2 else infinities.pop()
    exact = builtins.sum(map(Fraction, values))
    try:
        return float(exact)
    except OverflowError:
        return math.inf if exact > 0 else -math.inf


@reduction(accepts=types.ALL_TYPES, out_type=types.to_aggregate, compute_type=lambda t: t,
           identity=0, tolerance=_SUM_TOLERANCE, grad=_sum_grad,
           special_cases=[([1.0, math.inf], math.inf), ([math.inf, -math.inf], math.nan),
                          ([math.nan, 1.0], math.nan), ([], 0)])
def sum(values):
    """Returns the sum of the elements of a tensor, over all axes or over ``axes``.

    The type is ``to_aggregate`` of the input's: small integers accumulate in
    32 bits (s8 into s32, u8 into u32), u64 in s64, and integer sums wrap around;
    float sums are exact (``math.fsum``), rounded once into the output type.
    An empty sum is 0. ``keep_axes=True`` keeps the reduced axes with size 1.

    >>> nx.sum(nx.tensor(42))
    #Nx.Tensor<
      s32
      42
    >
    >>> nx.sum(nx.tensor([[1.0, 2.0], [3.0, 4.0]]))
    #Nx.Tensor<
      f32
      10.0
    >
    >>> nx.sum(nx.tensor([[101, 102], [103, 104]], type="s8"))
    #Nx.Tensor<
      s32
      410
    >
    >>> t = nx.iota((2, 2, 3), names=["x", "y", "z"])
    >>> nx.sum(t, axes=["x", "z"])
    #Nx.Tensor<
      s32[y: 2]
      [24, 42]
    >
    >>> nx.sum(t, axes=[-3])
    #Nx.Tensor<
      s32[y: 2][z: 3]
      [
        [6, 8, 10],
        [12, 14, 16]
      ]
    >
    >>> nx.sum(nx.tensor([[1, 2], [3, 4]], names=["x", "y"]), axes=["x"], keep_axes=True)
    #Nx.Tensor<
      s32[x: 1][y: 2]
      [
        [4, 6]
      ]
    >
    >>> nx.sum(nx.tensor([[1, 2]]), axes=[2])
    Traceback (most recent call last):
    ...
    spec.errors.AxisError: given axis (2) invalid for shape (1, 2) with rank 2
    """
    first = values[0]
    if isinstance(first, float):
        return _fsum(values)
    if isinstance(first, complex):
        return complex(_fsum([v.real for v in values]), _fsum([v.imag for v in values]))
    return builtins.sum(values)


_MASK64 = (1 << 64) - 1
_CHUNK = 256


def _int_product(values):
    # integer products wrap into at most 64 bits: keep the product modulo 2**64
    total = 1
    for i in range(0, len(values), _CHUNK):
        total = (total * math.prod(values[i:i + _CHUNK])) & _MASK64
    return total


def _sign(values):
    negatives = builtins.sum(1 for v in values if math.copysign(1.0, v) < 0)
    return -1.0 if negatives % 2 else 1.0


def _float_product(values):
    # IEEE's rules where a factor is NaN, infinite or zero; else mantissas and
    # exponents apart (math.frexp), so that no intermediate overflows or
    # underflows, and one rounding at the end.
    if _has_nan(values):
        return math.nan
    zero, infinite = 0.0 in values, math.inf in values or -math.inf in values
    if zero or infinite:
        return math.nan if zero and infinite else _sign(values) * (0.0 if zero else math.inf)
    if 2.0 ** -149 <= builtins.min(map(abs, values)) and builtins.max(map(abs, values)) <= 2.0 ** 128:
        # values of f32 or narrower: products of 6 stay normal in f64, chunk by chunk
        chunks = (math.prod(values[i:i + 6]) for i in range(0, len(values), 6))
    else:
        chunks = iter(values)
    m, e = 1.0, 0
    for c in chunks:
        c, k = math.frexp(c)  # c in [0.5, 1): m * c neither overflows nor underflows
        m, j = math.frexp(m * c)
        e += k + j
    try:
        return math.ldexp(m, builtins.max(builtins.min(e, 4096), -4096))
    except OverflowError:
        return math.copysign(math.inf, m)


@reduction(accepts=types.ALL_TYPES, out_type=types.to_aggregate, compute_type=lambda t: t,
           identity=1, tolerance=_PRODUCT_TOLERANCE, grad=_product_grad,
           special_cases=[([0.0, math.inf], math.nan), ([-0.0, 2.0], -0.0),
                          ([2.0 ** 1000, 2.0 ** 1000, 2.0 ** -1000], 2.0 ** 1000), ([], 1)])
def product(values):
    """Returns the product of the elements of a tensor, over all axes or over ``axes``.

    The type rule is ``sum``'s (``to_aggregate``). Integer products wrap around;
    float products are taken in double precision without intermediate overflow
    or underflow and rounded once into the output type; complex products
    multiply in row-major order. An empty product is 1.

    >>> nx.product(nx.tensor([[1.0, 2.0], [3.0, 4.0]]))
    #Nx.Tensor<
      f32
      24.0
    >
    >>> nx.product(nx.tensor([[10, 20], [30, 40]], type="u8", names=["x", "y"]))
    #Nx.Tensor<
      u32
      240000
    >
    >>> t = nx.iota((2, 2, 3), names=["x", "y", "z"])
    >>> nx.product(t, axes=["x", "z"])
    #Nx.Tensor<
      s32[y: 2]
      [0, 59400]
    >
    >>> nx.product(t, axes=["z"], keep_axes=True)
    #Nx.Tensor<
      s32[x: 2][y: 2][z: 1]
      [
        [
          [0],
          [60]
        ],
        [
          [336],
          [990]
        ]
      ]
    >
    >>> nx.product(nx.tensor([[1, 2]]), axes=[2])
    Traceback (most recent call last):
    ...
    spec.errors.AxisError: given axis (2) invalid for shape (1, 2) with rank 2
    """
    first = values[0]
    if isinstance(first, float):
        return _float_product(values)
    if isinstance(first, complex):
        total = 1 + 0j
        for v in values:
            total *= v
        return total
    return _int_product(values)


# -- maximum and minimum --------------------------------------------------------

@reduction(accepts=_NOT_COMPLEX, error=complex_error("reduce_max", 2),
           identity=types.min_value, tolerance={t.name: 0 for t in types.FLOAT_TYPES},
           grad=_extreme_grad,
           special_cases=[([1.0, math.nan], math.nan), ([-math.inf, 1.0], 1.0)])
def reduce_max(values):
    """Returns the maximum of the elements of a tensor, over all axes or over ``axes``.

    The type is the input's; complex tensors are rejected. Any NaN in a group
    makes its maximum NaN. The maximum of an empty group is the type's lowest
    value (``-inf``, or the integer minimum), as in XLA.

    >>> nx.reduce_max(nx.tensor(42.0))
    #Nx.Tensor<
      f32
      42.0
    >
    >>> t = nx.tensor([[3, 1, 4], [2, 1, 1]], names=["x", "y"])
    >>> nx.reduce_max(t, axes=["x"])
    #Nx.Tensor<
      s32[y: 3]
      [3, 1, 4]
    >
    >>> t = nx.tensor([[[1, 2], [4, 5]], [[2, 4], [3, 8]]], names=["x", "y", "z"])
    >>> nx.reduce_max(t, axes=["x", "z"], keep_axes=True)
    #Nx.Tensor<
      s32[x: 1][y: 2][z: 1]
      [
        [
          [4],
          [8]
        ]
      ]
    >
    >>> nx.reduce_max(nx.tensor([1.0, float("nan"), 3.0]))
    #Nx.Tensor<
      f32
      NaN
    >
    >>> nx.reduce_max(nx.tensor([1j]))
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: nx.reduce_max/2 does not support complex inputs, got: c64
    """
    m = builtins.max(values)
    if isinstance(m, float) and (m != m or _has_nan(values)):
        return math.nan
    return m


@reduction(accepts=_NOT_COMPLEX, error=complex_error("reduce_min", 2),
           identity=types.max_value, tolerance={t.name: 0 for t in types.FLOAT_TYPES},
           grad=_extreme_grad,
           special_cases=[([1.0, math.nan], math.nan), ([math.inf, 1.0], 1.0)])
def reduce_min(values):
    """Returns the minimum of the elements of a tensor, over all axes or over ``axes``.

    The mirror of :func:`reduce_max`: NaN propagates, and the minimum of an
    empty group is the type's highest value (``inf``, or the integer maximum).

    >>> nx.reduce_min(nx.tensor([1, 2, 3]))
    #Nx.Tensor<
      s32
      1
    >
    >>> t = nx.tensor([[3, 1, 4], [2, 1, 1]], names=["x", "y"])
    >>> nx.reduce_min(t, axes=["y"])
    #Nx.Tensor<
      s32[x: 2]
      [1, 1]
    >
    >>> t = nx.tensor([[[1, 2], [4, 5]], [[2, 4], [3, 8]]], names=["x", "y", "z"])
    >>> nx.reduce_min(t, axes=["x", "z"])
    #Nx.Tensor<
      s32[y: 2]
      [1, 3]
    >
    """
    m = builtins.min(values)
    if isinstance(m, float) and (m != m or _has_nan(values)):
        return math.nan
    return m


# -- argmax and argmin -----------------------------------------------------------

def _first_nan(values):
    return next(i for i, v in enumerate(values) if v != v)


def _index_of(values, target, tie_break):
    if tie_break == "low":
        return values.index(target)
    return len(values) - 1 - values[::-1].index(target)


@arg_reduction(accepts=_NOT_COMPLEX, error=complex_error("argmax", 2))
def argmax(values, tie_break="low"):
    """Returns the indices of the maximum values, along ``axis`` or in the
    flattened tensor.

    ``tie_break="low"`` (the default) gives the first of equal maxima,
    ``"high"`` the last; signed zeros are equal. If a group holds NaN, the index
    of its first NaN is returned, whatever ``tie_break`` says (NaNs are not equal
    to each other, so there is no tie to break). The indices are s32 unless
    ``type=`` says otherwise; ``keep_axis=True`` keeps the axis with size 1.
    Complex tensors and empty axes are rejected.

    >>> nx.argmax(4)
    #Nx.Tensor<
      s32
      0
    >
    >>> t = nx.tensor([[[4, 2, 3], [1, -5, 3]], [[6, 2, 3], [4, 8, 3]]], names=["x", "y", "z"])
    >>> nx.argmax(t)
    #Nx.Tensor<
      s32
      10
    >
    >>> nx.argmax(nx.tensor([2.0, float("nan"), 4.0]))
    #Nx.Tensor<
      s32
      1
    >
    >>> nx.argmax(t, axis="z")
    #Nx.Tensor<
      s32[x: 2][y: 2]
      [
        [0, 2],
        [0, 1]
      ]
    >
    >>> nx.argmax(t, tie_break="high", axis="y", type="u32")
    #Nx.Tensor<
      u32[x: 2][z: 3]
      [
        [0, 0, 1],
        [0, 1, 1]
      ]
    >
    >>> nx.argmax(t, axis="y", keep_axis=True)
    #Nx.Tensor<
      s32[x: 2][y: 1][z: 3]
      [
        [
          [0, 0, 0]
        ],
        [
          [0, 1, 0]
        ]
      ]
    >
    >>> nx.argmax(t, tie_break="middle")
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: nx.argmax: unknown value for tie_break, expected "high" or "low", got: 'middle'
    """
    if isinstance(values[0], float) and _has_nan(values):
        return _first_nan(values)
    return _index_of(values, builtins.max(values), tie_break)


@arg_reduction(accepts=_NOT_COMPLEX, error=complex_error("argmin", 2))
def argmin(values, tie_break="low"):
    """Returns the indices of the minimum values, along ``axis`` or in the
    flattened tensor; the mirror of :func:`argmax` (NaN wins here too).

    >>> t = nx.tensor([[[4, 2, 3], [1, -5, 3]], [[6, 2, 3], [4, 8, 3]]], names=["x", "y", "z"])
    >>> nx.argmin(t)
    #Nx.Tensor<
      s32
      4
    >
    >>> nx.argmin(t, axis=1)
    #Nx.Tensor<
      s32[x: 2][z: 3]
      [
        [1, 1, 0],
        [1, 0, 0]
      ]
    >
    >>> nx.argmin(t, tie_break="high", axis="y", type="u32")
    #Nx.Tensor<
      u32[x: 2][z: 3]
      [
        [1, 1, 1],
        [1, 0, 1]
      ]
    >
    >>> nx.argmin(nx.tensor([2.0, float("nan"), 4.0]))
    #Nx.Tensor<
      s32
      1
    >
    >>> nx.argmin(nx.tensor([[1, 2], [3, 4]]), axis=0).shape
    (2,)
    >>> nx.argmin(nx.iota((2, 0)), axis=1)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: nx.argmin over axis 1, which has size 0 in shape (2, 0), has no index to return
    """
    if isinstance(values[0], float) and _has_nan(values):
        return _first_nan(values)
    return _index_of(values, builtins.min(values), tie_break)


# -- all and any ----------------------------------------------------------------

_U8 = types.normalize("u8")


@reduction(accepts=types.ALL_TYPES, out_type=lambda t: _U8, compute_type=lambda t: t,
           identity=1, differentiable=False, special_cases=[([math.nan], 1), ([-0.0], 0)])
def all(values):
    """Returns 1 (u8) where every element of a group is non-zero, 0 otherwise.

    NaN is non-zero; an empty group gives 1. With ``axes=[]`` each element is
    its own group, so the result is 0 or 1 (Nx returns the elements converted
    to u8 there, 2 for 2 and 0 for 0.5).

    >>> nx.all(nx.tensor([0, 1, 2]))
    #Nx.Tensor<
      u8
      0
    >
    >>> t = nx.tensor([[-1, 0, 1], [2, 3, 4]], names=["x", "y"])
    >>> nx.all(t, axes=["x"])
    #Nx.Tensor<
      u8[y: 3]
      [1, 0, 1]
    >
    >>> nx.all(t, axes=["y"], keep_axes=True)
    #Nx.Tensor<
      u8[x: 2][y: 1]
      [
        [0],
        [1]
      ]
    >
    """
    return 0 if 0 in values else 1


@reduction(accepts=types.ALL_TYPES, out_type=lambda t: _U8, compute_type=lambda t: t,
           identity=0, differentiable=False, special_cases=[([math.nan], 1), ([0.0, -0.0], 0)])
def any(values):
    """Returns 1 (u8) where some element of a group is non-zero, 0 otherwise.

    NaN is non-zero; an empty group gives 0; ``axes=[]`` as for :func:`all`.

    >>> nx.any(nx.tensor([0, 1, 2]))
    #Nx.Tensor<
      u8
      1
    >
    >>> t = nx.tensor([[0, 1, 0], [0, 1, 2]], names=["x", "y"])
    >>> nx.any(t, axes=["x"])
    #Nx.Tensor<
      u8[y: 3]
      [0, 1, 1]
    >
    >>> nx.any(t, axes=["y"], keep_axes=True)
    #Nx.Tensor<
      u8[x: 2][y: 1]
      [
        [1],
        [1]
      ]
    >
    """
    return 1 if builtins.any(values) else 0

