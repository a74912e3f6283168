"""Gradients through ``cond`` and ``while`` nodes (see :mod:`nx_ref.defn.autodiff`).

Both build new control-flow nodes with the public ``nx.cond`` and
``nx.while_loop``, whose branches and bodies re-emit the forward sub-graphs
(:func:`~nx_ref.defn.expr.replay`) and take their vector-Jacobian products
with :func:`~nx_ref.defn.grad.vjp`, so the result is an ordinary graph.

>>> import nx_ref as nx
>>> f = lambda x: nx.cond(x > 0, lambda: x * x, lambda: -x)
>>> [nx.grad(f)(nx.tensor(v)).to_number() for v in (3.0, -3.0)]
[6.0, -1.0]
"""

from __future__ import annotations

from nx_ref.defn import expr as _expr

__all__ = ["cond_vjp", "while_vjp"]


def _g():
    from nx_ref.defn import autodiff
    return autodiff


def _nx():
    import nx_ref
    return nx_ref


def cond_vjp(node, g, cot, needed, accumulate):
    """Accumulate into ``cot`` the gradients of a ``cond`` node's captured inputs."""
    grad = _g()
    k, branches = node.opts["num_preds"], node.opts["branches"]
    preds = [_expr.wrap(a) for a in node.args[:k]]
    caps = node.args[k:]
    offsets, start = [], 0
    for b in branches:
        offsets.append(start)
        start += len(b.captures)
    cots = [c for c in g]
    wanted = [i for i, c in enumerate(caps) if grad._is_diff(c.out) and c.id in needed]
    if not wanted:
        return

    def branch(b):
        def fn():
            graph, first = branches[b], offsets[b]
            handles = [grad._fresh(_expr.wrap(caps[first + j])) for j in range(len(graph.captures))]
            outs = _expr.replay(graph, handles)
            pairs = [(o, c) for o, c in zip(outs, cots) if c is not None]
            grads = grad.vjp([o for o, _ in pairs], [c for _, c in pairs], handles) if pairs \
                else [None] * len(handles)
            result = []
            for i in wanted:
                j = i - first
                inside = 0 <= j < len(graph.captures) and grads[j] is not None
                result.append(grads[j] if inside else grad._zeros(caps[i].out))
            return tuple(result)
        return fn

    clauses = [(preds[i], branch(i)) for i in range(k)]
    results = _nx().cond(clauses, branch(len(branches) - 1))
    for i, r in zip(wanted, results):
        accumulate(cot, caps[i], r)


def while_vjp(node, g, cot, needed, accumulate):
    """Accumulate into ``cot`` the gradients of a ``while`` node's initial state
    and of the tensors its body captures (see the module docstring of
    :mod:`nx_ref.defn.autodiff` for the strategy)."""
    grad, nx = _g(), _nx()
    cond, body = node.opts["condition"], node.opts["body"]
    n = cond.num_inputs
    init = node.args[:n]
    cond_caps = [_expr.wrap(x) for x in node.args[n:n + len(cond.captures)]]
    body_nodes = node.args[n + len(cond.captures):]
    body_caps = [_expr.wrap(x) for x in body_nodes]
    state_idx = [i for i in range(n) if grad._is_diff(init[i].out)]
    cap_idx = [j for j, c in enumerate(body_nodes) if grad._is_diff(c.out) and c.id in needed]
    if not state_idx:
        return
    s0 = tuple(_expr.wrap(x) for x in init)
    gs = tuple(g[i] if g[i] is not None else grad._zeros(init[i].out) for i in state_idx)

    def forward(state):
        return tuple(_expr.replay(body, list(state) + body_caps))

    def go_on(state):
        return _expr.replay(cond, list(state) + cond_caps)[0]

    _, count = nx.while_loop(lambda s: go_on(s[0]), lambda s: (forward(s[0]), s[1] + 1), (s0, 0))

    def reverse(s):
        k, g_state, g_caps = s
        state, _ = nx.while_loop(lambda t: t[1] < k - 1, lambda t: (forward(t[0]), t[1] + 1), (s0, 0))
        hs = [grad._fresh(x) for x in state]
        hc = [grad._fresh(x) for x in body_caps]
        outs = _expr.replay(body, hs + hc)
        grads = grad.vjp([outs[i] for i in state_idx], list(g_state),
                         [hs[i] for i in state_idx] + [hc[j] for j in cap_idx])
        m = len(state_idx)
        return k - 1, tuple(grads[:m]), tuple(a + b for a, b in zip(g_caps, grads[m:]))

    zero_caps = tuple(grad._zeros(body_nodes[j].out) for j in cap_idx)
    _, g0, gc = nx.while_loop(lambda s: s[0] > 0, reverse, (count, gs, zero_caps))
    for i, gi in zip(state_idx, g0):
        if init[i].id in needed:
            accumulate(cot, init[i], gi)
    for j, gj in zip(cap_idx, gc):
        accumulate(cot, body_nodes[j], gj)
