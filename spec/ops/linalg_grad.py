"""The gradient rules of the ``nx.linalg`` primitives: ``triangular_solve``,
``cholesky``, ``qr``, ``lu``, ``eigh`` and ``svd`` (the composites, ``solve``,
``determinant``, ``invert``, ``pinv``, ... take their gradients from these).

Each rule is a vector-Jacobian product written against the op namespace
``ops`` (``nx_ref``), so it builds graph nodes when autodiff applies it; the
matrices are the two innermost axes, any leading axes are a batch.

Complex convention, the one of the element-wise rules (``multiply``,
``conjugate``, ``abs``): for a real loss ``L`` of ``z = x + iy`` the gradient
is ``dL/dx - i dL/dy``, so a holomorphic map propagates ``g * f'(z)`` with
no conjugation. ``triangular_solve`` and ``lu`` are holomorphic and use plain
transposes (Nx's rules for ``triangular_solve`` and ``invert`` use adjoints,
so Nx's complex gradients there are the conjugates of ours). The other
decompositions are not holomorphic: their rules are derived in the usual
"adjoint" convention (``dL = Re tr(Abar^H dA)``, whose gradient is the
conjugate of ours), so they conjugate the cotangents on the way in and the
result on the way out.

Which entries of the input a rule sees follows what the forward reads:
``triangular_solve`` and ``cholesky`` read one triangle, so the gradient is
zero on the other (Nx's cholesky rule spreads the off-diagonal gradient over
both triangles: only its sums over the pairs (i, j), (j, i) agree with the
gradient of its forward, which reads the lower triangle too); ``eigh`` reads
the Hermitian part, so its gradient is Hermitian.

The signs of real eigenvectors, singular vectors and Householder columns are
locally constant, so real losses may use them freely (but Householder QR, as
Nx's, leaves a column that is already reduced alone, so ``q`` and ``r`` jump
where the entries below a diagonal entry are all zero; there the rule gives
the gradient of the branch taken). The phases of complex
ones, and the columns completing ``q`` (``mode="complete"``) or ``u``/``vt``
(``full_matrices=True``) to square matrices (up to a rotation when more than
one), are not determined by the input: the rules are exact for losses that do
not depend on those choices (``abs(v) ** 2``, the products ``q[:, j] r[j, :]``,
the projector ``q2 @ adjoint(q2)``), the only ones with a well-defined
gradient. The rules assume distinct eigenvalues (distinct, non-zero singular
values), a full-rank ``r`` and a non-singular ``u`` for ``lu``; elsewhere the
gradient is not finite, or a triangular solve inside it raises Nx's "can't
solve for singular matrix".
"""

from __future__ import annotations

__all__ = ["triangular_solve_grad", "cholesky_grad", "qr_grad", "lu_grad", "eigh_grad",
           "svd_grad"]


# -- matrix helpers over the two innermost axes -------------------------------------------

def _conj(ops, x):
    return ops.conjugate(x) if x.type.is_complex else x


def _t(ops, x):
    r = x.rank
    return ops.transpose(x, axes=list(range(r - 2)) + [r - 1, r - 2])


def _h(ops, x):
    return _conj(ops, _t(ops, x))


def _mm(ops, x, y):
    """The batched matrix product ``x @ y`` (same batch axes)."""
    r = x.rank
    batch = list(range(r - 2))
    return ops.dot(x, [r - 1], batch, y, [r - 2], batch)


def _eye(ops, n, like):
    return ops.eye(n, type=like.type)


def _diag(ops, v):
    """The batch of diagonal matrices with diagonals ``v`` (..., k)."""
    return ops.multiply(ops.new_axis(v, -1), _eye(ops, v.shape[-1], v))


def _cols(ops, x, start, length):
    return ops.slice_along_axis(x, start, length, axis=x.rank - 1)


def _rows(ops, x, start, length):
    return ops.slice_along_axis(x, start, length, axis=x.rank - 2)


def _real(ops, x):
    return ops.real(x) if x.type.is_complex else x


def _half_diagonal_tril(ops, x):
    """The lower triangle of ``x`` with its diagonal halved (real parts only)."""
    low = ops.tril(x, k=-1)
    return ops.add(low, ops.multiply(_diag(ops, _real(ops, _take_diag(ops, x))), 0.5))


