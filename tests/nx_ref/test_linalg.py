"""nx.linalg on the reference backend: decompositions checked by reconstruction
and against numpy.linalg on hypothesis-generated, well-conditioned, batched
matrices of every float and complex type; options, type and shape rules, errors."""

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import nx_ref as nx
from spec.errors import ArgumentError
from spec.ops.linalg import rtol

TYPES = ["f32", "f64", "c64", "c128"]


@st.composite
def batched(draw, rows, cols, type_name, batch=None):
    """A batch of ``rows`` x ``cols`` matrices with small entries (a numpy array);
    the batch shape is drawn unless given."""
    batch = draw(st.lists(st.integers(1, 2), max_size=2)) if batch is None else list(batch)
    real = st.floats(-2, 2, allow_nan=False, width=32)
    if type_name.startswith("c"):
        elem = st.builds(complex, real, real)
    else:
        elem = real
    count = math.prod(batch) * rows * cols
    flat = draw(st.lists(elem, min_size=count, max_size=count))
    return np.array(flat, dtype=complex if type_name.startswith("c") else float).reshape(
        tuple(batch) + (rows, cols))


def _adjoint(m):
    return np.conj(np.swapaxes(m, -1, -2))


def _close(actual, expected, type_name, scale=None):
    scale = np.max(np.abs(expected), initial=1.0) if scale is None else scale
    tol = rtol(type_name)
    assert np.allclose(actual, expected, rtol=tol, atol=tol * scale), (actual, expected)


# -- triangular_solve -------------------------------------------------------------------

@st.composite
def triangular_case(draw):
    type_name = draw(st.sampled_from(TYPES))
    n = draw(st.integers(1, 4))
    a = draw(batched(n, n, type_name))
    # a dominant diagonal keeps the system well conditioned
    idx = np.arange(n)
    a[..., idx, idx] = a[..., idx, idx] + np.where(a[..., idx, idx].real >= 0, n + 1, -n - 1)
    left_side = draw(st.booleans())
    form = draw(st.sampled_from(["vector", "matrix"]))
    m = draw(st.integers(1, 3))
    b_shape = (n,) if form == "vector" else ((n, m) if left_side else (m, n))
    b = draw(batched(*((1, n) if form == "vector" else b_shape), type_name, a.shape[:-2]))
    b = b[..., 0, :] if form == "vector" else b
    opts = dict(lower=draw(st.booleans()), left_side=left_side,
                transform_a=draw(st.sampled_from(["none", "transpose", "conjugate"])))
    return type_name, a, b, opts


def _op_a(a, lower, transform_a):
    t = np.tril(a) if lower else np.triu(a)
    if transform_a == "transpose":
        return np.swapaxes(t, -1, -2)
    return np.conj(t) if transform_a == "conjugate" else t


@given(triangular_case())
def test_triangular_solve_against_numpy(case):
    type_name, a, b, opts = case
    ta, tb = nx.tensor(a.tolist(), type=type_name), nx.tensor(b.tolist(), type=type_name)
    x = nx.linalg.triangular_solve(ta, tb, **opts)
    assert str(x.type) == type_name and x.shape == tb.shape
    a64, b64 = ta.to_numpy().astype(complex), tb.to_numpy().astype(complex)
    t = _op_a(a64, opts["lower"], opts["transform_a"])
    vector = b.ndim == a.ndim - 1
    rhs = b64[..., None] if vector else b64
    if opts["left_side"]:
        expected = np.linalg.solve(t, rhs)
    else:      # x @ t = b  <=>  t^T @ x^T = b^T
        rhs = rhs if vector else np.swapaxes(rhs, -1, -2)
        expected = np.linalg.solve(np.swapaxes(t, -1, -2), rhs)
        expected = expected if vector else np.swapaxes(expected, -1, -2)
    expected = expected[..., 0] if vector else expected
    _close(x.to_numpy(), expected, type_name)


def test_triangular_solve_reads_only_its_triangle():
    a = nx.tensor([[2.0, float("nan")], [1.0, 4.0]])
    assert nx.linalg.triangular_solve(a, nx.tensor([2.0, 9.0])).to_list() == [1.0, 2.0]
    up = nx.tensor([[2.0, 1.0], [float("nan"), 4.0]])
    assert nx.linalg.triangular_solve(up, nx.tensor([4.0, 8.0]), lower=False).to_list() == [1.0, 2.0]


def test_triangular_solve_conjugate_does_not_transpose():
    a = nx.tensor([[1j, 0], [1, 2]], type="c128")
    # conj(a) = [[-i, 0], [1, 2]]: x0 = 1 / -i = i, x1 = (3 - i) / 2
    x = nx.linalg.triangular_solve(a, nx.tensor([1, 3], type="c128"), transform_a="conjugate")
    assert x.to_list() == [1j, (3 - 1j) / 2]


