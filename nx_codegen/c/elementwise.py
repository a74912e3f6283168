"""C rules for the element-wise ops beyond the renderer's core arithmetic:
integer bit operations, rounding, ``pow``, ``atan2``, the parts of complex
numbers and the rest of the catalog, each with the spec's semantics.

:func:`supports` says whether a rule exists for a node (None when this module
does not handle the op at all); :func:`rule` returns the C expression, with
helper functions in :data:`SOURCE`.

Integer rules are written from the type's signedness and bit width only, so
that they hold for any width held in a wider C integer (the renderer wraps each
result into the type): the value of a compute type ``t`` arrives in the C type
of its container and is already in the range of ``t``.

Float rules receive ``f32`` for the small float types (f16, bf16, f8, ...),
which compute in float and are rounded by the renderer.

>>> rule("no_such_op", ["x"], "f32", "f32") is None
True
>>> rule("bitwise_and", ["a", "b"], "u16", "u16")
'(uint16_t)(a & b)'
>>> rule("ceil", ["x"], "s32", "s32")
'x'
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
from typing import NamedTuple

from spec import registry, types

__all__ = ["SOURCE", "supports", "rule"]

SOURCE = r"""
#include <float.h>
static inline uint64_t nx_upow(uint64_t x, uint64_t y) {
  /* x ** y modulo 2 ** 64 (exponentiation by squaring) */
  uint64_t r = 1;
  while (y) {
    if (y & 1) r *= x;
    x *= x;
    y >>= 1;
  }
  return r;
}
static inline int64_t nx_spow(int64_t x, int64_t y) {
  /* a negative exponent gives the truncated 1 / x ** -y: 1, +-1 or 0 */
  if (y < 0) return x == 1 ? 1 : x == -1 ? ((y & 1) ? -1 : 1) : 0;
  return (int64_t)nx_upow((uint64_t)x, (uint64_t)y);
}
/* floor, ceil and round without libm calls, which gcc vectorises under the
   default -ftrapping-math: below 2**52 (2**23), adding and subtracting that
   power of two rounds |x| to the nearest integer, the neighbours follow by one
   comparison; larger values, infinities and NaN are their own results; the
   sign of x is put back, which keeps the sign of zero (ceil(-0.5) is -0.0) */
#define NX_ROUNDING(T, S, BIG)                                                    \
  static inline T nx_floor##S(T x) {                                           \
    const T a = fabs##S(x), n = (a + BIG) - BIG;                               \
    const T r = x < 0 ? n + (n < a ? (T)1 : (T)0) : n - (n > a ? (T)1 : (T)0); \
    return a < BIG ? copysign##S(r, x) : x;                                    \
  }                                                                            \
  static inline T nx_ceil##S(T x) {                                            \
    const T a = fabs##S(x), n = (a + BIG) - BIG;                               \
    const T r = x < 0 ? n - (n > a ? (T)1 : (T)0) : n + (n < a ? (T)1 : (T)0); \
    return a < BIG ? copysign##S(r, x) : x;                                    \
  }                                                                            \
  static inline T nx_round##S(T x) {                                           \
    /* halves away from zero: floor(a) + 1 where a - floor(a) >= 0.5 (exact) */ \
    const T a = fabs##S(x), n = (a + BIG) - BIG;                               \
    const T f = n - (n > a ? (T)1 : (T)0);                                     \
    const T r = f + (a - f >= (T)0.5 ? (T)1 : (T)0);                           \
    return a < BIG ? copysign##S(r, x) : x;                                    \
  }
