"""Contractions: ``dot`` (plain, with contraction axes, with batch axes) and
``outer``; ``conv`` is declared in :mod:`spec.ops.convolution`.

``dot`` is a Backend primitive (Nx has a callback for it); ``outer`` is a
composite. The frontend rules live here: which axes contract, the shape, names
and type of the result, and every error. A backend's ``dot`` receives the four
axis lists as tuples of axis indexes.

Accumulation (the reference semantics, which conformance compares against,
shared by ``conv``): the operands are converted to the output type; integer
products are summed exactly and wrap around into the output type once; float
products are summed exactly (``math.fsum``) and rounded once. A product is
exact for every type of 24 significant bits or fewer (f32 and narrower, c64's
parts); for f64 and c128 each product is rounded to f64 before the exact sum.
"""

from __future__ import annotations

from spec import types
from spec.errors import ArgumentError, NameError_, ShapeError, TypeError_
from spec.ops.binary import ulps
from spec.registry import Op, TensorSpec, option, register, tensor
from spec.shapes import normalize_axes

__all__ = ["dot", "outer", "dot_arguments", "TOLERANCE", "spec_of"]

# A sum of products may be computed in another order by other backends: a few
# ULPs of the output type, more for the narrow float formats.
TOLERANCE = ulps(4, f8=1, f8_e4m3fn=1, bf16=2, f16=2)


def spec_of(x) -> TensorSpec:
    """The spec of an operand; a Python number is a scalar of its literal type
    (ints s32, floats f32, as ``nx.tensor`` types them)."""
    if isinstance(x, TensorSpec):
        return x
    return TensorSpec(types.infer(x), (), ())


# -- dot ----------------------------------------------------------------------------

_DOT_AXES = ("contract_axes1", "batch_axes1", "contract_axes2", "batch_axes2")


def dot_arguments(args, kwargs):
    """Map the three positional forms of ``nx.dot`` onto its two tensors and its
    canonical keyword options: ``(t1, t2)``, ``(t1, contract_axes1, t2,
    contract_axes2)`` or ``(t1, contract_axes1, batch_axes1, t2, contract_axes2,
    batch_axes2)``. The two-tensor form also takes the axes as keywords.

    >>> dot_arguments((1, [0], 2, [1]), {})
    (1, 2, {'contract_axes1': [0], 'batch_axes1': [], 'contract_axes2': [1], 'batch_axes2': []})
    >>> dot_arguments((1, 2, 3), {})
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: nx.dot takes 2, 4 or 6 positional arguments (t1, t2), (t1, contract_axes1, t2, contract_axes2) or (t1, contract_axes1, batch_axes1, t2, contract_axes2, batch_axes2), got 3
    """
    n = len(args)
    if n == 2:
        return args[0], args[1], dict(kwargs)
    if n in (4, 6) and kwargs:
        raise TypeError_(f"nx.dot: the axes are given positionally in its {n}-argument form, "
                         f"got keyword arguments {sorted(kwargs)} as well")
    if n == 4:
        t1, c1, t2, c2 = args
        return t1, t2, dict(zip(_DOT_AXES, (c1, [], c2, [])))
    if n == 6:
        t1, c1, b1, t2, c2, b2 = args
        return t1, t2, dict(zip(_DOT_AXES, (c1, b1, c2, b2)))
    raise TypeError_(
        "nx.dot takes 2, 4 or 6 positional arguments (t1, t2), (t1, contract_axes1, t2, "
        "contract_axes2) or (t1, contract_axes1, batch_axes1, t2, contract_axes2, "
        f"batch_axes2), got {n}")


def _axes_list(axes, x, argument):
    if not isinstance(axes, (list, tuple)):
        raise ArgumentError(
            f"nx.dot: {argument} must be a list of axes (integers or names), got: {axes!r:.80}")
    return normalize_axes(axes, x.shape, x.names, argument=argument)


def _default_contraction(r1, r2):
    """Nx's ``dot/2``: the last axis of t1 with the last axis of a vector t2, or
    with the second to last of t2; scalars multiply (nothing contracts)."""
    if r1 == 0 or r2 == 0:
        return (), ()
    return (r1 - 1,), ((0,) if r2 == 1 else (r2 - 2,))


