"""Joining and repeating: concatenate and stack (backend primitives, as in Nx)
and tile (a composite over reshape and broadcast).

Python numbers given to ``concatenate`` or ``stack`` are scalars of their
inferred type (as Nx's ``to_tensor``); types merge over every operand and
names merge axis by axis.
"""

from __future__ import annotations

from spec import types
from spec.errors import ArgumentError, ShapeError
from spec.names import merge_names
from spec.ops._reduce import as_spec
from spec.ops.shape import check_name, insert_axis, int_or_none, new_axis_position
from spec.registry import Op, Param, TensorSpec, option, register, static, tensor
from spec.shapes import normalize_axis

__all__ = ["concatenate", "stack", "tile", "merged_type"]


# -- concatenate and stack -----------------------------------------------------

def _operands(op_name, tensors):
    specs = [as_spec(t) for t in tensors]
    if not specs:
        raise ArgumentError(f"no tensors were given to {op_name}")
    return specs


def merged_type(tensors):
    """The merge of the types of every operand (numbers: their inferred type).

    >>> merged_type([TensorSpec(types.normalize("u8"), (), ()), 2.5])
    Type('f32')
    """
    out = None
    for t in tensors:
        t = as_spec(t).type
        out = t if out is None else types.merge(out, t)
    return out


def _merged_names(specs, axis):
    names = specs[0].names
    for s in specs[1:]:
        names = merge_names(names, s.names)
    return names


def _shape_template(shape, axis):
    dims = ", ".join("*" if i == axis else str(d) for i, d in enumerate(shape))
    return f"({dims}{',' if len(shape) == 1 else ''})"


def _concatenate_normalize(tensors, *, axis=0):
    first = _operands("concatenate", tensors)[0]
    return {"axis": normalize_axis(axis, first.shape, first.names)}


def _concatenate_infer(tensors, *, axis):
    specs = _operands("concatenate", tensors)
    first = specs[0]
    template = first.shape[:axis] + first.shape[axis + 1:]
    for s in specs[1:]:
        if len(s.shape) != len(first.shape) or s.shape[:axis] + s.shape[axis + 1:] != template:
            raise ShapeError(f"expected all shapes to match {_shape_template(first.shape, axis)}, "
                             f"got unmatching shape: {s.shape}")
    shape = first.shape[:axis] + (sum(s.shape[axis] for s in specs),) + first.shape[axis + 1:]
    return TensorSpec(merged_type(specs), shape, _merged_names(specs, axis))


def _concatenate_grad(ops, g, out, tensors, *, axis):
    grads, offset = [], 0
    for t in tensors:
        n = t.shape[axis]
        grads.append(ops.slice_along_axis(g, offset, n, axis=axis))
        offset += n
    return [grads]


