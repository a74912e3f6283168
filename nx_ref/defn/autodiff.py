"""Reverse-mode automatic differentiation as a graph transform.

``nx.grad`` traces the function into the Expr graph (or, inside a defn, uses
the graph being traced) and walks it backwards from the output, calling the
``grad`` rule that each spec op declares with the ``nx`` namespace: the rules
build ordinary graph nodes, so the gradient is a graph like any other and
every compiler runs it, and gradients of gradients work. Each node's
cotangent is built once and shared, so the gradient of a chain of N ops has
O(N) nodes.

- As in Nx, gradients flow through integer values too (the gradient with
  respect to an integer input is floating), while ops that are piecewise
  constant (comparisons, rounding, ``argmax``, bitwise ops: the spec's
  ``differentiable=False``) pass no gradient to their inputs. The function
  must return a floating scalar (integer or non-scalar outputs raise).
- ``cond`` differentiates into a ``cond`` over the same predicates whose
  branches compute the vector-Jacobian product of the chosen branch.
- ``while`` differentiates into loops that apply the body's vector-Jacobian
  product from the last iteration to the first, recomputing each intermediate
  state from the initial one (O(n^2) body evaluations, O(1) extra memory, the
  strategy of Nx).
- ``stop_grad`` nodes stop the gradient; ``custom_grad`` nodes use the user's rule.

>>> import nx_ref as nx
>>> nx.grad(lambda x: nx.sum(x * x))(nx.tensor([1.0, 2.0, 3.0]))
#Nx.Tensor<
  f32[3]
  [2.0, 4.0, 6.0]
>
"""

from __future__ import annotations

from spec import registry, types
from spec.errors import ArgumentError, ShapeError, TypeError_
from nx_ref.defn import expr as _expr
from nx_ref.defn import tree as _tree
from nx_ref.tensor import Tensor

__all__ = ["grad", "value_and_grad", "stop_grad", "custom_grad", "vjp"]

_NUMBER = (bool, int, float, complex)


def _nx():
    import nx_ref
    return nx_ref


def _is_diff(spec) -> bool:
    return spec.type.is_float or spec.type.is_complex


# -- identity-like nodes ------------------------------------------------------------

def stop_grad(value):
    """``value`` itself, with no gradient flowing through it (Nx's ``stop_grad``).

    >>> import nx_ref as nx
    >>> nx.grad(lambda x: nx.sum(x * nx.stop_grad(x)))(nx.tensor([3.0]))
    #Nx.Tensor<
      f32[1]
      [3.0]
    >
    """
    if _expr.current_graph() is None:
        return value
    return _tree.map_leaves(lambda t: _expr.wrap(_expr.current_graph().add(
        "stop_grad", _expr.node_of(t).out, (_expr.node_of(t),))), value)


def custom_grad(value, inputs, fun):
    """``value`` (a tensor computed from ``inputs``) whose gradient is given by
    ``fun(g)``: a list with the gradient of each of ``inputs`` for the
    cotangent ``g`` of ``value`` (Nx's ``custom_grad``).

    >>> import nx_ref as nx
    >>> def clipped_exp(x):
    ...     return nx.custom_grad(nx.exp(x), [x], lambda g: [nx.clip(g * nx.exp(x), -1, 1)])
    >>> nx.grad(lambda x: nx.sum(clipped_exp(x)))(nx.tensor([0.0, 1.0, -3.0]))
    #Nx.Tensor<
      f32[3]
      [1.0, 1.0, 0.049787067]
    >
    """
    if not isinstance(inputs, (list, tuple)) or not callable(fun):
        raise TypeError_("nx.custom_grad expects a tensor, a list of input tensors and a function")
    graph = _expr.current_graph()
    if graph is None:
        return value
    node = _expr.node_of(value)
    args = (node,) + tuple(_expr.node_of(x) for x in inputs)
    return _expr.wrap(graph.add("custom_grad", node.out, args, {"fun": fun}))


def _fresh(t):
    """A new node equal to ``t`` that nothing else shares: the handle gradients
    are taken with respect to."""
    node = _expr.node_of(t)
    graph = _expr.current_graph()
    return _expr.wrap(graph.add("identity", node.out, (node,), {}, fresh=True))


# -- the user API ---------------------------------------------------------------------

