"""Indexing with index tensors: gather, take, take_along_axis, indexed_add and
indexed_put.

``gather`` reads and ``indexed_add``/``indexed_put`` write whole slices of a
tensor at the positions held in the last axis of an ``indices`` tensor; the
``axes`` option says which tensor axes those positions refer to (by default the
leading ones). The slices span every other axis. These three are backend
primitives (Nx has a callback for each); ``take`` and ``take_along_axis`` are
composites over ``gather``, as Nx writes them.

Rules the spec writes down:

* Indices must be of an integer type (any width, signed or unsigned).
* Out-of-range indices, negative ones included, raise ``ArgumentError`` naming
  the index, the axis and the shape, as Nx's pure backend does (Nx's own test
  suite pins it). The check depends on the data, so it cannot run in ``infer``:
  backends call :func:`check_indices`, the one place the rule lives. Negative
  indices never count from the end.
* ``indexed_add`` accumulates repeated indices in index order, starting from
  the target's value, exactly (integers) or in Python's double precision
  (floats and complex numbers), and rounds once into the output type, as Nx's
  pure backend does. ``indexed_put`` writes in index order: the last write to a
  position wins (Nx calls the result non-deterministic on parallel devices).
* An update slice may be smaller than the slice of the target it goes to: it
  is written at the index, starting at 0 along the other axes (XLA's scatter
  windows).
"""

from __future__ import annotations

from spec import types
from spec.errors import ArgumentError, AxisError, NameError_, ShapeError, TypeError_
from spec.registry import Op, TensorSpec, option, register, tensor
from spec.shapes import normalize_axes, normalize_axis, size

__all__ = ["gather", "take", "take_along_axis",
           "check_indices"]


def _spec_of(x) -> TensorSpec:
    """The spec of a tensor argument; a Python number is a scalar of its inferred type."""
    if isinstance(x, TensorSpec):
        return x
    return TensorSpec(types.infer(x), (), ())


def _integer_indices(indices, prefix="got"):
    if not indices.type.is_integer:
        raise TypeError_(f"indices must be an integer tensor, {prefix} {indices.type}")


def _indexed_axes(tensor, depth, axes):
    """The tensor axes the last axis of indices (of size ``depth``) refers to."""
    if axes is None:
        return tuple(range(depth))
    given = axes
    axes = normalize_axes(axes, tensor.shape, tensor.names)
    if any(b < a for a, b in zip(axes, axes[1:])):
        raise AxisError(f"axes must be an ordered list, got: {list(given)}")
    if len(axes) != depth:
        raise AxisError(
            f"axes must have the same number of elements as the last dimension of indices, "
            f"got {len(axes)} axes {list(given)} for a last dimension of size {depth}")
    return axes


def check_indices(values, depth, shape, axes):
    """Raise ``ArgumentError`` for the first out-of-range index (row by row).

    ``values`` are the row-major index values, ``depth`` entries per index;
    entry j refers to axis ``axes[j]`` of ``shape``. Backends call this on the
    data (the rule of the module docstring).

    >>> check_indices([1, 0, 0, 2], 2, (2, 3), (0, 1))
    >>> check_indices([1, 0, 0, 3], 2, (2, 3), (0, 1))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: index 3 is out of bounds for axis 1 in shape (2, 3)
    """
    if all(not len(values) or 0 <= min(values[j::depth]) and max(values[j::depth]) < shape[a]
           for j, a in enumerate(axes)):
        return
    for start in range(0, len(values), depth):
        for j, axis in enumerate(axes):
            i = values[start + j]
            if not 0 <= i < shape[axis]:
                raise ArgumentError(
                    f"index {i} is out of bounds for axis {axis} in shape {tuple(shape)}")


# -- gather ------------------------------------------------------------------------

def _gather_normalize(x, indices, *, axes=None):
    x, indices = _spec_of(x), _spec_of(indices)
    if indices.rank == 0:
        raise ShapeError("expected indices rank to be at least 1, got: 0")
    _integer_indices(indices)
    depth = indices.shape[-1]
    if axes is None and depth > x.rank:
        raise ShapeError(
            f"expected the last indices dimension size ({depth}) to be less than or equal "
            f"to the tensor rank ({x.rank})")
    return {"axes": _indexed_axes(x, depth, axes)}


