"""The dedicated C kernel of ``conv``, with every option of the spec: strides,
padding (asymmetric, negative crops), input and kernel dilation, feature and
batch groups, and the three axis permutations.

It keeps the reference backend's semantics (:meth:`nx_ref.reference.contraction.
ContractionMixin.conv`): both operands are converted to the output type first
(:func:`spec.values.cast`: the prelude's ``nx_cast_<a>_<b>`` and the renderer's
casts), the input is zero-padded and dilated *before* the products, so that a
padding zero times an infinite weight is NaN as in the reference, and each
output element is one sum of products, accumulated in ``double`` and rounded
once into the output type. The reference sums exactly (``math.fsum``): the
double sum agrees with it within the spec's tolerance for f32 and the narrower
floats (their products are exact in double), and for f64 unless the sum cancels
(or overflows part-way, where the exact sum would not).

Plan of the C function (the ``packed`` plan):

1. the input is copied, converted to ``double``, padded and dilated into a dense
   canonical ``(batch, channels, *padded spatial)`` array, so that the loops
   below have no bounds to test; the kernel into a dense ``(groups, blocks of
   BLOCK output channels, in channels, *kernel spatial)`` one, the last block
   of a group padded with zero filters;
2. a unit of work is one output batch, one block of :data:`BLOCK` output
   channels and one row (a position on every spatial axis but the last). Along
   the row, a tile of ``BLOCK`` channels x two vectors of positions (16 or 8
   doubles per channel with AVX-512 or AVX) stays in registers while every
   input channel and kernel position adds its products: one load of the input
   vector serves the block's channels, one broadcast weight a whole vector
   (FMA for f32 and narrower, whose products are exact in double so that FMA
   rounds as a product and a sum do; f64 rounds each product first, as the
   reference does);
3. the tile is rounded into the output, through the output permutation.

Units run on OpenMP threads (as many as ``omp_get_max_threads()``: an extern
does not see the compiler's ``threads`` setting) when the work exceeds
:data:`PARALLEL_FLOPS`. When the copies cannot be allocated, a ``direct`` plan
runs instead: one sum per output element over the operands in place, with the
same products in the same order.

The real types the renderer computes are supported (:data:`~nx_codegen.c.
kernels_index.REAL`); the output type is always a float (``to_floating``), so
f32, f64, f16, bf16, f8 and f8_e4m3fn. Complex convolutions (and operands of the
packed 2/4-bit types) stay on the host fallback.

>>> import nx_ref as nx, nx_codegen
>>> f = nx.jit(lambda x, k: nx.conv(x, k, padding="same"), compiler=nx_codegen.C)
>>> f(nx.iota((1, 1, 4), type="f32"), nx.tensor([[[1.0, 2.0, -1.0]]])).to_list()
[[[-1.0, 0.0, 2.0, 8.0]]]
"""

from __future__ import annotations

import math

from nx_ref.reference.storage import strides as _strides
from spec.ops.convolution import dilated_size
from nx_codegen.c import externs
# kernels_index through its module: externs imports this module while kernels_index loads
from nx_codegen.c import kernels_index as _ix

__all__ = ["Geometry", "geometry", "supports", "render_conv", "BLOCK", "PARALLEL_FLOPS",
           "DIRECT_ONLY"]

#: Output channels computed together, sharing each load of the input.
BLOCK = 4
#: Convolutions with more floating-point operations than this run on several threads.
PARALLEL_FLOPS = 1 << 22
#: Render only the direct plan (tests set it, to check that plan on its own).
DIRECT_ONLY = False


