"""Triangles and diagonals of matrices: tri, tril, triu, take_diagonal,
make_diagonal and put_diagonal.

None of them is a backend callback in Nx: each is a composite written once
against the ``nx`` namespace (a mask from ``iota`` comparisons and ``select``
for the triangles; ``gather`` and ``indexed_put`` at the diagonal's positions,
built from ``iota``, for the diagonals), so every backend gets them. Matrices
are the last two axes; tril, triu and take_diagonal treat leading axes as
batches, as Nx does.

Types follow Nx's compositions: the zeros tril, triu and make_diagonal write
are an s32 tensor in Nx, so the output type merges the input's with s32
(``u8`` gives ``s32``, ``f32`` stays ``f32``).
"""

from __future__ import annotations

import operator

from spec import types
from spec.errors import ArgumentError, ShapeError
from spec.ops._reduce import as_spec
from spec.registry import Op, TensorSpec, option, register, static, tensor

__all__ = ["tri", "tril", "triu", "take_diagonal", "make_diagonal", "put_diagonal",
           "diagonal_length", "diagonal_indices"]

_U8 = types.normalize("u8")
_S32 = types.normalize("s32")
_OFFSET_DOC = ("which diagonal: 0 the main one, > 0 above it, < 0 below it")


def _integer(fname, argument, value, minimum=None):
    """An int option or argument (bools and floats rejected), at least ``minimum``."""
    index = None
    if not isinstance(value, bool):
        try:
            index = operator.index(value)
        except TypeError:
            index = None
    if index is None or minimum is not None and index < minimum:
        what = "an integer" if minimum is None else "a non-negative integer"
        raise ArgumentError(f"nx.{fname}: expected {argument} to be {what}, got: {value!r:.80}")
    return index


# -- tri, tril, triu -----------------------------------------------------------

def _tri_normalize(n, m, *, k=0):
    return {"n": _integer("tri", "n", n, 0), "m": _integer("tri", "m", m, 0),
            "k": _integer("tri", "k", k)}


def _tri(nx, *, n, m, k):
    return nx.greater_equal(nx.iota((n, 1)), nx.subtract(nx.iota((1, m)), k))


tri = register(Op(
    name="tri", family="creation",
    params=(static("n"), static("m"), option("k", 0, "the diagonal above which elements are 0")),
    normalize=_tri_normalize, composite=_tri, backend_options=("n", "m", "k"),
    infer=lambda given_n, given_m, *, n, m, k: TensorSpec(_U8, (n, m), (None, None)),
    differentiable=False,
    doc="""A u8 matrix of ``n`` rows and ``m`` columns with ones at and below the
    diagonal ``k`` (0 by default: the main diagonal; ``k > 0`` is above it) and
    zeros elsewhere: element ``(i, j)`` is ``j - i <= k``.

    >>> nx.tri(3, 3)
    #Nx.Tensor<
      u8[3][3]
      [
        [1, 0, 0],
        [1, 1, 0],
        [1, 1, 1]
      ]
    >
    >>> nx.tri(3, 3, k=1)
    #Nx.Tensor<
      u8[3][3]
      [
        [1, 1, 0],
        [1, 1, 1],
        [1, 1, 1]
      ]
    >
    >>> nx.tri(2, 4, k=-1)
    #Nx.Tensor<
      u8[2][4]
      [
        [0, 0, 0, 0],
        [1, 0, 0, 0]
      ]
    >
    >>> nx.tri(2, -1)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: nx.tri: expected m to be a non-negative integer, got: -1
    """,
))


def _triangle_normalize(name):
    def normalize(x, *, k=0):
        x = as_spec(x)
        if x.rank < 2:
            raise ShapeError(
                f"{name}/2 expects a tensor with at least 2 dimensions, got a tensor of "
                f"shape {x.shape}")
        return {"k": _integer(name, "k", k)}
    return normalize


def _triangle_infer(x, *, k):
    x = as_spec(x)
    return TensorSpec(types.merge(x.type, _S32), x.shape, x.names)


