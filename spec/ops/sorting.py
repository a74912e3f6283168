"""Sorting and selection: sort, argsort and top_k.

``sort`` and ``argsort`` are backend primitives (Nx has a callback for each);
``top_k`` is a composite over ``argsort``, ``take_along_axis`` and
``slice_along_axis``, as Nx's default implementation is.

The order is Nx's (its BinaryBackend's comparator), written down here once:

* NaN is greater than everything, ``+Inf`` included: it sorts last with
  ``direction="asc"`` and first with ``direction="desc"``; all NaNs are equal.
* ``-0.0`` and ``0.0`` are equal: they keep their input order.
* Elements that compare equal keep their input order in **both** directions:
  ``direction="desc"`` is a stable sort with the reversed comparison, not the
  reverse of an ascending sort. Nx only promises this with ``stable=True``;
  the spec makes every sort stable (a valid unstable sort too), so results
  never depend on the backend.
* Complex inputs raise (Nx does not order complex numbers).
* The axis must exist, so a scalar (rank 0) raises with the default ``axis=0``.
"""

from __future__ import annotations

from spec import types
from spec.errors import ArgumentError, TypeError_
from spec.ops._reduce import as_spec
from spec.registry import Op, TensorSpec, option, register, tensor
from spec.shapes import normalize_axis

__all__ = ["sort", "argsort", "top_k", "normalize_direction"]

INDEX_TYPE = types.normalize("s32")     # the type of top_k's indices and argsort's default


def normalize_direction(direction) -> str:
    """``"asc"`` or ``"desc"``, or an error naming the option."""
    if isinstance(direction, str) and direction in ("asc", "desc"):
        return direction
    raise ArgumentError(
        f'unknown value for direction, expected "asc" or "desc", got: {direction!r:.80}')


def check_flag(name, value, option_name) -> bool:
    """A boolean option (``stable``, ``reverse``), or an error naming it."""
    if isinstance(value, bool):
        return value
    raise ArgumentError(
        f"nx.{name}: expected the option {option_name} to be True or False, got: {value!r:.80}")


def reject_complex(name, arity, x):
    """Nx's error for an op that does not order complex numbers."""
    if x.type.is_complex:
        raise TypeError_(f"nx.{name}/{arity} does not support complex inputs, got: {x.type}")


def _sort_options(name, x, axis, direction, stable):
    direction = normalize_direction(direction)
    reject_complex(name, 2, x)
    return {"axis": normalize_axis(axis, x.shape, x.names),
            "direction": direction, "stable": check_flag(name, stable, "stable")}


# -- sort ----------------------------------------------------------------------

def _sort_normalize(x, *, axis=0, direction="asc", stable=False):
    return _sort_options("sort", as_spec(x), axis, direction, stable)


def _sort_infer(x, *, axis, direction, stable):
    x = as_spec(x)
    return TensorSpec(x.type, x.shape, x.names)


def _sort_grad(ops, g, out, x, *, axis, direction, stable):
    # the element at sorted position j came from input position idx[j]: send
    # g[j] back there through the inverse permutation
    idx = ops.argsort(x, axis=axis, direction=direction, stable=True)
    inverse = ops.argsort(idx, axis=axis, direction="asc", stable=True)
    return [ops.take_along_axis(g, inverse, axis=axis)]


