"""The registry exported as JSON (``spec.json`` next to the HTML), for tools.

One object per op: name, family, kind (primitive/composite), params (name, kind,
default when JSON can hold it, doc), accepted types, tolerance, special cases
(non-finite floats and -0.0 as strings, complex numbers as {"re", "im"}), differentiable and
the docstring.
"""

from __future__ import annotations

import inspect
import json
import math

from spec import registry, types

__all__ = ["export", "write", "jsonable"]


def jsonable(v):
    """A JSON-safe form of a default or special-case value.

    >>> jsonable(float("nan")), jsonable(-0.0), jsonable(1j), jsonable((1, "a"))
    ('nan', '-0.0', {'re': 0.0, 'im': 1.0}, [1, 'a'])
    """
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        return v
    if isinstance(v, float):
        if not math.isfinite(v):
            return str(v)
        return "-0.0" if v == 0.0 and math.copysign(1.0, v) < 0 else v
    if isinstance(v, complex):
        return {"re": jsonable(v.real), "im": jsonable(v.imag)}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    return repr(v)


def _param(p):
    out = {"name": p.name, "kind": p.kind, "doc": p.doc}
    if p.default is not inspect.Parameter.empty:
        out["default"] = jsonable(p.default)
    return out


def export() -> dict:
    """The registry as JSON-compatible data."""
    ops = []
    for op in registry.all_ops().values():
        ops.append({
            "name": op.name, "family": op.family,
            "kind": "primitive" if op.is_primitive else "composite",
            "signature": f"nx.{op.name}{op.signature}",
            "params": [_param(p) for p in op.params],
            "accepts": [t.name for t in op.accepts],
            "tolerance": dict(op.tolerance),
            "special_cases": [{"inputs": jsonable(i), "expected": jsonable(e)} for i, e in op.special_cases],
            "differentiable": bool(op.differentiable),
            "has_grad_rule": op.grad is not None,
            "doc": inspect.cleandoc(op.doc),
        })
    return {"schema_version": 1, "types": [t.name for t in types.ALL_TYPES],
            "promotion": {f"{a},{b}": r for (a, b), r in types.promotion_table().items()},
            "ops": ops}


def write(path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(export(), f, indent=1, allow_nan=False)
