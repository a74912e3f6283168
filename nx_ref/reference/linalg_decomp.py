"""Eigen and singular value decompositions in the reference backend: plain
Python Jacobi methods on lists of rows, in double precision (complex for the
complex types), rounded once into the output type when stored.

``eigh_matrix`` is the cyclic two-sided Jacobi method on the Hermitian part of
the matrix; ``svd_matrix`` the one-sided (Hestenes) Jacobi method, which
orthogonalises the columns of a tall matrix (a wide one is decomposed through
its adjoint). Both share one rotation (:func:`_rotation`) and one convention
for the arbitrary signs (phases) of the vectors (:func:`_phase_of`): the first
entry of largest magnitude of each eigenvector (of each row of ``vt``) is real
and positive.
"""

from __future__ import annotations

import math

__all__ = ["LinalgDecompMixin", "eigh_matrix", "svd_matrix"]

_EPS = 2.0 ** -52        # f64 machine epsilon
_TIE = 1e-9              # magnitudes this close (relatively) count as equal for the sign rule


def _conj(x):
    return x.conjugate() if isinstance(x, complex) else x


def _finite(a):
    return all(math.isfinite(abs(x)) for row in a for x in row)


def _rotation(app, aqq, apq):
    """The unitary 2x2 ``J`` (as ``(jpp, jpq, jqp, jqq)``) with ``J^H B J``
    diagonal for the Hermitian ``B = [[app, apq], [conj(apq), aqq]]``: a phase
    makes ``apq`` real, then the symmetric Schur rotation of Golub and Van Loan."""
    r = abs(apq)
    phase = _conj(apq / r)                      # d_q, so that conj(d_p) apq d_q = r
    tau = (aqq - app) / (2.0 * r)
    t = (1.0 if tau >= 0 else -1.0) / (abs(tau) + math.sqrt(1.0 + tau * tau))
    c = 1.0 / math.sqrt(1.0 + t * t)
    s = t * c
    return c, s, -s * phase, c * phase


def _negligible(x, scale_sq):
    """Whether an off-diagonal entry (or inner product) ``x`` is round-off
    against the geometric mean ``sqrt(scale_sq)`` of the two diagonal entries."""
    return x == 0 or abs(x) <= _EPS * math.sqrt(scale_sq)


def _phase_of(vec):
    """The unit factor that makes the first entry of largest magnitude of
    ``vec`` real and positive (entries within a relative ``_TIE`` are ties)."""
    big = max((abs(v) for v in vec), default=0.0)
    if big == 0:
        return 1.0
    k = next(i for i, v in enumerate(vec) if abs(v) >= big * (1 - _TIE))
    return _conj(vec[k]) / abs(vec[k])


def _sort_key_eigh(w):
    return (-abs(w), -w)      # magnitude descending, then positive before negative


def eigh_matrix(a, max_iter, eps):
    """``(w, v)`` of the Hermitian part ``(a + a^H) / 2`` of ``a`` (list of
    rows): eigenvalues by magnitude descending (positive first on ties) and the
    eigenvectors as the columns of ``v``; values at most ``eps`` in magnitude
    become zero, as in Nx.

    >>> eigh_matrix([[2.0, 0.0], [0.0, -3.0]], 100, 0.0)
    ([-3.0, 2.0], [[0.0, 1.0], [1.0, 0.0]])
    """
    n = len(a)
    if not _finite(a):                            # NaN everywhere, without iterating
        nan = a[0][0] * 0 + math.nan
        return [math.nan] * n, [[nan] * n for _ in range(n)]
    a = [[(a[i][j] + _conj(a[j][i])) / 2 for j in range(n)] for i in range(n)]
    zero = a[0][0] * 0 if n else 0.0
    v = [[zero + (i == j) for j in range(n)] for i in range(n)]
    for _ in range(max_iter):
        rotated = False
        for p in range(n - 1):
            for q in range(p + 1, n):
                apq = a[p][q]
                if _negligible(apq, abs(a[p][p].real * a[q][q].real)):
                    continue
                rotated = True
                _rotate(a, v, p, q, _rotation(a[p][p].real, a[q][q].real, apq))
        if not rotated:
            break
    w = [a[i][i].real for i in range(n)]
    order = sorted(range(n), key=lambda i: _sort_key_eigh(w[i]))
    w = [w[i] for i in order]
    cols = [[v[k][i] for k in range(n)] for i in order]
    cols = [[x * f for x in col] for col, f in ((c, _phase_of(c)) for c in cols)]
    w = [x if abs(x) > eps else 0.0 for x in w]
    vt = [[x if abs(x) > eps else zero for x in col] for col in cols]
    return w, [[vt[j][i] for j in range(n)] for i in range(n)]