sort = register(Op(
    name="sort", family="sort",
    params=(tensor("tensor"), option("axis", 0), option("direction", "asc"),
            option("stable", False)),
    normalize=_sort_normalize, infer=_sort_infer, grad=_sort_grad,
    accepts=types.REAL_TYPES, backend_options=("axis", "direction", "stable"),
    doc="""Sorts the tensor along ``axis`` (0 by default; an int or a name) in
    ``direction`` ``"asc"`` (the default) or ``"desc"``.

    Type, shape and names are the input's. NaN sorts above everything else,
    ``-0.0`` and ``0.0`` are equal, and equal elements keep their input order
    in both directions (every sort is stable; ``stable=True`` is accepted for
    Nx compatibility). Complex inputs raise.

    >>> nx.sort(nx.tensor([16, 23, 42, 4, 8, 15]))
    #Nx.Tensor<
      s32[6]
      [4, 8, 15, 16, 23, 42]
    >
    >>> t = nx.tensor([[3, 1, 7], [2, 5, 4]], names=["x", "y"])
    >>> nx.sort(t, axis="x")
    #Nx.Tensor<
      s32[x: 2][y: 3]
      [
        [2, 1, 4],
        [3, 5, 7]
      ]
    >
    >>> nx.sort(t, axis="y")
    #Nx.Tensor<
      s32[x: 2][y: 3]
      [
        [1, 3, 7],
        [2, 4, 5]
      ]
    >
    >>> nx.sort(t, axis="y", direction="desc")
    #Nx.Tensor<
      s32[x: 2][y: 3]
      [
        [7, 3, 1],
        [5, 4, 2]
      ]
    >
    >>> t = nx.tensor([[[4, 5, 2], [2, 5, 3], [5, 0, 2]],
    ...                [[1, 9, 8], [2, 1, 3], [2, 1, 4]]], names=["x", "y", "z"])
    >>> nx.sort(t, axis="x")
    #Nx.Tensor<
      s32[x: 2][y: 3][z: 3]
      [
        [
          [1, 5, 2],
          [2, 1, 3],
          [2, 0, 2]
        ],
        [
          [4, 9, 8],
          [2, 5, 3],
          [5, 1, 4]
        ]
      ]
    >
    >>> nx.sort(t, axis="z")
    #Nx.Tensor<
      s32[x: 2][y: 3][z: 3]
      [
        [
          [2, 4, 5],
          [2, 3, 5],
          [0, 2, 5]
        ],
        [
          [1, 8, 9],
          [1, 2, 3],
          [1, 2, 4]
        ]
      ]
    >

    NaN sorts higher than everything else, infinities included:

    >>> t = nx.tensor([float("nan"), float("-inf"), 0.0, float("inf")])
    >>> nx.sort(t)
    #Nx.Tensor<
      f32[4]
      [-Inf, 0.0, Inf, NaN]
    >
    >>> nx.sort(t, direction="desc")
    #Nx.Tensor<
      f32[4]
      [NaN, Inf, 0.0, -Inf]
    >

    Errors name the option or the axis:

    >>> nx.sort(nx.tensor([3, 2, 1, 0]), direction="invalid")
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: unknown value for direction, expected "asc" or "desc", got: 'invalid'
    >>> nx.sort(nx.tensor(1))
    Traceback (most recent call last):
    ...
    spec.errors.AxisError: given axis (0) invalid for shape () with rank 0
    >>> nx.sort(nx.tensor([1j]))
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: nx.sort/2 does not support complex inputs, got: c64
    """,
))


# -- argsort -------------------------------------------------------------------

def _argsort_normalize(x, *, axis=0, direction="asc", stable=False, type="s32"):
    opts = _sort_options("argsort", as_spec(x), axis, direction, stable)
    opts["type"] = types.normalize(type)
    return opts


def _argsort_infer(x, *, axis, direction, stable, type):
    x = as_spec(x)
    return TensorSpec(type, x.shape, x.names)


argsort = register(Op(
    name="argsort", family="sort",
    params=(tensor("tensor"), option("axis", 0), option("direction", "asc"),
            option("stable", False), option("type", "s32")),
    normalize=_argsort_normalize, infer=_argsort_infer, differentiable=False,
    accepts=types.REAL_TYPES, backend_options=("axis", "direction", "stable"),
    doc="""The indices that sort the tensor along ``axis`` (0 by default) in
    ``direction`` ``"asc"`` or ``"desc"``: ``nx.take_along_axis(t, idx, axis=axis)``
    is ``nx.sort(t, axis=axis, direction=direction)``.

    The order is :func:`sort`'s (NaN highest, ``-0.0`` equal to ``0.0``, equal
    elements in input order in both directions). The indices have type
    ``type`` (s32 by default; they are converted into it as Nx writes them, so
    a narrow integer type wraps); shape and names are the input's.

    >>> nx.argsort(nx.tensor([16, 23, 42, 4, 8, 15]))
    #Nx.Tensor<
      s32[6]
      [3, 4, 5, 0, 1, 2]
    >
    >>> t = nx.tensor([[3, 1, 7], [2, 5, 4]], names=["x", "y"])
    >>> nx.argsort(t, axis="x")
    #Nx.Tensor<
      s32[x: 2][y: 3]
      [
        [1, 0, 1],
        [0, 1, 0]
      ]
    >
    >>> nx.argsort(t, axis="y")
    #Nx.Tensor<
      s32[x: 2][y: 3]
      [
        [1, 0, 2],
        [0, 2, 1]
      ]
    >
    >>> nx.argsort(t, axis="y", direction="asc", type="u32")
    #Nx.Tensor<
      u32[x: 2][y: 3]
      [
        [1, 0, 2],
        [0, 2, 1]
      ]
    >

    Ties keep their input order:

    >>> t = nx.tensor([[[4, 5, 2], [2, 5, 3], [5, 0, 2]],
    ...                [[1, 9, 8], [2, 1, 3], [2, 1, 4]]], names=["x", "y", "z"])
    >>> nx.argsort(t, axis="x", stable=True)
    #Nx.Tensor<
      s32[x: 2][y: 3][z: 3]
      [
        [
          [1, 0, 0],
          [0, 1, 0],
          [1, 0, 0]
        ],
        [
          [0, 1, 1],
          [1, 0, 1],
          [0, 1, 1]
        ]
      ]
    >
    >>> nx.argsort(t, axis="y", stable=True)
    #Nx.Tensor<
      s32[x: 2][y: 3][z: 3]
      [
        [
          [1, 2, 0],
          [0, 0, 2],
          [2, 1, 1]
        ],
        [
          [0, 1, 1],
          [1, 2, 2],
          [2, 0, 0]
        ]
      ]
    >
    >>> nx.argsort(nx.tensor([1, 0, 1, 0]), direction="desc")
    #Nx.Tensor<
      s32[4]
      [0, 2, 1, 3]
    >

    NaN sorts higher than everything else:

    >>> t = nx.tensor([float("nan"), float("-inf"), float("inf"), 0.0])
    >>> nx.argsort(t)
    #Nx.Tensor<
      s32[4]
      [1, 3, 2, 0]
    >
    >>> nx.argsort(t, direction="desc")
    #Nx.Tensor<
      s32[4]
      [0, 2, 3, 1]
    >
    >>> nx.argsort(nx.tensor([1, 2]), axis=1)
    Traceback (most recent call last):
    ...
    spec.errors.AxisError: given axis (1) invalid for shape (2,) with rank 1
    """,
))


