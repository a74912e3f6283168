"""sort and argsort in the reference backend.

Each row along the sorted axis is a strided slice of the flat row-major
values (``vals[start:start + n * step:step]``); rows are sorted with Python's
stable ``sorted`` and written back through the same slice. The order is the
spec's (see :mod:`spec.ops.sorting`): NaNs are set apart and placed last
(``"asc"``) or first (``"desc"``), the other values are sorted by value, with
``reverse=True`` for ``"desc"``, which keeps equal values in input order.
"""

from __future__ import annotations

from spec import types
from nx_ref.reference.storage import cast_values

__all__ = ["SortingMixin"]

_S64 = types.normalize("s64")


def _rows(shape, axis):
    """(start, stop, step) of every row along ``axis`` in row-major values."""
    n = shape[axis]
    outer = 1
    for d in shape[:axis]:
        outer *= d
    step = 1
    for d in shape[axis + 1:]:
        step *= d
    span = n * step
    return [(a * span + b, a * span + b + span, step)
            for a in range(outer) for b in range(step)]


def _order(row, descending, floating):
    """The stable permutation of ``range(len(row))`` that sorts ``row``."""
    if floating:
        nans = [i for i, v in enumerate(row) if v != v]
        if nans:
            keep = [i for i, v in enumerate(row) if v == v]
            keep.sort(key=row.__getitem__, reverse=descending)
            return nans + keep if descending else keep + nans
    return sorted(range(len(row)), key=row.__getitem__, reverse=descending)


def _sorted(row, descending, floating):
    if floating:
        nans = [v for v in row if v != v]
        if nans:
            keep = sorted((v for v in row if v == v), reverse=descending)
            return nans + keep if descending else keep + nans
    return sorted(row, reverse=descending)


class SortingMixin:
    def sort(self, out, x, *, axis, direction, stable):
        vals = x.data.values()
        descending = direction == "desc"
        floating = x.type.is_floating
        result = list(vals)
        for start, stop, step in _rows(x.shape, axis):
            result[start:stop:step] = _sorted(vals[start:stop:step], descending, floating)
        return self.from_values(out, result)

    def argsort(self, out, x, *, axis, direction, stable):
        vals = x.data.values()
        descending = direction == "desc"
        floating = x.type.is_floating
        result = [0] * x.size
        for start, stop, step in _rows(x.shape, axis):
            result[start:stop:step] = _order(vals[start:stop:step], descending, floating)
        if not out.type.is_integer:
            result = cast_values(result, _S64, out.type)
        return self.from_values(out, result)
