"""Window ops of the reference backend: window_sum/product/max/min from the
spec's group semantics, window_reduce with the user's function, and the
window scatters.

Every op starts from :func:`window_indices`: the flat row-major indices of
the elements of each window, built one axis at a time with list
comprehensions; a padded position gets a negative index, so that the folds
leave it out (padding holds their initial value) and window_reduce and the
scatters see it.
"""

from __future__ import annotations

from spec import registry, values
from nx_ref.backend import OpMethod
from nx_ref.reference.storage import (cast_values, fold_result, scalar_tensor,
                                      strides as row_strides)

__all__ = ["WindowsMixin", "window_aggregate", "window_indices"]

# Added for a padded coordinate: any index holding one is negative, since the
# valid part of an index is below the size of the tensor.
_PADDING = -(1 << 62)


def window_indices(shape, out_shape, *, window_dimensions, strides, padding,
                   window_dilations=None):
    """For each window (row-major over ``out_shape``), the flat indices of its
    elements in row-major window order; negative where the position is padding.

    >>> window_indices((4,), (2,), window_dimensions=(2,), strides=(2,), padding=((0, 0),))
    [[0, 1], [2, 3]]
    >>> [[i if i >= 0 else None for i in w] for w in window_indices(
    ...     (2, 2), (1, 2), window_dimensions=(2, 2), strides=(1, 1), padding=((0, 0), (1, 0)))]
    [[None, 0, None, 2], [0, 1, 2, 3]]
    """
    dilations = window_dilations or (1,) * len(shape)
    steps = row_strides(shape)
    grouped = [[0]]          # per window: the offsets of its elements for the axes so far
    for axis, dim in enumerate(shape):
        step, low = steps[axis], padding[axis][0]
        w, s, d = window_dimensions[axis], strides[axis], dilations[axis]
        per_out = []
        for o in range(out_shape[axis]):
            coords = [o * s + k * d - low for k in range(w)]
            per_out.append([c * step if 0 <= c < dim else _PADDING for c in coords])
        grouped = [[p + c for p in group for c in axis_taps]
                   for group in grouped for axis_taps in per_out]
    return grouped




class window_aggregate(OpMethod):
    """A ReferenceBackend method computing the spec window fold of the attribute's name."""

    def bind(self, obj, op):
        return lambda out, x, **opts: obj._window_aggregate(op, out, x, **opts)


class WindowsMixin:
    def _window_aggregate(self, op, out, x, **opts):
        vals = x.data.values()
        fold = op.semantics
        empty = op.extras["identity"](out.type)
        res = []
        for window in window_indices(x.shape, out.shape, **opts):
            group = [vals[i] for i in window if i >= 0]
            res.append(fold(group) if group else empty)
        return self.from_values(out, res)

    def window_reduce(self, out, x, acc, *, fun, **opts):
        vals = x.data.values()
        elements = {}        # the scalar tensor of each element, built once

        def element(i):
            t = elements.get(i)
            if t is None:
                t = elements[i] = scalar_tensor(self, x.type, vals[i])
            return t

        res = []
        for window in window_indices(x.shape, out.shape, **opts):
            a = acc
            for i in window:
                a = fun(element(i) if i >= 0 else acc, a)
            res.append(fold_result(a, out.type, "window_reduce"))
        return self.from_values(out, res)

    def window_scatter_max(self, out, x, source, init_value, **opts):
        return self._window_scatter(out, x, source, init_value, True, **opts)

    def window_scatter_min(self, out, x, source, init_value, **opts):
        return self._window_scatter(out, x, source, init_value, False, **opts)

    def _window_scatter(self, out, x, source, init_value, is_max, **opts):
        vals = x.data.values()
        fill = init_value.data.values()[0]
        src = cast_values(source.data.values(), source.type, out.type)
        init = values.cast(fill, init_value.type, out.type)
        added = {}
        windows = window_indices(x.shape, source.shape, **opts)
        for n, window in enumerate(windows):
            chosen = window[0]
            best = vals[chosen] if chosen >= 0 else fill
            for i in window[1:]:
                v = vals[i] if i >= 0 else fill
                if (v >= best) if is_max else (v <= best):
                    chosen, best = i, v
            if chosen >= 0:
                added.setdefault(chosen, []).append(src[n])
        res = [init] * x.size
        total = registry.get("sum").semantics
        for i, parts in added.items():
            res[i] = total([init] + parts)
        return self.from_values(out, res)
