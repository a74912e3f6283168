"""Complex numbers in OpenCL C: ``c64`` is a ``float2`` and ``c128`` a
``double2`` (``.x`` the real part, ``.y`` the imaginary one: the interleaved
layout of the spec's binary format), computed by our own functions on
``double2``, since OpenCL C has no complex type.

The functions follow the C target's algorithms (:mod:`nx_codegen.c.render`,
:mod:`nx_codegen.c.elementwise`: the textbook product, Smith's division, the
scaled square root and logarithm, ...) and, where the C target calls C99's
complex library, the formulas of the spec's reference (:mod:`spec.ops._math`):
Kahan's square-root forms of the inverse functions, the Annex G values at
infinities and NaN, exponentials split so that a part overflows only when it
must. ``c64`` values compute in ``double2`` and round once into ``float2``, as
the C target computes them in ``double _Complex``; addition, subtraction and
negation are the components' own, in the value's type.

:func:`elem` renders an element-wise op of a complex value (or one producing
one: ``complex``), :func:`cast` the conversions, and :data:`SOURCE` holds the
functions they call.

>>> elem("multiply", ["a", "b"], "c64", "c64")
'convert_float2(nx_cmul(convert_double2(a), convert_double2(b)))'
>>> elem("real", ["z"], "c128", "f64")
'(z).x'
>>> cast("v", "f32", "c64"), cast("v", "c128", "s32")
('(float2)(v, 0.0f)', 'nx_cast_f64_s32((v).x)')
"""

from __future__ import annotations

from nx_codegen.c import render as _c

__all__ = ["COMPLEX", "VECTOR", "SOURCE", "supports", "elem", "cast", "const", "part"]

COMPLEX = ("c64", "c128")
VECTOR = {"c64": "float2", "c128": "double2"}
_FUNCTIONS = ("exp", "log", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh", "asin", "acos",
              "atan", "asinh", "acosh", "atanh", "sign", "cbrt", "log1p", "rsqrt")


def part(t) -> str:
    """The real type of a complex type's components."""
    return "f32" if t == "c64" else "f64"


def supports(node):
    """Whether the complex ``node`` computes here: the ops the C target computes
    for complex values (None when no complex value is involved)."""
    used = _c._types_used(node)
    if not used & set(COMPLEX):
        return None
    return _c.supports(node)


def const(value, t) -> str:
    """A complex constant (NaN and infinite parts included)."""
    z = complex(value)
    p = part(t)
    return f"(({VECTOR[t]})({_c._const(z.real, p)}, {_c._const(z.imag, p)}))"


def cast(x, src, dst) -> str:
    """The conversion of ``x`` from ``src`` to ``dst``, one of them complex: the
    parts rounded once between c64 and c128, the real part into a real type
    (rounded or saturated as the prelude's casts do), a real value with a +0.0
    imaginary part into a complex one."""
    if src in COMPLEX and dst in COMPLEX:
        return x if src == dst else f"convert_{VECTOR[dst]}({x})"
    if src in COMPLEX:
        return _c._cast(f"({x}).x", part(src), dst)
    zero = "0.0f" if dst == "c64" else "0.0"
    real = x if src == part(dst) else _c._cast(x, src, part(dst))
    return f"({VECTOR[dst]})({real}, {zero})"


def _wide(x, t):
    return f"convert_double2({x})" if t == "c64" else x


def _narrow(x, t):
    return f"convert_float2({x})" if t == "c64" else x


def _nonzero(x):
    return f"(({x}).x != 0 || ({x}).y != 0)"


def _real(fn, t, *args):
    """``fn`` of libm on real arguments, in double, as a value of ``t``'s part."""
    if t == "c64":
        return f"(float){fn}({', '.join(f'(double){a}' for a in args)})"
    return f"{fn}({', '.join(args)})"


_LOGICAL = {"logical_and": "&&", "logical_or": "||", "logical_xor": "!="}


