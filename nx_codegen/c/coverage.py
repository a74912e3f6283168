"""The coverage report: how ``nx_codegen.C`` (or, with ``target="opencl"``,
``nx_codegen.OpenCL``) computes each op of the registry, generated from the
lowering and the renderer (never hand-listed).

* ``fused`` - element-wise ops (per type: the types whose kernels the renderer
  writes), reductions, index ops (index arithmetic on loads) and ``reduce``
  with an element-wise function all become loop kernels;
* ``kernel`` - a dedicated kernel (:mod:`nx_codegen.c.externs`,
  :mod:`nx_codegen.opencl.externs`);
* ``composite`` - the op expands into other ops while tracing;
* ``host`` - the documented host fallback (the reference backend runs the node:
  linear-algebra decompositions and FFT).

``python -m nx_codegen coverage [--target opencl]`` prints the table.

>>> r = report()
>>> r["exp"][0], r["dot"][0], r["fft"][0], r["sum"][0]
('fused', 'kernel', 'host', 'fused')
>>> "f32" in r["exp"][1] and "c64" in r["exp"][1]
True
>>> report("opencl")["iota"][0]
'kernel'
"""

from __future__ import annotations

from spec import registry, types

__all__ = ["report", "table"]


TARGETS = ("c", "opencl")


def _target(target):
    """The lowering target and the dedicated-kernel registry of ``target``."""
    if target == "c":
        from nx_codegen.c import externs
        from nx_codegen.c.compiler import CTarget
        return CTarget(), externs.EXTERNS
    if target == "opencl":
        from nx_codegen.opencl import externs
        from nx_codegen.opencl.render import OpenCLTarget
        return OpenCLTarget(), externs.EXTERNS
    raise ValueError(f"coverage: target must be one of {TARGETS}, got {target!r}")


def _elementwise_types(name, op, target):
    import nx_ref as nx
    from nx_ref.defn.expr import trace
    from nx_codegen import ir
    from nx_codegen.lower import lower
    arity = op.extras.get("arity", 1)
    out = []
    for t in types.ALL_TYPES:
        if t not in op.accepts:
            continue
        shapes = [(3,)] + [() if name == "clip" else (3,)] * (arity - 1)   # clip's bounds are scalars
        g = trace(lambda *a: getattr(nx, name)(*a), [nx.template(s, str(t)) for s in shapes])
        if all(isinstance(s, ir.Kernel) for s in lower(g, target).steps):
            out.append(str(t))
    return out


def report(target="c") -> dict:
    """``{op: (how, types or note)}`` for every op of the registry on
    ``target`` (``"c"`` or ``"opencl"``; see the module docstring)."""
    from nx_ref.backend import Backend, Composite, Primitive
    from nx_ref.defn.expr import RECORDED_COMPOSITES
    from nx_codegen.lower import INDEX_OPS, REDUCTIONS
    lowering, externs = _target(target)
    out = {}
    for name, op in registry.all_ops().items():
        entry = Backend.__dict__.get(name)
        if isinstance(entry, Composite) and name not in RECORDED_COMPOSITES:
            out[name] = ("composite", "expands into other ops while tracing")
        elif not isinstance(entry, (Primitive, Composite)):
            out[name] = ("frontend", "not a backend op")
        elif op.family == "elementwise":
            fused = _elementwise_types(name, op, lowering)
            out[name] = ("fused" if fused else "host", ", ".join(fused))
        elif name in REDUCTIONS or name in INDEX_OPS or name in ("as_type", "constant"):
            out[name] = ("fused", "loop kernel")
        elif name == "reduce":
            out[name] = ("fused", "loop kernel when the function is element-wise")
        elif name in externs:
            out[name] = ("kernel", "dedicated kernel")
        else:
            out[name] = ("host", "reference backend (documented fallback)")
    return out


def table(target="c") -> str:
    """The report of ``target`` as a Markdown table, host fallbacks first."""
    rows = sorted(report(target).items(), key=lambda kv: (kv[1][0] != "host", kv[1][0], kv[0]))
    lines = ["| op | how | types / note |", "|---|---|---|"]
    lines += [f"| {name} | {how} | {note} |" for name, (how, note) in rows]
    return "\n".join(lines)
