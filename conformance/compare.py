"""Comparing a candidate's result with the reference's: metadata exactly, values
within the op's declared tolerance.

A result is a tensor, a tuple or list of results, bytes or a plain Python value.
Tensors must agree on type, shape and names; their elements then agree exactly
for integer types and within ``op.tolerance[type]`` ULPs (0 when the op declares
none) for float types, NaN matching NaN (any payload), and the sign of zero
mattering (-0.0 is one ULP from 0.0 in the ordinal). Complex numbers are compared
per component. Ops that declare a relative tolerance instead (``extras["rtol"]``,
the linear-algebra ops) are compared with ``|got - expected| <= rtol * (1 +
max|expected|)``.

>>> import nx_ref as nx
>>> compare(nx.tensor([1.0, float("nan")]), nx.tensor([1.0, float("nan")])) is None
True
>>> compare(nx.tensor([0.0]), nx.tensor([-0.0]))["ulps"]
1
>>> compare(nx.tensor([1], names=["x"]), nx.tensor([1]))["what"]
'names'
"""

from __future__ import annotations

import math

from spec import codec, types, values

__all__ = ["ordinal", "ulp_distance", "compare", "tolerance_of"]


def ordinal(type_, x: float) -> int:
    """The position of ``x`` among the values of a real float type: neighbours
    differ by 1, and -0.0 sits one below 0.0 so that a wrong zero sign shows.

    >>> ordinal("f32", 0.0), ordinal("f32", -0.0), ordinal("f32", 1.401298464324817e-45)
    (0, -1, 1)
    """
    type_ = types.normalize(type_)
    n = int.from_bytes(bytes(codec.encode(type_, [x])), "little")
    sign = 1 << (type_.bits - 1)
    return -(n & ~sign) - 1 if n & sign else n


def ulp_distance(type_, a, b) -> float:
    """ULPs between two values of a float or complex type (the larger of the two
    components for complex): 0 when both are NaN, infinite when only one is or
    when they are different infinities.

    >>> ulp_distance("f32", 1.0, 1.0000001192092896), ulp_distance("f64", float("nan"), float("nan"))
    (1, 0)
    >>> ulp_distance("c64", 1+2j, 1+2j)
    0
    """
    type_ = types.normalize(type_)
    if type_.is_complex:
        part = types.to_real(type_)
        a, b = complex(a), complex(b)
        return max(ulp_distance(part, a.real, b.real), ulp_distance(part, a.imag, b.imag))
    a, b = float(a), float(b)
    if a != a or b != b:
        return 0 if (a != a and b != b) else math.inf
    if math.isinf(a) or math.isinf(b):
        return 0 if a == b else math.inf
    ra, rb = values.round_to(type_, a), values.round_to(type_, b)
    return abs(ordinal(type_, ra) - ordinal(type_, rb))


def tolerance_of(op, type_) -> tuple[str, float]:
    """``("ulps", n)`` or ``("rtol", r)``: how far values of ``type_`` may be from
    the reference for ``op`` (``op`` may be None: exact).

    >>> from spec import registry
    >>> tolerance_of(registry.get("exp"), "f32"), tolerance_of(registry.get("add"), "s8")
    (('ulps', 1), ('ulps', 0))
    """
    name = str(type_)
    if op is None:
        return ("ulps", 0)
    rtol = op.extras.get("rtol") if isinstance(op.extras, dict) else None
    if isinstance(rtol, dict) and name in rtol:
        return ("rtol", rtol[name])
    return ("ulps", op.tolerance.get(name, 0))


def _is_tensor(x) -> bool:
    return hasattr(x, "spec") and hasattr(x, "backend") and hasattr(x, "shape")


def _flat(t):
    from nx_ref.template_backend import TemplateBackend
    if isinstance(t.backend, TemplateBackend):
        return None
    import nx_ref as nx
    return nx.to_flat_list(t)


def _same_scalar(g, e) -> bool:
    if isinstance(g, float) or isinstance(e, float) or isinstance(g, complex) or isinstance(e, complex):
        g, e = complex(g), complex(e)
        for x, y in ((g.real, e.real), (g.imag, e.imag)):
            if x != x or y != y:
                if not (x != x and y != y):
                    return False
            elif x != y or math.copysign(1, x) != math.copysign(1, y):
                return False
        return True
    return g == e


def _compare_values(op, type_, got, expected, path):
    kind, tol = tolerance_of(op, type_)
    t = types.normalize(type_)
    worst, worst_i = 0, None
    scale = 1.0
    if kind == "rtol":
        finite = [abs(e) for e in expected if not (isinstance(e, float) and not math.isfinite(e))]
        scale = 1.0 + max(finite, default=0.0)
    for i, (g, e) in enumerate(zip(got, expected)):
        if t.is_integer:
            d = 0 if g == e else math.inf
        elif kind == "rtol":
            d = _relative(g, e, scale)
        else:
            d = ulp_distance(t, g, e)
        if d > worst:
            worst, worst_i = d, i
    if worst > tol:
        return {"what": "values", "path": path, "index": worst_i, "got": got[worst_i],
                "expected": expected[worst_i], ("ulps" if kind == "ulps" else "error"): worst,
                "tolerance": tol, "tolerance_kind": kind}
    return None


def _relative(g, e, scale):
    if _same_scalar(g, e):
        return 0.0
    g, e = complex(g), complex(e)
    if any(v != v or math.isinf(v) for v in (g.real, g.imag, e.real, e.imag)):
        return math.inf
    return abs(g - e) / scale


_ALL = ("type", "shape", "names", "values")


def compare(got, expected, op=None, path="result", fields=_ALL):
    """None when ``got`` agrees with ``expected`` (see the module docstring), else
    a dict describing the first disagreement: ``what`` (type, shape, names,
    values, structure), ``path``, and the observed and expected parts.
    ``fields`` limits what is compared in tensors (the structure always is)."""
    if _is_tensor(expected):
        if not _is_tensor(got):
            return {"what": "structure", "path": path, "got": type(got).__name__, "expected": "tensor"}
        for what in (f for f in ("type", "shape", "names") if f in fields):
            g, e = getattr(got, what), getattr(expected, what)
            if (str(g) if what == "type" else tuple(g)) != (str(e) if what == "type" else tuple(e)):
                return {"what": what, "path": path, "got": _show(g), "expected": _show(e)}
        ev = _flat(expected) if "values" in fields else None
        if ev is None:
            return None
        gv = _flat(got)
        if len(gv) != len(ev):
            return {"what": "size", "path": path, "got": len(gv), "expected": len(ev)}
        return _compare_values(op, expected.type, gv, ev, path)
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return {"what": "structure", "path": path, "got": _show(got), "expected": _show(expected)}
        for i, (g, e) in enumerate(zip(got, expected)):
            d = compare(g, e, op, f"{path}[{i}]", fields)
            if d is not None:
                return d
        return None
    if isinstance(expected, (int, float, complex)) and not isinstance(expected, bool):
        if isinstance(got, (int, float, complex)) and _same_scalar(got, expected):
            return None
    elif got == expected:
        return None
    return {"what": "value", "path": path, "got": _show(got), "expected": _show(expected)}


def _show(x):
    if isinstance(x, (tuple, list)):
        return [_show(v) for v in x]
    if _is_tensor(x):
        return f"{x.type}{list(x.shape)}"
    if isinstance(x, (bool, int, float, complex, str)) or x is None:
        return x
    return str(x)
