"""The dedicated C kernel of ``dot``: a cache-blocked, register-tiled GEMM of
our own (no BLAS), registered with :mod:`nx_codegen.c.externs`.

Every ``dot`` (any contract and batch axes, any ranks, empty dimensions) is
seen as ``nb`` matrix products ``(M, K) x (K, N)``: the batch axes, the kept
axes of ``t1`` (M), the contracted axes (K) and the kept axes of ``t2`` (N)
are index arithmetic on the operands, and the output, laid out as the spec
orders its axes (batch, kept of ``t1``, kept of ``t2``), is the dense
``(nb, M, N)``. Operands are converted to the output type first, as the spec
says; integers compute in the unsigned type of their width (at least 32 bits)
so that products and sums wrap around, which is exact modulo ``2**bits``.

Two plans, chosen from the static shapes (:func:`plan`):

- ``"loop"`` (small products, narrow ``N``): one sum per output element, over
  the operands in place; f32 products are exact in double and summed in double.
- ``"blocked"``: a BLIS-style GEMM. Both operands are packed once, per
  ``KC`` block of the contraction, converted and zero-padded into slivers
  (``KC x MR`` of ``t1``, ``KC x NR`` of ``t2``); a ``MR x NR`` micro-kernel
  (``NR`` = two vectors: 12 x 32 f32 with AVX-512, 6 x 16 with AVX2) keeps
  its tile of the output in registers and accumulates with FMA in the output
  type, as BLAS does. The output is cut into tiles (up to ``MC x NC``) that
  OpenMP threads take one at a time when the product is large (more than
  ``2**22`` flops): no barrier but the one after packing, so that a thread
  paused by the OS (a core shared with a busy process) takes fewer tiles
  rather than holding the others up. The packed copies cost memory the size
  of the operands; when they cannot be allocated the loop plan runs.

Accuracy: the spec's tolerance is 4 ULPs of the exact result. The loop plan
meets it unless the sum cancels; the blocked plan, like every blocked f32 GEMM
(numpy's OpenBLAS included), is bounded relative to the magnitude of the
products instead: ``|got - exact| <= K * eps * sum(|a_k * b_k|)``. On
standard-normal f32 data with K = 512, about 64% of its results (and of
numpy's) are within 4 ULPs of the exact ones; the worst are thousands of ULPs
off, where the sum nearly cancels.

>>> import nx_ref as nx, nx_codegen
>>> f = nx.jit(lambda a, b: nx.dot(a, b), compiler=nx_codegen.C)
>>> f(nx.tensor([[1.0, 2.0], [3.0, 4.0]]), nx.tensor([[5.0, 6.0], [7.0, 8.0]])).to_list()
[[19.0, 22.0], [43.0, 50.0]]
"""

from __future__ import annotations

import itertools
import math

from nx_codegen.c import externs

__all__ = ["PARALLEL_FLOPS", "geometry", "plan", "render", "supports"]

# The byte-aligned real types, with their C types.
_CTYPES = {"f32": "float", "f64": "double", "s8": "int8_t", "s16": "int16_t", "s32": "int32_t",
           "s64": "int64_t", "u8": "uint8_t", "u16": "uint16_t", "u32": "uint32_t",
           "u64": "uint64_t"}
# The type the GEMM computes in, per output type (integers wrap in unsigned arithmetic).
_COMPUTE = {"f32": "f32", "f64": "f64", "s8": "u32", "s16": "u32", "s32": "u32", "u8": "u32",
            "u16": "u32", "u32": "u32", "s64": "u64", "u64": "u64"}
# The type the loop plan sums in: f32 products are exact in double.
_LOOP_ACC = {"f32": "double", "f64": "double", "u32": "uint32_t", "u64": "uint64_t"}

#: Products with more floating-point operations than this run on several threads.
PARALLEL_FLOPS = 1 << 22


def supports(node) -> bool:
    """Whether the kernel computes this ``dot`` node: operands and result of
    the byte-aligned real types (f32, f64, 8 to 64 bit integers).

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> g = trace(lambda a, b: nx.dot(a, b), [nx.template((2, 3), "f32"), nx.template((3,), "s32")])
    >>> supports(g.outputs[0])
    True
    """
    return all(str(t) in _CTYPES for t in (node.out.type, node.args[0].out.type,
                                           node.args[1].out.type))


