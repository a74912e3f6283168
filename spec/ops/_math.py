"""Element functions that never raise: ``math`` and ``cmath`` with the IEEE results
where those modules raise.

``math`` raises on domain errors (``log(-1)``) and overflow (``exp(1000)``) where
IEEE 754 gives NaN or an infinity; ``cmath`` raises where C99's Annex G (the
special values numpy and every C library return) flags an invalid operation or an
overflow. The functions here return those IEEE and Annex G values instead, so
element semantics are total functions of their input.

Real functions take and return Python floats; the ``c*`` functions take and
return Python complex numbers.

>>> log(0.0), log(-1.0), exp(1000.0), atanh(-1.0)
(-inf, nan, inf, -inf)
>>> cexp(complex(1000.0, 0.0)), clog(complex(0.0, -0.0))
((inf+0j), (-inf-0j))
>>> erf_inv(0.5)
0.4769362762044699
"""

from __future__ import annotations

import cmath
import math
from decimal import Decimal, localcontext
from fractions import Fraction

__all__ = [
    "exp", "expm1", "log", "log1p", "sqrt", "rsqrt", "cbrt", "sin", "cos", "tan",
    "asin", "acos", "sinh", "cosh", "acosh", "atanh", "sigmoid", "erf_inv",
    "round_half_away", "ceil", "floor",
    "crecip", "cexp", "cexpm1", "clog", "clog1p", "csqrt", "crsqrt", "ccbrt", "csinh",
    "ccosh", "ctanh", "csin", "ccos", "ctan", "casin", "cacos", "catan", "casinh",
    "cacosh", "catanh", "csigmoid", "csign", "isfinite",
]

INF = math.inf
NAN = math.nan
_ERRORS = (ValueError, OverflowError)


def isfinite(z) -> bool:
    """Whether a real or complex value has only finite components."""
    if isinstance(z, complex):
        return math.isfinite(z.real) and math.isfinite(z.imag)
    return math.isfinite(z)


# -- real functions ----------------------------------------------------------

def _guard(fn, on_error):
    """``fn`` where it returns, else ``on_error(x)`` (the IEEE result)."""
    def safe(x):
        try:
            return fn(x)
        except _ERRORS:
            return on_error(x)
    safe.__name__ = fn.__name__
    return safe


def _nan(x):
    return NAN


def _signed_inf(x):
    return math.copysign(INF, x)


exp = _guard(math.exp, lambda x: INF)                                  # overflow
expm1 = _guard(math.expm1, lambda x: INF)                              # overflow
log = _guard(math.log, lambda x: -INF if x == 0 else NAN)              # 0 and x < 0
log1p = _guard(math.log1p, lambda x: -INF if x == -1 else NAN)         # -1 and x < -1
sqrt = _guard(math.sqrt, _nan)                                         # x < 0
sin = _guard(math.sin, _nan)                                           # +-inf
cos = _guard(math.cos, _nan)
tan = _guard(math.tan, _nan)
asin = _guard(math.asin, _nan)                                         # |x| > 1
acos = _guard(math.acos, _nan)
sinh = _guard(math.sinh, _signed_inf)                                  # overflow
cosh = _guard(math.cosh, lambda x: INF)
acosh = _guard(math.acosh, _nan)                                       # x < 1
atanh = _guard(math.atanh, lambda x: _signed_inf(x) if abs(x) == 1 else NAN)
# math.cbrt is Python 3.11+; the fallback (for 3.10) is within a few ULPs
cbrt = getattr(math, "cbrt", None) or (
    lambda x: x if x == 0 or not math.isfinite(x) else math.copysign(abs(x) ** (1 / 3), x))


def rsqrt(x: float) -> float:
    """``1 / sqrt(x)``: ``rsqrt(0.0)`` is inf, ``rsqrt(-0.0)`` is -inf (IEEE division)."""
    if x == 0:
        return math.copysign(INF, x)
    return 1.0 / sqrt(x)