def _take_diag(ops, x):
    return ops.sum(ops.multiply(x, _eye(ops, x.shape[-1], x)), axes=[x.rank - 1])


def _solve_right_upper_h(ops, y, r):
    """``y @ inverse(adjoint(r))`` for an upper triangular ``r``."""
    return ops.linalg.triangular_solve(_conj(ops, r), y, lower=False, left_side=False,
                                       transform_a="transpose")


# -- triangular_solve ---------------------------------------------------------------------

def triangular_solve_grad(ops, g, x, a, b, *, lower, left_side, transform_a):
    """``op(a) x = b`` (or ``x op(a) = b``): ``bbar = op(a)^-T g`` and
    ``op(a)bar = -bbar x^T`` (``-x^T bbar``), mapped back through ``op`` and
    kept on the triangle of ``a`` that is read.

    >>> a = nx.tensor([[1.0, 1.0, 1.0], [0.0, 1.0, 1.0], [0.0, 0.0, 1.0]])
    >>> solve = lambda b: nx.sum(nx.linalg.triangular_solve(a, b, lower=False))
    >>> nx.grad(solve)(nx.tensor([4.0, 3.0, 2.0])).to_list()
    [1.0, 0.0, 0.0]
    """
    if b.rank == a.rank - 1:                 # one vector per matrix
        axis = -1 if left_side else -2
        x, g = ops.new_axis(x, axis), ops.new_axis(g, axis)
    t = {"none": a, "transpose": _t(ops, a), "conjugate": _conj(ops, a)}[transform_a]
    t_lower = lower != (transform_a == "transpose")
    gb = ops.linalg.triangular_solve(t, g, lower=t_lower, left_side=left_side,
                                     transform_a="transpose")
    gt = ops.negate(_mm(ops, gb, _t(ops, x)) if left_side else _mm(ops, _t(ops, x), gb))
    ga = {"none": gt, "transpose": _t(ops, gt), "conjugate": _conj(ops, gt)}[transform_a]
    ga = ops.tril(ga) if lower else ops.triu(ga)
    if b.rank == a.rank - 1:
        gb = ops.squeeze(gb, axes=[gb.rank + axis])
    return [ga, gb]


# -- cholesky -----------------------------------------------------------------------------

def cholesky_grad(ops, g, l, a):
    """``a = l l^H`` reading the lower triangle of ``a``: with ``S = l^-H
    Phi(l^H lbar) l^-1`` (``Phi``: the lower triangle, diagonal halved), the
    gradient is ``Phi(S + S^H)`` (both entries of a pair (i, j), (j, i) of the
    Hermitian matrix come from entry (i, j) of the lower triangle).

    >>> nx.grad(lambda a: nx.sum(nx.linalg.cholesky(a)))(nx.tensor([[1.0, 2.0], [2.0, 5.0]]))
    #Nx.Tensor<
      f32[2][2]
      [
        [1.5, 0.0],
        [-1.0, 0.5]
      ]
    >
    """
    lbar = _conj(ops, g)
    phi = _half_diagonal_tril(ops, _mm(ops, _h(ops, l), lbar))
    z = ops.linalg.triangular_solve(_conj(ops, l), phi, lower=True, transform_a="transpose")
    s = ops.linalg.triangular_solve(l, z, lower=True, left_side=False)
    return [_conj(ops, _half_diagonal_tril(ops, ops.add(s, _h(ops, s))))]


# -- qr -----------------------------------------------------------------------------------

def _qr_square(ops, q, r, qbar, rbar):
    """The gradient of ``a = q r`` for a square, invertible ``r`` (adjoint
    convention): ``(qbar + q N) r^-H`` with ``M = rbar r^H - q^H qbar`` and
    ``N`` the Hermitian matrix with ``M``'s upper triangle (real diagonal)."""
    m = ops.subtract(_mm(ops, rbar, _h(ops, r)), _mm(ops, _h(ops, q), qbar))
    up = ops.triu(m, k=1)
    n = ops.add(ops.add(up, _h(ops, up)), _diag(ops, _real(ops, _take_diag(ops, m))))
    return _solve_right_upper_h(ops, ops.add(qbar, _mm(ops, q, n)), r)


