"""Dedicated C kernels for the scanning and sorting ops: ``sort``, ``argsort``,
``argmax``, ``argmin``, ``all``, ``any``, the window folds (``window_sum``,
``window_product``, ``window_max``, ``window_min``), the window scatters
(``window_scatter_max``, ``window_scatter_min``) and the cumulative ops
(``cumulative_sum``, ``_product``, ``_max``, ``_min``: composites, which
tracing expands into the associative scan today; their kernels serve graphs
that keep them as one node).

Each kernel computes exactly what the reference backend computes
(:mod:`nx_ref.reference.sorting`, :mod:`nx_ref.reference.reductions`,
:mod:`nx_ref.reference.windows`), for the real types the C renderer computes
(:data:`nx_codegen.c._c.COMPUTE`: f32, f64, the 8 to 64 bit integers, and
f16, bf16, f8 and f8_e4m3fn through the prelude's loads and stores); complex
and packed 2/4-bit tensors stay on the host fallback. The rules they keep:

- sorts are stable merge sorts in both directions, NaN above everything
  (last ascending, first descending), ``-0.0`` equal to ``0.0``; sorted values
  are copied bit for bit;
- argmax/argmin take the first NaN of a group if there is one, otherwise the
  first (``tie_break="low"``) or last (``"high"``) of equal extremes;
- float window sums and scatter sums are compensated (Neumaier) in a wider type
  and rounded once, products run in ``long double`` (no intermediate overflow
  or underflow for f32 and the small floats), integers wrap in their type;
  window max/min propagate NaN and order ``-0.0`` below ``0.0``; padding holds
  the fold's initial value, as the spec says;
- cumulative ops combine in the composite's tree order, each step rounded into
  the type, so that they equal the composite bit for bit.

Shapes and options are fixed when a kernel is rendered, so the loops have
constant bounds.

>>> import nx_ref as nx
>>> from nx_ref.defn.expr import trace
>>> g = trace(lambda x: nx.sort(x, direction="desc"), [nx.template((3,), "f32")])
>>> "_before" in render("x0", g.nodes[-1], {})
True
"""

from __future__ import annotations

import math

from nx_ref.reference.storage import strides as _strides
from nx_codegen.c import externs
from nx_codegen.c import render as _c
from spec import types

__all__ = ["OPS", "TYPES", "render"]

_SMALL = _c.SMALL
_FLOATS = ("f32", "f64") + _SMALL
# the real types the C renderer computes: the ones these kernels take
TYPES = tuple(sorted(t for t in _c.COMPUTE if not types.normalize(t).is_complex and t not in _c.PACKED))


# -- C snippets for one type ------------------------------------------------------

def _storage(t):
    return _c.storage_type(t)


def _compute(t):
    return _c.COMPUTE[t]


def _load(buf, i, t):
    return f"nx_load_{t}({buf}, {i})" if t in _SMALL else f"{buf}[{i}]"


def _store(buf, i, t, v):
    """Store the compute value ``v``, already a value of ``t``."""
    return f"nx_store_{t}({buf}, {i}, {v});" if t in _SMALL else f"{buf}[{i}] = {v};"


def _store_rounded(buf, i, t, wide):
    """Store ``wide`` (a double or long double) rounded once into ``t``."""
    if t in _SMALL:
        return f"nx_store_{t}({buf}, {i}, nx_cast_f64_{t}((double)({wide})));"
    return f"{buf}[{i}] = ({_c.CTYPES[t]})({wide});"


def _store_index(buf, i, t, e):
    """Store the int64 index ``e`` as a value of ``t`` (as ``cast_values`` from s64)."""
    if t in _SMALL:
        return f"nx_store_{t}({buf}, {i}, nx_cast_f64_{t}((double)({e})));"
    if t in ("f32", "f64"):
        return f"{buf}[{i}] = ({_c.CTYPES[t]})(double)({e});"
    return f"{buf}[{i}] = ({_c.CTYPES[t]})({e});"