NX_ROUNDING(double, , 0x1p52)
NX_ROUNDING(float, f, 0x1p23f)
static inline double _Complex nx_csign(double _Complex z) {
  /* z / |z|: zero stays, an infinite part points along its axis, NaN anywhere
     or both parts infinite gives NaN */
  double x = creal(z), y = cimag(z);
  if (x != x || y != y) return __builtin_complex((double)NAN, (double)NAN);
  if (x == 0 && y == 0) return z;
  if (isinf(x) || isinf(y)) {
    if (isinf(x) && isinf(y)) return __builtin_complex((double)NAN, (double)NAN);
    return __builtin_complex(isinf(x) ? copysign(1.0, x) : 0.0 * x,
                             isinf(y) ? copysign(1.0, y) : 0.0 * y);
  }
  const double s = fmax(fabs(x), fabs(y));
  x /= s;
  y /= s;
  const double h = hypot(x, y);
  return __builtin_complex(x / h, y / h);
}
static inline double nx_erf_inv(double y) {
  /* Newton's method on erf near zero and on erfc in the tails (where 1 - |y|
     is exact), from the Maclaurin series or the asymptotic expansion */
  const double a = fabs(y), half_sqrt_pi = 0.88622692545275801365, pi = 3.14159265358979323846;
  if (!(a <= 1)) return NAN;
  if (a == 1) return copysign(INFINITY, y);
  if (a == 0) return y;
  double x, q = 1.0 - a, previous = INFINITY;
  const int tail = a > 0.5;
  if (!tail) {
    const double a2 = a * a;
    x = a * half_sqrt_pi * (1 + a2 * (pi / 12 + a2 * 7 * pi * pi / 480));
  } else {
    const double t = -log(q);
    x = sqrt(t - 0.5 * log(pi * t));
  }
  for (int i = 0; i < 12; i++) {
    const double residual = tail ? erfc(x) - q : a - erf(x);
    const double step = residual * half_sqrt_pi * exp(x * x);
    if (fabs(step) >= previous) break;
    x += step;
    if (fabs(step) <= 0x1p-60 * x) break;
    previous = fabs(step);
  }
  return copysign(x, y);
}
static inline double _Complex nx_cquot(double _Complex a, double _Complex b) {
  /* Smith's division, every case of it (a real divisor included); the zero
     divisor is the caller's */
  const double ar = creal(a), ai = cimag(a), br = creal(b), bi = cimag(b);
  if (fabs(br) >= fabs(bi)) {
    double q = bi / br, bq = bi * q, aq = ai * q, rq = ar * q;
    __asm__("" : "+x"(bq), "+x"(aq), "+x"(rq));
    const double d = br + bq;
    return __builtin_complex((ar + aq) / d, (ai - rq) / d);
  }
  if (fabs(bi) >= fabs(br)) {
    double q = br / bi, bq = br * q, rq = ar * q, aq = ai * q;
    __asm__("" : "+x"(bq), "+x"(rq), "+x"(aq));
    const double d = bq + bi;
    return __builtin_complex((rq + ai) / d, (aq - ar) / d);
  }
  return __builtin_complex((double)NAN, (double)NAN);
}
static inline double _Complex nx_csqrt(double _Complex z) {
  /* the principal square root, scaled so that no step overflows or loses the
     subnormal range (Annex G's values where a part is not finite) */
  const double x = creal(z), y = cimag(z);
  if (!isfinite(x) || !isfinite(y)) return csqrt(z);
  if (x == 0 && y == 0) return __builtin_complex(0.0, y);
  double ax = fabs(x), s;
  const double ay = fabs(y);
  if (ax < DBL_MIN && ay < DBL_MIN) {
    ax = ldexp(ax, 53);
    s = ldexp(sqrt(ax + hypot(ax, ldexp(ay, 53))), -27);
  } else {
    ax /= 8.0;
    s = 2.0 * sqrt(ax + hypot(ax, ay / 8.0));
  }
  const double d = ay / (2.0 * s);
  return x >= 0 ? __builtin_complex(s, copysign(d, y)) : __builtin_complex(d, copysign(s, y));
}
static inline double _Complex nx_clog(double _Complex z) {
  /* the principal logarithm by the steps of CPython's cmath.log, which the
     reference's atan2 calls: log|z| through log1p where |z| is near 1, scaled
     where |z| would overflow or be subnormal (the caller rules out zero). The
     rounded (am - 1)(am + 1) + an^2 loses digits where |z|^2 is near 1, as
     cmath's does, so that atan2's imaginary part rounds as the reference's;
     nx.log itself renders as libm's clog, accurate there */
  const double x = creal(z), y = cimag(z);
  if (!isfinite(x) || !isfinite(y)) return clog(z);
  const double ax = fabs(x), ay = fabs(y);
  double re;
  if (ax > DBL_MAX / 4 || ay > DBL_MAX / 4) {
    re = log(hypot(ax / 2.0, ay / 2.0)) + 0.69314718055994530942;
  } else if (ax < DBL_MIN && ay < DBL_MIN) {
    re = log(hypot(ldexp(ax, 53), ldexp(ay, 53))) - 53 * 0.69314718055994530942;
  } else {
    const double h = hypot(ax, ay);
    if (0.71 <= h && h <= 1.73) {
      const double am = ax > ay ? ax : ay, an = ax > ay ? ay : ax;
      double p = (am - 1) * (am + 1), q = an * an;
      __asm__("" : "+x"(p), "+x"(q));
      re = log1p(p + q) / 2.0;
    } else {
      re = log(h);
    }
  }
  return __builtin_complex(re, atan2(y, x));
}
static inline double nx_sum_exactly(const double *v, int n) {
  /* the sum of n doubles, rounded faithfully: each term is added without error
     into an expansion of nonoverlapping parts (Shewchuk's grow-expansion, two-sum
     steps), whose parts are then added from the smallest */
  double h[8];
  int m = 0;
  for (int i = 0; i < n; i++) {
    double q = v[i];
    int k = 0;
    for (int j = 0; j < m; j++) {
      const double s = q + h[j], bv = s - q, e = (q - (s - bv)) + (h[j] - bv);
      if (e != 0) h[k++] = e;
      q = s;
    }
    h[k++] = q;
    m = k;
  }
  double s = 0;
  for (int j = 0; j < m; j++) s += h[j];
  return s;
}
static inline double _Complex nx_clog1p(double _Complex z) {
  /* log(1 + z): where |1 + z|^2 is near 1, its difference from 1, 2x + x^2 + y^2,
     is summed exactly (fma gives the low parts of the squares) and rounded once */
  const double x = creal(z), y = cimag(z), a = 1.0 + x;
  if (isfinite(x) && isfinite(y)) {
    double aa = a * a, yy = y * y;
    __asm__("" : "+x"(aa), "+x"(yy));
    const double m = aa + yy;
    if (0.5 < m && m < 2.0) {
      const double xx = x * x, y2 = y * y;
      const double t[5] = {2 * x, xx, fma(x, x, -xx), y2, fma(y, y, -y2)};
      return __builtin_complex(0.5 * log1p(nx_sum_exactly(t, 5)), atan2(y, a));
    }
  }
  return nx_clog(__builtin_complex(a, y));
}
static inline double _Complex nx_crecip(double _Complex b) {
  /* 1 / b with Annex G's infinities and zeros, scaled by a power of two */
  double c = creal(b), d = cimag(b);
  if (isinf(c) || isinf(d)) return __builtin_complex(copysign(0.0, c), copysign(0.0, -d));
  if (c != c || d != d) return __builtin_complex((double)NAN, (double)NAN);
  if (c == 0 && d == 0) return __builtin_complex(copysign(INFINITY, c), (double)NAN);
  int e;
  frexp(fmax(fabs(c), fabs(d)), &e);
  c = ldexp(c, -e);
  d = ldexp(d, -e);
  double cc = c * c, dd = d * d;
  __asm__("" : "+x"(cc), "+x"(dd));
  const double den = cc + dd;
  return __builtin_complex(ldexp(c / den, -e), ldexp(-d / den, -e));
}
static inline double _Complex nx_ccbrt(double _Complex z) {
  /* the principal cube root |z|^(1/3) exp(i arg(z) / 3) */
  const double x = creal(z), y = cimag(z);
  if (x == 0 && y == 0) return z;
  if (x != x || y != y)
    return isinf(x) || isinf(y) ? __builtin_complex((double)INFINITY, (double)NAN)
                                : __builtin_complex((double)NAN, (double)NAN);
  const double r = cbrt(hypot(x, y));
  /* arg(z) ~ y / x may underflow although the imaginary part of the root does not */
  if (x > 0 && fabs(y) < x * 0x1p-30 && isfinite(r)) return __builtin_complex(r, r / x * y / 3);
  const double theta = atan2(y, x) / 3;
  if (isinf(r)) return __builtin_complex(r * cos(theta), theta != 0 ? r * sin(theta) : theta);
  return __builtin_complex(r * cos(theta), r * sin(theta));
}
static inline double _Complex nx_catan2(double _Complex y, double _Complex x) {
  /* parts of zero imaginary parts: the real atan2; otherwise
     -i * log((x + i y) / sqrt(x * x + y * y)), NaN where the quotient or the
     logarithm has no value */
  if (cimag(y) == 0 && cimag(x) == 0) return __builtin_complex(atan2(creal(y), creal(x)), 0.0);
  const double _Complex num = x + nx_cmul(__builtin_complex(0.0, 1.0), y);
  const double _Complex den = nx_csqrt(nx_cmul(x, x) + nx_cmul(y, y));
  if (creal(den) == 0 && cimag(den) == 0) return __builtin_complex((double)NAN, (double)NAN);
  const double _Complex q = nx_cquot(num, den);
  if (creal(q) == 0 && cimag(q) == 0) return __builtin_complex((double)NAN, (double)NAN);
  return nx_cmul(__builtin_complex(-0.0, -1.0), nx_clog(q));
}
static inline double _Complex nx_cpolar_pow(double _Complex a, double _Complex b) {
  /* a ** b through the polar form: infinities and NaN flow */
  const double r = hypot(creal(a), cimag(a)), theta = atan2(cimag(a), creal(a));
  const double log_r = log(r);
  const double mag = exp(creal(b) * log_r - cimag(b) * theta);
  const double phase = cimag(b) * log_r + creal(b) * theta;
  if (!isfinite(phase)) return __builtin_complex(mag * NAN, mag * NAN);
  return __builtin_complex(mag * cos(phase), mag * sin(phase));
}
static inline double _Complex nx_cpow(double _Complex a, double _Complex b) {
  /* the principal a ** b: 1 for b == 0; 0 ** b is 0 when Re b > 0, else NaN;
     small integer exponents by repeated products, others in polar form */
  const double br = creal(b), bi = cimag(b);
  if (br == 0 && bi == 0) return __builtin_complex(1.0, 0.0);
  if (creal(a) == 0 && cimag(a) == 0)
    return br > 0 ? __builtin_complex(0.0, 0.0) : __builtin_complex((double)NAN, (double)NAN);
  double _Complex r;
  if (bi == 0 && br == floor(br) && fabs(br) <= 100) {
    long n = (long)fabs(br), mask = 1;
    double _Complex p = a;
    r = __builtin_complex(1.0, 0.0);
    while (mask > 0 && n >= mask) {
      if (n & mask) r = nx_cmul(r, p);
      mask <<= 1;
      p = nx_cmul(p, p);
    }
    if (br < 0) {
      if (creal(r) == 0 && cimag(r) == 0) return nx_cpolar_pow(a, b);
      r = nx_cquot(__builtin_complex(1.0, 0.0), r);
    }
  } else {
    const double vabs = hypot(creal(a), cimag(a)), at = atan2(cimag(a), creal(a));
    double len = pow(vabs, br), phase = at * br;
    if (bi != 0) {
      len /= exp(at * bi);
      phase += bi * log(vabs);
    }
    r = __builtin_complex(len * cos(phase), len * sin(phase));
  }
  if (isinf(creal(r)) || isinf(cimag(r))) return nx_cpolar_pow(a, b);
  return r;
}
"""


def _vector_libm(names):
    """The two-argument functions of ``names`` that glibc's libmvec has vector
    versions of (atan2 since glibc 2.35), declared so that gcc vectorises
    loops calling them; the renderer links libmvec when it is found."""
    path = ctypes.util.find_library("mvec")
    try:
        lib = ctypes.CDLL(path) if path else None
    except OSError:
        lib = None
    return tuple(n for n in names if lib is not None and hasattr(lib, f"_ZGVbN2vv_{n}"))


# f32 values compute in double through them: libmvec's few ULPs of double are
# far below half an ULP of f32 (f64 keeps the scalar libm, within 1 ULP)
MVEC2 = _vector_libm(("pow", "atan2"))
SOURCE += "".join(f"#pragma omp declare simd notinbranch\nextern double nx_v_{f}(double, double) "
                  f"__asm__(\"{f}\");\n" for f in MVEC2)

_INT = re.compile(r"([su])(\d+)$")


class _Int(NamedTuple):
    """An integer compute type: its signedness and width, the C type holding it
    (the smallest of 8, 16, 32, 64 bits) and that C type's unsigned version."""
    signed: bool
    bits: int
    c: str
    u: str