def qr_grad(ops, g, out, a, *, mode, eps):
    """Square and tall ``a`` (``mode="reduced"``): :func:`_qr_square`. Wide
    ``a = [x | y]``: ``x = q u`` as a square case with ``qbar + y vbar^H``,
    and ``ybar = q vbar`` (``r = [u | v]``). Tall ``a`` with
    ``mode="complete"``: the completion ``q2`` moves with ``a`` only through
    ``q1^H dq2 = -r^-H da^H q2``, which adds ``-q2 q2bar^H q1 r^-H``.

    >>> qr_sum = lambda a: nx.sum(nx.add(*nx.linalg.qr(a)))
    >>> g = nx.grad(qr_sum)(nx.tensor([[1.0, 2.0], [1.0, -1.0]]))
    >>> [[round(x, 4) for x in row] for row in g.to_list()]
    [[0.7071, 1.4142], [0.7071, 0.0]]
    """
    q, r = out
    qbar, rbar = _conj(ops, g[0]), _conj(ops, g[1])
    m, n = a.shape[-2], a.shape[-1]
    if m < n:
        u, v = _cols(ops, r, 0, m), _cols(ops, r, m, n - m)
        ubar, vbar = _cols(ops, rbar, 0, m), _cols(ops, rbar, m, n - m)
        xbar = _qr_square(ops, q, u, ops.add(qbar, _mm(ops, _mm(ops, q, v), _h(ops, vbar))), ubar)
        abar = ops.concatenate([xbar, _mm(ops, q, vbar)], axis=a.rank - 1)
    elif q.shape[-1] > n:
        q1, q2, r1 = _cols(ops, q, 0, n), _cols(ops, q, n, m - n), _rows(ops, r, 0, n)
        qbar1, qbar2 = _cols(ops, qbar, 0, n), _cols(ops, qbar, n, m - n)
        completion = _mm(ops, q2, _mm(ops, _h(ops, qbar2), q1))
        abar = ops.subtract(_qr_square(ops, q1, r1, qbar1, _rows(ops, rbar, 0, n)),
                            _solve_right_upper_h(ops, completion, r1))
    else:
        abar = _qr_square(ops, q, r, qbar, rbar)
    return [_conj(ops, abar)]


# -- lu -----------------------------------------------------------------------------------

def lu_grad(ops, g, out, a):
    """``p^T a = l u`` (``p`` piecewise constant, no gradient): with ``N =
    tril(l^T lbar, -1) + triu(ubar u^T)``, ``abar = p l^-T N u^-T`` (holomorphic:
    transposes, no conjugates).

    >>> lu_sum = lambda a: nx.sum(nx.add(*nx.linalg.lu(a)[1:]))
    >>> nx.grad(lu_sum)(nx.tensor([[1.0, 2.0], [1.0, -1.0]])).to_list()
    [[2.0, 0.0], [-1.0, 1.0]]
    """
    p, l, u = out
    gl, gu = g[1], g[2]
    nmat = ops.add(ops.tril(_mm(ops, _t(ops, l), gl), k=-1), ops.triu(_mm(ops, gu, _t(ops, u))))
    z = ops.linalg.triangular_solve(l, nmat, lower=True, transform_a="transpose")
    w = ops.linalg.triangular_solve(u, z, lower=False, left_side=False, transform_a="transpose")
    return [_mm(ops, ops.as_type(p, w.type), w)]


# -- eigh ---------------------------------------------------------------------------------

def _gaps(ops, x):
    """``F[i, j] = 1 / (x[j] - x[i])`` off the diagonal, 0 on it."""
    eye = _eye(ops, x.shape[-1], x)
    diff = ops.subtract(ops.new_axis(x, -2), ops.new_axis(x, -1))
    return ops.divide(ops.subtract(1.0, eye), ops.add(diff, eye))