def _const(value, t):
    return _c._const(value, "f32" if t in _SMALL else t)



def _linear(terms):
    terms = [f"{v} * {s}" if s != 1 else v for v, s in terms if s != 0]
    return " + ".join(terms) if terms else "0"


def _pointers(node):
    """The declarations of the input and output pointers ``in0, in1, ..., out0, ...``."""
    lines = [f"  const {_storage(str(x.out.type))} *restrict in{k} = b[{k}];"
             for k, x in enumerate(node.args)]
    outs = node.out if isinstance(node.out, tuple) else (node.out,)
    lines += [f"  {_storage(str(o.type))} *restrict out{k} = b[{len(node.args) + k}];"
              for k, o in enumerate(outs)]
    return lines


def _types_supported(node):
    outs = node.out if isinstance(node.out, tuple) else (node.out,)
    used = {str(x.out.type) for x in node.args} | {str(o.type) for o in outs}
    return used <= set(TYPES)


def _function(name, node, body, helpers=()):
    return "\n".join(["#include <stdlib.h>", *helpers, f"void {name}(void *const *b) {{",
                      *_pointers(node), *body, "}"])


# -- loop nests ---------------------------------------------------------------------

def _grouped(shape, reduced, pre, inner, post):
    """Lines visiting the groups of ``shape`` reduced over ``reduced`` axes: the kept
    axes in row-major order (``g`` counts the groups, ``base`` is the group's first
    element), then each group's elements in row-major order (``at`` is the element)."""
    steps = _strides(shape)
    kept = [a for a in range(len(shape)) if a not in reduced]
    lines, ind = ["  int64_t g = 0;"], "  "
    for a in kept:
        lines.append(f"{ind}for (int64_t a{a} = 0; a{a} < {shape[a]}; a{a}++) {{")
        ind += "  "
    lines.append(f"{ind}const int64_t base = {_linear([(f'a{a}', steps[a]) for a in kept])};")
    lines += [ind + s for s in pre]
    outer_ind = ind
    for a in reduced:
        lines.append(f"{ind}for (int64_t a{a} = 0; a{a} < {shape[a]}; a{a}++) {{")
        ind += "  "
    lines.append(f"{ind}const int64_t at = base + {_linear([(f'a{a}', steps[a]) for a in reduced])};")
    lines += [ind + s for s in inner]
    for _ in reduced:
        ind = ind[:-2]
        lines.append(f"{ind}}}")
    lines += [outer_ind + s for s in post] + [f"{outer_ind}g++;"]
    for _ in kept:
        ind = ind[:-2]
        lines.append(f"{ind}}}")
    return lines


def _windows(shape, out_shape, opts, pre, inner, post, skip_padding=True):
    """Lines visiting each window (``g`` counts them, row-major over ``out_shape``)
    and its taps in row-major window order: ``at`` is the tap's element, and,
    unless ``skip_padding`` (then padding taps are left out), -1 for padding."""
    dims, strides, padding = opts["window_dimensions"], opts["strides"], opts["padding"]
    dilations = opts.get("window_dilations") or (1,) * len(shape)
    steps = _strides(shape)
    lines, ind = ["  int64_t g = 0;"], "  "
    for k, n in enumerate(out_shape):
        lines.append(f"{ind}for (int64_t o{k} = 0; o{k} < {n}; o{k}++) {{")
        ind += "  "
    lines += [ind + s for s in pre]
    outer_ind = ind
    valid = "1"
    for k, n in enumerate(dims):
        lines.append(f"{ind}for (int64_t w{k} = 0; w{k} < {n}; w{k}++) {{")
        ind += "  "
        coord = f"o{k} * {strides[k]} + w{k} * {dilations[k]} - {padding[k][0]}"
        lines.append(f"{ind}const int64_t c{k} = {coord};")
        if skip_padding:
            lines.append(f"{ind}if (c{k} < 0 || c{k} >= {shape[k]}) continue;")
        else:
            lines.append(f"{ind}const int v{k} = {valid} && c{k} >= 0 && c{k} < {shape[k]};")
            valid = f"v{k}"
    offset = _linear([(f"c{k}", steps[k]) for k in range(len(shape))])
    lines.append(f"{ind}const int64_t at = {offset if skip_padding else f'{valid} ? {offset} : -1'};")
    lines += [ind + s for s in inner]
    for _ in dims:
        ind = ind[:-2]
        lines.append(f"{ind}}}")
    lines += [outer_ind + s for s in post] + [f"{outer_ind}g++;"]
    for _ in out_shape:
        ind = ind[:-2]
        lines.append(f"{ind}}}")
    return lines


