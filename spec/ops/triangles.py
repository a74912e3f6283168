"""Triangles of matrices: tri, tril and triu.

None of them is a backend callback in Nx: each is a composite written once
against the ``nx`` namespace, a mask from ``iota`` comparisons and ``select``,
so every backend gets them. Matrices are the last two axes; tril and triu treat
leading axes as batches, as Nx does. The zeros tril and triu write are an s32
tensor in Nx, so the output type merges the input's with s32 (``u8`` gives
``s32``, ``f32`` stays ``f32``).
"""

from __future__ import annotations

import operator

from spec import types
from spec.errors import ArgumentError, ShapeError
from spec.ops._reduce import as_spec
from spec.registry import Op, TensorSpec, option, register, static, tensor

__all__ = ["tri", "tril", "triu", "integer_option"]

_U8 = types.normalize("u8")
_S32 = types.normalize("s32")


def integer_option(fname, argument, value, minimum=None):
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
    return {"n": integer_option("tri", "n", n, 0), "m": integer_option("tri", "m", m, 0),
            "k": integer_option("tri", "k", k)}


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
        return {"k": integer_option(name, "k", k)}
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
