"""Element-wise bitwise operations and shifts on integer tensors.

Operands merge into one integer type and are read in two's complement; the
results wrap into that type. Float and complex operands raise Nx's error for
bitwise operators. Bit operations are constants for differentiation.

Shift amounts outside ``[0, bits)`` never raise (Nx's pure backend raises on
negative amounts): as in XLA, the amount is read as an unsigned number, so a
negative or too large amount shifts every bit out, giving 0, or -1 for a
negative value shifted right arithmetically.
"""

from __future__ import annotations

import operator

from spec.ops._elementwise import INTEGER, binary

__all__ = ["bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift"]


def _bitwise_error(name):
    return lambda t: (f"nx.{name}: bitwise operators expect integer tensors as inputs and "
                      f"outputs an integer tensor, got: {t}")


def _bitwise(fast=None, special_cases=()):
    def declare(fn):
        return binary(accepts=INTEGER, fast=fast, error=_bitwise_error(fn.__name__),
                      special_cases=special_cases, differentiable=False)(fn)
    return declare


@_bitwise(operator.and_, [((-1, 6), 6), ((5, 3), 1)])
def bitwise_and(left, right):
    """Element-wise bitwise AND of two integer tensors.

    >>> nx.bitwise_and(1, 0)
    #Nx.Tensor<
      s32
      0
    >
    >>> nx.bitwise_and(nx.tensor([0, -1, -2], names=["data"]), -1)
    #Nx.Tensor<
      s32[data: 3]
      [0, -1, -2]
    >
    >>> nx.bitwise_and(nx.tensor([0, 0, 1, 1], names=["data"]), nx.tensor([0, 1, 0, 1]))
    #Nx.Tensor<
      s32[data: 4]
      [0, 0, 0, 1]
    >
    >>> nx.bitwise_and(nx.tensor([0, 0, 1, 1]), 1.0)
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: nx.bitwise_and: bitwise operators expect integer tensors as inputs and outputs an integer tensor, got: f32
    """
    return left & right


@_bitwise(operator.or_, [((-2, 1), -1), ((4, 1), 5)])
def bitwise_or(left, right):
    """Element-wise bitwise OR of two integer tensors.

    >>> nx.bitwise_or(nx.tensor([0, 1, 2], names=["data"]), 1)
    #Nx.Tensor<
      s32[data: 3]
      [1, 1, 3]
    >
    >>> nx.bitwise_or(nx.tensor([0, -1, -2], names=["data"]), -1)
    #Nx.Tensor<
      s32[data: 3]
      [-1, -1, -1]
    >
    """
    return left | right


@_bitwise(operator.xor, [((-1, 2), -3), ((3, 1), 2)])
def bitwise_xor(left, right):
    """Element-wise bitwise exclusive OR of two integer tensors.

    >>> nx.bitwise_xor(nx.tensor([1, 2, 3], names=["data"]), 2)
    #Nx.Tensor<
      s32[data: 3]
      [3, 0, 1]
    >
    >>> nx.bitwise_xor(nx.tensor([-1, -2, -3], names=["data"]), 2)
    #Nx.Tensor<
      s32[data: 3]
      [-3, -4, -1]
    >
    """
    return left ^ right


# Python's shifts on unbounded integers, wrapped into the type afterwards, are
# exactly the fixed-width shifts for amounts below 64; larger amounts are
# handled explicitly so that no huge integer is ever built.

@_bitwise(special_cases=[((1, 3), 8), ((-1, 4), -16), ((1, 64), 0), ((1, -1), 0)])
def left_shift(left, right):
    """Element-wise left shift of ``left`` by ``right`` bits; bits shifted past
    the type's width are lost (the result wraps). An amount that is negative or
    at least the bit width gives 0.

    >>> nx.left_shift(nx.tensor([1, 2, 3], names=["data"]), 2)
    #Nx.Tensor<
      s32[data: 3]
      [4, 8, 12]
    >
    >>> nx.left_shift(nx.tensor([1, 1, -1, -1], names=["data"]), nx.tensor([1, 2, 3, 4]))
    #Nx.Tensor<
      s32[data: 4]
      [2, 4, -8, -16]
    >
    >>> nx.left_shift(nx.tensor([1, 1, 1], type="u8"), nx.tensor([7, 8, 9], type="u8"))
    #Nx.Tensor<
      u8[3]
      [128, 0, 0]
    >
    """
    if 0 <= right < 64:
        return left << right
    return 0


@_bitwise(special_cases=[((-64, 4), -4), ((64, 4), 4), ((-1, 100), -1), ((5, -1), 0)])
def right_shift(left, right):
    """Element-wise right shift of ``left`` by ``right`` bits: arithmetic (the
    sign is kept) for signed types, logical for unsigned ones. An amount that is
    negative or at least the bit width shifts every bit out: 0, or -1 for a
    negative signed value.

    >>> nx.right_shift(nx.tensor([2, 4, 8], names=["data"]), 2)
    #Nx.Tensor<
      s32[data: 3]
      [0, 1, 2]
    >
    >>> nx.right_shift(nx.tensor([16, 32, -64, -128], names=["data"]), nx.tensor([1, 2, 3, 4]))
    #Nx.Tensor<
      s32[data: 4]
      [8, 8, -8, -8]
    >
    >>> nx.right_shift(nx.tensor([-128, 128], type="s16"), nx.tensor([20, -1], type="s16"))
    #Nx.Tensor<
      s16[2]
      [-1, 0]
    >
    """
    if right >= 0:
        return left >> right  # Python's >> is arithmetic; unsigned values are >= 0
    return -1 if left < 0 else 0
