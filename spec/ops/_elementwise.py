"""Builders that turn element semantics into element-wise Op records.

An element-wise op is declared as a plain Python function on one element (or two),
decorated with :func:`unary` or :func:`binary`, which supply the shape rule
(identity, or implicit broadcasting), the naming rule (names kept, or merged) and
the type rule given by ``out_type``.

Semantics: the inputs are first converted to the *computation type* (by default
the output type; comparisons compute in the merged input type), the function is
applied to the Python values exactly, and the result is rounded into the output
type (:mod:`spec.values`). ``fast`` may name a builtin that agrees with the
semantics on real values wherever it does not raise; backends may use it as a
fast path for real computation types (complex values always take the full
semantics, which handle infinities and signed zeros as C99 does).
"""

from __future__ import annotations

from spec import types
from spec.errors import TypeError_
from spec.names import broadcast_names
from spec.registry import Op, TensorSpec, register, tensor
from spec.shapes import broadcast_shapes

__all__ = ["unary", "binary", "ANY", "NUMERIC", "REAL", "FLOATING", "INTEGER", "NOT_COMPLEX"]

ANY = types.ALL_TYPES
REAL = types.REAL_TYPES
INTEGER = types.INTEGER_TYPES
FLOATING = types.FLOAT_TYPES + types.COMPLEX_TYPES
NOT_COMPLEX = types.REAL_TYPES
NUMERIC = types.ALL_TYPES


def _same(t):
    return t


def complex_error(name, arity):
    """Nx's message for an op that rejects complex inputs."""
    return lambda t: f"nx.{name}/{arity} does not support complex inputs, got: {t}"


def _default_error(name, accepts):
    kinds = sorted({t.kind for t in accepts})
    return lambda t: (f"nx.{name} does not support {t} inputs "
                      f"(accepted kinds: {', '.join(kinds)})")


def _check(name, accepts, error, type_):
    if type_ not in accepts:
        raise TypeError_((error or _default_error(name, accepts))(type_))


def unary(*, accepts=ANY, out_type=_same, compute_type=None, fast=None, kernel=None,
          tolerance=None, special_cases=(), grad=None, error=None, differentiable=True):
    """Declare a unary element-wise op from its element function.

    ``out_type(input_type)`` is the type rule; ``compute_type(input_type)`` the type
    the input is converted to before the function applies (default: the output
    type); ``kernel(compute_type)`` may return a type-specific element function
    when the semantics depend on the type (bit widths, integer division).
    """

    def declare(fn):
        name = fn.__name__

        def infer(x):
            t = x.type if isinstance(x, TensorSpec) else types.infer(x)
            _check(name, accepts, error, t)
            if not isinstance(x, TensorSpec):
                return TensorSpec(out_type(t), (), ())
            return TensorSpec(out_type(t), x.shape, x.names)

        op = Op(
            name=name, family="elementwise", params=(tensor("tensor"),), infer=infer,
            doc=fn.__doc__ or "", semantics=fn, fast=fast, grad=grad,
            tolerance=dict(tolerance or {}), special_cases=tuple(special_cases),
            accepts=tuple(accepts), differentiable=differentiable,
            extras={"arity": 1, "compute_type": compute_type or out_type,
                    "out_type": out_type, "kernel": kernel},
        )
        return register(op)

    return declare


def _operand_type(x):
    return x.type if isinstance(x, TensorSpec) else x


def binary(*, accepts=ANY, out_type=_same, compute_type=None, fast=None, kernel=None,
           tolerance=None, special_cases=(), grad=None, error=None, differentiable=True):
    """Declare a binary element-wise op with implicit broadcasting.

    The merged type of the operands (:func:`spec.types.binary_type`, Python numbers
    merging with ``merge_number``) feeds ``out_type``; ``compute_type`` (default:
    the output type) is what both operands are converted to.
    """

    def declare(fn):
        name = fn.__name__

        def infer(left, right):
            merged = types.binary_type(_operand_type(left), _operand_type(right))
            for x in (left, right):
                if isinstance(x, TensorSpec):
                    _check(name, accepts, error, x.type)
            _check(name, accepts, error, merged)
            lshape, lnames = (left.shape, left.names) if isinstance(left, TensorSpec) else ((), ())
            rshape, rnames = (right.shape, right.names) if isinstance(right, TensorSpec) else ((), ())
            if lshape == rshape and lnames == rnames:
                shape, names = lshape, lnames
            else:
                shape = broadcast_shapes(lshape, rshape)
                names = broadcast_names(lshape, lnames, rshape, rnames)
            return TensorSpec(out_type(merged), shape, names)

        def literal_type(args, index):
            return types.binary_type(_operand_type(args[0]), _operand_type(args[1]))

        op = Op(
            name=name, family="elementwise", params=(tensor("left"), tensor("right")),
            infer=infer, doc=fn.__doc__ or "", semantics=fn, fast=fast, grad=grad,
            literal_type=literal_type, tolerance=dict(tolerance or {}),
            special_cases=tuple(special_cases), accepts=tuple(accepts),
            differentiable=differentiable,
            extras={"arity": 2, "compute_type": compute_type or out_type,
                    "out_type": out_type, "kernel": kernel},
        )
        return register(op)

    return declare
