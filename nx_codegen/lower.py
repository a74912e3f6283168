"""Lowering: an Expr graph into a :class:`~nx_codegen.ir.Program` of fused kernels.

Fusion rules (what makes two passes of the seed's softmax):

- element-wise ops, ``as_type``, constants and the *index ops* (``reshape``,
  ``transpose``, ``broadcast``, ``squeeze``, ``reverse``, ``slice`` with constant
  starts) are inlined into the kernel that consumes them: index ops become
  index arithmetic on loads, never copies;
- a node gets its own buffer (is *materialised*) when it is an output, a
  reduction, a node the target has no kernel for (a host step), an input of
  such a node, or an element-wise value used twice that is not cheap to
  recompute (a transcendental function, a division);
- a reduction (``sum``, ``product``, ``reduce_max``, ``reduce_min``) is a kernel
  whose inner loop folds its inlined producers; when it reduces a
  materialised element-wise value whose other users all come after it, that
  value is stored from inside the reduction's loop (multi-output fusion)
  instead of by a kernel of its own.

The target (``supports(node) -> bool``) says which element-wise nodes its
renderer can compute; ``extern(node) -> bool``, when the target has it, which
other nodes have a dedicated kernel (an :class:`~nx_codegen.ir.Extern` step);
everything else runs as a :class:`~nx_codegen.ir.HostStep`.

>>> import nx_ref as nx
>>> from nx_ref.defn.expr import trace
>>> g = trace(lambda x: nx.exp(x) / nx.sum(nx.exp(x)), [nx.template((8,), "f32")])
>>> p = lower(g, ALL)
>>> [len(k.inner_stores) for k in p.kernels()], len(p.steps)
([1, 0], 2)
"""

from __future__ import annotations

import math

from nx_ref.reference.storage import strides as _strides
from spec import registry, types
from nx_codegen import ir

__all__ = ["lower", "ALL", "INDEX_OPS", "REDUCTIONS", "CHEAP"]

INDEX_OPS = {"reshape", "transpose", "broadcast", "squeeze", "reverse", "slice"}
REDUCTIONS = {"sum": ("add", 0), "product": ("multiply", 1),
              "reduce_max": ("max", "-inf"), "reduce_min": ("min", "+inf")}
# element-wise ops cheap enough to recompute in every consumer
CHEAP = {"add", "subtract", "multiply", "negate", "abs", "max", "min", "select", "clip",
         "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
         "logical_and", "logical_or", "logical_not", "logical_xor", "real", "imag", "conjugate",
         "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not"}


class _All:
    """A target that supports every element-wise node (for inspecting fusion)."""

    def supports(self, node):
        return True


ALL = _All()


def _is_elementwise(node):
    if node.op in ("as_type", "constant"):
        return True
    try:
        return registry.get(node.op).family == "elementwise"
    except KeyError:
        return False


def _static_slice(node):
    return node.op != "slice" or all(s.op == "constant" for s in node.args[1])


# nodes that only matter to gradients: their value is their first input
ALIASES = {"identity", "stop_grad", "custom_grad"}


def _fusible(node, target):
    if node.op in ALIASES:
        return True
    if node.op in INDEX_OPS:
        return _static_slice(node)
    return _is_elementwise(node) and target.supports(node)



def _sum(terms):
    terms = [t for t in terms if t != "0"]
    return " + ".join(terms) if terms else "0"


def _paren(a):
    """``a`` as an operand: compound index expressions in parentheses."""
    return f"({a})" if " " in a else a


def _mul(a, c):
    if c == 0 or a == "0":
        return "0"
    return a if c == 1 else f"{_paren(a)} * {c}"


class _Idx:
    """Per-dimension index expressions, plus the row-major linear offset when known."""

    def __init__(self, dims, flat=None):
        self.dims, self.flat = list(dims), flat

    def offset(self, shape):
        if self.flat is not None:
            return self.flat
        return _sum([_mul(d, s)
                     for d, s, n in zip(self.dims, _strides(shape), shape) if n != 1])

    def key(self):
        return tuple(self.dims), self.flat


