"""Creation, conversion and movement of data in the reference backend."""

from __future__ import annotations

from spec import codec, values
from nx_ref.reference.storage import Buffer, cast_values, expand, strides
from nx_ref.tensor import Tensor

__all__ = ["CreationMixin"]


class CreationMixin:
    def constant(self, out, number):
        v = values.coerce(out.type, number) if not (out.type.is_integer and isinstance(number, float)) \
            else values.cast(number, "f64", out.type)
        return Tensor.from_spec(out, Buffer.from_values(out.type, [v] * out.size), self)

    def from_binary(self, out, data):
        if isinstance(data, Buffer):
            return Tensor.from_spec(out, data, self)
        return Tensor.from_spec(out, Buffer.from_bytes(out.type, data, out.size), self)

    def from_values(self, out, vals):
        """Build a tensor from Python values already of the output's kind."""
        return Tensor.from_spec(out, Buffer.from_values(out.type, vals), self)

    def backend_copy(self, tensor, backend):
        if isinstance(backend, CreationMixin):    # another reference backend: share the buffer
            return Tensor.from_spec(tensor.spec, tensor.data, backend)
        return backend.from_binary(tensor.spec, tensor.data.tobytes())

    def to_binary(self, tensor, limit=None):
        data = tensor.data.tobytes()
        if limit is not None and limit < tensor.size:
            data = data[:codec.nbytes(tensor.type, limit)]
        return data

    def to_flat_list(self, tensor):
        v = tensor.data.values()
        return v.tolist() if hasattr(v, "tolist") else list(v)

    def iota(self, out, *, axis=None):
        shape = out.shape
        n = out.size
        if axis is None:
            vals = range(n)
        else:
            st = strides(shape)[axis]
            d = shape[axis]
            vals = [(i // st) % d for i in range(n)]
        vals = list(vals)
        if not out.type.is_integer:
            vals = [float(v) for v in vals]
        return self.from_values(out, [values.cast(v, "s64", out.type) for v in vals]
                                if out.type.is_integer else vals)

    def eye(self, out):
        *batch, rows, cols = out.shape
        one = values.coerce(out.type, 1)
        zero = values.coerce(out.type, 0)
        matrix = [one if r == c else zero for r in range(rows) for c in range(cols)]
        n_batch = 1
        for d in batch:
            n_batch *= d
        return self.from_values(out, matrix * n_batch)

    def broadcast(self, out, x, *, axes):
        vals = x.data.values()
        return self.from_values(out, expand(vals, x.shape, out.shape, axes))

    def as_type(self, out, x):
        return self.from_values(out, cast_values(x.data.values(), x.type, out.type))

    def bitcast(self, out, x):
        return Tensor.from_spec(out, Buffer.from_bytes(out.type, x.data.tobytes(), out.size), self)
