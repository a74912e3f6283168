"""Gradients of ``nx.linalg``: the rules of the primitives (``triangular_solve``,
``cholesky``, ``qr``, ``lu``, ``eigh``, ``svd``) and the composites built on
them (``determinant``, ``invert``, ``solve``, ``matrix_power``, ``pinv``,
``least_squares``, ``norm``), checked against central differences in f64
(c128) on hypothesis-drawn well-conditioned matrices, and against the known
values of Nx's own grad tests.

Every loss is a real scalar using every output with fixed weights. Complex
inputs follow the convention of the element-wise rules: for a real loss of
``z = x + iy`` the gradient is ``dL/dx - i dL/dy``, so both directions of
every entry are checked. Where an output is only defined up to a sign, a
phase or a rotation (eigenvectors, singular vectors, complex ``q``, the
columns completing ``q``/``u``/``vt`` to square matrices), the loss uses it
only through quantities free of that choice (``abs(v) ** 2``, the products
``q[:, j] r[j, :]``, the projector ``q2 @ adjoint(q2)``).
"""

from __future__ import annotations

import functools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nx_ref as nx

L = nx.linalg
FEW = settings(max_examples=10)

# -- drawing inputs, weights, central differences -----------------------------------------

# the diagonal of the base matrix: singular values / eigenvalues stay apart under
# perturbations of at most PERTURB per entry (n <= 4: a spectral norm below 0.6)
BASE = (4.0, 3.0, 2.0, 1.0)
PERTURB = 0.15


def _entries(data, n, complex_):
    part = st.floats(-PERTURB, PERTURB, allow_nan=False, width=64)
    values = data.draw(st.lists(part, min_size=n, max_size=n))
    if complex_:
        im = data.draw(st.lists(part, min_size=n, max_size=n))
        values = [complex(a, b) for a, b in zip(values, im)]
    return values


