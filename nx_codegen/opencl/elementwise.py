"""The C element-wise rules beyond the core arithmetic (:mod:`nx_codegen.c.elementwise`:
integer bit operations, shifts, division rules, ``pow``, ``atan2``, rounding,
``sign``, ``clip``, ``erf_inv``, ...) for OpenCL C, on the real types.

The rules are the C module's own expressions, with the few names OpenCL C
spells differently replaced (``popcount``, ``clz``, the overloaded ``fmod``,
``fabs`` and ``copysign``; libmvec's vector entry points become the
overloaded built-ins), and its helper functions taken without the complex
ones (complex values are rendered by the complex support, not here).

>>> rule("population_count", ["a"], "u16", "u16")
'(uint16_t)popcount((uint64_t)((uint64_t)(uint16_t)a & 65535UL))'
>>> rule("pow", ["a", "b"], "f32", "f32")
'(float)pow((double)a, (double)b)'
>>> "nx_erf_inv" in SOURCE and "NX_ROUNDING(float" in SOURCE and "_Complex" not in SOURCE
True
"""

from __future__ import annotations

import re

from nx_codegen.c import elementwise as _ew

__all__ = ["SOURCE", "supports", "rule"]

_COMPLEX = ("c64", "c128")


def _source():
    """The helper functions of the C rules that OpenCL can compile: everything
    before the first complex helper, and ``nx_erf_inv``."""
    text = _ew.SOURCE
    head = text[:text.index("static inline double _Complex")]
    start = text.index("static inline double nx_erf_inv(")
    end = text.index("\nstatic inline", start + 1)
    # (OpenCL's INFINITY is a float: the overloads need the double one)
    body = (head + text[start:end + 1]).replace("copysign(INFINITY,", "copysign((double)INFINITY,")
    lines = [line for line in body.splitlines() if not line.startswith("#include")]
    compat = ["#define fabsf(x) fabs(x)", "#define copysignf(x, y) copysign(x, y)",
              "#define fmodf(x, y) fmod(x, y)"]
    return "\n".join(compat + lines) + "\n"


SOURCE = _source()

_RENAMES = [(re.compile(r"__builtin_popcountll\("), "popcount((uint64_t)"),
            (re.compile(r"__builtin_clzll\("), "clz((uint64_t)"),
            (re.compile(r"\b(\d+)ULL\b"), r"\1UL"),
            (re.compile(r"\bnx_v_(\w+)\("), r"\1(")]


def supports(node):
    """The C module's answer (:func:`nx_codegen.c.elementwise.supports`) for
    real compute types; None (the core rules decide) for complex ones."""
    if any(str(x.out.type) in _COMPLEX for x in node.inputs()) or str(node.out.type) in _COMPLEX:
        return None
    return _ew.supports(node)


def rule(op, args, compute, out):
    """The OpenCL C expression of ``op`` (see the module docstring), or None."""
    if compute in _COMPLEX or str(out) in _COMPLEX:
        return None
    text = _ew.rule(op, args, compute, out)
    if text is None:
        return None
    for pattern, replacement in _RENAMES:
        text = pattern.sub(replacement, text)
    return text