def _gather_infer(x, indices, *, axes):
    x, indices = _spec_of(x), _spec_of(indices)
    shape = indices.shape[:-1] + tuple(d for i, d in enumerate(x.shape) if i not in axes)
    return TensorSpec(x.type, shape, (None,) * len(shape))


def _gather_grad(ops, g, out, x, indices, *, axes):
    # the gathered slices flow back to where they were read; repeats accumulate
    depth = indices.shape[-1]
    count = size(indices.shape[:-1])
    slice_shape = tuple(d for i, d in enumerate(x.shape) if i not in axes)
    rows = ops.reshape(indices, (count, depth))
    updates = ops.reshape(g, (count,) + slice_shape)
    zeros = ops.broadcast(ops.as_type(0, x.type), x.shape)
    return [ops.indexed_add(zeros, rows, updates, axes=list(axes)), None]


gather = register(Op(
    name="gather", family="indexing",
    params=(tensor("tensor"), tensor("indices"), option("axes", None)),
    normalize=_gather_normalize, infer=_gather_infer, grad=_gather_grad,
    backend_options=("axes",), extras={"check_indices": check_indices},
    doc="""Builds a tensor from slices of ``tensor`` read at the positions in ``indices``.

    The last axis of ``indices`` holds positions: entry j is an index into
    tensor axis ``axes[j]`` (``axes`` defaults to the leading axes; given, it is
    a sorted list of axes or names as long as that last axis). Each position
    reads the whole slice of ``tensor`` along the other axes. The output's shape
    is the shape of ``indices`` without its last axis followed by the shape of
    those other axes; the output has no names. Indices must be integers; an
    out-of-range one (negative ones included) raises.

    Gathering scalars:

    >>> t = nx.tensor([[1, 2], [3, 4]])
    >>> nx.gather(t, nx.tensor([[1, 1], [0, 1], [1, 0]]))
    #Nx.Tensor<
      s32[3]
      [4, 2, 3]
    >
    >>> nx.gather(t, nx.tensor([[[1, 1], [0, 0]], [[1, 0], [0, 1]]]))
    #Nx.Tensor<
      s32[2][2]
      [
        [4, 1],
        [3, 2]
      ]
    >

    Gathering slices, along the leading axes or along ``axes`` (an index may repeat):

    >>> nx.gather(nx.tensor([[1, 2, 3], [3, 4, 5]]), nx.tensor([[1], [0]]))
    #Nx.Tensor<
      s32[2][3]
      [
        [3, 4, 5],
        [1, 2, 3]
      ]
    >
    >>> t = nx.tensor([[1, 2, 3], [4, 5, 6]], names=["x", "y"])
    >>> nx.gather(t, nx.tensor([[1], [0], [2], [1]]), axes=["y"])
    #Nx.Tensor<
      s32[4][2]
      [
        [2, 5],
        [1, 4],
        [3, 6],
        [2, 5]
      ]
    >
    >>> nx.gather(nx.iota((2, 1, 3)), nx.tensor([[[1], [0], [2]]]), axes=[2])
    #Nx.Tensor<
      s32[1][3][2][1]
      [
        [
          [
            [1],
            [4]
          ],
          [
            [0],
            [3]
          ],
          [
            [2],
            [5]
          ]
        ]
      ]
    >

    Errors:

    >>> nx.gather(nx.tensor([[1, 2], [3, 4]]), nx.tensor([[0, 0]], type="f32"))
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: indices must be an integer tensor, got f32
    >>> nx.gather(nx.iota((3,)), nx.tensor(0))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: expected indices rank to be at least 1, got: 0
    >>> nx.gather(nx.tensor([[1, 2], [3, 4]]), nx.tensor([[0, -1]]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: index -1 is out of bounds for axis 1 in shape (2, 2)
    """,
))