def _draw(data, shape, complex_, base=True, offset=0.0):
    """Nested lists of ``shape``: the base matrix (``BASE`` on the diagonal of
    each matrix of the batch) plus ``offset`` plus a small perturbation."""
    values = [v + offset for v in _entries(data, math.prod(shape), complex_)]
    if base:
        m, n = shape[-2:]
        for k in range(len(values)):
            i, j = (k // n) % m, k % n
            if i == j:
                values[k] += BASE[i]
    return _nest(values, shape)


def _nest(values, shape):
    if len(shape) == 1:
        return list(values)
    step = math.prod(shape[1:])
    return [_nest(values[k * step:(k + 1) * step], shape[1:]) for k in range(shape[0])]


def _flat(x):
    return [v for row in x for v in _flat(row)] if isinstance(x, list) else [x]


def _w(shape, phase=0.0, complex_=False):
    """Fixed weights of ``shape``, all different."""
    n = math.prod(shape)
    values = [math.sin(1.7 * k + 0.4 + phase) for k in range(n)]
    if complex_:
        values = [complex(v, math.cos(2.3 * k + phase)) for k, v in enumerate(values)]
    return nx.reshape(nx.tensor(values, type="c128" if complex_ else "f64"), shape)


def _wsum(x, phase=0.0):
    """A real weighted sum of every entry of ``x`` (complex weights for complex ``x``)."""
    w = _w(x.shape, phase, x.type.is_complex)
    return nx.sum(nx.real(nx.multiply(x, w)))


def _abs2(x):
    return nx.real(nx.multiply(x, nx.conjugate(x))) if x.type.is_complex else nx.multiply(x, x)


def _tensor(values, complex_):
    return nx.tensor(values, type="c128" if complex_ else "f64")


def check(loss, inputs, complex_=False, rtol=1e-6):
    """``nx.grad`` of ``loss`` at ``inputs`` (nested lists) against central
    differences, entry by entry (real and imaginary directions)."""
    args = [_tensor(x, complex_) for x in inputs]
    grads = nx.grad(loss, argnums=tuple(range(len(args))))(*args)
    jitted = nx.jit(loss)
    for i, g in enumerate(grads):
        assert g.shape == args[i].shape and g.type == args[i].type
        flat = _flat(inputs[i])
        for j, actual in enumerate(_flat(g.to_list())):
            expected = _central(jitted, args, flat, i, j, 1.0)
            if complex_:
                expected -= 1j * _central(jitted, args, flat, i, j, 1j)
            assert abs(actual - expected) <= rtol * (1.0 + abs(expected)), (
                f"d/d input {i}[{j}]: nx.grad gives {actual}, central differences {expected}")


def _central(loss, args, flat, i, j, direction, h=1e-6):
    def at(step):
        values = list(flat)
        values[j] += step * direction
        moved = list(args)
        moved[i] = nx.reshape(_tensor(values, args[i].type.is_complex), args[i].shape)
        return float(loss(*moved))
    return (at(h) - at(-h)) / (2 * h)


# -- triangular_solve ---------------------------------------------------------------------

OPTIONS = [(lower, left, tr) for lower in (True, False) for left in (True, False)
           for tr in ("none", "transpose", "conjugate")]


@pytest.mark.parametrize("lower,left_side,transform_a", OPTIONS)
@FEW
@given(data=st.data(), complex_=st.booleans(), batch=st.booleans(), vector=st.booleans())
def test_triangular_solve(lower, left_side, transform_a, complex_, batch, vector, data):
    lead = (2,) if batch else ()
    b_shape = lead + ((3,) if vector else (3, 2) if left_side else (2, 3))
    a = _draw(data, lead + (3, 3), complex_)
    b = _draw(data, b_shape, complex_, base=False)

    def loss(a, b):
        return _wsum(L.triangular_solve(a, b, lower=lower, left_side=left_side,
                                        transform_a=transform_a))
    check(loss, [a, b], complex_)


def test_triangular_solve_gradient_stays_on_the_triangle_read():
    a = nx.tensor([[2.0, 5.0], [1.0, 3.0]], type="f64")
    for lower, zero in ((True, (0, 1)), (False, (1, 0))):
        g = nx.grad(lambda a: nx.sum(L.triangular_solve(a, nx.tensor([1.0, 2.0]), lower=lower)))(a)
        assert g.to_list()[zero[0]][zero[1]] == 0.0


# -- cholesky -----------------------------------------------------------------------------

@FEW
@given(data=st.data(), batch=st.booleans())
def test_cholesky_reads_the_lower_triangle(data, batch):
    # the forward reads only the lower triangle, so any perturbation is allowed
    a = _draw(data, ((2,) if batch else ()) + (3, 3), False)
    spd = nx.tensor([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]], type="f64")
    check(lambda a: _wsum(L.cholesky(nx.add(nx.multiply(a, a), spd))), [a])


@FEW
@given(data=st.data(), complex_=st.booleans())
def test_cholesky_of_hermitian_matrices(data, complex_):
    x = _draw(data, (3, 3), complex_)

    def loss(x):
        hermitian = nx.dot(x, L.adjoint(x))
        return _wsum(L.cholesky(hermitian))
    check(loss, [x], complex_)


# -- qr -----------------------------------------------------------------------------------

