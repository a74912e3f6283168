"""Diagonals of matrices: take_diagonal, make_diagonal and put_diagonal (the
triangles, tri, tril and triu, are in :mod:`spec.ops.triangles`).

None of them is a backend callback in Nx: each is a composite written once
against the ``nx`` namespace (``gather`` and ``indexed_put`` at the diagonal's
positions, built from ``iota``), so every backend gets them. Matrices are the
last two axes; take_diagonal treats leading axes as batches, as Nx does.
make_diagonal's zeros are an s32 tensor in Nx, so its output type merges the
input's with s32 (``u8`` gives ``s32``, ``f32`` stays ``f32``).
"""

from __future__ import annotations


from spec import types
from spec.errors import ArgumentError, ShapeError
from spec.ops._reduce import as_spec
from spec.registry import Op, TensorSpec, option, register, tensor
from spec.ops.triangles import integer_option as _integer

__all__ = ["take_diagonal", "make_diagonal", "put_diagonal", "diagonal_length",
           "diagonal_indices"]

_S32 = types.normalize("s32")
_OFFSET_DOC = ("which diagonal: 0 the main one, > 0 above it, < 0 below it")


# -- diagonals -------------------------------------------------------------------

def diagonal_length(rows, columns, offset) -> int:
    """The length of diagonal ``offset`` of a ``rows`` x ``columns`` matrix.

    >>> diagonal_length(3, 4, 0), diagonal_length(3, 4, 2), diagonal_length(3, 4, -1)
    (3, 2, 2)
    """
    if offset >= 0:
        return max(0, min(rows, columns - offset))
    return max(0, min(rows + offset, columns))


def _check_offset(shape, offset):
    """Nx's rule: a nonzero offset must name a diagonal inside the matrix (offset
    0 is always accepted here, so that empty matrices have an empty diagonal)."""
    rows, columns = shape[-2:]
    if offset > 0 and offset >= columns:
        raise ArgumentError(
            f"offset must be less than length of axis 1 when positive, got: {offset}")
    if offset < 0 and -offset >= rows:
        raise ArgumentError(
            f"absolute value of offset must be less than length of axis 0 when negative, "
            f"got: {offset}")


def diagonal_indices(nx, shape, offset):
    """An s32 tensor of shape ``batch + (length, rank)``: the position of each
    element of diagonal ``offset`` of every matrix of a tensor of ``shape``."""
    batch = tuple(shape[:-2])
    length = diagonal_length(shape[-2], shape[-1], offset)
    grid = batch + (length, 1)
    along = nx.iota(grid, axis=len(batch))
    parts = [nx.iota(grid, axis=i) for i in range(len(batch))]
    parts.append(nx.add(along, max(-offset, 0)))
    parts.append(nx.add(along, max(offset, 0)))
    return nx.concatenate(parts, axis=len(grid) - 1)


def _take_diagonal_normalize(x, *, offset=0):
    x = as_spec(x)
    if x.rank < 2:
        raise ShapeError(
            f"take_diagonal/2 expects tensor of rank 2 or higher, got tensor of rank: {x.rank}")
    offset = _integer("take_diagonal", "offset", offset)
    _check_offset(x.shape, offset)
    return {"offset": offset}


def _take_diagonal_infer(x, *, offset):
    x = as_spec(x)
    length = diagonal_length(x.shape[-2], x.shape[-1], offset)
    shape = tuple(x.shape[:-2]) + (length,)
    return TensorSpec(x.type, shape, (None,) * len(shape))


def _take_diagonal(nx, x, *, offset):
    return nx.gather(x, diagonal_indices(nx, x.shape, offset))


def _take_diagonal_grad(ops, g, out, x, *, offset):
    # indexed_put takes a list of positions: one row per element of g
    zeros = ops.broadcast(ops.as_type(0, g.type), x.shape)
    count = 1
    for d in g.shape:
        count *= d
    positions = ops.reshape(diagonal_indices(ops, x.shape, offset), (count, x.rank))
    return [ops.indexed_put(zeros, positions, ops.reshape(g, (count,)))]


