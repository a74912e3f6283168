"""Slicing: slice, slice_along_axis, put_slice and split.

``slice`` and ``put_slice`` are backend primitives (Nx has a callback for
each); ``slice_along_axis`` and ``split`` are composites over ``slice``.

Start indices are integers or scalar integer tensors, one per axis. The
backend always receives them as scalar tensors (a Python int becomes an s64
constant) and **clamps** each one into ``[0, dim - length]`` so that the slice
has the requested length (Nx's rule, XLA's ``dynamic_slice``): an index past
the end moves the window back, a negative index in a tensor reads from 0.
Rules the spec writes down (where Nx is silent or we differ):

* A negative Python int as a start index is an error (Nx documents that start
  indices are non-negative, then clamps it to 0); tensor indices are clamped.
* Lengths may be 0 (Nx requires at least 1), so that empty tensors can be
  sliced; the output then has a 0 on that axis.
* Index tensors of the wrong shape or type raise ``ArgumentError`` and
  ``TypeError_`` naming the axis.
"""

from __future__ import annotations

import math

from spec import types
from spec.errors import ArgumentError, TypeError_
from spec.names import merge_names
from spec.ops._reduce import as_spec
from spec.ops.shape import is_tensor_like
from spec.registry import Op, Param, TensorSpec, option, register, static, tensor
from spec.shapes import normalize_axis

__all__ = ["slice_", "slice_along_axis", "put_slice", "split", "check_start_indices",
           "START_INDEX_TYPE"]

START_INDEX_TYPE = types.normalize("s64")   # the type of a Python int start index
_S64_MAX = 2 ** 63 - 1