def _qr_loss(shape, mode, complex_):
    m, n = shape[-2:]
    k = n if mode == "complete" and m > n else min(m, n)

    def loss(x):
        q, r = L.qr(x, mode=mode, eps=0.0)
        rank = q.rank
        q1 = nx.slice_along_axis(q, 0, k, axis=rank - 1)
        r1 = nx.slice_along_axis(r, 0, k, axis=rank - 2)
        if complex_:         # free of the phases of q's columns
            w = _w((k,), 3.0)
            total = (nx.sum(nx.real(nx.multiply(_abs2(q1), _w(q1.shape))))
                     + nx.sum(nx.real(nx.multiply(_abs2(r1), _w(r1.shape, 1.0))))
                     + _wsum(nx.dot(nx.multiply(q1, w), [rank - 1], list(range(rank - 2)),
                                    r1, [rank - 2], list(range(rank - 2)))))
        else:
            total = _wsum(q1) + _wsum(r1, 1.0)
        if k < q.shape[-1]:  # the completion, through its projector
            q2 = nx.slice_along_axis(q, k, q.shape[-1] - k, axis=rank - 1)
            total = total + _wsum(nx.dot(q2, [rank - 1], list(range(rank - 2)), L.adjoint(q2),
                                         [rank - 2], list(range(rank - 2))), 2.0)
        return total
    return loss


QR_SHAPES = [((3, 3), "reduced"), ((4, 2), "reduced"), ((2, 4), "reduced"),
             ((4, 2), "complete"), ((2, 4), "complete"), ((2, 3, 2), "reduced"),
             ((2, 2, 3), "complete")]


@pytest.mark.parametrize("shape,mode", QR_SHAPES)
@FEW
@given(data=st.data(), complex_=st.booleans())
def test_qr(shape, mode, complex_, data):
    # Householder QR (Nx's) leaves a column that is already reduced alone, so it
    # jumps where the entries below a diagonal are 0: the offset keeps them away
    a = _draw(data, shape, complex_, offset=0.3)
    check(_qr_loss(shape, mode, complex_), [a], complex_)


# -- lu -----------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
@FEW
@given(data=st.data(), complex_=st.booleans(), permuted=st.booleans())
def test_lu(shape, complex_, permuted, data):
    # with the rows rotated, pivoting rotates them back: p is not the identity,
    # nor its own transpose
    rank, n = len(shape), shape[-1]

    def rotate(x):
        return nx.concatenate([nx.slice_along_axis(x, 1, n - 1, axis=rank - 2),
                               nx.slice_along_axis(x, 0, 1, axis=rank - 2)], axis=rank - 2)

    def loss(x):
        p, l, u = L.lu(rotate(x) if permuted else x)
        return _wsum(l) + _wsum(u, 1.0) + _wsum(p, 2.0)
    check(loss, [_draw(data, shape, complex_)], complex_, rtol=1e-5)


# -- eigh ---------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
@FEW
@given(data=st.data(), complex_=st.booleans())
def test_eigh(shape, complex_, data):
    # the forward reads the Hermitian part: any perturbation is allowed
    a = _draw(data, shape, complex_)

    def loss(x):
        w, v = L.eigh(x, eps=0.0)
        return _wsum(nx.real(w) if complex_ else w) + _wsum(_abs2(v), 1.0)
    check(loss, [a], complex_)


# -- svd ----------------------------------------------------------------------------------

def _svd_loss(shape, full):
    m, n = shape[-2:]
    k = min(m, n)

    def loss(x):
        u, s, vt = L.svd(x, full_matrices=full)
        rank, batch = u.rank, list(range(u.rank - 2))
        u1 = nx.slice_along_axis(u, 0, k, axis=rank - 1)
        vt1 = nx.slice_along_axis(vt, 0, k, axis=rank - 2)
        total = _wsum(s) + _wsum(_abs2(u1), 1.0) + _wsum(_abs2(vt1), 2.0)
        # free of the common phase of u[:, j] and vt[j, :]
        total = total + _wsum(nx.dot(nx.multiply(u1, _w((k,), 3.0)), [rank - 1], batch,
                                     vt1, [rank - 2], batch), 4.0)
        if full and m > k:
            u2 = nx.slice_along_axis(u, k, m - k, axis=rank - 1)
            total = total + _wsum(nx.dot(u2, [rank - 1], batch, L.adjoint(u2), [rank - 2], batch))
        if full and n > k:
            vt2 = nx.slice_along_axis(vt, k, n - k, axis=rank - 2)
            total = total + _wsum(nx.dot(L.adjoint(vt2), [rank - 1], batch, vt2, [rank - 2],
                                         batch), 5.0)
        return total
    return loss