def _dot_normalize(t1, t2, *, contract_axes1=None, batch_axes1=None,
                   contract_axes2=None, batch_axes2=None):
    x, y = spec_of(t1), spec_of(t2)
    if contract_axes1 is None and contract_axes2 is None:
        if batch_axes1 or batch_axes2:
            raise ArgumentError("nx.dot: batch axes need contract_axes1 and contract_axes2")
        (c1, c2), b1, b2 = _default_contraction(x.rank, y.rank), (), ()
    elif contract_axes1 is None or contract_axes2 is None:
        raise ArgumentError("nx.dot: give both contract_axes1 and contract_axes2")
    else:
        c1 = _axes_list(contract_axes1, x, "contract_axes1")
        b1 = _axes_list([] if batch_axes1 is None else batch_axes1, x, "batch_axes1")
        c2 = _axes_list(contract_axes2, y, "contract_axes2")
        b2 = _axes_list([] if batch_axes2 is None else batch_axes2, y, "batch_axes2")
    _check_dot_axes(x, c1, b1, y, c2, b2)
    return dict(zip(_DOT_AXES, (c1, b1, c2, b2)))


def _check_dot_axes(x, c1, b1, y, c2, b2):
    if b2 and not b1:
        raise ArgumentError("left tensor must be batched if right tensor is batched")
    if b1 and not b2:
        raise ArgumentError("right tensor must be batched if left tensor is batched")
    if len(b1) != len(b2):
        raise ArgumentError(f"dot expects as many batch axes on each side, got {list(b1)} for "
                            f"the left tensor and {list(b2)} for the right tensor")
    successive = tuple(range(len(b1)))
    for side, b in (("left", b1), ("right", b2)):
        if b != successive:
            raise ArgumentError(
                f"invalid dot batch axis for the {side} tensor, batch axes must be successive "
                f"dimensions starting from 0, got {list(b)}")
    sizes1, sizes2 = [x.shape[a] for a in b1], [y.shape[a] for a in b2]
    if sizes1 != sizes2:
        raise ShapeError(
            f"dot batch dimension sizes must match, but the left batch axes {list(b1)} have "
            f"sizes {sizes1} and the right batch axes {list(b2)} have sizes {sizes2}")
    for side, b, c in (("left", b1, c1), ("right", b2, c2)):
        if any(a in c for a in b):
            raise ArgumentError(
                f"dot batch axes for {side} tensor ({list(b)}) cannot be in contract axes "
                f"({list(c)})")
    if len(c1) != len(c2):
        raise ShapeError(
            f"dot expects as many contract axes on each side, got {list(c1)} for the left "
            f"tensor of shape {x.shape} and {list(c2)} for the right tensor of shape {y.shape}")
    for a1, a2 in zip(c1, c2):
        if x.shape[a1] != y.shape[a2]:
            raise ShapeError(
                f"dot expects shapes to be compatible, dimension {a1} of left-side "
                f"({x.shape[a1]}) does not equal dimension {a2} of right-side "
                f"({y.shape[a2]}), for shapes {x.shape} and {y.shape}")


def _dot_infer(t1, t2, *, contract_axes1, batch_axes1, contract_axes2, batch_axes2):
    x, y = spec_of(t1), spec_of(t2)
    kept1 = [a for a in range(x.rank) if a not in contract_axes1 and a not in batch_axes1]
    kept2 = [a for a in range(y.rank) if a not in contract_axes2 and a not in batch_axes2]
    shape = tuple(x.shape[a] for a in batch_axes1 + tuple(kept1)) + tuple(y.shape[a] for a in kept2)
    # batch axes are named after the left tensor's, as in Nx
    names = tuple(x.names[a] for a in batch_axes1 + tuple(kept1)) + tuple(y.names[a] for a in kept2)
    named = [n for n in names if n is not None]
    if len(set(named)) != len(named):
        raise NameError_(
            f"dot would result in duplicate names {list(names)}, please rename your tensors "
            f"to avoid duplicates")
    return TensorSpec(types.merge(x.type, y.type), shape, names)


def _argsort(xs):
    return sorted(range(len(xs)), key=lambda i: xs[i])