take_diagonal = register(Op(
    name="take_diagonal", family="creation",
    params=(tensor("tensor"), option("offset", 0, _OFFSET_DOC)),
    normalize=_take_diagonal_normalize, infer=_take_diagonal_infer,
    composite=_take_diagonal, grad=_take_diagonal_grad,
    doc="""The diagonal ``offset`` (0 by default; > 0 above the main diagonal, < 0
    below it) of a matrix, or of each matrix of a batch (the last two axes):
    the output replaces those two axes by one, the diagonal's length. The
    output has no names (as in Nx). The converse of :func:`make_diagonal`.

    A nonzero offset must stay inside the matrix, as in Nx; offset 0 is always
    accepted (Nx rejects it for a matrix without columns), so that an empty
    matrix has an empty diagonal.

    >>> nx.take_diagonal(nx.tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]))
    #Nx.Tensor<
      s32[3]
      [0, 4, 8]
    >
    >>> nx.take_diagonal(nx.iota((3, 3)), offset=1)
    #Nx.Tensor<
      s32[2]
      [1, 5]
    >
    >>> nx.take_diagonal(nx.iota((3, 3)), offset=-1)
    #Nx.Tensor<
      s32[2]
      [3, 7]
    >
    >>> nx.take_diagonal(nx.iota((3, 2, 2)))
    #Nx.Tensor<
      s32[3][2]
      [
        [0, 3],
        [4, 7],
        [8, 11]
      ]
    >
    >>> nx.take_diagonal(nx.iota((3, 2, 2)), offset=-1)
    #Nx.Tensor<
      s32[3][1]
      [
        [2],
        [6],
        [10]
      ]
    >
    >>> nx.take_diagonal(nx.tensor([0, 1, 2]))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: take_diagonal/2 expects tensor of rank 2 or higher, got tensor of rank: 1
    >>> nx.take_diagonal(nx.iota((3, 3)), offset=3)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: offset must be less than length of axis 1 when positive, got: 3
    >>> nx.take_diagonal(nx.iota((3, 3)), offset=-4)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: absolute value of offset must be less than length of axis 0 when negative, got: -4
    """,
))


def _make_diagonal_normalize(x, *, offset=0):
    x = as_spec(x)
    if x.rank != 1:
        raise ShapeError(
            f"make_diagonal/2 expects tensor of rank 1, got tensor of rank: {x.rank}")
    return {"offset": _integer("make_diagonal", "offset", offset)}


def _make_diagonal_infer(x, *, offset):
    x = as_spec(x)
    side = x.shape[0] + abs(offset)
    return TensorSpec(types.merge(x.type, _S32), (side, side), (None, None))


def _make_diagonal(nx, x, *, offset):
    side = x.shape[0] + abs(offset)
    zeros = nx.broadcast(0, (side, side))
    return nx.indexed_put(zeros, diagonal_indices(nx, (side, side), offset), x)


make_diagonal = register(Op(
    name="make_diagonal", family="creation",
    params=(tensor("tensor"), option("offset", 0, _OFFSET_DOC)),
    normalize=_make_diagonal_normalize, infer=_make_diagonal_infer,
    composite=_make_diagonal,
    grad=lambda ops, g, out, x, *, offset: [ops.take_diagonal(g, offset=offset)],
    doc="""A square matrix with the elements of a rank-1 tensor on its diagonal
    ``offset`` (0 by default; > 0 above the main diagonal, < 0 below it) and
    zeros elsewhere. Its side is the tensor's length plus ``abs(offset)``. The
    converse of :func:`take_diagonal`.

    As in Nx, the zeros are s32, so the type merges the input's with s32
    (``u8`` gives ``s32``), and the output has no names.

    >>> nx.make_diagonal(nx.tensor([1, 2, 3, 4]))
    #Nx.Tensor<
      s32[4][4]
      [
        [1, 0, 0, 0],
        [0, 2, 0, 0],
        [0, 0, 3, 0],
        [0, 0, 0, 4]
      ]
    >
    >>> nx.make_diagonal(nx.tensor([1, 2, 3]), offset=1)
    #Nx.Tensor<
      s32[4][4]
      [
        [0, 1, 0, 0],
        [0, 0, 2, 0],
        [0, 0, 0, 3],
        [0, 0, 0, 0]
      ]
    >
    >>> nx.make_diagonal(nx.tensor([1, 2, 3]), offset=-1)
    #Nx.Tensor<
      s32[4][4]
      [
        [0, 0, 0, 0],
        [1, 0, 0, 0],
        [0, 2, 0, 0],
        [0, 0, 3, 0]
      ]
    >
    >>> nx.make_diagonal(nx.tensor([1, 2, 3]), offset=-4)
    #Nx.Tensor<
      s32[7][7]
      [
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [1, 0, 0, 0, 0, 0, 0],
        [0, 2, 0, 0, 0, 0, 0],
        [0, 0, 3, 0, 0, 0, 0]
      ]
    >
    >>> nx.make_diagonal(nx.tensor([1, 2, 3]), offset=4)
    #Nx.Tensor<
      s32[7][7]
      [
        [0, 0, 0, 0, 1, 0, 0],
        [0, 0, 0, 0, 0, 2, 0],
        [0, 0, 0, 0, 0, 0, 3],
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0]
      ]
    >
    >>> nx.make_diagonal(nx.tensor([0.5, -1.0]))
    #Nx.Tensor<
      f32[2][2]
      [
        [0.5, 0.0],
        [0.0, -1.0]
      ]
    >
    >>> nx.make_diagonal(nx.tensor([[0, 0], [0, 1]]))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: make_diagonal/2 expects tensor of rank 1, got tensor of rank: 2
    """,
))


