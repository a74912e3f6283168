"""Element-wise ops of the reference backend, driven by the spec's element semantics.

One implementation serves every unary and binary op: convert the inputs to the
op's computation type, broadcast them to the output shape, apply the element
function (through the op's ``fast`` builtin when it has one, falling back to the
full semantics as soon as the builtin raises), and round into the output type.
"""

from __future__ import annotations

import operator
from array import array
from itertools import repeat

from spec import codec, types
from nx_ref.backend import OpMethod
from nx_ref.reference.storage import Buffer, cast_values, expand
from nx_ref.tensor import Tensor

__all__ = ["elementwise", "ElementwiseMixin"]

_FAST_ERRORS = (OverflowError, ValueError, ZeroDivisionError, TypeError)

# Outputs that `array` rounds exactly (a C cast of the double: round to nearest even),
# so results of the fast path can go straight into the output buffer.
_DIRECT = {"f32": "f", "f64": "d"}

# A tensor combined with a scalar through an arithmetic operator: a comprehension
# is faster than map() with a repeated operand (the reference's hottest path).
_WITH_SCALAR_RIGHT = {
    operator.add: lambda a, s: [v + s for v in a],
    operator.sub: lambda a, s: [v - s for v in a],
    operator.mul: lambda a, s: [v * s for v in a],
    operator.truediv: lambda a, s: [v / s for v in a],
}
_WITH_SCALAR_LEFT = {
    operator.add: lambda s, b: [s + v for v in b],
    operator.sub: lambda s, b: [s - v for v in b],
    operator.mul: lambda s, b: [s * v for v in b],
    operator.truediv: lambda s, b: [s / v for v in b],
}


def _output(out, res):
    """The output buffer of a fast-path result: built directly for f32/f64, else
    through the codec (which rounds or wraps each value into the type)."""
    code = _DIRECT.get(out.type.name) if codec.ARRAY_CODES.get(out.type.name) else None
    if code is not None and not isinstance(res, array):
        return Buffer(out.type, array(code, res), out.size)
    return Buffer.from_values(out.type, res)


class elementwise(OpMethod):
    """A ReferenceBackend method computing the spec op of the attribute's name."""

    def bind(self, obj, op):
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
        if op.fast is not None and op.extras.get("kernel") is None and not ctype.is_complex:
            try:
                return Tensor.from_spec(out, _output(out, map(op.fast, vals)), self)
            except _FAST_ERRORS:
                # a value outside the builtin's domain: only those take the full semantics
                fn = _guarded(op.fast, fn)
        res = list(map(fn, vals))
        return Tensor.from_spec(out, Buffer.from_values(out.type, res), self)

    def _binary(self, op, out, x, y):
        ctype = op.extras["compute_type"](types.merge(x.type, y.type))
        a = self._input(x, ctype)
        b = self._input(y, ctype)
        n = out.size
        fast = op.fast if op.extras.get("kernel") is None and not ctype.is_complex else None
        if fast is not None and n > 1 and (x.size == 1) != (y.size == 1):
            scalar_fast = (_WITH_SCALAR_RIGHT if y.size == 1 else _WITH_SCALAR_LEFT).get(fast)
            if scalar_fast is not None and out.shape == (y.shape if x.size == 1 else x.shape):
                try:
                    res = scalar_fast(a, b[0]) if y.size == 1 else scalar_fast(a[0], b)
                    return Tensor.from_spec(out, _output(out, res), self)
                except _FAST_ERRORS:
                    pass
        # broadcast: a scalar operand is repeated, others are expanded
        if n == 1:
            a, b = [a[0]] if len(a) else [], [b[0]] if len(b) else []
        else:
            a = _broadcast(a, x.shape, out.shape)
            b = _broadcast(b, y.shape, out.shape)
        fn = _function(op, ctype)
        if fast is not None:
            try:
                return Tensor.from_spec(out, _output(out, map(fast, a, b)), self)
            except _FAST_ERRORS:
                # a value outside the builtin's domain: only those take the full semantics
                fn = _guarded(fast, fn)
        res = list(map(fn, a, b))
        return Tensor.from_spec(out, Buffer.from_values(out.type, res), self)


def _guarded(fast, fn):
    """The element function that tries the builtin first and takes the full
    semantics only where the builtin raises."""
    def element(*args):
        try:
            return fast(*args)
        except _FAST_ERRORS:
            return fn(*args)
    return element


def _broadcast(vals, shape, out_shape):
    if tuple(shape) == tuple(out_shape):
        return vals
    if len(vals) == 1:
        return repeat(vals[0])
    return expand(vals, shape, out_shape)