def _fsum_helpers(name):
    """C functions of kernel ``name`` summing floats exactly, rounded once at the
    end, as the spec's sum does (``math.fsum``): Shewchuk's non-overlapping
    partials, in long double so that no partial of f64 values overflows;
    infinities and NaN are added apart, as IEEE adds them. The total starts at
    +0.0, so a sum of -0.0 values is 0.0, as ``math.fsum``'s is."""
    return [
        f"static inline void {name}_fadd(long double *p, int64_t *n, long double *s, int *sn, long double x) {{",
        "  if (!isfinite(x)) { *s += x; *sn = 1; return; }",
        "  int64_t i = 0;",
        "  for (int64_t j = 0; j < *n; j++) {",
        "    long double y = p[j];",
        "    if (fabsl(x) < fabsl(y)) { const long double t = x; x = y; y = t; }",
        "    const long double hi = x + y, lo = y - (hi - x);",
        "    if (lo != 0) p[i++] = lo;",
        "    x = hi;",
        "  }",
        "  p[i] = x; *n = i + 1;",
        "}",
        f"static inline long double {name}_ftotal(const long double *p, int64_t n, long double s, int sn) {{",
        "  if (sn) return s;",
        "  long double t = 0;",
        "  for (int64_t j = n - 1; j >= 0; j--) t += p[j];",
        "  return t;",
        "}",
    ]


# -- argmax, argmin, all, any ---------------------------------------------------------

def arg_parts(node):
    """``(shape, reduced axes, pre, inner, post)`` of ``argmax``/``argmin``: the
    per-group statements, shared with the OpenCL kernel (the first NaN of a
    group wins for floats; ties go by ``tie_break``)."""
    x = node.args[0]
    t, ot = str(x.out.type), str(node.out.type)
    shape = tuple(x.out.shape)
    axis = node.opts.get("axis")
    reduced = list(range(len(shape))) if axis is None else [axis]
    high = node.opts.get("tie_break", "low") == "high"
    cmp = {"argmax": ">", "argmin": "<"}[node.op] + ("=" if high else "")
    c = _compute(t)
    pre = ["int64_t k = 0, best_i = 0;", "int found = 0, nan = 0;", f"{c} best = 0;"]
    inner = ["if (!nan) {",
             f"  const {c} v = {_load('in0', 'at', t)};",
             "  if (v != v) { best_i = k; nan = 1; }" if t in _FLOATS else "  if (0) {}",
             f"  else if (!found || v {cmp} best) {{ best = v; best_i = k; found = 1; }}",
             "}", "k++;"]
    post = [_store_index("out0", "g", ot, "best_i")]
    return shape, reduced, pre, inner, post


def _render_arg(name, node, types_of):
    shape, reduced, pre, inner, post = arg_parts(node)
    return _function(name, node, _grouped(shape, reduced, pre, inner, post))


