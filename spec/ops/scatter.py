"""Scatter ops: indexed_add and indexed_put write updates at gathered positions.

They share the index conventions of :mod:`spec.ops.indexing` (the last axis of
``indices`` addresses ``axes`` of the target; out-of-range indices raise, as in
Nx, through :func:`spec.ops.indexing.check_indices`).
"""

from __future__ import annotations

from spec import types
from spec.errors import ShapeError
from spec.registry import Op, TensorSpec, option, register, tensor
from spec.ops.indexing import _indexed_axes, _integer_indices, _spec_of, check_indices

__all__ = ["indexed_add", "indexed_put"]

# -- indexed_add, indexed_put ----------------------------------------------------------

def _indexed_normalize(target, indices, updates, *, axes=None):
    target, indices, updates = _spec_of(target), _spec_of(indices), _spec_of(updates)
    _integer_indices(indices, "got type:")
    rank = target.rank
    if indices.rank == 1:
        # one index: `updates` is the scalar written there (Nx's shorthand)
        if indices.shape[0] != rank:
            raise ShapeError(f"expected indices to have shape ({rank},), got: {indices.shape}")
        if updates.rank != 0:
            raise ShapeError(
                f"updates must be a scalar tensor when indices has rank 1, got: {updates.shape}")
        return {"axes": _indexed_axes(target, rank, axes)}
    depth = indices.shape[-1] if indices.rank else 0
    axes = _indexed_axes(target, depth, axes)
    _check_indexed_shapes(target, indices, updates, axes)
    return {"axes": axes}


def _check_indexed_shapes(target, indices, updates, axes):
    if indices.rank != 2:
        raise ShapeError(f"indices must be a rank 1 or 2 tensor, got: {indices.rank}")
    count, depth = indices.shape
    if updates.rank == 0 or updates.shape[0] != count:
        raise ShapeError(
            f"expected the leading axis of indices ({indices.shape}) and leading axis of "
            f"updates ({updates.shape}) to match")
    if updates.rank - 1 + depth != target.rank:
        raise ShapeError(
            f"expected the rank of the input ({target.rank}) to be equal to the rank of the "
            f"updates ({updates.rank}) plus the trailing axis of indices ({indices.shape}) "
            f"minus one")
    others = [i for i in range(target.rank) if i not in axes]
    for update_axis, target_axis in enumerate(others, start=1):
        if updates.shape[update_axis] > target.shape[target_axis]:
            raise ShapeError(
                f"axis ({update_axis}) of updates ({updates.shape}) must be less than or equal "
                f"to the axis ({target_axis}) of {target.shape}")


def _indexed_infer(target, indices, updates, *, axes):
    target, updates = _spec_of(target), _spec_of(updates)
    return TensorSpec(types.merge(target.type, updates.type), target.shape, target.names)


def _updates_grad(ops, g, indices, updates, axes):
    # the slices of g the updates landed on (cut down to the updates' window)
    slices = ops.gather(g, indices, axes=list(axes))
    if tuple(slices.shape) != tuple(updates.shape):
        slices = ops.slice(slices, [0] * len(updates.shape), list(updates.shape))
    return slices


def _indexed_add_grad(ops, g, out, target, indices, updates, *, axes):
    return [g, None, _updates_grad(ops, g, indices, updates, axes)]


def _indexed_put_grad(ops, g, out, target, indices, updates, *, axes):
    # overwritten positions take no gradient back to the target
    zeros = ops.broadcast(ops.as_type(0, g.type), tuple(updates.shape))
    return [ops.indexed_put(g, indices, zeros, axes=list(axes)), None,
            _updates_grad(ops, g, indices, updates, axes)]


_INDEXED_PARAMS = (tensor("target"), tensor("indices"), tensor("updates"), option("axes", None))
_INDEXED_RULES = """
    ``indices`` is an integer tensor of shape ``(n, k)``: n positions, each with
    an index into the ``k`` tensor axes ``axes`` (default the leading ones; given,
    a sorted list of axes or names). ``updates`` has shape ``(n, ...)``: one
    slice per position over the other axes of ``target``, each dimension at most
    the target's (a smaller slice starts at 0 along those axes). As a shorthand,
    a rank-1 ``indices`` is one position and ``updates`` then a scalar. The
    output has the shape and names of ``target`` and the merge of the types of
    ``target`` and ``updates`` (a Python number counts as a tensor of its
    inferred type, s32 or f32, as in Nx). An out-of-range index (negative ones
    included) raises."""