# -- take ----------------------------------------------------------------------------

def _take_normalize(x, indices, *, axis=0):
    x, indices = _spec_of(x), _spec_of(indices)
    _integer_indices(indices)
    return {"axis": normalize_axis(axis, x.shape, x.names)}


def _take_shape(x, indices, axis):
    """The shape and names of ``take``: axis ``axis`` is replaced by the indices' axes."""
    inner_names = tuple(indices.names)
    if indices.rank == 1:
        mine, theirs = x.names[axis], indices.names[0]
        if mine is not None and theirs is not None and mine != theirs:
            raise NameError_(
                f"cannot merge name {mine!r} on axis {axis} with name {theirs!r} on axis 0")
        inner_names = (mine if theirs is None else theirs,)
    shape = x.shape[:axis] + tuple(indices.shape) + x.shape[axis + 1:]
    names = tuple(x.names[:axis]) + inner_names + tuple(x.names[axis + 1:])
    return shape, names


def _take_infer(x, indices, *, axis):
    x, indices = _spec_of(x), _spec_of(indices)
    shape, names = _take_shape(x, indices, axis)
    return TensorSpec(x.type, shape, names)


def _take(nx, x, indices, *, axis):
    # gather the slices along `axis` (indices axes first), then move them into place
    k = indices.rank
    rows = nx.reshape(indices, tuple(indices.shape) + (1,))
    result = nx.gather(x, rows, axes=[axis])
    perm = list(range(k, k + axis)) + list(range(k)) + list(range(k + axis, result.rank))
    if perm != list(range(result.rank)):
        result = nx.transpose(result, axes=perm)
    names = _take_shape(x, indices, axis)[1]
    return result if tuple(result.names) == names else nx.rename(result, list(names))


take = register(Op(
    name="take", family="indexing",
    params=(tensor("tensor"), tensor("indices"), option("axis", 0)),
    normalize=_take_normalize, infer=_take_infer, composite=_take,
    backend_options=("axis",),
    doc="""Takes the slices of ``tensor`` along ``axis`` (default 0, an index or a
    name) at the positions in ``indices``, in their order (repeats allowed).

    In the output, ``axis`` is replaced by the axes of ``indices``: its shape is
    the tensor's shape before ``axis``, the shape of ``indices``, then the
    tensor's shape after ``axis``. Names follow the same layout; a rank-1
    ``indices`` merges its name with the name of ``axis``. Indices must be
    integers; an out-of-range one (negative ones included) raises. A composite
    over :func:`gather`.

    >>> t = nx.tensor([[1, 2], [3, 4]])
    >>> nx.take(t, nx.tensor([1, 0, 1]))
    #Nx.Tensor<
      s32[3][2]
      [
        [3, 4],
        [1, 2],
        [3, 4]
      ]
    >
    >>> nx.take(t, nx.tensor([1, 0, 1]), axis=1)
    #Nx.Tensor<
      s32[2][3]
      [
        [2, 1, 2],
        [4, 3, 4]
      ]
    >
    >>> nx.take(nx.tensor([[1, 2], [3, 4]], names=["x", "y"]), nx.tensor([1, 0, 1]), axis="y")
    #Nx.Tensor<
      s32[x: 2][y: 3]
      [
        [2, 1, 2],
        [4, 3, 4]
      ]
    >

    A multi-dimensional ``indices`` only changes the output's shape:

    >>> nx.take(nx.tensor([[1, 2], [11, 12]]), nx.tensor([[0, 0], [1, 1], [0, 0]]), axis=1)
    #Nx.Tensor<
      s32[2][3][2]
      [
        [
          [1, 1],
          [2, 2],
          [1, 1]
        ],
        [
          [11, 11],
          [12, 12],
          [11, 11]
        ]
      ]
    >

    Errors:

    >>> nx.take(nx.tensor([[1, 2], [3, 4]]), nx.tensor([1, 0, 1], type="f32"))
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: indices must be an integer tensor, got f32
    """,
))


# -- take_along_axis --------------------------------------------------------------------