@pytest.mark.parametrize("a_type, b_type, out_type", [
    ("s32", "s32", "f32"), ("u8", "f64", "f64"), ("f32", "c64", "c64"), ("f64", "c64", "c128"),
    ("f16", "f16", "f16")])
def test_triangular_solve_type_rule(a_type, b_type, out_type):
    x = nx.linalg.triangular_solve(nx.eye(2, type=a_type), nx.tensor([1, 2], type=b_type))
    assert str(x.type) == out_type and x.to_list() == [1, 2]


def test_triangular_solve_keeps_the_names_of_b():
    b = nx.tensor([[1.0, 2.0]], names=["r", "c"])
    assert nx.linalg.triangular_solve(nx.eye(2), b, left_side=False).names == ("r", "c")


@pytest.mark.parametrize("a_shape, b_shape, left_side", [
    ((2, 3), (3,), True), ((3,), (3,), True), ((2, 2), (3,), True), ((2, 2), (3, 2), True),
    ((2, 2), (2, 3), False), ((2, 2, 2), (3, 2), True), ((2, 2, 2), (2, 3, 2), True),
    ((1, 2, 2), (2, 2), True)])
def test_triangular_solve_shape_errors(a_shape, b_shape, left_side):
    with pytest.raises(ArgumentError, match="triangular solve|square matri"):
        nx.linalg.triangular_solve(nx.broadcast(1.0, a_shape), nx.broadcast(1.0, b_shape),
                                   left_side=left_side)


@pytest.mark.parametrize("opts", [{}, {"lower": False}, {"left_side": False},
                                  {"transform_a": "transpose"}])
def test_triangular_solve_singular(opts):
    a = nx.tensor([[[1.0, 5.0], [5.0, 1.0]], [[1.0, 5.0], [5.0, 0.0]]])
    with pytest.raises(ArgumentError, match="can't solve for singular matrix"):
        nx.linalg.triangular_solve(a, nx.tensor([[1.0, 1.0], [1.0, 1.0]]), **opts)


@pytest.mark.parametrize("bad", [{"transform_a": "adjoint"}, {"transform_a": None}])
def test_triangular_solve_option_errors(bad):
    with pytest.raises(ArgumentError, match="transform_a"):
        nx.linalg.triangular_solve(nx.eye(2), nx.tensor([1.0, 1.0]), **bad)


def test_triangular_solve_unknown_option():
    with pytest.raises(ArgumentError, match="unknown option"):
        nx.linalg.triangular_solve(nx.eye(2), nx.tensor([1.0, 1.0]), upper=True)


# -- cholesky ---------------------------------------------------------------------------

@st.composite
def positive_definite(draw):
    type_name = draw(st.sampled_from(TYPES))
    n = draw(st.integers(1, 4))
    m = draw(batched(n, n, type_name))
    return type_name, m @ _adjoint(m) + n * np.eye(n)


@given(positive_definite())
def test_cholesky_reconstructs_and_matches_numpy(case):
    type_name, a = case
    ta = nx.tensor(a.tolist(), type=type_name)
    low = nx.linalg.cholesky(ta)
    assert str(low.type) == type_name and low.shape == ta.shape
    got, a_in = low.to_numpy(), ta.to_numpy()
    assert np.all(np.triu(got, 1) == 0), "the factor is lower triangular"
    assert np.all(np.diagonal(got, axis1=-2, axis2=-1).real > 0)
    assert np.all(np.diagonal(got, axis1=-2, axis2=-1).imag == 0)
    _close(got @ _adjoint(got), a_in, type_name)
    # numpy reads the lower triangle too; our input is Hermitian up to rounding
    _close(got, np.linalg.cholesky(np.tril(a_in) + _adjoint(np.tril(a_in, -1))), type_name)


def test_cholesky_reads_only_the_lower_triangle():
    a = nx.tensor([[4.0, float("nan")], [2.0, 5.0]])
    assert nx.linalg.cholesky(a).to_list() == [[2.0, 0.0], [1.0, 2.0]]


def test_cholesky_not_positive_definite_gives_nan():
    low = nx.linalg.cholesky(nx.tensor([[1.0, 2.0], [2.0, 1.0]])).to_list()
    assert low[0] == [1.0, 0.0] and low[1][0] == 2.0 and math.isnan(low[1][1])


@pytest.mark.parametrize("in_type, out_type", [("s32", "f32"), ("u8", "f32"), ("f16", "f16"),
                                               ("bf16", "bf16"), ("c64", "c64")])
