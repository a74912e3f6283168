"""Structured control flow and side effects: ``nx.cond``, ``nx.while_loop``,
``nx.io_call`` (``nx.hook``), ``nx.print_value`` and ``nx.print_expr``.

Each works eagerly (plain Python: the predicate is read and one branch runs,
the loop is a Python loop, the callback is called at once) and inside a trace,
where it builds a ``cond``, ``while`` or ``io_call`` node:

- ``cond`` traces every branch into its own sub-graph. The branches must return
  the same container structure; each output leaf gets the type every branch's
  leaf merges to (as in an element-wise binary op, numbers weakly) and the
  broadcast of their shapes, as Nx's ``cond`` does. A leaf that is an
  :class:`~nx_ref.defn.undefined.Undefined` marker in any branch stays
  undefined (this is how a variable assigned in one branch of a rewritten ``if``
  survives).
- ``while_loop`` traces the condition and the body on parameters of the
  initial state's specs; the body must return the same structure, types and
  shapes.
- ``io_call`` nodes are side effects, kept in program order (see
  :mod:`nx_ref.defn.expr`), also inside loops, where they run every iteration.

>>> import nx_ref as nx
>>> f = nx.jit(lambda x: nx.while_loop(lambda s: s[0] < 10, lambda s: (s[0] + 1, s[1] * 2), (0, x)))
>>> f(nx.tensor(1.0))
(#Nx.Tensor<
  s32
  10
>, #Nx.Tensor<
  f32
  1024.0
>)
"""

from __future__ import annotations

from spec import names as _names, shapes as _shapes, types as _types
from spec.errors import ArgumentError, ShapeError, TypeError_
from spec.registry import TensorSpec
from nx_ref.defn import expr as _expr
from nx_ref.defn import tree as _tree
from nx_ref.tensor import Tensor

__all__ = ["cond", "while_loop", "io_call", "hook", "runtime_call", "print_value", "print_expr", "is_traced"]

_NUMBER = (bool, int, float, complex)


def is_traced(value) -> bool:
    """Whether ``value`` is a tensor being traced by defn (an Expr tensor).

    >>> import nx_ref as nx
    >>> is_traced(nx.tensor(1))
    False
    """
    return _expr.is_expr(value)


def _is_undefined(x) -> bool:
    try:
        from nx_ref.defn.undefined import Undefined
    except ImportError:      # pragma: no cover - before the rewrite module exists
        return False
    return isinstance(x, Undefined)


def _spec_text(s):
    from nx_ref.defn.printer import format_spec
    return format_spec(s)


# -- cond -------------------------------------------------------------------------------

def _check_pred(p, what):
    if isinstance(p, Tensor):
        if p.shape != ():
            raise ShapeError(f"{what} expects its condition to be a scalar tensor, got a tensor "
                             f"of shape {p.shape}: use nx.all or nx.any to reduce it, or "
                             f"nx.select for an element-wise choice")
        return p
    if isinstance(p, _NUMBER):
        return p
    raise TypeError_(f"{what} expects its condition to be a scalar tensor or a number, got "
                     f"{p.__class__.__name__}: {p!r:.60}")


def cond(pred, on_true, on_false=None, *operands):
    """``on_true(*operands)`` if ``pred`` (a scalar) is non-zero, else
    ``on_false(*operands)``. Also multi-clause, as Nx's ``cond``:
    ``nx.cond([(pred1, fun1), (pred2, fun2), ...], otherwise, *operands)`` runs the
    function of the first true predicate, else ``otherwise``. Inside defn, every
    branch is traced and a ``cond`` node chooses at run time.

    >>> import nx_ref as nx
    >>> f = nx.jit(lambda x: nx.cond(x > 0, lambda: x * 2, lambda: -x))
    >>> f(nx.tensor(3)).to_number(), f(nx.tensor(-4)).to_number()
    (6, 4)
    >>> g = nx.jit(lambda x: nx.cond([(x < 0, lambda: 0), (x < 10, lambda: 1)], lambda: 2))
    >>> [g(nx.tensor(v)).to_number() for v in (-5, 5, 50)]
    [0, 1, 2]
    """
    if isinstance(pred, list):
        clauses, otherwise = pred, on_true
        operands = ((on_false,) if on_false is not None else ()) + operands
    else:
        if on_false is None:
            raise ArgumentError("nx.cond expects a function for the false branch")
        clauses, otherwise = [(pred, on_true)], on_false
    for c in clauses:
        if not (isinstance(c, tuple) and len(c) == 2 and callable(c[1])):
            raise TypeError_(f"nx.cond expects clauses as (predicate, function) pairs, got {c!r:.60}")
    if not callable(otherwise):
        raise TypeError_(f"nx.cond expects a function for the last branch, got {otherwise!r:.60}")
    live = []
    for p, fun in clauses:
        p = _check_pred(p, "nx.cond")
        if not is_traced(p):
            if p.backend.to_flat_list(p)[0] if isinstance(p, Tensor) else p:
                otherwise = fun       # always true from here: it is the last branch
                break
            continue                 # never true: dropped
        live.append((p, fun))
    if not live:
        return otherwise(*operands)
    return _traced_cond(live, otherwise, operands)