def sigmoid(x: float) -> float:
    """``1 / (1 + exp(-x))``, computed without overflow on either side."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    if x != x:
        return x
    e = exp(x)
    return e / (1.0 + e)


_SQRT_PI_2 = math.sqrt(math.pi) / 2


def erf_inv(y: float) -> float:
    """The inverse of ``erf`` on [-1, 1]: +-inf at +-1, NaN outside.

    Newton's method on ``erf`` near zero and on ``erfc`` in the tails (where
    ``1 - |y|`` is exact), from the start of the Maclaurin series or of the
    asymptotic expansion; erf is concave and erfc convex on x > 0, so the steps
    converge monotonically after the first. A few steps reach the f64 result.
    """
    a = abs(y)
    if not a <= 1:  # NaN too
        return NAN
    if a == 1:
        return math.copysign(INF, y)
    if a == 0:
        return y
    if a <= 0.5:
        a2 = a * a
        x = a * _SQRT_PI_2 * (1 + a2 * (math.pi / 12 + a2 * 7 * math.pi ** 2 / 480))
        residual = lambda x: a - math.erf(x)   # noqa: E731
    else:
        q = 1.0 - a  # exact for a >= 0.5
        t = -math.log(q)
        x = math.sqrt(t - 0.5 * math.log(math.pi * t))
        residual = lambda x: math.erfc(x) - q  # noqa: E731
    previous = INF
    for _ in range(12):
        step = residual(x) * _SQRT_PI_2 * math.exp(x * x)
        if abs(step) >= previous:  # no longer converging: the rounding noise of erf
            break
        x += step
        if abs(step) <= 2.0 ** -60 * x:
            break
        previous = abs(step)
    return math.copysign(x, y)


def round_half_away(x):
    """Round to the nearest integer, halves away from zero (Erlang's ``round``);
    the sign of zero is kept (``-0.4`` rounds to ``-0.0``)."""
    if isinstance(x, int) or not math.isfinite(x):
        return x
    a = abs(x)
    r = math.floor(a)
    if a - r >= 0.5:  # exact: a - floor(a) has no rounding error
        r += 1
    return math.copysign(float(r), x)


def ceil(x):
    """IEEE ceil: infinities and NaN unchanged, the sign of zero kept (``ceil(-0.5)`` is -0.0)."""
    if isinstance(x, int) or not math.isfinite(x):
        return x
    return math.copysign(float(math.ceil(x)), x)


def floor(x):
    """IEEE floor: infinities and NaN unchanged, the sign of zero kept."""
    if isinstance(x, int) or not math.isfinite(x):
        return x
    return math.copysign(float(math.floor(x)), x)


# -- complex arithmetic --------------------------------------------------------

def crecip(b: complex) -> complex:
    """``1 / b`` with C99 Annex G's infinities and zeros (``1 / 0`` is
    ``inf + nan i``, ``1 / (inf + i)`` is zero), without intermediate overflow."""
    c, d = b.real, b.imag
    if math.isinf(c) or math.isinf(d):
        return complex(math.copysign(0.0, c), math.copysign(0.0, -d))
    if c != c or d != d:
        return complex(NAN, NAN)
    if c == 0 and d == 0:
        return complex(math.copysign(INF, c), NAN)
    e = math.frexp(max(abs(c), abs(d)))[1]   # scale by a power of two: exact
    c, d = math.ldexp(c, -e), math.ldexp(d, -e)
    den = c * c + d * d
    return complex(_ldexp(c / den, -e), _ldexp(-d / den, -e))


def _ldexp(x, e):
    try:
        return math.ldexp(x, e)
    except OverflowError:
        return math.copysign(INF, x)


# -- complex exponential family ---------------------------------------------------

_E700 = math.exp(700.0)


def _exp_times(x: float, c: float) -> float:
    """``exp(x) * c`` for large ``x``, overflowing only when the product does:
    ``exp(700)`` is split off while ``x`` is large (``x - 700`` is exact)."""
    if c == 0 or c != c:
        return c
    if x > 2200.0:  # exp(x) * 5e-324 overflows already
        return math.copysign(INF, c)
    while x > 700.0 and math.isfinite(c):
        c *= _E700
        x -= 700.0
    try:
        return c * math.exp(x)
    except OverflowError:
        return math.copysign(INF, c)


def _scaled_exp_parts(x, y, half=False):
    """``exp(|x|) * (cos y, sin y)`` (halved for sinh and cosh) for large ``|x|``,
    each component overflowing only if it must."""
    scale = 0.5 if half else 1.0
    re = _exp_times(abs(x), math.cos(y) * scale)
    im = _exp_times(abs(x), math.sin(y) * scale) if y != 0 else y
    return re, im


def cexp(z: complex) -> complex:
    """``exp(z)``; overflow gives signed infinities, invalid inputs C99's NaNs."""
    try:
        return cmath.exp(z)
    except OverflowError:
        re, im = _scaled_exp_parts(z.real, z.imag)
        return complex(re, im)
    except ValueError:  # finite or +inf real part with an infinite imaginary part
        return complex(INF if z.real == INF else NAN, NAN)


