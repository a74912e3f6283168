"""select and clip in the reference backend: three operands, one element rule.

Operands are converted to the output type (the predicate of ``select`` keeps
its own: only its truth matters), broadcast to the output shape, and combined
with the spec's element semantics.
"""

from __future__ import annotations

from spec import registry
from nx_ref.reference.storage import Buffer, cast_values, expand
from nx_ref.tensor import Tensor

__all__ = ["SelectionMixin"]


def _values(t, out, convert=True):
    """The values of ``t`` in the output type, broadcast to the output shape."""
    vals = t.data.values()
    if convert:
        vals = cast_values(vals, t.type, out.type)
    if tuple(t.shape) == tuple(out.shape):
        return vals
    return expand(vals, t.shape, out.shape)


class SelectionMixin:
    def select(self, out, pred, on_true, on_false):
        fn = registry.get("select").semantics
        p = _values(pred, out, convert=False)
        res = list(map(fn, p, _values(on_true, out), _values(on_false, out)))
        return Tensor.from_spec(out, Buffer.from_values(out.type, res), self)

    def clip(self, out, tensor, min, max):
        fn = registry.get("clip").semantics
        lo = cast_values(min.data.values(), min.type, out.type)[0]
        hi = cast_values(max.data.values(), max.type, out.type)[0]
        res = [fn(v, lo, hi) for v in _values(tensor, out)]
        return Tensor.from_spec(out, Buffer.from_values(out.type, res), self)
