"""The op registry: one :class:`Op` record per operation, declared once in ``spec/ops``.

An Op holds everything the rest of the project derives from: the parameters and
their defaults (the ``nx.*`` signature), ``normalize`` (validates options and puts
them in canonical form), ``infer`` (the output's type, shape and names), the
element semantics on plain Python values, the gradient rule, the tolerance, the
special cases and the documentation with its examples.

>>> op = get("add")
>>> op.name, [p.name for p in op.params]
('add', ['left', 'right'])
>>> out = op.infer(TensorSpec(types.normalize("s8"), (2,), ("x",)), 1.5)
>>> out
TensorSpec(type=Type('f32'), shape=(2,), names=('x',))
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

from spec import types
from spec.errors import ArgumentError

__all__ = ["TensorSpec", "Param", "Op", "register", "get", "all_ops", "tensor", "option", "static"]


@dataclass(frozen=True)
class TensorSpec:
    """What a tensor is without its data: type, shape and names."""

    type: types.Type
    shape: tuple
    names: tuple

    @property
    def rank(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n


_NO_DEFAULT = inspect.Parameter.empty


@dataclass(frozen=True)
class Param:
    """One parameter of an op.

    ``kind`` is ``"tensor"`` (a tensor or a Python number, converted by the
    frontend), ``"tensors"`` (a list of tensors), ``"static"`` (a positional value
    that is not a tensor: a shape, a function) or ``"option"`` (a keyword argument,
    Nx's keyword-list options).
    """

    name: str
    kind: str
    default: Any = _NO_DEFAULT
    doc: str = ""


def tensor(name, doc=""):
    """A tensor parameter."""
    return Param(name, "tensor", doc=doc)


def static(name, default=_NO_DEFAULT, doc=""):
    """A positional parameter that is not a tensor."""
    return Param(name, "static", default, doc)


def option(name, default=None, doc=""):
    """A keyword option with its default."""
    return Param(name, "option", default, doc)


def _no_normalize(*args, **opts):
    return opts


def _literal_type(args, index):
    return types.infer(args[index])


@dataclass(eq=False)
class Op:
    """The single declaration of an operation (see the module docstring)."""

    name: str
    family: str
    params: tuple
    infer: Callable
    doc: str = ""
    normalize: Callable = _no_normalize
    semantics: Callable | None = None   # element/reduction semantics on Python values
    fast: Callable | None = None        # builtin agreeing with `semantics` where it does not raise
    grad: Callable | None = None        # VJP rule: grad(ops, g, out, *inputs, **opts) -> list
    composite: Callable | None = None   # default implementation over an op namespace
    literal_type: Callable = _literal_type  # type of a Python number given for tensor arg i
    tolerance: dict = field(default_factory=dict)   # ULPs per type name
    special_cases: tuple = ()           # (inputs, expected) pairs on Python values
    accepts: tuple = types.ALL_TYPES    # input types accepted
    differentiable: bool = True
    backend_options: tuple | None = None  # options passed on to the backend (None: all but `backend`)
    extras: dict = field(default_factory=dict)

    @property
    def is_primitive(self) -> bool:
        return self.composite is None

    @property
    def signature(self) -> inspect.Signature:
        """The Python signature of ``nx.<name>``: positional parameters, then
        keyword-only options."""
        parameters = []
        for p in self.params:
            if p.kind == "option":
                parameters.append(inspect.Parameter(
                    p.name, inspect.Parameter.KEYWORD_ONLY, default=p.default))
            else:
                parameters.append(inspect.Parameter(
                    p.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=p.default))
        return inspect.Signature(parameters)

    @property
    def tensor_params(self) -> tuple:
        return tuple(p for p in self.params if p.kind in ("tensor", "tensors"))

    @property
    def backend_option_names(self) -> tuple:
        if self.backend_options is not None:
            return self.backend_options
        return tuple(n for n in self.option_names if n != "backend")

    @property
    def option_names(self) -> tuple:
        return tuple(p.name for p in self.params if p.kind == "option")

    def check_options(self, opts: dict):
        """Reject options the op does not declare, naming the valid ones."""
        unknown = sorted(set(opts) - set(self.option_names))
        if unknown:
            valid = ", ".join(self.option_names) or "none"
            raise ArgumentError(
                f"nx.{self.name}: unknown option {unknown[0]!r} (valid options: {valid})")


_REGISTRY: dict[str, Op] = {}


def register(op: Op) -> Op:
    """Add an op to the registry; each name is declared exactly once."""
    if op.name in _REGISTRY:
        raise ValueError(f"op {op.name!r} is declared twice")
    _REGISTRY[op.name] = op
    return op


def get(name: str) -> Op:
    """The Op declared under ``name``."""
    _load()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"no op named {name!r} in the spec registry") from None


def all_ops() -> dict[str, Op]:
    """Every declared op, by name, in declaration order."""
    _load()
    return dict(_REGISTRY)


def _load():
    import spec.ops  # noqa: F401  (declaring the ops registers them)