def csinh(z: complex) -> complex:
    """``sinh(z)``, as :func:`cexp`: ``sinh(x + iy) = sinh x cos y + i cosh x sin y``."""
    try:
        return cmath.sinh(z)
    except OverflowError:
        re, im = _scaled_exp_parts(z.real, z.imag, half=True)
        return complex(math.copysign(1.0, z.real) * re, im)
    except ValueError:
        x = z.real
        if math.isinf(x):        # +-inf + i inf: C99 leaves the sign open, glibc gives +inf
            return complex(INF, NAN)
        return complex(x if x == 0 else NAN, NAN)   # finite + i inf


def ccosh(z: complex) -> complex:
    """``cosh(z) = cosh x cos y + i sinh x sin y``, as :func:`cexp`."""
    try:
        return cmath.cosh(z)
    except OverflowError:
        re, im = _scaled_exp_parts(z.real, z.imag, half=True)
        return complex(re, math.copysign(1.0, z.real) * im)
    except ValueError:
        x = z.real
        if math.isinf(x):
            return complex(INF, NAN)
        return complex(NAN, 0.0 if x == 0 else NAN)


def ctanh(z: complex) -> complex:
    """``tanh(z)``; a finite real part with an infinite imaginary one is invalid
    (NaN), except that a zero real part stays zero (C11's ``ctanh(0 + i inf)``)."""
    if z.real == 0 and not math.isfinite(z.imag):
        return complex(z.real, NAN)
    try:
        return cmath.tanh(z)
    except ValueError:
        x = z.real
        return complex(x if x == 0 else NAN, NAN)


def _times_i(f):
    """``f(z) = -i g(i z)`` (sin, tan from sinh, tanh) as C99 defines them."""
    def h(z):
        w = f(complex(-z.imag, z.real))
        return complex(w.imag, -w.real)
    return h


ctan = _times_i(ctanh)
_csin = _times_i(csinh)


def csin(z: complex) -> complex:
    """``sin(z) = -i sinh(i z)``; an infinite imaginary part with a non-finite real
    one gives ``nan + inf i`` (C99 leaves the sign open; this is glibc's and numpy's)."""
    if math.isinf(z.imag) and not math.isfinite(z.real):
        return complex(NAN, INF)
    return _csin(z)


def ccos(z: complex) -> complex:
    """``cos(z) = cosh(i z)``."""
    return ccosh(complex(-z.imag, z.real))


def cexpm1(z: complex) -> complex:
    """``exp(z) - 1``: ``expm1(x) cos y - 2 sin(y/2)^2 + i exp(x) sin y``, the real
    part recomputed in extended precision where its two terms cancel."""
    x, y = z.real, z.imag
    if isfinite(z) and x < 700:
        s = math.sin(y / 2)
        a, b = math.expm1(x) * math.cos(y), 2 * s * s
        re = a - b
        if abs(re) < 0.25 * (abs(a) + b):  # more than 2 bits cancel
            re = _exp_cos_plus(x, y, -1, re)
        return complex(re, math.exp(x) * math.sin(y))
    w = cexp(z)
    return complex(w.real - 1.0, w.imag)