def elem(op, args, compute, out):
    """The OpenCL C expression of ``op`` computing in ``compute`` (complex, or a
    real type producing a complex ``out``), or None."""
    if op == "select":
        return f"({args[0]} != 0 ? {args[1]} : {args[2]})"
    if compute not in COMPLEX:
        if op == "complex" and out in COMPLEX:
            return f"({VECTOR[out]})({args[0]}, {args[1]})"
        return None
    t, a = compute, args[0]
    if op in ("add", "subtract"):
        return f"({a} {'+' if op == 'add' else '-'} {args[1]})"
    if op == "negate":
        return f"(-{a})"
    if op == "conjugate":
        return f"({VECTOR[t]})(({a}).x, -({a}).y)"
    if op in ("multiply", "divide", "pow", "atan2"):
        fn = {"multiply": "nx_cmul", "divide": "nx_cdiv", "pow": "nx_cpow", "atan2": "nx_catan2"}[op]
        return _narrow(f"{fn}({_wide(a, t)}, {_wide(args[1], t)})", t)
    if op in _FUNCTIONS:
        return _narrow(f"nx_c{op}({_wide(a, t)})", t)
    if op in ("real", "imag"):
        return f"({a}).{'x' if op == 'real' else 'y'}"
    if op == "abs":
        return _real("hypot", t, f"({a}).x", f"({a}).y")
    if op == "phase":
        return _real("atan2", t, f"({a}).y", f"({a}).x")
    if op == "equal":
        return f"(uint8_t)(({a}).x == ({args[1]}).x && ({a}).y == ({args[1]}).y)"
    if op == "not_equal":
        return f"(uint8_t)(({a}).x != ({args[1]}).x || ({a}).y != ({args[1]}).y)"
    if op in ("is_nan", "is_infinity"):
        fn = "isnan" if op == "is_nan" else "isinf"
        return f"(uint8_t)({fn}(({a}).x) || {fn}(({a}).y))"
    if op == "logical_not":
        return f"(uint8_t)!{_nonzero(a)}"
    if op in _LOGICAL:
        return f"(uint8_t)({_nonzero(a)} {_LOGICAL[op]} {_nonzero(args[1])})"
    return None


