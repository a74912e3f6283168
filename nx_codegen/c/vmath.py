"""Vectorisable C implementations of the math functions where libm is the
bottleneck (``exp`` for softmax): branch-free code that gcc vectorises inside
the kernels' ``#pragma omp simd`` loops, with the accuracy the spec declares
and its semantics for NaN, infinities and -0.0.

:data:`FUNCS` maps ``(op, compute type)`` to the name of a C function defined
in :data:`SOURCE`; the renderer calls :func:`rule` before its own rules.

How the functions stay vectorisable without ``-ffast-math``:

* no branches: only selects (``c ? a : b`` on values both computed) and bit
  operations, and no floating comparison whose evaluation depends on another
  one (gcc keeps such chains as jumps under ``-ftrapping-math``); ranges are
  clamped by comparing the *bits* of the argument as integers;
* fused multiply-adds are written as ``fma``/``fmaf`` (the build has
  ``-ffp-contract=off``, so every other product is rounded on its own, as
  written); ``-fno-math-errno`` lets gcc emit them as instructions;
* ``exp`` reduces ``x = k ln 2 + r`` (``k`` rounded with the 1.5 * 2**p shift
  trick, whose low bits then hold ``k`` as an integer), evaluates ``e**r`` as
  ``1 + r + r**2 q(r)`` and scales by ``2**k`` as a product of two powers of
  two, so that neither factor leaves the normal range and a subnormal result
  is rounded once. f32 computes in float with ``|r| <= ln 2 / 2`` and ``1 + r``
  kept as an exact two-term sum; f64 splits ``k`` further into ``128 k' + j``
  and takes ``2**(j/128)`` from a table (gathered: vectorised loads), so that
  ``|r| <= ln 2 / 256`` and a degree-5 polynomial suffices;
* ``tanh`` and ``sigmoid`` of f32 compute in double from ``2**k`` and
  ``e**r - 1`` (to 2e-10, ample for f32 results), then round once;
* ``log`` writes ``x = 2**e c (1 + r)`` with ``1/c`` and ``log c`` from a
  table (``|r| < 0.0048``) and ``log1p(r)`` from its Taylor series, the
  special values blended in with bit masks; f32 computes in double, f64 keeps
  the sum as a head and a tail (as glibc's ``log`` does). Besides vectorising,
  the f32 version keeps its speed on zeros, negative numbers and NaN, where
  libmvec's ``log`` falls back to scalar code (20 times slower on such data).

Accuracy (checked by ``tests/nx_codegen/c/test_vmath.py`` on large samples;
the f32 functions were also checked once on all 2**32 floats against libm's
double functions rounded to float: never more than 1 ULP from them, equal for
99.94% of exp's inputs, 99.998% of tanh's, 99.999% of sigmoid's and all but
201 of log's): the f32 functions are within 1 ULP of the correctly rounded
result; ``nx_exp_f64`` within 0.51 ULP of the exact
result where it is normal and 0.75 ULP where it is subnormal, ``nx_log_f64``
within 0.56 ULP. The
polynomials of ``exp`` are Chebyshev fits (``mpmath.chebyfit``) of
``(e**r - 1 - r) / r**2`` on the reduced ranges, rounded to the type; the
tables are computed below with 50-digit decimal arithmetic.

>>> rule("no_such_op", ["x"], "f32") is None
True
>>> rule("exp", ["t0"], "f32")
'nx_exp_f32(t0)'
"""

from __future__ import annotations

import decimal
import struct

__all__ = ["FUNCS", "SOURCE", "rule"]


def _exp2_table(n=128):
    """C arrays of ``2**(j/n)`` for ``j < n`` as ``hi + lo``: ``hi`` correctly
    rounded, ``lo`` the rounded rest (decimal arithmetic with 50 digits)."""
    with decimal.localcontext() as context:
        context.prec = 50
        exact = [decimal.Decimal(2) ** (decimal.Decimal(j) / n) for j in range(n)]
        hi = [float(d) for d in exact]
        lo = [float(d - decimal.Decimal(h)) for d, h in zip(exact, hi)]
    return "".join(f"static const double nx_exp2_{name}[{n}] = {{{', '.join(v.hex() for v in values)}}};\n"
                   for name, values in (("hi", hi), ("lo", lo)))