def all_any_parts(node):
    """``(shape, reduced axes, pre, inner, post)`` of ``all``/``any`` (NaN is
    non-zero, -0.0 is zero), shared with the OpenCL kernel."""
    x = node.args[0]
    t = str(x.out.type)
    shape = tuple(x.out.shape)
    axes = node.opts.get("axes")
    reduced = list(range(len(shape))) if axes is None else sorted(axes)
    every = node.op == "all"
    pre = [f"uint8_t acc = {1 if every else 0};"]
    inner = [f"acc {'&' if every else '|'}= (uint8_t)({_load('in0', 'at', t)} != 0);"]
    return shape, reduced, pre, inner, ["out0[g] = acc;"]


def _render_all_any(name, node, types_of):
    shape, reduced, pre, inner, post = all_any_parts(node)
    return _function(name, node, _grouped(shape, reduced, pre, inner, post))


# -- sort and argsort --------------------------------------------------------------------

def _sort_helpers(name, c, before):
    """The pair type (key, index), the comparison and the stable merge sort of
    the kernel ``name``: the sort returns whichever of ``src`` and ``dst`` holds
    the sorted pairs (pairs, not indices into the keys, keep the merges in cache)."""
    pair = f"{name}_pair"
    return [
        f"typedef struct {{ {c} k; int64_t i; }} {pair};",
        f"static inline int {name}_before({c} a, {c} b) {{ return {before}; }}",
        f"static {pair} *{name}_sort({pair} *src, {pair} *dst, int64_t n) {{",
        "  for (int64_t lo = 0; lo < n; lo += 16) {",
        "    const int64_t hi = lo + 16 < n ? lo + 16 : n;",
        "    for (int64_t i = lo + 1; i < hi; i++) {",
        f"      const {pair} v = src[i];",
        "      int64_t j = i;",
        f"      while (j > lo && {name}_before(v.k, src[j - 1].k)) {{ src[j] = src[j - 1]; j--; }}",
        "      src[j] = v;",
        "    }",
        "  }",
        "  for (int64_t w = 16; w < n; w *= 2) {",
        "    for (int64_t lo = 0; lo < n; lo += 2 * w) {",
        "      const int64_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;",
        "      int64_t l = lo, r = mid, k = lo;",
        "      while (l < mid && r < hi)",
        f"        dst[k++] = {name}_before(src[r].k, src[l].k) ? src[r++] : src[l++];",
        "      while (l < mid) dst[k++] = src[l++];",
        "      while (r < hi) dst[k++] = src[r++];",
        "    }",
        f"    {pair} *s = src; src = dst; dst = s;",
        "  }",
        "  return src;",
        "}",
    ]


def sort_before(node) -> str:
    """The C condition "key ``a`` sorts before key ``b``" of a sort or argsort
    (shared with OpenCL): NaN above everything, so last ascending and first
    descending; ``-0.0`` and ``0.0`` equal (the merge keeps equal keys in order)."""
    floating = str(node.args[0].out.type) in _FLOATS
    if node.opts["direction"] == "desc":
        return "a > b" + (" || (a != a && b == b)" if floating else "")
    return "a < b" + (" || (b != b && a == a)" if floating else "")


def _render_sort(name, node, types_of):
    """A stable bottom-up merge sort of each row's (key, index) pairs (insertion
    sort on runs of 16 first), keys loaded into the compute type."""
    x = node.args[0]
    t, ot = str(x.out.type), str(node.out.type)
    shape = tuple(x.out.shape)
    axis = node.opts["axis"]
    n = shape[axis]
    outer, inner = math.prod(shape[:axis]), math.prod(shape[axis + 1:])
    before = sort_before(node)
    if node.op == "sort":
        write = f"out0[base + k * {inner}] = in0[base + order[k].i * {inner}];"     # bit for bit
    else:
        write = _store_index("out0", f"base + k * {inner}", ot, "order[k].i")
    pair = f"{name}_pair"
    body = [
        f"  if ({outer * inner * n} == 0) return;",
        f"  {pair} *rows = malloc({2 * n} * sizeof({pair}));",
        f"  for (int64_t a = 0; a < {outer}; a++) for (int64_t i = 0; i < {inner}; i++) {{",
        f"    const int64_t base = a * {n * inner} + i;",
        f"    for (int64_t k = 0; k < {n}; k++) {{ rows[k].k = {_load('in0', f'base + k * {inner}', t)}; rows[k].i = k; }}",
        f"    const {pair} *order = {name}_sort(rows, rows + {n}, {n});",
        f"    for (int64_t k = 0; k < {n}; k++) {write}",
        "  }",
        "  free(rows);",
    ]
    return _function(name, node, body, _sort_helpers(name, _compute(t), before))


