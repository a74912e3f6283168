"""Element-wise ops of the reference backend, driven by the spec's element semantics.

One implementation serves every unary and binary op: convert the inputs to the
op's computation type, broadcast them to the output shape, apply the element
function (through the op's ``fast`` builtin when it has one, falling back to the
full semantics as soon as the builtin raises), and round into the output type.
"""

from __future__ import annotations

from itertools import repeat

from spec import registry, types
from nx_ref.reference.storage import Buffer, cast_values, expand
from nx_ref.tensor import Tensor

__all__ = ["elementwise", "ElementwiseMixin"]

_FAST_ERRORS = (OverflowError, ValueError, ZeroDivisionError, TypeError)


class elementwise:
    """A ReferenceBackend method computing the spec op of the attribute's name."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        op = registry.get(self.name)
        if op.extras["arity"] == 1:
            return lambda out, x: obj._unary(op, out, x)
        return lambda out, x, y: obj._binary(op, out, x, y)


def _function(op, ctype):
    kernel = op.extras.get("kernel")
    return kernel(ctype) if kernel is not None else op.semantics


class ElementwiseMixin:
    def _input(self, t, ctype):
        vals = t.data.values()
        return cast_values(vals, t.type, ctype)

    def _unary(self, op, out, x):
        ctype = op.extras["compute_type"](x.type)
        vals = self._input(x, ctype)
        fn = _function(op, ctype)
        res = None
        if op.fast is not None and op.extras.get("kernel") is None:
            try:
                res = list(map(op.fast, vals))
            except _FAST_ERRORS:
                res = None
        if res is None:
            res = list(map(fn, vals))
        return Tensor.from_spec(out, Buffer.from_values(out.type, res), self)

    def _binary(self, op, out, x, y):
        ctype = op.extras["compute_type"](types.merge(x.type, y.type))
        a = self._input(x, ctype)
        b = self._input(y, ctype)
        n = out.size
        # broadcast: a scalar operand is repeated, others are expanded
        if n == 1:
            a, b = [a[0]] if len(a) else [], [b[0]] if len(b) else []
        else:
            a = _broadcast(a, x.shape, out.shape)
            b = _broadcast(b, y.shape, out.shape)
        fn = _function(op, ctype)
        res = None
        if op.fast is not None and op.extras.get("kernel") is None:
            try:
                res = list(map(op.fast, a, b))
            except _FAST_ERRORS:
                res = None
        if res is None:
            res = list(map(fn, a, b))
        return Tensor.from_spec(out, Buffer.from_values(out.type, res), self)


def _broadcast(vals, shape, out_shape):
    if tuple(shape) == tuple(out_shape):
        return vals
    if len(vals) == 1:
        return repeat(vals[0])
    return expand(vals, shape, out_shape)
