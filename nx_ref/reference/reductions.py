"""Reductions of the reference backend: split the values into the groups that
each output element folds, apply the op's group semantics, round into ``out``.

Grouping stays cheap: when the reduced axes are contiguous (the usual case:
one axis, or all), each group is a single strided slice of the row-major
values; other axis sets are first transposed so that the reduced axes come last.
"""

from __future__ import annotations

from nx_ref.backend import OpMethod
from nx_ref.reference.storage import (Buffer, cast_values, fold_result, scalar_tensor,
                                      transpose_values)
from nx_ref.tensor import Tensor

__all__ = ["reduction", "groups", "ReductionMixin"]


def _product(dims):
    n = 1
    for d in dims:
        n *= d
    return n


def groups(vals, shape, axes):
    """Split row-major values into the groups reduced by ``axes`` (None: all), in
    the row-major order of the kept axes; each group in row-major order.

    >>> groups([0, 1, 2, 3, 4, 5], (2, 3), (0,))
    [[0, 3], [1, 4], [2, 5]]
    >>> groups([0, 1, 2, 3, 4, 5], (2, 3), (1,))
    [[0, 1, 2], [3, 4, 5]]
    >>> groups(list(range(8)), (2, 2, 2), (0, 2))
    [[0, 1, 4, 5], [2, 3, 6, 7]]
    >>> groups([0, 1], (2, 0), (1,)), groups([], (0, 2), (0,))
    ([[], []], [[], []])
    """
    rank = len(shape)
    axes = tuple(range(rank)) if axes is None else tuple(sorted(axes))
    if not axes:
        return [[v] for v in vals]
    first, last = axes[0], axes[-1]
    if last - first + 1 != len(axes):
        # not contiguous: move the reduced axes to the end, then they are
        kept = [i for i in range(rank) if i not in axes]
        vals = transpose_values(vals, shape, kept + list(axes))
        shape = tuple(shape[i] for i in kept) + tuple(shape[i] for i in axes)
        first, last = len(kept), rank - 1
    outer = _product(shape[:first])
    reduced = _product(shape[first:last + 1])
    inner = _product(shape[last + 1:])
    if reduced == 0 or outer * inner == 0:
        return [[] for _ in range(outer * inner)]
    block = reduced * inner
    if inner == 1:
        return [vals[o:o + block] for o in range(0, outer * block, block)]
    return [vals[o + i:o + block:inner]
            for o in range(0, outer * block, block) for i in range(inner)]


class reduction(OpMethod):
    """A ReferenceBackend method computing the spec reduction of the attribute's name."""

    def bind(self, obj, op):
        if "axis" in op.backend_option_names:
            return lambda out, x, **opts: obj._arg_reduce(op, out, x, **opts)
        return lambda out, x, **opts: obj._reduce(op, out, x, **opts)


class ReductionMixin:
    def _reduce(self, op, out, x, *, axes=None, keep_axes=False):
        ctype = op.extras["compute_type"](x.type)
        vals = cast_values(x.data.values(), x.type, ctype)
        fn = op.semantics
        if axes is None or len(axes) == x.rank:
            # a list or an array: both are sequences
            res = [fn(vals) if len(vals) else op.extras["identity"](out.type)]
        else:
            empty = op.extras["identity"](out.type)
            res = [fn(g) if len(g) else empty for g in groups(vals, x.shape, axes)]
        return Tensor.from_spec(out, Buffer.from_values(out.type, res), self)

    def _arg_reduce(self, op, out, x, *, axis=None, keep_axis=False, tie_break="low"):
        # the spec rejects empty groups, so every group has an index
        vals = x.data.values()
        fn = op.semantics
        if axis is None:
            res = [fn(vals, tie_break)]
        else:
            res = [fn(g, tie_break) for g in groups(vals, x.shape, (axis,))]
        return Tensor.from_spec(out, Buffer.from_values(out.type, res), self)

    def reduce(self, out, x, acc, *, axes=None, keep_axes=False, fun):
        """nx.reduce: fold each group with the user's function on scalar tensors."""
        vals = cast_values(x.data.values(), x.type, out.type)
        start = cast_values(acc.data.values(), acc.type, out.type)[0]
        res = []
        for group in groups(vals, x.shape, axes):
            a = scalar_tensor(self, out.type, start)
            for v in group:
                a = fun(scalar_tensor(self, out.type, v), a)
            res.append(fold_result(a, out.type, "reduce"))
        return self.from_values(out, res)
