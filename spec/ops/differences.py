"""Finite differences along an axis: ``nx.diff``."""

from __future__ import annotations


from spec.errors import ArgumentError
from spec.ops._reduce import as_spec
from spec.registry import Op, TensorSpec, option, register, tensor
from spec.shapes import normalize_axis
from spec.ops.statistics_extra import _TOLERANCE, _int, _rule  # noqa: F401

__all__ = ['diff']


# -- diff --------------------------------------------------------------------------

def _diff_normalize(x, *, order=1, axis=-1):
    x = as_spec(x)
    if x.rank == 0:
        raise ArgumentError("cannot compute diff of a scalar")
    order = _int("diff", "order", order)
    if order < 0:
        raise ArgumentError(f"order must be non-negative but got: {order}")
    axis = normalize_axis(axis, x.shape, x.names)
    if order > x.shape[axis]:
        raise ArgumentError(
            f"nx.diff: order ({order}) must be at most the size of axis {axis} "
            f"({x.shape[axis]}) in shape {x.shape}")
    return {"order": order, "axis": axis}


def _diff_infer(x, *, order, axis):
    x = as_spec(x)
    shape = x.shape[:axis] + (x.shape[axis] - order,) + x.shape[axis + 1:]
    return TensorSpec(x.type, shape, x.names)


def _diff(nx, x, *, order, axis):
    for _ in range(order):
        n = x.shape[axis] - 1
        x = nx.subtract(nx.slice_along_axis(x, 1, n, axis=axis),
                        nx.slice_along_axis(x, 0, n, axis=axis))
    return x


def _diff_grad(ops, g, out, x, *, order, axis):
    # out[i] = x[i + 1] - x[i], so x[j] receives g[j - 1] - g[j] (zero-padded)
    before = [(0, 0, 0)] * x.rank
    after = list(before)
    before[axis], after[axis] = (1, 0, 0), (0, 1, 0)
    for _ in range(order):
        g = ops.subtract(ops.pad(g, 0, before), ops.pad(g, 0, after))
    return [g]


diff = register(Op(
    name="diff", family="statistics",
    params=(tensor("tensor"),
            option("order", 1, "how many times the difference is taken"),
            option("axis", -1, "the axis along which to take it (int or name)")),
    normalize=_diff_normalize, infer=_diff_infer, composite=_diff, grad=_diff_grad,
    tolerance=_TOLERANCE,
    doc="""The ``order``-th discrete difference along ``axis`` (the last by
    default): ``out[i] = t[i + 1] - t[i]``, applied ``order`` times (1 by
    default; 0 returns the tensor). The axis shrinks by ``order``, which may
    not exceed its size; the type and names are the input's (integers wrap
    around, as subtract's do).

    >>> nx.diff(nx.tensor([1, 2, 4, 7, 0]))
    #Nx.Tensor<
      s32[4]
      [1, 2, 3, -7]
    >
    >>> nx.diff(nx.tensor([1, 2, 4, 7, 0]), order=2)
    #Nx.Tensor<
      s32[3]
      [1, 1, -10]
    >
    >>> nx.diff(nx.tensor([[1, 3, 6, 10], [0, 5, 6, 8]]))
    #Nx.Tensor<
      s32[2][3]
      [
        [2, 3, 4],
        [5, 1, 2]
      ]
    >
    >>> nx.diff(nx.tensor([[1, 3, 6, 10], [0, 5, 6, 8]], names=["x", "y"]), axis="x")
    #Nx.Tensor<
      s32[x: 1][y: 4]
      [
        [-1, 2, 0, -2]
      ]
    >
    >>> nx.diff(nx.tensor([1, 2, 4, 7, 0]), order=0)
    #Nx.Tensor<
      s32[5]
      [1, 2, 4, 7, 0]
    >
    >>> nx.diff(nx.tensor([1, 2, 4, 7, 0]), order=-1)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: order must be non-negative but got: -1
    >>> nx.diff(nx.tensor([1, 2]), order=3)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: nx.diff: order (3) must be at most the size of axis 0 (2) in shape (2,)
    """,
))