SVD_SHAPES = [((3, 3), False), ((3, 3), True), ((4, 2), False), ((4, 2), True),
              ((2, 4), False), ((2, 4), True), ((2, 3, 2), False)]


@pytest.mark.parametrize("shape,full", SVD_SHAPES)
@FEW
@given(data=st.data(), complex_=st.booleans())
def test_svd(shape, full, complex_, data):
    check(_svd_loss(shape, full), [_draw(data, shape, complex_)], complex_)


# -- composites ---------------------------------------------------------------------------

COMPOSITES = {
    "determinant 2x2": ([(2, 2)], lambda a: _real_part(L.determinant(a))),
    "determinant 3x3": ([(3, 3)], lambda a: _real_part(L.determinant(a))),
    "determinant 4x4": ([(4, 4)], lambda a: _real_part(L.determinant(a))),
    "determinant batched": ([(2, 4, 4)], lambda a: _wsum(L.determinant(a))),
    "invert": ([(3, 3)], lambda a: _wsum(L.invert(a))),
    "invert batched": ([(2, 2, 2)], lambda a: _wsum(L.invert(a))),
    "solve vector": ([(3, 3), (3,)], lambda a, b: _wsum(L.solve(a, b))),
    "solve matrix": ([(2, 3, 3), (2, 3, 2)], lambda a, b: _wsum(L.solve(a, b))),
    "matrix_power 3": ([(3, 3)], lambda a: _wsum(L.matrix_power(a, 3))),
    "matrix_power -2": ([(3, 3)], lambda a: _wsum(L.matrix_power(a, -2))),
    "pinv tall": ([(4, 2)], lambda a: _wsum(L.pinv(a))),
    "pinv wide": ([(2, 3)], lambda a: _wsum(L.pinv(a))),
    "pinv vector": ([(3,)], lambda a: _wsum(L.pinv(a))),
    "norm frobenius": ([(3, 3)], lambda a: L.norm(a)),
    "norm nuclear": ([(3, 2)], lambda a: L.norm(a, ord="nuclear")),
    "norm -2": ([(3, 3)], lambda a: L.norm(a, ord=-2)),
    # (entries moved away from the kink of abs at 0)
    "norm inf": ([(3, 3)], lambda a: L.norm(nx.add(a, 0.5), ord="inf")),
    "norm 1": ([(3, 3)], lambda a: L.norm(nx.add(a, 0.5), ord=1)),
    "norm vector 3": ([(4,)], lambda a: L.norm(a, ord=3)),
}


def _real_part(x):
    return nx.real(x) if x.type.is_complex else x


@pytest.mark.parametrize("name", sorted(COMPOSITES))
@FEW
@given(data=st.data(), complex_=st.booleans())
def test_composites(name, complex_, data):
    shapes, loss = COMPOSITES[name]
    # vectors away from 0, where norms and pinv are not differentiable
    inputs = [_draw(data, s, complex_, base=len(s) >= 2, offset=0.0 if len(s) >= 2 else 0.5)
              for s in shapes]
    check(loss, inputs, complex_, rtol=1e-5)


@FEW
@given(data=st.data())
def test_least_squares(data):
    a, b = _draw(data, (4, 2), False), _draw(data, (4,), False, base=False)
    check(lambda a, b: _wsum(L.least_squares(a, b)), [a, b])


def test_determinant_at_singular_matrices_is_the_cofactor_matrix():
    # Nx's closed forms for 2x2 and 3x3: the gradient stays finite where det = 0
    grad = nx.grad(L.determinant)
    assert grad(nx.tensor([[1.0, 2.0], [2.0, 4.0]])).to_list() == [[4.0, -2.0], [-2.0, 1.0]]
    a = nx.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
    assert grad(a).to_list() == [[4.0, 4.0, -4.0], [-2.0, -2.0, 2.0], [0.0, 0.0, 0.0]]


