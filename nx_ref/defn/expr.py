"""The Expr graph: the one IR between tracing and every compiler.

Tracing runs the user's function on *Expr tensors*: ordinary
:class:`~nx_ref.tensor.Tensor` objects whose backend, :class:`ExprBackend`,
records a :class:`Node` for each primitive op instead of computing data (the
composites of the Backend protocol expand into their primitives as they run).
Nodes live in a :class:`Graph`:

- ``parameter`` nodes are the inputs (``opts["index"]``); ``constant`` nodes are
  a number broadcast to their shape (``opts["value"]``); ``tensor`` nodes hold a
  captured tensor (``opts["tensor"]``, on the reference or another eager backend);
- every other node is one spec op call: ``op`` is the op's name, ``out`` its
  output spec (a :class:`~spec.registry.TensorSpec`, or a tuple of them for ops
  returning tuples, read with ``elem`` nodes), ``args`` its tensor inputs (a
  node, or a tuple of nodes for a list parameter) and ``opts`` exactly the
  options the backend receives, so that evaluating a node is
  ``getattr(backend, node.op)(node.out, *args, **node.opts)``;
- ``cond`` and ``while`` nodes hold sub-graphs in ``opts`` (see
  :mod:`nx_ref.defn.control`); ``io_call`` and ``runtime_call`` nodes are side
  effects; ``identity``, ``stop_grad`` and ``custom_grad`` nodes return their
  first input unchanged when run (they only matter to gradients, see
  :mod:`nx_ref.defn.autodiff`).

Equal nodes are built once (hash-consing: same op, output, inputs and options).
A sub-graph is closed: a node of an enclosing graph used inside it becomes one
of its parameters (a *capture*), and the node holding the sub-graph takes the
outer node as an input. Side effects are chained in program order through
``deps`` (each effect depends on the previous one of its graph); the graph's
``effects`` are roots like its outputs, so no compiler may drop or reorder them.
Compilers walk ``graph.nodes``, which is in dependency order.

>>> import nx_ref as nx
>>> g = trace(lambda x: nx.exp(x) / nx.sum(nx.exp(x)), [nx.template((3,), "f32")])
>>> [n.op for n in g.nodes]
['parameter', 'exp', 'sum', 'divide']
"""

from __future__ import annotations

import contextvars
import itertools
import math

from spec import types as _types
from spec.errors import ArgumentError
from spec.registry import TensorSpec
from nx_ref.backend import Backend, OpMethod, define_primitives
from nx_ref.tensor import Tensor

__all__ = ["Node", "Graph", "ExprBackend", "EXPR", "current_graph", "scope", "trace", "replay",
           "node_of", "is_expr", "TracingError"]

_IDS = itertools.count()
_SCOPE = contextvars.ContextVar("nx_defn_graph", default=None)


class TracingError(ArgumentError):
    """Raised for operations that have no meaning on a tensor being traced."""


class Node:
    """One node of a :class:`Graph` (see the module docstring)."""

    __slots__ = ("id", "op", "out", "args", "opts", "graph", "deps")

    def __init__(self, op, out, args, opts, graph, deps=()):
        self.id = next(_IDS)
        self.op, self.out, self.args, self.opts = op, out, args, opts
        self.graph, self.deps = graph, deps

    def inputs(self):
        """The nodes this one reads, in order (list parameters flattened)."""
        for a in self.args:
            if isinstance(a, tuple):
                yield from a
            else:
                yield a

    @property
    def is_effect(self) -> bool:
        if self.op in ("cond", "while"):
            return self.opts.get("effect", False)
        return self.op in ("io_call", "runtime_call")

    def __repr__(self):
        return f"<Node {self.id} {self.op}>"