# -- window folds ----------------------------------------------------------------------

def _window_fold(op, t):
    """(pre, inner, post) lines folding the taps of one window into ``out0[g]``."""
    c = _compute(t)
    load = _load("in0", "at", t)
    if op == "window_sum" and t in _FLOATS:
        return (["int64_t np = 0; int sn = 0; long double sp = 0;"],
                [f"FSUM_fadd(part, &np, &sp, &sn, (long double){load});"],
                [_store_rounded("out0", "g", t, "FSUM_ftotal(part, np, sp, sn)")])
    if op == "window_product" and t in _FLOATS:
        return (["long double acc = 1;"], [f"acc *= (long double){load};"],
                [_store_rounded("out0", "g", t, "acc")])
    if op in ("window_sum", "window_product"):     # integers wrap in their type
        sym = "+" if op == "window_sum" else "*"
        return ([f"uint64_t acc = {0 if sym == '+' else 1};"],
                [f"acc = acc {sym} (uint64_t){load};"], [f"out0[g] = ({c})acc;"])
    is_max = op == "window_max"
    start = (types.min_value if is_max else types.max_value)(types.normalize(t))
    if t in _FLOATS:
        fn = f"nx_{'max' if is_max else 'min'}{'' if t == 'f64' else 'f'}"
        update = f"acc = {fn}(acc, {load});"
    else:
        update = f"{{ const {c} v_ = {load}; acc = v_ {'>' if is_max else '<'} acc ? v_ : acc; }}"
    return [f"{c} acc = {_const(start, t)};"], [update], [_store("out0", "g", t, "acc")]


def _render_window(name, node, types_of):
    x = node.args[0]
    t = str(x.out.type)
    pre, inner, post = _window_fold(node.op, t)
    body = _windows(tuple(x.out.shape), tuple(node.out.shape), node.opts, pre, inner, post)
    if not any("FSUM" in line for line in body):
        return _function(name, node, body)
    taps = 1
    for d in node.opts["window_dimensions"]:
        taps *= d
    body = [f"  long double part[{taps + 1}];"] + [line.replace("FSUM", name) for line in body]
    return _function(name, node, body, _fsum_helpers(name))


# -- window scatters ---------------------------------------------------------------------

def _cast_into(v, src, dst):
    """The C value of the compute value ``v`` of ``src`` converted into ``dst``."""
    if src == dst:
        return v
    return _c._cast(v, src, dst)


def _scatter_casts_available(node):
    # the prelude of a program holds the casts between its small float types,
    # f32 and f64 only
    ot = str(node.out.type)
    ins = [str(node.args[1].out.type), str(node.args[2].out.type)]
    if ot in _SMALL or any(s in _SMALL for s in ins):
        return all(s in _FLOATS for s in ins) and ot in _FLOATS
    return True