def csigmoid(z: complex) -> complex:
    """``1 / (1 + exp(-z))``: the real part of ``1 + exp(-z)`` is recomputed in
    extended precision near the poles, where it cancels; for ``Re z < -700``,
    ``exp(z)`` (``1 + exp(z)`` is 1 there, and ``exp(-z)`` would overflow)."""
    x, y = z.real, z.imag
    if not isfinite(z):
        return crecip(1.0 + cexp(-z))
    if x < -700.0:
        return cexp(z)
    e = math.exp(-x)
    a = e * math.cos(y)
    re = 1.0 + a
    if abs(re) < 0.25 * (1.0 + abs(a)):  # more than 2 bits cancel
        re = _exp_cos_plus(-x, y, 1, re)
    return crecip(complex(re, -e * math.sin(y)))


# -- extended precision for the cancelling real parts ---------------------------------

_PI = [Decimal(0), 0]  # pi and the number of its digits, grown on demand


def _decimal_pi(digits: int) -> Decimal:
    """pi to ``digits`` significant digits (Machin's formula), cached."""
    if _PI[1] < digits:
        with localcontext() as ctx:
            ctx.prec = digits + 10

            def arctan_inverse(n):
                x = Decimal(1) / n
                x2, term, total, k = x * x, x, x, 1
                while abs(term) > Decimal(10) ** -(digits + 8):
                    term = -term * x2
                    k += 2
                    total += term / k
                return total
            _PI[0] = 4 * (4 * arctan_inverse(5) - arctan_inverse(239))
            _PI[1] = digits
    return _PI[0]


def _decimal_cos(b: float, digits: int) -> Decimal:
    """cos(b) to about ``digits`` digits: exact reduction modulo 2 pi, then Taylor."""
    with localcontext() as ctx:
        big = max(0, Decimal(b).adjusted()) + digits + 10
        ctx.prec = big
        two_pi = 2 * _decimal_pi(big)
        r = Decimal(b)  # exact
        r -= (r / two_pi).to_integral_value() * two_pi
        ctx.prec = digits + 5
        r2, term, total, k = r * r, Decimal(1), Decimal(1), 0
        while abs(term) > Decimal(10) ** -(digits + 3):
            term = -term * r2 / ((k + 1) * (k + 2))
            k += 2
            total += term
        return total


def _exp_cos_plus(a: float, b: float, c: int, estimate: float) -> float:
    """``exp(a) cos(b) + c`` in decimal arithmetic (``c = -1``: expm1's real part,
    ``c = 1``: sigmoid's denominator), with the digits the float ``estimate``
    suggests, doubled until two evaluations round to the same float."""
    digits = 40 + max(0, -Decimal(estimate or 2.0 ** -1074).adjusted())
    previous = None
    for _ in range(5):
        with localcontext() as ctx:
            ctx.prec = digits
            value = float(Decimal(a).exp() * _decimal_cos(b, digits) + c)
        if value == previous:
            break
        previous, digits = value, digits * 2
    return value


# -- complex logarithm family ------------------------------------------------------

def _log_near_one(x, y, s):
    """``log(x + iy)`` where ``|x + iy|^2 = 1 + s`` with ``s`` a Fraction computed
    exactly: the real part ``log1p(s) / 2`` keeps its digits near the unit circle."""
    return complex(0.5 * math.log1p(float(s)), math.atan2(y, x))


def clog(z: complex) -> complex:
    """Principal ``log(z)``; ``log(0)`` is ``-inf + i arg(z)``. Near the unit
    circle ``|z|^2 - 1`` is computed exactly, where cmath loses digits."""
    x, y = z.real, z.imag
    if isfinite(z) and 0.5 < x * x + y * y < 2.0:
        fx, fy = Fraction(x), Fraction(y)
        return _log_near_one(x, y, fx * fx + fy * fy - 1)
    try:
        return cmath.log(z)
    except ValueError:  # zero
        return complex(-INF, math.atan2(y, x))