def _put_diagonal_normalize(x, diagonal, *, offset=0):
    x, diagonal = as_spec(x), as_spec(diagonal)
    if x.rank != 2:
        raise ShapeError(f"put_diagonal/3 expects tensor of rank 2, got tensor of rank: {x.rank}")
    if diagonal.rank != 1:
        raise ShapeError(
            f"put_diagonal/3 expects diagonal of rank 1, got tensor of rank: {diagonal.rank}")
    offset = _integer("put_diagonal", "offset", offset)
    _check_offset(x.shape, offset)
    expected = diagonal_length(x.shape[0], x.shape[1], offset)
    if diagonal.shape[0] != expected:
        raise ShapeError(
            f"expected diagonal tensor of length: {expected}, got diagonal tensor of length: "
            f"{diagonal.shape[0]}")
    return {"offset": offset}


def _put_diagonal_infer(x, diagonal, *, offset):
    x, diagonal = as_spec(x), as_spec(diagonal)
    return TensorSpec(types.merge(x.type, diagonal.type), x.shape, x.names)


def _put_diagonal(nx, x, diagonal, *, offset):
    return nx.indexed_put(x, diagonal_indices(nx, x.shape, offset), diagonal)


def _put_diagonal_grad(ops, g, out, x, diagonal, *, offset):
    taken = ops.take_diagonal(g, offset=offset)
    zeros = ops.broadcast(ops.as_type(0, g.type), taken.shape)
    return [ops.put_diagonal(g, zeros, offset=offset), taken]


put_diagonal = register(Op(
    name="put_diagonal", family="creation",
    params=(tensor("tensor"), tensor("diagonal"), option("offset", 0, _OFFSET_DOC)),
    normalize=_put_diagonal_normalize, infer=_put_diagonal_infer,
    composite=_put_diagonal, grad=_put_diagonal_grad,
    doc="""Writes a rank-1 ``diagonal`` into the diagonal ``offset`` (0 by
    default; > 0 above the main diagonal, < 0 below it) of a matrix. The
    diagonal's length must be that of the matrix's diagonal ``offset``. The
    output keeps the matrix's shape and names; its type merges both types.
    See also :func:`take_diagonal` and :func:`make_diagonal`.

    >>> nx.put_diagonal(nx.broadcast(0, (4, 4)), nx.tensor([1, 2, 3, 4]))
    #Nx.Tensor<
      s32[4][4]
      [
        [1, 0, 0, 0],
        [0, 2, 0, 0],
        [0, 0, 3, 0],
        [0, 0, 0, 4]
      ]
    >
    >>> nx.put_diagonal(nx.broadcast(0, (4, 3)), nx.tensor([1, 2, 3]))
    #Nx.Tensor<
      s32[4][3]
      [
        [1, 0, 0],
        [0, 2, 0],
        [0, 0, 3],
        [0, 0, 0]
      ]
    >
    >>> nx.put_diagonal(nx.broadcast(0, (4, 4)), nx.tensor([1, 2, 3]), offset=1)
    #Nx.Tensor<
      s32[4][4]
      [
        [0, 1, 0, 0],
        [0, 0, 2, 0],
        [0, 0, 0, 3],
        [0, 0, 0, 0]
      ]
    >
    >>> nx.put_diagonal(nx.broadcast(0, (4, 3)), nx.tensor([1, 2]), offset=1)
    #Nx.Tensor<
      s32[4][3]
      [
        [0, 1, 0],
        [0, 0, 2],
        [0, 0, 0],
        [0, 0, 0]
      ]
    >
    >>> nx.put_diagonal(nx.broadcast(0, (4, 4)), nx.tensor([1, 2, 3]), offset=-1)
    #Nx.Tensor<
      s32[4][4]
      [
        [0, 0, 0, 0],
        [1, 0, 0, 0],
        [0, 2, 0, 0],
        [0, 0, 3, 0]
      ]
    >
    >>> nx.put_diagonal(nx.broadcast(0, (4, 3)), nx.tensor([1, 2, 3]), offset=-1)
    #Nx.Tensor<
      s32[4][3]
      [
        [0, 0, 0],
        [1, 0, 0],
        [0, 2, 0],
        [0, 0, 3]
      ]
    >
    >>> nx.put_diagonal(nx.iota((3, 3, 3)), nx.iota((3,)))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: put_diagonal/3 expects tensor of rank 2, got tensor of rank: 3
    >>> nx.put_diagonal(nx.iota((3, 3)), nx.iota((3, 3)))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: put_diagonal/3 expects diagonal of rank 1, got tensor of rank: 2
    >>> nx.put_diagonal(nx.iota((3, 3)), nx.iota((2,)))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: expected diagonal tensor of length: 3, got diagonal tensor of length: 2
    >>> nx.put_diagonal(nx.iota((3, 3)), nx.iota((3,)), offset=1)
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: expected diagonal tensor of length: 2, got diagonal tensor of length: 3
    >>> nx.put_diagonal(nx.iota((3, 3)), nx.iota((3,)), offset=4)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: offset must be less than length of axis 1 when positive, got: 4
    >>> nx.put_diagonal(nx.iota((3, 3)), nx.iota((3,)), offset=-3)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: absolute value of offset must be less than length of axis 0 when negative, got: -3
    """,
))
