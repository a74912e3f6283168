"""Linear algebra in the reference backend: plain Python on lists of rows.

Each matrix of a batch is decoded into Python floats (complex numbers for
complex output types), computed in double precision and rounded once into the
output type when stored. The batch is the leading axes; every matrix of it is
solved or factored independently.
"""

from __future__ import annotations

import cmath
import math

from spec.errors import ArgumentError

__all__ = ["LinalgMixin", "solve_triangular", "cholesky_matrix", "qr_matrix", "lu_matrix"]


def _matrices(values, count, rows, cols, conv):
    """Split flat row-major values into ``count`` matrices of ``rows`` x ``cols``."""
    size = rows * cols
    return [[[conv(values[k * size + i * cols + j]) for j in range(cols)] for i in range(rows)]
            for k in range(count)]


def _transpose(m):
    return [list(r) for r in zip(*m)]


def solve_triangular(t, b, lower):
    """Solve ``t @ x = b`` for a triangular ``t`` (list of rows), reading only
    its ``lower`` (or upper) triangle; ``b`` is a list of rows (n x m).

    >>> solve_triangular([[2.0, 0.0], [1.0, 1.0]], [[2.0], [3.0]], True)
    [[1.0], [2.0]]
    """
    n = len(t)
    cols = len(b[0]) if n else 0
    x = [None] * n
    order = range(n) if lower else range(n - 1, -1, -1)
    for i in order:
        d = t[i][i]
        if d == 0:
            raise ArgumentError("can't solve for singular matrix")
        known = range(i) if lower else range(i + 1, n)
        x[i] = [(b[i][c] - sum(t[i][k] * x[k][c] for k in known)) / d for c in range(cols)]
    return x