# -- known values from Nx's grad tests (f32 inputs, as there) -----------------------------

def _close(actual, expected, tol=1e-4):
    got, want = _flat(actual.to_list()), _flat(expected)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert abs(g - w) <= tol * (1 + abs(w)), f"{actual.to_list()} != {expected}"


def _sum_sin_solve(a, b, **opts):
    return nx.sum(nx.sin(L.triangular_solve(nx.sin(a), nx.cos(b), **opts)))


UPPER = [[1, 1, 1], [0, 1, 1], [0, 0, 1]]
LOWER = [[1, 0, 0], [1, 1, 0], [1, 1, 1]]

NX_KNOWN = {
    "triangular_solve wrt a": (
        lambda: nx.grad(lambda a: nx.sum(L.triangular_solve(a, nx.tensor([4, 3, 2]), lower=False)))(
            nx.tensor(UPPER)),
        [[-1, -1, -2], [0, 0, 0], [0, 0, 0]]),
    "triangular_solve wrt b": (
        lambda: nx.grad(lambda b: nx.sum(L.triangular_solve(nx.tensor(UPPER), b, lower=False)))(
            nx.tensor([4, 3, 2])),
        [1, 0, 0]),
    "triangular_solve composed wrt a": (
        lambda: nx.grad(lambda a: _sum_sin_solve(a, nx.tensor([4, 3, 2]), lower=False))(
            nx.tensor(UPPER)),
        [[-0.23642, 0.40336, 0.29251], [0.0, -0.06342, -0.04599], [0.0, 0.0, 0.03297]]),
    "triangular_solve composed wrt a, lower": (
        lambda: nx.grad(lambda a: _sum_sin_solve(a, nx.tensor([2, 3, 4]), lower=True))(
            nx.tensor(LOWER)),
        [[0.03297454, 0.0, 0.0], [-0.04599008, -0.06341801, 0.0],
         [0.29251346, 0.40336132, -0.23642266]]),
    "triangular_solve wrt a, transpose": (
        lambda: nx.grad(lambda a: nx.sum(L.triangular_solve(a, nx.tensor([2, 3, 4]),
                                                             transform_a="transpose")))(
            nx.tensor(LOWER)),
        [[1, 0, 0], [1, 0, 0], [-4, 0, 0]]),
    "triangular_solve composed wrt b": (
        lambda: nx.grad(lambda b: _sum_sin_solve(nx.tensor(UPPER), b, lower=False))(
            nx.tensor([4, 3, 2])),
        [0.8284839, 0.02428892, -0.11221229]),
    "triangular_solve composed wrt a, right side": (
        lambda: nx.grad(lambda a: _sum_sin_solve(a, nx.tensor([2, 3, 4]), lower=False,
                                                 left_side=False))(nx.tensor(UPPER)),
        [[0.03297454, -0.04599008, 0.29251346], [0.0, -0.06341801, 0.40336132],
         [0.0, 0.0, -0.23642266]]),
    "triangular_solve composed wrt b, right side": (
        lambda: nx.grad(lambda b: _sum_sin_solve(nx.tensor(UPPER), b, lower=False,
                                                 left_side=False))(nx.tensor([2, 3, 4])),
        [-0.11221229, 0.02428893, 0.82848394]),
    "qr": (
        lambda: nx.grad(lambda x: nx.sum(nx.add(*L.qr(x))))(nx.tensor([[1.0, 2.0], [1.0, -1.0]])),
        [[0.70709, 1.4142], [0.70709, 0.0]]),
    "qr composed": (
        lambda: nx.grad(_qr_megapower)(nx.tensor([[1.0, 2.0], [1.0, -1.0]])),
        [[0.1112, -4.0914], [0.3298, 0.5660]]),
    "qr composed, complex": (
        lambda: nx.grad(_qr_megapower)(nx.tensor([[1, 2j], [3, 4j]])),
        [[1.94476, 2.72264j], [4.98145, 5.87086j]]),
    "lu": (
        lambda: nx.grad(lambda x: nx.sum(sum(L.lu(x)[1:], L.lu(x)[0])))(
            nx.tensor([[1.0, 2.0], [1.0, -1.0]])),
        [[2.0, 0.0], [-1.0, 1.0]]),
    "lu composed": (
        lambda: nx.grad(_lu_megapower)(nx.tensor([[1.0, 2.0], [1.0, -1.0]])),
        [[-5.1563935, 1.3453956], [6.236998, 1.979985]]),
    "lu composed, complex": (
        lambda: nx.grad(_lu_megapower)(nx.tensor([[1j, 2], [1, 4j]])),
        [[6.1484942j, 0.76084137], [5.0678897, 6.7508316j]]),
    "svd": (
        lambda: nx.grad(lambda x: nx.sum(nx.make_diagonal(L.svd(x)[1]) + L.svd(x)[0]
                                         + L.svd(x)[2]))(nx.tensor([[3, 0], [1, 2]])),
        [[1.368404507637024, -0.5419228672981262], [-0.2197188436985016, 0.6067624092102051]]),
    "svd composed": (
        lambda: nx.grad(_svd_composed)(nx.tensor([[3, 0], [1, 2]])),
        [[22.86724090576172, 3.655829906463623], [10.035255432128906, 8.769235610961914]]),
    "eigh: the eigenvalue sum": (
        lambda: nx.grad(lambda x: nx.sum(L.eigh(x)[0]))(
            nx.tensor([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])),
        [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
    "invert": (
        lambda: nx.grad(lambda x: nx.sum(L.invert(x)))(
            nx.tensor([[1.0, 2.0, 3.0], [0, 4, 5], [0, 0, -6]])),
        [[-0.5833, -0.4583, 0.1667], [0.14583, 0.1146, -0.0417], [-0.0729, -0.0573, 0.0208]]),
    "invert composed": (
        lambda: nx.grad(lambda x: nx.sum(nx.log(nx.cos(L.invert(nx.sin(nx.exp(x)))))))(
            nx.tensor([[1.0, 2.0, 3.0], [0, 4, 5], [0, 0, -6]])),
        [[-8.2713, -21.8449, 72.5134], [0.9508, 69.7985, -524.3346], [-1.2254, 3.1769, -0.0230]]),
    "solve": (
        lambda: nx.grad(lambda a: nx.sum(L.solve(a, nx.tensor([4, 3, 2]))))(
            nx.tensor([[1, 0, 1], [0, 1, 0], [-1, 0, 1]])),
        [[-1.0, -3.0, -3.0], [-1.0, -3.0, -3.0], [0.0, 0.0, 0.0]]),
}


def _qr_megapower(x):
    q, r = L.qr(nx.pow(x, 2))
    return nx.sum(nx.add(nx.cos(q), nx.sin(r)))


def _lu_megapower(x):
    p, l, u = L.lu(nx.pow(x, 2))
    return nx.sum(nx.subtract(nx.add(nx.cos(l), nx.sin(u)), nx.exp(p)))


def _svd_composed(x):
    u, s, vt = L.svd(x)
    return (nx.sum(nx.exp(nx.make_diagonal(s))) + nx.sum(nx.cos(u))) + nx.sum(nx.sin(vt))


@pytest.mark.parametrize("name", sorted(NX_KNOWN))
def test_nx_known_values(name):
    compute, expected = NX_KNOWN[name]
    _close(compute(), expected)


def test_cholesky_known_values_up_to_the_triangle_nx_writes():
    # Nx's rule writes the off-diagonal gradient in the upper triangle, although its
    # forward (like ours) reads the lower one; the sums over each pair (i, j), (j, i)
    # and the diagonal agree, our gradient is the one of the forward (zero above)
    t = nx.tensor([[1.0, 2.0], [2.0, 5.0]])
    cases = [(lambda x: nx.sum(L.cholesky(x)), [[1.5, -1.0], [0.0, 0.5]]),
             (lambda x: nx.sum(nx.cos(L.cholesky(x))),
              [[-1.1943799, 0.84147096], [-0.06782645, -0.42073548]]),
             (lambda x: nx.sum(L.cholesky(nx.exp(x))),
              [[-0.5299541, -0.88652998], [3.59515929, 6.550619]])]
    for fun, nx_grad in cases:
        g = nx.grad(fun)(t).to_list()
        assert g[0][1] == 0.0
        _close(nx.tensor([g[0][0], g[1][0], g[1][1]]),
               [nx_grad[0][0], nx_grad[0][1] + nx_grad[1][0], nx_grad[1][1]])


def test_complex_invert_is_holomorphic_the_conjugate_of_nx():
    # d sum(inverse(a)) for a holomorphic map: -a^-T ones a^-T, as nx.dot's rule
    # gives; Nx's invert rule uses adjoints and prints the conjugate, [[1+1i, -1i], [0, 0]]
    g = nx.grad(lambda x: nx.sum(L.invert(x)))(nx.tensor([[1j, 1j], [0, 1]]))
    _close(g, [[1 - 1j, 1j], [0, 0]])


# -- structure: batches, one output at a time, types -----------------------------------------

BATCH = nx.tensor([[[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]],
                   [[3.0, 1.0, 2.0], [2.0, 4.0, 1.0], [0.5, 1.0, 5.0]]])
OUTPUTS = {
    "cholesky": lambda x: (L.cholesky(nx.add(x, L.adjoint(x))),),
    "qr": lambda x: L.qr(x),
    "lu": lambda x: L.lu(x)[1:],
    "eigh": lambda x: L.eigh(x),
    "svd": lambda x: L.svd(x),
    "determinant": lambda x: (L.determinant(x),),
}


def _only(fun, i):
    return lambda x: nx.sum(fun(x)[i])


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_batched_gradients_are_the_stacked_gradients(name):
    fun = OUTPUTS[name]
    loss = lambda x: sum((nx.sum(nx.multiply(o, o)) for o in fun(x)), nx.tensor(0.0))   # noqa: E731
    whole = nx.grad(loss)(BATCH)
    _close(whole, nx.stack([nx.grad(loss)(BATCH[0]), nx.grad(loss)(BATCH[1])]).to_list(), 1e-5)


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_gradients_of_the_outputs_add_up(name):
    fun, x = OUTPUTS[name], BATCH[0]
    parts = [nx.grad(_only(fun, i))(x) for i in range(len(fun(x)))]
    whole = nx.grad(lambda x: sum((nx.sum(o) for o in fun(x)), nx.tensor(0.0)))(x)
    _close(whole, functools.reduce(nx.add, parts).to_list(), 1e-5)


@pytest.mark.parametrize("name", sorted(OUTPUTS))
@pytest.mark.parametrize("type_", ["f32", "c64"])
def test_gradients_keep_the_input_type(name, type_):
    g = nx.grad(lambda x: nx.sum(nx.abs(sum((nx.sum(o) for o in OUTPUTS[name](x)),
                                            nx.tensor(0.0)))))(nx.as_type(BATCH, type_))
    assert str(g.type) == type_ and g.shape == BATCH.shape


def test_singular_values_gradient_is_u_vt():
    # Nx's "grad of the singular value sum is u . vt", a wide matrix too
    for x in (BATCH[0], nx.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])):
        u, _, vt = L.svd(x, full_matrices=False)
        _close(nx.grad(lambda x: nx.sum(L.svd(x)[1]))(x), nx.dot(u, vt).to_list())