concatenate = register(Op(
    name="concatenate", family="shape",
    params=(Param("tensors", "tensors"), option("axis", 0)),
    infer=_concatenate_infer, normalize=_concatenate_normalize,
    literal_type=lambda args, index: merged_type(args[0]), grad=_concatenate_grad,
    doc="""Joins tensors along an existing ``axis`` (0 by default; an int or a
    name). Every tensor must have the same rank and the same dimensions on the
    other axes. Types merge to a common type and names merge axis by axis.

    >>> nx.concatenate([nx.tensor([1, 2, 3])])
    #Nx.Tensor<
      s32[3]
      [1, 2, 3]
    >
    >>> nx.concatenate([nx.tensor([1, 2, 3]), nx.tensor([4, 5, 6])])
    #Nx.Tensor<
      s32[6]
      [1, 2, 3, 4, 5, 6]
    >
    >>> t1 = nx.iota((2, 2, 2), names=["x", "y", "z"], type="f32")
    >>> t2 = nx.iota((1, 2, 2), names=["x", "y", "z"], type="u8")
    >>> t3 = nx.iota((1, 2, 2), names=["x", "y", "z"], type="s64")
    >>> nx.concatenate([t1, t2, t3], axis="x")
    #Nx.Tensor<
      f32[x: 4][y: 2][z: 2]
      [
        [
          [0.0, 1.0],
          [2.0, 3.0]
        ],
        [
          [4.0, 5.0],
          [6.0, 7.0]
        ],
        [
          [0.0, 1.0],
          [2.0, 3.0]
        ],
        [
          [0.0, 1.0],
          [2.0, 3.0]
        ]
      ]
    >
    >>> t1 = nx.iota((1, 3, 2), names=["x", "y", "z"])
    >>> t2 = nx.iota((1, 1, 2), names=["x", "y", "z"])
    >>> t3 = nx.iota((1, 2, 2), names=["x", "y", "z"])
    >>> nx.concatenate([t1, t2, t3], axis="y")
    #Nx.Tensor<
      s32[x: 1][y: 6][z: 2]
      [
        [
          [0, 1],
          [2, 3],
          [4, 5],
          [0, 1],
          [0, 1],
          [2, 3]
        ]
      ]
    >
    >>> t1 = nx.iota((1, 2, 3))
    >>> t2 = nx.iota((1, 1, 3))
    >>> nx.concatenate([t1, t2], axis=1).shape
    (1, 3, 3)
    >>> nx.concatenate([t1, t2], axis=0)
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: expected all shapes to match (*, 2, 3), got unmatching shape: (1, 1, 3)
    >>> nx.concatenate([t1, nx.iota((1, 1))])
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: expected all shapes to match (*, 2, 3), got unmatching shape: (1, 1)
    >>> nx.concatenate([])
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: no tensors were given to concatenate
    """,
))


def _stack_normalize(tensors, *, axis=0, name=None):
    first = _operands("stack", tensors)[0]
    return {"axis": new_axis_position(axis, first.rank, "stack axis"),
            "name": check_name(name)}


def _stack_infer(tensors, *, axis, name):
    specs = _operands("stack", tensors)
    shapes = list(dict.fromkeys(s.shape for s in specs))
    if len(shapes) > 1:
        raise ShapeError(f"can only stack tensors of the same shape, got distinct shapes: "
                         f"{shapes}")
    merged = TensorSpec(merged_type(specs), specs[0].shape, _merged_names(specs, axis))
    shape, names = insert_axis(merged, axis, name, len(specs))
    return TensorSpec(merged.type, shape, names)


def _stack_grad(ops, g, out, tensors, *, axis, name=None):
    return [[ops.squeeze(ops.slice_along_axis(g, i, 1, axis=axis), axes=[axis])
             for i in range(len(tensors))]]


stack = register(Op(
    name="stack", family="shape",
    params=(Param("tensors", "tensors"), option("axis", 0), option("name", None)),
    infer=_stack_infer, normalize=_stack_normalize, backend_options=("axis",),
    literal_type=lambda args, index: merged_type(args[0]), grad=_stack_grad,
    doc="""Joins tensors of the same shape along a new axis at position ``axis``
    (0 by default; negative positions count from the end), named ``name``.
    Types merge to a common type and names merge axis by axis.

    >>> nx.stack([1, 2, 3])
    #Nx.Tensor<
      s32[3]
      [1, 2, 3]
    >
    >>> nx.stack([nx.tensor([1, 2, 3]), nx.tensor([4, 5, 6])])
    #Nx.Tensor<
      s32[2][3]
      [
        [1, 2, 3],
        [4, 5, 6]
      ]
    >
    >>> t = nx.iota((2, 1, 4))
    >>> nx.stack([t, t, t], axis=-1)
    #Nx.Tensor<
      s32[2][1][4][3]
      [
        [
          [
            [0, 0, 0],
            [1, 1, 1],
            [2, 2, 2],
            [3, 3, 3]
          ]
        ],
        [
          [
            [4, 4, 4],
            [5, 5, 5],
            [6, 6, 6],
            [7, 7, 7]
          ]
        ]
      ]
    >
    >>> nx.stack([nx.tensor(1), nx.tensor(2)], name="x")
    #Nx.Tensor<
      s32[x: 2]
      [1, 2]
    >
    >>> nx.stack([nx.tensor([1, 2]), nx.tensor([1, 2, 3])])
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: can only stack tensors of the same shape, got distinct shapes: [(2,), (3,)]
    """,
))