indexed_add = register(Op(
    name="indexed_add", family="indexing", params=_INDEXED_PARAMS,
    normalize=_indexed_normalize, infer=_indexed_infer, grad=_indexed_add_grad,
    backend_options=("axes",), extras={"check_indices": check_indices},
    doc="""Adds ``updates`` into ``target`` at the positions in ``indices``; repeated
    positions accumulate, in index order (the gradient of :func:`gather`).
    """ + _INDEXED_RULES + """

    >>> nx.indexed_add(nx.tensor([[1], [2]]), nx.tensor([1, 0]), 8)
    #Nx.Tensor<
      s32[2][1]
      [
        [1],
        [10]
      ]
    >
    >>> indices = nx.tensor([[0, 0, 0], [0, 1, 1], [0, 0, 0], [0, 0, 2], [0, 1, 2]])
    >>> nx.indexed_add(nx.iota((1, 2, 3)), indices, nx.tensor([1, 3, 1, -2, 5]))
    #Nx.Tensor<
      s32[1][2][3]
      [
        [
          [2, 1, 0],
          [3, 7, 10]
        ]
      ]
    >

    Types merge:

    >>> nx.indexed_add(nx.tensor([1.0]), nx.tensor([[0], [0]]), nx.tensor([1, 1]))
    #Nx.Tensor<
      f32[1]
      [3.0]
    >
    >>> nx.indexed_add(nx.tensor([1], type="s32"), nx.tensor([[0], [0]]), nx.tensor([1, 1], type="s64"))
    #Nx.Tensor<
      s64[1]
      [3]
    >

    Errors:

    >>> nx.indexed_add(nx.tensor([[1], [2]]), nx.tensor([[[1, 2, 3]]]), nx.tensor([0]))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: indices must be a rank 1 or 2 tensor, got: 3
    >>> nx.indexed_add(nx.tensor([[1], [2]]), nx.tensor([[1, 2]]), nx.tensor([0, 1]))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: expected the leading axis of indices ((1, 2)) and leading axis of updates ((2,)) to match
    >>> nx.indexed_add(nx.tensor([[1, 2, 3]]), nx.tensor([[0]]), nx.tensor([[1, 2, 3, 4, 5]]))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: axis (1) of updates ((1, 5)) must be less than or equal to the axis (1) of (1, 3)
    >>> nx.indexed_add(nx.tensor([[1, 2], [3, 4]]), nx.tensor([[3, -10]]), nx.tensor([1]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: index 3 is out of bounds for axis 0 in shape (2, 2)
    """,
))

indexed_put = register(Op(
    name="indexed_put", family="indexing", params=_INDEXED_PARAMS,
    normalize=_indexed_normalize, infer=_indexed_infer, grad=_indexed_put_grad,
    backend_options=("axes",), extras={"check_indices": check_indices},
    doc="""Writes ``updates`` into ``target`` at the positions in ``indices``; of
    repeated positions, the last one written (in index order) wins.
    """ + _INDEXED_RULES + """

    >>> nx.indexed_put(nx.tensor([[1], [2]]), nx.tensor([1, 0]), 10)
    #Nx.Tensor<
      s32[2][1]
      [
        [1],
        [10]
      ]
    >
    >>> nx.indexed_put(nx.tensor([0, 0, 0]), nx.tensor([[1], [2]]), nx.tensor([2, 4]))
    #Nx.Tensor<
      s32[3]
      [0, 2, 4]
    >
    >>> indices = nx.tensor([[0, 0, 0], [0, 1, 1], [0, 0, 2]])
    >>> nx.indexed_put(nx.iota((1, 2, 3)), indices, nx.tensor([1, 3, -2]))
    #Nx.Tensor<
      s32[1][2][3]
      [
        [
          [1, 1, -2],
          [3, 3, 5]
        ]
      ]
    >

    Writing slices, over the trailing axes or over the axes not in ``axes``:

    >>> nx.indexed_put(nx.iota((1, 3, 2)), nx.tensor([[0, 0], [0, 2]]), nx.tensor([[0, 10], [40, 50]]))
    #Nx.Tensor<
      s32[1][3][2]
      [
        [
          [0, 10],
          [2, 3],
          [40, 50]
        ]
      ]
    >
    >>> t = nx.iota((1, 2, 3))
    >>> nx.indexed_put(t, nx.tensor([[0, 0], [0, 2]]), nx.tensor([[0, 30], [20, 50]]), axes=[0, 2])
    #Nx.Tensor<
      s32[1][2][3]
      [
        [
          [0, 1, 20],
          [30, 4, 50]
        ]
      ]
    >

    Types merge:

    >>> nx.indexed_put(nx.tensor([1]), nx.tensor([[0]]), nx.tensor([3.0]))
    #Nx.Tensor<
      f32[1]
      [3.0]
    >

    Errors:

    >>> nx.indexed_put(nx.iota((1, 2, 3)), nx.tensor([[0, 1, 2]]), 10, axes=[1, 0, 2])
    Traceback (most recent call last):
    ...
    spec.errors.AxisError: axes must be an ordered list, got: [1, 0, 2]
    >>> nx.indexed_put(nx.tensor([[1, 2], [3, 4]]), nx.tensor([[0, -1]]), nx.tensor([1]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: index -1 is out of bounds for axis 1 in shape (2, 2)
    """,
))