def _template(shape, axis):
    return "(" + ", ".join("*" if i == axis else str(d) for i, d in enumerate(shape)) + ")"


def _take_along_axis_normalize(x, indices, *, axis=0):
    x, indices = _spec_of(x), _spec_of(indices)
    _integer_indices(indices)
    axis = normalize_axis(axis, x.shape, x.names)
    if x.rank != indices.rank:
        raise ShapeError(
            f"shapes must have the same number of dimensions. Expected "
            f"{_template(x.shape, axis)}, got: {tuple(indices.shape)}")
    if any(a != b for i, (a, b) in enumerate(zip(x.shape, indices.shape)) if i != axis):
        raise ShapeError(
            f"non-indexing dimensions of indices must match. Expected "
            f"{_template(x.shape, axis)}, got: {tuple(indices.shape)}")
    return {"axis": axis}


def _take_along_axis_infer(x, indices, *, axis):
    x, indices = _spec_of(x), _spec_of(indices)
    return TensorSpec(x.type, tuple(indices.shape), tuple(x.names))


def _take_along_axis(nx, x, indices, *, axis):
    # full positions: `indices` along `axis`, the element's own coordinate elsewhere
    column = tuple(indices.shape) + (1,)
    parts = [nx.reshape(indices, column) if a == axis else nx.iota(column, axis=a)
             for a in range(indices.rank)]
    result = nx.gather(x, nx.concatenate(parts, axis=indices.rank))
    return result if tuple(result.names) == tuple(x.names) else nx.rename(result, list(x.names))


take_along_axis = register(Op(
    name="take_along_axis", family="indexing",
    params=(tensor("tensor"), tensor("indices"), option("axis", 0)),
    normalize=_take_along_axis_normalize, infer=_take_along_axis_infer,
    composite=_take_along_axis, backend_options=("axis",),
    doc="""Takes values of ``tensor`` along ``axis`` (default 0, an index or a name):
    each element of ``indices`` is a position along ``axis``, at its own
    coordinates on the other axes.

    ``indices`` has the tensor's rank and its dimensions except along ``axis``,
    where its size is free; the output has the shape of ``indices`` and the
    names of ``tensor``. Indices must be integers; an out-of-range one
    (negative ones included) raises. The indices :func:`argsort` returns sort a
    tensor this way. A composite over :func:`gather`.

    >>> t = nx.tensor([[1, 2, 3], [4, 5, 6]])
    >>> nx.take_along_axis(t, nx.tensor([[0, 0, 2, 2, 1, 1], [2, 2, 1, 1, 0, 0]]), axis=1)
    #Nx.Tensor<
      s32[2][6]
      [
        [1, 1, 3, 3, 2, 2],
        [6, 6, 5, 5, 4, 4]
      ]
    >
    >>> nx.take_along_axis(t, nx.tensor([[0, 1, 1], [1, 0, 0], [0, 1, 0]]), axis=0)
    #Nx.Tensor<
      s32[3][3]
      [
        [1, 5, 6],
        [4, 2, 3],
        [1, 5, 3]
      ]
    >

    With the indices that sort along an axis (those of ``nx.argsort(t, axis=1,
    direction="desc")``):

    >>> t = nx.tensor([[[1, 2], [3, 4], [5, 6]]], names=["b", "r", "c"])
    >>> nx.take_along_axis(t, nx.tensor([[[2, 2], [1, 1], [0, 0]]]), axis="r")
    #Nx.Tensor<
      s32[b: 1][r: 3][c: 2]
      [
        [
          [5, 6],
          [3, 4],
          [1, 2]
        ]
      ]
    >

    Errors:

    >>> nx.take_along_axis(nx.iota((3, 3)), nx.tensor([[2.0], [1.0], [2.0]]), axis=1)
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: indices must be an integer tensor, got f32
    >>> nx.take_along_axis(nx.iota((2, 3, 4)), nx.iota((3, 10, 4)), axis=1)
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: non-indexing dimensions of indices must match. Expected (2, *, 4), got: (3, 10, 4)
    """,
))
