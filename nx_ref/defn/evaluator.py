"""The Evaluator: the default defn compiler, running a graph with eager backend calls.

It walks ``graph.nodes`` in order and calls the backend method of each node's
op with the node's output spec, input values and options, exactly as an eager
``nx.*`` call would; ``cond`` and ``while`` nodes run their sub-graphs, and
``io_call`` nodes call their callback. Each intermediate value is released as
soon as the last node reading it has run.

>>> import nx_ref as nx
>>> f = nx.jit(lambda x: x * 2, compiler=nx.Evaluator)
>>> f(nx.tensor([1, 2]))
#Nx.Tensor<
  s32[2]
  [2, 4]
>
"""

from __future__ import annotations

from nx_ref import backend as _backend
from nx_ref.defn.compiler import Compiler
from nx_ref.defn.tree import unflatten

__all__ = ["Evaluator"]


class Evaluator(Compiler):
    """Runs graphs with eager calls on ``backend`` (default: the backend of the
    inputs, or the default backend when there are none)."""

    def __init__(self, backend=None):
        self.backend = None if backend is None else _backend._as_backend(backend)

    def compile(self, graph):
        plan = _Plan(graph)

        def run(args, hooks=None):
            backend = self.backend or _backend.pick_backend(
                [a for a in args if hasattr(a, "backend")])
            return plan.run(backend, list(args), hooks or {})
        return run

    def __repr__(self):
        return "Evaluator()" if self.backend is None else f"Evaluator(backend={self.backend!r})"


class _Plan:
    """A graph with, for each node, the values to release after it runs."""

    def __init__(self, graph):
        self.graph = graph
        last = {}
        for i, n in enumerate(graph.nodes):
            for x in n.inputs():
                last[x.id] = i
        keep = {n.id for n in graph.outputs}
        self.release = [[] for _ in graph.nodes]
        for node_id, i in last.items():
            if node_id not in keep:
                self.release[i].append(node_id)
        self.subplans = {}
        for n in graph.nodes:
            for g in list(n.opts.get("branches", ())) + [n.opts[k] for k in ("condition", "body")
                                                       if k in n.opts]:
                self.subplans[id(g)] = _Plan(g)

    def run(self, backend, args, hooks):
        env = {}
        for i, n in enumerate(self.graph.nodes):
            env[n.id] = self.step(n, env, args, backend, hooks)
            for node_id in self.release[i]:
                env.pop(node_id, None)
        return [env[o.id] for o in self.graph.outputs]

    def step(self, n, env, args, backend, hooks):
        op = n.op
        if op == "parameter":
            return args[n.opts["index"]]
        if op == "constant":
            return backend.constant(n.out, n.opts["value"])
        if op == "tensor":
            t = n.opts["tensor"]
            return t if t.backend == backend else _backend.backend_copy(t, backend)
        values = [tuple(env[x.id] for x in a) if isinstance(a, tuple) else env[a.id] for a in n.args]
        if op == "elem":
            return values[0][n.opts["index"]]
        if op in ("identity", "stop_grad", "custom_grad"):      # identities when running
            return values[0]
        if op == "cond":
            return self.cond(n, values, backend, hooks)
        if op == "while":
            return self.loop(n, values, backend, hooks)
        if op == "io_call":
            self.io_call(n, values, hooks)
            return tuple(values)
        if op == "runtime_call":
            from nx_ref.defn.control import check_runtime_result
            from nx_ref.defn.tree import flatten
            result = n.opts["callback"](unflatten(n.opts["tree"], list(values)), dict(n.opts["options"]))
            check_runtime_result(result, n.opts["out_tree"], n.out)
            return tuple(flatten(result)[0])
        values = [list(v) if isinstance(v, tuple) else v for v in values]
        return getattr(backend, op)(n.out, *values, **n.opts)

    def cond(self, n, values, backend, hooks):
        k = n.opts["num_preds"]
        branches = n.opts["branches"]
        chosen = len(branches) - 1
        for i in range(k):
            if _truth(values[i]):
                chosen = i
                break
        start = k + sum(len(g.captures) for g in branches[:chosen])
        g = branches[chosen]
        out = self.subplans[id(g)].run(backend, values[start:start + len(g.captures)], hooks)
        return tuple(out)

    def loop(self, n, values, backend, hooks):
        cond, body = n.opts["condition"], n.opts["body"]
        size = cond.num_inputs
        state = values[:size]
        cond_caps = values[size:size + len(cond.captures)]
        body_caps = values[size + len(cond.captures):]
        cond_plan, body_plan = self.subplans[id(cond)], self.subplans[id(body)]
        while _truth(cond_plan.run(backend, state + cond_caps, hooks)[0]):
            state = body_plan.run(backend, state + body_caps, hooks)
        return tuple(state)

    def io_call(self, n, values, hooks):
        name, callback = n.opts.get("name"), n.opts.get("callback")
        fun = hooks.get(name, callback) if name is not None else callback
        if fun is not None:
            fun(unflatten(n.opts["tree"], list(values)))


def _truth(t) -> bool:
    return t.backend.to_flat_list(t)[0] != 0
