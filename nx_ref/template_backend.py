"""The template backend: tensors that have a type, shape and names but no data.

>>> import nx_ref as nx
>>> t = nx.template((2,), "f32")
>>> t.to_list()
Traceback (most recent call last):
...
spec.errors.ArgumentError: cannot read the data of a template tensor (f32[2]): templates only describe a tensor
"""

from __future__ import annotations

from spec.errors import ArgumentError
from nx_ref.backend import Backend

__all__ = ["TemplateBackend"]


class TemplateBackend(Backend):
    """Holds no data; any attempt to compute with a template raises."""

    priority = -1

    def _refuse(self, tensor):
        dims = "".join(f"[{d}]" for d in tensor.shape)
        raise ArgumentError(
            f"cannot read the data of a template tensor ({tensor.type}{dims}): "
            f"templates only describe a tensor")

    def to_binary(self, tensor, limit=None):
        self._refuse(tensor)

    def to_flat_list(self, tensor):
        self._refuse(tensor)
