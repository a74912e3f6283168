"""Binary element-wise ops with implicit broadcasting."""

from __future__ import annotations

import math
import operator

from spec import types
from spec.ops._elementwise import ANY, binary

__all__ = ["add", "divide"]


def _unbroadcast(ops, g, x):
    """Sum a gradient back to the shape of an operand that was broadcast."""
    return ops.unbroadcast(g, x)


@binary(accepts=ANY, fast=operator.add,
        grad=lambda ops, g, out, x, y: [g, g])
def add(left, right):
    """Element-wise addition of two tensors (Python numbers are tensors too).

    The output type is the merge of the input types (a Python number keeps the
    tensor's type when it fits); shapes broadcast; integers wrap around.

    >>> nx.add(1, 2)
    #Nx.Tensor<
      s32
      3
    >
    >>> nx.add(nx.tensor([1, 2, 3], names=["data"]), nx.tensor([10, 20, 30], type="u8"))
    #Nx.Tensor<
      s32[data: 3]
      [11, 22, 33]
    >
    """
    return left + right


def _divide(x, y):
    try:
        return x / y
    except ZeroDivisionError:
        if isinstance(x, complex) or isinstance(y, complex):
            x, y = complex(x), complex(y)
            re = _divide(x.real, 0.0) if x.real or x.real != x.real else math.nan
            im = _divide(x.imag, 0.0) if x.imag or x.imag != x.imag else math.nan
            return complex(re, im)
        if x == 0 or x != x:
            return math.nan
        sign = math.copysign(1.0, x) * math.copysign(1.0, y)
        return math.copysign(math.inf, sign)


@binary(accepts=ANY, out_type=types.to_floating, fast=operator.truediv,
        tolerance={"f16": 0, "bf16": 0, "f32": 0, "f64": 0, "c64": 2, "c128": 2},
        special_cases=[((1.0, 0.0), math.inf), ((-1.0, 0.0), -math.inf), ((1.0, -0.0), -math.inf),
                       ((0.0, 0.0), math.nan)])
def divide(left, right):
    """Element-wise division; integers are converted to floating point first
    (the type rule is ``to_floating`` of the merged type). Division by zero gives
    signed infinities, and ``0 / 0`` gives NaN.

    >>> nx.divide(nx.tensor([1, 2, 3], names=["x"]), 2)
    #Nx.Tensor<
      f32[x: 3]
      [0.5, 1.0, 1.5]
    >
    >>> nx.divide(1.0, nx.tensor([0.0, -0.0]))
    #Nx.Tensor<
      f32[2]
      [Inf, -Inf]
    >
    """
    return _divide(left, right)
