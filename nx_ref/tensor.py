"""The immutable Tensor: a type, a shape, axis names and backend-owned data.

A Tensor never changes after it is built. Its ``data`` belongs to its
``backend`` (an instance of :class:`nx_ref.backend.Backend`), which is the only
code that reads it. Python operators map to ``nx`` functions.

>>> import nx_ref as nx
>>> t = nx.tensor([[1, 2], [3, 4]], names=["x", "y"])
>>> str(t.type), t.shape, t.names, t.rank, t.size
('s32', (2, 2), ('x', 'y'), 2, 4)
>>> (t + 1).to_list()
[[2, 3], [4, 5]]
"""

from __future__ import annotations

from spec import types as _types
from spec.errors import ArgumentError, TypeError_
from spec.registry import TensorSpec

__all__ = ["Tensor"]


def _nx():
    import nx_ref
    return nx_ref


def _rebuild(type_name, shape, names, data, backend):
    """Unpickle a tensor: its binary back on its backend (templates have no data)."""
    spec = TensorSpec(_types.normalize(type_name), tuple(shape), tuple(names))
    if data is None:
        return Tensor.from_spec(spec, None, backend)
    return backend.from_binary(spec, data)


class Tensor:
    """A typed, named, n-dimensional array (see the module docstring)."""

    __slots__ = ("data", "type", "shape", "names", "backend", "__weakref__")
    __array_priority__ = 1000  # numpy defers binary operators to us

    def __init__(self, data, type, shape, names, backend):
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "shape", shape)
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "backend", backend)

    def __setattr__(self, key, value):
        raise AttributeError(f"cannot set {key!r}: tensors are immutable (nx functions "
                             f"return new tensors)")

    def __delattr__(self, key):
        raise AttributeError(f"cannot delete {key!r}: tensors are immutable")

    @classmethod
    def from_spec(cls, spec: TensorSpec, data, backend) -> "Tensor":
        return cls(data, spec.type, spec.shape, spec.names, backend)

    # -- attributes ---------------------------------------------------------
    @property
    def spec(self) -> TensorSpec:
        """The tensor's :class:`~spec.registry.TensorSpec` (type, shape, names)."""
        return TensorSpec(self.type, self.shape, self.names)

    @property
    def rank(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n

    # -- conversion ---------------------------------------------------------
    def to_list(self):
        """The data as nested Python lists, like numpy's ``tolist``: a scalar gives
        its number (where :func:`nx_ref.to_list`, Nx's function, raises).

        >>> import nx_ref as nx
        >>> nx.tensor([[1.5, 2.0]]).to_list(), nx.tensor(7).to_list()
        ([[1.5, 2.0]], 7)
        """
        if not self.shape:
            return _nx().to_number(self)
        return _nx().to_list(self)

    def to_flat_list(self, limit=None):
        """The elements as a flat list, row-major (see :func:`nx_ref.to_flat_list`)."""
        return _nx().to_flat_list(self, limit=limit)

    def to_number(self):
        """The value of a scalar tensor as a Python number (see :func:`nx_ref.to_number`)."""
        return _nx().to_number(self)

    def to_binary(self, limit=None) -> bytes:
        """The data as bytes (see :func:`nx_ref.to_binary`)."""
        return _nx().to_binary(self, limit=limit)

    def to_numpy(self):
        """The data as a numpy array (requires numpy; bf16 and f8 need ml_dtypes)."""
        from nx_ref import interop
        return interop.to_numpy(self)

    def __array__(self, dtype=None, copy=None):
        arr = self.to_numpy()
        return arr.astype(dtype) if dtype is not None else arr

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        """A DLPack capsule of the data, read-only (see :mod:`nx_ref.dlpack`)."""
        from nx_ref import dlpack
        return dlpack.dlpack(self, stream=stream, max_version=max_version, dl_device=dl_device, copy=copy)

    def __dlpack_device__(self):
        from nx_ref import dlpack
        return dlpack.dlpack_device(self)

    def _scalar(self, what):
        if self.size != 1:
            raise ArgumentError(
                f"cannot convert a tensor of shape {self.shape} to a Python {what}: only "
                f"tensors with exactly one element can be (see nx.to_number, nx.to_list)")
        return _nx().to_flat_list(self)[0]

    def __float__(self):
        if self.type.is_complex:
            raise TypeError_(f"cannot convert a {self.type} tensor to a Python float: use "
                             f"complex(t), or nx.real / nx.abs first")
        return float(self._scalar("float"))

    def __int__(self):
        if self.type.is_complex:
            raise TypeError_(f"cannot convert a {self.type} tensor to a Python int: use "
                             f"complex(t), or nx.real first")
        return int(self._scalar("int"))

    def __complex__(self):
        return complex(self._scalar("complex"))

    def __index__(self):
        if not self.type.is_integer:
            raise TypeError_(f"only integer tensors can be used as an index, got a {self.type} tensor")
        return int(self._scalar("int"))

    def __bool__(self):
        if getattr(self.backend, "is_expr", False):
            self.backend.truth_error()
        if self.size != 1:
            raise ArgumentError(
                f"the truth value of a tensor of shape {self.shape} is ambiguous: only tensors "
                f"with exactly one element have one (use nx.all or nx.any)")
        return bool(self._scalar("bool"))

    def __len__(self):
        if not self.shape:
            raise TypeError_("len() of a scalar tensor (shape ())")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError_("iteration over a scalar tensor (shape ())")
        for i in range(self.shape[0]):
            yield self[i]

    def __repr__(self):
        from nx_ref import inspect as _inspect
        return _inspect.inspect(self)

    # immutable: copies are the tensor itself; pickling goes through the binary
    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        data = None if self.data is None else self.backend.to_binary(self)
        return (_rebuild, (self.type.name, self.shape, self.names, data, self.backend))

    __hash__ = None  # == is element-wise

    # -- operators ----------------------------------------------------------
    def __add__(self, other): return _nx().add(self, other)
    def __radd__(self, other): return _nx().add(other, self)
    def __sub__(self, other): return _nx().subtract(self, other)
    def __rsub__(self, other): return _nx().subtract(other, self)
    def __mul__(self, other): return _nx().multiply(self, other)
    def __rmul__(self, other): return _nx().multiply(other, self)
    def __truediv__(self, other): return _nx().divide(self, other)
    def __rtruediv__(self, other): return _nx().divide(other, self)
    # `%` is Nx's remainder: the sign follows the dividend (C's fmod), not Python's
    def __mod__(self, other): return _nx().remainder(self, other)
    def __rmod__(self, other): return _nx().remainder(other, self)
    def __pow__(self, other): return _nx().pow(self, other)
    def __rpow__(self, other): return _nx().pow(other, self)
    def __matmul__(self, other): return _nx().dot(self, other)
    def __rmatmul__(self, other): return _nx().dot(other, self)
    def __neg__(self): return _nx().negate(self)
    def __pos__(self): return self
    def __abs__(self): return _nx().abs(self)
    def __invert__(self): return _nx().bitwise_not(self)
    def __and__(self, other): return _nx().bitwise_and(self, other)
    def __rand__(self, other): return _nx().bitwise_and(other, self)
    def __or__(self, other): return _nx().bitwise_or(self, other)
    def __ror__(self, other): return _nx().bitwise_or(other, self)
    def __xor__(self, other): return _nx().bitwise_xor(self, other)
    def __rxor__(self, other): return _nx().bitwise_xor(other, self)
    def __lshift__(self, other): return _nx().left_shift(self, other)
    def __rlshift__(self, other): return _nx().left_shift(other, self)
    def __rshift__(self, other): return _nx().right_shift(self, other)
    def __rrshift__(self, other): return _nx().right_shift(other, self)
    def __eq__(self, other): return _nx().equal(self, other)
    def __ne__(self, other): return _nx().not_equal(self, other)
    def __lt__(self, other): return _nx().less(self, other)
    def __le__(self, other): return _nx().less_equal(self, other)
    def __gt__(self, other): return _nx().greater(self, other)
    def __ge__(self, other): return _nx().greater_equal(self, other)

    def __getitem__(self, index):
        from nx_ref import indexing
        return indexing.getitem(self, index)
