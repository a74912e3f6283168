"""Shape ops in the reference backend: moving row-major values around.

Reshape and squeeze share the input's buffer (tensors are immutable). The other
ops compute, per output axis, which input positions it reads (or where the
input lands), combine those per-axis lists into flat indices with one list
comprehension per axis, and read (or write) the values in one pass. Every
output spec, every option and every error comes from the spec; the only rule
applied here is the clamping of start indices, which depends on the data.
"""

from __future__ import annotations

from nx_ref.reference.storage import cast_values, strides, transpose_values
from nx_ref.tensor import Tensor

__all__ = ["ShapeMixin", "flat_indices", "clamped_starts"]


def flat_indices(shape, positions):
    """Flat row-major indices into ``shape`` of the grid ``positions`` (one list
    of indices per axis), in row-major order of the grid.

    >>> flat_indices((2, 3), [[1], [0, 2]])
    [3, 5]
    """
    idx = [0]
    for stride, axis_positions in zip(strides(shape), positions):
        steps = [p * stride for p in axis_positions]
        idx = [i + s for i in idx for s in steps]
    return idx


def clamped_starts(shape, start_indices, lengths):
    """Start indices (scalar tensors) clamped so that each block of ``lengths``
    fits: ``min(max(start, 0), dim - length)``.

    >>> clamped_starts((3, 3), [5, -1], (2, 2))
    [1, 0]
    """
    out = []
    for dim, start, length in zip(shape, start_indices, lengths):
        value = start if isinstance(start, int) else int(start.data.values()[0])
        out.append(min(max(value, 0), dim - length))
    return out


def _values(t, out_type):
    vals = t.data.values()
    return cast_values(vals, t.type, out_type) if t.type != out_type else vals


def _block(shape, axis):
    """(number of blocks before ``axis``, elements per block from ``axis`` on)."""
    outer = 1
    for d in shape[:axis]:
        outer *= d
    inner = 1
    for d in shape[axis:]:
        inner *= d
    return outer, inner


def _interleave(chunks_of, outer):
    """Values of ``outer`` blocks, each the concatenation of one chunk per operand."""
    vals = []
    for b in range(outer):
        for chunk, operand in chunks_of:
            vals.extend(operand[b * chunk:(b + 1) * chunk])
    return vals


class ShapeMixin:
    def _shared(self, out, x):
        return Tensor.from_spec(out, x.data, self)

    def reshape(self, out, x):
        return self._shared(out, x)

    def squeeze(self, out, x, *, axes):
        return self._shared(out, x)

    def transpose(self, out, x, *, axes):
        if tuple(axes) == tuple(range(x.rank)):
            return self._shared(out, x)
        return self.from_values(out, transpose_values(x.data.values(), x.shape, axes))

    def _gather(self, out, x, positions):
        vals = x.data.values()
        last = positions[-1] if positions else None
        if isinstance(last, range) and len(last) > 1 and last.step in (1, -1):
            # the last axis is read in runs: one list slice per row
            lo, hi = min(last[0], last[-1]), max(last[0], last[-1]) + 1
            rows = flat_indices(x.shape[:-1], positions[:-1])
            width = x.shape[-1]
            if last.step == 1:
                result = [v for r in rows for v in vals[r * width + lo:r * width + hi]]
            else:
                result = [v for r in rows for v in reversed(vals[r * width + lo:r * width + hi])]
            return self.from_values(out, result)
        return self.from_values(out, [vals[i] for i in flat_indices(x.shape, positions)])

    def reverse(self, out, x, *, axes):
        positions = [range(d - 1, -1, -1) if a in axes else range(d)
                     for a, d in enumerate(x.shape)]
        return self._gather(out, x, positions)

    def slice(self, out, x, start_indices, *, lengths, strides):
        starts = clamped_starts(x.shape, start_indices, lengths)
        positions = [range(s, s + n, st) for s, n, st in zip(starts, lengths, strides)]
        return self._gather(out, x, positions)

    def put_slice(self, out, x, start_indices, slice):
        starts = clamped_starts(x.shape, start_indices, slice.shape)
        vals = list(_values(x, out.type))
        targets = flat_indices(x.shape, [range(s, s + n) for s, n in zip(starts, slice.shape)])
        for i, v in zip(targets, _values(slice, out.type)):
            vals[i] = v
        return self.from_values(out, vals)

    def pad(self, out, x, pad_value, *, padding_config):
        fill = _values(pad_value, out.type)[0]
        src, dst = [], []       # per axis: the input positions kept and where they land
        for dim, size, (low, _, interior) in zip(x.shape, out.shape, padding_config):
            kept = [(i, low + i * (interior + 1)) for i in range(dim)]
            kept = [(i, j) for i, j in kept if 0 <= j < size]
            src.append([i for i, _ in kept])
            dst.append([j for _, j in kept])
        vals = _values(x, out.type)
        result = [fill] * out.size
        for i, j in zip(flat_indices(x.shape, src), flat_indices(out.shape, dst)):
            result[j] = vals[i]
        return self.from_values(out, result)

    def concatenate(self, out, tensors, *, axis):
        outer = _block(out.shape, axis)[0]
        chunks = [(_block(t.shape, axis)[1], _values(t, out.type)) for t in tensors]
        return self.from_values(out, _interleave(chunks, outer))

    def stack(self, out, tensors, *, axis):
        # each operand fills one position of the new axis: the same interleaving
        return self.concatenate(out, tensors, axis=axis)
