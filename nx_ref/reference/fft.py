"""fft and ifft in the reference backend, in plain Python.

Each row along the transformed axis (a strided slice of the row-major values)
is zero-padded or truncated to the transform length and transformed in double
precision: an iterative radix-2 Cooley-Tukey FFT for powers of two, the direct
O(n^2) sum (each component summed exactly by ``math.fsum``) for other lengths
up to 64, and Bluestein's algorithm (a chirp convolution computed with radix-2
FFTs) for longer ones.
Twiddle factors are computed once per length from ``cos``/``sin`` of the
reduced angle. ``ifft`` is the conjugate of the transform of the conjugate,
divided by ``n``. Components of magnitude at most ``eps`` become 0 (the
spec's rule), then the values are rounded into the output type.

>>> _transform([1, 1, 0, 0], 4, False)
[(2+0j), (1-1j), 0j, (1+1j)]
"""

from __future__ import annotations

import math
from functools import lru_cache

__all__ = ["FFTMixin"]

_DIRECT_MAX = 64   # longest non-power-of-two length summed directly (O(n^2)); Bluestein past it


@lru_cache(maxsize=64)
def _twiddles(n):
    """``exp(-2 pi i k / n)`` for k in 0 .. n-1, symmetric and exact at the
    quarter turns: the angle is reduced to the first octant before ``cos`` and
    ``sin`` are taken."""
    return tuple(_twiddle(k, n) for k in range(n))


def _twiddle(k, n):
    quarter, r = divmod(4 * k, n)          # 2 pi k / n = (pi / 2) * (quarter + r / n)
    if 2 * r <= n:
        c, s = math.cos(math.pi / 2 * r / n), math.sin(math.pi / 2 * r / n)
    else:                                  # past the octant: use the complementary angle
        s, c = math.cos(math.pi / 2 * (n - r) / n), math.sin(math.pi / 2 * (n - r) / n)
    for _ in range(quarter):               # rotate by quarter turns
        c, s = -s, c
    return complex(c, -s)


def _dft(row, n):
    tw = _twiddles(n)
    out = []
    for k in range(n):
        re = []
        im = []
        for j, x in enumerate(row):
            w = tw[(j * k) % n]
            re.append(x.real * w.real)
            re.append(-x.imag * w.imag)
            im.append(x.real * w.imag)
            im.append(x.imag * w.real)
        out.append(complex(math.fsum(re), math.fsum(im)))
    return out


def _radix2(row, n):
    tw = _twiddles(n)
    bits = n.bit_length() - 1
    a = [0j] * n
    for i, x in enumerate(row):
        a[int(format(i, f"0{bits}b")[::-1], 2) if bits else 0] = complex(x)
    size = 2
    while size <= n:
        half = size // 2
        stride = n // size
        for start in range(0, n, size):
            for k in range(half):
                u = a[start + k]
                v = a[start + k + half] * tw[k * stride]
                a[start + k] = u + v
                a[start + k + half] = u - v
        size *= 2
    return a


def _bluestein(row, n):
    # exp(-2 pi i j k / n) = w[j] w[k] conj(w[k - j]) with w[j] = exp(-pi i j^2 / n):
    # the DFT is a convolution, computed by radix-2 FFTs of a power-of-two size
    w = [_twiddle(j * j % (2 * n), 2 * n) for j in range(n)]
    m = 1 << (2 * n - 2).bit_length()
    a = [x * wj for x, wj in zip(row, w)] + [0j] * (m - n)
    b = [0j] * m
    for j in range(n):
        b[j] = b[-j] = w[j].conjugate()
    fa, fb = _radix2(a, m), _radix2(b, m)
    conv = _radix2([(u * v).conjugate() for u, v in zip(fa, fb)], m)
    return [wk * c.conjugate() / m for wk, c in zip(w, conv)]


def _transform(row, n, inverse):
    """The (inverse) DFT of ``row`` zero-padded or truncated to ``n``."""
    row = [complex(x) for x in row[:n]]
    row += [0j] * (n - len(row))
    if inverse:
        row = [x.conjugate() for x in row]
    if n >= 2 and n & (n - 1) == 0:
        out = _radix2(row, n)
    elif n > _DIRECT_MAX:
        out = _bluestein(row, n)
    else:
        out = _dft(row, n)
    if inverse:
        out = [x.conjugate() / n for x in out]
    return out


def _clean(x, eps):
    re = 0.0 if abs(x.real) <= eps else x.real
    im = 0.0 if abs(x.imag) <= eps else x.imag
    return complex(re, im)


def _rows(shape, axis):
    """(start, step) of every row along ``axis`` in row-major values."""
    outer = math.prod(shape[:axis])
    step = math.prod(shape[axis + 1:])
    span = shape[axis] * step
    return [(a * span + b, step) for a in range(outer) for b in range(step)]


class FFTMixin:
    def fft(self, out, x, *, length, axis, eps):
        return self._fft(out, x, length, axis, eps, False)

    def ifft(self, out, x, *, length, axis, eps):
        return self._fft(out, x, length, axis, eps, True)

    def _fft(self, out, x, length, axis, eps, inverse):
        vals = x.data.values()
        size = x.shape[axis]
        result = [0j] * out.size
        for (start, step), (ostart, ostep) in zip(_rows(x.shape, axis), _rows(out.shape, axis)):
            row = vals[start:start + size * step:step]
            transformed = [_clean(v, eps) for v in _transform(row, length, inverse)]
            result[ostart:ostart + length * ostep:ostep] = transformed
        return self.from_values(out, result)