class _Lowering:
    def __init__(self, graph, target):
        self.graph, self.target = graph, target
        self.program = ir.Program()
        self.uses = {}
        for n in graph.nodes:
            for x in n.inputs():
                self.uses.setdefault(x.id, []).append(n)
        for o in graph.outputs:
            self.uses.setdefault(o.id, []).append(None)
        self.order = {n.id: i for i, n in enumerate(graph.nodes)}
        self.materialized = set()
        self.names = {}
        self.merged = {}       # materialised element-wise node id -> reduction node id storing it
        self.scalars = None    # the Vars a fold's parameters stand for (see fold_step)

    # -- deciding what gets a buffer ------------------------------------------------
    def decide(self):
        outputs = {o.id for o in self.graph.outputs}
        for n in self.graph.nodes:
            if not _fusible(n, self.target) and n.op not in REDUCTIONS:
                self.materialized.add(n.id)
                if n.op != "elem":
                    self.materialized.update(x.id for x in n.inputs())
            if n.op in ("parameter", "tensor") or n.id in outputs or n.op in REDUCTIONS:
                self.materialized.add(n.id)
            elif (_is_elementwise(n) and n.op not in CHEAP and n.op != "constant"
                  and len(self.uses.get(n.id, ())) > 1):
                self.materialized.add(n.id)
        for n in self.graph.nodes:
            if n.op in REDUCTIONS and _fusible_producer(self, n):
                self.merged[n.args[0].id] = n.id

    def buffer(self, node):
        if node.op == "elem" and node.id not in self.names:     # an output of a tuple node
            self.names[node.id] = self.names[(node.args[0].id, node.opts["index"])]
        if node.id not in self.names:
            name = f"b{len(self.names)}"
            self.names[node.id] = name
            self.program.buffers[name] = ir.Buffer(name, str(node.out.type), tuple(node.out.shape))
        return self.names[node.id]

    # -- scalar expressions ---------------------------------------------------------
    def value(self, node, idx, inline=False):
        """The scalar expression of ``node`` at index ``idx``."""
        if node.id in self.materialized and not inline:
            return ir.Load(self.buffer(node), ir.Index(idx.offset(node.out.shape)), str(node.out.type))
        op = node.op
        if op in ALIASES:
            return self.value(node.args[0], idx)
        if op == "parameter" and self.scalars is not None:     # a fold's (value, acc)
            return self.scalars[node.opts["index"]]
        if op == "constant":
            return ir.Const(node.opts["value"], str(node.out.type))
        if op == "as_type":
            x = node.args[0]
            return ir.Cast(self.value(x, self.broadcast_idx(idx, node.out.shape, x.out.shape)),
                           str(node.out.type))
        if op in INDEX_OPS:
            return self.value(node.args[0], getattr(self, "idx_" + op)(node, idx))
        spec_op = registry.get(op)
        ins = list(node.inputs())
        merged_type = ins[0].out.type
        for x in ins[1:]:
            merged_type = types.merge(merged_type, x.out.type)
        if op in ("select", "clip"):
            compute = str(node.out.type)
            args = [self.value(x, self.broadcast_idx(idx, node.out.shape, x.out.shape)) for x in ins]
            if op == "select":
                args = [args[0]] + [ir.Cast(a, compute) for a in args[1:]]
            else:
                args = [ir.Cast(a, compute) for a in args]
            return ir.Elem(op, tuple(args), compute, compute)
        compute = str(spec_op.extras["compute_type"](merged_type if len(ins) > 1 else ins[0].out.type))
        args = tuple(ir.Cast(self.value(x, self.broadcast_idx(idx, node.out.shape, x.out.shape)),
                             compute) for x in ins)
        return ir.Elem(op, args, str(node.out.type), compute)

    @staticmethod
    def broadcast_idx(idx, shape, in_shape):
        if tuple(in_shape) == tuple(shape):
            return idx
        if math.prod(in_shape) == 1:
            return _Idx(["0"] * len(in_shape), "0")
        lead = len(shape) - len(in_shape)
        return _Idx([d if n != 1 else "0" for d, n in zip(idx.dims[lead:], in_shape)])

    def idx_reshape(self, node, idx):
        lin = idx.offset(node.out.shape)
        shape = node.args[0].out.shape
        dims = [f"(({lin}) / {s}) % {n}" if n != 1 else "0" for s, n in zip(_strides(shape), shape)]
        return _Idx(dims, lin)

    def idx_squeeze(self, node, idx):
        return self.idx_reshape(node, idx)

    def idx_transpose(self, node, idx):
        perm = node.opts["axes"]
        dims = [None] * len(perm)
        for k, p in enumerate(perm):
            dims[p] = idx.dims[k]
        return _Idx(dims)

    def idx_broadcast(self, node, idx):
        axes = node.opts["axes"]
        x = node.args[0]
        if x.out.size == 1:
            return _Idx(["0"] * x.out.rank, "0")
        return _Idx([idx.dims[a] if n != 1 else "0" for a, n in zip(axes, x.out.shape)])

    def idx_reverse(self, node, idx):
        axes = set(node.opts["axes"])
        return _Idx([f"{n - 1} - {_paren(d)}" if k in axes else d
                     for k, (d, n) in enumerate(zip(idx.dims, node.out.shape))])

    def idx_slice(self, node, idx):
        from nx_ref.reference.shape import clamped_starts
        x = node.args[0]
        starts = clamped_starts(x.out.shape, [s.opts["value"] for s in node.args[1]],
                                node.opts["lengths"])
        return _Idx([_sum([_mul(d, st), str(s)]) for d, s, st in
                     zip(idx.dims, starts, node.opts["strides"])])

    # -- kernels ----------------------------------------------------------------------
    def elementwise_kernel(self, node):
        shape = tuple(node.out.shape)
        idx = _Idx([f"o{k}" for k in range(len(shape))], "o")
        value = self.value(node, idx, inline=True)
        store = ir.Store(self.buffer(node), ir.Index(idx.offset(shape)), value)
        return _kernel(f"k{len(self.program.steps)}", shape, (), (), (), (store,))

    def reduce_kernel(self, node):
        x = node.args[0]
        shape = tuple(x.out.shape)
        axes = node.opts.get("axes")
        axes = tuple(range(len(shape))) if axes is None else tuple(axes)
        kept = [k for k in range(len(shape)) if k not in axes]
        outer = tuple(shape[k] for k in kept)
        inner = tuple(shape[k] for k in axes)
        dims = [None] * len(shape)
        for j, k in enumerate(kept):
            dims[k] = f"o{j}"
        for j, k in enumerate(axes):
            dims[k] = f"r{j}"
        idx = _Idx(dims)
        if list(axes) == list(range(len(kept), len(shape))):     # reduced axes trailing
            idx.flat = _sum([_mul("o", math.prod(inner)) if outer else "0", "r"])
        combine, init = REDUCTIONS[node.op]
        acc_type = str(node.out.type)
        merged = self.merged.get(x.id) == node.id
        value = self.value(x, idx, inline=merged)
        inner_stores = ()
        if merged:
            inner_stores = (ir.Store(self.buffer(x), ir.Index(idx.offset(shape)), value),)
        acc = ir.Reduce(combine, init, ir.Cast(value, acc_type), acc_type)
        store = ir.Store(self.buffer(node), ir.Index("o"), ir.Acc(0, acc_type))
        return _kernel(f"k{len(self.program.steps)}", outer, inner, (acc,), inner_stores, (store,))

    def fold_kernel(self, node):
        """The kernel of ``nx.reduce`` with the user's function as the
        accumulator's step, or None (host fallback) when the function is not a
        chain of element-wise ops the target computes, keeping the output type,
        or the initial value is not a constant."""
        x, init = node.args
        t = str(node.out.type)
        step = fold_step(node.opts["fun"], t, self.target)
        if step is None or init.op != "constant":
            return None
        from spec import values
        start = values.cast(init.opts["value"], values_type(init.opts["value"]), node.out.type)
        shape = tuple(x.out.shape)
        axes = node.opts.get("axes")
        axes = tuple(range(len(shape))) if axes is None else tuple(sorted(axes))
        kept = [k for k in range(len(shape)) if k not in axes]
        dims = [None] * len(shape)
        for j, k in enumerate(kept):
            dims[k] = f"o{j}"
        for j, k in enumerate(axes):
            dims[k] = f"r{j}"
        acc = ir.Reduce("step", start, ir.Cast(self.value(x, _Idx(dims)), t), t, step)
        store = ir.Store(self.buffer(node), ir.Index("o"), ir.Acc(0, t))
        return _kernel(f"k{len(self.program.steps)}", tuple(shape[k] for k in kept),
                       tuple(shape[k] for k in axes), (acc,), (), (store,))

    def run(self):
        self.decide()
        p = self.program
        for n in self.graph.nodes:
            if n.op == "parameter":
                p.params.append(self.buffer(n))
            elif n.op == "tensor":
                p.constants[self.buffer(n)] = n.opts["tensor"]
            elif n.id not in self.materialized or n.id in self.merged or n.op == "elem":
                continue
            elif n.op in REDUCTIONS:
                p.steps.append(self.reduce_kernel(n))
            elif n.op == "reduce" and (fold := self.fold_kernel(n)) is not None:
                p.steps.append(fold)
            elif _fusible(n, self.target):
                p.steps.append(self.elementwise_kernel(n))
            else:
                ins = tuple(tuple(self.buffer(x) for x in a) if isinstance(a, tuple) else self.buffer(a)
                            for a in n.args)
                outs = tuple(self.buffer_of_spec(n, i, s) for i, s in enumerate(n.out)) \
                    if isinstance(n.out, tuple) else (self.buffer(n),)
                extern = getattr(self.target, "extern", None)
                if extern is not None and extern(n):
                    p.steps.append(ir.Extern(f"x{len(p.steps)}", n, ins, outs))
                else:
                    p.steps.append(ir.HostStep(n, ins, outs))
        p.outputs = [self.buffer(o) for o in self.graph.outputs]
        return p

    def buffer_of_spec(self, node, i, spec):
        name = f"b{len(self.names)}_{i}"
        self.names[(node.id, i)] = name
        self.program.buffers[name] = ir.Buffer(name, str(spec.type), tuple(spec.shape))
        return name