class Graph:
    """A traced function: parameters, nodes in dependency order, outputs and effects.

    ``params`` are the parameter nodes: first the function's own inputs
    (``num_inputs`` of them), then one per captured outer node (``captures``
    lists those outer nodes, in the enclosing graph, in the same order).
    ``outputs`` is the flat list of output nodes and ``tree`` the container
    structure they came from (see :mod:`nx_ref.defn.tree`).
    """

    def __init__(self, parent=None, label="defn"):
        self.parent, self.label = parent, label
        self.params, self.nodes, self.effects, self.captures = [], [], [], []
        self.outputs, self.tree, self.num_inputs = [], ("tuple", ()), 0
        self._captured, self._cache = {}, {}

    # -- building ------------------------------------------------------------
    def parameter(self, spec) -> Node:
        """A new input parameter of spec ``spec``."""
        node = Node("parameter", spec, (), {"index": len(self.params)}, self)
        self.params.append(node)
        self.nodes.append(node)
        self.num_inputs += 1
        return node

    def add(self, op, out, args=(), opts=None, effect=False, fresh=False) -> Node:
        """The node of ``op`` on ``args`` (reusing an equal one unless ``effect``
        or ``fresh``)."""
        opts = opts or {}
        args = tuple(tuple(self.local(x) for x in a) if isinstance(a, (tuple, list))
                     else self.local(a) for a in args)
        key = None
        if not effect and not fresh:
            key = _key(op, out, args, opts)
            if key is not None and key in self._cache:
                return self._cache[key]
        deps = (self.effects[-1],) if effect and self.effects else ()
        node = Node(op, out, args, opts, self, deps)
        self.nodes.append(node)
        if effect:
            self.effects.append(node)
        elif key is not None:
            self._cache[key] = node
        return node

    def local(self, node) -> Node:
        """``node`` as seen from this graph: itself, a copy (constants), or the
        parameter capturing it from an enclosing graph."""
        if node.graph is self:
            return node
        if node.op in ("constant", "tensor"):
            return self.add(node.op, node.out, (), dict(node.opts))
        if node.id in self._captured:
            return self._captured[node.id]
        g = self.parent
        while g is not None and g is not node.graph:
            g = g.parent
        if g is None:
            raise ArgumentError(
                f"a tensor traced inside a {node.graph.label} was used outside of it: values "
                f"computed in a cond branch or a while body exist only there; return them "
                f"from the branch or carry them in the loop state")
        outer = self.parent.local(node)
        param = Node("parameter", node.out, (), {"index": len(self.params), "capture": True}, self)
        self.params.append(param)
        self.nodes.append(param)
        self.captures.append(outer)
        self._captured[node.id] = param
        return param

    def finish(self, outputs, tree):
        """Set the outputs (nodes, local-ized) and drop the nodes nothing needs."""
        self.outputs = [self.local(n) for n in outputs]
        self.tree = tree
        live = set()
        stack = list(self.outputs) + list(self.effects)
        while stack:
            n = stack.pop()
            if n.id in live:
                continue
            live.add(n.id)
            stack.extend(n.inputs())
            stack.extend(n.deps)
        self.nodes = [n for n in self.nodes if n.id in live or n.op == "parameter"]
        self._cache = {}
        return self

    # -- reading -------------------------------------------------------------
    @property
    def has_effects(self) -> bool:
        return bool(self.effects)

    def subgraphs(self):
        """The graphs held by this graph's nodes (cond branches, while parts)."""
        for n in self.nodes:
            for g in n.opts.get("branches", ()):
                yield g
            for k in ("condition", "body"):
                if k in n.opts:
                    yield n.opts[k]

    def count(self) -> int:
        """The number of nodes, sub-graphs included."""
        return len(self.nodes) + sum(g.count() for g in self.subgraphs())

    def __repr__(self):
        from nx_ref.defn.printer import format_graph
        return format_graph(self)


def _freeze(value):
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, float):
        return ("float", value.hex() if not math.isnan(value) else "nan")
    if isinstance(value, Tensor):
        return ("tensor", id(value))
    if isinstance(value, Graph):
        return ("graph", id(value))
    hash(value)
    return (value.__class__.__name__, value)


def _key(op, out, args, opts):
    try:
        return (op, out, tuple(tuple(a.id for a in x) if isinstance(x, tuple) else x.id
                               for x in args), _freeze(opts))
    except TypeError:
        return None


def current_graph():
    """The graph being traced in this thread/task, or None."""
    return _SCOPE.get()


class scope:
    """Context manager tracing into ``graph`` (with the Expr backend as default)."""

    def __init__(self, graph):
        self.graph = graph

    def __enter__(self):
        from nx_ref.backend import default_backend
        self._token = _SCOPE.set(self.graph)
        self._backend = default_backend(EXPR)
        return self.graph

    def __exit__(self, *exc):
        self._backend.__exit__(*exc)
        _SCOPE.reset(self._token)
        return False


def is_expr(value) -> bool:
    """Whether ``value`` is a tensor being traced."""
    return isinstance(value, Tensor) and isinstance(value.backend, ExprBackend)


def node_of(t) -> Node:
    """The node behind an Expr tensor (numbers and eager tensors are captured
    into the current graph)."""
    if is_expr(t):
        return t.data
    graph = _require_graph("capture a value")
    if isinstance(t, Tensor):
        return graph.add("tensor", t.spec, (), {"tensor": t})
    if isinstance(t, (bool, int, float, complex)):     # a literal of its inferred type
        return graph.add("constant", TensorSpec(_types.infer(t), (), ()), (), {"value": t})
    from nx_ref.api import tensor
    return node_of(tensor(t))


def _require_graph(what):
    graph = _SCOPE.get()
    if graph is None:
        raise TracingError(f"cannot {what}: no defn function is being traced")
    return graph


def wrap(node) -> Tensor:
    """The Expr tensor of a single-output node."""
    return Tensor.from_spec(node.out, node, EXPR)


def outputs_of(node):
    """The Expr tensors of a node: one, or a tuple read with ``elem`` nodes."""
    if isinstance(node.out, TensorSpec):
        return wrap(node)
    g = node.graph
    return tuple(wrap(g.add("elem", spec, (node,), {"index": i})) for i, spec in enumerate(node.out))


class _Record(OpMethod):
    """ExprBackend's method for a primitive op: record a node."""

    def bind(self, backend, op):
        name = op.name

        def record(out, *args, **opts):
            graph = _require_graph(f"record nx.{name}")
            nodes = tuple(tuple(node_of(x) for x in a) if isinstance(a, (list, tuple))
                          else node_of(a) for a in args)
            if isinstance(out, list):
                out = tuple(out)
            return outputs_of(graph.add(name, out, nodes, opts))
        return record


