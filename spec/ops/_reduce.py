"""Builders for reductions: ops that fold groups of elements along axes.

Three shapes of declaration share one axes rule (ints, negative ints or axis
names; duplicates rejected; ``None`` means every axis) and one naming rule
(reduced axes disappear, or stay with size 1 and their names with ``keep_axes``):

* :func:`reduction` declares a primitive from its *group semantics*: a function
  from the values of one reduced group (in row-major order, never empty) to one
  value; ``identity(type)`` is the value of an empty group.
* :func:`arg_reduction` declares argmax/argmin: one ``axis`` (or all), the
  ``keep_axis``, ``tie_break`` and ``type`` options, and the index semantics.
* :func:`statistic` declares a composite over ``axes``/``keep_axes`` (mean,
  variance, ...) from its type rule and its ``composite(nx, x, **opts)``.

>>> from spec.registry import TensorSpec
>>> from spec import registry, types
>>> x = TensorSpec(types.normalize("s8"), (2, 3), ("x", "y"))
>>> op = registry.get("sum")
>>> op.infer(x, **op.normalize(x, axes=["y"]))
TensorSpec(type=Type('s32'), shape=(2,), names=('x',))
"""

from __future__ import annotations

from spec import types
from spec.errors import ArgumentError, TypeError_
from spec.registry import Op, TensorSpec, option, register, tensor
from spec.shapes import normalize_axes, normalize_axis, reduce_shape

__all__ = ["reduction", "arg_reduction", "statistic", "normalize_reduce_axes", "as_spec",
           "reduced_size", "check_type", "AXES_DOC", "KEEP_AXES_DOC"]

AXES_DOC = ("the axes to reduce: ints, negative ints (from the end) or axis names; "
            "None reduces every axis")
KEEP_AXES_DOC = "keep the reduced axes, with size 1"


def as_spec(x) -> TensorSpec:
    """The spec of an operand: a Python number is a scalar of its literal type."""
    if isinstance(x, TensorSpec):
        return x
    return TensorSpec(types.infer(x), (), ())


def normalize_reduce_axes(x, axes):
    """Canonical axes of a reduction: None (all) or a sorted tuple of ints.

    >>> normalize_reduce_axes(TensorSpec(types.normalize("f32"), (2, 3, 4), ("a", None, None)), [-1, "a"])
    (0, 2)
    """
    if axes is None:
        return None
    if not isinstance(axes, (list, tuple, int, str)) or isinstance(axes, bool):
        raise ArgumentError(
            f"expected axes to be a list of integers or axis names, got: {axes!r}")
    return tuple(sorted(normalize_axes(axes, x.shape, x.names)))


def reduced_size(shape, axes) -> int:
    """Number of elements in each group reduced by ``axes`` (None: all).

    >>> reduced_size((2, 3, 4), (0, 2)), reduced_size((2, 3), None), reduced_size((2, 0), (0,))
    (8, 6, 2)
    """
    n = 1
    for i, d in enumerate(shape):
        if axes is None or i in axes:
            n *= d
    return n


def check_type(name, accepts, error, type_):
    """Reject an input type the op does not accept, with the op's message."""
    if type_ not in accepts:
        if error is not None:
            raise TypeError_(error(type_))
        kinds = ", ".join(sorted({t.kind for t in accepts}))
        raise TypeError_(f"nx.{name} does not support {type_} inputs (accepted kinds: {kinds})")


def _constant(value):
    return value if callable(value) else (lambda type_: value)


def _axes_options():
    return (option("axes", None, AXES_DOC), option("keep_axes", False, KEEP_AXES_DOC))


def reduction(*, accepts=types.ALL_TYPES, out_type=lambda t: t, compute_type=None,
              fast=None, tolerance=None, special_cases=(), grad=None, error=None,
              differentiable=True, identity=None):
    """Declare a primitive reduction from its group semantics ``fn(values) -> value``.

    ``out_type(input_type)`` is the type rule; the values reach ``fn`` converted
    to ``compute_type(input_type)`` (default: the output type) and the result is
    rounded (or wrapped) into the output type. ``identity`` (a value, or a
    function of the output type) is the result for an empty group.
    """

    def declare(fn):
        name = fn.__name__

        def normalize(x, *, axes=None, keep_axes=False):
            return {"axes": normalize_reduce_axes(as_spec(x), axes), "keep_axes": bool(keep_axes)}

        def infer(x, *, axes=None, keep_axes=False):
            x = as_spec(x)
            check_type(name, accepts, error, x.type)
            shape, names = reduce_shape(x.shape, x.names, axes, keep_axes)
            return TensorSpec(out_type(x.type), shape, names)

        op = Op(
            name=name, family="reduction", params=(tensor("tensor"),) + _axes_options(),
            infer=infer, normalize=normalize, doc=fn.__doc__ or "", semantics=fn, fast=fast,
            grad=grad, tolerance=dict(tolerance or {}), special_cases=tuple(special_cases),
            accepts=tuple(accepts), differentiable=differentiable,
            extras={"compute_type": compute_type or out_type, "out_type": out_type,
                    "identity": _constant(identity)},
        )
        return register(op)

    return declare


