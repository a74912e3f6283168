"""``nx.jit``, ``@nx.defn``, ``nx.compile`` and ``nx.debug_expr``.

Calling a jitted function flattens its arguments (tensors, numbers and
containers of them; any other value, and every keyword argument, is a static
option), looks up the compiled function for the arguments' *signature* (the
type, shape and names of each tensor, the container structure and the static
values) and, the first time a signature is seen, traces the function into a
graph and compiles it. Captured tensors become constants of the graph.

>>> import nx_ref as nx
>>> @nx.defn
... def softmax(t):
...     return nx.exp(t) / nx.sum(nx.exp(t))
>>> softmax(nx.tensor([1.0, 2.0, 3.0]))
#Nx.Tensor<
  f32[3]
  [0.09003057, 0.24472848, 0.66524094]
>
>>> softmax.cache_info()
CacheInfo(traces=1, hits=0, misses=1, size=1)
"""

from __future__ import annotations

import functools
import os
import threading
from collections import namedtuple

from spec.errors import ArgumentError, NxError, TypeError_
from spec.registry import TensorSpec
from nx_ref.defn import expr as _expr
from nx_ref.defn import tree as _tree
from nx_ref.defn.compiler import as_compiler, default_compiler
from nx_ref.tensor import Tensor

__all__ = ["jit", "defn", "compile", "jit_apply", "debug_expr", "Jitted", "CacheInfo"]

CacheInfo = namedtuple("CacheInfo", "traces hits misses size")
_NUMBER = (bool, int, float, complex)
_INTERNAL = tuple(os.path.dirname(os.path.dirname(m)) + os.sep for m in
                  (__file__,)) + (os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
                                  + os.sep + "spec" + os.sep,)


def _to_tensor(x):
    if isinstance(x, Tensor):
        return x
    from nx_ref.api import tensor
    return tensor(x)


def _leaf_spec(x):
    if isinstance(x, Tensor):
        return x.spec
    if isinstance(x, _NUMBER):
        from spec import types
        return TensorSpec(types.infer(x), (), ())
    return _to_tensor(x).spec


class Jitted:
    """A function compiled on its first call for each input signature (see
    the module docstring). ``cache_info()`` counts traces and cache hits;
    ``lower(*args)`` returns the traced graph without compiling it."""

    def __init__(self, fun, compiler=None, hooks=None, compiler_opts=None, rewrite=False):
        self.fun, self.hooks = fun, dict(hooks or {})
        self._compiler_spec = (compiler, dict(compiler_opts or {}))
        self._rewrite = rewrite
        self._traced_fun = None
        self._cache, self._lock = {}, threading.Lock()
        self.traces = self.hits = self.misses = 0
        functools.update_wrapper(self, fun)

    # -- tracing ---------------------------------------------------------------
    @property
    def traced_fun(self):
        """The function that is traced: ``fun`` with its control flow rewritten
        (for ``@nx.defn`` functions)."""
        if self._traced_fun is None:
            fun = self.fun
            if self._rewrite:
                try:
                    from nx_ref.defn import rewrite
                except ImportError:      # pragma: no cover - the rewrite module is optional
                    rewrite = None
                if rewrite is not None:
                    fun = rewrite.transform(fun)
            self._traced_fun = fun
        return self._traced_fun

    def _split(self, args, kwargs):
        leaves, tree = _tree.flatten(tuple(args), static=True)
        statics = tuple(sorted((k, _tree._static(v)) for k, v in kwargs.items()))
        return leaves, tree, statics

    def lower(self, *args, **kwargs):
        """The :class:`~nx_ref.defn.expr.Graph` of ``fun`` on these arguments."""
        leaves, tree, _ = self._split(args, kwargs)
        return self._trace([_leaf_spec(x) for x in leaves], tree, kwargs)

    def _trace(self, specs, tree, kwargs):
        fun = self.traced_fun
        self.traces += 1

        def call(*params):
            return fun(*_tree.unflatten(tree, list(params)), **kwargs)
        try:
            return _expr.trace(call, specs, label=f"defn {getattr(self.fun, '__name__', '')}")
        except TypeError_ as e:
            if "expected a tensor, a number, or a container" in str(e):
                raise TypeError_(
                    f"defn {self.__name__} must return a tensor, a number or a container "
                    f"(tuple, list, dict, namedtuple, registered dataclass) of them; "
                    f"{str(e).split('of them, ')[-1]}{_where(self.fun)}") from None
            raise _located(e) from None
        except NxError as e:
            raise _located(e) from None

    # -- calling ---------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        leaves, tree, statics = self._split(args, kwargs)
        if _expr.current_graph() is not None or any(_expr.is_expr(x) for x in leaves):
            return self.traced_fun(*args, **kwargs)      # defn inside defn: inline
        tensors = [_to_tensor(x) for x in leaves]
        key = (tree, tuple(t.spec for t in tensors), statics)
        entry = self._cache.get(key)
        if entry is None:
            with self._lock:
                entry = self._cache.get(key)
                if entry is None:
                    self.misses += 1
                    graph = self._trace([t.spec for t in tensors], tree, kwargs)
                    entry = (graph, self.compiler().compile(graph))
                    self._cache[key] = entry
                else:
                    self.hits += 1
        else:
            self.hits += 1
        graph, run = entry
        return _tree.unflatten(graph.tree, run(tensors, self.hooks))

    def compiler(self):
        compiler, opts = self._compiler_spec
        return default_compiler() if compiler is None and not opts else \
            as_compiler(compiler if compiler is not None else type(default_compiler()), opts)

    def cache_info(self) -> CacheInfo:
        return CacheInfo(self.traces, self.hits, self.misses, len(self._cache))

    def cache_clear(self):
        self._cache.clear()
        self.traces = self.hits = self.misses = 0

    def __get__(self, obj, owner=None):
        return self if obj is None else functools.partial(self, obj)

    def __repr__(self):
        return f"<defn {getattr(self.fun, '__qualname__', self.fun)!s}>"