def _kind(t):
    """("int", _Int), ("float", C suffix) or ("complex", C suffix) of a compute
    type (the suffix is "f" for f32 and c64, "" for f64 and c128)."""
    m = _INT.match(t)
    if m is not None:
        bits = int(m.group(2))
        width = max(8, bits)
        signed = m.group(1) == "s"
        return "int", _Int(signed, bits, f"{'' if signed else 'u'}int{width}_t", f"uint{width}_t")
    if t in ("f32", "f64", "c64", "c128"):
        return ("float" if t[0] == "f" else "complex"), ("f" if t in ("f32", "c64") else "")
    return None, None


def _in_double(fn, *args_and_suffix):
    """``fn`` of libm on the arguments, computed in double (f64 keeps the
    scalar libm), as a value of the float type of the suffix."""
    *args, f = args_and_suffix
    if not f:
        return f"{fn}({', '.join(args)})"
    fn = f"nx_v_{fn}" if fn in MVEC2 else fn
    return f"(float){fn}({', '.join(f'(double){a}' for a in args)})"


def _in_complex_double(fn):
    """A rule calling the C helper ``fn`` on double complex values."""
    return lambda *a: (f"({'float' if a[-1] else 'double'} _Complex)"
                       f"{fn}({', '.join('(double _Complex)' + x for x in a[:-1])})")


