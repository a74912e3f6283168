"""The reference backend: every spec op computed in plain Python.

Data is stored as little-endian row-major bytes (:mod:`nx_ref.reference.storage`);
each op decodes its inputs into Python values, applies the spec's semantics and
rounds the results into the output type exactly.

>>> import nx_ref as nx
>>> nx.exp(nx.tensor([0.0], backend=nx.ReferenceBackend())).to_list()
[1.0]
"""

from __future__ import annotations

from nx_ref.backend import Backend
from nx_ref.reference.creation import CreationMixin
from nx_ref.reference.elementwise import ElementwiseMixin, elementwise
from nx_ref.reference.reductions import ReductionMixin, reduction

__all__ = ["ReferenceBackend"]


class ReferenceBackend(CreationMixin, ElementwiseMixin, ReductionMixin, Backend):
    """The default backend: plain Python, exact rounding into each output type."""

    priority = 0  # any other backend takes over its tensors

    # element-wise unary (spec/ops/unary.py)
    exp = elementwise()
    # end of element-wise unary

    # element-wise binary (spec/ops/binary.py)
    add = elementwise()
    divide = elementwise()
    # end of element-wise binary

    # reductions (spec/ops/reductions.py); composites are inherited from Backend
    sum = reduction()
    # end of reductions
