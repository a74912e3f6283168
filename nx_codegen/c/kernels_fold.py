"""Dedicated C kernel of ``window_reduce`` with the user's function: the function
is traced on scalars (:func:`nx_codegen.lower.fold_step`) and inlined as the
fold's step, each window folded in row-major tap order from the initial value,
padding taps contributing the initial value, as :mod:`nx_ref.reference.windows`
does.

The reference folds with the initial value in its own type (a Python ``0`` is
an s32 constant) where the kernel folds in the input's type. The kernel is used
only where that cannot change a result: the initial value is exact in the
input's type and the function traces to the same operations and result types
whether each argument it receives has the input's type or the initial value's
(padding taps pass the initial value as the element); otherwise
the node stays on the host fallback.

>>> import nx_ref as nx, nx_codegen
>>> f = nx.jit(lambda x: nx.window_reduce(x, 0, (2,), lambda v, a: nx.max(v, a) + 1), compiler=nx_codegen.C)
>>> f(nx.tensor([1.0, 5.0, 2.0])).to_list()
[6.0, 7.0]
"""

from __future__ import annotations

from nx_codegen import ir
from nx_codegen.c import externs
from nx_codegen.c import render as _c
from nx_codegen.c import kernels_scan as _scan
from spec import types, values

__all__ = ["fold_steps", "render_window_reduce"]


def _signature(fun, t1, t2):
    import nx_ref as nx
    from nx_ref.defn.expr import trace
    g = trace(fun, [nx.template((), t1), nx.template((), t2)])
    return [(n.op, str(n.out.type), repr(sorted(n.opts.items())))
            for n in g.nodes if n.op != "parameter"] + [str(g.outputs[0].out.type)]


def fold_steps(node):
    """``(step, initial value)`` of a ``window_reduce`` node the kernel computes
    (see the module docstring; the value is None when the initial value has
    the input's type and is read from its buffer), or None."""
    from nx_codegen.c.compiler import CTarget
    from nx_codegen.lower import fold_step
    x, acc = node.args
    t, a = str(x.out.type), str(acc.out.type)
    if str(node.out.type) != t or t not in _scan.TYPES:
        return None
    fun = node.opts["fun"]
    inside = None           # the initial value read from its buffer at run time
    if a != t:
        if acc.op != "constant":
            return None
        number = acc.opts["value"]
        start = values.cast(number, types.infer(number), acc.out.type)
        inside = values.cast(start, acc.out.type, x.out.type)
        if values.cast(inside, x.out.type, acc.out.type) != start:
            return None
        try:
            same = _signature(fun, t, t)
            # the value of a padding tap is the initial value (first tap: both)
            padded = any(lo or hi for lo, hi in node.opts["padding"])
            variants = ((t, a), (a, t), (a, a)) if padded else ((t, a),)
            if any(_signature(fun, p, q) != same for p, q in variants):
                return None
        except Exception:       # noqa: BLE001 - the host fallback then reports any error
            return None
    step = fold_step(fun, t, CTarget())
    return None if step is None else (step, inside)


def render_window_reduce(name, node, types_of):
    x = node.args[0]
    t = str(x.out.type)
    step, start = fold_steps(node)
    c = _c.COMPUTE[t]
    init = _scan._load("in1", "0", t) if start is None else \
        _c._const(start, "f32" if t in _c.SMALL else t)
    body = _c._Body(types_of, "")
    body.temps[ir.Var("value", t)] = "v_"
    body.temps[ir.Var("acc", t)] = "acc"
    result = body.value(step)
    inner = ["{", f"  const {c} v_ = at >= 0 ? {_scan._load('in0', 'at', t)} : {init};"]
    inner += ["  " + line for line in body.lines] + [f"  acc = {result};", "}"]
    lines = _scan._windows(tuple(x.out.shape), tuple(node.out.shape), node.opts,
                     [f"{c} acc = {init};"], inner, [_scan._store("out0", "g", t, "acc")],
                     skip_padding=False)
    return _scan._function(name, node, lines)


externs.register("window_reduce", lambda node: fold_steps(node) is not None, render_window_reduce)