# -- integer rules: from the signedness and the width only ------------------------

def _quotient(a, b, i):
    if i.signed:     # x / -1 negates with wrap-around (INT_MIN / -1 is INT_MIN)
        negated = f"({i.c})(({i.u})0 - ({i.u}){a})"
        return f"({b} == 0 ? ({i.c})-1 : {b} == -1 ? {negated} : ({i.c})({a} / {b}))"
    return f"({b} == 0 ? ({i.c}){(1 << i.bits) - 1}u : ({i.c})({a} / {b}))"


def _remainder(a, b, i):
    minus_one = f"{b} == -1 ? ({i.c})0 : " if i.signed else ""
    return f"({b} == 0 ? {a} : {minus_one}({i.c})({a} % {b}))"


def _shift_ok(b, i):
    return f"({b} >= 0 && {b} < {i.bits})" if i.signed else f"({b} < {i.bits})"


def _right_shift(a, b, i):
    if i.signed:     # an amount out of range shifts every bit out: the sign remains
        return f"({i.c})({a} >> ({_shift_ok(b, i)} ? {b} : {i.bits - 1}))"
    return f"({_shift_ok(b, i)} ? ({i.c})({a} >> {b}) : ({i.c})0)"


def _masked(a, i):
    """The bits of ``a`` in its type's width, as a uint64_t."""
    mask = "" if i.bits == 64 else f" & {(1 << i.bits) - 1}ULL"
    return f"((uint64_t)({i.u}){a}{mask})"