def _trace_branch(fun, operands, parent):
    graph = _expr.Graph(parent, "cond branch")
    with _expr.scope(graph):
        result = fun(*operands)
        leaves, tree = _tree.flatten(result, leaf=_is_undefined)
    return graph, leaves, tree


def _traced_cond(clauses, otherwise, operands):
    parent = _expr.current_graph()
    funs = [f for _, f in clauses] + [otherwise]
    traced = [_trace_branch(f, operands, parent) for f in funs]
    tree = traced[0][2]
    for i, (_, _, t) in enumerate(traced[1:], 1):
        if t != tree:
            raise ArgumentError(
                f"cond/if expects all branches to return compatible tensor types: the first "
                f"branch returns {_tree.describe(tree)} but branch {i + 1} returns "
                f"{_tree.describe(t)}")
    count = len(traced[0][1])
    undefined = {}
    for j in range(count):
        for _, leaves, _ in traced:
            if _is_undefined(leaves[j]):
                undefined[j] = leaves[j]
                break
    keep = [j for j in range(count) if j not in undefined]
    specs = [_merge_leaf([leaves[j] for _, leaves, _ in traced], j) for j in keep]
    graphs = []
    for graph, leaves, _ in traced:
        with _expr.scope(graph):
            nodes = [_expr.node_of(_conform(leaves[j], s)) for j, s in zip(keep, specs)]
        graphs.append(graph.finish(nodes, ("tuple", ())))
    preds = [_expr.node_of(p) for p, _ in clauses]
    captures = [c for g in graphs for c in g.captures]
    effect = any(g.has_effects for g in graphs)
    node = parent.add("cond", tuple(specs), preds + captures,
                      {"branches": tuple(graphs), "num_preds": len(preds), "effect": effect},
                      effect=effect)
    outs = [_expr.wrap(parent.add("elem", s, (node,), {"index": i})) for i, s in enumerate(specs)]
    merged, it = [], iter(outs)
    for j in range(count):
        merged.append(undefined[j] if j in undefined else next(it))
    return _tree.unflatten(tree, merged)


def _merge_leaf(values, j):
    """The spec of output leaf ``j``: merged type, broadcast shape (Nx's rule)."""
    kind, shape, names = None, (), ()
    for v in values:
        if isinstance(v, Tensor):
            kind = v.type if kind is None else _types.binary_type(kind, v.type)
            try:
                new_shape = _shapes.broadcast_shapes(shape, v.shape)
                names = _names.broadcast_names(shape, names, v.shape, v.names)
                shape = new_shape
            except ValueError:
                raise ShapeError(
                    f"cond/if expects all branches to return compatible tensor types: output "
                    f"{j} has shapes {[x.shape for x in values if isinstance(x, Tensor)]} that "
                    f"do not broadcast together") from None
        elif not isinstance(v, _NUMBER):
            raise TypeError_(f"cond branches must return tensors, numbers or containers of "
                             f"them, got {v.__class__.__name__}: {v!r:.60}")
    for v in values:
        if isinstance(v, _NUMBER):
            kind = _types.infer(v) if kind is None else _types.binary_type(kind, v)
    return TensorSpec(kind, shape, names)


def _conform(v, spec):
    """``v`` (inside its branch's scope) as a tensor of ``spec``."""
    import nx_ref as nx
    if not isinstance(v, Tensor):
        return nx.broadcast(nx.tensor(v, type=spec.type), spec.shape, names=list(spec.names))
    if v.type != spec.type:
        v = nx.as_type(v, spec.type)
    if v.shape != spec.shape:
        v = nx.broadcast(v, spec.shape, names=list(spec.names))
    return v