SOURCE = r"""
/* complex numbers as double2 (.x real, .y imaginary); see nx_codegen.opencl.complex */
#define NX_INF ((double)INFINITY)
#define NX_NAN ((double)NAN)
#define NX_PI 3.14159265358979323846
#define NX_LN2 0.69314718055994530942
#define NX_DBL_MIN 2.2250738585072014e-308
#define NX_DBL_MAX 1.7976931348623157e308
static inline double2 nx_c(double re, double im) { return (double2)(re, im); }
static inline int nx_cfinite(double2 z) { return isfinite(z.x) && isfinite(z.y); }
static inline double2 nx_cmul(double2 a, double2 b) {
  /* the textbook product, every product rounded (FP_CONTRACT is off) */
  return nx_c(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}
static inline double2 nx_cquot(double2 a, double2 b) {
  /* Smith's division (the zero divisor is the caller's) */
  if (fabs(b.x) >= fabs(b.y)) {
    const double q = b.y / b.x, d = b.x + b.y * q;
    return nx_c((a.x + a.y * q) / d, (a.y - a.x * q) / d);
  }
  if (fabs(b.y) >= fabs(b.x)) {
    const double q = b.x / b.y, d = b.x * q + b.y;
    return nx_c((a.x * q + a.y) / d, (a.y * q - a.x) / d);
  }
  return nx_c(NX_NAN, NX_NAN);
}
static inline double2 nx_cdiv(double2 a, double2 b) {
  /* the spec's divide: a real divisor divides each part, a zero one divides
     each part by +0.0, otherwise Smith's division */
  if (b.y == 0 && b.x != 0 && b.x == b.x) return nx_c(a.x / b.x, a.y / b.x);
  if (b.x == 0 && b.y == 0) return nx_c(a.x / 0.0, a.y / 0.0);
  return nx_cquot(a, b);
}
static inline double2 nx_crecip(double2 b) {
  /* 1 / b with Annex G's infinities and zeros, scaled by a power of two */
  double c = b.x, d = b.y;
  if (isinf(c) || isinf(d)) return nx_c(copysign(0.0, c), copysign(0.0, -d));
  if (c != c || d != d) return nx_c(NX_NAN, NX_NAN);
  if (c == 0 && d == 0) return nx_c(copysign(NX_INF, c), NX_NAN);
  const int e = ilogb(fmax(fabs(c), fabs(d))) + 1;
  c = ldexp(c, -e);
  d = ldexp(d, -e);
  const double den = c * c + d * d;
  return nx_c(ldexp(c / den, -e), ldexp(-d / den, -e));
}
static inline double nx_exp_times(double x, double c) {
  /* exp(x) * c for large x, overflowing only when the product does */
  if (c == 0 || c != c) return c;
  if (x > 2200.0) return copysign(NX_INF, c);
  while (x > 700.0 && isfinite(c)) { c *= exp(700.0); x -= 700.0; }
  return c * exp(x);
}
static inline double2 nx_cexp(double2 z) {
  const double x = z.x, y = z.y;
  if (isfinite(x) && isfinite(y)) {
    if (x <= 700.0) {
      const double e = exp(x);
      return nx_c(e * cos(y), y == 0 ? y : e * sin(y));
    }
    return nx_c(nx_exp_times(x, cos(y)), y == 0 ? y : nx_exp_times(x, sin(y)));
  }
  if (isinf(x) && isfinite(y)) {   /* +-0 or +-inf along cis(y) */
    const double r = x > 0 ? NX_INF : 0.0;
    if (y == 0) return nx_c(r, y);
    return nx_c(r * cos(y), r * sin(y));
  }
  if (x == NX_INF) return nx_c(NX_INF, NX_NAN);
  if (x == -NX_INF) return nx_c(0.0, 0.0);
  if (x != x && y == 0) return nx_c(NX_NAN, y);
  return nx_c(NX_NAN, NX_NAN);
}
static inline double2 nx_csinh(double2 z) {
  const double x = z.x, y = z.y;
  if (isfinite(x) && isfinite(y)) {
    if (fabs(x) <= 700.0) return nx_c(sinh(x) * cos(y), cosh(x) * sin(y));
    return nx_c(copysign(1.0, x) * nx_exp_times(fabs(x), 0.5 * cos(y)),
                y == 0 ? y : nx_exp_times(fabs(x), 0.5 * sin(y)));
  }
  if (isinf(x) && isfinite(y)) {
    if (y == 0) return z;
    return nx_c(x * cos(y), NX_INF * sin(y));
  }
  if (isinf(x)) return nx_c(NX_INF, NX_NAN);
  if (x == 0) return nx_c(y != y ? 0.0 : x, NX_NAN);   /* (Annex G leaves the sign open) */
  if (x != x && y == 0) return nx_c(NX_NAN, y);
  return nx_c(NX_NAN, NX_NAN);
}
static inline double2 nx_ccosh(double2 z) {
  const double x = z.x, y = z.y;
  if (isfinite(x) && isfinite(y)) {
    if (fabs(x) <= 700.0) return nx_c(cosh(x) * cos(y), sinh(x) * sin(y));
    return nx_c(nx_exp_times(fabs(x), 0.5 * cos(y)),
                copysign(1.0, x) * (y == 0 ? y : nx_exp_times(fabs(x), 0.5 * sin(y))));
  }
  if (isinf(x) && isfinite(y)) {
    if (y == 0) return nx_c(NX_INF, x > 0 ? y : -y);
    return nx_c(NX_INF * cos(y), x * sin(y));
  }
  if (isinf(x)) return nx_c(NX_INF, NX_NAN);
  if (x == 0) return nx_c(NX_NAN, 0.0);
  if (x != x && y == 0) return nx_c(NX_NAN, 0.0);
  return nx_c(NX_NAN, NX_NAN);
}
static inline double2 nx_ctanh(double2 z) {
  const double x = z.x, y = z.y;
  if (x == 0 && !isfinite(y)) return nx_c(x, NX_NAN);
  if (isfinite(x) && isfinite(y)) {
    if (fabs(x) > 20.0) {
      const double s = sin(y), c = cos(y);
      return nx_c(copysign(1.0, x), 4.0 * s * c * exp(-2.0 * fabs(x)));
    }
    /* Kahan's form: tanh x (1 + tan^2 y) / (1 + tanh^2 x tan^2 y) + i ... */
    const double tx = tanh(x), ty = tan(y), cx = 1.0 / cosh(x), txty = tx * ty;
    const double den = 1.0 + txty * txty;
    return nx_c(tx * (1.0 + ty * ty) / den, ((ty / den) * cx) * cx);
  }
  if (isinf(x)) {
    const double im = isfinite(y) ? copysign(0.0, sin(2.0 * y)) : y != y ? copysign(0.0, y) : 0.0;
    return nx_c(copysign(1.0, x), y == 0 ? y : im);
  }
  if (x != x && y == 0) return nx_c(NX_NAN, y);
  return nx_c(NX_NAN, NX_NAN);
}
/* f(z) = -i g(i z): sin from sinh, tan from tanh, asin from asinh, atan from atanh */
static inline double2 nx_times_i(double2 z) { return nx_c(-z.y, z.x); }
static inline double2 nx_times_minus_i(double2 w) { return nx_c(w.y, -w.x); }
static inline double2 nx_csin(double2 z) {
  if (isinf(z.y) && !isfinite(z.x)) return nx_c(NX_NAN, NX_INF);
  return nx_times_minus_i(nx_csinh(nx_times_i(z)));
}
static inline double2 nx_ccos(double2 z) { return nx_ccosh(nx_times_i(z)); }
static inline double2 nx_ctan(double2 z) { return nx_times_minus_i(nx_ctanh(nx_times_i(z))); }
static inline double2 nx_csqrt(double2 z) {
  /* the principal square root, scaled so that no step overflows or loses the
     subnormal range; Annex G's values where a part is not finite */
  const double x = z.x, y = z.y;
  if (isinf(y)) return nx_c(NX_INF, y);
  if (x == -NX_INF) return y == y ? nx_c(0.0, copysign(NX_INF, y)) : nx_c(NX_NAN, NX_INF);
  if (x == NX_INF) return y == y ? nx_c(NX_INF, copysign(0.0, y)) : nx_c(NX_INF, NX_NAN);
  if (x != x || y != y) return nx_c(NX_NAN, NX_NAN);
  if (x == 0 && y == 0) return nx_c(0.0, y);
  double ax = fabs(x), s;
  const double ay = fabs(y);
  if (ax < NX_DBL_MIN && ay < NX_DBL_MIN) {
    ax = ldexp(ax, 53);
    s = ldexp(sqrt(ax + hypot(ax, ldexp(ay, 53))), -27);
  } else {
    ax /= 8.0;
    s = 2.0 * sqrt(ax + hypot(ax, ay / 8.0));
  }
  const double d = ay / (2.0 * s);
  return x >= 0 ? nx_c(s, copysign(d, y)) : nx_c(d, copysign(s, y));
}
static inline double nx_sum_exactly5(double v0, double v1, double v2, double v3, double v4) {
  /* the sum of five doubles, rounded faithfully: each term is added without
     error into an expansion of nonoverlapping parts (two-sum steps), whose
     parts are then added from the smallest */
  double v[5] = {v0, v1, v2, v3, v4}, h[8];
  int m = 0;
  for (int i = 0; i < 5; i++) {
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
static inline double2 nx_clog(double2 z) {
  /* the principal logarithm; where |z|^2 is near 1, log1p of |z|^2 - 1 summed
     exactly (fma gives the squares' low parts: the C target's product
     (|x| - 1)(|x| + 1) + y^2 loses digits there); scaled where |z| would
     overflow or be subnormal; log 0 is -inf + i arg(z) */
  const double x = z.x, y = z.y;
  if (!isfinite(x) || !isfinite(y))
    return nx_c(isinf(x) || isinf(y) ? NX_INF : NX_NAN, atan2(y, x));
  const double ax = fabs(x), ay = fabs(y);
  double re;
  if (ax == 0 && ay == 0) {
    re = -NX_INF;
  } else if (ax > NX_DBL_MAX / 4 || ay > NX_DBL_MAX / 4) {
    re = log(hypot(ax / 2.0, ay / 2.0)) + NX_LN2;
  } else if (ax < NX_DBL_MIN && ay < NX_DBL_MIN) {
    re = log(hypot(ldexp(ax, 53), ldexp(ay, 53))) - 53 * NX_LN2;
  } else {
    const double xx = x * x, yy = y * y, m = xx + yy;
    if (0.5 < m && m < 2.0)
      re = 0.5 * log1p(nx_sum_exactly5(xx, fma(x, x, -xx), yy, fma(y, y, -yy), -1.0));
    else
      re = log(hypot(ax, ay));
  }
  return nx_c(re, atan2(y, x));
}
static inline double2 nx_clog_near(double2 z) {
  /* the logarithm of the C target's atan2 (and CPython's cmath.log, the
     reference's): log1p((m - 1)(m + 1) + n^2) / 2 where 0.71 <= |z| <= 1.73, so
     that atan2's imaginary part, a cancellation, rounds as there */
  const double ax = fabs(z.x), ay = fabs(z.y), h = hypot(ax, ay);
  if (!nx_cfinite(z) || !(0.71 <= h && h <= 1.73)) return nx_clog(z);
  const double am = fmax(ax, ay), an = fmin(ax, ay);
  return nx_c(log1p((am - 1) * (am + 1) + an * an) / 2.0, atan2(z.y, z.x));
}
static inline double2 nx_clog1p(double2 z) {
  /* log(1 + z): where |1 + z|^2 is near 1, its difference from 1,
     2x + x^2 + y^2, is summed exactly (fma gives the squares' low parts) */
  const double x = z.x, y = z.y, a = 1.0 + x;
  if (isfinite(x) && isfinite(y)) {
    const double m = a * a + y * y;
    if (0.5 < m && m < 2.0) {
      const double xx = x * x, yy = y * y;
      const double s = nx_sum_exactly5(2 * x, xx, fma(x, x, -xx), yy, fma(y, y, -yy));
      return nx_c(0.5 * log1p(s), atan2(y, a));
    }
  }
  return nx_clog(nx_c(a, y));
}
static inline double2 nx_crsqrt(double2 z) { return nx_crecip(nx_csqrt(z)); }
static inline double2 nx_ccbrt(double2 z) {
  /* the principal cube root |z|^(1/3) exp(i arg(z) / 3) */
  const double x = z.x, y = z.y;
  if (x == 0 && y == 0) return z;
  if (x != x || y != y)
    return isinf(x) || isinf(y) ? nx_c(NX_INF, NX_NAN) : nx_c(NX_NAN, NX_NAN);
  const double r = cbrt(hypot(x, y));
  /* arg(z) ~ y / x may underflow although the imaginary part of the root does not */
  if (x > 0 && fabs(y) < x * 0x1p-30 && isfinite(r)) return nx_c(r, r / x * y / 3);
  const double theta = atan2(y, x) / 3;
  if (isinf(r)) return nx_c(r * cos(theta), theta != 0 ? r * sin(theta) : theta);
  return nx_c(r * cos(theta), r * sin(theta));
}
static inline double2 nx_csign(double2 z) {
  /* z / |z|: zero stays, an infinite part points along its axis, NaN anywhere
     or both parts infinite gives NaN */
  double x = z.x, y = z.y;
  if (x != x || y != y) return nx_c(NX_NAN, NX_NAN);
  if (x == 0 && y == 0) return z;
  if (isinf(x) || isinf(y)) {
    if (isinf(x) && isinf(y)) return nx_c(NX_NAN, NX_NAN);
    return nx_c(isinf(x) ? copysign(1.0, x) : 0.0 * x, isinf(y) ? copysign(1.0, y) : 0.0 * y);
  }
  const double s = fmax(fabs(x), fabs(y));
  x /= s;
  y /= s;
  const double h = hypot(x, y);
  return nx_c(x / h, y / h);
}
/* the inverse functions: Kahan's forms through square roots ("Branch cuts for
   complex elementary functions"), log|z| + log 2 for huge arguments */
#define NX_LARGE (NX_DBL_MAX / 4)
static inline double nx_log_large(double x, double y) { return log(hypot(x / 2.0, y / 2.0)) + 2 * NX_LN2; }
static inline double2 nx_casinh(double2 z) {
  const double x = z.x, y = z.y;
  if (!isfinite(x) || !isfinite(y)) {
    if (isinf(x)) return nx_c(x, y != y ? y : isinf(y) ? copysign(NX_PI / 4, y) : copysign(0.0, y));
    if (isinf(y)) return nx_c(x != x ? NX_INF : copysign(NX_INF, x), x != x ? x : copysign(NX_PI / 2, y));
    if (y == 0) return nx_c(NX_NAN, y);
    return nx_c(NX_NAN, NX_NAN);
  }
  if (fabs(x) > NX_LARGE || fabs(y) > NX_LARGE)
    return nx_c(copysign(nx_log_large(x, y), x), atan2(y, fabs(x)));
  const double2 s1 = nx_csqrt(nx_c(1.0 + y, -x)), s2 = nx_csqrt(nx_c(1.0 - y, x));
  return nx_c(asinh(s1.x * s2.y - s2.x * s1.y), atan2(y, s1.x * s2.x - s1.y * s2.y));
}
static inline double2 nx_casin(double2 z) {
  if (isinf(z.x) && z.y != z.y) return nx_c(NX_NAN, NX_INF);
  return nx_times_minus_i(nx_casinh(nx_times_i(z)));
}
static inline double2 nx_cacos(double2 z) {
  const double x = z.x, y = z.y;
  if (!isfinite(x) || !isfinite(y)) {
    if (isinf(x) && y != y) return nx_c(NX_NAN, -NX_INF);
    if (isinf(x))
      return nx_c(isinf(y) ? (x > 0 ? NX_PI / 4 : 3 * NX_PI / 4) : (x > 0 ? 0.0 : NX_PI),
                  -copysign(NX_INF, y));
    if (isinf(y)) return nx_c(x != x ? NX_NAN : NX_PI / 2, -y);
    if (x == 0) return nx_c(NX_PI / 2, NX_NAN);
    return nx_c(NX_NAN, NX_NAN);
  }
  if (fabs(x) > NX_LARGE || fabs(y) > NX_LARGE) {
    const double l = nx_log_large(x, y);
    return nx_c(atan2(fabs(y), x), x < 0 ? -copysign(l, y) : copysign(l, -y));
  }
  const double2 s1 = nx_csqrt(nx_c(1.0 - x, -y)), s2 = nx_csqrt(nx_c(1.0 + x, y));
  return nx_c(2.0 * atan2(s1.x, s2.x), asinh(s2.x * s1.y - s2.y * s1.x));
}
static inline double2 nx_cacosh(double2 z) {
  const double x = z.x, y = z.y;
  if (!isfinite(x) || !isfinite(y)) {
    if (x == 0 && y != y) return nx_c(NX_NAN, NX_PI / 2);
    const double2 w = nx_cacos(z);   /* acosh(z) = +-i acos(z), the real part >= 0 */
    if (w.y != w.y) return nx_c(NX_NAN, w.x);
    return nx_c(fabs(w.y), copysign(w.x, y));
  }
  if (fabs(x) > NX_LARGE || fabs(y) > NX_LARGE) return nx_c(nx_log_large(x, y), atan2(y, x));
  const double2 s1 = nx_csqrt(nx_c(x - 1.0, y)), s2 = nx_csqrt(nx_c(x + 1.0, y));
  return nx_c(asinh(s1.x * s2.x + s1.y * s2.y), 2.0 * atan2(s1.y, s2.x));
}
static inline double2 nx_catanh_right(double x, double y) {
  /* atanh(x + iy) for x >= 0 (the other half by symmetry), finite parts */
  const double ay = fabs(y), sqrt_large = 6.703903964971298e153;
  if (x > sqrt_large || ay > sqrt_large) {
    const double h = hypot(x / 2.0, y / 2.0);
    return nx_c(x / 4.0 / h / h, -copysign(NX_PI / 2, -y));
  }
  if (x == 1.0 && ay < 1.4916681462400413e-154) {
    if (ay == 0) return nx_c(NX_INF, y);
    return nx_c(-log(sqrt(ay) / sqrt(hypot(ay, 2.0))), copysign(atan2(2.0, -ay) / 2.0, y));
  }
  const double omx = 1.0 - x;
  return nx_c(log1p(4.0 * x / (omx * omx + ay * ay)) / 4.0,
              -atan2(-2.0 * y, omx * (1.0 + x) - ay * ay) / 2.0);
}
static inline double2 nx_catanh(double2 z) {
  const double x = z.x, y = z.y;
  if (!isfinite(x) || !isfinite(y)) {
    if (isinf(y)) return nx_c(x != x ? 0.0 : copysign(0.0, x), copysign(NX_PI / 2, y));
    if (isinf(x)) return nx_c(copysign(0.0, x), y != y ? y : copysign(NX_PI / 2, y));
    if (x == 0) return nx_c(x, NX_NAN);
    return nx_c(NX_NAN, NX_NAN);
  }
  if (x < 0 || (x == 0 && signbit(x))) { const double2 w = nx_catanh_right(-x, -y); return -w; }
  return nx_catanh_right(x, y);
}
static inline double2 nx_catan(double2 z) { return nx_times_minus_i(nx_catanh(nx_times_i(z))); }
static inline double2 nx_catan2(double2 y, double2 x) {
  /* parts of zero imaginary parts: the real atan2; otherwise
     -i log((x + i y) / sqrt(x^2 + y^2)), NaN where that has no value */
  if (y.y == 0 && x.y == 0) return nx_c(atan2(y.x, x.x), 0.0);
  const double2 num = x + nx_cmul(nx_c(0.0, 1.0), y);
  const double2 den = nx_csqrt(nx_cmul(x, x) + nx_cmul(y, y));
  if (den.x == 0 && den.y == 0) return nx_c(NX_NAN, NX_NAN);
  const double2 q = nx_cquot(num, den);
  if (q.x == 0 && q.y == 0) return nx_c(NX_NAN, NX_NAN);
  return nx_cmul(nx_c(-0.0, -1.0), nx_clog_near(q));
}
static inline double2 nx_cpolar_pow(double2 a, double2 b) {
  /* a ** b through the polar form: infinities and NaN flow */
  const double r = hypot(a.x, a.y), theta = atan2(a.y, a.x), log_r = log(r);
  const double mag = exp(b.x * log_r - b.y * theta), phase = b.y * log_r + b.x * theta;
  if (!isfinite(phase)) return nx_c(mag * NX_NAN, mag * NX_NAN);
  return nx_c(mag * cos(phase), mag * sin(phase));
}
static inline double2 nx_cpow(double2 a, double2 b) {
  /* the principal a ** b: 1 for b == 0; 0 ** b is 0 when Re b > 0, else NaN;
     small integer exponents by repeated products, others in polar form */
  const double br = b.x, bi = b.y;
  if (br == 0 && bi == 0) return nx_c(1.0, 0.0);
  if (a.x == 0 && a.y == 0) return br > 0 ? nx_c(0.0, 0.0) : nx_c(NX_NAN, NX_NAN);
  double2 r;
  if (bi == 0 && br == floor(br) && fabs(br) <= 100) {
    long n = (long)fabs(br), mask = 1;
    double2 p = a;
    r = nx_c(1.0, 0.0);
    while (mask > 0 && n >= mask) {
      if (n & mask) r = nx_cmul(r, p);
      mask <<= 1;
      p = nx_cmul(p, p);
    }
    if (br < 0) {
      if (r.x == 0 && r.y == 0) return nx_cpolar_pow(a, b);
      r = nx_cquot(nx_c(1.0, 0.0), r);
    }
  } else {
    const double vabs = hypot(a.x, a.y), at = atan2(a.y, a.x);
    double len = pow(vabs, br), phase = at * br;
    if (bi != 0) {
      len /= exp(at * bi);
      phase += bi * log(vabs);
    }
    r = nx_c(len * cos(phase), len * sin(phase));
  }
  if (isinf(r.x) || isinf(r.y)) return nx_cpolar_pow(a, b);
  return r;
}
"""
