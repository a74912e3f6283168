"""nx.linalg eigh, svd and the composites over them (norm, pinv, least_squares,
matrix_rank), matrix_power's positional power, and multivariate_normal's svd and
eigh methods, on the reference backend: decompositions checked by reconstruction,
orthonormality and against numpy.linalg on hypothesis-generated batched matrices
of every float and complex type; Nx's rules where they differ from numpy pinned."""

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import nx_ref as nx
from spec.errors import ArgumentError, AxisError, TypeError_
from spec.ops.linalg import rtol

TYPES = ["f32", "f64", "c64", "c128"]
INPUT_TYPES = TYPES + ["s32"]          # integer inputs compute as f32


def _out_type(type_name):
    return "f32" if type_name == "s32" else type_name


def _real(type_name):
    return {"c64": "f32", "c128": "f64", "s32": "f32"}.get(type_name, type_name)


@st.composite
def matrices(draw, rows, cols, type_name, batch=None, low=-2.0, high=2.0):
    """A numpy array of ``batch + (rows, cols)`` entries drawn in [low, high]
    (integers for s32, complex numbers for complex types)."""
    batch = draw(st.lists(st.integers(1, 2), max_size=2)) if batch is None else list(batch)
    count = math.prod(batch) * rows * cols
    if type_name == "s32":
        elem = st.integers(int(low), int(high))
    else:
        real = st.floats(low, high, allow_nan=False, width=32)
        elem = st.builds(complex, real, real) if type_name.startswith("c") else real
    flat = draw(st.lists(elem, min_size=count, max_size=count))
    dtype = complex if type_name.startswith("c") else float
    return np.array(flat, dtype=dtype).reshape(tuple(batch) + (rows, cols))


def _tensor(a, type_name):
    if type_name == "s32":
        return nx.tensor(a.astype(int).tolist(), type="s32")
    return nx.tensor(a.tolist(), type=type_name)


def _adjoint(m):
    return np.conj(np.swapaxes(m, -1, -2))


def _close(actual, expected, type_name, scale=None):
    scale = np.max(np.abs(expected), initial=1.0) if scale is None else scale
    tol = rtol(_out_type(type_name))
    assert np.allclose(actual, expected, rtol=tol, atol=tol * scale), (actual, expected)


def _check_leading_entry(vectors, type_name):
    """The spec's sign rule: the entry of largest magnitude of each vector (each
    row of ``vectors``) is real and positive, where that entry stands out."""
    tol = rtol(_out_type(type_name))
    for vec in vectors.reshape(-1, vectors.shape[-1]):
        mags = np.abs(vec)
        k = int(np.argmax(mags))
        if np.sum(mags >= mags[k] * (1 - 1e-3)) == 1:     # a clear largest entry
            assert vec[k].real > 0 and abs(vec[k].imag) <= tol * mags[k] * 10, vec


# -- matrix_power: positional power -------------------------------------------------------

@pytest.mark.parametrize("power", [-2, -1, 0, 1, 2, 5])
def test_matrix_power_positional_equals_keyword(power):
    a = nx.tensor([[[2, 1], [1, 3]], [[1, 2], [0, 1]]], names=["b", "x", "y"])
    positional = nx.linalg.matrix_power(a, power)
    keyword = nx.linalg.matrix_power(a, power=power)
    assert positional.to_list() == keyword.to_list()
    assert (positional.type, positional.shape, positional.names) == (
        keyword.type, keyword.shape, keyword.names)
    expected = np.linalg.matrix_power(np.array(a.to_list(), dtype=float), power)
    _close(positional.to_numpy(), expected, "f32" if power < 0 else "f64")


def test_matrix_power_positional_errors():
    a = nx.tensor([[1, 2], [3, 4]])
    with pytest.raises(ArgumentError, match="matrix_power/2 expects an integer power, got: 2.0"):
        nx.linalg.matrix_power(a, 2.0)
    with pytest.raises(TypeError_, match="missing a required argument: 'power'"):
        nx.linalg.matrix_power(a)
    with pytest.raises(TypeError_, match="multiple values for argument 'power'"):
        nx.linalg.matrix_power(a, 2, power=2)