def eigh_grad(ops, g, out, a, *, max_iter, eps):
    """``a = v diag(w) v^H`` from the Hermitian part of ``a``: with ``S = v
    (diag(wbar) + F * (v^H vbar)) v^H``, ``F[i, j] = 1 / (w[j] - w[i])``, the
    gradient is the Hermitian part of ``S``.

    >>> eigenvalue_sum = lambda a: nx.sum(nx.linalg.eigh(a)[0])
    >>> nx.grad(eigenvalue_sum)(nx.tensor([[4.0, 2.0], [2.0, 5.0]])).to_list()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    w, v = out
    wbar = _real(ops, g[0])
    vbar = _conj(ops, g[1])
    inner = ops.add(_diag(ops, wbar),
                    ops.multiply(_gaps(ops, _real(ops, w)), _mm(ops, _h(ops, v), vbar)))
    s = _mm(ops, _mm(ops, v, inner), _h(ops, v))
    return [_conj(ops, ops.multiply(ops.add(s, _h(ops, s)), 0.5))]


# -- svd ----------------------------------------------------------------------------------

def svd_grad(ops, g, out, a, *, max_iter, full_matrices):
    """``a = u diag(s) v^H`` (``vt = v^H``; Townsend's formula, with Wan and
    Zhang's term for the phases of complex vectors): ``u (J s + diag(sbar) +
    s K + D) v^H + (I - u u^H) ubar s^-1 v^H + u s^-1 vbar^H (I - v v^H)``
    where ``J = F * (u^H ubar - ubar^H u)``, ``K = F * (v^H vbar - vbar^H v)``,
    ``F[i, j] = 1 / (s[j]^2 - s[i]^2)`` and ``D = -diag(K's diagonal before F,
    over 2 s)``; completion columns (``full_matrices=True``) add their
    determined part, as for :func:`qr_grad`. The gradient of the sum of the
    singular values is ``u @ vt``:

    >>> nx.grad(lambda a: nx.sum(nx.linalg.svd(a)[1]))(nx.tensor([[3.0, 0.0], [4.0, 5.0]]))
    #Nx.Tensor<
      f32[2][2]
      [
        [0.8944272, -0.44721362],
        [0.44721362, 0.8944272]
      ]
    >
    """
    u, s, vt = out
    m, n = a.shape[-2], a.shape[-1]
    k = min(m, n)
    ubar, vtbar = _conj(ops, g[0]), _conj(ops, g[2])
    u1, ubar1 = _cols(ops, u, 0, k), _cols(ops, ubar, 0, k)
    vt1, vtbar1 = _rows(ops, vt, 0, k), _rows(ops, vtbar, 0, k)
    by_col, by_row = ops.new_axis(s, -2), ops.new_axis(s, -1)      # x * by_col == x @ diag(s)
    f = _gaps(ops, ops.multiply(s, s))
    uu = _mm(ops, _h(ops, u1), ubar1)
    vv = _mm(ops, vt1, _h(ops, vtbar1))
    inner = ops.add(ops.multiply(ops.multiply(f, ops.subtract(uu, _h(ops, uu))), by_col),
                    _diag(ops, g[1]))
    vskew = ops.subtract(vv, _h(ops, vv))
    inner = ops.add(inner, ops.multiply(by_row, ops.multiply(f, vskew)))
    if vv.type.is_complex:
        phases = ops.divide(_take_diag(ops, vskew), ops.multiply(s, -2.0))
        inner = ops.add(inner, _diag(ops, phases))
    abar = _mm(ops, _mm(ops, u1, inner), vt1)
    if m > k:
        ub = ops.divide(ubar1, by_col)
        ub = ops.subtract(ub, _mm(ops, u1, _mm(ops, _h(ops, u1), ub)))
        abar = ops.add(abar, _mm(ops, ub, vt1))
    if n > k:
        vb = ops.subtract(vtbar1, _mm(ops, _mm(ops, vtbar1, _h(ops, vt1)), vt1))
        abar = ops.add(abar, _mm(ops, ops.divide(u1, by_col), vb))
    if full_matrices and m > k:
        u2, ubar2 = _cols(ops, u, k, m - k), _cols(ops, ubar, k, m - k)
        part = ops.divide(_mm(ops, u2, _mm(ops, _h(ops, ubar2), u1)), by_col)
        abar = ops.subtract(abar, _mm(ops, part, vt1))
    if full_matrices and n > k:
        vt2, vtbar2 = _rows(ops, vt, k, n - k), _rows(ops, vtbar, k, n - k)
        part = _mm(ops, _mm(ops, vt1, _h(ops, vtbar2)), vt2)
        abar = ops.subtract(abar, _mm(ops, ops.divide(u1, by_col), part))
    return [_conj(ops, abar)]
