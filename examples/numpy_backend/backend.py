"""``NumpyBackend``: tensors held in numpy arrays, ops computed by numpy.

Written the way an outside author would write a backend: it imports only the
public API (``nx_ref.backend.Backend``, ``nx_ref.tensor.Tensor``, ``nx.types``)
and follows the protocol's contract: every method receives ``out`` (the type,
shape and names the frontend already inferred) and only fills in the data.

>>> import nx_ref as nx
>>> from examples.numpy_backend import NumpyBackend
>>> t = nx.tensor([[1.0, 2.0], [3.0, 4.0]], names=["x", "y"], backend=NumpyBackend())
>>> nx.sum(nx.exp(t), axes=["x"])
#Nx.Tensor<
  f32[y: 2]
  [22.80382, 61.987206]
>
"""

from __future__ import annotations

import numpy as np

import nx_ref as nx
from nx_ref.backend import Backend
from nx_ref.tensor import Tensor

__all__ = ["NumpyBackend", "DTYPES"]

# The spec's types numpy holds natively (little-endian, the layout of to_binary).
DTYPES = {"u8": "<u1", "u16": "<u2", "u32": "<u4", "u64": "<u8",
          "s8": "<i1", "s16": "<i2", "s32": "<i4", "s64": "<i8",
          "f16": "<f2", "f32": "<f4", "f64": "<f8", "c64": "<c8", "c128": "<c16"}


def _dtype(type_):
    name = str(type_)
    if name not in DTYPES:
        raise NotImplementedError(f"NumpyBackend does not support the type {name}")
    return np.dtype(DTYPES[name])


def _unary(fun):
    """An element-wise unary op: the input cast to the output type, then ``fun``."""
    def method(self, out, x):
        with np.errstate(all="ignore"):
            return self._wrap(out, fun(self._in(x, out.type)))
    return method


def _unary_own(fun):
    """An element-wise unary op computed on the input's own type (abs of a
    complex number is real: casting the input first would drop its imaginary part)."""
    def method(self, out, x):
        with np.errstate(all="ignore"):
            return self._wrap(out, fun(self._array(x)))
    return method


def _binary(fun):
    """An element-wise binary op computed in the output type (numpy broadcasts)."""
    def method(self, out, left, right):
        with np.errstate(all="ignore"):
            return self._wrap(out, fun(self._in(left, out.type), self._in(right, out.type)))
    return method


def _compare(fun):
    """A comparison: computed in the merged type of the inputs, u8 result."""
    def method(self, out, left, right):
        merged = nx.types.merge(left.type, right.type)
        with np.errstate(all="ignore"):
            return self._wrap(out, fun(self._in(left, merged), self._in(right, merged)))
    return method


def _reduction(fun):
    """A reduction over ``axes`` (None: all) computed in the output type."""
    def method(self, out, x, *, axes, keep_axes):
        with np.errstate(all="ignore"):
            axis = None if axes is None else tuple(axes)
            return self._wrap(out, fun(self._in(x, out.type), axis=axis, keepdims=keep_axes))
    return method


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _int_div(a, b):
    # numpy's // floors; the spec truncates toward zero
    q = np.floor_divide(a, b)
    fix = (np.remainder(a, b) != 0) & ((a < 0) != (b < 0))
    return q + fix.astype(q.dtype)


def _remainder(a, b):
    return np.fmod(a, b)