def geometry(node):
    """The product's sizes ``(nb, M, K, N)`` and, per operand, its axes in the
    order (batch, rows, columns): ``(batch, kept, contract)`` for ``t1`` and
    ``(batch, contract, kept)`` for ``t2``.

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> g = trace(lambda a, b: nx.dot(a, [0], [], b, [1], []),
    ...           [nx.template((3, 2), "f32"), nx.template((4, 3), "f32")])
    >>> geometry(g.outputs[0])
    ((1, 2, 3, 4), ((), (1,), (0,)), ((), (1,), (0,)))
    """
    o = node.opts
    s1, s2 = tuple(node.args[0].out.shape), tuple(node.args[1].out.shape)
    c1, b1, c2, b2 = (tuple(o[k]) for k in ("contract_axes1", "batch_axes1", "contract_axes2",
                                            "batch_axes2"))
    kept1 = tuple(a for a in range(len(s1)) if a not in c1 and a not in b1)
    kept2 = tuple(a for a in range(len(s2)) if a not in c2 and a not in b2)
    sizes = (math.prod(s1[a] for a in b1), math.prod(s1[a] for a in kept1),
             math.prod(s1[a] for a in c1), math.prod(s2[a] for a in kept2))
    return sizes, (b1, kept1, c1), (b2, c2, kept2)


def plan(node) -> str:
    """``"blocked"`` for products wide enough to fill the micro-kernel's
    vectors (``N >= 16``, ``K >= 8``, ``M * N * K >= 4096``), else ``"loop"``.

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> def node(s1, s2):
    ...     return trace(lambda a, b: nx.dot(a, b), [nx.template(s1, "f32"), nx.template(s2, "f32")]).outputs[0]
    >>> plan(node((64, 64), (64, 64))), plan(node((64, 64), (64,)))
    ('blocked', 'loop')
    """
    (_, m, k, n), _, _ = geometry(node)
    return "blocked" if n >= 16 and k >= 8 and m * n * k >= 4096 else "loop"


def _strides(shape):
    out, acc = [0] * len(shape), 1
    for i in range(len(shape) - 1, -1, -1):
        out[i] = acc
        acc *= shape[i]
    return out


def _collapse(shape, strides, axes):
    """The single stride walking ``axes`` (row-major over them), or None when
    they are not evenly spaced in memory. Axes of size 1 do not count."""
    live = [a for a in axes if shape[a] != 1]
    if not live:
        return 0
    for a, b in itertools.pairwise(live):
        if strides[a] != strides[b] * shape[b]:
            return None
    return strides[live[-1]]


def _offset(var, shape, strides, axes):
    """C code of the offset of flat index ``var`` over ``axes`` (row-major)."""
    terms, div = [], 1
    for a in reversed(axes):
        if shape[a] != 1:
            idx = f"({var} / {div})" if div != 1 else var
            idx = f"({idx} % {shape[a]})" if div * shape[a] != math.prod(shape[x] for x in axes) else idx
            terms.append(f"{idx} * {strides[a]}")
        div *= shape[a]
    return " + ".join(terms) or "0"


def render(name, node, types_of=None) -> str:
    """The C source of ``void name(void *const *b)`` computing ``node``
    (``b``: ``t1``, ``t2``, then the output). ``types_of`` is not needed: the
    node's specs carry the types."""
    source = _COMMON + _loop_function(name, node)
    if plan(node) == "blocked":
        source += _gemm(_COMPUTE[str(node.out.type)]) + _blocked_function(name, node)
    else:
        source += (f"void {name}(void *const *b) {{\n"
                   f"  {name}_loop(b[0], b[1], b[2]);\n}}\n")
    return source


def _types(node):
    return (str(node.args[0].out.type), str(node.args[1].out.type), str(node.out.type))


def _threads(flops):
    return "nx_dot_threads()" if flops > PARALLEL_FLOPS else "1"


def _parallel_for(flops):
    # small products stay on one thread, without an OpenMP region at all
    return "  #pragma omp parallel for schedule(static)\n" if flops > PARALLEL_FLOPS else ""