def clog1p(z: complex) -> complex:
    """``log(1 + z)``: where ``|1 + z|`` is near 1, ``|1 + z|^2 - 1 = 2x + x^2 + y^2``
    is computed exactly; elsewhere the principal logarithm of ``1 + z``."""
    x, y = z.real, z.imag
    a = 1.0 + x
    if isfinite(z) and 0.5 < a * a + y * y < 2.0:
        fx, fy = Fraction(x), Fraction(y)
        return _log_near_one(a, y, fx * (2 + fx) + fy * fy)
    return clog(complex(a, y))


csqrt = cmath.sqrt  # never raises


def crsqrt(z: complex) -> complex:
    """``1 / sqrt(z)`` with C99 division (``rsqrt(0)`` is ``inf + nan i``)."""
    return crecip(cmath.sqrt(z))


def ccbrt(z: complex) -> complex:
    """The principal cube root, ``|z|^(1/3) exp(i arg(z) / 3)``."""
    x, y = z.real, z.imag
    if x == 0 and y == 0:
        return z
    if x != x or y != y:
        return complex(INF, NAN) if math.isinf(x) or math.isinf(y) else complex(NAN, NAN)
    r = cbrt(math.hypot(x, y))
    if x > 0 and abs(y) < x * 2.0 ** -30 and math.isfinite(r):
        # arg(z) ~ y / x may underflow although the imaginary part of the root does not
        return complex(r, r / x * y / 3)
    theta = math.atan2(y, x) / 3
    if math.isinf(r):
        return complex(r * math.cos(theta), r * math.sin(theta) if theta else theta)
    return complex(r * math.cos(theta), r * math.sin(theta))


# -- complex inverse functions ------------------------------------------------------

# Where C99 leaves the sign of an infinite part open (an infinite input paired
# with NaN), the sign glibc and numpy give is taken.

def casin(z: complex) -> complex:
    """Principal ``asin(z)``; ``asin(+-inf + nan i)`` is ``nan + inf i``."""
    if math.isinf(z.real) and z.imag != z.imag:
        return complex(NAN, INF)
    return cmath.asin(z)


def cacos(z: complex) -> complex:
    """Principal ``acos(z)``; ``acos(+-inf + nan i)`` is ``nan - inf i``."""
    if math.isinf(z.real) and z.imag != z.imag:
        return complex(NAN, -INF)
    return cmath.acos(z)


def casinh(z: complex) -> complex:
    """Principal ``asinh(z)``; ``asinh(nan +- inf i)`` is ``inf + nan i``."""
    if z.real != z.real and math.isinf(z.imag):
        return complex(INF, NAN)
    return cmath.asinh(z)


def cacosh(z: complex) -> complex:
    """``acosh(z)``; ``acosh(+-0 + nan i)`` is ``nan + i pi/2`` as in C99."""
    if z.real == 0 and z.imag != z.imag:
        return complex(NAN, math.pi / 2)
    return cmath.acosh(z)


def catanh(z: complex) -> complex:
    """``atanh(z)``; ``atanh(+-1 + 0i)`` is ``+-inf + 0i``."""
    try:
        return cmath.atanh(z)
    except ValueError:  # +-1 +- 0i
        return complex(math.copysign(INF, z.real), z.imag)


catan = _times_i(catanh)


# -- others ----------------------------------------------------------------------

def csign(z: complex) -> complex:
    """``z / |z|``; zero stays zero; an infinite component points the result along
    its axis; NaN anywhere, or both components infinite, gives NaN."""
    x, y = z.real, z.imag
    if x != x or y != y:
        return complex(NAN, NAN)
    if x == 0 and y == 0:
        return z
    if math.isinf(x) or math.isinf(y):
        if math.isinf(x) and math.isinf(y):
            return complex(NAN, NAN)
        return complex(math.copysign(1.0, x) if math.isinf(x) else 0.0 * x,
                       math.copysign(1.0, y) if math.isinf(y) else 0.0 * y)
    s = max(abs(x), abs(y))  # scale so that the modulus neither overflows nor underflows
    x, y = x / s, y / s
    h = math.hypot(x, y)
    return complex(x / h, y / h)
