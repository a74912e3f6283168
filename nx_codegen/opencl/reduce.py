"""Work-group reductions for OpenCL: a reduction kernel with few outputs and a
long inner loop becomes two kernels, so that the whole device works on it.

1. ``<name>_part``: :data:`GROUPS` work-groups of :data:`LOCAL` work-items per
   output; each work-item folds its share of the inner range (its inner
   stores, such as a softmax's ``exp``, are written on the way), then the
   work-group combines its work-items' values in local memory (a tree) and
   writes one partial per group;
2. ``<name>``: one work-item per output combines the partials in group order
   and writes the kernel's stores.

Sums and products take the work-items' elements interleaved (coalesced loads);
their order only changes rounding, which the accumulation in double (f32) or
compensated partials (f64) keep within the spec's tolerance, and integer
results wrap exactly. ``max``/``min`` keep the first of equal values (``-0.0``
before ``0.0``), so each work-item takes a contiguous range and every
combination keeps the earlier operand on ties: the result is the sequential
one.

>>> from nx_codegen import ir
>>> k = ir.Kernel("k0", outer=(1,), inner=(100000,), accs=(ir.Reduce("add", 0, ir.Load("x", ir.Index("r"), "f32"), "f32"),), stores=(ir.Store("y", ir.Index("o"), ir.Acc(0, "f32")),))
>>> splits(k)
True
>>> src = render_split(k, {"x": "f32", "y": "f32"})
>>> "__kernel void k0_part(" in src and "barrier(CLK_LOCAL_MEM_FENCE)" in src
True
"""

from __future__ import annotations

import math

from nx_codegen.c import render as _c

__all__ = ["LOCAL", "GROUPS", "splits", "render_split"]

LOCAL = 256          # work-items per work-group (a power of two)
GROUPS = 64          # work-groups per output
MIN_INNER = 1 << 14  # inner sizes below which one work-item per output folds alone
MAX_OUTER = 64       # outputs above which one work-item per output keeps the device busy


def splits(kernel) -> bool:
    """Whether ``kernel`` runs as a work-group reduction."""
    return (bool(kernel.accs) and math.prod(kernel.inner) >= MIN_INNER
            and math.prod(kernel.outer) <= MAX_OUTER
            and all(r.combine in ("add", "multiply", "max", "min") and r.type not in _c.COMPLEX
                    and r.type not in _c.PACKED and not _c._scaled(r) for r in kernel.accs))


def _parts(r, j):
    """The accumulator variables of reduction ``j`` (compensated f64 sums: two)."""
    return _c._acc_vars(r, j)


def _merge(r, a, b):
    """C statements combining accumulator ``b`` (later elements) into ``a``."""
    if _c._compensated(r):
        s, c = a
        s2, c2 = b
        return (f"{{ const double x_ = {s}, y_ = {s2}, s_ = x_ + y_, z_ = s_ - x_; "
                f"{c} = {c} + {c2} + ((x_ - (s_ - z_)) + (y_ - z_)); {s} = s_; }}")
    (a,), (b,) = a, b
    if r.combine in ("add", "multiply"):
        return f"{a} = {a} {'+' if r.combine == 'add' else '*'} {b};"
    return _c._acc_update(r, a, b)


def _decode(letter, var, shape, ind):
    """Lines defining ``<letter>0..`` from the flat index ``var`` over ``shape``."""
    lines, stride = [], math.prod(shape)
    if stride == 0:       # an empty space: nothing reads these
        return [f"{ind}const int64_t {letter}{k} = 0;" for k in range(len(shape))]
    for k, n in enumerate(shape):
        stride //= n
        lines.append(f"{ind}const int64_t {letter}{k} = ({var} / {stride}) % {n};")
    return lines