def cholesky_matrix(a):
    """The lower Cholesky factor of ``a`` (list of rows), reading its lower
    triangle (Cholesky-Banachiewicz, row by row).

    >>> cholesky_matrix([[4.0, 2.0], [2.0, 5.0]])
    [[2.0, 0.0], [1.0, 2.0]]
    """
    n = len(a)
    is_complex = any(isinstance(v, complex) for row in a for v in row)
    zero = 0j if is_complex else 0.0
    low = [[zero] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            s = sum(low[i][k] * low[j][k].conjugate() for k in range(j))
            if i == j:
                d = a[i][i] - s
                low[i][i] = _sqrt(d.real if is_complex else d) + zero
            else:
                low[i][j] = (a[i][j] - s) / low[j][j]
    return low


def _reflector(x, i, eps):
    """Nx's Householder vector ``v`` and scale for column ``x`` at row ``i``
    (``H = I - scale * v v^H``), or None when the column needs no reflection."""
    norm_sq = sum(abs(v) ** 2 for v in x)
    norm = math.sqrt(norm_sq)
    xi = x[i]
    if isinstance(xi, complex):
        u = list(x)
        u[i] = xi + cmath.exp(1j * cmath.phase(xi)) * norm
        u_sq = sum(abs(v) ** 2 for v in u)
        if u_sq <= eps:
            return None
        return [v / math.sqrt(u_sq) for v in u], 2.0
    rest_sq = sum(v * v for v in x[i + 1:])   # not norm_sq - xi * xi, which cancels
    if rest_sq <= eps:
        return None
    v0 = xi - norm if xi <= 0 else -rest_sq / (xi + norm)   # x_i - |x| without cancellation
    v = [e / v0 for e in x]
    v[i] = 1.0
    return v, 2.0 / sum(e * e for e in v)


def qr_matrix(a, mode, eps):
    """``(q, r)`` of ``a`` (list of rows) by Householder reflections, as Nx
    computes them: a wide matrix is padded with zero rows to a square one.

    >>> qr_matrix([[0.0, 1.0], [2.0, 0.0]], "reduced", 1e-10)
    ([[0.0, 1.0], [1.0, 0.0]], [[2.0, 0.0], [0.0, 1.0]])
    """
    m_in, n = len(a), len(a[0])
    zero = type(a[0][0])(0)
    wide = m_in < n
    r = [list(row) for row in a] + [[zero] * n for _ in range(n - m_in if wide else 0)]
    m = len(r)
    q = [[zero + (k == j) for j in range(m)] for k in range(m)]
    max_i = n - 1 if (wide or m > n) else n - 2
    for i in range(max_i + 1):
        found = _reflector([r[k][i] if k >= i else zero for k in range(m)], i, eps)
        if found is None:
            continue
        v, scale = found
        for c in range(n):        # r = r - scale * v (v^H r)
            s = scale * sum(v[k].conjugate() * r[k][c] for k in range(i, m))
            for k in range(i, m):
                r[k][c] -= v[k] * s
        for k in range(i + 1, m):  # exactly zero below the diagonal, not round-off
            r[k][i] = zero
        for k in range(m):        # q = q - scale * (q v) v^H
            s = scale * sum(q[k][j] * v[j] for j in range(i, m))
            for j in range(i, m):
                q[k][j] -= s * v[j].conjugate()
    q = [[e if abs(e) > eps else zero for e in row] for row in q]
    r = [[e if abs(e) > eps else zero for e in row] for row in r]
    if wide:
        return [row[:m_in] for row in q[:m_in]], r[:m_in]
    if mode == "reduced" and m > n:
        return [row[:n] for row in q], r[:n]
    return q, r


def lu_matrix(a):
    """``(perm, l, u)`` of ``a`` (list of rows) by Gaussian elimination with
    partial pivoting (the first row of largest magnitude; a zero column is not
    eliminated): ``a[perm[k]]`` is row ``k`` of ``l @ u``.

    >>> lu_matrix([[1.0, 2.0], [3.0, 4.0]])
    ([1, 0], [[1.0, 0.0], [0.3333333333333333, 1.0]], [[3.0, 4.0], [0.0, 0.6666666666666667]])
    """
    n = len(a)
    u = [list(row) for row in a]
    zero = type(a[0][0])(0) if n else 0.0
    low = [[zero] * n for _ in range(n)]
    perm = list(range(n))
    for k in range(n):
        piv = max(range(k, n), key=lambda i: (abs(u[i][k]), -i))
        u[k], u[piv] = u[piv], u[k]
        low[k], low[piv] = low[piv], low[k]
        perm[k], perm[piv] = perm[piv], perm[k]
        low[k][k] = zero + 1
        if u[k][k] == 0:
            continue
        for i in range(k + 1, n):
            f = u[i][k] / u[k][k]
            low[i][k] = f
            u[i] = [zero if j == k else u[i][j] - f * u[k][j] for j in range(n)]
    return perm, low, u


def _sqrt(x):
    if math.isnan(x) or x < 0:
        return math.nan
    return math.sqrt(x)


class LinalgMixin:
    """The linalg primitives (:mod:`spec.ops.linalg`) of the ReferenceBackend."""

    def triangular_solve(self, out, a, b, *, lower, left_side, transform_a):
        conv = complex if out.type.is_complex else float
        n = a.shape[-1]
        count = a.size // (n * n) if n else 0
        vector = b.rank == a.rank - 1
        rows, cols = (n, 1) if vector else b.shape[-2:]
        a_mats = _matrices(a.data.values(), count, n, n, conv)
        b_mats = _matrices(b.data.values(), count, rows, cols, conv)
        res = []
        for m, rhs in zip(a_mats, b_mats):
            t, low = _effective(m, lower, transform_a)
            if not left_side:              # x @ t = b  <=>  t^T @ x^T = b^T
                t, low = _transpose(t), not low
                rhs = rhs if vector else _transpose(rhs)
            x = solve_triangular(t, rhs, low)
            if not left_side and not vector:
                x = _transpose(x)
            res.extend(v for row in x for v in row)
        return self.from_values(out, res)

    def cholesky(self, out, tensor):
        conv = complex if out.type.is_complex else float
        n = tensor.shape[-1]
        count = tensor.size // (n * n) if n else 0
        res = []
        for m in _matrices(tensor.data.values(), count, n, n, conv):
            res.extend(v for row in cholesky_matrix(m) for v in row)
        return self.from_values(out, res)

    def qr(self, out, tensor, *, mode, eps):
        q_out, r_out = out
        conv = complex if q_out.type.is_complex else float
        m, n = tensor.shape[-2:]
        count = math.prod(tensor.shape[:-2])
        qs, rs = [], []
        if m * n:
            for a in _matrices(tensor.data.values(), count, m, n, conv):
                q, r = qr_matrix(a, mode, eps)
                qs.extend(v for row in q for v in row)
                rs.extend(v for row in r for v in row)
        else:
            qs = _identity_batch(q_out)
            rs = [conv(0)] * r_out.size
        return self.from_values(q_out, qs), self.from_values(r_out, rs)

    def lu(self, out, tensor):
        p_out, l_out, _ = out
        conv = complex if l_out.type.is_complex else float
        one = 1 if p_out.type.is_integer else conv(1)
        n = tensor.shape[-1]
        count = math.prod(tensor.shape[:-2])
        ps, ls, us = [], [], []
        for a in (_matrices(tensor.data.values(), count, n, n, conv) if n else []):
            perm, low, up = lu_matrix(a)
            p = [[one * 0] * n for _ in range(n)]
            for k, row in enumerate(perm):     # a = p @ (l @ u): p[perm[k]][k] = 1
                p[row][k] = one
            ps.extend(v for row in p for v in row)
            ls.extend(v for row in low for v in row)
            us.extend(v for row in up for v in row)
        return tuple(self.from_values(o, v) for o, v in zip(out, (ps, ls, us)))


def _identity_batch(spec):
    """Identity matrices filling ``spec`` (the q of an empty matrix)."""
    rows, cols = spec.shape[-2:]
    eye = [float(i == j) for i in range(rows) for j in range(cols)]
    return eye * (spec.size // (rows * cols)) if rows * cols else []


def _effective(m, lower, transform_a):
    """``op(a)`` restricted to the triangle that ``lower`` names, with whether
    the result is lower triangular."""
    n = len(m)
    t = [[m[i][j] if (j <= i if lower else j >= i) else type(m[i][j])(0) for j in range(n)]
         for i in range(n)]
    if transform_a == "conjugate":
        t = [[v.conjugate() for v in row] for row in t]
    elif transform_a == "transpose":
        return _transpose(t), not lower
    return t, lower
