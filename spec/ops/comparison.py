"""Element-wise comparisons and logical operations: predicates returning u8.

Every op here returns a u8 tensor of 0s and 1s, with the broadcast shape and
merged names of :func:`spec.ops._elementwise.binary`. Comparisons convert both
operands to their merged type first and compare there (so ``s32`` against
``f32`` compares as f32, as XLA requires one operand type); NaN compares false
with everything, so only ``not_equal`` is true on NaN. Ordering comparisons
reject complex inputs; ``equal`` and ``not_equal`` compare both parts.

Logical operations read each operand as a truth value: zero (and ``-0.0``,
and ``0+0i``) is false, anything else is true, NaN included. They never change a
value's truth by converting it: floats are read in f64 and complex numbers in
c128, which hold every value exactly.

Predicates are constants for differentiation (their gradient is zero).
"""

from __future__ import annotations

import operator

from spec import types
from spec.ops._elementwise import ANY, REAL, binary, complex_error

__all__ = ["equal", "not_equal", "greater", "less", "greater_equal", "less_equal",
           "logical_and", "logical_or", "logical_xor"]

_U8 = types.normalize("u8")
_NAN = float("nan")
_INF = float("inf")


def _u8(_merged):
    return _U8


def _merged(t):
    return t


def _comparison(fast, accepts=ANY, special_cases=()):
    """The declaration shared by the six comparisons."""
    def declare(fn):
        error = None if accepts is ANY else complex_error(fn.__name__, 2)
        return binary(accepts=accepts, out_type=_u8, compute_type=_merged, fast=fast,
                      error=error, special_cases=special_cases, differentiable=False)(fn)
    return declare


@_comparison(operator.eq, special_cases=[((_NAN, _NAN), 0), ((0.0, -0.0), 1), ((_INF, _INF), 1)])
def equal(left, right):
    """Element-wise equality ``left == right``, as u8 (1 for true). Both
    operands are compared in their merged type; NaN equals nothing, ``0.0``
    equals ``-0.0``, and complex numbers are equal when both parts are.

    >>> nx.equal(1, 2)
    #Nx.Tensor<
      u8
      0
    >
    >>> nx.equal(1, nx.tensor([1, 2, 3], names=["data"]))
    #Nx.Tensor<
      u8[data: 3]
      [1, 0, 0]
    >
    >>> left = nx.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], names=["x", None])
    >>> nx.equal(left, nx.tensor([1, 2, 3]))
    #Nx.Tensor<
      u8[x: 2][3]
      [
        [1, 1, 1],
        [0, 0, 0]
      ]
    >
    >>> nx.equal(nx.tensor([float("nan"), 1 + 0j]), nx.tensor([float("nan"), 1.0]))
    #Nx.Tensor<
      u8[2]
      [0, 1]
    >
    """
    return int(left == right)


@_comparison(operator.ne, special_cases=[((_NAN, _NAN), 1), ((_NAN, 1.0), 1), ((0.0, -0.0), 0)])
def not_equal(left, right):
    """Element-wise inequality ``left != right``, as u8; true whenever an
    operand is NaN.

    >>> nx.not_equal(1, 2)
    #Nx.Tensor<
      u8
      1
    >
    >>> nx.not_equal(nx.tensor([1, 2, 3], names=["data"]), nx.tensor(1))
    #Nx.Tensor<
      u8[data: 3]
      [0, 1, 1]
    >
    >>> left = nx.tensor([[1, 4, 2], [4, 5, 6]], names=["x", "y"])
    >>> nx.not_equal(left, nx.tensor([[1, 3, 2], [4, 2, 1]], names=["x", "y"]))
    #Nx.Tensor<
      u8[x: 2][y: 3]
      [
        [0, 1, 0],
        [0, 1, 1]
      ]
    >
    """
    return int(left != right)


@_comparison(operator.gt, REAL, special_cases=[((_INF, -_INF), 1), ((_INF, _NAN), 0), ((_INF, _INF), 0)])
def greater(left, right):
    """Element-wise ``left > right``, as u8, compared in the merged type; false
    when either operand is NaN. Complex inputs raise.

    >>> nx.greater(1, 2)
    #Nx.Tensor<
      u8
      0
    >
    >>> left = nx.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], names=["x", "y"])
    >>> nx.greater(left, nx.tensor([1, 2, 3]))
    #Nx.Tensor<
      u8[x: 2][y: 3]
      [
        [0, 0, 0],
        [1, 1, 1]
      ]
    >
    >>> nx.greater(nx.tensor([1 + 1j]), 0)
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: nx.greater/2 does not support complex inputs, got: c64
    """
    return int(left > right)