def _loop_function(name, node):
    """One sum per output element over the operands in place: no allocation,
    so it is also the fallback when the blocked plan cannot allocate."""
    t1, t2, to = _types(node)
    compute = _COMPUTE[to]
    acc = _LOOP_ACC[compute]
    ct = _CTYPES[compute] if compute in ("f32", "f64") else _CTYPES[to]
    (nb, m, k, n), axes1, axes2 = geometry(node)
    s1, s2 = tuple(node.args[0].out.shape), tuple(node.args[1].out.shape)
    st1, st2 = _strides(s1), _strides(s2)
    size = nb * m * n
    # output index o = ((bi * M) + i) * N + j
    a_off = " + ".join([_offset("bi", s1, st1, axes1[0]), _offset("i", s1, st1, axes1[1])])
    b_off = " + ".join([_offset("bi", s2, st2, axes2[0]), _offset("j", s2, st2, axes2[2])])
    ka = _offset("kk", s1, st1, axes1[2])
    kb = _offset("kk", s2, st2, axes2[1])
    conv = "(" + acc + ")(" + ct + ")"
    return f"""
static void {name}_loop(const {_CTYPES[t1]} *restrict a, const {_CTYPES[t2]} *restrict b,
                        {_CTYPES[to]} *restrict c) {{
{_parallel_for(2 * size * k)}\
  for (int64_t o = 0; o < {size}; o++) {{
    const int64_t j = o % {max(n, 1)}, i = (o / {max(n, 1)}) % {max(m, 1)}, bi = o / {max(n * m, 1)};
    const {_CTYPES[t1]} *restrict ar = a + {a_off};
    const {_CTYPES[t2]} *restrict br = b + {b_off};
    {acc} acc = 0;
    #pragma omp simd reduction(+:acc)
    for (int64_t kk = 0; kk < {k}; kk++)
      acc += {conv}ar[{ka}] * {conv}br[{kb}];
    c[o] = ({_CTYPES[to]})acc;
  }}
}}
"""


def _operand(var, ctype, compute, shape, axes, rows, cols):
    """C code giving pointer ``var`` to an operand as ``(nb, rows, cols)`` of
    the compute type with strides ``var_bs, var_rs, var_cs``: the buffer
    itself when its type is the compute type and each group of axes walks
    with one stride, else a converted, contiguous copy in ``var_own``."""
    strides = _strides(shape)
    groups = [_collapse(shape, strides, g) for g in axes]
    ct = _CTYPES[compute]
    if ctype == ct and None not in groups:
        bs, rs, cs = groups
        return (f"  const {ct} *{var} = (const {ct} *)src_{var};\n"
                f"  const int64_t {var}_bs = {bs}, {var}_rs = {rs}, {var}_cs = {cs};\n")
    n = math.prod(shape)
    src = _offset("q", shape, strides, axes[0] + axes[1] + axes[2])
    return (f"  {var}_own = malloc({max(n, 1)} * sizeof({ct}));\n"
            f"  if (!{var}_own) {{ free(a_own); return 0; }}\n"
            f"  for (int64_t q = 0; q < {n}; q++) {var}_own[q] = ({ct})({ctype})src_{var}[{src}];\n"
            f"  const {ct} *{var} = {var}_own;\n"
            f"  const int64_t {var}_bs = {rows * cols}, {var}_rs = {cols}, {var}_cs = 1;\n")


def _blocked_function(name, node):
    t1, t2, to = _types(node)
    compute = _COMPUTE[to]
    ct = _CTYPES[compute]
    (nb, m, k, n), axes1, axes2 = geometry(node)
    s1, s2 = tuple(node.args[0].out.shape), tuple(node.args[1].out.shape)
    direct = _CTYPES[to] == ct or (compute != "f32" and compute != "f64"
                                   and to[1:] == compute[1:])
    out = (f"  {ct} *c = (void *)dst;\n" if direct else
           f"  {ct} *c = malloc({nb * m * n} * sizeof({ct}));\n"
           f"  if (!c) {{ free(a_own); free(b_own); return 0; }}\n")
    back = "" if direct else (f"  for (int64_t q = 0; q < {nb * m * n}; q++) dst[q] = ({_CTYPES[to]})c[q];\n"
                              f"  free(c);\n")
    threads = _threads(2 * nb * m * n * k)
    return f"""
static int {name}_blocked(const {_CTYPES[t1]} *src_a, const {_CTYPES[t2]} *src_b, {_CTYPES[to]} *dst) {{
  {ct} *a_own = NULL, *b_own = NULL;
{_operand("a", _CTYPES[t1], compute, s1, axes1, m, k)}\
{_operand("b", _CTYPES[t2], compute, s2, axes2, k, n)}\
{out}\
  const int ok = nx_gemm_{compute}({nb}, {m}, {n}, {k}, a, a_bs, a_rs, a_cs, b, b_bs, b_rs, b_cs, c, {threads});
  free(a_own); free(b_own);
  if (!ok) {{ if (c != (void *)dst) free(c); return 0; }}
{back}\
  return 1;
}}

void {name}(void *const *b) {{
  if (!{name}_blocked(b[0], b[1], b[2])) {name}_loop(b[0], b[1], b[2]);
}}
"""