def _dot_grad(ops, g, out, x, y, *, contract_axes1, batch_axes1, contract_axes2, batch_axes2):
    # g's axes are (batch, kept of x, kept of y). Contracting g with the other
    # operand over the kept axes of that operand gives (batch, kept, contracted
    # axes in the operand's order); a transpose puts them back in place.
    if tuple(g.shape) != tuple(out.shape):
        g = ops.broadcast(g, out.shape)
    nb = len(batch_axes1)
    rx, ry = len(x.shape), len(y.shape)
    kept_x = [a for a in range(rx) if a not in contract_axes1 and a not in batch_axes1]
    kept_y = [a for a in range(ry) if a not in contract_axes2 and a not in batch_axes2]
    g_batch = list(range(nb))
    g_x = list(range(nb, nb + len(kept_x)))
    g_y = list(range(nb + len(kept_x), len(g.shape)))
    from_y = [contract_axes1[contract_axes2.index(a)] for a in sorted(contract_axes2)]
    from_x = [contract_axes2[contract_axes1.index(a)] for a in sorted(contract_axes1)]
    gx = ops.dot(g, g_y, g_batch, y, kept_y, list(batch_axes2))
    gx = ops.transpose(gx, axes=_argsort(list(batch_axes1) + kept_x + from_y))
    gy = ops.dot(g, g_x, g_batch, x, kept_x, list(batch_axes1))
    gy = ops.transpose(gy, axes=_argsort(list(batch_axes2) + kept_y + from_x))
    return [gx, gy]


