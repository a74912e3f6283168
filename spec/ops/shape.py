"""Shape ops that keep the elements: reshape, rename, transpose, squeeze,
new_axis, flatten and reverse.

Reshape, squeeze, transpose and reverse are backend primitives (Nx has a
callback for each); the others are composites written over them. Rules the
spec writes down (where Nx is silent or we differ):

* Dimensions of size 0 are accepted everywhere, so empty tensors reshape,
  transpose and concatenate like any other. A ``"auto"`` dimension of a reshape
  may be 0 (Nx raises there); it is ambiguous, and an error, when another
  dimension of the new shape is 0.
* ``"auto"`` (Nx's ``:auto``) is the only way to ask reshape to infer a
  dimension; ``-1`` raises an error that points to it.
* A name may appear on one axis only (:func:`spec.names.validate_names`).
"""

from __future__ import annotations

import operator

from spec import types  # noqa: F401  (used by the examples below)
from spec.errors import ArgumentError, AxisError, ShapeError
from spec.names import validate_names
from spec.ops._reduce import as_spec
from spec.registry import Op, TensorSpec, option, register, static, tensor
from spec.shapes import normalize_axes, size, validate_shape

__all__ = ["reshape", "rename", "transpose", "squeeze", "new_axis", "flatten", "reverse",
           "new_axis_position", "insert_axis", "check_name", "flatten_shape", "is_tensor_like",
           "int_or_none"]


def is_tensor_like(x) -> bool:
    """Whether ``x`` is a tensor or a tensor spec (it has a type and a shape).

    >>> is_tensor_like(TensorSpec(types.normalize("u8"), (2,), (None,))), is_tensor_like((2,))
    (True, False)
    """
    return hasattr(x, "shape") and hasattr(x, "type") and not isinstance(x, (tuple, list))


def int_or_none(value):
    """``value`` as an int when it is an integer (bools excluded), else None.

    >>> int_or_none(3), int_or_none(True), int_or_none(2.0)
    (3, None, None)
    """
    if isinstance(value, bool):
        return None
    try:
        return operator.index(value)
    except TypeError:
        return None


# -- reshape -----------------------------------------------------------------