# -- eigh -------------------------------------------------------------------------------

@st.composite
def hermitian_case(draw):
    type_name = draw(st.sampled_from(INPUT_TYPES))
    n = draw(st.integers(1, 5))
    b = draw(matrices(n, n, type_name, low=-3, high=3))
    a = (b + _adjoint(b)) if type_name == "s32" else (b + _adjoint(b)) / 2
    return type_name, a


@given(hermitian_case())
def test_eigh_reconstructs_and_matches_numpy(case):
    type_name, a = case
    t = _tensor(a, type_name)
    w, v = nx.linalg.eigh(t, eps=0.0)
    out = _out_type(type_name)
    assert (str(w.type), str(v.type)) == (out, out)
    assert (w.shape, v.shape) == (t.shape[:-1], t.shape)
    assert w.names == (None,) * w.rank and v.names == (None,) * v.rank
    a_in, wn, vn = t.to_numpy().astype(complex), w.to_numpy(), v.to_numpy()
    assert np.all(wn.imag == 0)                     # complex eigenvalues are real numbers
    scale = np.max(np.abs(a_in), initial=1.0)
    _close((vn * wn[..., None, :]) @ _adjoint(vn), a_in, type_name, scale)
    _close(_adjoint(vn) @ vn, np.broadcast_to(np.eye(a.shape[-1]), vn.shape), type_name)
    _close(np.sort(wn.real, axis=-1), np.linalg.eigvalsh(a_in), type_name, scale)
    mags = np.abs(wn)                                  # by magnitude, largest first
    assert np.all(mags[..., :-1] >= mags[..., 1:] - rtol(out) * scale)
    _check_leading_entry(np.swapaxes(vn, -1, -2), type_name)


def test_eigh_rules():
    # only the Hermitian part is read: the two triangles are averaged
    w, v = nx.linalg.eigh(nx.tensor([[2.0, 4.0], [0.0, 2.0]], type="f64"))
    assert np.allclose(w.to_list(), [4.0, 0.0])
    # ties of magnitude: the positive eigenvalue first
    w, _ = nx.linalg.eigh(nx.tensor([[0.0, 1.0], [1.0, 0.0]], type="f64"))
    assert np.allclose(w.to_list(), [1.0, -1.0])
    # eps: small eigenvalues and eigenvector entries become zero, as in Nx
    a = nx.tensor([[1.0, 0.0], [0.0, 5e-5]], type="f64")
    assert nx.linalg.eigh(a)[0].to_list() == [1.0, 0.0]
    assert nx.linalg.eigh(a, eps=1e-6)[0].to_list() == [1.0, 5e-5]
    rotated = nx.tensor([[1.0, 1e-5], [1e-5, 2.0]], type="f64")
    v = nx.linalg.eigh(rotated)[1].to_numpy()
    assert v[0, 0] == v[1, 1] == 0.0 and v[0, 1] > 0.99 and v[1, 0] > 0.99
    v = nx.linalg.eigh(rotated, eps=0.0)[1].to_numpy()
    assert 0 < abs(v[0, 0]) < 1e-4 and 0 < abs(v[1, 1]) < 1e-4
    # a complex Hermitian matrix: complex eigenvalues, first largest entry real positive
    w, v = nx.linalg.eigh(nx.tensor([[1.0, 2j], [-2j, 1.0]]))
    assert str(w.type) == "c64" and w.to_list() == [3 + 0j, -1 + 0j]
    assert np.allclose(v.to_numpy(), np.array([[1, 1], [-1j, 1j]]) / math.sqrt(2))
    w, v = nx.linalg.eigh(nx.iota((2, 0, 0)))
    assert (w.shape, v.shape) == ((2, 0), (2, 0, 0))
    w, v = nx.linalg.eigh(nx.tensor([[-4]]))
    assert (w.to_list(), v.to_list()) == ([-4.0], [[1.0]])