def _int_or_none(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def check_start_indices(x, start_indices):
    """Validate start indices for a tensor of spec ``x``: one per axis, each a
    non-negative int or a scalar integer tensor.

    >>> from spec.registry import TensorSpec
    >>> x = TensorSpec(types.normalize("f32"), (2, 3), (None, None))
    >>> check_start_indices(x, [0, TensorSpec(types.normalize("f32"), (), ())])
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: index must be integer type, got f32 for axis 1
    """
    if not isinstance(start_indices, (list, tuple)):
        raise ArgumentError(f"start_indices must be a list with one index per axis, got: "
                            f"{start_indices!r:.80}")
    if len(start_indices) != x.rank:
        raise ArgumentError(f"invalid start indices rank for shape of rank {x.rank}, got "
                            f"{len(start_indices)} start indices")
    for axis, index in enumerate(start_indices):
        if is_tensor_like(index):
            if tuple(index.shape) != ():
                raise ArgumentError(f"index must be scalar, got shape {tuple(index.shape)} for "
                                    f"axis {axis}")
            if not index.type.is_integer:
                raise TypeError_(f"index must be integer type, got {index.type} for axis {axis}")
            continue
        value = _int_or_none(index)
        if value is None:
            raise ArgumentError(f"start index at axis {axis} must be an integer or a scalar "
                                f"integer tensor, got: {index!r:.80}")
        if value < 0:
            raise ArgumentError(f"start index at axis {axis} must be greater than or equal "
                                f"to 0, got: {value}")
        if value > _S64_MAX:
            raise ArgumentError(f"start index at axis {axis} does not fit in s64, got: {value}")


def _per_axis(value, rank, what):
    if _int_or_none(value) is not None:
        return [value] * rank
    if not isinstance(value, (list, tuple)):
        raise ArgumentError(f"{what} must be an integer or a list of integers, got: {value!r:.80}")
    if len(value) != rank:
        raise ArgumentError(f"invalid {what} rank for shape of rank {rank}, got {len(value)} {what}")
    return list(value)


# -- slice -----------------------------------------------------------------------

def _slice_normalize(x, start_indices, lengths, *, strides=1):
    x = as_spec(x)
    strides = _per_axis(strides, x.rank, "strides")
    check_start_indices(x, start_indices)
    if not isinstance(lengths, (list, tuple)):
        raise ArgumentError(f"lengths must be a list with one length per axis, got: {lengths!r:.80}")
    if len(lengths) != x.rank:
        raise ArgumentError(f"invalid lengths rank for shape of rank {x.rank}, got "
                            f"{len(lengths)} lengths")
    for axis, (dim, length, stride) in enumerate(zip(x.shape, lengths, strides)):
        if _int_or_none(length) is None or length < 0:
            raise ArgumentError(f"length at axis {axis} must be a non-negative integer, got: "
                                f"{length!r:.80}")
        if _int_or_none(stride) is None or stride < 1:
            raise ArgumentError(f"stride at axis {axis} must be greater than or equal to 1, got: "
                                f"{stride!r:.80}")
        if length > dim:
            raise ArgumentError(f"length at axis {axis} must be less than or equal to axis size "
                                f"of {dim}, got: {length}")
    return {"lengths": tuple(lengths), "strides": tuple(strides)}


def sliced_shape(lengths, strides) -> tuple:
    """The output shape of a slice: ``ceil(length / stride)`` per axis.

    >>> sliced_shape([6, 5, 0], [2, 3, 1])
    (3, 2, 0)
    """
    return tuple(-(-n // s) for n, s in zip(lengths, strides))


def _slice_infer(x, start_indices, given_lengths, *, lengths, strides):
    x = as_spec(x)
    return TensorSpec(x.type, sliced_shape(lengths, strides), x.names)


def _zeros(ops, like, shape):
    return ops.broadcast(ops.as_type(0, like.type), tuple(shape))


def _slice_grad(ops, g, out, x, start_indices, *, lengths, strides):
    # spread g back to the strided positions (padded to the full length, so that
    # put_slice clamps the start index exactly as slice did), then place it
    config = [(0, (n - ((o - 1) * s + 1)) if o else n, s - 1)
              for n, o, s in zip(lengths, out.shape, strides)]
    spread = ops.pad(g, 0, config)
    return [ops.put_slice(_zeros(ops, g, x.shape), start_indices, spread), None]


slice_ = register(Op(
    name="slice", family="shape",
    params=(tensor("tensor"), Param("start_indices", "tensors"), static("lengths"),
            option("strides", 1)),
    infer=_slice_infer, normalize=_slice_normalize, backend_options=("lengths", "strides"),
    literal_type=lambda args, index: START_INDEX_TYPE if index == 1 else types.infer(args[index]),
    grad=_slice_grad,
    doc="""Takes the block of ``lengths`` elements starting at ``start_indices``,
    every ``strides`` element (an int for every axis, or one per axis; 1 by
    default). The output has ``ceil(length / stride)`` elements per axis and
    keeps the tensor's type and names.

    Start indices are non-negative ints or scalar integer tensors; each is
    clamped so that the block fits: ``min(max(start, 0), dim - length)``.

    >>> nx.slice(nx.tensor([1, 2, 3, 4, 5, 6]), [0], [3])
    #Nx.Tensor<
      s32[3]
      [1, 2, 3]
    >
    >>> nx.slice(nx.tensor([1, 2, 3, 4, 5, 6]), [0], [6], strides=[2])
    #Nx.Tensor<
      s32[3]
      [1, 3, 5]
    >
    >>> nx.slice(nx.tensor([[1, 2], [3, 4], [5, 6]]), [0, 0], [3, 2], strides=[2, 1])
    #Nx.Tensor<
      s32[2][2]
      [
        [1, 2],
        [5, 6]
      ]
    >
    >>> nx.slice(nx.tensor([[1, 2], [3, 4], [5, 6]]), [0, 0], [3, 2], strides=2)
    #Nx.Tensor<
      s32[2][1]
      [
        [1],
        [5]
      ]
    >
    >>> nx.slice(nx.iota((2, 15, 30)), [0, 4, 11], [2, 3, 9], strides=[2, 1, 3])
    #Nx.Tensor<
      s32[1][3][3]
      [
        [
          [131, 134, 137],
          [161, 164, 167],
          [191, 194, 197]
        ]
      ]
    >
    >>> nx.slice(nx.tensor([[1, 2, 3], [4, 5, 6]]), [nx.tensor(1), nx.tensor(2)], [1, 1])
    #Nx.Tensor<
      s32[1][1]
      [
        [6]
      ]
    >
    >>> nx.slice(nx.iota((3, 3)), [2, 2], [1, 1])
    #Nx.Tensor<
      s32[1][1]
      [
        [8]
      ]
    >
    >>> nx.slice(nx.iota((3, 3)), [2, 2], [2, 2])
    #Nx.Tensor<
      s32[2][2]
      [
        [4, 5],
        [7, 8]
      ]
    >
    >>> nx.slice(nx.iota((3, 3)), [nx.tensor(2), nx.tensor(-1)], [2, 2])
    #Nx.Tensor<
      s32[2][2]
      [
        [3, 4],
        [6, 7]
      ]
    >
    >>> nx.slice(nx.tensor(42), [], [])
    #Nx.Tensor<
      s32
      42
    >
    >>> nx.slice(nx.tensor([[1, 2, 3], [4, 5, 6]]), [nx.tensor([1, 2]), nx.tensor(1)], [1, 1])
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: index must be scalar, got shape (2,) for axis 0
    >>> nx.slice(nx.tensor([[1, 2, 3], [4, 5, 6]]), [nx.tensor(1.0), nx.tensor(0)], [1, 1])
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: index must be integer type, got f32 for axis 0
    >>> nx.slice(nx.iota((2, 15, 30)), [1, 4, 10], [3, 1, 1])
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: length at axis 0 must be less than or equal to axis size of 2, got: 3
    >>> nx.slice(nx.iota((2, 3)), [-1, 0], [1, 1])
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: start index at axis 0 must be greater than or equal to 0, got: -1
    """,
))


# -- slice_along_axis --------------------------------------------------------------

def _along_axis_normalize(x, start_index, len, *, axis=0, strides=1):
    x = as_spec(x)
    axis = normalize_axis(axis, x.shape, x.names)
    starts, lengths, all_strides = [0] * x.rank, list(x.shape), [1] * x.rank
    starts[axis], lengths[axis], all_strides[axis] = start_index, len, strides
    opts = _slice_normalize(x, starts, lengths, strides=all_strides)
    return {"axis": axis, "len": opts["lengths"][axis], "strides": opts["strides"][axis]}


def _along_axis_infer(x, start_index, given_len, **opts):
    x = as_spec(x)
    axis = opts["axis"]
    shape = list(x.shape)
    shape[axis] = sliced_shape([opts["len"]], [opts["strides"]])[0]
    return TensorSpec(x.type, tuple(shape), x.names)


def _slice_along_axis(nx, x, start_index, **opts):
    axis = opts["axis"]
    starts, lengths, strides = [0] * x.rank, list(x.shape), [1] * x.rank
    starts[axis], lengths[axis], strides[axis] = start_index, opts["len"], opts["strides"]
    return nx.slice(x, starts, lengths, strides=strides)


slice_along_axis = register(Op(
    name="slice_along_axis", family="shape",
    params=(tensor("tensor"), tensor("start_index"), static("len"), option("axis", 0),
            option("strides", 1)),
    infer=_along_axis_infer, normalize=_along_axis_normalize, composite=_slice_along_axis,
    backend_options=("axis", "len", "strides"),
    literal_type=lambda args, index: START_INDEX_TYPE if index == 1 else types.infer(args[index]),
    doc="""Slices ``len`` elements along one ``axis`` (0 by default; an int or a
    name) from ``start_index`` (an int or a scalar integer tensor, clamped as in
    :func:`slice`), every ``strides`` element; the other axes are kept whole.

    >>> nx.slice_along_axis(nx.iota((5, 2)), 1, 2, axis=0)
    #Nx.Tensor<
      s32[2][2]
      [
        [2, 3],
        [4, 5]
      ]
    >
    >>> nx.slice_along_axis(nx.iota((2, 5)), 1, 2, axis=1)
    #Nx.Tensor<
      s32[2][2]
      [
        [1, 2],
        [6, 7]
      ]
    >
    >>> nx.slice_along_axis(nx.iota((2, 5), names=["x", "y"]), 0, 1, axis="x")
    #Nx.Tensor<
      s32[x: 1][y: 5]
      [
        [0, 1, 2, 3, 4]
      ]
    >
    >>> nx.slice_along_axis(nx.iota((2, 5), names=["x", "y"]), nx.tensor(0), 1, axis="x")
    #Nx.Tensor<
      s32[x: 1][y: 5]
      [
        [0, 1, 2, 3, 4]
      ]
    >
    >>> nx.slice_along_axis(nx.iota((2, 5)), 0, 3, axis=-1, strides=2)
    #Nx.Tensor<
      s32[2][2]
      [
        [0, 2],
        [5, 7]
      ]
    >
    >>> nx.slice_along_axis(nx.iota((2, 5)), 0, 6, axis=1)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: length at axis 1 must be less than or equal to axis size of 5, got: 6
    """,
))


# -- put_slice -------------------------------------------------------------------

def _put_slice_normalize(x, start_indices, update):
    x, update = as_spec(x), as_spec(update)
    check_start_indices(x, start_indices)
    if update.rank != x.rank:
        raise ArgumentError(f"invalid slice for put_slice, rank of slice must match {x.rank}, "
                            f"got: {update.rank}")
    if any(u > d for u, d in zip(update.shape, x.shape)):
        raise ArgumentError(f"slice shape {update.shape} must be less than or equal to tensor "
                            f"shape {x.shape}")
    return {}


def _put_slice_infer(x, start_indices, update):
    x, update = as_spec(x), as_spec(update)
    return TensorSpec(types.merge(x.type, update.type), x.shape, merge_names(x.names, update.names))


def _put_slice_literal(args, index):
    return START_INDEX_TYPE if index == 1 else types.infer(args[index])


def _put_slice_grad(ops, g, out, x, start_indices, update):
    return [ops.put_slice(g, start_indices, _zeros(ops, g, update.shape)), None,
            ops.slice(g, start_indices, list(update.shape))]


put_slice = register(Op(
    name="put_slice", family="shape",
    params=(tensor("tensor"), Param("start_indices", "tensors"), tensor("slice")),
    infer=_put_slice_infer, normalize=_put_slice_normalize, literal_type=_put_slice_literal,
    grad=_put_slice_grad,
    doc="""Writes ``slice`` (a tensor of the same rank, no larger on any axis)
    into ``tensor`` at ``start_indices``, clamped as in :func:`slice` so that the
    whole slice fits. The type merges both types; names merge axis by axis.

    >>> nx.put_slice(nx.tensor([0, 1, 2, 3, 4]), [2], nx.tensor([5, 6]))
    #Nx.Tensor<
      s32[5]
      [0, 1, 5, 6, 4]
    >
    >>> t = nx.tensor([[1, 2, 3], [4, 5, 6]])
    >>> nx.put_slice(t, [0, 1], nx.tensor([[7, 8], [9, 10]]))
    #Nx.Tensor<
      s32[2][3]
      [
        [1, 7, 8],
        [4, 9, 10]
      ]
    >
    >>> nx.put_slice(t, [nx.tensor(0), nx.tensor(1)], nx.tensor([[10.0, 11.0]]))
    #Nx.Tensor<
      f32[2][3]
      [
        [1.0, 10.0, 11.0],
        [4.0, 5.0, 6.0]
      ]
    >
    >>> nx.put_slice(t, [1, 1], nx.tensor([[7, 8], [9, 10]]))
    #Nx.Tensor<
      s32[2][3]
      [
        [1, 7, 8],
        [4, 9, 10]
      ]
    >
    >>> nx.put_slice(t, [0, 0], nx.tensor([[1, 2, 3, 4]]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: slice shape (1, 4) must be less than or equal to tensor shape (2, 3)
    >>> nx.put_slice(t, [0], nx.tensor([1]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: invalid start indices rank for shape of rank 2, got 1 start indices
    """,
))


# -- split -----------------------------------------------------------------------

def _split_index(split, axis, n):
    """Where ``split`` cuts an axis of size ``n`` (Nx's rule: both parts non-empty)."""
    if _int_or_none(split) is not None:
        if 0 < split < n:
            return split
        if -n < split < 0:
            return n + split
        raise ArgumentError(
            f"split must be an integer greater than zero and less than the length of the given "
            f"axis, or negative and greater than minus that length: got {split} for axis {axis} "
            f"of size {n}")
    if isinstance(split, float):
        index = math.ceil(split * n) if math.isfinite(split) else 0
        if 0 < index < n:
            return index
        raise ArgumentError(
            f"split must be a float such that 0 < split and ceil(split * axis_size) < "
            f"axis_size: got {split} for axis {axis} of size {n}")
    raise ArgumentError(f"split must be an integer or a float, got: {split!r:.80}")


def _split_normalize(x, split, *, axis=0):
    x = as_spec(x)
    axis = normalize_axis(axis, x.shape, x.names)
    return {"axis": axis, "index": _split_index(split, axis, x.shape[axis])}


def _split_infer(x, split, *, axis, index):
    x = as_spec(x)
    left, right = list(x.shape), list(x.shape)
    left[axis], right[axis] = index, x.shape[axis] - index
    return (TensorSpec(x.type, tuple(left), x.names), TensorSpec(x.type, tuple(right), x.names))


def _split(nx, x, *, axis, index):
    return (nx.slice_along_axis(x, 0, index, axis=axis),
            nx.slice_along_axis(x, index, x.shape[axis] - index, axis=axis))


split = register(Op(
    name="split", family="shape",
    params=(tensor("tensor"), static("split"), option("axis", 0)),
    infer=_split_infer, normalize=_split_normalize, composite=_split,
    backend_options=("axis", "index"),
    doc="""Splits a tensor in two along ``axis`` (0 by default), returning a tuple.

    ``split`` is where the second part starts: an int (negative ones count from
    the end) or a float, the fraction of the axis that goes to the first part
    (rounded up). Both parts must be non-empty.

    >>> t = nx.tensor([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]])
    >>> left, right = nx.split(t, 2, axis=0)
    >>> left
    #Nx.Tensor<
      s32[2][4]
      [
        [0, 1, 2, 3],
        [4, 5, 6, 7]
      ]
    >
    >>> right
    #Nx.Tensor<
      s32[1][4]
      [
        [8, 9, 10, 11]
      ]
    >
    >>> left, right = nx.split(t, 2, axis=1)
    >>> left
    #Nx.Tensor<
      s32[3][2]
      [
        [0, 1],
        [4, 5],
        [8, 9]
      ]
    >
    >>> right
    #Nx.Tensor<
      s32[3][2]
      [
        [2, 3],
        [6, 7],
        [10, 11]
      ]
    >
    >>> left, right = nx.split(t, 0.5, axis=0)
    >>> left.shape, right.shape
    ((2, 4), (1, 4))
    >>> left, right = nx.split(t, 0.75, axis=1)
    >>> right
    #Nx.Tensor<
      s32[3][1]
      [
        [3],
        [7],
        [11]
      ]
    >
    >>> nx.split(nx.tensor([1, 2, 3, 4]), -1)
    (#Nx.Tensor<
      s32[3]
      [1, 2, 3]
    >, #Nx.Tensor<
      s32[1]
      [4]
    >)
    >>> nx.split(nx.tensor([1, 2, 3, 4]), 4)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: split must be an integer greater than zero and less than the length of the given axis, or negative and greater than minus that length: got 4 for axis 0 of size 4
    """,
))