def _fusible_producer(low, reduction):
    """Whether the materialised element-wise input of ``reduction`` can be stored
    from inside the reduction's loop."""
    x = reduction.args[0]
    if x.id not in low.materialized or x.id in low.merged or not _is_elementwise(x):
        return False
    if x.op == "constant" or x.id in {o.id for o in low.graph.outputs}:
        return False
    if not _fusible(x, low.target):
        return False
    others = [u for u in low.uses.get(x.id, ()) if u is not reduction]
    return all(u is not None and low.order[u.id] > low.order[reduction.id] for u in others)


def _linear(dims, shape):
    return _sum([_mul(d, s) for d, s, n in zip(dims, _strides(shape), shape) if n != 1]) \
        if shape else "0"


def _kernel(name, outer, inner, accs, inner_stores, stores):
    return ir.Kernel(name, tuple(outer), tuple(inner), tuple(accs), tuple(inner_stores),
                     tuple(stores))


def values_type(number):
    """The spec type of a Python number (for casting a constant's value)."""
    from spec import types as _types
    return _types.infer(number)


def fold_step(fun, type_name, target):
    """``fun(value, acc)`` on two scalars of ``type_name`` as an IR expression over
    :class:`~nx_codegen.ir.Var` ``"value"`` and ``"acc"``, or None when it is not
    a chain of element-wise ops ``target`` computes returning ``type_name``.

    >>> import nx_ref as nx
    >>> fold_step(lambda v, a: nx.max(v, a) + 1, "s32", ALL).op
    'add'
    >>> fold_step(lambda v, a: nx.sort(nx.stack([v, a]))[0], "s32", ALL) is None
    True
    """
    import nx_ref as nx
    from nx_ref.defn.expr import trace
    try:
        graph = trace(fun, [nx.template((), type_name)] * 2)
    except Exception:       # noqa: BLE001 - the host fallback then reports any error
        return None
    if len(graph.outputs) != 1 or str(graph.outputs[0].out.type) != type_name:
        return None
    for n in graph.nodes:
        if n.op not in ("parameter", "constant") and not (_fusible(n, target) or n.op in ALIASES):
            return None
    low = _Lowering(graph, target)
    low.scalars = [ir.Var("value", type_name), ir.Var("acc", type_name)]
    return low.value(graph.outputs[0], _Idx([]), inline=True)


def lower(graph, target):
    """The :class:`~nx_codegen.ir.Program` of a finished graph (see the module
    docstring); ``target.supports(node)`` says which element-wise nodes it can
    compute in a kernel."""
    return _Lowering(graph, target).run()