dot = register(Op(
    name="dot", family="contraction",
    params=(tensor("t1"), tensor("t2"),
            option("contract_axes1", None, "axes of t1 to contract (positional in nx.dot's 4- and 6-argument forms)"),
            option("batch_axes1", None, "batch axes of t1: 0, 1, ... in order"),
            option("contract_axes2", None, "axes of t2 to contract, paired with contract_axes1"),
            option("batch_axes2", None, "batch axes of t2, paired with batch_axes1")),
    infer=_dot_infer, normalize=_dot_normalize, grad=_dot_grad, tolerance=TOLERANCE,
    doc="""The dot product of two tensors, in three forms chosen by the number of
    positional arguments, as in Nx:

    * ``nx.dot(t1, t2)``: scalars multiply; otherwise the last axis of ``t1``
      contracts with the only axis of a vector ``t2``, or with the second to
      last axis of ``t2`` (matrix product for two matrices).
    * ``nx.dot(t1, contract_axes1, t2, contract_axes2)``: the i-th axis of
      ``contract_axes1`` contracts with the i-th of ``contract_axes2`` (ints,
      negative ints or axis names); no axes at all is an outer product.
    * ``nx.dot(t1, contract_axes1, batch_axes1, t2, contract_axes2,
      batch_axes2)``: a dot product for each index of the batch axes, which must
      be the leading axes 0, 1, ... of both tensors, with equal sizes.

    The result has the batch axes, then the remaining axes of ``t1``, then those
    of ``t2``, with their names (batch axes take ``t1``'s names); a name may not
    appear twice. The type merges the two types (a Python number is a tensor of
    its literal type: ints s32, floats f32). Integers accumulate exactly and
    wrap around into the output type; float sums are exact, rounded once. A
    contraction over an axis of size 0 gives zeros. Complex operands are not
    conjugated.

    >>> nx.dot(5, 5)
    #Nx.Tensor<
      s32
      25
    >
    >>> nx.dot(-2.0, 5.0)
    #Nx.Tensor<
      f32
      -10.0
    >
    >>> nx.dot(2, 2.0)
    #Nx.Tensor<
      f32
      4.0
    >
    >>> nx.dot(nx.tensor([1, 2, 3]), nx.tensor([4, 5, 6]))
    #Nx.Tensor<
      s32
      32
    >
    >>> nx.dot(nx.tensor([2.0, 4.0, 3.0, 5.0]), nx.tensor([1.0, 2.0, 3.0, 4.0]))
    #Nx.Tensor<
      f32
      39.0
    >
    >>> nx.dot(nx.tensor([1.0, 2.0, 3.0]), nx.tensor([1, 2, 3]))
    #Nx.Tensor<
      f32
      14.0
    >
    >>> left = nx.tensor([[1, 2, 3], [4, 5, 6]], names=["i", "j"])
    >>> right = nx.tensor([[7, 8], [9, 10], [11, 12]], names=["x", "y"])
    >>> nx.dot(left, right)
    #Nx.Tensor<
      s32[i: 2][y: 2]
      [
        [58, 64],
        [139, 154]
      ]
    >
    >>> left = nx.tensor([[10.0, 13.0, 14.0, 15.0], [59.0, 20.0, 10.0, 30.0]], names=["i", "j"])
    >>> right = nx.tensor([[2.0, 4.0], [5.0, 1.0], [6.0, 8.0], [9.0, 10.0]], names=["x", "y"])
    >>> nx.dot(left, right)
    #Nx.Tensor<
      f32[i: 2][y: 2]
      [
        [304.0, 315.0],
        [548.0, 636.0]
      ]
    >
    >>> left = nx.tensor([[1, 2, 3], [4, 5, 6]], names=["i", "j"])
    >>> right = nx.tensor([[7.0, 8.0], [9.0, 10.0], [11.0, 12.0]], names=["x", "y"])
    >>> nx.dot(left, right)
    #Nx.Tensor<
      f32[i: 2][y: 2]
      [
        [58.0, 64.0],
        [139.0, 154.0]
      ]
    >
    >>> left = nx.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], names=["i", "j", "k"])
    >>> nx.dot(left, nx.tensor([5, 10], names=["x"]))
    #Nx.Tensor<
      s32[i: 2][j: 2]
      [
        [25, 55],
        [85, 115]
      ]
    >
    >>> nx.dot(nx.tensor([5, 10], names=["x"]), nx.tensor([[1, 2, 3], [4, 5, 6]], names=["i", "j"]))
    #Nx.Tensor<
      s32[j: 3]
      [45, 60, 75]
    >
    >>> left = nx.tensor([[[[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]]], names=["shard", "batch", "x", "y", "z"])
    >>> nx.dot(left, nx.tensor([2.0, 2.0], names=["data"]))
    #Nx.Tensor<
      f32[shard: 1][batch: 1][x: 2][y: 2]
      [
        [
          [
            [6.0, 14.0],
            [22.0, 30.0]
          ]
        ]
      ]
    >
    >>> left = nx.tensor([[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]], names=["x", "y", "z"])
    >>> right = nx.tensor([[[1, 2, 3], [3, 4, 5], [5, 6, 7]]], names=["i", "j", "k"])
    >>> nx.dot(left, right).shape, nx.dot(left, right).names
    ((2, 3, 1, 3), ('x', 'y', 'i', 'k'))
    >>> nx.dot(left, right).to_list()[1]
    [[[22, 28, 34]], [[49, 64, 79]], [[76, 100, 124]]]

    Contracting chosen axes (the four-argument form):

    >>> t1 = nx.tensor([[1, 2], [3, 4]], names=["x", "y"])
    >>> t2 = nx.tensor([[10, 20], [30, 40]], names=["height", "width"])
    >>> nx.dot(t1, [0], t2, [0])
    #Nx.Tensor<
      s32[y: 2][width: 2]
      [
        [100, 140],
        [140, 200]
      ]
    >
    >>> nx.dot(t1, ["x"], t2, ["width"])
    #Nx.Tensor<
      s32[y: 2][height: 2]
      [
        [70, 150],
        [100, 220]
      ]
    >
    >>> nx.dot(t1, [1], [], t2, [0], [])
    #Nx.Tensor<
      s32[x: 2][width: 2]
      [
        [70, 100],
        [150, 220]
      ]
    >
    >>> nx.dot(t1, [1], [], t2, [1], [])
    #Nx.Tensor<
      s32[x: 2][height: 2]
      [
        [50, 110],
        [110, 250]
      ]
    >
    >>> nx.dot(t1, [0, 1], [], t2, [0, 1], [])
    #Nx.Tensor<
      s32
      300
    >
    >>> t1 = nx.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])
    >>> t2 = nx.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
    >>> nx.dot(t1, [0, 1], t2, [1, 0])
    #Nx.Tensor<
      f32
      50.0
    >
    >>> nx.dot(nx.tensor([[1, 2], [3, 4]]), [], [], nx.tensor([[10, 20], [30, 40]]), [], []).to_list()
    [[[[10, 20], [30, 40]], [[20, 40], [60, 80]]], [[[30, 60], [90, 120]], [[40, 80], [120, 160]]]]

    Batched (the six-argument form):

    >>> u = nx.tensor([[[1]], [[2]]])
    >>> v = nx.tensor([[[3]], [[4]]])
    >>> nx.dot(u, [2], [0], v, [2], [0])
    #Nx.Tensor<
      s32[2][1][1]
      [
        [
          [3]
        ],
        [
          [8]
        ]
      ]
    >
    >>> u = nx.tensor([[[1, 1]], [[2, 2]]])
    >>> v = nx.tensor([[[3], [3]], [[4], [4]]])
    >>> nx.dot(u, [2], [0], v, [1], [0]).to_list()
    [[[6]], [[16]]]

    Errors:

    >>> nx.dot(nx.tensor([1, 2, 3]), nx.tensor([1, 2]))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: dot expects shapes to be compatible, dimension 0 of left-side (3) does not equal dimension 0 of right-side (2), for shapes (3,) and (2,)
    >>> nx.dot(u, [2], [0], v, [1], [])
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: right tensor must be batched if left tensor is batched
    >>> nx.dot(u, [2], [], v, [1], [0])
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: left tensor must be batched if right tensor is batched
    >>> nx.dot(u, [2], [1], v, [1], [0])
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: invalid dot batch axis for the left tensor, batch axes must be successive dimensions starting from 0, got [1]
    >>> nx.dot(u, [2], [0], v, [1], [1])
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: invalid dot batch axis for the right tensor, batch axes must be successive dimensions starting from 0, got [1]
    >>> nx.dot(u, [0], [0], v, [1], [0])
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: dot batch axes for left tensor ([0]) cannot be in contract axes ([0])
    >>> nx.dot(u, [2], [0], v, [0], [0])
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: dot batch axes for right tensor ([0]) cannot be in contract axes ([0])
    >>> nx.dot(u, [3], v, [0])
    Traceback (most recent call last):
    ...
    spec.errors.AxisError: given contract_axes1 (3) invalid for shape (2, 1, 2) with rank 3
    """,
))


