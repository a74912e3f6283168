"""gather, indexed_add and indexed_put in the reference backend.

Each index row is turned into a flat offset into the row-major data (after the
spec's bounds check, :func:`spec.ops.indexing.check_indices`); the slice over
the other axes is a fixed list of offsets added to it, computed once.
Positions are visited in index order, so repeated indices accumulate
(indexed_add) or overwrite (indexed_put) in that order.

>>> import nx_ref as nx
>>> nx.indexed_add(nx.tensor([0, 0]), nx.tensor([[1], [1], [0]]), nx.tensor([1, 2, 3])).to_list()
[3, 3]
>>> _slice_offsets((2, 3, 4), (1,), (2, 2))      # a 2x2 window over axes 0 and 2
[0, 1, 12, 13]
"""

from __future__ import annotations

from spec.ops.indexing import check_indices
from nx_ref.reference.storage import cast_values, strides

__all__ = ["IndexingMixin"]


def _slice_offsets(shape, axes, window):
    """Flat offsets of a slice of dimensions ``window`` over the axes of ``shape``
    not in ``axes``, in row-major order, relative to the slice's start."""
    st = strides(shape)
    offsets = [0]
    others = [a for a in range(len(shape)) if a not in axes]
    for a, n in zip(others, window):
        s = st[a]
        offsets = [o + k * s for o in offsets for k in range(n)]
    return offsets


def _bases(indices, shape, axes):
    """The flat offset in ``shape`` of each index row of ``indices`` (bounds-checked)."""
    idx = indices.data.values()
    depth = len(axes)
    check_indices(idx, depth, shape, axes)
    if depth == 0:
        return [0] * _count(indices)
    st = strides(shape)
    bases = [i * st[axes[0]] for i in idx[0::depth]]
    for j in range(1, depth):
        s = st[axes[j]]
        bases = [b + i * s for b, i in zip(bases, idx[j::depth])]
    return bases


def _count(indices):
    """The number of index rows: all axes of ``indices`` but the last."""
    n = 1
    for d in indices.shape[:-1]:
        n *= d
    return n


class IndexingMixin:
    def gather(self, out, tensor, indices, *, axes):
        vals = tensor.data.values()
        shape = tensor.shape
        window = [d for a, d in enumerate(shape) if a not in axes]
        offsets = _slice_offsets(shape, axes, window)
        bases = _bases(indices, shape, axes)
        n = len(offsets)
        if n and offsets[-1] == n - 1:          # contiguous slices
            res = [v for b in bases for v in vals[b:b + n]]
        else:
            res = [vals[b + o] for b in bases for o in offsets]
        return self.from_values(out, res)

    def indexed_add(self, out, target, indices, updates, *, axes):
        return self._indexed(out, target, indices, updates, axes, add=True)

    def indexed_put(self, out, target, indices, updates, *, axes):
        return self._indexed(out, target, indices, updates, axes, add=False)

    def _indexed(self, out, target, indices, updates, axes, add):
        # the spec rounds once: combine in Python values, then encode into out.type
        res = list(cast_values(target.data.values(), target.type, out.type))
        upd = cast_values(updates.data.values(), updates.type, out.type)
        window = updates.shape[1:] if indices.rank == 2 else ()
        offsets = _slice_offsets(target.shape, axes, window)
        bases = _bases(indices, target.shape, axes)
        k = 0
        for b in bases:
            if add:
                for o in offsets:
                    res[b + o] += upd[k]
                    k += 1
            else:
                for o in offsets:
                    res[b + o] = upd[k]
                    k += 1
        return self.from_values(out, res)
