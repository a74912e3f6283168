"""The defn compiler protocol and the default compiler.

A compiler turns a traced :class:`~nx_ref.defn.expr.Graph` into something that
runs it. The whole interface is one method::

    class MyCompiler(nx.Compiler):
        def compile(self, graph):
            ...                      # inspect graph.params, graph.nodes, graph.outputs
            def run(args, hooks):    # args: one tensor per graph input, in order
                ...                  # hooks: {io_call name: callback} given at call time
                return outputs       # one tensor per graph.outputs entry, in order
            return run

``nx.jit(fun, compiler=MyCompiler, **opts)`` builds ``MyCompiler(**opts)`` (or
takes an instance), traces ``fun`` once per input signature and calls
``compile`` once per trace; the returned ``run`` is called for every call. The
graph format is described in :mod:`nx_ref.defn.expr`: nodes are spec ops with
their output specs and backend options, so a compiler that can run each op
eagerly runs any graph (that is what :class:`~nx_ref.defn.evaluator.Evaluator`
does), and a code generator lowers the same nodes.

>>> import nx_ref as nx
>>> nx.default_compiler()
Evaluator()
"""

from __future__ import annotations

import contextvars

from spec.errors import ArgumentError

__all__ = ["Compiler", "default_compiler", "as_compiler"]


class Compiler:
    """Base class of defn compilers (see the module docstring)."""

    def compile(self, graph):
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


_GLOBAL = [None]
_CURRENT = contextvars.ContextVar("nx_default_compiler", default=None)


def as_compiler(compiler, opts=None):
    """A compiler instance from a Compiler class (built with ``opts``) or an instance."""
    opts = opts or {}
    if isinstance(compiler, type) and hasattr(compiler, "compile"):
        return compiler(**opts)
    if hasattr(compiler, "compile") and not isinstance(compiler, type):
        if opts:
            raise ArgumentError(
                f"compiler options {sorted(opts)} were given with a compiler instance "
                f"{compiler!r}; pass the compiler class instead, or configure the instance")
        return compiler
    raise ArgumentError(f"compiler must be a Compiler class or instance (with a compile method), "
                        f"got: {compiler!r:.80}")


class _Previous:
    def __init__(self, previous, token):
        self.previous, self._token = previous, token

    def __enter__(self):
        return _CURRENT.get()

    def __exit__(self, *exc):
        try:
            _CURRENT.reset(self._token)
        except ValueError:
            _CURRENT.set(self.previous)
        return False

    def __repr__(self):
        return repr(self.previous)


def default_compiler(compiler=None, **opts):
    """Get, or set, the compiler that ``nx.jit`` and ``@nx.defn`` use when none is
    given. Setting returns the previous one, which also works as a context
    manager restoring it.

    >>> import nx_ref as nx
    >>> with nx.default_compiler(nx.Evaluator):
    ...     nx.default_compiler()
    Evaluator()
    """
    current = _CURRENT.get()
    if compiler is None:
        if current is not None:
            return current
        if _GLOBAL[0] is None:
            from nx_ref.defn.evaluator import Evaluator
            _GLOBAL[0] = Evaluator()
        return _GLOBAL[0]
    previous = default_compiler()
    token = _CURRENT.set(as_compiler(compiler, opts))
    return _Previous(previous, token)
