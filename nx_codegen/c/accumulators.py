"""The accumulators of the C renderer's reductions (and of the dialects built
on it): their C types, initial values, update statements and final values.

- f32 and the small floats sum in double; f64 and c128 sums are compensated
  (Neumaier; c128 per component);
- float products keep their exponent apart (:func:`_scaled`), as the spec's
  product does;
- integer sums and products wrap in uint64_t; max and min propagate NaN.

>>> from nx_codegen import ir
>>> r = ir.Reduce("add", 0, None, "f64")
>>> _compensated(r), _acc_vars(r, 0)
(True, ['acc0', 'acc0_c'])
"""

from __future__ import annotations

from nx_codegen.c.render import (COMPLEX, COMPUTE, CTYPES, SMALL, _INT_LIMITS, _const, _is_float,
                                 _is_int)


def _acc_type(r):
    if r.combine == "step":
        return COMPUTE[r.type]
    if r.type in COMPLEX:
        return "double _Complex"
    if (_is_float(r.type) or r.type in SMALL) and r.combine in ("add", "multiply") \
            and (r.type != "f64" or r.combine == "add"):
        return "double"
    if r.type in SMALL:
        return "float"
    if r.type == "f32" and r.combine in ("add", "multiply"):
        return "double"
    if _is_int(r.type) and r.combine in ("add", "multiply"):
        return "uint64_t"
    return CTYPES[r.type]


def _compensated(r):
    """f64 and c128 sums are compensated (Neumaier; c128 per component), so that
    they stay within the spec's 1 ULP of the exact sum under cancellation; f32
    sums accumulate in double (per vector lane), which vectorises."""
    return r.combine == "add" and r.type in ("f64", "c128")


def _scaled(r):
    """Float products keep their exponent apart (``acc`` times 2 ** ``acc_e``),
    as the spec's product does: no intermediate overflow or underflow, one
    rounding at the end. A factor or running product outside [2^-500, 2^500]
    is rescaled by ``frexp``, so the common case is one plain multiply."""
    return r.combine == "multiply" and (_is_float(r.type) or r.type in SMALL)


_SAFE = "(fabs({x}) >= 0x1p-500 && fabs({x}) <= 0x1p500)"


def _scaled_update(acc, v):
    return (f"{{ double v_ = (double){v}; int k_; "
            f"if (!{_SAFE.format(x='v_')}) {{ v_ = frexp(v_, &k_); {acc}_e += k_; }} "
            f"{acc} *= v_; "
            f"if (!{_SAFE.format(x=acc)}) {{ {acc} = frexp({acc}, &k_); {acc}_e += k_; }} }}")


def _scaled_total(acc):
    return f"ldexp({acc}, (int)({acc}_e < -4096 ? -4096 : {acc}_e > 4096 ? 4096 : {acc}_e))"


def _neumaier(acc, v):
    return (f"{{ const double v_ = {v}, s_ = {acc} + v_; "
            f"{acc}_c += fabs({acc}) >= fabs(v_) ? ({acc} - s_) + v_ : (v_ - s_) + {acc}; "
            f"{acc} = s_; }}")


def _acc_vars(r, j):
    """The C accumulators of reduction ``j``."""
    if not _compensated(r):
        return [f"acc{j}"]
    parts = [f"acc{j}", f"acc{j}i"] if r.type == "c128" else [f"acc{j}"]
    return [n for p in parts for n in (p, p + "_c")]


def _acc_total(r, j):
    if _scaled(r):
        return _scaled_total(f"acc{j}")
    if not _compensated(r):
        return f"acc{j}"
    total = [f"(isfinite({p}_c) ? {p} + {p}_c : {p})" for p in ([f"acc{j}", f"acc{j}i"]
                                                             if r.type == "c128" else [f"acc{j}"])]
    return f"__builtin_complex({total[0]}, {total[1]})" if r.type == "c128" else total[0]


def _acc_update(r, acc, v):
    if _compensated(r) and r.type == "c128":
        return _neumaier(acc, f"creal({v})") + " " + _neumaier(acc + "i", f"cimag({v})")
    if _compensated(r):
        return _neumaier(acc, f"(double){v}")
    if _scaled(r):
        return _scaled_update(acc, v)
    if r.combine == "multiply" and r.type in COMPLEX:     # the spec's textbook product
        return f"{acc} = nx_cmul({acc}, (double _Complex){v});"
    if r.combine in ("add", "multiply"):
        return f"{acc} = {acc} {'+' if r.combine == 'add' else '*'} ({_acc_type(r)}){v};"
    cmp = ">" if r.combine == "max" else "<"
    if _is_float(r.type) or r.type in SMALL:
        return f"{acc} = ({v} != {v} || {v} {cmp} {acc}) ? {v} : {acc};"
    return f"{acc} = ({v} {cmp} {acc}) ? {v} : {acc};"


def _acc_init(r):
    if r.combine == "step":
        return _const(r.init, "f32" if r.type in SMALL else r.type)
    if r.combine in ("add", "multiply"):
        return "0" if r.combine == "add" else "1"
    t = r.type
    if _is_float(t) or t in SMALL:
        return _const(float(r.init), "f32" if t in SMALL else t)
    lo, hi = _INT_LIMITS[t]
    return _const(lo if r.combine == "max" else hi, t)