def test_cholesky_type_rule(in_type, out_type):
    low = nx.linalg.cholesky(nx.tensor([[4, 2], [2, 5]], type=in_type))
    assert str(low.type) == out_type and low.to_list() == [[2, 0], [1, 2]]


def test_cholesky_keeps_names_and_batch():
    a = nx.tensor([[[[1.0]]], [[[9.0]]]], names=["b", "c", "i", "j"])
    low = nx.linalg.cholesky(a)
    assert low.names == ("b", "c", "i", "j") and low.to_list() == [[[[1.0]]], [[[3.0]]]]


@pytest.mark.parametrize("shape, match", [((2, 3), "square"), ((4, 2, 3), "square"),
                                          ((3,), "at least rank 2"), ((), "at least rank 2")])
def test_cholesky_shape_errors(shape, match):
    with pytest.raises(ArgumentError, match=match):
        nx.linalg.cholesky(nx.broadcast(1.0, shape))


def test_cholesky_rejects_f8():
    with pytest.raises(ArgumentError, match="f8"):
        nx.linalg.cholesky(nx.tensor([[1.0]], type="f8"))


# -- qr ---------------------------------------------------------------------------------

@st.composite
def qr_case(draw):
    type_name = draw(st.sampled_from(TYPES))
    m, n = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    mode = draw(st.sampled_from(["reduced", "complete"]))
    return type_name, draw(batched(m, n, type_name)), mode, draw(st.sampled_from([0.0, 1e-10]))


@given(qr_case())
def test_qr_reconstructs_and_matches_numpy(case):
    type_name, a, mode, eps = case
    ta = nx.tensor(a.tolist(), type=type_name)
    q, r = nx.linalg.qr(ta, mode=mode, eps=eps)
    m, n = a.shape[-2:]
    k = min(m, n) if mode == "reduced" else m
    assert (q.shape, r.shape) == (a.shape[:-2] + (m, k), a.shape[:-2] + (k, n))
    assert str(q.type) == str(r.type) == type_name
    gq, gr, a_in = q.to_numpy(), r.to_numpy(), ta.to_numpy()
    # r is upper triangular, but for columns left unreflected because their part
    # below the diagonal has a squared norm under eps (Nx's rule)
    assert np.all(np.sum(np.abs(np.tril(gr, -1)) ** 2, axis=-2) <= eps), "r is upper triangular"
    _close(_adjoint(gq) @ gq, np.broadcast_to(np.eye(k), gq.shape[:-2] + (k, k)), type_name, 1.0)
    # a column left unreflected keeps entries of up to sqrt(eps) below the
    # diagonal, which the reduced r drops: Nx's rule, an absolute error
    slack = math.sqrt(eps) * n / rtol(type_name)
    _close(gq @ gr, a_in, type_name, np.max(np.abs(a_in), initial=1.0) + slack)
    # |r_ii| is the distance of column i from the span of the columns before it:
    # the same for every exact QR decomposition (eps > 0 may skip a tiny column)
    if eps > 0:
        return
    _, nr = np.linalg.qr(a_in.astype(complex), mode="reduced" if mode == "reduced" else "complete")
    d = min(m, n)
    _close(np.abs(np.diagonal(gr, axis1=-2, axis2=-1)[..., :d]),
           np.abs(np.diagonal(nr, axis1=-2, axis2=-1)[..., :d]), type_name,
           np.max(np.abs(a_in), initial=1.0))


def test_qr_complete_q_is_unitary():
    q, _ = nx.linalg.qr(nx.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], type="f64"), mode="complete")
    gq = q.to_numpy()
    _close(gq @ gq.T, np.eye(3), "f64", 1.0)


def test_qr_keeps_the_sign_of_columns_that_need_no_reflection():
    _, r = nx.linalg.qr(nx.tensor([[-2.0, 1.0], [0.0, -3.0]]))
    assert r.to_list() == [[-2.0, 1.0], [0.0, -3.0]]
    _, r = nx.linalg.qr(nx.tensor([[0.0, 1.0], [-2.0, 0.0]]))
    assert r.to_list()[0] == [2.0, 0.0]      # a reflected column gets a positive diagonal


def test_qr_wide_and_empty():
    q, r = nx.linalg.qr(nx.tensor([[0.0, 3.0, 1.0], [2.0, 0.0, 1.0]]))
    assert q.to_list() == [[0.0, 1.0], [1.0, 0.0]] and r.to_list() == [[2.0, 0.0, 1.0], [0.0, 3.0, 1.0]]
    q, r = nx.linalg.qr(nx.broadcast(1.0, (2, 0)), mode="complete")
    assert q.to_list() == [[1.0, 0.0], [0.0, 1.0]] and r.shape == (2, 0)