class ExprBackend(Backend):
    """The tracing backend: builds graph nodes (see the module docstring)."""

    priority = 1000   # Expr tensors take over any operation they take part in
    is_expr = True

    def __repr__(self):
        return "Nx.Defn.Expr"

    def _forbidden(self, what):
        raise TracingError(
            f"cannot read the data of a tensor inside defn (nx.{what}): it is being traced "
            f"and has a value only when the compiled function runs. Use nx ops on it "
            f"(nx.select, nx.cond, nx.while_loop) instead of Python conversions, or "
            f"nx.print_value / nx.io_call to see its value at run time")

    def truth_error(self):
        raise TracingError(
            "the truth value of a tensor being traced is not known until the compiled "
            "function runs: a Python if, while, and, or, not or assert on it works only in "
            "an @nx.defn function whose source the rewrite can read; otherwise use nx.cond, "
            "nx.while_loop, nx.select or nx.logical_and/or/not")

    def to_binary(self, tensor, limit=None):
        self._forbidden("to_binary")

    def to_flat_list(self, tensor):
        self._forbidden("to_flat_list")

    def backend_copy(self, tensor, backend):
        self._forbidden("backend_copy")

    def constant(self, out, number):
        graph = _require_graph("create a constant")
        return wrap(graph.add("constant", out, (), {"value": number}))

    def from_binary(self, out, data):
        from nx_ref.reference import ReferenceBackend
        return self.capture(ReferenceBackend().from_binary(out, data))

    def from_values(self, out, flat):
        if out.shape == ():
            return self.constant(out, flat[0])
        from nx_ref.reference import ReferenceBackend
        return self.capture(ReferenceBackend().from_values(out, flat))

    def capture(self, t):
        """The Expr tensor of an eager tensor used inside the trace (a ``tensor`` node)."""
        graph = _require_graph("capture a tensor")
        return wrap(graph.add("tensor", t.spec, (), {"tensor": t}))

    def inspect(self, tensor, limit):
        from nx_ref.defn.printer import format_expr
        return format_expr(tensor)


define_primitives(ExprBackend, _Record)

# Composite ops kept whole in the graph (compilers with a kernel for them use it;
# the Evaluator and host fallbacks run the backend's composite; autodiff expands
# the composite where the op has no gradient rule of its own).
RECORDED_COMPOSITES = ("cumulative_sum", "cumulative_product", "cumulative_min", "cumulative_max")
for _name in RECORDED_COMPOSITES:
    _method = _Record()
    _method.__set_name__(ExprBackend, _name)
    setattr(ExprBackend, _name, _method)
EXPR = ExprBackend()


def replay(graph, inputs):
    """Re-emit the nodes of the finished ``graph`` into the graph being traced,
    with its parameters bound to ``inputs`` (tensors, in parameter order,
    captures included); returns the Expr tensors of its outputs. Side-effect
    free copies: ``io_call`` nodes pass their values through without calling
    anything (the original nodes still do)."""
    cur = _require_graph("replay a graph")
    env, passthrough = {}, {}
    for n in graph.nodes:
        if n.op == "parameter":
            env[n.id] = node_of(inputs[n.opts["index"]])
        elif n.op in ("constant", "tensor"):
            env[n.id] = cur.add(n.op, n.out, (), dict(n.opts))
        elif n.op == "io_call":
            passthrough[n.id] = [env[x.id] for x in n.args]
        elif n.op == "elem" and n.args[0].id in passthrough:
            env[n.id] = passthrough[n.args[0].id][n.opts["index"]]
        else:
            args = tuple(tuple(env[x.id] for x in a) if isinstance(a, tuple) else env[a.id]
                         for a in n.args)
            env[n.id] = cur.add(n.op, n.out, args, n.opts, effect=n.is_effect,
                                fresh=n.op == "identity")
    return [wrap(env[o.id]) for o in graph.outputs]


def trace(fun, args, label="defn"):
    """Trace ``fun`` on parameters of the specs of ``args`` (tensors or templates,
    flat) into a finished :class:`Graph` whose outputs are ``fun``'s flattened
    result.

    >>> import nx_ref as nx
    >>> g = trace(lambda a, b: a + b, [nx.template((), "s32"), nx.template((), "f32")])
    >>> [str(n.out.type) for n in g.nodes]
    ['s32', 'f32', 'f32']
    """
    from nx_ref.defn import tree as _tree
    graph = Graph(_SCOPE.get(), label)
    with scope(graph):
        params = [wrap(graph.parameter(_spec_of(a))) for a in args]
        result = fun(*params)
        leaves, shape = _tree.flatten(result)
        nodes = [node_of(x) for x in leaves]
    return graph.finish(nodes, shape)


def _spec_of(value):
    if isinstance(value, TensorSpec):
        return value
    if isinstance(value, Tensor):
        return value.spec
    return TensorSpec(_types.infer(value), (), ())