# -- svd --------------------------------------------------------------------------------

@st.composite
def svd_case(draw):
    type_name = draw(st.sampled_from(INPUT_TYPES))
    m, n = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    a = draw(matrices(m, n, type_name, low=-3, high=3))
    if draw(st.booleans()) and min(m, n) > 1:        # rank deficient: a product of thin factors
        r = draw(st.integers(0, min(m, n) - 1))
        batch = a.shape[:-2]
        left = draw(matrices(m, r, type_name, batch, -2, 2))
        right = draw(matrices(r, n, type_name, batch, -2, 2))
        a = left @ right
    return type_name, a, draw(st.booleans())


@given(svd_case())
def test_svd_reconstructs_and_matches_numpy(case):
    type_name, a, full = case
    t = _tensor(a, type_name)
    u, s, vt = nx.linalg.svd(t, full_matrices=full)
    batch, (m, n) = t.shape[:-2], t.shape[-2:]
    k = min(m, n)
    out = _out_type(type_name)
    assert (str(u.type), str(s.type), str(vt.type)) == (out, _real(type_name), out)
    assert s.shape == batch + (k,)
    assert (u.shape, vt.shape) == ((batch + (m, m), batch + (n, n)) if full else
                                   (batch + (m, k), batch + (k, n)))
    a_in, un, sn, vtn = t.to_numpy().astype(complex), u.to_numpy(), s.to_numpy(), vt.to_numpy()
    scale = np.max(np.abs(a_in), initial=1.0)
    _close((un[..., :k] * sn[..., None, :]) @ vtn[..., :k, :], a_in, type_name, scale)
    cols = un.shape[-1]
    _close(_adjoint(un) @ un, np.broadcast_to(np.eye(cols), batch + (cols, cols)), type_name)
    rows = vtn.shape[-2]
    _close(vtn @ _adjoint(vtn), np.broadcast_to(np.eye(rows), batch + (rows, rows)), type_name)
    assert np.all(sn >= 0) and np.all(sn[..., :-1] >= sn[..., 1:])
    _close(sn, np.linalg.svd(a_in, compute_uv=False), type_name, scale)
    # the sign rule, for the rows of vt whose singular value is distinct and non-zero
    for idx in np.ndindex(*batch):
        for j in range(k):
            others = np.delete(sn[idx], j)
            if sn[idx][j] > 1e-2 * scale and np.all(np.abs(others - sn[idx][j]) > 1e-2 * scale):
                _check_leading_entry(vtn[idx][j][None], type_name)


def test_svd_rules():
    u, s, vt = nx.linalg.svd(nx.tensor([[0, 0, 0], [0, 0, 0]]))
    assert (u.to_list(), s.to_list(), vt.to_list()) == (
        np.eye(2).tolist(), [0.0, 0.0], np.eye(3).tolist())
    u, s, vt = nx.linalg.svd(nx.tensor([[3j, 0], [0, -2]]))
    assert (str(u.type), str(s.type), str(vt.type)) == ("c64", "f32", "c64")
    assert s.to_list() == [3.0, 2.0]
    assert u.to_list() == [[1j, 0], [0, -1]] and vt.to_list() == [[1, 0], [0, 1]]
    u, s, vt = nx.linalg.svd(nx.iota((2, 0, 3)))
    assert (u.shape, s.shape, vt.shape) == ((2, 0, 0), (2, 0), (2, 3, 3))
    assert vt.to_numpy().tolist() == [np.eye(3).tolist()] * 2
    u, s, vt = nx.linalg.svd(nx.tensor([[1.0, 2.0, 2.0]]), full_matrices=False)
    assert (u.to_list(), s.to_list()) == ([[1.0]], [3.0])
    assert np.allclose(vt.to_list(), [[1 / 3, 2 / 3, 2 / 3]])


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_non_finite_inputs_give_nan(bad):
    w, v = nx.linalg.eigh(nx.tensor([[1.0, bad], [bad, 1.0]]))
    assert np.all(np.isnan(w.to_numpy())) and np.all(np.isnan(v.to_numpy()))
    u, s, vt = nx.linalg.svd(nx.tensor([[1.0, 0.0, bad]], type="c64"), full_matrices=False)
    assert (u.shape, s.shape, vt.shape) == ((1, 1), (1,), (1, 3))
    assert all(np.all(np.isnan(x.to_numpy())) for x in (u, s, vt))


