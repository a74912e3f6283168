"""Dedicated OpenCL kernels of the window ops: the folds ``window_sum``,
``window_product``, ``window_max``, ``window_min``, ``window_reduce`` with the
user's function, and the scatters ``window_scatter_max`` and
``window_scatter_min``: the OpenCL counterparts of
:mod:`nx_codegen.c.kernels_scan` and :mod:`nx_codegen.c.kernels_fold`, with
their rules. One work-item per output element; a window's taps are visited in
row-major window order, padding holding the fold's initial value.

OpenCL C has no ``long double``, so the wide arithmetic of the C kernels is
replaced by the reference's own double-precision algorithms:

* float sums (window sums, summed scatters) are Python's ``math.fsum`` in
  double (Shewchuk's non-overlapping partials, the half-way correction at the
  end), so they equal the reference's exactly-rounded sum; the partials live
  in a private array of at most 40 doubles (two partials are merged, with one
  rounding, should a window need more; no sum of up to 39 values ever does).
  An f64 sum whose partials overflow is summed again scaled by 2**-64 (exact
  unless some value is below 2**-1010, which then is lost, where the reference
  sums exact fractions);
* float products follow :func:`spec.ops.reductions._float_product`: NaN,
  zeros and infinities by IEEE's rules, else mantissas and exponents apart
  (``frexp``) so that nothing overflows or underflows, the factors multiplied
  six at a time first when they are all within f32's range, one rounding at
  the end (``ldexp``): the reference's steps, so results are equal, not just
  within the spec's tolerance (1 ULP, 32 for f64);
* integers wrap in their type (sums and products in uint64).

Window max/min propagate NaN and order ``-0.0`` below ``0.0``. A scatter runs
two launches: one work-item per window picks its element (the last of equal
extremes; the first tap if nothing beats it, padding included, which then picks
nothing) into a ``scratch`` buffer, then one work-item per element sums
``init_value`` and the source values of the windows that picked it, found by
scanning only the windows that contain the element.

``window_reduce`` inlines the function traced on scalars (rendered through the
OpenCL dialect), under the C kernel's conditions
(:func:`nx_codegen.c.kernels_fold.fold_steps`).

>>> import nx_ref as nx, nx_codegen
>>> f = nx.jit(lambda x: (nx.window_sum(x, (2,)), nx.window_max(x, (2,), padding="same")),
...            compiler=nx_codegen.OpenCL(device="pocl:0"))
>>> s, m = f(nx.tensor([1e30, 1.0, -1e30]))
>>> s.to_list(), m.to_list()
([1.0000000150474662e+30, -1.0000000150474662e+30], [1.0000000150474662e+30, 1.0, -1.0000000150474662e+30])
"""

from __future__ import annotations

import math

from nx_ref.reference.storage import strides as _strides
from nx_codegen.c import kernels_index as _ix
from nx_codegen.c import kernels_scan as _cs
from nx_codegen.c import render as _c
from nx_codegen.opencl import externs
from nx_codegen.opencl import kernels_scan as _scan   # (a partly initialised module when
#                                                      it is the one importing externs)
from spec import types

__all__ = ["OPS", "render_window", "render_window_scatter", "render_window_reduce",
           "fold_steps", "fsum_helpers"]

_FLOATS = _cs._FLOATS
_load, _store, _store_rounded = _cs._load, _cs._store, _cs._store_rounded
_PARTIALS = 40