# -- the shared C: included once per source, whatever the number of dots ---------------

_COMMON = r"""
#ifndef NX_DOT_COMMON
#define NX_DOT_COMMON
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) && defined(__AVX__)
#include <immintrin.h>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif
/* the micro-kernel: NX_MR rows x 2 vectors, accumulators in registers
   (2 * NX_MR + 3 vector registers: 27 of AVX-512's 32, 15 of AVX2's 16) */
#if defined(__AVX512F__)
#define NX_VB 64
#define NX_MR 12
#elif defined(__AVX__)
#define NX_VB 32
#define NX_MR 6
#else
#define NX_VB 16
#define NX_MR 4
#endif
/* blocking (counts of 4-byte elements; halved for 8-byte ones): a KC x MR sliver
   of t1 stays in L1 while the KC x NC panel of t2 streams from L2; a tile of
   MC x NC outputs is one unit of work. Measured on a 2-core Sapphire Rapids
   (48 KiB L1d, 2 MiB L2): tiles of 1024 rows reuse each panel of t2 enough that
   its memory traffic stops mattering (480 rows: 10% slower at 2048). */
#define NX_KC 256
#define NX_MC 1024
#define NX_NC 512
static int nx_dot_threads(void) {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}
static int nx_dot_thread(void) {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}
/* The packed panels: the last call's buffer on this thread is reused up to
   NX_DOT_KEEP bytes (a fresh large allocation page-faults on every call);
   larger ones are freed after their call. */
#define NX_DOT_KEEP ((size_t)64 << 20)
static _Thread_local void *nx_dot_scratch = NULL;
static _Thread_local size_t nx_dot_scratch_size = 0;
static void *nx_dot_alloc(size_t bytes) {
  bytes = (bytes + 63) / 64 * 64;
  if (bytes > NX_DOT_KEEP) return aligned_alloc(64, bytes);
  if (bytes > nx_dot_scratch_size) {
    free(nx_dot_scratch);
    nx_dot_scratch = aligned_alloc(64, bytes);
    nx_dot_scratch_size = nx_dot_scratch ? bytes : 0;
  }
  return nx_dot_scratch;
}
static void nx_dot_release(void *p) {
  if (p != nx_dot_scratch) free(p);
}
#endif
"""