# -- norm -------------------------------------------------------------------------------

VECTOR_ORDS = [(None, None), (0, 0), (1, 1), (-1, -1), (2, 2), (-2, -2), (3, 3), (-3, -3),
               ("inf", np.inf), ("neg_inf", -np.inf)]
MATRIX_ORDS = [(None, "fro"), ("frobenius", "fro"), ("nuclear", "nuc"), ("inf", np.inf),
               ("neg_inf", -np.inf), (1, 1), (-1, -1), (-2, -2), (2, "fro")]


@st.composite
def norm_case(draw):
    type_name = draw(st.sampled_from(INPUT_TYPES))
    shape = draw(st.sampled_from([(5,), (1,), (3, 2), (2, 4), (1, 3)]))
    a = draw(matrices(1, math.prod(shape), type_name, batch=(), low=-4, high=4)).reshape(shape)
    ords = VECTOR_ORDS if len(shape) == 1 else MATRIX_ORDS
    return type_name, a, draw(st.sampled_from(ords))


@given(norm_case())
def test_norm_against_numpy(case):
    type_name, a, (ord_, np_ord) = case
    t = _tensor(a, type_name)
    got = nx.linalg.norm(t, ord=ord_)
    assert str(got.type) == _real(type_name) and got.shape == ()
    a_in = t.to_numpy().astype(complex)
    with np.errstate(divide="ignore"):
        expected = np.linalg.norm(a_in, ord=np_ord)
    _close(got.to_numpy(), expected, type_name, np.max(np.abs(a_in), initial=1.0) * a.size)


@given(st.sampled_from(INPUT_TYPES), st.sampled_from([None, 2, 1, 3, -1]),
       st.sampled_from([[0], [1], [-1], [0, 1], None]), st.booleans())
def test_norm_axes_against_numpy(type_name, ord_, axes, keep_axes):
    """p-norms along axes: of the matrix for ord None and 2 (the only orders
    Nx reduces a matrix with along axes), of its first row for the others."""
    a = np.array([[3.0, -4.0, 0.5], [1.0, 2.0, -2.0]])
    if type_name.startswith("c"):
        a = a * (1 + 1j) / math.sqrt(2)
    if ord_ not in (None, 2):
        a, axes = a[0], [0]
    t = _tensor(a, type_name)
    got = nx.linalg.norm(t, ord=ord_, axes=axes, keep_axes=keep_axes)
    a, p = t.to_numpy().astype(complex), ord_ or 2
    axis = None if axes is None else tuple(x % a.ndim for x in axes)
    with np.errstate(divide="ignore"):                # zeros under a negative order
        expected = np.sum(np.abs(a) ** p, axis=axis, keepdims=keep_axes) ** (1 / p)
    assert got.shape == expected.shape and str(got.type) == _real(type_name)
    _close(got.to_numpy(), expected, type_name)