def _log_table(n=128):
    """C arrays for ``nx_log_f32`` and ``nx_log_f64``, one entry per subinterval
    of their reduced argument ``z`` (:data:`_LOG_OFFSET` on, ``2**52 / n`` bit
    patterns each, ``c`` in its middle): ``1/c`` rounded to 9 significant bits
    (so that ``z / c - 1 = fma(z, 1/c, -1)`` is exact; 1 exactly for the
    subinterval of 1, so that ``log`` near 1 adds nothing to ``log1p(r)``), and
    ``-log`` of it as a multiple of 2**-42 (so that adding it to ``k`` times
    ln 2's first 42 bits is exact) plus the rest as a double."""
    step = (1 << 52) // n
    columns = {"invc": [], "logc": [], "logc_tail": []}
    with decimal.localcontext() as context:
        context.prec = 60
        for i in range(n):
            lo, hi = (_double(_LOG_OFFSET + (i + d) * step) for d in (0, 1))
            inverse = 1.0 if lo <= 1.0 < hi else _round_bits(2 / (decimal.Decimal(lo) + decimal.Decimal(hi)), 9)
            log = -decimal.Decimal(inverse).ln()
            head = float((log * 2 ** 42).to_integral_value()) / 2 ** 42
            for name, v in zip(columns, (inverse, head, float(log - decimal.Decimal(head)))):
                columns[name].append(v)
    return "".join(f"static const double nx_log_{name}[{n}] = {{{', '.join(v.hex() for v in values)}}};\n"
                   for name, values in columns.items())


def _round_bits(d, bits):
    """The decimal ``d`` (in [0.5, 2)) rounded to ``bits`` significant bits."""
    scale = bits - 1 if d >= 1 else bits
    return float((d * 2 ** scale).to_integral_value()) / 2 ** scale


def _double(bits):
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


_ONE = 0x3FF0000000000000
# 1.0 in the middle of subinterval 64: z runs over [0.748046875, 1.49609375)
_LOG_OFFSET = _ONE - 64 * (1 << 45) - (1 << 44)

