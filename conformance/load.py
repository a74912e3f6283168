"""Resolving ``MODULE:OBJECT`` into something the checks can run.

The object may be a Backend class (instantiated with no arguments), a Backend
instance, or a defn compiler (a class or instance with ``compile(graph)``). A
compiler is wrapped in a :class:`CompiledOps` candidate: a backend whose tensors
are the reference backend's, and which runs each checked call as
``nx.jit(lambda *tensors: nx.<op>(...), compiler=compiler)``.

>>> load("nx_ref:ReferenceBackend")
ReferenceBackend()
>>> load("nx_ref:Evaluator")
CompiledOps(Evaluator())
"""

from __future__ import annotations

import importlib

from nx_ref.backend import Backend
from nx_ref.reference import ReferenceBackend
from conformance.calls import op_function

__all__ = ["load", "resolve", "CompiledOps", "LoadError"]


class LoadError(ValueError):
    """``MODULE:OBJECT`` does not name a backend or a compiler."""


def resolve(target: str):
    """The Python object ``MODULE:OBJECT`` (OBJECT may be dotted) names."""
    if ":" not in target:
        raise LoadError(f"expected MODULE:OBJECT (e.g. nx_ref:ReferenceBackend), got: {target!r}")
    module_name, _, attr = target.partition(":")
    try:
        obj = importlib.import_module(module_name)
    except ImportError as e:
        raise LoadError(f"cannot import module {module_name!r}: {e}") from None
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise LoadError(f"module {module_name!r} has no attribute {attr!r}") from None
    return obj


def load(target):
    """A candidate from ``MODULE:OBJECT`` (or from the object itself)."""
    obj = resolve(target) if isinstance(target, str) else target
    if isinstance(obj, type) and issubclass(obj, Backend):
        return obj()
    if isinstance(obj, Backend):
        return obj
    if hasattr(obj, "compile"):
        return CompiledOps(obj() if isinstance(obj, type) else obj)
    raise LoadError(f"{target!r} is neither a Backend (class or instance) nor a defn compiler "
                    f"(an object with a compile(graph) method), got: {obj!r:.80}")


def _is_tensor_list(v):
    from nx_ref.tensor import Tensor
    return isinstance(v, list) and v and all(isinstance(x, Tensor) for x in v)


class CompiledOps(ReferenceBackend):
    """A defn compiler seen as a candidate: inputs live on the reference backend,
    each call is traced and run by the compiler."""

    priority = 0

    def __init__(self, compiler):
        self.compiler = compiler

    def __repr__(self):
        return f"CompiledOps({self.compiler!r})"

    def run_call(self, call):
        """Run a :class:`~conformance.calls.Call` through ``nx.jit``. Frontend
        functions that are not graph ops (``to_binary``, ``template``, ...)
        have nothing to compile: they are not supported cells for a compiler."""
        import nx_ref as nx
        from nx_ref.backend import Backend, Composite, Primitive
        from nx_ref.tensor import Tensor
        from conformance.calls import _build
        if not isinstance(vars(Backend).get(call.op), (Primitive, Composite)):
            raise NotImplementedError(f"nx.{call.op} is not a graph op: a compiler does not run it")
        args = [_build(a, self) for a in call.args]
        slots, flat = [], []
        for a in args:
            if isinstance(a, Tensor):
                slots.append(("tensor", len(flat)))
                flat.append(a)
            elif _is_tensor_list(a):
                slots.append(("list", len(flat), len(a)))
                flat.extend(a)
            else:
                slots.append(("static", a))

        def fun(*tensors):
            rebuilt = []
            for s in slots:
                if s[0] == "tensor":
                    rebuilt.append(tensors[s[1]])
                elif s[0] == "list":
                    rebuilt.append(list(tensors[s[1]:s[1] + s[2]]))
                else:
                    rebuilt.append(s[1])
            return op_function(call.op)(*rebuilt, **call.opts)

        return nx.jit(fun, compiler=self.compiler)(*flat)