def _taps(shape, opts, inner, skip_padding=True, dilated=True):
    """Loops over the taps of window ``o0, o1, ...`` in row-major window order:
    ``at`` is the tap's element, -1 for padding (padding taps are left out
    when ``skip_padding``)."""
    dims, strides, padding = opts["window_dimensions"], opts["strides"], opts["padding"]
    dilations = (opts.get("window_dilations") if dilated else None) or (1,) * len(shape)
    steps = _strides(shape)
    lines, ind, valid = [], "  ", "1"
    for k, n in enumerate(dims):
        lines.append(f"{ind}for (int64_t w{k} = 0; w{k} < {n}; w{k}++) {{")
        ind += "  "
        lines.append(f"{ind}const int64_t c{k} = o{k} * {strides[k]} + w{k} * {dilations[k]} - "
                     f"({padding[k][0]});")
        if skip_padding:
            lines.append(f"{ind}if (c{k} < 0 || c{k} >= {shape[k]}) continue;")
        else:
            lines.append(f"{ind}const int v{k} = {valid} && c{k} >= 0 && c{k} < {shape[k]};")
            valid = f"v{k}"
    offset = _cs._linear([(f"c{k}", steps[k]) for k in range(len(shape))])
    lines.append(f"{ind}const int64_t at = {offset if skip_padding else f'{valid} ? {offset} : -1'};")
    lines += [ind + s for s in inner]
    lines += [f"{'  ' * (k + 1)}}}" for k in reversed(range(len(dims)))]
    return lines


# -- exact float sums --------------------------------------------------------------------

def fsum_helpers(name, cap=_PARTIALS):
    """``<name>_fadd`` and ``<name>_ftotal``: ``math.fsum`` in double (see the
    module docstring); NaN and infinities are summed apart in ``s``; ``ov``
    is set when partials overflow.

    >>> print(fsum_helpers("x0")[0])
    static inline void x0_fadd(double *p, int *n, double *s, int *sn, int *ov, double x) {
    """
    return [
        f"static inline void {name}_fadd(double *p, int *n, double *s, int *sn, int *ov, double x) {{",
        "  if (!isfinite(x)) { *s += x; *sn = 1; return; }",
        "  if (*ov) return;",
        "  int i = 0;",
        "  for (int j = 0; j < *n; j++) {",
        "    double y = p[j];",
        "    if (fabs(x) < fabs(y)) { const double t = x; x = y; y = t; }",
        "    const double hi = x + y, lo = y - (hi - x);",
        "    if (!isfinite(hi)) { *ov = 1; return; }",
        "    if (lo != 0) p[i++] = lo;",
        "    x = hi;",
        "  }",
        "  if (x != 0) {",
        f"    if (i == {cap}) {{ p[1] += p[0]; for (int j = 1; j < i; j++) p[j - 1] = p[j]; i--; }}",
        "    p[i++] = x;",
        "  }",
        "  *n = i;",
        "}",
        f"static inline double {name}_ftotal(double *p, int n, double s, int sn) {{",
        "  if (sn) return s;",
        "  double hi = 0, lo = 0;",
        "  if (n > 0) {",
        "    hi = p[--n];",
        "    while (n > 0) {",
        "      const double x = hi, y = p[--n];",
        "      hi = x + y; lo = y - (hi - x);",
        "      if (lo != 0) break;",
        "    }",
        "    if (n > 0 && ((lo < 0 && p[n - 1] < 0) || (lo > 0 && p[n - 1] > 0))) {",
        "      const double y = lo * 2, x = hi + y;",
        "      if (y == x - hi) hi = x;",
        "    }",
        "  }",
        "  return hi;",
        "}",
    ]


def _fsum(name, t, count, loops, value):
    """Lines declaring ``double total``, the exact sum of ``value`` over
    ``loops(inner lines)`` (see the module docstring; a second, scaled pass
    after an overflow of f64 partials)."""
    cap = max(2, min(count + 1, _PARTIALS))
    add = f"{name}_fadd(part, &np, &sp, &sn, &ov, scale * (double)({value}));"
    return ["  double total;", "  {",
            f"  double part[{cap}], sp; int np, sn, ov, pass = 0;",
            "  for (;; pass++) {",
            "    const double scale = pass ? 0x1p-64 : 1.0;",
            "    np = 0; sn = 0; ov = 0; sp = 0;",
            *["  " + line for line in loops([add])],
            "    if (!ov || sn || pass) break;" if t == "f64" else "    break;",
            "  }",
            f"  total = {name}_ftotal(part, np, sp, sn) * (pass ? 0x1p64 : 1.0);",
            "  }"]