def test_norm_rules_pinned():
    # ord=2 on a matrix is the Frobenius norm in Nx, not numpy's largest singular value
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    got = nx.linalg.norm(nx.tensor(a.tolist(), type="f64"), ord=2).to_number()
    assert math.isclose(got, np.linalg.norm(a, "fro"), rel_tol=1e-15)
    assert not math.isclose(got, np.linalg.norm(a, 2), rel_tol=1e-3)
    # names of the kept axes; inf over the row sums, 1 over the column sums
    t = nx.tensor([[1, -2, 3], [4, 5, -6]], names=["r", "c"])
    assert nx.linalg.norm(t, axes=["c"]).names == ("r",)
    assert nx.linalg.norm(t, axes=[1], keep_axes=True).names == ("r", "c")
    assert nx.linalg.norm(t, ord="inf", axes=[0], keep_axes=True).names == ("r",)
    assert nx.linalg.norm(t, ord=1, axes=[0]).to_list() == 9.0
    assert nx.linalg.norm(t, ord="inf", keep_axes=True).to_list() == [15.0]
    assert nx.linalg.norm(t, ord=-2, keep_axes=True).shape == (1,)
    assert nx.linalg.norm(t, ord="nuclear", axes=[0], keep_axes=True).shape == ()
    # large entries do not overflow (the p-norm is scaled by the largest magnitude)
    big = nx.linalg.norm(nx.tensor([3e30, 4e30]), ord=4).to_number()
    assert math.isclose(big, (3 ** 4 + 4 ** 4) ** 0.25 * 1e30, rel_tol=1e-6)
    assert nx.linalg.norm(nx.tensor([0, 0, 0]), ord=3).to_number() == 0.0
    assert nx.linalg.norm(nx.tensor([0.0, 2.0]), ord=-1).to_number() == 0.0
    assert str(nx.linalg.norm(nx.tensor([1, 2], type="f16")).type) == "f16"


@pytest.mark.parametrize("shape, opts, error, message", [
    ((2, 2, 2), {}, ArgumentError, "expected 1-D or 2-D tensor, got tensor with shape (2, 2, 2)"),
    ((), {}, ArgumentError, "expected 1-D or 2-D tensor, got tensor with shape ()"),
    ((3,), {"ord": "frobenius"}, ArgumentError, "expected a 2-D tensor for ord='frobenius'"),
    ((3,), {"ord": "nuclear"}, ArgumentError, "nuclear norm not supported for rank != 2"),
    ((2, 2), {"ord": "blep"}, ArgumentError, "unknown ord 'blep'"),
    ((2, 2), {"ord": 2.5}, ArgumentError, "unknown ord 2.5"),
    ((3,), {"ord": True}, ArgumentError, "unknown ord True"),
    ((2, 2), {"ord": 0}, ArgumentError, "invalid ord for 2-D tensor, got: 0"),
    ((2, 2), {"ord": 3}, ArgumentError, "invalid ord for 2-D tensor, got: 3"),
    ((3,), {"axes": [1]}, AxisError, "given axis (1) invalid for shape (3,)"),
    ((2, 3), {"ord": "inf", "axes": [1]}, AxisError, "given axis (1) invalid for shape (2,)"),
])
def test_norm_errors(shape, opts, error, message):
    with pytest.raises(error) as info:
        nx.linalg.norm(nx.iota(shape, type="f32"), **opts)
    assert message in str(info.value)


# -- pinv -------------------------------------------------------------------------------

@st.composite
def pinv_case(draw, type_names=tuple(TYPES), batch=None):
    """Well-conditioned matrices: u diag(s) v^H with orthonormal u, v (from QR
    of drawn matrices) and s in [0.5, 2]."""
    type_name = draw(st.sampled_from(type_names))
    m, n = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    k = min(m, n)
    raw_u = draw(matrices(m, k, type_name, batch))
    raw_v = draw(matrices(n, k, type_name, raw_u.shape[:-2]))
    s = np.array(draw(st.lists(st.floats(0.5, 2.0), min_size=k, max_size=k)))
    u, v = np.linalg.qr(raw_u)[0], np.linalg.qr(raw_v)[0]
    return type_name, (u * s) @ _adjoint(v)


@given(pinv_case())
def test_pinv_against_numpy(case):
    type_name, a = case
    t = _tensor(a, type_name)
    p = nx.linalg.pinv(t)
    assert str(p.type) == type_name and p.shape == t.shape[:-2] + t.shape[-1:] + t.shape[-2:-1]
    a_in, pn = t.to_numpy().astype(complex), p.to_numpy()
    _close(pn, np.linalg.pinv(a_in), type_name, 2.0)
    _close(a_in @ pn @ a_in, a_in, type_name, 2.0)   # a Moore-Penrose condition