_TIE_BREAKS = ("low", "high")


def arg_reduction(*, accepts, error):
    """Declare argmax/argmin from ``fn(values, tie_break) -> index`` (values never empty).

    Options as Nx: ``axis`` (one axis; None: the index into the flattened
    tensor), ``keep_axis`` (only with ``axis``), ``tie_break`` (``"low"``: the
    first of equal extremes, ``"high"``: the last) and ``type`` (of the indices,
    default s32). Reducing an empty axis is an error: there is no index to give.
    """

    def declare(fn):
        name = fn.__name__

        def normalize(x, *, axis=None, keep_axis=False, tie_break="low", type="s32"):
            x = as_spec(x)
            if tie_break not in _TIE_BREAKS:
                raise ArgumentError(
                    f"nx.{name}: unknown value for tie_break, expected \"high\" or \"low\", "
                    f"got: {tie_break!r}")
            if axis is not None:
                axis = normalize_axis(axis, x.shape, x.names)
            return {"axis": axis, "keep_axis": bool(keep_axis), "tie_break": tie_break,
                    "type": types.normalize(type)}

        def infer(x, *, axis=None, keep_axis=False, tie_break="low", type="s32"):
            x = as_spec(x)
            check_type(name, accepts, error, x.type)
            if axis is None:
                if x.size == 0:
                    raise ArgumentError(
                        f"nx.{name} of an empty tensor (shape {x.shape}) has no index to return")
                return TensorSpec(types.normalize(type), (), ())
            if x.shape[axis] == 0:
                raise ArgumentError(
                    f"nx.{name} over axis {axis}, which has size 0 in shape {x.shape}, "
                    f"has no index to return")
            shape, names = reduce_shape(x.shape, x.names, (axis,), keep_axis)
            return TensorSpec(types.normalize(type), shape, names)

        op = Op(
            name=name, family="reduction",
            params=(tensor("tensor"),
                    option("axis", None, "the axis to reduce (int or name); None: all, "
                                         "giving the index into the flattened tensor"),
                    option("keep_axis", False, "keep the reduced axis with size 1 (with axis)"),
                    option("tie_break", "low", '"low" (first index) or "high" (last index)'),
                    option("type", "s32", "the type of the indices")),
            infer=infer, normalize=normalize, doc=fn.__doc__ or "", semantics=fn,
            accepts=tuple(accepts), differentiable=False,
            backend_options=("axis", "keep_axis", "tie_break"),
            extras={"compute_type": lambda t: t, "out_type": None, "identity": None},
        )
        return register(op)

    return declare


def statistic(*, accepts, out_type, tolerance, error=None, options=(), check_options=None):
    """Declare a composite reduction over ``axes``/``keep_axes`` from its
    ``composite(nx, x, *, axes, keep_axes, **options)`` (the decorated function).

    ``out_type(input_type, **opts)`` is the type rule; ``options`` are extra
    :func:`spec.registry.option` parameters, validated by ``check_options(x, opts)``.
    The docstring of the decorated function is the op's documentation.
    """

    def declare(fn):
        name = fn.__name__

        def normalize(x, *, axes=None, keep_axes=False, **opts):
            x = as_spec(x)
            if check_options is not None:
                check_options(x, opts)
            return {"axes": normalize_reduce_axes(x, axes), "keep_axes": bool(keep_axes), **opts}

        def infer(x, *, axes=None, keep_axes=False, **opts):
            x = as_spec(x)
            check_type(name, accepts, error, x.type)
            shape, names = reduce_shape(x.shape, x.names, axes, keep_axes)
            return TensorSpec(out_type(x.type, **opts), shape, names)

        op = Op(
            name=name, family="reduction",
            params=(tensor("tensor"),) + _axes_options() + tuple(options),
            infer=infer, normalize=normalize, doc=fn.__doc__ or "", composite=fn,
            tolerance=dict(tolerance), accepts=tuple(accepts),
            extras={"out_type": out_type},
        )
        return register(op)

    return declare