# -- top_k ---------------------------------------------------------------------

def _top_k_normalize(x, *, k=1):
    x = as_spec(x)
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ArgumentError(
            f"top_k k must be an integer greater than or equal to 1, got k={k!r:.80}")
    reject_complex("top_k", 2, x)
    if x.rank == 0:
        raise ArgumentError("top_k input must have at least rank 1")
    size = x.shape[-1]
    if size < k:
        raise ArgumentError(
            f"top_k input last axis size must be greater than or equal to k, "
            f"got size={size} and k={k}")
    return {"k": k}


def _top_k_infer(x, *, k):
    x = as_spec(x)
    shape = x.shape[:-1] + (k,)
    return TensorSpec(x.type, shape, x.names), TensorSpec(INDEX_TYPE, shape, x.names)


def _top_k(nx, x, *, k):
    # a stable descending argsort: among equal values the lowest index comes first
    axis = x.rank - 1
    indices = nx.argsort(x, axis=axis, direction="desc", stable=True)
    indices = nx.slice_along_axis(indices, 0, k, axis=axis)
    return nx.take_along_axis(x, indices, axis=axis), indices


def _top_k_grad(ops, g, out, x, *, k):
    # g is the gradient of the values (the indices are not differentiable):
    # pad it to the full last axis in sorted order, then undo the sort
    axis = x.rank - 1
    idx = ops.argsort(x, axis=axis, direction="desc", stable=True)
    inverse = ops.argsort(idx, axis=axis, direction="asc", stable=True)
    config = [(0, 0, 0)] * axis + [(0, x.shape[axis] - k, 0)]
    return [ops.take_along_axis(ops.pad(g, 0, config), inverse, axis=axis)]


top_k = register(Op(
    name="top_k", family="sort",
    params=(tensor("tensor"), option("k", 1)),
    normalize=_top_k_normalize, infer=_top_k_infer, composite=_top_k, grad=_top_k_grad,
    accepts=types.REAL_TYPES,
    doc="""The ``k`` largest values along the last axis and their indices, as the
    tuple ``(values, indices)``.

    ``k`` (1 by default) must be at least 1 and at most the size of the last
    axis. Values keep the input's type, indices are s32; both have the input's
    shape with ``k`` as the last dimension, and its names. The order is
    :func:`sort`'s with ``direction="desc"``: NaN first, and among equal values
    the lowest index first (as XLA's TopK). Complex inputs raise.

    >>> values, indices = nx.top_k(nx.tensor([1, 2, 3, 4, 5]), k=2)
    >>> values
    #Nx.Tensor<
      s32[2]
      [5, 4]
    >
    >>> indices
    #Nx.Tensor<
      s32[2]
      [4, 3]
    >
    >>> values, indices = nx.top_k(nx.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    >>> values
    #Nx.Tensor<
      f32[2][1]
      [
        [3.0],
        [6.0]
      ]
    >
    >>> indices
    #Nx.Tensor<
      s32[2][1]
      [
        [2],
        [2]
      ]
    >

    NaN sorts higher than everything else:

    >>> t = nx.tensor([float("nan"), float("-inf"), float("inf"), 0.0])
    >>> values, indices = nx.top_k(t, k=3)
    >>> values
    #Nx.Tensor<
      f32[3]
      [NaN, Inf, 0.0]
    >
    >>> indices
    #Nx.Tensor<
      s32[3]
      [0, 2, 3]
    >
    >>> nx.top_k(nx.tensor([1, 2, 3, 4, 5]), k=6)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: top_k input last axis size must be greater than or equal to k, got size=5 and k=6
    >>> nx.top_k(nx.tensor(1), k=1)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: top_k input must have at least rank 1
    >>> nx.top_k(nx.tensor([1, 2]), k=0)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: top_k k must be an integer greater than or equal to 1, got k=0
    """,
))