def _rotate(a, v, p, q, j):
    """``a <- J^H a J`` and ``v <- v J`` for the rotation ``j`` in the plane (p, q)."""
    jpp, jpq, jqp, jqq = j
    for row in a + v:                            # columns p and q, of a and of v
        xp, xq = row[p], row[q]
        row[p], row[q] = xp * jpp + xq * jqp, xp * jpq + xq * jqq
    rp, rq = a[p], a[q]                          # rows p and q of a
    cpp, cpq, cqp, cqq = _conj(jpp), _conj(jpq), _conj(jqp), _conj(jqq)
    a[p] = [cpp * x + cqp * y for x, y in zip(rp, rq)]
    a[q] = [cpq * x + cqq * y for x, y in zip(rp, rq)]
    a[p][q] = a[q][p] = a[p][p] * 0              # exactly zero, not round-off
    a[p][p], a[q][q] = a[p][p].real + a[p][p] * 0, a[q][q].real + a[q][q] * 0


def _one_sided_jacobi(cols, max_iter):
    """Orthogonalise the columns ``cols`` (lists) of a tall matrix by plane
    rotations, applying the same rotations to the columns of an identity:
    returns ``(cols, v_cols)`` with ``a @ v = cols``."""
    n = len(cols)
    zero = cols[0][0] * 0 if n and cols[0] else 0.0
    vs = [[zero + (i == j) for i in range(n)] for j in range(n)]
    for _ in range(max_iter):
        rotated = False
        for p in range(n - 1):
            for q in range(p + 1, n):
                cp, cq = cols[p], cols[q]
                alpha = sum(abs(x) ** 2 for x in cp)
                beta = sum(abs(x) ** 2 for x in cq)
                gamma = sum(_conj(x) * y for x, y in zip(cp, cq))
                if _negligible(gamma, alpha * beta):
                    continue
                rotated = True
                jpp, jpq, jqp, jqq = _rotation(alpha, beta, gamma)
                for pair in ((cols, p, q), (vs, p, q)):
                    m, i, k = pair
                    xp, xq = m[i], m[k]
                    m[i] = [x * jpp + y * jqp for x, y in zip(xp, xq)]
                    m[k] = [x * jpq + y * jqq for x, y in zip(xp, xq)]
        if not rotated:
            break
    return cols, vs


def _complete(vectors, dim, count, zero):
    """Fill the ``None`` slots of ``vectors`` and append vectors up to ``count``
    so that all are orthonormal: each new one is the standard basis vector
    with the largest part outside the span so far (the first on ties),
    orthogonalised twice (Gram-Schmidt) and normalised."""
    out = list(vectors) + [None] * (count - len(vectors))
    for slot in range(count):
        if out[slot] is not None:
            continue
        basis = [u for u in out if u is not None]
        best = None
        for j in range(dim):
            e = [zero + (i == j) for i in range(dim)]
            r = _orthogonalise(_orthogonalise(e, basis), basis)
            norm = math.sqrt(sum(abs(x) ** 2 for x in r))
            if best is None or norm > best[0] * (1 + _TIE):
                best = (norm, r)
        r = [x / best[0] for x in best[1]]
        out[slot] = [x * _phase_of(r) for x in r]
    return out


def _orthogonalise(x, basis):
    for u in basis:
        d = sum(_conj(a) * b for a, b in zip(u, x))
        x = [b - d * a for a, b in zip(u, x)]
    return x