SOURCE = _exp2_table() + _log_table() + r"""
static inline float nx_vm_f32(uint32_t u) { union { uint32_t u; float f; } v = {.u = u}; return v.f; }
static inline uint32_t nx_vm_u32(float f) { union { float f; uint32_t u; } v = {.f = f}; return v.u; }
static inline double nx_vm_f64(uint64_t u) { union { uint64_t u; double f; } v = {.u = u}; return v.f; }
static inline uint64_t nx_vm_u64(double f) { union { double f; uint64_t u; } v = {.f = f}; return v.u; }
static inline float nx_exp_f32(float x0) {
  /* |x| > 104, infinities included, computes as +-104 (the result is then 0 or
     overflows); NaN passes through and propagates */
  const uint32_t u = nx_vm_u32(x0), ua = u & 0x7fffffffu;
  const float x = nx_vm_f32((ua > 0x42d00000u) & (ua <= 0x7f800000u) ? (u & 0x80000000u) | 0x42d00000u : u);
  const float shift = 0x1.8p23f;
  const float ks = fmaf(x, 0x1.715476p+0f, shift);
  const float k = ks - shift;
  /* r + rlo = x - k ln 2, from ln 2 = 0x1.62e4p-1 (k times it is exact) + 0x1.7f7d1cp-20 */
  const float rh = fmaf(-k, 0x1.62e4p-1f, x);
  const float t = -k * 0x1.7f7d1cp-20f;
  const float r = rh + t, rlo = (rh - r) + t;
  const float q = fmaf(fmaf(fmaf(fmaf(fmaf(0x1.a1256cp-13f, r, 0x1.6d43b0p-10f), r, 0x1.1110e0p-7f), r,
                                 0x1.5554e8p-5f), r, 0x1.555556p-3f), r, 0.5f);
  const float s = 1.0f + r, e = (1.0f - s) + r;          /* s + e = 1 + r */
  const float p = s + (e + fmaf(r * r, q, rlo));
  const uint32_t ki = nx_vm_u32(ks) - nx_vm_u32(shift), k1 = (uint32_t)((int32_t)ki >> 1);
  return (p * nx_vm_f32((k1 + 127u) << 23)) * nx_vm_f32((ki - k1 + 127u) << 23);
}
static inline double nx_exp_f64(double x0) {
  /* x = (128 k + j) ln 2 / 128 + r, |r| <= ln 2 / 256: e**x = 2**k 2**(j/128) e**r,
     2**(j/128) from the table as a sum of two doubles. |x| > 746 computes as
     +-746 (the result is then 0 or overflows) */
  const uint64_t u = nx_vm_u64(x0), ua = u & 0x7fffffffffffffffull;
  const double x = nx_vm_f64((ua > 0x4087500000000000ull) & (ua <= 0x7ff0000000000000ull)
                             ? (u & 0x8000000000000000ull) | 0x4087500000000000ull : u);
  const double shift = 0x1.8p52;
  const double ns = fma(x, 0x1.71547652b82fep+7, shift);
  const double n = ns - shift;
  /* ln 2 / 128 = 0x1.62e42fefcp-8 (n times it is exact: |n| < 2**18) - 0x1.c610ca86c3899p-44 */
  const double r = fma(-n, -0x1.c610ca86c3899p-44, fma(-n, 0x1.62e42fefcp-8, x));
  const double q = fma(fma(fma(0x1.11111440cf238p-7, r, 0x1.55555ae8e1f80p-5), r, 0x1.5555555555523p-3), r,
                       0x1.fffffffffff51p-2);
  const uint64_t ni = nx_vm_u64(ns) - nx_vm_u64(shift), j = ni & 127u;
  const double t = nx_exp2_hi[j];
  const double p = t + fma(t, fma(r * r, q, r), nx_exp2_lo[j]);
  const uint64_t k = (uint64_t)((int64_t)ni >> 7), k1 = (uint64_t)((int64_t)k >> 1);
  return (p * nx_vm_f64((k1 + 1023u) << 52)) * nx_vm_f64((k - k1 + 1023u) << 52);
}
static inline double nx_vm_exp_parts(double x, double *m) {
  /* 2**k, and e**r - 1 in *m, with x = k ln 2 + r, |x| < 700: 2**k (1 + *m) is
     e**x to 2e-10 (relative), ample for f32 results */
  const double shift = 0x1.8p52;
  const double ks = fma(x, 0x1.71547652b82fep0, shift);
  const double k = ks - shift;
  const double r = fma(-k, 0x1.62e42fefa39efp-1, x);
  const double q = fma(fma(fma(fma(fma(0x1.a124f19fe89acp-13, r, 0x1.6d43246b523b4p-10), r, 0x1.1110e0f238322p-7),
                               r, 0x1.5554e9063586ep-5), r, 0x1.5555555a78ed4p-3), r, 0x1.0000000b9129bp-1);
  *m = fma(r * r, q, r);
  return nx_vm_f64((nx_vm_u64(ks) + 1023u) << 52);
}
static inline float nx_tanh_f32(float x0) {
  /* tanh |x| = (e**2|x| - 1) / (e**2|x| + 1) in double, the sign put back.
     2|x| > 20 (tanh rounds to 1), infinities included, computes as 20; the
     select comes last, with no arithmetic left on one side of it (which gcc
     would move into a branch) */
  const uint32_t u = nx_vm_u32(x0);
  const uint64_t b = nx_vm_u64(2.0 * (double)nx_vm_f32(u & 0x7fffffffu));
  const double a = nx_vm_f64((b > 0x4034000000000000ull) & (b <= 0x7ff0000000000000ull) ? 0x4034000000000000ull : b);
  double m;
  const double s = nx_vm_exp_parts(a, &m);
  const double e = fma(s, m, s - 1.0);                    /* e**2|x| - 1, s - 1 exact */
  return nx_vm_f32(nx_vm_u32((float)(e / (e + 2.0))) | (u & 0x80000000u));
}
static inline float nx_sigmoid_f32(float x0) {
  /* 1 / (1 + e**-x) in double; |x| > 120, infinities included, computes as
     +-120 (the result then rounds to 0 or 1) */
  const uint64_t b = nx_vm_u64(-(double)x0), ba = b & 0x7fffffffffffffffull;
  const double y = nx_vm_f64((ba > 0x405e000000000000ull) & (ba <= 0x7ff0000000000000ull)
                             ? (b & 0x8000000000000000ull) | 0x405e000000000000ull : b);
  double m;
  const double s = nx_vm_exp_parts(y, &m);
  return (float)(1.0 / fma(s, m, s + 1.0));
}
static inline float nx_log_f32(float x0) {
  /* in double (where subnormal floats are normal): x = 2**e z, z in [0.748, 1.496),
     z = c (1 + r) with 1/c and log c from the table of z's subinterval
     (|r| < 0.0048), log x = e ln 2 + log c + log1p(r) */
  const uint32_t u = nx_vm_u32(x0);
  const uint64_t b = nx_vm_u64((double)x0), ix = b - 0x3fe7f00000000000ull;
  const uint64_t e = (uint64_t)((int64_t)ix >> 52), i = (ix >> 45) & 127u;
  const double r = fma(nx_vm_f64(b - (e << 52)), nx_log_invc[i], -1.0);
  const double p = fma(r * r, fma(fma(r, -0.25, 0x1.5555555555555p-2), r, -0.5), r);
  const float y = (float)(fma((double)(int64_t)e, 0x1.62e42fefa39efp-1, nx_log_logc[i]) + p);
  /* +-0: -inf; below 0: NaN; +inf and NaN: themselves. Blended with masks: a
     select would become a branch around the computation of y */
  const uint32_t special = (u & 0x7fffffffu) == 0 ? 0xff800000u : u > 0x80000000u ? 0x7fc00000u : u;
  const uint32_t keep = -(uint32_t)((u - 1u) >= 0x7f7fffffu);     /* u is 0 or >= +inf's */
  return nx_vm_f32((special & keep) | (nx_vm_u32(y) & ~keep));
}
static inline double nx_log_f64(double x0) {
  /* as nx_log_f32, with subnormal inputs scaled by 2**52 first, and the sum
     e ln 2 + log c + r - r**2 / 2 + r**3 P(r) kept as a head and a tail */
  const uint64_t b0 = nx_vm_u64(x0), sub = -(uint64_t)(b0 < 0x0010000000000000ull);
  const uint64_t b = (nx_vm_u64(x0 * 0x1p52) & sub) | (b0 & ~sub), ix = b - 0x3fe7f00000000000ull;
  const uint64_t e = (uint64_t)((int64_t)ix >> 52), i = (ix >> 45) & 127u;
  const double r = fma(nx_vm_f64(b - (e << 52)), nx_log_invc[i], -1.0);           /* exact */
  const double k = (double)(int64_t)(e - (sub & 52u));
  const double t1 = fma(k, 0x1.62e42fefa38p-1, nx_log_logc[i]);                   /* exact */
  const double t2 = t1 + r, lo1 = fma(k, 0x1.ef35793c76737p-45, nx_log_logc_tail[i]);
  const double lo2 = (t1 - t2) + r;
  const double ar = -0.5 * r, ar2 = r * ar, hi = t2 + ar2;
  const double lo3 = fma(ar, r, -ar2), lo4 = (t2 - hi) + ar2;                     /* the rounding errors */
  const double poly = fma(fma(fma(fma(fma(-0x1p-3, r, 0x1.2492492492492p-3), r, -0x1.5555555555555p-3), r,
                                  0x1.999999999999ap-3), r, -0x1p-2), r, 0x1.5555555555555p-2);
  const double y = hi + (((lo1 + lo2) + (lo3 + lo4)) + ((r * r) * r) * poly);
  const uint64_t special = (b0 & 0x7fffffffffffffffull) == 0 ? 0xfff0000000000000ull
                           : b0 > 0x8000000000000000ull ? 0x7ff8000000000000ull : b0;
  const uint64_t keep = -(uint64_t)((b0 - 1u) >= 0x7fefffffffffffffull);
  return nx_vm_f64((special & keep) | (nx_vm_u64(y) & ~keep));
}
"""

FUNCS: dict = {("exp", "f32"): "nx_exp_f32", ("exp", "f64"): "nx_exp_f64",
               ("tanh", "f32"): "nx_tanh_f32", ("sigmoid", "f32"): "nx_sigmoid_f32",
               ("log", "f32"): "nx_log_f32", ("log", "f64"): "nx_log_f64"}


def rule(op, args, compute):
    """The C expression computing ``op`` on ``args`` in ``compute``, or None
    when this module has no vectorisable version of it."""
    name = FUNCS.get((op, compute))
    return None if name is None else f"{name}({', '.join(args)})"