class NumpyBackend(Backend):
    """A backend on numpy (see the module docstring)."""

    # What this backend claims to support: the conformance suite reports every
    # other cell as "unsupported" instead of running it.
    conformance_manifest = {
        "ops": ["exp", "log", "sin", "cos", "tanh", "sqrt", "sigmoid", "negate", "abs",
                "add", "subtract", "multiply", "divide", "quotient", "remainder", "max", "min",
                "pow", "equal", "not_equal", "less", "greater", "select",
                "sum", "product", "reduce_max", "reduce_min", "argmax",
                "reshape", "transpose", "broadcast", "as_type", "slice", "concatenate",
                "squeeze", "iota", "dot", "sort", "mean"],
        "types": sorted(DTYPES),
    }

    def __repr__(self):
        return "NumpyBackend()"

    # -- data ------------------------------------------------------------------------
    def _wrap(self, out, array):
        data = np.ascontiguousarray(np.asarray(array).astype(_dtype(out.type), copy=False))
        return Tensor.from_spec(out, data.reshape(out.shape), self)

    def _array(self, t):
        """The numpy array of ``t`` (a tensor of another backend is copied here)."""
        if t.backend is not self and not isinstance(t.backend, NumpyBackend):
            t = nx.backend_copy(t, self)
        return t.data

    def _in(self, t, type_):
        with np.errstate(all="ignore"):
            return self._array(t).astype(_dtype(type_), copy=False)

    def from_binary(self, out, data):
        array = np.frombuffer(bytes(data), dtype=_dtype(out.type), count=int(np.prod(out.shape)))
        return Tensor.from_spec(out, array.reshape(out.shape).copy(), self)

    def to_binary(self, tensor, limit=None):
        flat = np.ascontiguousarray(tensor.data).reshape(-1)
        return (flat if limit is None else flat[:limit]).tobytes()

    def constant(self, out, number):
        return self._wrap(out, np.full(out.shape, number))

    def iota(self, out, *, axis=None):
        if axis is None:
            return self._wrap(out, np.arange(int(np.prod(out.shape))).reshape(out.shape))
        shape = [1] * len(out.shape)
        shape[axis] = out.shape[axis]
        return self._wrap(out, np.broadcast_to(np.arange(out.shape[axis]).reshape(shape), out.shape))

    # -- element-wise ----------------------------------------------------------------
    exp = _unary(np.exp)
    log = _unary(np.log)
    sin = _unary(np.sin)
    cos = _unary(np.cos)
    tanh = _unary(np.tanh)
    sqrt = _unary(np.sqrt)
    sigmoid = _unary(_sigmoid)
    negate = _unary(np.negative)
    abs = _unary_own(np.abs)

    add = _binary(np.add)
    subtract = _binary(np.subtract)
    multiply = _binary(np.multiply)
    divide = _binary(np.true_divide)
    quotient = _binary(_int_div)
    remainder = _binary(_remainder)
    max = _binary(np.maximum)
    min = _binary(np.minimum)
    pow = _binary(np.power)

    equal = _compare(np.equal)
    not_equal = _compare(np.not_equal)
    less = _compare(np.less)
    greater = _compare(np.greater)

    def select(self, out, pred, on_true, on_false):
        return self._wrap(out, np.where(self._array(pred) != 0, self._in(on_true, out.type),
                                        self._in(on_false, out.type)))

    # -- reductions ------------------------------------------------------------------
    sum = _reduction(np.sum)
    product = _reduction(np.prod)
    reduce_max = _reduction(np.max)
    reduce_min = _reduction(np.min)

    def argmax(self, out, x, *, axis=None, keep_axis=False, tie_break="low"):
        a = self._array(x)
        if axis is None:
            a, axis = a.reshape(-1), 0
        if tie_break == "high":
            a = np.flip(a, axis)
        i = np.argmax(a, axis=axis)
        if tie_break == "high":
            i = a.shape[axis] - 1 - i
        return self._wrap(out, np.expand_dims(i, axis) if keep_axis else i)

    # -- shape -----------------------------------------------------------------------
    def reshape(self, out, x):
        return self._wrap(out, self._array(x).reshape(out.shape))

    def squeeze(self, out, x, *, axes):
        return self._wrap(out, self._array(x).reshape(out.shape))

    def transpose(self, out, x, *, axes):
        return self._wrap(out, np.transpose(self._array(x), axes))

    def broadcast(self, out, x, *, axes):
        shape = [1] * len(out.shape)
        for axis, dim in zip(axes, x.shape):
            shape[axis] = dim
        return self._wrap(out, np.broadcast_to(self._array(x).reshape(shape), out.shape))

    def as_type(self, out, x):
        with np.errstate(all="ignore"):
            a = self._array(x)
            if a.dtype.kind == "c" and not out.type.is_complex:
                a = a.real
            return self._wrap(out, a)

    def slice(self, out, x, start_indices, *, lengths, strides):
        a = self._array(x)
        index = []
        for dim, start, length, stride in zip(a.shape, start_indices, lengths, strides):
            start = int(start.to_number()) if isinstance(start, Tensor) else int(start)
            start = max(0, min(start, dim - length))   # the spec clamps the start
            index.append(slice(start, start + length, stride))
        return self._wrap(out, a[tuple(index)])

    def concatenate(self, out, tensors, *, axis):
        return self._wrap(out, np.concatenate([self._in(t, out.type) for t in tensors], axis=axis))

    # -- contraction and sorting -----------------------------------------------------
    def dot(self, out, t1, t2, *, contract_axes1, batch_axes1, contract_axes2, batch_axes2):
        letters = iter("abcdefghijklmnopqrstuvwxyz")
        s1 = [next(letters) for _ in range(t1.rank)]
        s2 = [next(letters) for _ in range(t2.rank)]
        for a1, a2 in zip(list(contract_axes1) + list(batch_axes1), list(contract_axes2) + list(batch_axes2)):
            s2[a2] = s1[a1]
        batch = [s1[a] for a in batch_axes1]
        free1 = [c for i, c in enumerate(s1) if i not in contract_axes1 and i not in batch_axes1]
        free2 = [c for i, c in enumerate(s2) if i not in contract_axes2 and i not in batch_axes2]
        spec = f"{''.join(s1)},{''.join(s2)}->{''.join(batch + free1 + free2)}"
        with np.errstate(all="ignore"):
            return self._wrap(out, np.einsum(spec, self._in(t1, out.type), self._in(t2, out.type)))

    def sort(self, out, x, *, axis, direction, stable):
        a = np.sort(self._array(x), axis=axis, kind="stable")
        return self._wrap(out, np.flip(a, axis) if direction == "desc" else a)