# -- window folds ------------------------------------------------------------------------

def _product(shape, opts, t):
    """Lines declaring ``double total``, the float product of the window's taps
    (:func:`spec.ops.reductions._float_product`'s steps)."""
    load = f"(double){_load('in0', 'at', t)}"
    stats = ["const double v = " + load + ";",
             "nan |= isnan(v); zero |= v == 0; inf |= isinf(v); neg ^= signbit(v) ? 1 : 0;",
             "if (!isnan(v)) { lo = fmin(lo, fabs(v)); hi = fmax(hi, fabs(v)); }"]
    fold = "{ int k_, j_; const double f_ = frexp(c, &k_); m = frexp(m * f_, &j_); e += k_ + j_; }"
    step = ["const double v = " + load + ";",
            "if (chunked) { c *= v; if (++cnt == 6) { " + fold + " c = 1; cnt = 0; } }",
            "else { c = v; " + fold + " }"]
    return ["  int nan = 0, zero = 0, inf = 0, neg = 0;",
            "  double lo = INFINITY, hi = 0, total;",
            *_taps(shape, opts, stats),
            "  if (nan || (zero && inf)) total = NAN;",
            "  else if (zero || inf) total = (neg ? -1.0 : 1.0) * (zero ? 0.0 : INFINITY);",
            "  else {",
            "    const int chunked = 0x1p-149 <= lo && hi <= 0x1p128;",
            "    double m = 1, c = 1; int e = 0, cnt = 0;",
            *["  " + line for line in _taps(shape, opts, step)],
            "    if (chunked && cnt > 0) " + fold,
            "    total = ldexp(m, e > 4096 ? 4096 : e < -4096 ? -4096 : e);",
            "  }"]


def render_window(name, node, types_of=None):
    """``window_sum``/``_product``/``_max``/``_min``: one work-item per window."""
    x = node.args[0]
    t, op = str(x.out.type), node.op
    shape, out_shape = tuple(x.out.shape), tuple(node.out.shape)
    c = _cs._compute(t)
    body = _scan.decode("g", out_shape, "o")
    helpers = []
    taps = math.prod(node.opts["window_dimensions"])
    if op == "window_sum" and t in _FLOATS:
        helpers = fsum_helpers(name)
        body += _fsum(name, t, taps, lambda inner: _taps(shape, node.opts, inner),
                      _load("in0", "at", t))
        body.append("  " + _store_rounded("out0", "g", t, "total"))
    elif op == "window_product" and t in _FLOATS:
        body += _product(shape, node.opts, t)
        body.append("  " + _store_rounded("out0", "g", t, "total"))
    elif op in ("window_sum", "window_product"):        # integers wrap in their type
        sym = "+" if op == "window_sum" else "*"
        body += [f"  uint64_t acc = {0 if sym == '+' else 1};",
                 *_taps(shape, node.opts, [f"acc = acc {sym} (uint64_t){_load('in0', 'at', t)};"]),
                 f"  out0[g] = ({c})acc;"]
    else:
        is_max = op == "window_max"
        start = (types.min_value if is_max else types.max_value)(types.normalize(t))
        load = _load("in0", "at", t)
        if t in _FLOATS:
            update = f"acc = nx_{'max' if is_max else 'min'}{'' if t == 'f64' else 'f'}(acc, {load});"
        else:
            update = f"{{ const {c} v_ = {load}; acc = v_ {'>' if is_max else '<'} acc ? v_ : acc; }}"
        body += [f"  {c} acc = {_cs._const(start, t)};", *_taps(shape, node.opts, [update]),
                 "  " + _store("out0", "g", t, "acc")]
    return _scan.kernel(name, node, body, node.out.size, helpers)