# -- tile ----------------------------------------------------------------------

def _tile_shapes(shape, repetitions):
    """(reshape to, broadcast to, result) shapes of tiling ``shape`` (Nx's rule:
    the shorter of the two is padded with leading 1s)."""
    rank = max(len(shape), len(repetitions))
    dims = (1,) * (rank - len(shape)) + tuple(shape)
    reps = (1,) * (rank - len(repetitions)) + tuple(repetitions)
    reshaped = tuple(d for dim in dims for d in (1, dim))
    broadcast = tuple(d for pair in zip(reps, dims) for d in pair)
    return reshaped, broadcast, tuple(r * d for r, d in zip(reps, dims))


def _tile_normalize(x, repetitions):
    reps = [int_or_none(r) for r in repetitions] if isinstance(repetitions, (list, tuple)) else None
    if reps is None or any(r is None or r < 1 for r in reps):
        raise ArgumentError(f"repetitions must be a list of integers greater than or equal "
                            f"to 1, got: {repetitions!r:.80}")
    return {"repetitions": tuple(reps)}


def _tile(nx, x, *, repetitions):
    reshaped, broadcast, result = _tile_shapes(x.shape, repetitions)
    return nx.reshape(nx.broadcast(nx.reshape(x, reshaped), broadcast), result)


tile = register(Op(
    name="tile", family="shape",
    params=(tensor("tensor"), static("repetitions")),
    infer=lambda x, given, *, repetitions: TensorSpec(
        as_spec(x).type, _tile_shapes(as_spec(x).shape, repetitions)[2],
        (None,) * max(as_spec(x).rank, len(repetitions))),
    normalize=_tile_normalize, composite=_tile, backend_options=("repetitions",),
    doc="""Repeats a tensor ``repetitions[i]`` times along axis i. The shorter of
    the shape and ``repetitions`` is padded with leading 1s, so more repetitions
    than axes add leading axes. The result has no names.

    >>> a = nx.tensor([0, 1, 2])
    >>> nx.tile(a, [2])
    #Nx.Tensor<
      s32[6]
      [0, 1, 2, 0, 1, 2]
    >
    >>> nx.tile(a, [1, 2])
    #Nx.Tensor<
      s32[1][6]
      [
        [0, 1, 2, 0, 1, 2]
      ]
    >
    >>> nx.tile(a, [2, 2])
    #Nx.Tensor<
      s32[2][6]
      [
        [0, 1, 2, 0, 1, 2],
        [0, 1, 2, 0, 1, 2]
      ]
    >
    >>> nx.tile(a, [2, 1, 2])
    #Nx.Tensor<
      s32[2][1][6]
      [
        [
          [0, 1, 2, 0, 1, 2]
        ],
        [
          [0, 1, 2, 0, 1, 2]
        ]
      ]
    >
    >>> b = nx.tensor([[1, 2], [3, 4]])
    >>> nx.tile(b, [2])
    #Nx.Tensor<
      s32[2][4]
      [
        [1, 2, 1, 2],
        [3, 4, 3, 4]
      ]
    >
    >>> nx.tile(b, [2, 1])
    #Nx.Tensor<
      s32[4][2]
      [
        [1, 2],
        [3, 4],
        [1, 2],
        [3, 4]
      ]
    >
    >>> nx.tile(nx.tensor([1, 2, 3, 4]), [4, 1])
    #Nx.Tensor<
      s32[4][4]
      [
        [1, 2, 3, 4],
        [1, 2, 3, 4],
        [1, 2, 3, 4],
        [1, 2, 3, 4]
      ]
    >
    >>> nx.tile(nx.tensor([1, 2]), 1.0)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: repetitions must be a list of integers greater than or equal to 1, got: 1.0
    >>> nx.tile(nx.tensor([1, 2]), [1, 1.0])
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: repetitions must be a list of integers greater than or equal to 1, got: [1, 1.0]
    """,
))