def render_split(kernel, types_of, dialect=None) -> str:
    """The two OpenCL kernels of a work-group reduction (see the module docstring)."""
    from nx_codegen.opencl.render import DIALECT
    dialect = dialect or DIALECT
    names = _c.kernel_buffers(kernel)
    writes = kernel.writes()
    params = [(n, _c.storage_type(types_of[n]), n in writes) for n in names]
    n_out, n_in = math.prod(kernel.outer), math.prod(kernel.inner)
    accs = kernel.accs
    acc_types = [_c._acc_type(r) if not _c._compensated(r) else "double" for r in accs]
    parts_of = [_parts(r, j) for j, r in enumerate(accs)]
    part_params = [f"__global double *part{j}_{p}" if t == "double" else
                   f"__global {t} *part{j}_{p}" for j, t in enumerate(acc_types) for p in
                   range(len(parts_of[j]))]
    head = dialect.head(f"{kernel.name}_part", params)[0][:-3] + ", " + ", ".join(part_params) + ") {"
    contiguous = any(r.combine in ("max", "min") for r in accs)
    ind = "  "
    lines = [head, f"{ind}const int64_t lid = get_local_id(0), grp = get_group_id(0);",
             f"{ind}const int64_t o = grp / {GROUPS}, g = grp % {GROUPS};"]
    for j, t in enumerate(acc_types):
        lines += [f"{ind}__local {t} sc{j}_{p}[{LOCAL}];" for p in range(len(parts_of[j]))]
    lines += _decode("o", "o", kernel.outer, ind)
    for j, r in enumerate(accs):
        if _c._compensated(r):
            lines.append(f"{ind}double " + ", ".join(f"{v} = 0" for v in parts_of[j]) + ";")
        else:
            lines.append(f"{ind}{acc_types[j]} acc{j} = {_c._acc_init(r)};")
    if contiguous:       # work-item (g, lid) takes one contiguous stretch, in order
        per = -(-n_in // (GROUPS * LOCAL))
        lines.append(f"{ind}const int64_t lo = (g * {LOCAL} + lid) * {per}, "
                     f"hi = lo + {per} < {n_in} ? lo + {per} : {n_in};")
        lines.append(f"{ind}for (int64_t r = lo; r < hi; r++) {{")
    else:
        lines.append(f"{ind}for (int64_t r = g * {LOCAL} + lid; r < {n_in}; r += {GROUPS * LOCAL}) {{")
    ind2 = ind + "  "
    lines += _decode("r", "r", kernel.inner, ind2)
    lines += _c._inner_body(kernel, types_of, [0], ind2, _c._acc_update, dialect=dialect)
    lines.append(f"{ind}}}")
    for j in range(len(accs)):
        lines += [f"{ind}sc{j}_{p}[lid] = {v};" for p, v in enumerate(parts_of[j])]
    lines.append(f"{ind}barrier(CLK_LOCAL_MEM_FENCE);")
    lines.append(f"{ind}for (int s = {LOCAL // 2}; s > 0; s >>= 1) {{")
    lines.append(f"{ind}  if (lid < s) {{")
    for j, r in enumerate(accs):
        a = [f"sc{j}_{p}[lid]" for p in range(len(parts_of[j]))]
        b = [f"sc{j}_{p}[lid + s]" for p in range(len(parts_of[j]))]
        lines.append(f"{ind}    {_merge(r, a, b)}")
    lines += [f"{ind}  }}", f"{ind}  barrier(CLK_LOCAL_MEM_FENCE);", f"{ind}}}"]
    lines.append(f"{ind}if (lid == 0) {{")
    for j in range(len(accs)):
        lines += [f"{ind}  part{j}_{p}[grp] = sc{j}_{p}[0];" for p in range(len(parts_of[j]))]
    lines += [f"{ind}}}", "}"]
    return "\n".join(lines) + "\n\n" + _final(kernel, types_of, dialect, params, acc_types,
                                              parts_of, n_out)


def _final(kernel, types_of, dialect, params, acc_types, parts_of, n_out):
    """The second kernel: the partials of each output, combined in group order."""
    part_params = [f"__global const {t} *part{j}_{p}" for j, t in enumerate(acc_types)
                   for p in range(len(parts_of[j]))]
    head = dialect.head(kernel.name, params)[0][:-3] + ", " + ", ".join(part_params) + ") {"
    ind = "  "
    lines = [head, f"{ind}const int64_t o = get_global_id(0);", f"{ind}if (o < {n_out}) {{"]
    ind2 = ind + "  "
    lines += _decode("o", "o", kernel.outer, ind2)
    for j, r in enumerate(kernel.accs):
        vars_ = parts_of[j]
        lines.append(f"{ind2}{acc_types[j]} " + ", ".join(f"{v} = part{j}_{p}[o * {GROUPS}]"
                                                          for p, v in enumerate(vars_)) + ";")
        later = [f"part{j}_{p}[o * {GROUPS} + q]" for p in range(len(vars_))]
        lines.append(f"{ind2}for (int q = 1; q < {GROUPS}; q++) {{ {_merge(r, vars_, later)} }}")
        total = _c._acc_total(r, j)
        if r.type in _c.SMALL:
            total = f"nx_cast_f64_{r.type}((double){total})"
        lines.append(f"{ind2}const {_c.COMPUTE[r.type]} acc{j}_out = ({_c.COMPUTE[r.type]}){total};")
    body = _c._Body(types_of, ind2, dialect=dialect)
    for s in kernel.stores:
        body.lines.append(f"{ind2}{_c._store(s, body.value(s.value), types_of)}")
    lines += body.lines + [f"{ind}}}", "}"]
    return "\n".join(lines)


def part_buffers(kernel):
    """``[(C type, count)]`` of the partials buffers the two kernels share."""
    out = []
    for j, r in enumerate(kernel.accs):
        t = "double" if _c._compensated(r) else _c._acc_type(r)
        out += [(t, math.prod(kernel.outer) * GROUPS)] * len(_parts(r, j))
    return out