class Geometry:
    """The sizes and strides of one ``conv`` node, in canonical axis order
    (batch, channels, *spatial) for the input, the kernel and the output.

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> g = trace(lambda x, k: nx.conv(x, k, padding=[(1, 2)], input_dilation=2,
    ...                                input_permutation=[0, 2, 1]),
    ...           [nx.template((2, 5, 3), "f32"), nx.template((4, 3, 2), "f32")])
    >>> geo = geometry(g.outputs[0])
    >>> geo.xs, geo.x_strides, geo.padded, geo.out_shape
    ((2, 3, 5), (15, 1, 3), (12,), (2, 4, 11))
    """

    def __init__(self, node):
        x, k, out, o = node.args[0].out, node.args[1].out, node.out, node.opts
        ip, kp, op = o["input_permutation"], o["kernel_permutation"], o["output_permutation"]
        self.tx, self.tk, self.to = str(x.type), str(k.type), str(out.type)
        self.xs = tuple(x.shape[a] for a in ip)
        self.x_strides = tuple(_strides(x.shape)[a] for a in ip) if x.rank else ()
        self.ks = tuple(k.shape[a] for a in kp)
        self.k_strides = tuple(_strides(k.shape)[a] for a in kp)
        self.out_shape = tuple(out.shape[a] for a in op)
        self.out_strides = tuple(_strides(out.shape)[a] for a in op)
        self.padding, self.strides = o["padding"], o["strides"]
        self.input_dilation, self.kernel_dilation = o["input_dilation"], o["kernel_dilation"]
        self.padded = tuple(dilated_size(s, d) + lo + hi for s, d, (lo, hi)
                            in zip(self.xs[2:], self.input_dilation, self.padding))
        self.batch_groups = o["batch_group_size"]
        self.groups = max(o["feature_group_size"], self.batch_groups)
        self.n = len(self.padded)
        self.per_group = self.ks[0] // self.groups
        self.blocks = -(-self.per_group // BLOCK)     # blocks of output channels per group

    @property
    def window(self):
        """Products summed per output element: input channels x kernel positions."""
        return self.ks[1] * math.prod(self.ks[2:])

    @property
    def flops(self):
        return 2 * math.prod(self.out_shape) * self.window


def geometry(node) -> Geometry:
    """The :class:`Geometry` of a ``conv`` node."""
    return Geometry(node)


def supports(node) -> bool:
    """Whether the kernel computes this ``conv`` node: operands and output of
    the real types the renderer computes.

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> def node(t):
    ...     return trace(lambda x, k: nx.conv(x, k), [nx.template((1, 1, 3), t)] * 2).outputs[0]
    >>> supports(node("bf16")), supports(node("s8")), supports(node("c64")), supports(node("s4"))
    (True, True, False, False)
    """
    used = {str(node.out.type)} | {str(a.out.type) for a in node.args[:2]}
    return used <= _ix.REAL


# -- the C source ------------------------------------------------------------------------

def _value(buf, t, off, to):
    """Element ``off`` of ``buf`` (type ``t``) converted to ``to``, as a double."""
    return f"(double){_ix._conv(_ix._load(buf, t, off), t, to)}"


def _result(value, to):
    """A double sum rounded once into ``to`` (a compute value of ``to``)."""
    if to == "f64":
        return value
    return f"(float){value}" if to == "f32" else f"nx_cast_f64_{to}({value})"


def _vars(prefix, count):
    return [f"{prefix}{a}" for a in range(count)]


def _nest_named(names, sizes, body, indent="  "):
    """Nested loops ``for (names[k] = 0; names[k] < sizes[k]; ...)`` around ``body``."""
    lines = []
    for depth, (v, n) in enumerate(zip(names, sizes)):
        lines.append(f"{indent}{'  ' * depth}for (int64_t {v} = 0; {v} < {n}; {v}++) {{")
    inner = indent + "  " * len(names)
    lines += [inner + line for line in body]
    lines += [f"{indent}{'  ' * d}}}" for d in reversed(range(len(names)))]
    return lines


def _pack_input(g):
    """Lines filling ``xp`` (padded, dilated, double; zero past the end too,
    where the last tile of a row may read) from ``x``."""
    lines = ["  for (int64_t i = 0; i < xsize; i++) xp[i] = 0.0;"]
    bounds, dst = [(0, g.xs[0]), (0, g.xs[1])], ["i0", "i1"]
    for a in range(g.n):
        lo, d = g.padding[a][0], g.input_dilation[a]
        bounds.append(_ix._kept_range(g.xs[2 + a], g.padded[a], lo, d))
        dst.append(f"({lo} + i{a + 2} * {d})")
    if any(lo >= hi for lo, hi in bounds):
        return lines
    src = _ix._linear([f"i{k}" for k in range(g.n + 2)], g.x_strides)
    dst_off = _ix._linear(dst, _strides((g.xs[0], g.xs[1]) + g.padded))
    return lines + _ix._nest(bounds, [f"xp[{dst_off}] = {_value('x', g.tx, src, g.to)};"])


def _pack_kernel(g):
    """Lines filling ``wp``: per group, its output channels padded with zero
    filters to whole blocks, then the input channels and kernel positions."""
    per_group, blocks = g.per_group, g.blocks
    lines = [f"  for (int64_t i = 0; i < {g.groups * blocks * BLOCK * g.window}; i++) wp[i] = 0.0;"]
    if not math.prod(g.ks):
        return lines
    src = _ix._linear([f"i{k}" for k in range(len(g.ks))], g.k_strides)
    dst = _ix._linear([f"(i0 / {per_group} * {blocks * BLOCK} + i0 % {per_group})"] +
                  [f"i{k}" for k in range(1, len(g.ks))], _strides(g.ks))
    return lines + _ix._nest([(0, s) for s in g.ks], [f"wp[{dst}] = {_value('w', g.tk, src, g.to)};"])


def _unit(g, rows):
    """Declarations from the unit index ``u``: output batch ``bi``, first output
    channel ``o``, valid channels ``nb`` and filters ``wu`` of the block, input
    batch ``nin`` and first input channel ``c0``, and the position ``j<a>`` on
    each spatial axis but the last."""
    per_group, blocks = g.per_group, g.blocks
    nin = f"bi + grp * {g.out_shape[0]}" if g.batch_groups > 1 else "bi"
    c0 = "0" if g.batch_groups > 1 else f"grp * {g.ks[1]}"
    lines = [(f"const int64_t row = u % {rows}, blk = u / {rows} % {blocks}, "
              f"grp = u / {rows * blocks} % {g.groups}, bi = u / {rows * blocks * g.groups};"),
             f"const int64_t o = grp * {per_group} + blk * {BLOCK}, left = {per_group} - blk * {BLOCK};",
             f"const int64_t nb = left < {BLOCK} ? left : {BLOCK};",
             f"const int64_t nin = {nin}, c0 = {c0};",
             f"const double *wu = wp + (grp * {blocks} + blk) * {BLOCK * g.window};"]
    st = _strides(g.out_shape[2:-1])
    lines += [f"const int64_t j{a} = row / {st[a]} % {g.out_shape[2 + a]};" for a in range(g.n - 1)]
    return lines + ["(void)row;"] if g.n == 1 else lines


def _tile(g):
    """Lines accumulating the tile of ``BLOCK`` channels x ``NX_CONV_T``
    positions from ``j`` on the last spatial axis, in registers ``s<q>_<t>``,
    over every input channel and kernel position."""
    kvars, pst, last = _vars("k", g.n), _strides(g.padded), g.strides[-1]
    koff = _ix._linear([f"{k} * {d * p}" for k, d, p in zip(kvars, g.kernel_dilation, pst)],
                   [1] * g.n)
    kflat = _ix._linear(kvars, _strides(g.ks[2:]))
    fma = "nx_conv_madd" if g.to == "f64" else "nx_conv_fma"   # f64: products rounded first
    body = [f"const double *xr = xc + {koff} + j * {last};"]
    body += [f"const nx_cv x{t} = nx_conv_load(xr + {t} * NX_CONV_VL * {last}, {last});"
             for t in range(2)]
    for q in range(BLOCK):
        body.append(f"{{ const nx_cv wv = nx_conv_splat(wc[{q * g.window} + {kflat}]);")
        body += [f"  s{q}_{t} = {fma}(wv, x{t}, s{q}_{t});" for t in range(2)]
        body.append("}")
    size = math.prod(g.padded)
    lines = [f"nx_cv s{q}_{t} = {{0}};" for q in range(BLOCK) for t in range(2)]
    lines += [f"for (int64_t c = 0; c < {g.ks[1]}; c++) {{",
              f"  const double *xc = xrow + c * {size};",
              f"  const double *wc = wu + c * {math.prod(g.ks[2:])};"]
    lines += _nest_named(kvars, g.ks[2:], body, "  ") + ["}"]
    return lines


def _store_tile(g):
    """Lines rounding the tile's valid elements into the output."""
    dst = _ix._linear(["bi", "(o + q)"] + _vars("j", g.n - 1) + ["(j + l)"], g.out_strides)
    width = g.out_shape[-1]
    lines = [f"double tile[{BLOCK}][NX_CONV_T];"]
    lines += [f"memcpy(&tile[{q}][{t} * NX_CONV_VL], &s{q}_{t}, sizeof(nx_cv));"
              for q in range(BLOCK) for t in range(2)]
    lines += [f"const int64_t cnt = {width} - j < NX_CONV_T ? {width} - j : NX_CONV_T;",
              "for (int64_t q = 0; q < nb; q++)",
              "  for (int64_t l = 0; l < cnt; l++) " +
              _ix._store("y", g.to, dst, _result("tile[q][l]", g.to))]
    return lines


def _packed_function(name, g):
    """The packed plan; returns 0, having written nothing, when it cannot allocate."""
    rows = math.prod(g.out_shape[2:-1])
    units = g.out_shape[0] * g.groups * g.blocks * rows
    size, pst = math.prod(g.padded), _strides(g.padded)
    xrow = " + ".join([f"xp + nin * {g.xs[1] * size} + c0 * {size}"] +
                      [f"j{a} * {g.strides[a] * pst[a]}" for a in range(g.n - 1)])
    lines = [f"static int {name}_packed(void *const *b) {{",
             f"  const int64_t xsize = {g.xs[0] * g.xs[1] * size} + NX_CONV_T * {g.strides[-1]};",
             "  double *xp = malloc(sizeof(double) * xsize);",
             f"  double *wp = malloc(sizeof(double) * {max(1, g.groups * g.blocks * BLOCK * g.window)});",
             "  if (!xp || !wp) { free(xp); free(wp); return 0; }",
             _ix._decl(0, "x", g.tx), _ix._decl(1, "w", g.tk), _ix._decl(2, "y", g.to, const=False)]
    lines += _pack_input(g) + _pack_kernel(g)
    if g.flops > PARALLEL_FLOPS:
        lines.append("  #pragma omp parallel for schedule(dynamic, 1)")
    lines += [f"  for (int64_t u = 0; u < {units}; u++) {{"]
    lines += ["    " + line for line in _unit(g, rows)]
    lines += [f"    const double *xrow = {xrow};",
              f"    for (int64_t j = 0; j < {g.out_shape[-1]}; j += NX_CONV_T) {{"]
    lines += ["      " + line for line in _tile(g) + _store_tile(g)]
    lines += ["    }", "  }", "  free(xp); free(wp);", "  return 1;", "}"]
    return "\n".join(lines)


def taps(g, jvars, kvars):
    """The direct plan's view of one tap (shared with the OpenCL kernel):
    ``(group, inner, src, wsrc)``. ``group`` declares ``nin`` (the input batch
    row) and ``c0`` (the first input feature of output feature ``o``'s group);
    ``inner`` sets ``ok`` (the tap lands on an input element, not on padding or
    between dilated elements); ``src`` and ``wsrc`` are the offsets of that
    input element (feature ``c0 + c``) and of the kernel weight."""
    per_group = g.ks[0] // g.groups
    nin = f"bi + o / {per_group} * {g.out_shape[0]}" if g.batch_groups > 1 else "bi"
    c0 = "0" if g.batch_groups > 1 else f"o / {per_group} * {g.ks[1]}"
    inner, terms = ["int ok = 1;"], []
    for a, (j, k) in enumerate(zip(jvars, kvars)):
        lo, d = g.padding[a][0], g.input_dilation[a]
        inner += [f"const int64_t q{a} = {j} * {g.strides[a]} + {k} * {g.kernel_dilation[a]} - ({lo});",
                  f"ok = ok && q{a} >= 0 && q{a} % {d} == 0 && q{a} / {d} < {g.xs[2 + a]};"]
        terms.append(f"q{a} / {d}")
    src = _ix._linear(["nin", "(c0 + c)"] + terms, g.x_strides)
    wsrc = _ix._linear(["o", "c"] + kvars, g.k_strides)
    return f"const int64_t nin = {nin}, c0 = {c0};", inner, src, wsrc


def _direct_function(name, g):
    """One sum per output element over the operands in place (no allocation)."""
    jvars, kvars = _vars("j", g.n), _vars("k", g.n)
    group, inner, src, wsrc = taps(g, jvars, kvars)
    body = [group, "double acc = 0.0;", f"for (int64_t c = 0; c < {g.ks[1]}; c++) {{"]
    inner += [f"const double v = ok ? {_value('x', g.tx, src, g.to)} : 0.0;",
              f"acc += v * {_value('w', g.tk, wsrc, g.to)};"]
    body += _nest_named(kvars, g.ks[2:], inner) + ["}"]
    dst = _ix._linear(["bi", "o"] + jvars, g.out_strides)
    body.append(_ix._store("y", g.to, dst, _result("acc", g.to)))
    lines = [f"static void {name}_direct(void *const *b) {{",
             _ix._decl(0, "x", g.tx),
             _ix._decl(1, "w", g.tk),
             _ix._decl(2, "y", g.to, const=False)]
    lines += _nest_named(["bi", "o"] + jvars, g.out_shape, body)
    return "\n".join(lines + ["}"])


_COMMON = r"""
#ifndef NX_CONV_COMMON
#define NX_CONV_COMMON
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) && defined(__AVX__)
#include <immintrin.h>
#endif
/* a tile: BLOCK output channels x NX_CONV_T positions, two vectors of doubles each */
#if defined(__AVX512F__)
#define NX_CONV_VB 64
#elif defined(__AVX__)
#define NX_CONV_VB 32
#else
#define NX_CONV_VB 16
#endif
#define NX_CONV_VL (NX_CONV_VB / 8)
#define NX_CONV_T (2 * NX_CONV_VL)
typedef double nx_cv __attribute__((vector_size(NX_CONV_VB)));
typedef double nx_cvu __attribute__((vector_size(NX_CONV_VB), aligned(8)));
static inline nx_cv nx_conv_splat(double x) {
  return x - (nx_cv){0};      /* x - 0 is x, -0.0 included */
}
static inline nx_cv nx_conv_load(const double *p, int64_t step) {
  if (step == 1) return *(const nx_cvu *)p;
  nx_cv v;
  for (int l = 0; l < NX_CONV_VL; l++) v[l] = p[l * step];
  return v;
}
/* w * x + s where the product is exact in double (operands of 24 significant
   bits or fewer), so that one rounding happens either way: FMA where there is one */
static inline nx_cv nx_conv_fma(nx_cv w, nx_cv x, nx_cv s) {
#if defined(__AVX512F__)
  return _mm512_fmadd_pd(w, x, s);
#elif defined(__FMA__) && NX_CONV_VB == 32
  return _mm256_fmadd_pd(w, x, s);
#else
  return w * x + s;
#endif
}
/* f64 operands: the product rounded, then the sum, as the reference rounds products */
static inline nx_cv nx_conv_madd(nx_cv w, nx_cv x, nx_cv s) {
  return w * x + s;
}
#endif
"""


def render_conv(name, node, types_of=None) -> str:
    """The C source of ``void name(void *const *b)`` computing the ``conv``
    ``node`` (``b``: the input, the kernel, the output)."""
    g = geometry(node)
    parts = [_COMMON]
    if not math.prod(g.out_shape):      # nothing to write
        call = ""
    elif DIRECT_ONLY:
        parts.append(_direct_function(name, g))
        call = f"  {name}_direct(b);"
    else:
        parts += [_direct_function(name, g), _packed_function(name, g)]
        call = f"  if (!{name}_packed(b)) {name}_direct(b);"
    parts.append(f"void {name}(void *const *b) {{\n{call}\n}}\n")
    return "\n".join(parts)


externs.register("conv", supports, render_conv)
