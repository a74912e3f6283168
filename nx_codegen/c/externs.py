"""Dedicated C kernels for single graph nodes that are not loop fusions: dot,
and later sort, gather, scatter, cumulative and window ops.

A module providing one calls :func:`register` with the op name, a
``supports(node) -> bool`` (types, shapes, options it handles) and a
``render(name, node, types_of) -> str`` returning the C source of ``void
name(void *const *b)``, whose ``b`` holds the node's input buffers (in the
node's argument order, list parameters flattened), then its output buffers.
The lowering turns a supported node into an :class:`~nx_codegen.ir.Extern`
step; the others stay on the host fallback.

>>> sorted(EXTERNS) == sorted(set(EXTERNS))
True
"""

from __future__ import annotations

__all__ = ["EXTERNS", "register", "supports", "render"]

EXTERNS: dict = {}


CHECKS: dict = {}      # op -> check(node, input arrays): raises on bad data before the kernel runs


def register(op, supports, render, check=None):
    """Add the dedicated kernel of ``op`` (see the module docstring); ``check``,
    when given, validates the node's input arrays on the host before each run
    (out-of-range indices raise the spec's error instead of reaching C)."""
    EXTERNS[op] = (supports, render)
    if check is not None:
        CHECKS[op] = check


def supports(node) -> bool:
    """Whether a dedicated kernel computes ``node``."""
    entry = EXTERNS.get(node.op)
    return entry is not None and entry[0](node)


def render(step, types_of) -> str:
    """The C source of an :class:`~nx_codegen.ir.Extern` step."""
    return EXTERNS[step.node.op][1](step.name, step.node, types_of)


from nx_codegen.c import dot  # noqa: E402,F401
from nx_codegen.c import kernels_index  # noqa: E402,F401
from nx_codegen.c import kernels_scan  # noqa: E402,F401
from nx_codegen.c import kernels_conv  # noqa: E402,F401
from nx_codegen.c import kernels_misc  # noqa: E402,F401
from nx_codegen.c import kernels_fold  # noqa: E402,F401