def test_pinv_rules():
    assert nx.linalg.pinv(nx.tensor(4.0, type="f64")).to_number() == 0.25
    assert nx.linalg.pinv(nx.tensor([3j, 4], type="c128")).to_list() == [-0.12j, 0.16 + 0j]
    assert nx.linalg.pinv(nx.tensor([1e-11, 0.0], type="f64")).to_list() == [0.0, 0.0]
    assert nx.linalg.pinv(nx.tensor([1e-11, 0.0], type="f64"), eps=0.0).to_list() == [1e11, 0.0]
    # singular values below eps (absolute) are dropped
    a = nx.tensor([[1.0, 0.0], [0.0, 1e-12]], type="f64")
    assert nx.linalg.pinv(a).to_list() == [[1.0, 0.0], [0.0, 0.0]]
    assert nx.linalg.pinv(a, eps=1e-13).to_list() == [[1.0, 0.0], [0.0, 1e12]]
    # a batch: each matrix by itself; names are dropped
    got = nx.linalg.pinv(nx.tensor([[[0, 0], [0, 0]], [[2, 0], [0, 4]]], names=["b", "x", "y"]))
    assert got.names == (None, None, None) and got.to_list()[1] == [[0.5, 0.0], [0.0, 0.25]]
    assert got.to_list()[0] == [[0.0, 0.0], [0.0, 0.0]]
    with pytest.raises(ArgumentError, match="eps must be a non-negative number, got: -1"):
        nx.linalg.pinv(nx.eye(2), eps=-1)


# -- least_squares ----------------------------------------------------------------------

@given(pinv_case(("f32", "f64"), batch=()), st.data())
def test_least_squares_against_numpy(case, data):
    type_name, a = case
    b = data.draw(matrices(1, a.shape[0], type_name, batch=()))[0]
    ta, tb = _tensor(a, type_name), _tensor(b, type_name)
    x = nx.linalg.least_squares(ta, tb)
    assert str(x.type) == type_name and x.shape == (a.shape[1],)
    expected = np.linalg.lstsq(ta.to_numpy().astype(float), tb.to_numpy().astype(float),
                               rcond=None)[0]
    _close(x.to_numpy(), expected, type_name, 8.0)


def test_least_squares_types_and_errors():
    a, b = nx.tensor([[1, 0], [0, 2], [0, 0]]), nx.tensor([1, 2, 3])
    assert nx.linalg.least_squares(a, b).to_list() == [1.0, 1.0]
    assert str(nx.linalg.least_squares(a, nx.as_type(b, "f64")).type) == "f64"
    assert str(nx.linalg.least_squares(nx.as_type(a, "f16"), b).type) == "f16"
    with pytest.raises(ArgumentError, match="not yet implemented for complex inputs"):
        nx.linalg.least_squares(a, nx.tensor([1j, 2, 3]))
    with pytest.raises(ArgumentError, match="must be the same, got 1st argument shape"):
        nx.linalg.least_squares(a, nx.tensor([1, 2]))


# -- matrix_rank ------------------------------------------------------------------------

@given(st.integers(1, 5), st.integers(1, 5), st.data())
def test_matrix_rank_of_products(m, n, data):
    r = data.draw(st.integers(0, min(m, n)))
    left = data.draw(matrices(m, r, "s32", batch=(), low=-3, high=3))
    right = data.draw(matrices(r, n, "s32", batch=(), low=-3, high=3))
    a = left @ right
    got = nx.linalg.matrix_rank(_tensor(a, "s32"))
    assert str(got.type) == "u32" and got.shape == ()
    assert got.to_number() == np.linalg.matrix_rank(a)