def _render_window_scatter(name, node, types_of):
    """Each window picks its element (the last of equal extremes; the first tap
    if nothing beats it, padding included, which then picks nothing); an element
    picked by some windows is the sum of ``init_value`` and their source values
    (gathered per element first, so that floats are summed exactly), the
    others keep ``init_value``."""
    x, source, init = node.args
    t, st, it, ot = (str(x.out.type), str(source.out.type), str(init.out.type),
                     str(node.out.type))
    cmp = ">=" if node.op == "window_scatter_max" else "<="
    size, windows = x.out.size, source.out.size
    c = _compute(ot)
    pre = ["int64_t chosen = -1;", "long double best = 0;", "int first = 1;"]
    inner = ["const long double v = at >= 0 ? (long double)" + _load("in0", "at", t) + " : fill;",
             f"if (first || v {cmp} best) {{ chosen = at; best = v; first = 0; }}"]
    post = ["pick[g] = chosen;", "if (chosen >= 0) count[chosen + 1]++;"]
    if ot in _FLOATS:
        start = ["int64_t np = 0; int sn = 0; long double sp = 0;",
                 f"{name}_fadd(part, &np, &sp, &sn, (long double)init);"]
        add = f"{name}_fadd(part, &np, &sp, &sn, (long double)src);"
        finish = _store_rounded("out0", "i", ot, f"{name}_ftotal(part, np, sp, sn)")
    else:                                  # integers wrap in their type
        start, add = ["uint64_t acc = (uint64_t)init;"], "acc += (uint64_t)src;"
        finish = f"out0[i] = ({c})acc;"
    body = [f"  if ({size} == 0) return;",
            f"  const long double fill = (long double){_load('in2', '0', it)};",
            f"  const {c} init = {_cast_into(_load('in2', '0', it), it, ot)};",
            f"  int64_t *pick = malloc({max(windows, 1)} * sizeof(int64_t));",
            f"  int64_t *count = calloc({size + 1}, sizeof(int64_t)), *fill_at = malloc({size} * sizeof(int64_t));",
            f"  int64_t *picked_by = malloc({max(windows, 1)} * sizeof(int64_t));",
            f"  long double *part = malloc({windows + 2} * sizeof(long double));"]
    body += _windows(tuple(x.out.shape), tuple(source.out.shape),
                     dict(node.opts, window_dilations=None), pre, inner, post, skip_padding=False)
    body += [
        # the windows that picked element i are picked_by[count[i] .. count[i + 1])
        f"  for (int64_t i = 0; i < {size}; i++) {{ count[i + 1] += count[i]; fill_at[i] = count[i]; }}",
        f"  for (int64_t w = 0; w < {windows}; w++) if (pick[w] >= 0) picked_by[fill_at[pick[w]]++] = w;",
        f"  for (int64_t i = 0; i < {size}; i++) {{",
        f"    if (count[i] == count[i + 1]) {{ {_store('out0', 'i', ot, 'init')} continue; }}",
        *[f"    {line}" for line in start],
        "    for (int64_t k = count[i]; k < count[i + 1]; k++) {",
        f"      const {c} src = {_cast_into(_load('in1', 'picked_by[k]', st), st, ot)};",
        f"      {add}",
        "    }",
        f"    {finish}",
        "  }",
        "  free(pick); free(count); free(fill_at); free(picked_by); free(part);"]
    helpers = _fsum_helpers(name) if ot in _FLOATS else []
    return _function(name, node, body, helpers)


# -- cumulative ops ----------------------------------------------------------------------

_SCAN_COMBINE = {"cumulative_sum": "add", "cumulative_product": "multiply",
                 "cumulative_max": "max", "cumulative_min": "min"}


def _combine(op, t, a, b):
    """The C expression of the element-wise ``op`` on compute values of ``t``,
    rounded into ``t`` as the element-wise op rounds (for + and *, rounding the
    float result of f16/bf16/f8 values again is the exact rounding, since float
    has more than twice their precision)."""
    if op in ("max", "min"):
        if t in _FLOATS:
            return f"nx_{op}{'' if t == 'f64' else 'f'}({a}, {b})"
        return f"({a} {'>' if op == 'max' else '<'} {b} ? {a} : {b})"
    sym = "+" if op == "add" else "*"
    if t in _FLOATS:
        return f"nx_cast_f32_{t}({a} {sym} {b})" if t in _SMALL else f"{a} {sym} {b}"
    return f"({_compute(t)})((uint64_t){a} {sym} (uint64_t){b})"     # wraps in the type