# -- while ------------------------------------------------------------------------------

def while_loop(cond_fun, body_fun, init):
    """Run ``body_fun`` on the state while ``cond_fun(state)`` is non-zero, from
    ``init`` (a tensor, a number or a container of them), and return the final
    state. Inside defn this is one ``while`` node: the body must return the
    same structure, types and shapes as ``init`` (numbers in ``init`` become
    tensors of their inferred type).

    >>> import nx_ref as nx
    >>> nx.while_loop(lambda s: s[0] < 3, lambda s: (s[0] + 1, s[1] + s[0]), (0, 0))
    (3, 3)
    >>> pow2 = nx.jit(lambda n: nx.while_loop(lambda s: s[0] < n, lambda s: (s[0] + 1, s[1] * 2), (0, 1))[1])
    >>> pow2(nx.tensor(10)).to_number()
    1024
    """
    parent = _expr.current_graph()
    if parent is None:
        state = init
        while _truth(_check_pred(cond_fun(state), "nx.while_loop")):
            state = body_fun(state)
        return state
    leaves, tree = _tree.flatten(init)
    inits = [_expr.node_of(x) for x in leaves]
    specs = [n.out for n in inits]
    condition = _expr.Graph(parent, "while condition")
    with _expr.scope(condition):
        state = _tree.unflatten(tree, [_expr.wrap(condition.parameter(s)) for s in specs])
        pred = _check_pred(cond_fun(state), "while")
        pred_node = _expr.node_of(pred)
    condition.finish([pred_node], ("leaf",))
    body = _expr.Graph(parent, "while body")
    with _expr.scope(body):
        state = _tree.unflatten(tree, [_expr.wrap(body.parameter(s)) for s in specs])
        new = body_fun(state)
        try:
            new_leaves, new_tree = _tree.flatten(new)
        except TypeError_ as e:
            raise TypeError_(f"the body of while must return the loop state: {e}") from None
        if new_tree != tree:
            raise ArgumentError(
                f"the body of while must return the same structure as the initial state, "
                f"{_tree.describe(tree)}, got {_tree.describe(new_tree)}")
        nodes = [_expr.node_of(_state_leaf(v, s, i)) for i, (v, s) in enumerate(zip(new_leaves, specs))]
    body.finish(nodes, tree)
    effect = condition.has_effects or body.has_effects
    node = parent.add("while", tuple(specs), inits + condition.captures + body.captures,
                      {"condition": condition, "body": body, "effect": effect}, effect=effect)
    return _tree.unflatten(tree, [_expr.wrap(parent.add("elem", s, (node,), {"index": i}))
                                  for i, s in enumerate(specs)])


def _state_leaf(v, spec, i):
    import nx_ref as nx
    if isinstance(v, _NUMBER):
        return nx.broadcast(nx.tensor(v, type=spec.type), spec.shape)
    if not isinstance(v, Tensor):
        raise TypeError_(f"the body of while returned {v.__class__.__name__} for state "
                         f"element {i}; expected a tensor")
    if v.type != spec.type or v.shape != spec.shape:
        raise ArgumentError(
            f"the body of while must return tensors with the same shape, type and names as "
            f"the initial state: element {i} starts as {_spec_text(spec)} but the body "
            f"returns {_spec_text(v.spec)}")
    return v


def _truth(p) -> bool:
    if isinstance(p, Tensor):
        return p.backend.to_flat_list(p)[0] != 0
    return bool(p)


# -- side effects -----------------------------------------------------------------------