def value_and_grad(fun_or_x, fun=None, *, argnums=0):
    """``(value, gradient)`` of a function returning a scalar.

    ``nx.value_and_grad(fun, argnums=0)`` returns a function of the same
    arguments; ``argnums`` (an int or a tuple of ints) picks the arguments to
    differentiate, each a tensor or a container of tensors (the gradient has
    its structure). ``nx.value_and_grad(x, fun)`` is Nx's form: the value and
    gradient of ``fun`` at ``x`` (inside a defn or eagerly).

    >>> import nx_ref as nx
    >>> value, g = nx.value_and_grad(lambda x: nx.sum(nx.sin(x)))(nx.tensor([0.0]))
    >>> value.to_number(), g.to_list()
    (0.0, [1.0])
    >>> nx.value_and_grad(nx.tensor(2.0), lambda x: x ** 3)[1].to_number()
    12.0
    """
    if fun is not None:
        return value_and_grad(fun)(fun_or_x)
    if not callable(fun_or_x):
        raise TypeError_(f"nx.value_and_grad expects a function, got {fun_or_x!r:.60}")
    fun = fun_or_x
    multiple = isinstance(argnums, (tuple, list))
    nums = tuple(argnums) if multiple else (argnums,)

    def traced(*args, **kwargs):
        for i in nums:
            if not -len(args) <= i < len(args):
                raise ArgumentError(f"argnums {i} is out of range for {len(args)} arguments")
        args = list(args)
        handles = {}
        for i in nums:
            leaves, shape = _tree.flatten(args[i])
            fresh = [_fresh(x) for x in leaves]
            handles[i] = (shape, fresh)
            args[i] = _tree.unflatten(shape, fresh)
        value = fun(*args, **kwargs)
        out = _check_output(value)
        one = _nx().tensor(1, type=out.type)
        wrt = [x for i in nums for x in handles[i][1]]
        grads = vjp([out], [one], wrt)
        result, k = [], 0
        for i in nums:
            shape, fresh = handles[i]
            result.append(_tree.unflatten(shape, grads[k:k + len(fresh)]))
            k += len(fresh)
        return value, tuple(result) if multiple else result[0]

    jitted = {}

    def run(*args, **kwargs):
        if _expr.current_graph() is not None:
            return traced(*args, **kwargs)
        if "j" not in jitted:
            from nx_ref.defn.jit import jit
            jitted["j"] = jit(traced)
        return jitted["j"](*args, **kwargs)
    run.__name__ = f"value_and_grad({getattr(fun, '__name__', 'fun')})"
    return run


def grad(fun_or_x, fun=None, *, argnums=0):
    """The gradient of a function returning a scalar: ``nx.grad(fun)`` returns
    a function (see :func:`value_and_grad` for ``argnums``), ``nx.grad(x, fun)``
    the gradient of ``fun`` at ``x`` (Nx's form).

    >>> import nx_ref as nx
    >>> nx.grad(lambda x: nx.exp(x))(nx.tensor(1.0))
    #Nx.Tensor<
      f32
      2.7182817
    >
    >>> dx, dy = nx.grad(lambda x, y: x * y, argnums=(0, 1))(nx.tensor(2.0), nx.tensor(5.0))
    >>> dx.to_number(), dy.to_number()
    (5.0, 2.0)
    """
    if fun is not None:
        return grad(fun)(fun_or_x)
    vg = value_and_grad(fun_or_x, argnums=argnums)

    def run(*args, **kwargs):
        return vg(*args, **kwargs)[1]
    run.__name__ = f"grad({getattr(fun_or_x, '__name__', 'fun')})"
    return run


def _check_output(value):
    if isinstance(value, _NUMBER):
        value = _nx().tensor(value)
    if not isinstance(value, Tensor):
        raise TypeError_(f"grad expects the function to return a scalar tensor, got "
                         f"{value.__class__.__name__}: {value!r:.60}")
    if value.shape != ():
        raise ShapeError(f"grad expects the function to return a scalar tensor, got a "
                         f"tensor of shape {value.shape}: reduce it (nx.sum, nx.mean) first")
    if not _is_diff(value.spec):
        raise TypeError_(f"grad expects the function to return a floating-point tensor, got "
                         f"{value.type}: integer outputs have no gradient")
    return value


# -- the reverse pass -------------------------------------------------------------------

def vjp(outputs, cotangents, wrt):
    """The gradients with respect to the tensors ``wrt`` (traced in the current
    graph) of ``sum(outputs[i] * cotangents[i])``: one tensor per ``wrt``,
    zeros where no path leads."""
    graph = _expr.current_graph()
    out_nodes = [_expr.node_of(o) for o in outputs]
    wrt_nodes = [_expr.node_of(w) for w in wrt]
    needed = _between(graph, wrt_nodes, out_nodes)
    cot = {}
    for node, g in zip(out_nodes, cotangents):
        _accumulate(cot, node, g)
    for node in reversed(graph.nodes):
        if node.id not in needed or node.id not in cot:
            continue
        if node.id in {w.id for w in wrt_nodes}:
            continue
        _backward(node, cot, needed)
    result = []
    for w in wrt_nodes:
        g = cot.get(w.id)
        result.append(g if g is not None else _zeros(w.out))
    return result


def _between(graph, sources, sinks):
    """Ids of the nodes of ``graph`` on a path from a source to a sink."""
    source_ids = {s.id for s in sources}
    forward = set()
    for n in graph.nodes:
        if n.id in source_ids or any(x.id in forward for x in n.inputs()):
            forward.add(n.id)
    back, stack = set(), [s for s in sinks if s.id in forward]
    while stack:
        n = stack.pop()
        if n.id in back:
            continue
        back.add(n.id)
        stack.extend(x for x in n.inputs() if x.id in forward)
    return back


