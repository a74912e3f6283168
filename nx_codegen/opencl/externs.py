"""Dedicated OpenCL kernels for single graph nodes that are not loop fusions
(dot, conv, sort, gather, scans, windows, ...): the OpenCL counterpart of
:mod:`nx_codegen.c.externs`.

A module providing one calls :func:`register` with the op name, a
``supports(node) -> bool`` (the types, shapes and options it handles) and a
``render(name, node, types_of) -> Kernels``. A :class:`Kernels` holds OpenCL C
source with one or more ``__kernel`` functions and the :class:`Launch` es that
run them, in order, on one in-order queue. Every ``__kernel`` of it takes the
same parameters (:func:`params`): the node's input buffers (in argument order,
list parameters flattened), its output buffers, then the ``scratch`` buffers
the render asked for (allocated once per executable and thread, contents
undefined on entry). The lowering turns a supported node into an
:class:`~nx_codegen.ir.Extern` step; the others run on the host fallback.

``check``, when given, validates the node's input arrays on the host before
each launch (the C kernels' bounds checks of index rows are reused).

>>> import nx_ref as nx
>>> from nx_ref.defn.expr import trace
>>> g = trace(lambda x: nx.bitcast(x, "s32"), [nx.template((3,), "f32")])
>>> print(params(g.outputs[0]))
__global const float *restrict in0, __global int32_t *restrict out0
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nx_codegen.c import render as _c

__all__ = ["EXTERNS", "CHECKS", "Kernels", "Launch", "register", "supports", "render", "params",
           "outputs_of"]

EXTERNS: dict = {}
CHECKS: dict = {}


@dataclass(frozen=True)
class Launch:
    """Run ``kernel`` over ``global_size`` work-items (a tuple), in work-groups of
    ``local_size`` (None: the driver picks)."""

    kernel: str
    global_size: tuple
    local_size: tuple | None = None


@dataclass(frozen=True)
class Kernels:
    """The OpenCL side of one extern step: ``source`` (its ``__kernel``
    functions), ``launches`` (run in order; an empty global size is skipped) and
    ``scratch``: ``(storage C type, element count)`` of each scratch buffer."""

    source: str
    launches: tuple
    scratch: tuple = field(default=())


def register(op, supports, render, check=None):
    """Add the dedicated OpenCL kernel of ``op`` (see the module docstring)."""
    EXTERNS[op] = (supports, render)
    if check is not None:
        CHECKS[op] = check


def supports(node) -> bool:
    """Whether a dedicated OpenCL kernel computes ``node``."""
    entry = EXTERNS.get(node.op)
    return entry is not None and entry[0](node)


def render(step, types_of) -> Kernels:
    """The :class:`Kernels` of an :class:`~nx_codegen.ir.Extern` step."""
    return EXTERNS[step.node.op][1](step.name, step.node, types_of)


def outputs_of(node) -> tuple:
    """The output specs of ``node``, a tuple."""
    return node.out if isinstance(node.out, tuple) else (node.out,)


def params(node, scratch=()) -> str:
    """The parameter list of every ``__kernel`` of ``node``'s extern: ``in0,
    in1, ...`` (list arguments flattened), ``out0, ...`` and ``s0, ...`` (the
    scratch buffers, ``(C type, count)`` pairs)."""
    specs = [x.out for a in node.args for x in (a if isinstance(a, (tuple, list)) else (a,))]
    out = [f"__global const {_c.storage_type(str(s.type))} *restrict in{k}"
           for k, s in enumerate(specs)]
    out += [f"__global {_c.storage_type(str(o.type))} *restrict out{k}"
            for k, o in enumerate(outputs_of(node))]
    out += [f"__global {ctype} *restrict s{k}" for k, (ctype, _) in enumerate(scratch)]
    return ", ".join(out)


from nx_codegen.opencl import kernels_misc  # noqa: E402,F401
from nx_codegen.opencl import kernels_index  # noqa: E402,F401
from nx_codegen.opencl import kernels_dot  # noqa: E402,F401
from nx_codegen.opencl import kernels_scan  # noqa: E402,F401
from nx_codegen.opencl import kernels_window  # noqa: E402,F401