def io_call(value, name_or_fun, fun=None):
    """Deliver ``value`` (a tensor or a container) to a callback while the
    computation runs, and return it unchanged. ``name_or_fun`` is a name (a
    str, whose callback is given at call time with ``nx.jit(..., hooks={name:
    fn})``), or the callback itself; ``nx.io_call(value, name, fn)`` gives both
    (the jit-time hook overrides ``fn``). Inside a while loop the callback runs
    every iteration; callbacks run in program order.

    >>> import nx_ref as nx
    >>> seen = []
    >>> f = nx.jit(lambda x: nx.io_call(x * 2, "double") + 1, hooks={"double": seen.append})
    >>> f(nx.tensor(3)).to_number(), [t.to_number() for t in seen]
    (7, [6])
    """
    if isinstance(name_or_fun, str):
        name, callback = name_or_fun, fun
    elif callable(name_or_fun) and fun is None:
        name, callback = None, name_or_fun
    else:
        raise TypeError_(f"nx.io_call expects a name (str) or a function, got {name_or_fun!r:.60}")
    if callback is not None and not callable(callback):
        raise TypeError_(f"nx.io_call expects a function as its callback, got {callback!r:.60}")
    graph = _expr.current_graph()
    if graph is None:
        if callback is not None:
            callback(value)
        return value
    leaves, tree = _tree.flatten(value)
    nodes = [_expr.node_of(x) for x in leaves]
    node = graph.add("io_call", tuple(n.out for n in nodes), nodes,
                     {"name": name, "callback": callback, "tree": tree}, effect=True)
    return _tree.unflatten(tree, [_expr.wrap(graph.add("elem", n.out, (node,), {"index": i}))
                                  for i, n in enumerate(nodes)])


hook = io_call


def runtime_call(output, value, fun, **opts):
    """Call ``fun(value, opts)`` while the computation runs and use its result,
    which must match ``output`` (a template, a tensor, or a container of them:
    same structure, types and shapes). ``value`` is a tensor or a container;
    ``opts`` are handed to ``fun`` as a dict. Outside defn ``fun`` runs at once
    and its result is checked the same way (Nx's ``runtime_call``).

    >>> import nx_ref as nx
    >>> double = lambda t, opts: nx.multiply(t, opts["factor"])
    >>> f = nx.jit(lambda x: nx.runtime_call(nx.template((2,), "s32"), x, double, factor=2) + 1)
    >>> f(nx.tensor([1, 2])).to_list()
    [3, 5]
    """
    if not callable(fun):
        raise TypeError_(f"nx.runtime_call expects a function, got {fun!r:.60}")
    out_leaves, out_tree = _tree.flatten(output)
    out_specs = tuple(x.spec if isinstance(x, Tensor) else TensorSpec(_types.infer(x), (), ())
                      for x in out_leaves)
    graph = _expr.current_graph()
    if graph is None:
        return check_runtime_result(fun(value, dict(opts)), out_tree, out_specs)
    leaves, tree = _tree.flatten(value)
    nodes = [_expr.node_of(x) for x in leaves]
    node = graph.add("runtime_call", out_specs, nodes,
                     {"callback": fun, "tree": tree, "out_tree": out_tree, "options": dict(opts)},
                     effect=True)
    return _tree.unflatten(out_tree, [_expr.wrap(graph.add("elem", sp, (node,), {"index": i}))
                                      for i, sp in enumerate(out_specs)])


def check_runtime_result(result, out_tree, out_specs):
    """``result`` of a runtime_call callback, checked against the declared output."""
    leaves, tree = _tree.flatten(result)
    got = tuple(x.spec if isinstance(x, Tensor) else None for x in leaves)
    if tree != out_tree or any(g is None or g.type != s.type or g.shape != s.shape
                               for g, s in zip(got, out_specs)):
        shown = _tree.describe(tree) if tree != out_tree else \
            ", ".join(_spec_text(g) if g else "number" for g in got)
        raise ArgumentError(
            f"nx.runtime_call: the callback must return a result matching the output template "
            f"({', '.join(_spec_text(s) for s in out_specs)}), got: {shown}")
    return result


def print_value(value, label=None):
    """Print ``value`` when the computation runs (every iteration inside a
    loop), prefixed by ``label``, and return it.

    >>> import nx_ref as nx
    >>> nx.jit(lambda x: nx.print_value(x + 1, label="x + 1"))(nx.tensor(1)).to_number()
    x + 1: #Nx.Tensor<
      s32
      2
    >
    2
    """
    def show(v):
        print(f"{label}: {v!r}" if label is not None else repr(v))
    return io_call(value, show)


def print_expr(value):
    """Print ``value`` now and return it: inside defn, the expression being
    built (its graph); outside, the tensor.

    >>> import nx_ref as nx
    >>> _ = nx.jit(lambda x: nx.print_expr(nx.exp(x)))(nx.tensor(1.0))
    #Nx.Tensor<
      f32
    <BLANKLINE>
      Nx.Defn.Expr
      parameter a:0    f32
      b = exp a        f32
    >
    """
    print(repr(value))
    return value