@_comparison(operator.lt, REAL, special_cases=[((-_INF, 1.0), 1), ((_NAN, _INF), 0), ((-0.0, 0.0), 0)])
def less(left, right):
    """Element-wise ``left < right``, as u8, compared in the merged type; false
    when either operand is NaN. Complex inputs raise.

    >>> nx.less(1, nx.tensor([1, 2, 3], names=["data"]))
    #Nx.Tensor<
      u8[data: 3]
      [0, 1, 1]
    >
    >>> nx.less(nx.tensor([[1.0, 2.0, 3.0], [4.0, 2.0, 1.0]], names=["x", "y"]), nx.tensor([1, 2, 3]))
    #Nx.Tensor<
      u8[x: 2][y: 3]
      [
        [0, 0, 0],
        [0, 0, 1]
      ]
    >
    """
    return int(left < right)


@_comparison(operator.ge, REAL, special_cases=[((_INF, _INF), 1), ((_NAN, _NAN), 0), ((-_INF, 1.0), 0)])
def greater_equal(left, right):
    """Element-wise ``left >= right``, as u8, compared in the merged type; false
    when either operand is NaN. Complex inputs raise.

    >>> nx.greater_equal(1, nx.tensor([1, 2, 3], names=["data"]))
    #Nx.Tensor<
      u8[data: 3]
      [1, 0, 0]
    >
    >>> nx.greater_equal(nx.tensor([1, 2, 3], names=["data"]), nx.tensor([1, 2, 2]))
    #Nx.Tensor<
      u8[data: 3]
      [1, 1, 1]
    >
    """
    return int(left >= right)


@_comparison(operator.le, REAL, special_cases=[((-_INF, -_INF), 1), ((_NAN, 1.0), 0), ((-0.0, 0.0), 1)])
def less_equal(left, right):
    """Element-wise ``left <= right``, as u8, compared in the merged type; false
    when either operand is NaN. Complex inputs raise.

    >>> nx.less_equal(1, nx.tensor([1, 2, 3], names=["data"]))
    #Nx.Tensor<
      u8[data: 3]
      [1, 1, 1]
    >
    >>> left = nx.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    >>> nx.less_equal(left, nx.tensor([1, 2, 3], names=["y"]))
    #Nx.Tensor<
      u8[2][y: 3]
      [
        [1, 1, 1],
        [0, 0, 0]
      ]
    >
    """
    return int(left <= right)


def _truth_type(merged):
    """Integers keep the merged type (which never maps a nonzero value to zero);
    floats are read in f64 and complex numbers in c128, which hold every value."""
    if merged.is_integer:
        return merged
    return types.normalize("c128" if merged.is_complex else "f64")


def _logical(special_cases):
    def declare(fn):
        return binary(accepts=ANY, out_type=_u8, compute_type=_truth_type,
                      special_cases=special_cases, differentiable=False)(fn)
    return declare


@_logical([((_NAN, 1.0), 1), ((-0.0, 1.0), 0), ((1e-300, 1.0), 1)])
def logical_and(left, right):
    """Element-wise logical and: 1 where both operands are nonzero (NaN is
    nonzero), as u8. It does not short-circuit.

    >>> nx.logical_and(1, nx.tensor([-1, 0, 1], names=["data"]))
    #Nx.Tensor<
      u8[data: 3]
      [1, 0, 1]
    >
    >>> nx.logical_and(nx.tensor([-1.0, 0.0, 1.0], names=["data"]), nx.tensor([[-1], [0], [1]]))
    #Nx.Tensor<
      u8[3][data: 3]
      [
        [1, 0, 1],
        [0, 0, 0],
        [1, 0, 1]
      ]
    >
    """
    return int(left != 0 and right != 0)


@_logical([((_NAN, 0.0), 1), ((-0.0, 0.0), 0)])
def logical_or(left, right):
    """Element-wise logical or: 1 where either operand is nonzero, as u8.

    >>> nx.logical_or(0, nx.tensor([-1, 0, 1], names=["data"]))
    #Nx.Tensor<
      u8[data: 3]
      [1, 0, 1]
    >
    >>> nx.logical_or(nx.tensor([-1, 0, 1], names=["data"]), nx.tensor([[-1], [0], [1]]))
    #Nx.Tensor<
      u8[3][data: 3]
      [
        [1, 1, 1],
        [1, 0, 1],
        [1, 1, 1]
      ]
    >
    """
    return int(left != 0 or right != 0)


@_logical([((_NAN, _NAN), 0), ((_NAN, 0.0), 1)])
def logical_xor(left, right):
    """Element-wise logical exclusive or: 1 where exactly one operand is
    nonzero, as u8.

    >>> nx.logical_xor(0, nx.tensor([-1, 0, 1], names=["data"]))
    #Nx.Tensor<
      u8[data: 3]
      [1, 0, 1]
    >
    >>> nx.logical_xor(nx.tensor([-1, 0, 1], names=["data"]), nx.tensor([[-1], [0], [1]]))
    #Nx.Tensor<
      u8[3][data: 3]
      [
        [0, 1, 0],
        [1, 0, 1],
        [0, 1, 0]
      ]
    >
    """
    return int((left != 0) != (right != 0))
