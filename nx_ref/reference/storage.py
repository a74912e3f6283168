"""Reference storage: tensor data as little-endian row-major bytes.

The data of a reference tensor is a :class:`Buffer`: a read-only buffer in the
layout of :mod:`spec.codec` (an ``array.array`` where the type has a native array
code, so that reading values back costs nothing, else ``bytes``) plus a cache of
its decoded Python values. Tensors are immutable, so the cache never goes stale.

>>> b = Buffer.from_values("f32", [1.0, 0.1])
>>> list(b.values()), b.tobytes()[:4]
([1.0, 0.10000000149011612], b'\\x00\\x00\\x80?')
"""

from __future__ import annotations

from array import array
from itertools import repeat

from spec import codec, types, values

__all__ = ["Buffer", "expand", "transpose_values", "strides", "cast_values", "scalar_tensor",
           "fold_result"]


class Buffer:
    __slots__ = ("type", "buf", "count", "_values")

    def __init__(self, type_, buf, count):
        self.type = type_
        self.buf = buf
        self.count = count
        self._values = None

    @classmethod
    def from_values(cls, type_, vals, count=None):
        """Encode Python values (rounding or wrapping them into the type)."""
        type_ = types.normalize(type_)
        if not isinstance(vals, (list, array)):
            vals = list(vals)
        buf = codec.encode(type_, vals)
        return cls(type_, buf, len(vals) if count is None else count)

    @classmethod
    def from_bytes(cls, type_, data, count):
        return cls(types.normalize(type_), bytes(data), count)

    def values(self):
        """The elements as Python values (an array or a list; do not mutate)."""
        v = self._values
        if v is None:
            v = codec.decode(self.type, self.buf, count=self.count)
            self._values = v
        return v

    def tobytes(self) -> bytes:
        buf = self.buf
        return buf if isinstance(buf, bytes) else buf.tobytes()


def strides(shape):
    """Row-major strides, in elements.

    >>> strides((2, 3, 4))
    (12, 4, 1)
    """
    out = []
    acc = 1
    for d in reversed(shape):
        out.append(acc)
        acc *= d
    return tuple(reversed(out))


def transpose_values(vals, shape, perm):
    """Reorder row-major values of ``shape`` so that output axis i is input axis
    ``perm[i]``.

    >>> transpose_values([0, 1, 2, 3, 4, 5], (2, 3), (1, 0))
    [0, 3, 1, 4, 2, 5]
    """
    if tuple(perm) == tuple(range(len(shape))):
        return vals if isinstance(vals, list) else list(vals)
    st = strides(shape)
    idx = [0]
    for axis in perm:
        s, n = st[axis], shape[axis]
        idx = [i + k * s for i in idx for k in range(n)]
    return [vals[i] for i in idx]


def expand(vals, shape, out_shape, axes=None):
    """Broadcast row-major values of ``shape`` to ``out_shape``: input axis i maps
    to output axis ``axes[i]`` (default: aligned right) and has the same size or 1.

    >>> expand([1, 2], (2,), (2, 2))
    [1, 2, 1, 2]
    >>> expand([1, 2], (2,), (2, 2), axes=(0,))
    [1, 1, 2, 2]
    """
    n_out = 1
    for d in out_shape:
        n_out *= d
    if axes is None:
        axes = tuple(range(len(out_shape) - len(shape), len(out_shape)))
    if len(vals) == 1:
        return list(repeat(vals[0], n_out))
    in_strides = strides(shape)
    # per output axis, the stride into the input (0 where broadcast)
    out_in_strides = [0] * len(out_shape)
    for i, a in enumerate(axes):
        if shape[i] != 1:
            out_in_strides[a] = in_strides[i]
    idx = [0]
    for a, n in enumerate(out_shape):
        s = out_in_strides[a]
        if s == 0:
            idx = [i for i in idx for _ in range(n)]
        else:
            idx = [i + k * s for i in idx for k in range(n)]
    return [vals[i] for i in idx]


def cast_values(vals, from_type, to_type):
    """Convert values between types (:func:`spec.values.cast` on each element)."""
    if from_type == to_type:
        return vals
    if to_type.is_floating and not from_type.is_complex and to_type.name in ("f64", "c128"):
        conv = complex if to_type.is_complex else float
        return [conv(v) for v in vals]
    if to_type.name == "f32" and from_type.is_integer and from_type.bits <= 32:  # exact in f64
        return list(array("f", [float(v) for v in vals]))
    cast = values.cast
    return [cast(v, from_type, to_type) for v in vals]


def scalar_tensor(backend, type_, value):
    """A scalar reference tensor holding ``value`` (for user functions that fold
    elements: nx.reduce, nx.window_reduce)."""
    from spec.registry import TensorSpec
    from nx_ref.tensor import Tensor
    return Tensor.from_spec(TensorSpec(type_, (), ()), Buffer.from_values(type_, [value]),
                            backend)


def fold_result(result, type_, fname):
    """The value, in ``type_``, of a user function's result (a scalar tensor or a
    number); ``fname`` names the op in the error for a non-scalar result."""
    from nx_ref.tensor import Tensor
    if isinstance(result, Tensor):
        if result.shape != ():
            from spec.errors import ShapeError
            raise ShapeError(f"nx.{fname}: fun must return a scalar, got a tensor of "
                             f"shape {result.shape}")
        return values.cast(result.backend.to_flat_list(result)[0], result.type, type_)
    return values.cast(result, types.infer(result), type_)