def _zeros(spec):
    nx = _nx()
    kind = spec.type if _is_diff(spec) else "f32"
    return nx.broadcast(nx.tensor(0, type=kind), spec.shape, names=list(spec.names))


def _accumulate(cot, node, g):
    """Add ``g`` to the cotangent of ``node``: undo implicit broadcasting, keep
    a floating node's type (the real part for a real node), and give integer
    nodes floating cotangents (Nx lets gradients flow through integer values)."""
    if g is None:
        return
    nx = _nx()
    if isinstance(g, _NUMBER):
        g = nx.tensor(g, type=node.out.type if _is_diff(node.out) else "f32")
    if g.shape != node.out.shape:
        g = _unbroadcast(g, node)
    t = node.out.type
    if _is_diff(node.out):
        if g.type.is_complex and not t.is_complex:
            g = nx.real(g)
        if g.type != t:
            g = nx.as_type(g, t)
    elif not _is_diff(g.spec):
        g = nx.as_type(g, types.to_floating(g.type))
    previous = cot.get(node.id)
    cot[node.id] = g if previous is None else nx.add(previous, g)


def _unbroadcast(g, node):
    """The cotangent of an implicitly broadcast input: summed over the axes the
    broadcast added or stretched."""
    shape = node.out.shape
    extra = g.rank - len(shape)
    ok = extra >= 0 and all(d in (1, e) for d, e in zip(shape, g.shape[extra:]))
    if not ok:
        raise ShapeError(f"internal error: gradient of shape {g.shape} for a node of shape "
                         f"{shape} ({node.op})")
    axes = list(range(extra)) + [extra + i for i, d in enumerate(shape)
                                 if d == 1 and g.shape[extra + i] != 1]
    nx = _nx()
    if axes:
        g = nx.sum(g, axes=axes)
    return nx.reshape(g, shape)


def _backward(node, cot, needed):
    g = cot[node.id]
    op = node.op
    if op in ("parameter", "constant", "tensor"):
        return
    if op == "elem":
        parent = node.args[0]
        slots = cot.setdefault(("tuple", parent.id), {})
        i = node.opts["index"]
        slots[i] = g if i not in slots else _nx().add(slots[i], g)
        cot.setdefault(parent.id, "tuple")
        return
    if isinstance(g, str):
        slots = cot[("tuple", node.id)]
        g = tuple(slots.get(i, _zeros(s)) if _is_diff(s) else None for i, s in enumerate(node.out))
    if op == "stop_grad":
        return
    if op == "identity":
        _accumulate(cot, node.args[0], g)
        return
    if op == "custom_grad":
        grads = node.opts["fun"](g)
        for x, gx in zip(node.args[1:], grads):
            if x.id in needed:
                _accumulate(cot, x, gx)
        return
    if op == "io_call":
        for x, gx in zip(node.args, g):
            _accumulate(cot, x, gx)
        return
    if op == "cond":
        from nx_ref.defn.grad_control import cond_vjp
        return cond_vjp(node, g, cot, needed, _accumulate)
    if op == "while":
        from nx_ref.defn.grad_control import while_vjp
        return while_vjp(node, g, cot, needed, _accumulate)
    if op == "runtime_call":
        raise ArgumentError("cannot compute gradient for nx.runtime_call: wrap it in "
                            "nx.custom_grad to give it a gradient, or nx.stop_grad")
    _rule(node, g, cot, needed)


def _rule(node, g, cot, needed):
    spec_op = registry.get(node.op)
    if not spec_op.differentiable and spec_op.family != "linalg":
        return       # piecewise constant (comparisons, rounding, argmax, ...): zero, as Nx
    if spec_op.grad is None and spec_op.composite is None:
        raise ArgumentError(f"gradient not yet implemented for nx.{node.op}")
    inputs = [tuple(_expr.wrap(x) for x in a) if isinstance(a, tuple) else _expr.wrap(a)
              for a in node.args]
    if spec_op.grad is None:      # a composite kept whole in the graph: through its expansion
        if any(isinstance(a, tuple) for a in node.args):
            raise ArgumentError(f"gradient not yet implemented for nx.{node.op}")
        expanded = spec_op.composite(_nx(), *inputs, **node.opts)
        for a, ga in zip(node.args, vjp([expanded], [g], inputs)):
            if a.id in needed:
                _accumulate(cot, a, ga)
        return
    inputs = [list(a) if isinstance(a, tuple) else a for a in inputs]
    out = (tuple(_expr.wrap(_expr.current_graph().add("elem", s, (node,), {"index": i}))
                 for i, s in enumerate(node.out)) if isinstance(node.out, tuple) else _expr.wrap(node))
    grads = spec_op.grad(_nx(), g, out, *inputs, **node.opts)
    for a, ga in zip(node.args, grads):
        if isinstance(a, tuple):
            for x, gx in zip(a, ga or [None] * len(a)):
                if x.id in needed:
                    _accumulate(cot, x, gx)
        elif a.id in needed:
            _accumulate(cot, a, ga)