def test_qr_type_and_names():
    q, r = nx.linalg.qr(nx.tensor([[1, 0], [0, 1]], names=["i", "j"]))
    assert str(q.type) == "f32" and q.names == r.names == (None, None)
    q, r = nx.linalg.qr(nx.tensor([[1, 0], [0, 1]], type="c64"))
    assert str(q.type) == "c64"


@pytest.mark.parametrize("opts, match", [({"mode": "full"}, "invalid mode"),
                                         ({"eps": -1.0}, "eps"), ({"eps": "small"}, "eps")])
def test_qr_option_errors(opts, match):
    with pytest.raises(ArgumentError, match=match):
        nx.linalg.qr(nx.eye(2), **opts)


def test_qr_rank_error():
    with pytest.raises(ArgumentError, match="at least rank 2"):
        nx.linalg.qr(nx.tensor([1.0, 2.0]))


# -- adjoint, solve ---------------------------------------------------------------------

@given(st.sampled_from(TYPES + ["s32"]), st.data())
def test_adjoint_against_numpy(type_name, data):
    a = data.draw(batched(data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)),
                          type_name if type_name != "s32" else "f64"))
    a = np.round(a).astype(int) if type_name == "s32" else a
    ta = nx.tensor(a.tolist(), type=type_name)
    got = nx.linalg.adjoint(ta)
    assert str(got.type) == type_name
    assert np.array_equal(got.to_numpy(), _adjoint(ta.to_numpy()))


def test_adjoint_names_and_low_ranks():
    t = nx.iota((2, 3, 1), names=["b", "r", "c"])
    assert nx.linalg.adjoint(t).names == ("b", "c", "r")
    assert nx.linalg.adjoint(nx.tensor([1 + 1j, 2])).to_list() == [1 - 1j, 2]
    assert nx.linalg.adjoint(nx.tensor(3)).to_list() == 3


@st.composite
def solve_case(draw):
    type_name = draw(st.sampled_from(TYPES))
    n = draw(st.integers(1, 4))
    m = draw(batched(n, n, type_name))
    idx = np.arange(n)
    m[..., idx, idx] = m[..., idx, idx] + 3 * n + 3    # diagonally dominant: well conditioned
    vector = draw(st.booleans())
    b = draw(batched(1 if vector else n, n if vector else draw(st.integers(1, 3)), type_name,
                     m.shape[:-2]))
    return type_name, m, b[..., 0, :] if vector else b


@given(solve_case())
def test_solve_against_numpy(case):
    type_name, a, b = case
    ta, tb = nx.tensor(a.tolist(), type=type_name), nx.tensor(b.tolist(), type=type_name)
    x = nx.linalg.solve(ta, tb)
    assert str(x.type) == type_name and x.shape == tb.shape and x.names == (None,) * tb.rank
    a_in, b_in = ta.to_numpy(), tb.to_numpy()
    vector = b.ndim < a.ndim
    expected = np.linalg.solve(a_in, b_in[..., None] if vector else b_in)
    _close(x.to_numpy(), expected[..., 0] if vector else expected, type_name)
    got = x.to_numpy().astype(complex)
    recon = a_in @ (got[..., None] if vector else got)
    _close(recon[..., 0] if vector else recon, b_in, type_name)


@pytest.mark.parametrize("a_type, b_type, out_type", [
    ("s32", "s32", "f32"), ("f32", "f64", "f64"), ("s32", "c64", "c64"), ("f16", "f16", "f16")])
def test_solve_type_rule(a_type, b_type, out_type):
    x = nx.linalg.solve(nx.tensor([[2, 0], [0, 4]], type=a_type), nx.tensor([2, 4], type=b_type))
    assert str(x.type) == out_type and x.to_list() == [1, 1]


@pytest.mark.parametrize("a_shape, b_shape, match", [
    ((2, 3), (2,), "`a` tensor"), ((2,), (2,), "`a` tensor"), ((2, 2), (3,), "`b` tensor"),
    ((2, 2, 2), (2,), "`b` tensor"), ((2, 2, 2), (3, 2, 1), "`b` tensor"),
    ((2, 2), (2, 2, 2), "`b` tensor")])
def test_solve_shape_errors(a_shape, b_shape, match):
    with pytest.raises(ArgumentError, match=match):
        nx.linalg.solve(nx.broadcast(1.0, a_shape), nx.broadcast(1.0, b_shape))


def test_solve_singular():
    with pytest.raises(ArgumentError, match="singular"):
        nx.linalg.solve(nx.tensor([[[1.0, 2.0], [0.0, 1.0]], [[0.0, 0.0], [0.0, 1.0]]]),
                        nx.tensor([[1.0, 1.0], [1.0, 1.0]]))