def _count_leading_zeros(a, i):
    x = _masked(a, i)
    return f"({i.c})({x} == 0 ? {i.bits} : __builtin_clzll({x}) - {64 - i.bits})"


def _clip_int(x, lo, hi, i):
    low = f"({x} > {lo} ? {x} : {lo})"
    return f"({low} < {hi} ? {low} : {hi})"


_INT_RULES = {
    "quotient": _quotient, "remainder": _remainder, "right_shift": _right_shift,
    "left_shift": lambda a, b, i: f"({_shift_ok(b, i)} ? ({i.c})(({i.u}){a} << {b}) : ({i.c})0)",
    "bitwise_and": lambda a, b, i: f"({i.c})({a} & {b})",
    "bitwise_or": lambda a, b, i: f"({i.c})({a} | {b})",
    "bitwise_xor": lambda a, b, i: f"({i.c})({a} ^ {b})",
    "bitwise_not": lambda a, i: f"({i.c})~{a}",
    "population_count": lambda a, i: f"({i.c})__builtin_popcountll({_masked(a, i)})",
    "count_leading_zeros": _count_leading_zeros,
    "pow": lambda a, b, i: (f"({i.c})nx_spow((int64_t){a}, (int64_t){b})" if i.signed
                            else f"({i.c})nx_upow((uint64_t){a}, (uint64_t){b})"),
    "abs": lambda a, i: (f"({i.c})({a} < 0 ? ({i.u})0 - ({i.u}){a} : ({i.u}){a})"
                         if i.signed else a),
    "sign": lambda a, i: f"({i.c})(({a} > 0) - ({a} < 0))" if i.signed else f"({i.c})({a} > 0)",
    "ceil": lambda a, i: a, "floor": lambda a, i: a, "round": lambda a, i: a,
    "clip": _clip_int,
}

# -- float rules (f32 also computes the small float types) -----------------------

