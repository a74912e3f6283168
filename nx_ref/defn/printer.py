"""The printed form of Expr graphs (``nx.print_expr``, ``repr`` of a traced tensor).

In the spirit of Nx's ``#Nx.Tensor<... Nx.Defn.Expr ...>``: the parameters and
captured tensors first, then one line per node, ``name = op inputs, options``,
with the output type and shape in a right-hand column. Constants print inline
as their number. ``cond`` and ``while`` nodes list their sub-graphs below them,
indented, each ending with ``-> outputs``.

>>> import nx_ref as nx
>>> from nx_ref.defn.expr import trace
>>> print(format_graph(trace(lambda x: nx.exp(x) / nx.sum(x), [nx.template((3,), "f32")])))
parameter a:0                             f32[3]
b = exp a                                 f32[3]
c = sum a, axes: nil, keep_axes: false    f32
d = divide b, c                           f32[3]
-> d
"""

from __future__ import annotations

from spec.registry import TensorSpec

__all__ = ["format_graph", "format_expr", "format_spec", "var_name"]


def var_name(i: int) -> str:
    """The i-th variable name: a, b, ..., z, ba, bb, ... (Nx's scheme).

    >>> var_name(0), var_name(25), var_name(26)
    ('a', 'z', 'ba')
    """
    letters = ""
    while True:
        letters = chr(ord("a") + i % 26) + letters
        i //= 26
        if i == 0:
            return letters


def format_spec(out) -> str:
    """``f32[2][3]`` (with names: ``f32[x: 2]``); tuples in braces.

    >>> from spec.registry import TensorSpec
    >>> format_spec(TensorSpec("f32", (2, 3), ("x", None)))
    'f32[x: 2][3]'
    """
    if isinstance(out, tuple):
        return "{" + ", ".join(format_spec(o) for o in out) + "}"
    dims = "".join(f"[{n}: {d}]" if n else f"[{d}]" for d, n in zip(out.shape, out.names))
    return f"{out.type}{dims}"


def _value(v) -> str:
    if v is None:
        return "nil"
    if v is True or v is False:
        return str(v).lower()
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "%{" + ", ".join(f"{k}: {_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, float):
        return {float("inf"): "Inf", float("-inf"): "-Inf"}.get(v, "NaN" if v != v else repr(v))
    if callable(v):
        return f"&{getattr(v, '__qualname__', type(v).__name__)}"
    return str(v)


class _Printer:
    def __init__(self):
        self.names = {}
        self.count = 0
        self.lines = []     # (indent, left, right)

    def name(self, node):
        if node.op == "constant":
            return _value(node.opts["value"])
        if node.id not in self.names:
            self.names[node.id] = var_name(self.count)
            self.count += 1
        return self.names[node.id]

    def arg(self, a):
        if isinstance(a, tuple):
            return "[" + ", ".join(self.name(x) for x in a) + "]"
        return self.name(a)

    def graph(self, graph, nodes, outputs, indent=0):
        for n in sorted((n for n in nodes if n.op == "parameter"), key=lambda n: n.opts["index"]):
            if n.opts.get("capture"):
                outer = graph.captures[n.opts["index"] - graph.num_inputs]
                left = f"capture {self.name(n)} = {self.name(outer)}"
            else:
                left = f"parameter {self.name(n)}:{n.opts['index']}"
            self.lines.append((indent, left, format_spec(n.out)))
        for n in nodes:
            if n.op == "tensor":
                self.lines.append((indent, f"tensor {self.name(n)}", format_spec(n.out)))
        for n in nodes:
            if n.op not in ("parameter", "tensor", "constant"):
                self.node(n, indent)
        outs = [self.name(o) for o in outputs]
        self.lines.append((indent, "-> " + (outs[0] if len(outs) == 1 else "{" + ", ".join(outs) + "}"), ""))

    def node(self, n, indent):
        args = [self.arg(a) for a in n.args]
        opts = {k: v for k, v in n.opts.items() if k not in ("branches", "condition", "body", "effect",
                                                              "tree", "out_tree", "options", "callback",
                                                              "num_preds")}
        if n.op == "while":
            left = f"{self.name(n)} = while {{{', '.join(args[:n.opts['condition'].num_inputs])}}}"
        elif n.op == "cond":
            left = f"{self.name(n)} = cond " + ", ".join(args[:n.opts["num_preds"]])
        elif n.op == "elem":
            left = f"{self.name(n)} = elem {args[0]}, {n.opts['index']}"
        elif n.op == "io_call":
            what = n.opts.get("name") or _value(n.opts.get("callback"))
            left = f"{self.name(n)} = io_call {what}: " + ", ".join(args)
        else:
            parts = args + [f"{k}: {_value(v)}" for k, v in opts.items()]
            left = f"{self.name(n)} = {n.op}" + (" " + ", ".join(parts) if parts else "")
        if n.deps:
            left += "  (after " + ", ".join(self.name(d) for d in n.deps) + ")"
        self.lines.append((indent, left, format_spec(n.out)))
        if n.op == "cond":
            k = n.opts["num_preds"]
            for i, g in enumerate(n.opts["branches"]):
                label = f"when {args[i]}" if i < k else "otherwise"
                self.lines.append((indent + 1, f"{label}:", ""))
                self.graph(g, g.nodes, g.outputs, indent + 2)
        elif n.op == "while":
            for label in ("condition", "body"):
                g = n.opts[label]
                self.lines.append((indent + 1, f"{label}:", ""))
                self.graph(g, g.nodes, g.outputs, indent + 2)

    def render(self):
        width = max((2 * i + len(left) for i, left, right in self.lines if right), default=0) + 4
        out = []
        for i, left, right in self.lines:
            text = "  " * i + left
            out.append(text.ljust(width) + right if right else text)
        return "\n".join(out)


def format_graph(graph) -> str:
    """The listing of a whole graph (see the module docstring)."""
    p = _Printer()
    p.graph(graph, graph.nodes, graph.outputs)
    return p.render()


def _needed(node):
    """The nodes of ``node``'s graph it depends on, in graph order."""
    seen, stack = set(), [node]
    while stack:
        n = stack.pop()
        if n.id in seen:
            continue
        seen.add(n.id)
        stack.extend(x for x in n.inputs() if x.graph is node.graph)
        stack.extend(n.deps)
    return [n for n in node.graph.nodes if n.id in seen]


def format_expr(tensor) -> str:
    """The body of an Expr tensor's printed form: ``Nx.Defn.Expr`` and the
    listing of the nodes it depends on."""
    node = tensor.data
    if node.op == "constant":
        return "\nNx.Defn.Expr\n" + _value(node.opts["value"])
    p = _Printer()
    p.graph(node.graph, _needed(node), [node])
    lines = p.render().split("\n")[:-1]    # the result is the last line's name
    return "\nNx.Defn.Expr\n" + "\n".join(lines)


def _is_spec(x):
    return isinstance(x, TensorSpec)