def _reshape_dims(old_shape, new_shape) -> tuple:
    """The new dimensions of a reshape, with a ``"auto"`` dimension inferred."""
    if is_tensor_like(new_shape):
        new_shape = tuple(new_shape.shape)
    if not isinstance(new_shape, (tuple, list)):
        validate_shape(new_shape)     # raises, naming what was given
    given = tuple(new_shape)
    autos = [i for i, d in enumerate(given) if isinstance(d, str) and d == "auto"]
    if len(autos) > 1:
        raise ShapeError(f"only a single \"auto\" dimension is allowed in reshape, got: {given}")
    if any(int_or_none(d) == -1 for d in given):
        raise ShapeError(
            f"invalid dimension -1 in new shape {given}: to infer a dimension from the "
            f"others, give it as \"auto\" (Nx's :auto)")
    dims = validate_shape([1 if i in autos else d for i, d in enumerate(given)])
    old_size = size(old_shape)
    if autos:
        others = size(dims)
        if others == 0:
            raise ShapeError(
                f"cannot reshape, current shape {tuple(old_shape)} is not compatible with new "
                f"shape {given}: the \"auto\" dimension is ambiguous next to a dimension of size 0")
        if old_size % others:
            raise ShapeError(f"cannot reshape, current shape {tuple(old_shape)} is not "
                             f"compatible with new shape {given}")
        dims = dims[:autos[0]] + (old_size // others,) + dims[autos[0] + 1:]
    if size(dims) != old_size:
        raise ShapeError(f"cannot reshape, current shape {tuple(old_shape)} is not compatible "
                         f"with new shape {dims}")
    return dims


def _reshape_normalize(x, shape, *, names=None):
    x = as_spec(x)
    if names is None and is_tensor_like(shape):
        names = shape.names
    dims = _reshape_dims(x.shape, shape)
    return {"names": validate_names(names, len(dims)), "shape": dims}


def _reshape_infer(x, given_shape, *, names, shape):
    return TensorSpec(as_spec(x).type, shape, names)


reshape = register(Op(
    name="reshape", family="shape",
    params=(tensor("tensor"), static("shape"), option("names", None)),
    infer=_reshape_infer, normalize=_reshape_normalize, backend_options=(),
    grad=lambda ops, g, out, x, **opts: [ops.reshape(g, x.shape)],
    doc="""Changes the shape of a tensor, keeping its elements in row-major order.

    ``shape`` is a tuple (or a tensor, whose shape is taken) with the same number
    of elements; one dimension may be ``"auto"`` (Nx's ``:auto``), inferred from
    the others. Reshaping discards names: the result takes ``names``, or the names
    of a tensor given as the shape, or none.

    >>> t = nx.tensor([1, 2, 3, 4], names=["x"])
    >>> nx.reshape(t, (2, 2), names=["x", "y"])
    #Nx.Tensor<
      s32[x: 2][y: 2]
      [
        [1, 2],
        [3, 4]
      ]
    >
    >>> shape = nx.tensor([[0], [0], [0], [0]], names=["x", "y"])
    >>> nx.reshape(nx.tensor([1, 2, 3, 4]), shape)
    #Nx.Tensor<
      s32[x: 4][y: 1]
      [
        [1],
        [2],
        [3],
        [4]
      ]
    >
    >>> nx.reshape(nx.tensor(1), (1, 1, 1), names=["x", "y", "z"])
    #Nx.Tensor<
      s32[x: 1][y: 1][z: 1]
      [
        [
          [1]
        ]
      ]
    >
    >>> nx.reshape(nx.tensor([[1, 2, 3], [4, 5, 6]]), ("auto", 2), names=["x", "y"])
    #Nx.Tensor<
      s32[x: 3][y: 2]
      [
        [1, 2],
        [3, 4],
        [5, 6]
      ]
    >
    >>> nx.reshape(nx.iota((2, 2, 2)), (2, 3))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: cannot reshape, current shape (2, 2, 2) is not compatible with new shape (2, 3)
    >>> nx.reshape(nx.iota((1, 3)), ("auto", 4))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: cannot reshape, current shape (1, 3) is not compatible with new shape ('auto', 4)
    >>> nx.reshape(nx.iota((6,)), (-1, 2))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: invalid dimension -1 in new shape (-1, 2): to infer a dimension from the others, give it as "auto" (Nx's :auto)
    """,
))


# -- rename --------------------------------------------------------------------

rename = register(Op(
    name="rename", family="shape",
    params=(tensor("tensor"), static("names")),
    infer=lambda x, given, *, names: TensorSpec(as_spec(x).type, as_spec(x).shape, names),
    normalize=lambda x, names: {"names": validate_names(names, as_spec(x).rank)},
    backend_options=("names",),
    composite=lambda nx, x, *, names: nx.reshape(x, x.shape, names=names),
    doc="""Returns the tensor with new ``names``: one per axis, each a string or None.

    >>> nx.rename(nx.iota((2, 3)), ["foo", "bar"])
    #Nx.Tensor<
      s32[foo: 2][bar: 3]
      [
        [0, 1, 2],
        [3, 4, 5]
      ]
    >
    >>> nx.rename(nx.iota((2, 3)), ["foo"])
    Traceback (most recent call last):
    ...
    spec.errors.NameError_: invalid names ['foo'] for tensor of rank 2: when specifying names every dimension must have a name or be None
    """,
))


# -- transpose -----------------------------------------------------------------

def _transpose_normalize(x, *, axes=None):
    x = as_spec(x)
    if axes is None:
        return {"axes": tuple(reversed(range(x.rank)))}
    perm = normalize_axes(axes, x.shape, x.names)
    if len(perm) != x.rank:
        raise AxisError(f"expected length of permutation ({len(perm)}) to match rank of "
                        f"shape ({x.rank})")
    return {"axes": perm}


def _transpose_infer(x, *, axes):
    x = as_spec(x)
    return TensorSpec(x.type, tuple(x.shape[a] for a in axes), tuple(x.names[a] for a in axes))


def _inverse_permutation(perm):
    inverse = [0] * len(perm)
    for i, a in enumerate(perm):
        inverse[a] = i
    return inverse


transpose = register(Op(
    name="transpose", family="shape",
    params=(tensor("tensor"), option("axes", None)),
    infer=_transpose_infer, normalize=_transpose_normalize,
    grad=lambda ops, g, out, x, *, axes: [ops.transpose(g, axes=_inverse_permutation(axes))],
    doc="""Permutes the axes of a tensor: output axis i is the tensor's axis
    ``axes[i]`` (ints, negative ints or names). By default the axes are reversed.
    Names travel with their axes.

    >>> nx.transpose(nx.tensor(1))
    #Nx.Tensor<
      s32
      1
    >
    >>> nx.transpose(nx.iota((2, 3, 4), names=["x", "y", "z"]))
    #Nx.Tensor<
      s32[z: 4][y: 3][x: 2]
      [
        [
          [0, 12],
          [4, 16],
          [8, 20]
        ],
        [
          [1, 13],
          [5, 17],
          [9, 21]
        ],
        [
          [2, 14],
          [6, 18],
          [10, 22]
        ],
        [
          [3, 15],
          [7, 19],
          [11, 23]
        ]
      ]
    >
    >>> nx.transpose(nx.tensor(1), axes=[])
    #Nx.Tensor<
      s32
      1
    >
    >>> t = nx.transpose(nx.iota((2, 3, 4), names=["batch", "x", "y"]), axes=[2, 1, "batch"])
    >>> t.names, t.to_list()[1]
    (('y', 'x', 'batch'), [[1, 13], [5, 17], [9, 21]])
    >>> nx.transpose(nx.iota((2, 2), names=["batch", "x"]), axes=["batch"])
    Traceback (most recent call last):
    ...
    spec.errors.AxisError: expected length of permutation (1) to match rank of shape (2)
    >>> nx.transpose(nx.iota((2, 2)), axes=[1, 2])
    Traceback (most recent call last):
    ...
    spec.errors.AxisError: given axis (2) invalid for shape (2, 2) with rank 2
    >>> nx.transpose(nx.iota((2, 2)), axes=[1, 1])
    Traceback (most recent call last):
    ...
    spec.errors.AxisError: axes [1, 1] must be unique integers between 0 and 1: axis 1 is given twice for shape (2, 2)
    """,
))


# -- squeeze -------------------------------------------------------------------

def _squeeze_normalize(x, *, axes=None):
    x = as_spec(x)
    if axes is None:
        return {"axes": tuple(i for i, d in enumerate(x.shape) if d == 1)}
    axes = normalize_axes(axes, x.shape, x.names)
    for a in axes:
        if x.shape[a] != 1:
            raise ShapeError(f"cannot squeeze dimensions whose sizes are not 1, got "
                             f"{x.shape[a]} for dimension {a}")
    return {"axes": tuple(sorted(axes))}


def _squeeze_infer(x, *, axes):
    x = as_spec(x)
    keep = [i for i in range(x.rank) if i not in axes]
    return TensorSpec(x.type, tuple(x.shape[i] for i in keep), tuple(x.names[i] for i in keep))


squeeze = register(Op(
    name="squeeze", family="shape",
    params=(tensor("tensor"), option("axes", None)),
    infer=_squeeze_infer, normalize=_squeeze_normalize,
    grad=lambda ops, g, out, x, *, axes: [ops.reshape(g, x.shape)],
    doc="""Removes axes of size 1: the given ``axes`` (each must have size 1), or
    every axis of size 1 by default. The other axes keep their names.

    >>> nx.squeeze(nx.tensor([[[[[1]]]]]))
    #Nx.Tensor<
      s32
      1
    >
    >>> nx.squeeze(nx.tensor([[[[1]]], [[[2]]]], names=["x", "y", "z", "i"]))
    #Nx.Tensor<
      s32[x: 2]
      [1, 2]
    >
    >>> nx.squeeze(nx.tensor([[1, 2, 3]], names=["x", "y"]), axes=["x"])
    #Nx.Tensor<
      s32[y: 3]
      [1, 2, 3]
    >
    >>> nx.squeeze(nx.tensor([[1], [2]], names=["x", "y"]), axes=["y"])
    #Nx.Tensor<
      s32[x: 2]
      [1, 2]
    >
    >>> nx.squeeze(nx.tensor([[1, 2, 3], [4, 5, 6]]), axes=[1])
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: cannot squeeze dimensions whose sizes are not 1, got 3 for dimension 1
    >>> nx.squeeze(nx.tensor([[[[[1]]]]]), axes=[0, 0])
    Traceback (most recent call last):
    ...
    spec.errors.AxisError: axes [0, 0] must be unique integers between 0 and 4: axis 0 is given twice for shape (1, 1, 1, 1, 1)
    """,
))


# -- new_axis ------------------------------------------------------------------

def new_axis_position(axis, rank, argument="new axis position") -> int:
    """Where a new axis goes in a tensor of ``rank`` axes: 0..rank, or negative
    from the end (-1 appends).

    >>> new_axis_position(-1, 2), new_axis_position(0, 0)
    (2, 0)
    >>> new_axis_position(3, 2)
    Traceback (most recent call last):
    ...
    spec.errors.AxisError: new axis position for a tensor of rank 2 must be a number between -3 and 2, got: 3
    """
    index = int_or_none(axis)
    if index is None:
        raise AxisError(f"{argument} must be an integer, got: {axis!r:.80}")
    position = index + rank + 1 if index < 0 else index
    if not 0 <= position <= rank:
        raise AxisError(f"{argument} for a tensor of rank {rank} must be a number between "
                        f"{-rank - 1} and {rank}, got: {index}")
    return position


def check_name(name, argument="name"):
    """An axis name given by the user: a string or None.

    >>> check_name("x"), check_name(None)
    ('x', None)
    >>> check_name(1)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: name must be a string or None, got: 1
    """
    if name is not None and not isinstance(name, str):
        raise ArgumentError(f"{argument} must be a string or None, got: {name!r:.80}")
    return name


def insert_axis(x, position, name, dim=1):
    """Shape and names of ``x`` (a spec) with an axis of size ``dim`` inserted.

    >>> insert_axis(TensorSpec(types.normalize("f32"), (2, 3), ("a", None)), 1, "b", 4)
    ((2, 4, 3), ('a', 'b', None))
    """
    shape = tuple(x.shape[:position]) + (dim,) + tuple(x.shape[position:])
    names = tuple(x.names[:position]) + (name,) + tuple(x.names[position:])
    return shape, validate_names(names, len(shape))


def _new_axis_normalize(x, axis, name=None):
    x = as_spec(x)
    position = new_axis_position(axis, x.rank)
    insert_axis(x, position, check_name(name))      # rejects a name already in use
    return {"axis": position, "name": name}


def _new_axis_infer(x, given_axis, given_name=None, *, axis, name):
    x = as_spec(x)
    return TensorSpec(x.type, *insert_axis(x, axis, name))


def _new_axis(nx, x, *, axis, name):
    shape, names = insert_axis(x, axis, name)
    return nx.reshape(x, shape, names=names)


new_axis = register(Op(
    name="new_axis", family="shape",
    params=(tensor("tensor"), static("axis"), static("name", None)),
    infer=_new_axis_infer, normalize=_new_axis_normalize, composite=_new_axis,
    backend_options=("axis", "name"),
    doc="""Adds an axis of size 1 at position ``axis`` (negative positions count
    from the end: -1 appends), named ``name`` (None by default).

    >>> t = nx.tensor([[1, 2, 3], [4, 5, 6]])
    >>> nx.new_axis(t, 0, "new")
    #Nx.Tensor<
      s32[new: 1][2][3]
      [
        [
          [1, 2, 3],
          [4, 5, 6]
        ]
      ]
    >
    >>> nx.new_axis(t, 1, "new")
    #Nx.Tensor<
      s32[2][new: 1][3]
      [
        [
          [1, 2, 3]
        ],
        [
          [4, 5, 6]
        ]
      ]
    >
    >>> nx.new_axis(t, 2, "new")
    #Nx.Tensor<
      s32[2][3][new: 1]
      [
        [
          [1],
          [2],
          [3]
        ],
        [
          [4],
          [5],
          [6]
        ]
      ]
    >
    >>> nx.new_axis(t, -1, "new")
    #Nx.Tensor<
      s32[2][3][new: 1]
      [
        [
          [1],
          [2],
          [3]
        ],
        [
          [4],
          [5],
          [6]
        ]
      ]
    >
    >>> nx.new_axis(t, 3)
    Traceback (most recent call last):
    ...
    spec.errors.AxisError: new axis position for a tensor of rank 2 must be a number between -3 and 2, got: 3
    """,
))


# -- flatten -------------------------------------------------------------------

def flatten_shape(shape, names, axes):
    """Shape and names after flattening ``axes`` (consecutive, canonical; None: all).

    >>> flatten_shape((1, 2, 3), ("a", "b", "c"), (1, 2))
    ((1, 6), ('a', None))
    """
    if axes is None:
        return (size(shape),), (None,)
    if not axes:
        return tuple(shape), tuple(names)
    first, last = axes[0], axes[-1]
    merged = size(shape[first:last + 1])
    return (tuple(shape[:first]) + (merged,) + tuple(shape[last + 1:]),
            tuple(names[:first]) + (None,) + tuple(names[last + 1:]))


def _flatten_normalize(x, *, axes=None):
    x = as_spec(x)
    if axes is None:
        return {"axes": None}
    axes = normalize_axes(axes, x.shape, x.names)
    if any(b != a + 1 for a, b in zip(axes, axes[1:])):
        raise AxisError(f"flatten axes must be consecutive, got: {list(axes)}")
    return {"axes": axes}


flatten = register(Op(
    name="flatten", family="shape",
    params=(tensor("tensor"), option("axes", None)),
    infer=lambda x, *, axes: TensorSpec(as_spec(x).type,
                                        *flatten_shape(as_spec(x).shape, as_spec(x).names, axes)),
    normalize=_flatten_normalize,
    composite=lambda nx, x, *, axes: _flatten(nx, x, axes),
    doc="""Merges axes into one, in row-major order: every axis by default (a
    rank-1 result), or the consecutive ``axes`` given, in increasing order. The
    merged axis has no name; the others keep theirs.

    >>> nx.flatten(nx.iota((2, 2, 2, 2)))
    #Nx.Tensor<
      s32[16]
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
    >
    >>> nx.flatten(nx.iota((16,)))
    #Nx.Tensor<
      s32[16]
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
    >
    >>> nx.flatten(nx.iota((1, 2, 3)), axes=[1, 2])
    #Nx.Tensor<
      s32[1][6]
      [
        [0, 1, 2, 3, 4, 5]
      ]
    >
    >>> nx.flatten(nx.iota((1, 2, 3)), axes=[0, 2])
    Traceback (most recent call last):
    ...
    spec.errors.AxisError: flatten axes must be consecutive, got: [0, 2]
    """,
))


def _flatten(nx, x, axes):
    shape, names = flatten_shape(x.shape, x.names, axes)
    return nx.reshape(x, shape, names=names)


# -- reverse -------------------------------------------------------------------

def _reverse_normalize(x, *, axes=None):
    x = as_spec(x)
    if axes is None:
        return {"axes": tuple(range(x.rank))}
    return {"axes": tuple(sorted(normalize_axes(axes, x.shape, x.names)))}


reverse = register(Op(
    name="reverse", family="shape",
    params=(tensor("tensor"), option("axes", None)),
    infer=lambda x, *, axes: as_spec(x), normalize=_reverse_normalize,
    grad=lambda ops, g, out, x, *, axes: [ops.reverse(g, axes=axes)],
    doc="""Reverses the order of the elements along ``axes`` (ints or names,
    unique, in any order); every axis by default.

    >>> nx.reverse(nx.tensor([1, 2, 3]))
    #Nx.Tensor<
      s32[3]
      [3, 2, 1]
    >
    >>> nx.reverse(nx.tensor([[1, 2, 3], [4, 5, 6]]))
    #Nx.Tensor<
      s32[2][3]
      [
        [6, 5, 4],
        [3, 2, 1]
      ]
    >
    >>> nx.reverse(nx.tensor([[1, 2, 3], [4, 5, 6]], names=["x", "y"]), axes=["x"])
    #Nx.Tensor<
      s32[x: 2][y: 3]
      [
        [4, 5, 6],
        [1, 2, 3]
      ]
    >
    >>> nx.reverse(nx.tensor([[1, 2, 3], [4, 5, 6]], names=["x", "y"]), axes=["y"])
    #Nx.Tensor<
      s32[x: 2][y: 3]
      [
        [3, 2, 1],
        [6, 5, 4]
      ]
    >
    >>> nx.reverse(nx.iota((2, 2, 2), type="f32", names=["x", "y", "z"]), axes=["x", "z"])
    #Nx.Tensor<
      f32[x: 2][y: 2][z: 2]
      [
        [
          [5.0, 4.0],
          [7.0, 6.0]
        ],
        [
          [1.0, 0.0],
          [3.0, 2.0]
        ]
      ]
    >
    """,
))