# -- outer ----------------------------------------------------------------------------

def _outer_infer(t1, t2):
    x, y = spec_of(t1), spec_of(t2)
    names = (x.names[0] if x.names else None, y.names[-1] if y.names else None)
    if names[0] is not None and names[0] == names[1]:
        raise NameError_(
            f"outer would result in duplicate names {list(names)}, please rename your "
            f"tensors to avoid duplicates")
    return TensorSpec(types.merge(x.type, y.type), (x.size, y.size), names)


def _outer(nx, t1, t2):
    out = _outer_infer(t1.spec, t2.spec)
    if out.type.is_complex and t2.type.is_complex:
        t2 = nx.conjugate(t2)
    column = nx.reshape(t1, (out.shape[0], 1), names=[out.names[0], None])
    row = nx.reshape(t2, (1, out.shape[1]), names=[None, out.names[1]])
    return nx.multiply(column, row)


outer = register(Op(
    name="outer", family="contraction",
    params=(tensor("t1"), tensor("t2")),
    infer=_outer_infer, composite=_outer, tolerance=ulps(0),
    doc="""The outer product of two tensors, always a matrix: element ``(i, j)``
    is the i-th element of ``t1`` times the conjugate of the j-th element of
    ``t2``, both flattened in row-major order (unlike ``numpy.outer``, a complex
    ``t2`` is conjugated, as in Nx).

    The type merges the two types; the rows take the name of ``t1``'s first
    axis and the columns the name of ``t2``'s last axis.

    >>> nx.outer(nx.tensor([1, 2, 3], names=["x"]), 100)
    #Nx.Tensor<
      s32[x: 3][1]
      [
        [100],
        [200],
        [300]
      ]
    >
    >>> nx.outer(nx.tensor([1, 2, 3], names=["x"]), nx.tensor([10, 20], names=["y"]))
    #Nx.Tensor<
      s32[x: 3][y: 2]
      [
        [10, 20],
        [20, 40],
        [30, 60]
      ]
    >
    >>> nx.outer(nx.tensor([[1, 2], [3, 4]], names=["x", "y"]), nx.tensor([10, 20, 30], names=["z"]))
    #Nx.Tensor<
      s32[x: 4][z: 3]
      [
        [10, 20, 30],
        [20, 40, 60],
        [30, 60, 90],
        [40, 80, 120]
      ]
    >
    >>> nx.outer(nx.tensor([1j, 2]), nx.tensor([1j, 1 + 1j]))
    #Nx.Tensor<
      c64[2][2]
      [
        [1.0+0.0i, 1.0+1.0i],
        [0.0-2.0i, 2.0-2.0i]
      ]
    >
    """,
))