# -- window scatters ---------------------------------------------------------------------

def _compare_type(t, it):
    """The C type in which elements of ``t`` and the padding value of ``it``
    compare exactly (as Python compares them), or None."""
    if t == it:
        return _cs._compute(t)
    ints = [s for s in (t, it) if s not in _FLOATS]
    if not ints:
        return "double"
    if len(ints) == 1:      # an integer against a float: exact in double up to 32 bits
        return "double" if types.normalize(ints[0]).bits <= 32 else None
    if "u64" in ints:       # u64 against a signed type has no exact common C type
        return "uint64_t" if all(s[0] == "u" for s in ints) else None
    return "int64_t"


def _supports_scatter(node):
    x, _, init = node.args
    return _scan.supports(node) and _compare_type(str(x.out.type), str(init.out.type)) is not None


def _covering(shape, out_shape, opts, inner):
    """Loops over the windows ``w`` (row-major over ``out_shape``) containing
    the element ``c0, c1, ...``, in ascending order."""
    dims, strides, padding = opts["window_dimensions"], opts["strides"], opts["padding"]
    lines = []
    for k in range(len(shape)):
        lo, s, d = padding[k][0], strides[k], dims[k]
        ind = "  " * (k + 1)
        last = out_shape[k] - 1
        lines += [(f"{ind}const int64_t l{k}_ = NAME_fdiv(c{k} + ({lo}) - {d} + {s}, {s}), "
                   f"h{k}_ = NAME_fdiv(c{k} + ({lo}), {s});"),
                  (f"{ind}for (int64_t o{k} = l{k}_ < 0 ? 0 : l{k}_; "
                   f"o{k} <= (h{k}_ < {last} ? h{k}_ : {last}); o{k}++) {{")]
    ind = "  " * (len(shape) + 1)
    w = _cs._linear([(f"o{k}", s) for k, s in enumerate(_strides(out_shape))])
    lines += [f"{ind}const int64_t w = {w};", *[ind + s for s in inner]]
    lines += [f"{'  ' * (k + 1)}}}" for k in reversed(range(len(shape)))]
    if not shape:       # one window, no loop: a loop of one trip for `continue`
        lines = ["  do {", *lines, "  } while (0);"]
    return lines


def render_window_scatter(name, node, types_of=None):
    """``window_scatter_max``/``_min``: two launches (see the module docstring)."""
    x, source, init = node.args
    t, st, it, ot = (str(x.out.type), str(source.out.type), str(init.out.type),
                     str(node.out.type))
    shape, windows = tuple(x.out.shape), tuple(source.out.shape)
    cmp = ">=" if node.op == "window_scatter_max" else "<="
    ct = _compare_type(t, it)
    fill = f"({ct}){_load('in2', '0', it)}"
    pick = [*_scan.decode("g", windows, "o"), f"  const {ct} fill = {fill};",
            f"  int64_t chosen = -1; {ct} best = 0; int first = 1;",
            *_taps(shape, node.opts, [
                f"const {ct} v = at >= 0 ? ({ct}){_load('in0', 'at', t)} : fill;",
                f"if (first || v {cmp} best) {{ chosen = at; best = v; first = 0; }}"],
                skip_padding=False, dilated=False),
            "  s0[g] = chosen;"]
    scratch = (("int64_t", source.out.size),)
    first = _scan.kernel(name, node, pick, source.out.size, scratch=scratch, suffix="_pick")
    init_v = _ix._conv(_load("in2", "0", it), it, ot)
    src = _ix._conv(_load("in1", "w", st), st, ot)
    c = _cs._compute(ot)

    def loops(inner):
        return _covering(shape, windows, node.opts, ["if (s0[w] != g) continue;", *inner])
    body = [*_scan.decode("g", shape, "c"), f"  const {c} init = {init_v};"]
    helpers = [(f"static inline int64_t {name}_fdiv(int64_t a, int64_t b) "
                "{ return a >= 0 ? a / b : -((-a + b - 1) / b); }")]
    if ot in _FLOATS:
        helpers += fsum_helpers(name)
        count = math.prod(-(-d // s) for d, s in zip(node.opts["window_dimensions"],
                                                     node.opts["strides"])) + 1
        body += ["  int64_t picked = 0;", *_fsum(name, ot, count, lambda inner: [
            f"  {name}_fadd(part, &np, &sp, &sn, &ov, scale * (double)init);",
            *loops(["picked++;", *inner])], src)]
        # an element no window picked keeps init_value (a sum of -0.0 alone is 0.0)
        body.append("  " + _store_rounded("out0", "g", ot, "picked ? total : (double)init"))
    else:                                   # integers wrap in their type
        body += ["  uint64_t acc = (uint64_t)init;", *loops([f"acc += (uint64_t){src};"]),
                 f"  out0[g] = ({c})acc;"]
    body = [line.replace("NAME_", f"{name}_") for line in body]
    second = _scan.kernel(name, node, body, x.out.size, helpers, scratch)
    return externs.Kernels(first.source + "\n" + second.source,
                           first.launches + second.launches, scratch)


