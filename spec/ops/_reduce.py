"""Builder for reductions over ``axes`` (all axes when ``axes`` is None).

A reduction is declared as a function from the list of values of one reduced
group (in row-major order) to one value; the builder supplies the options
``axes`` (ints, negative ints or axis names) and ``keep_axes``, the shape rule and
the naming rule (reduced axes disappear, or stay with size 1 and their names).
"""

from __future__ import annotations

from spec import types
from spec.errors import TypeError_
from spec.registry import Op, TensorSpec, option, register, tensor
from spec.shapes import normalize_axes, reduce_shape

__all__ = ["reduction", "normalize_reduce_axes"]


def normalize_reduce_axes(x, axes):
    """Canonical axes of a reduction: None (all) or a sorted tuple of ints."""
    if axes is None:
        return None
    return tuple(sorted(normalize_axes(axes, x.shape, x.names)))


def reduction(*, accepts=types.ALL_TYPES, out_type=lambda t: t, compute_type=None,
              fast=None, tolerance=None, special_cases=(), grad=None, error=None,
              differentiable=True, identity=None):
    """Declare a reduction from its group semantics ``fn(values) -> value``.

    ``identity`` is the value of a reduction over an empty group.
    """

    def declare(fn):
        name = fn.__name__

        def normalize(x, *, axes=None, keep_axes=False):
            return {"axes": normalize_reduce_axes(x, axes), "keep_axes": bool(keep_axes)}

        def infer(x, *, axes=None, keep_axes=False):
            if x.type not in accepts:
                msg = error(x.type) if error else f"nx.{name} does not support {x.type} inputs"
                raise TypeError_(msg)
            shape, names = reduce_shape(x.shape, x.names, axes, keep_axes)
            return TensorSpec(out_type(x.type), shape, names)

        op = Op(
            name=name, family="reduction",
            params=(tensor("tensor"), option("axes", None), option("keep_axes", False)),
            infer=infer, normalize=normalize, doc=fn.__doc__ or "", semantics=fn, fast=fast,
            grad=grad, tolerance=dict(tolerance or {}), special_cases=tuple(special_cases),
            accepts=tuple(accepts), differentiable=differentiable,
            extras={"compute_type": compute_type or out_type, "identity": identity},
        )
        return register(op)

    return declare