_GEMM = r"""
#ifndef NX_GEMM_@T
#define NX_GEMM_@T
typedef @C nx_v@T __attribute__((vector_size(NX_VB)));
typedef @C nx_vu@T __attribute__((vector_size(NX_VB), aligned(sizeof(@C))));
enum { NX_VL_@T = NX_VB / (int)sizeof(@C), NX_NR_@T = 2 * NX_VL_@T,
       NX_KC_@T = NX_KC * 4 / (int)sizeof(@C), NX_MC_@T = NX_MC * 4 / (int)sizeof(@C),
       NX_NC_@T = NX_NC * 4 / (int)sizeof(@C) };

/* every lane x (x - 0 is x, -0.0 included, so this is a plain broadcast) */
static inline nx_v@T nx_splat_@T(@C x) {
  return x - (nx_v@T){0};
}

static inline nx_v@T nx_fma_@T(nx_v@T a, nx_v@T b, nx_v@T c) {
@FMA
}

/* C[0:mr, 0:nr] (row stride ldc) = or += the product of a packed sliver of t1
   (kc x NX_MR) and one of t2 (kc x NR) */
static inline void nx_ukr_@T(int64_t kc, const @C *restrict ap, const @C *restrict bp,
                            @C *restrict c, int64_t ldc, int64_t mr, int64_t nr, int first) {
  nx_v@T acc0[NX_MR], acc1[NX_MR];
  /* fetch the tile of C while the products run: its rows lie far apart in memory */
  for (int64_t i = 0; i < mr; i++) {
    __builtin_prefetch(c + i * ldc, 1, 3);
    __builtin_prefetch(c + i * ldc + nr - 1, 1, 3);
  }
  #pragma GCC unroll 16
  for (int i = 0; i < NX_MR; i++) { acc0[i] = nx_splat_@T(0); acc1[i] = nx_splat_@T(0); }
  for (int64_t k = 0; k < kc; k++) {
    const nx_v@T b0 = *(const nx_v@T *)(bp + k * NX_NR_@T);
    const nx_v@T b1 = *(const nx_v@T *)(bp + k * NX_NR_@T + NX_VL_@T);
    #pragma GCC unroll 16
    for (int i = 0; i < NX_MR; i++) {
      const nx_v@T x = nx_splat_@T(ap[k * NX_MR + i]);
      acc0[i] = nx_fma_@T(x, b0, acc0[i]);
      acc1[i] = nx_fma_@T(x, b1, acc1[i]);
    }
  }
  if (mr == NX_MR && nr == NX_NR_@T) {
    #pragma GCC unroll 16
    for (int i = 0; i < NX_MR; i++) {
      nx_vu@T *row = (nx_vu@T *)(c + i * ldc);
      if (first) { row[0] = acc0[i]; row[1] = acc1[i]; }
      else { row[0] += acc0[i]; row[1] += acc1[i]; }
    }
    return;
  }
  nx_v@T tile[NX_MR][2];
  for (int i = 0; i < NX_MR; i++) { tile[i][0] = acc0[i]; tile[i][1] = acc1[i]; }
  const @C *t = (const @C *)tile;
  for (int64_t i = 0; i < mr; i++)
    for (int64_t j = 0; j < nr; j++)
      c[i * ldc + j] = first ? t[i * NX_NR_@T + j] : c[i * ldc + j] + t[i * NX_NR_@T + j];
}

/* one sliver s of a kc x nc panel of t2 (row stride rs, column stride cs), zero-padded to NR columns */
static void nx_packb_@T(int64_t kc, int64_t nc, const @C *b, int64_t rs, int64_t cs,
                        @C *restrict bp, int64_t s) {
  const int64_t j0 = s * NX_NR_@T, w = nc - j0 < NX_NR_@T ? nc - j0 : NX_NR_@T;
  @C *restrict out = bp + s * kc * NX_NR_@T;
  for (int64_t k = 0; k < kc; k++) {
    const @C *row = b + k * rs + j0 * cs;
    int64_t j = 0;
    if (cs == 1) for (; j < w; j++) out[k * NX_NR_@T + j] = row[j];
    else for (; j < w; j++) out[k * NX_NR_@T + j] = row[j * cs];
    for (; j < NX_NR_@T; j++) out[k * NX_NR_@T + j] = 0;
  }
}

/* one sliver s of an mc x kc block of t1, zero-padded to NX_MR rows */
static void nx_packa_@T(int64_t mc, int64_t kc, const @C *a, int64_t rs, int64_t cs,
                        @C *restrict ap, int64_t s) {
  const int64_t i0 = s * NX_MR, h = mc - i0 < NX_MR ? mc - i0 : NX_MR;
  @C *restrict out = ap + s * kc * NX_MR;
  for (int64_t i = 0; i < NX_MR; i++) {
    if (i < h) for (int64_t k = 0; k < kc; k++) out[k * NX_MR + i] = a[(i0 + i) * rs + k * cs];
    else for (int64_t k = 0; k < kc; k++) out[k * NX_MR + i] = 0;
  }
}

/* C (nb x m x n, dense) = A (nb x m x k) . B (nb x k x n), both given by strides;
   0 when the packed copies cannot be allocated. Both operands are packed once,
   in slivers per KC block (threads share the slivers out, then meet at the one
   barrier); the output is cut into tiles (at most NX_MC x NX_NC) that threads
   take one at a time, so that a thread the OS pauses (a core shared with a busy
   process) takes fewer tiles instead of holding the others up */
static int nx_gemm_@T(int64_t nb, int64_t m, int64_t n, int64_t k,
                      const @C *A, int64_t bsa, int64_t rsa, int64_t csa,
                      const @C *B, int64_t bsb, int64_t rsb, int64_t csb, @C *C, int threads) {
  if (nb * m * n == 0) return 1;
  if (k == 0) { memset(C, 0, (size_t)(nb * m * n) * sizeof(@C)); return 1; }
  const int64_t ms = (m + NX_MR - 1) / NX_MR, ns = (n + NX_NR_@T - 1) / NX_NR_@T;
  const int64_t mpad = ms * NX_MR, npad = ns * NX_NR_@T, kblocks = (k + NX_KC_@T - 1) / NX_KC_@T;
  int64_t mblocks = (m + NX_MC_@T - 1) / NX_MC_@T, nblocks = (n + NX_NC_@T - 1) / NX_NC_@T;
  while (threads > 1 && nb * mblocks * nblocks < 4 * threads) {
    if (n / (nblocks + 1) >= 2 * NX_NR_@T) nblocks++;
    else if (m / (mblocks + 1) >= 2 * NX_MR) mblocks++;
    else break;
  }
  const int64_t mc0 = (ms + mblocks - 1) / mblocks * NX_MR, nc0 = (ns + nblocks - 1) / nblocks * NX_NR_@T;
  mblocks = (m + mc0 - 1) / mc0;
  nblocks = (n + nc0 - 1) / nc0;
  const int64_t tiles = nb * mblocks * nblocks, units = nb * kblocks * (ms + ns);
  const int64_t line = 64 / (int64_t)sizeof(@C), asize = (nb * mpad * k + line - 1) / line * line;
  @C *ap = nx_dot_alloc((size_t)(asize + nb * npad * k) * sizeof(@C));
  if (!ap) return 0;
  @C *bp = ap + asize;   /* aligned: the micro-kernel loads whole vectors of it */
  #pragma omp parallel num_threads(threads)
  {
    #pragma omp for schedule(dynamic, 4)
    for (int64_t u = 0; u < units; u++) {
      const int64_t bi = u / (kblocks * (ms + ns)), p = u / (ms + ns) % kblocks, s = u % (ms + ns);
      const int64_t pc = p * NX_KC_@T, kc = k - pc < NX_KC_@T ? k - pc : NX_KC_@T;
      if (s < ms)
        nx_packa_@T(m, kc, A + bi * bsa + pc * csa, rsa, csa, ap + (bi * k + pc) * mpad, s);
      else
        nx_packb_@T(kc, n, B + bi * bsb + pc * rsb, rsb, csb, bp + (bi * k + pc) * npad, s - ms);
    }
    #pragma omp for schedule(dynamic, 1)
    for (int64_t t = 0; t < tiles; t++) {
      const int64_t bi = t / (mblocks * nblocks), ic = t / nblocks % mblocks * mc0, jc = t % nblocks * nc0;
      const int64_t mc = m - ic < mc0 ? m - ic : mc0, nc = n - jc < nc0 ? n - jc : nc0;
      for (int64_t pc = 0; pc < k; pc += NX_KC_@T) {
        const int64_t kc = k - pc < NX_KC_@T ? k - pc : NX_KC_@T;
        const @C *a = ap + (bi * k + pc) * mpad + ic * kc, *b = bp + (bi * k + pc) * npad + jc * kc;
        /* a sliver of t1 (kc x NX_MR) stays in L1, the panel of t2 (kc x nc) in L2 */
        for (int64_t i = 0; i < mc; i += NX_MR)
          for (int64_t j = 0; j < nc; j += NX_NR_@T)
            nx_ukr_@T(kc, a + i * kc, b + j * kc, C + (bi * m + ic + i) * n + jc + j, n,
                      mc - i < NX_MR ? mc - i : NX_MR, nc - j < NX_NR_@T ? nc - j : NX_NR_@T, pc == 0);
      }
    }
  }
  nx_dot_release(ap);
  return 1;
}
#endif
"""

# FMA: one instruction where the target has it (C11 mode does not contract a * b + c)
_FMA = {
    "f32": ("#if defined(__AVX512F__)\n  return _mm512_fmadd_ps(a, b, c);\n"
            "#elif defined(__FMA__) && NX_VB == 32\n  return _mm256_fmadd_ps(a, b, c);\n"
            "#else\n  return a * b + c;\n#endif"),
    "f64": ("#if defined(__AVX512F__)\n  return _mm512_fmadd_pd(a, b, c);\n"
            "#elif defined(__FMA__) && NX_VB == 32\n  return _mm256_fmadd_pd(a, b, c);\n"
            "#else\n  return a * b + c;\n#endif"),
    "u32": "  return a * b + c;",
    "u64": "  return a * b + c;",
}


def _gemm(compute):
    return (_GEMM.replace("@FMA", _FMA[compute]).replace("@T", compute)
            .replace("@C", _CTYPES[compute]))


externs.register("dot", supports, render)