def jit(fun, *, compiler=None, hooks=None, **compiler_opts):
    """``fun`` compiled by ``compiler`` (default: :func:`nx.default_compiler
    <nx_ref.defn.compiler.default_compiler>`) on its first call for each input
    signature. ``hooks`` maps ``io_call`` names to callbacks, overriding the
    callbacks given in the function. ``compiler_opts`` configure the compiler.

    >>> import nx_ref as nx
    >>> f = nx.jit(lambda a, b: a + b)
    >>> f(nx.tensor([1, 2]), 10).to_list()
    [11, 12]
    """
    if isinstance(fun, Jitted):
        return Jitted(fun.fun, compiler, hooks, compiler_opts, rewrite=fun._rewrite)
    if not callable(fun):
        raise TypeError_(f"nx.jit expects a function, got: {fun!r:.80}")
    return Jitted(fun, compiler, hooks, compiler_opts)


def defn(fun=None, *, compiler=None, hooks=None, **compiler_opts):
    """Decorate a numerical definition: a function traced into a graph and
    compiled on its first call for each input signature, whose Python ``if``,
    ``while`` and ``for i in range(...)`` on tensors become ``cond`` and
    ``while`` nodes. Calling a defn from inside another inlines it.

    >>> import nx_ref as nx
    >>> @nx.defn
    ... def add_one(x):
    ...     return x + 1
    >>> add_one(nx.tensor([1, 2])).to_list()
    [2, 3]
    """
    def wrap(f):
        return Jitted(f, compiler, hooks, compiler_opts, rewrite=True)
    return wrap if fun is None else wrap(fun)


def jit_apply(fun, args, *, compiler=None, hooks=None, **compiler_opts):
    """``nx.jit(fun, ...)(*args)`` (Nx's ``jit_apply``).

    >>> import nx_ref as nx
    >>> nx.jit_apply(lambda x: x * 2, [nx.tensor(3)]).to_number()
    6
    """
    return jit(fun, compiler=compiler, hooks=hooks, **compiler_opts)(*args)


def compile(fun, templates, *, compiler=None, hooks=None, **compiler_opts):
    """Compile ``fun`` ahead of time for ``templates`` (from :func:`nx.template
    <nx_ref.template>`, tensors, or containers of them) and return the compiled
    function, which only accepts arguments of exactly those specs.

    >>> import nx_ref as nx
    >>> f = nx.compile(lambda x: x * 2, [nx.template((2,), "f32")])
    >>> f(nx.tensor([1.0, 2.0])).to_list()
    [2.0, 4.0]
    >>> f(nx.tensor([1, 2]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: nx.compile: argument 0 is s32[2] but the function was compiled for f32[2]
    """
    j = fun if isinstance(fun, Jitted) else Jitted(fun, compiler, hooks, compiler_opts)
    if not isinstance(templates, (list, tuple)):
        raise TypeError_("nx.compile expects a list of templates, one per argument")
    leaves, tree, _ = j._split(templates, {})
    specs = [_leaf_spec(x) for x in leaves]
    graph = j._trace(specs, tree, {})
    run = j.compiler().compile(graph)
    from nx_ref.defn.printer import format_spec

    def compiled(*args):
        got, got_tree, _ = j._split(args, {})
        if got_tree != tree or len(got) != len(specs):
            raise ArgumentError(f"nx.compile: expected arguments shaped like "
                                f"{_tree.describe(tree)}, got {_tree.describe(got_tree)}")
        tensors = [_to_tensor(x) for x in got]
        for i, (t, s) in enumerate(zip(tensors, specs)):
            if t.spec.type != s.type or t.shape != s.shape:
                raise ArgumentError(f"nx.compile: argument {i} is {format_spec(t.spec)} but the "
                                    f"function was compiled for {format_spec(s)}")
        return _tree.unflatten(graph.tree, run(tensors, j.hooks))
    compiled.graph = graph
    functools.update_wrapper(compiled, getattr(fun, "fun", fun))
    return compiled


def debug_expr(fun, **opts):
    """A function returning ``fun``'s traced output (Expr tensors, printed as
    their graph) instead of computing it (Nx's ``debug_expr``).

    >>> import nx_ref as nx
    >>> nx.debug_expr(lambda x: nx.exp(x))(nx.template((2,), "f32"))
    #Nx.Tensor<
      f32[2]
    <BLANKLINE>
      Nx.Defn.Expr
      parameter a:0    f32[2]
      b = exp a        f32[2]
    >
    """
    j = fun if isinstance(fun, Jitted) else Jitted(fun)

    def run(*args, **kwargs):
        graph = j.lower(*args, **kwargs)
        return _tree.unflatten(graph.tree, [_expr.wrap(n) for n in graph.outputs])
    return run


def _user_frame(tb):
    """(file, line) of the innermost traceback frame outside nx_ref and spec."""
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.startswith(_INTERNAL) and not filename.startswith("<frozen"):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _located(e):
    """``e`` with the user's file and line appended to its message (once)."""
    where = _user_frame(e.__traceback__)
    if where is None or getattr(e, "_nx_located", False) or not e.args:
        return e
    if f"{where[0]}:{where[1]}" in str(e.args[0]):     # the message names the line already
        return e
    e.args = (f"{e.args[0]} (in defn, at {where[0]}:{where[1]})",) + e.args[1:]
    e._nx_located = True
    return e


def _where(fun):
    code = getattr(fun, "__code__", None)
    return f" (defn defined at {code.co_filename}:{code.co_firstlineno})" if code else ""