def _triangle_mask(nx, x, k):
    """The u8 mask ``j - i <= k`` over the last two axes, broadcast to ``x``
    with its names (as Nx broadcasts the mask to the tensor)."""
    rank = x.rank
    mask = nx.tri(x.shape[-2], x.shape[-1], k=k)
    return nx.broadcast(mask, x.shape, axes=[rank - 2, rank - 1], names=list(x.names))


def _tril(nx, x, *, k):
    return nx.select(_triangle_mask(nx, x, k), x, 0)


def _triu(nx, x, *, k):
    return nx.select(_triangle_mask(nx, x, k - 1), 0, x)


tril = register(Op(
    name="tril", family="creation",
    params=(tensor("tensor"), option("k", 0, "the diagonal above which elements become 0")),
    normalize=_triangle_normalize("tril"), infer=_triangle_infer, composite=_tril,
    grad=lambda ops, g, out, x, *, k: [ops.tril(g, k=k)],
    doc="""The lower triangle of a matrix, or of each matrix of a batch (the last
    two axes): elements above the diagonal ``k`` (0 by default; ``k > 0`` is
    above the main diagonal) become 0. The output keeps the shape and names;
    its type merges the input's with s32, as in Nx (``u8`` gives ``s32``).

    >>> nx.tril(nx.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]))
    #Nx.Tensor<
      s32[3][3]
      [
        [1, 0, 0],
        [4, 5, 0],
        [7, 8, 9]
      ]
    >
    >>> nx.tril(nx.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]), k=1)
    #Nx.Tensor<
      s32[3][3]
      [
        [1, 2, 0],
        [4, 5, 6],
        [7, 8, 9]
      ]
    >
    >>> nx.tril(nx.iota((2, 3, 4)))
    #Nx.Tensor<
      s32[2][3][4]
      [
        [
          [0, 0, 0, 0],
          [4, 5, 0, 0],
          [8, 9, 10, 0]
        ],
        [
          [12, 0, 0, 0],
          [16, 17, 0, 0],
          [20, 21, 22, 0]
        ]
      ]
    >
    >>> nx.tril(nx.tensor([[1.5, 2.0], [3.0, 4.0]], names=["i", "j"]), k=-1)
    #Nx.Tensor<
      f32[i: 2][j: 2]
      [
        [0.0, 0.0],
        [3.0, 0.0]
      ]
    >
    >>> nx.tril(nx.iota((6,)))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: tril/2 expects a tensor with at least 2 dimensions, got a tensor of shape (6,)
    """,
))

triu = register(Op(
    name="triu", family="creation",
    params=(tensor("tensor"), option("k", 0, "the diagonal below which elements become 0")),
    normalize=_triangle_normalize("triu"), infer=_triangle_infer, composite=_triu,
    grad=lambda ops, g, out, x, *, k: [ops.triu(g, k=k)],
    doc="""The upper triangle of a matrix, or of each matrix of a batch (the last
    two axes): elements below the diagonal ``k`` (0 by default; ``k > 0`` is
    above the main diagonal) become 0. The output keeps the shape and names;
    its type merges the input's with s32, as in Nx (``u8`` gives ``s32``).

    >>> nx.triu(nx.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]))
    #Nx.Tensor<
      s32[3][3]
      [
        [1, 2, 3],
        [0, 5, 6],
        [0, 0, 9]
      ]
    >
    >>> nx.triu(nx.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]), k=1)
    #Nx.Tensor<
      s32[3][3]
      [
        [0, 2, 3],
        [0, 0, 6],
        [0, 0, 0]
      ]
    >
    >>> nx.triu(nx.iota((2, 3, 4)))
    #Nx.Tensor<
      s32[2][3][4]
      [
        [
          [0, 1, 2, 3],
          [0, 5, 6, 7],
          [0, 0, 10, 11]
        ],
        [
          [12, 13, 14, 15],
          [0, 17, 18, 19],
          [0, 0, 22, 23]
        ]
      ]
    >
    >>> nx.triu(nx.tensor([[1, 2], [3, 4]], type="u8"))
    #Nx.Tensor<
      s32[2][2]
      [
        [1, 2],
        [0, 4]
      ]
    >
    >>> nx.triu(nx.iota((6,)))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: triu/2 expects a tensor with at least 2 dimensions, got a tensor of shape (6,)
    """,
))


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
