"""Reductions of the reference backend: group the values of each output element
and apply the op's group semantics."""

from __future__ import annotations

from spec import registry
from nx_ref.reference.storage import Buffer, cast_values, transpose_values
from nx_ref.tensor import Tensor

__all__ = ["reduction", "groups", "ReductionMixin"]


def groups(vals, shape, axes):
    """Split row-major values into the groups reduced by ``axes`` (None: all), in
    the row-major order of the kept axes; each group in row-major order.

    >>> groups([0, 1, 2, 3, 4, 5], (2, 3), (0,))
    [[0, 3], [1, 4], [2, 5]]
    >>> groups([0, 1, 2, 3, 4, 5], (2, 3), (1,))
    [[0, 1, 2], [3, 4, 5]]
    """
    rank = len(shape)
    if axes is None:
        axes = tuple(range(rank))
    kept = [i for i in range(rank) if i not in axes]
    perm = kept + sorted(axes)
    ordered = transpose_values(vals, shape, perm)
    n = 1
    for a in axes:
        n *= shape[a]
    n_groups = 1
    for k in kept:
        n_groups *= shape[k]
    if n == 0:
        return [[] for _ in range(n_groups)]
    return [ordered[i:i + n] for i in range(0, len(ordered), n)]


class reduction:
    """A ReferenceBackend method computing the spec reduction of the attribute's name."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        op = registry.get(self.name)
        return lambda out, x, **opts: obj._reduce(op, out, x, **opts)


class ReductionMixin:
    def _reduce(self, op, out, x, *, axes=None, keep_axes=False, **opts):
        ctype = op.extras["compute_type"](x.type)
        vals = cast_values(x.data.values(), x.type, ctype)
        fn = op.semantics
        if opts:
            res = [fn(g, **opts) for g in groups(vals, x.shape, axes)]
        elif axes is None or len(axes) == x.rank:
            res = [fn(vals)]  # a list or an array: both are sequences
        else:
            res = [fn(g) for g in groups(vals, x.shape, axes)]
        return Tensor.from_spec(out, Buffer.from_values(out.type, res), self)