def _svd_tall(b, max_iter):
    """Sorted ``(left, s, right)`` of a tall matrix ``b`` (m >= n) as lists of
    column vectors; a left vector whose singular value is round-off against
    the largest is ``None`` (to be completed)."""
    m, n = len(b), len(b[0])
    cols, vs = _one_sided_jacobi([[b[i][j] for i in range(m)] for j in range(n)], max_iter)
    s = [math.sqrt(sum(abs(x) ** 2 for x in c)) for c in cols]
    order = sorted(range(n), key=lambda j: -s[j])
    s = [s[j] for j in order]
    floor = max(m, n) * _EPS * (s[0] if s else 0.0)
    left = [[x / sj for x in cols[j]] if sj > floor else None for j, sj in zip(order, s)]
    return left, s, [vs[j] for j in order]


def svd_matrix(a, full_matrices, max_iter):
    """``(u, s, vt)`` of ``a`` (list of rows, m x n, m and n positive): singular
    values descending; the first entry of largest magnitude of each of the
    first ``min(m, n)`` rows of ``vt`` real and positive (``u``'s columns
    follow); vectors for singular values that are round-off, and those that
    complete ``u`` or ``vt`` to a square matrix, from :func:`_complete`.

    >>> u, s, vt = svd_matrix([[0.0, -2.0], [1.0, 0.0]], True, 100)
    >>> u, s, vt
    ([[-1.0, 0.0], [0.0, 1.0]], [2.0, 1.0], [[0.0, 1.0], [1.0, 0.0]])
    """
    m, n = len(a), len(a[0])
    zero = a[0][0] * 0
    if not _finite(a):                            # NaN everywhere, without iterating
        k, nan = min(m, n), zero + math.nan
        u_cols, vt_rows = (m, n) if full_matrices else (k, k)
        return ([[nan] * u_cols for _ in range(m)], [math.nan] * k,
                [[nan] * n for _ in range(vt_rows)])
    wide = m < n
    b = [[_conj(a[i][j]) for i in range(m)] for j in range(n)] if wide else a
    rows_b, k = max(m, n), min(m, n)
    left, s, right = _svd_tall(b, max_iter)
    left = _complete(left, rows_b, rows_b if full_matrices else k, zero)
    u_cols, v_cols = (right, left) if wide else (left, right)
    for j in range(k):                            # the sign (phase) convention
        f = _phase_of(v_cols[j])
        v_cols[j] = [x * f for x in v_cols[j]]
        u_cols[j] = [x * f for x in u_cols[j]]
    u = [[col[i] for col in u_cols] for i in range(m)]
    vt = [[_conj(x) for x in col] for col in v_cols]
    return u, s, vt


def _matrices(tensor, conv):
    rows, cols = tensor.shape[-2:]
    size = rows * cols
    values = tensor.data.values()
    count = len(values) // size if size else math.prod(tensor.shape[:-2])
    return [[[conv(values[k * size + i * cols + j]) for j in range(cols)] for i in range(rows)]
            for k in range(count)]


def _eye_values(rows, cols, conv):
    return [conv(i == j) for i in range(rows) for j in range(cols)]


class LinalgDecompMixin:
    """The eigh and svd primitives (:mod:`spec.ops.linalg_decomp`) of the ReferenceBackend."""

    def eigh(self, out, tensor, *, max_iter, eps):
        w_out, v_out = out
        conv = complex if v_out.type.is_complex else float
        ws, vs = [], []
        for a in _matrices(tensor, conv) if tensor.shape[-1] else []:
            w, v = eigh_matrix(a, max_iter, eps)
            ws.extend(conv(x) for x in w)
            vs.extend(x for row in v for x in row)
        return self.from_values(w_out, ws), self.from_values(v_out, vs)

    def svd(self, out, tensor, *, max_iter, full_matrices):
        u_out, s_out, vt_out = out
        conv = complex if u_out.type.is_complex else float
        m, n = tensor.shape[-2:]
        us, ss, vts = [], [], []
        for a in _matrices(tensor, conv):
            if m * n == 0:                        # no singular values: identities
                u, s, vt = None, [], None
                us.extend(_eye_values(*u_out.shape[-2:], conv))
                vts.extend(_eye_values(*vt_out.shape[-2:], conv))
                continue
            u, s, vt = svd_matrix(a, full_matrices, max_iter)
            us.extend(x for row in u for x in row)
            ss.extend(s)
            vts.extend(x for row in vt for x in row)
        return (self.from_values(u_out, us), self.from_values(s_out, ss),
                self.from_values(vt_out, vts))
