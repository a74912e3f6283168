"""``nx.reduce``: a reduction with a user's function, folded over each group.

The function receives scalar tensors, ``fun(element, acc)``, and returns the new
accumulator; each group of the reduced axes is folded in row-major order,
starting from ``acc``. Backends may fold in another order (XLA does), so the
function should be associative; prefer ``nx.sum``, ``nx.reduce_max`` and the
other named reductions, which every backend runs fast.
"""

from __future__ import annotations

from spec import types
from spec.errors import ArgumentError
from spec.ops._reduce import as_spec, normalize_reduce_axes
from spec.registry import Op, TensorSpec, option, register, static, tensor
from spec.shapes import reduce_shape

__all__ = ["reduce"]


def _normalize(x, acc, fun, *, axes=None, keep_axes=False, type=None):
    if as_spec(acc).shape != ():
        raise ArgumentError(f"nx.reduce: the accumulator must be a scalar, got a tensor of "
                            f"shape {as_spec(acc).shape}")
    if not callable(fun):
        raise ArgumentError(f"nx.reduce: fun must be a function of two arguments "
                            f"(element, accumulator), got: {fun!r:.80}")
    return {"axes": normalize_reduce_axes(as_spec(x), axes), "keep_axes": bool(keep_axes),
            "type": None if type is None else types.normalize(type), "fun": fun}


def _infer(x, acc, _fun, *, axes, keep_axes, type, fun):
    x = as_spec(x)
    out_type = type if type is not None else types.binary_type(
        x.type, acc.type if isinstance(acc, TensorSpec) else acc)
    shape, names = reduce_shape(x.shape, x.names, axes, keep_axes)
    return TensorSpec(out_type, shape, names)


def _no_grad(ops, g, out, *args, **opts):
    # Nx's message: reduce folds with an arbitrary function, which has no rule
    raise ArgumentError("cannot compute gradient for nx.reduce/4. If you are computing the "
                        "sum, product or similar, use the named reductions (nx.sum, "
                        "nx.product, ...); otherwise consider nx.stop_grad (making it the "
                        "identity) or nx.custom_grad (giving it a proper gradient)")


reduce = register(Op(
    name="reduce", family="fold",
    params=(tensor("tensor"), tensor("acc"), static("fun"), option("axes", None),
            option("keep_axes", False), option("type", None)),
    infer=_infer, normalize=_normalize, grad=_no_grad,
    semantics=lambda values, acc, fun: _fold(values, acc, fun),
    backend_options=("axes", "keep_axes", "fun"),
    tolerance={t.name: 0 for t in types.ALL_TYPES if t.is_floating},
    doc="""Reduces ``tensor`` over ``axes`` (all by default) by folding each group
    with ``fun(element, acc)`` from the scalar ``acc``; ``keep_axes`` keeps the
    reduced axes with size 1. The type is ``type`` if given, else the merge of
    the tensor's type and the accumulator's (as binary ops merge them).

    >>> nx.reduce(nx.tensor(42), 0, lambda x, y: nx.add(x, y))
    #Nx.Tensor<
      s32
      42
    >
    >>> nx.reduce(nx.tensor([1, 2, 3]), 0, nx.add)
    #Nx.Tensor<
      s32
      6
    >
    >>> nx.reduce(nx.tensor([[1.0, 2.0, 3.0]]), 0, nx.add)
    #Nx.Tensor<
      f32
      6.0
    >
    >>> t = nx.tensor([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]], names=["x", "y", "z"])
    >>> nx.reduce(t, 0, nx.add, axes=["x", 2])
    #Nx.Tensor<
      s32[y: 2]
      [30, 48]
    >
    >>> nx.reduce(t, 0, nx.add, axes=["x"], keep_axes=True)
    #Nx.Tensor<
      s32[x: 1][y: 2][z: 3]
      [
        [
          [8, 10, 12],
          [14, 16, 18]
        ]
      ]
    >
    >>> nx.reduce(t, nx.tensor([0, 0]), nx.add)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: nx.reduce: the accumulator must be a scalar, got a tensor of shape (2,)
    """,
))


def _fold(values, acc, fun):
    for v in values:
        acc = fun(v, acc)
    return acc