def _render_cumulative(name, node, types_of):
    """The spec's associative scan (:func:`spec.ops.cumulative.associative_scan`)
    of each row, in its tree order, so that floats round exactly as the
    composite does: pairs are combined, their scan gives the odd positions, and
    each even position combines the odd one before it with one more element."""
    x = node.args[0]
    t = str(x.out.type)
    shape = tuple(x.out.shape)
    axis, reverse = node.opts["axis"], node.opts["reverse"]
    n = shape[axis]
    outer = math.prod(shape[:axis])
    inner = math.prod(shape[axis + 1:])
    c = _compute(t)
    op = _SCAN_COMBINE[node.op]
    helpers = [
        f"static void {name}_scan({c} *v, int64_t n, {c} *pairs) {{",
        "  if (n < 2) return;",
        "  const int64_t h = n / 2;",
        f"  for (int64_t i = 0; i < h; i++) pairs[i] = {_combine(op, t, 'v[2 * i + 1]', 'v[2 * i]')};",
        f"  {name}_scan(pairs, h, pairs + h);",
        "  if (n % 2 == 0) {",
        "    for (int64_t i = h - 1; i >= 1; i--) {",
        f"      v[2 * i] = {_combine(op, t, 'pairs[i - 1]', 'v[2 * i]')};",
        "      v[2 * i + 1] = pairs[i];",
        "    }",
        "    v[1] = pairs[0];",
        "  } else {",
        "    for (int64_t j = 0; j < h; j++) {",
        "      v[2 * j + 1] = pairs[j];",
        f"      v[2 * j + 2] = {_combine(op, t, 'pairs[j]', 'v[2 * j + 2]')};",
        "    }",
        "  }",
        "}",
    ]
    pos = f"({n - 1} - k)" if reverse else "k"
    body = [
        f"  if ({outer * inner * n} == 0) return;",
        f"  {c} *row = malloc({2 * n} * sizeof({c}));",
        f"  for (int64_t a = 0; a < {outer}; a++) for (int64_t i = 0; i < {inner}; i++) {{",
        f"    const int64_t base = a * {n * inner} + i;",
        f"    for (int64_t k = 0; k < {n}; k++) row[k] = {_load('in0', f'base + {pos} * {inner}', t)};",
        f"    {name}_scan(row, {n}, row + {n});",
        f"    for (int64_t k = 0; k < {n}; k++) {_store('out0', f'base + {pos} * {inner}', t, 'row[k]')}",
        "  }",
        "  free(row);",
    ]
    return _function(name, node, body, helpers)


# -- registration ----------------------------------------------------------------------

def _supports_real(node):
    return _types_supported(node)


OPS = {
    "argmax": (_supports_real, _render_arg),
    "argmin": (_supports_real, _render_arg),
    "all": (_supports_real, _render_all_any),
    "any": (_supports_real, _render_all_any),
    "sort": (_supports_real, _render_sort),
    "argsort": (_supports_real, _render_sort),
    "window_sum": (_supports_real, _render_window),
    "window_product": (_supports_real, _render_window),
    "window_max": (_supports_real, _render_window),
    "window_min": (_supports_real, _render_window),
    "cumulative_sum": (_supports_real, _render_cumulative),
    "cumulative_product": (_supports_real, _render_cumulative),
    "cumulative_max": (_supports_real, _render_cumulative),
    "cumulative_min": (_supports_real, _render_cumulative),
    "window_scatter_max": (lambda n: _types_supported(n) and _scatter_casts_available(n),
                           _render_window_scatter),
    "window_scatter_min": (lambda n: _types_supported(n) and _scatter_casts_available(n),
                           _render_window_scatter),
}


def render(name, node, types_of) -> str:
    """The C source of the kernel ``name`` computing ``node`` (one of :data:`OPS`)."""
    return OPS[node.op][1](name, node, types_of)


for _op, (_supports, _render) in OPS.items():
    externs.register(_op, _supports, _render)