_FLOAT_RULES = {
    "remainder": lambda a, b, f: f"fmod{f}({a}, {b})",
    "pow": lambda a, b, f: _in_double("pow", a, b, f),
    "atan2": lambda a, b, f: _in_double("atan2", a, b, f),
    "erf_inv": lambda a, f: _in_double("nx_erf_inv", a, f),
    # zeros keep their sign, NaN stays NaN
    "sign": lambda a, f: f"({a} > 0 ? 1.0{f} : {a} < 0 ? -1.0{f} : {a})",
    "ceil": lambda a, f: f"nx_ceil{f}({a})", "floor": lambda a, f: f"nx_floor{f}({a})",
    "round": lambda a, f: f"nx_round{f}({a})",
    "real": lambda a, f: a, "imag": lambda a, f: f"0.0{f}",
    # atan2(0.0, x): pi for x < 0 and -0.0, NaN for NaN
    "phase": lambda a, f: f"({a} != {a} ? {a} : signbit({a}) ? 3.141592653589793{f} : 0.0{f})",
    "complex": lambda a, b, f: f"__builtin_complex({a}, {b})",
    # the spec's max and min: NaN anywhere gives NaN
    "clip": lambda x, lo, hi, f: f"nx_min{f}(nx_max{f}({x}, {lo}), {hi})",
}

# -- complex rules -------------------------------------------------------------------

_COMPLEX_RULES = {
    "sign": _in_complex_double("nx_csign"), "pow": _in_complex_double("nx_cpow"),
    "atan2": _in_complex_double("nx_catan2"), "cbrt": _in_complex_double("nx_ccbrt"),
    "log1p": _in_complex_double("nx_clog1p"),
    "rsqrt": lambda a, f: (f"({'float' if f else 'double'} _Complex)"
                           f"nx_crecip(nx_csqrt((double _Complex){a}))"),
    "phase": lambda a, f: _in_double("atan2", f"cimag{f}({a})", f"creal{f}({a})", f),
    "is_nan": lambda a, f: f"(uint8_t)(isnan(creal{f}({a})) || isnan(cimag{f}({a})))",
    "is_infinity": lambda a, f: f"(uint8_t)(isinf(creal{f}({a})) || isinf(cimag{f}({a})))",
    "logical_not": lambda a, f: f"(uint8_t)({a} == 0)",
    "logical_and": lambda a, b, f: f"(uint8_t)(({a} != 0) && ({b} != 0))",
    "logical_or": lambda a, b, f: f"(uint8_t)(({a} != 0) || ({b} != 0))",
    "logical_xor": lambda a, b, f: f"(uint8_t)(({a} != 0) != ({b} != 0))",
}

_RULES = {"int": _INT_RULES, "float": _FLOAT_RULES, "complex": _COMPLEX_RULES}
_SMALL = ("f16", "bf16", "f8", "f8_e4m3fn")


def supports(node):
    """True when this module computes the element-wise ``node`` (its op on its
    compute type); None to leave it to the renderer's core rules.

    >>> import nx_ref as nx
    >>> from nx_ref.defn.expr import trace
    >>> g = trace(lambda x: nx.quotient(x, 3), [nx.template((2,), "s8")])
    >>> [supports(n) for n in g.nodes if n.op in ("quotient", "parameter")]
    [None, True]
    """
    if node.op not in _INT_RULES and node.op not in _FLOAT_RULES and node.op not in _COMPLEX_RULES:
        return None
    ins = list(node.inputs())
    if node.op == "clip":        # the lowering casts the three operands to the output type
        compute = str(node.out.type)
    else:
        merged = ins[0].out.type
        for x in ins[1:]:
            merged = types.merge(merged, x.out.type)
        compute = str(registry.get(node.op).extras["compute_type"](merged))
    compute = "f32" if compute in _SMALL else compute
    return True if rule(node.op, [f"x{k}" for k in range(len(ins))], compute, None) else None


def rule(op, args, compute, out):
    """The C expression of ``op`` on ``args`` (C expressions of type
    ``compute``) giving a value of type ``out``, or None.

    >>> rule("right_shift", ["a", "b"], "s8", "s8")
    '(int8_t)(a >> ((b >= 0 && b < 8) ? b : 7))'
    """
    kind, k = _kind(compute)
    fn = _RULES.get(kind, {}).get(op)
    return None if fn is None else fn(*args, k)
