"""The template backend: tensors that have a type, shape and names but no data.

Templates describe tensors (the inputs of a function compiled ahead of time, for
example). Any operation on one raises, as Nx's ``Nx.TemplateBackend`` does; a
template meeting a reference tensor still takes over the operation (so that it
raises), and one meeting another backend is an incompatible-backends error.

>>> import nx_ref as nx
>>> t = nx.template((2,), "f32")
>>> t
#Nx.Tensor<
  f32[2]
  Nx.TemplateBackend
>
>>> t.to_flat_list()
Traceback (most recent call last):
...
spec.errors.ArgumentError: cannot perform operations on a Nx.TemplateBackend tensor (nx.to_binary)
"""

from __future__ import annotations

from spec.errors import ArgumentError
from nx_ref.backend import Backend

__all__ = ["TemplateBackend"]


class TemplateBackend(Backend):
    """Holds no data; every callback raises."""

    def missing_primitive(self, name):
        raise ArgumentError(f"cannot perform operations on a Nx.TemplateBackend tensor (nx.{name})")

    def to_binary(self, tensor, limit=None):
        self.missing_primitive("to_binary")

    def to_flat_list(self, tensor):
        self.missing_primitive("to_binary")

    def from_binary(self, out, data):
        # tensors and numbers meeting a template become templates too, so that the
        # operation itself raises, naming itself
        from nx_ref.tensor import Tensor
        return Tensor.from_spec(out, None, self)

    def constant(self, out, number):
        return self.from_binary(out, None)

    def backend_copy(self, tensor, backend):
        self.missing_primitive("backend_copy")

    def inspect(self, tensor, limit):
        return "Nx.TemplateBackend"