# -- window_reduce -----------------------------------------------------------------------

def fold_steps(node):
    """``(step, initial value)`` of a ``window_reduce`` node the kernel
    computes: the C kernel's conditions, the step traced for the OpenCL target
    (whose element-wise ops it computes), its intermediate values of the
    input's type, f32 or f64 only (the types the program's prelude covers);
    None otherwise."""
    from nx_codegen.c import kernels_fold
    from nx_codegen.lower import fold_step
    from nx_codegen.opencl.render import OpenCLTarget
    found = kernels_fold.fold_steps(node)
    if found is None:
        return None
    t = str(node.args[0].out.type)
    step = fold_step(node.opts["fun"], t, OpenCLTarget())
    if step is None or not _types_of_step(step) <= {t, "f32", "f64"}:
        return None
    return step, found[1]


def _types_of_step(e):
    out = {str(getattr(e, "type", ""))} - {""}
    for a in list(getattr(e, "args", ()) or ()) + ([e.arg] if hasattr(e, "arg") else []):
        out |= _types_of_step(a)
    return out


def render_window_reduce(name, node, types_of):
    """``window_reduce``: the traced step inlined, one work-item per window."""
    from nx_codegen import ir
    from nx_codegen.opencl.render import DIALECT
    x = node.args[0]
    t = str(x.out.type)
    step, start = fold_steps(node)
    c = _c.COMPUTE[t]
    init = _load("in1", "0", t) if start is None else _c._const(start, "f32" if t in _c.SMALL else t)
    body = _c._Body(types_of, "", DIALECT.elem)
    body.temps[ir.Var("value", t)] = "v_"
    body.temps[ir.Var("acc", t)] = "acc"
    result = body.value(step)
    inner = ["{", f"  const {c} v_ = at >= 0 ? {_load('in0', 'at', t)} : {init};",
             *["  " + line for line in body.lines], f"  acc = {result};", "}"]
    lines = [*_scan.decode("g", tuple(node.out.shape), "o"), f"  {c} acc = {init};",
             *_taps(tuple(x.out.shape), node.opts, inner, skip_padding=False),
             "  " + _store("out0", "g", t, "acc")]
    return _scan.kernel(name, node, lines, node.out.size)


def _supports(node):
    return _scan.supports(node)


OPS = {"window_sum": (_supports, render_window), "window_product": (_supports, render_window),
       "window_max": (_supports, render_window), "window_min": (_supports, render_window),
       "window_scatter_max": (_supports_scatter, render_window_scatter),
       "window_scatter_min": (_supports_scatter, render_window_scatter),
       "window_reduce": (lambda node: fold_steps(node) is not None, render_window_reduce)}

for _op, (_accepts, _render) in OPS.items():
    externs.register(_op, _accepts, _render)