def test_matrix_rank_eps_and_errors():
    a = nx.tensor([[1.0, 0.0], [0.0, 1e-9]], type="f64")
    assert nx.linalg.matrix_rank(a).to_number() == 1
    assert nx.linalg.matrix_rank(a, eps=1e-12).to_number() == 2
    assert nx.linalg.matrix_rank(nx.tensor([[0, 0], [0, 0]])).to_number() == 0
    with pytest.raises(ArgumentError, match="tensor must have rank 2, got rank 3"):
        nx.linalg.matrix_rank(nx.iota((2, 2, 2)))


# -- shared errors ----------------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda: nx.linalg.eigh(nx.iota((2, 3))),
     "tensor must be a square matrix or a batch of square matrices, got shape: (2, 3)"),
    (lambda: nx.linalg.eigh(nx.iota((3,))), "tensor must have at least rank 2, got rank 1"),
    (lambda: nx.linalg.svd(nx.iota(())), "tensor must have at least rank 2, got rank 0"),
    (lambda: nx.linalg.eigh(nx.eye(2), max_iter=0), "max_iter must be a positive integer"),
    (lambda: nx.linalg.svd(nx.eye(2), max_iter=1.5), "max_iter must be a positive integer"),
    (lambda: nx.linalg.eigh(nx.eye(2), eps=-1.0), "eps must be a non-negative number"),
    (lambda: nx.linalg.svd(nx.eye(2), full_matrices=None), "full_matrices must be a boolean"),
    (lambda: nx.linalg.svd(nx.eye(2, type="f8")), "type f8 is not supported"),
    (lambda: nx.linalg.eigh(nx.eye(2, type="f8_e4m3fn")), "type f8_e4m3fn is not supported"),
])
def test_decomposition_errors(call, message):
    with pytest.raises(ArgumentError) as info:
        call()
    assert message in str(info.value)


# -- multivariate_normal with method svd and eigh -----------------------------------------

@pytest.mark.parametrize("method", ["svd", "eigh"])
def test_multivariate_normal_methods_match_nx_examples(method):
    key = nx.random.key(12)
    sample, _ = nx.random.multivariate_normal(key, nx.tensor([0, 0]), nx.tensor([[1, 0], [0, 1]]),
                                              method=method)
    assert sample.to_list() == [np.float32(-1.3425945), np.float32(-0.4081206)]
    sample, _ = nx.random.multivariate_normal(key, nx.tensor([0]), nx.tensor([[1]]),
                                              shape=(3, 2), type="f16", method=method)
    assert sample.to_numpy()[:, :, 0].astype(np.float16).tolist() == np.array(
        [[0.327, 0.2177], [0.3167, 0.11096], [0.5396, -0.8857]], dtype=np.float16).tolist()


@pytest.mark.parametrize("method", ["cholesky", "svd", "eigh"])
def test_multivariate_normal_sample_covariance(method):
    mean, cov = np.array([1.0, -2.0]), np.array([[2.0, 0.8], [0.8, 1.0]])
    sample, _ = nx.random.multivariate_normal(nx.random.key(3), nx.tensor(mean.tolist()),
                                              nx.tensor(cov.tolist()), shape=(2000,),
                                              type="f64", method=method)
    x = sample.to_numpy()
    assert x.shape == (2000, 2)
    assert np.allclose(x.mean(axis=0), mean, atol=0.15)
    assert np.allclose(np.cov(x.T), cov, atol=0.2)


@pytest.mark.parametrize("method", ["svd", "eigh"])
def test_multivariate_normal_singular_covariance(method):
    # a rank-1 covariance: every sample lies on the line x1 == 2 x0
    cov = nx.tensor([[1.0, 2.0], [2.0, 4.0]], type="f64")
    sample, _ = nx.random.multivariate_normal(nx.random.key(5), nx.tensor([0.0, 0.0]), cov,
                                              shape=(50,), type="f64", method=method)
    x = sample.to_numpy()
    assert np.all(np.isfinite(x)) and np.allclose(x[:, 1], 2 * x[:, 0], atol=1e-6)
    assert np.std(x[:, 0]) > 0.5
