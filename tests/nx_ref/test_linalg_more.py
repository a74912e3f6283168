"""nx.linalg.lu, determinant and invert on the reference backend: checked by
reconstruction (``p @ l @ u == a``, ``a @ invert(a) == I``) and against
numpy.linalg on hypothesis-generated batched matrices of every float and
complex type; Nx's pivoting, singular cases, type and shape rules, errors."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

import nx_ref as nx
from spec.errors import ArgumentError
from spec.ops.linalg import rtol
from tests.nx_ref.test_linalg import TYPES, _close, batched


@st.composite
def square_case(draw, dominant=False):
    """(type name, numpy batch of n x n matrices); ``dominant`` adds a large
    diagonal, which keeps the matrix well conditioned."""
    type_name = draw(st.sampled_from(TYPES))
    n = draw(st.integers(1, 4))
    a = draw(batched(n, n, type_name))
    if dominant:
        idx = np.arange(n)
        a[..., idx, idx] += np.where(a[..., idx, idx].real >= 0, 2 * n + 1, -2 * n - 1)
    return type_name, a


def _tensor(a, type_name):
    return nx.tensor(a.tolist(), type=type_name)


# -- lu ---------------------------------------------------------------------------------

@given(square_case())
def test_lu_reconstructs_with_partial_pivoting(case):
    type_name, a = case
    t = _tensor(a, type_name)
    p, l, u = nx.linalg.lu(t)
    assert [str(x.type) for x in (p, l, u)] == [type_name] * 3
    assert p.shape == l.shape == u.shape == t.shape
    pn, ln, un = (x.to_numpy() for x in (p, l, u))
    n = a.shape[-1]
    # p is a permutation matrix, l unit lower triangular with |l| <= 1, u upper triangular
    assert np.all((pn == 0) | (pn == 1)) and np.all(pn.sum(axis=-1) == 1)
    assert np.all(pn.sum(axis=-2) == 1)
    assert np.all(np.triu(ln, 1) == 0) and np.all(np.diagonal(ln, axis1=-2, axis2=-1) == 1)
    assert np.all(np.abs(ln) <= 1 + rtol(type_name))
    assert np.all(np.tril(un, -1) == 0)
    a_in = t.to_numpy().astype(complex)
    scale = np.max(np.abs(a_in), initial=1.0) * n
    _close(pn @ ln @ un, a_in, type_name, scale)


def test_lu_pivots_as_nx():
    # Nx's doctest: ties pick the first row, a zero column is not eliminated
    p, l, u = nx.linalg.lu(nx.tensor([[1, 0, 1], [-1, 0, -1], [1, 1, 1]]))
    assert str(p.type) == "s32" and str(l.type) == "f32"
    assert p.to_list() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    assert l.to_list() == [[1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [-1.0, 0.0, 1.0]]
    assert u.to_list() == [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]
    p, l, u = nx.linalg.lu(nx.broadcast(0.0, (2, 2)))
    assert p.to_list() == [[1.0, 0.0], [0.0, 1.0]] and u.to_list() == [[0.0, 0.0], [0.0, 0.0]]


def test_lu_batched_matches_each_matrix():
    a = nx.tensor([[[9, 8, 7], [6, 5, 4], [3, 2, 1]], [[-1, 0, -1], [1, 0, 1], [1, 1, 1]]])
    batched_out = nx.linalg.lu(a)
    for k in range(2):
        single = nx.linalg.lu(nx.tensor(a.to_list()[k]))
        for b, s in zip(batched_out, single):
            assert b.to_list()[k] == s.to_list()


# -- determinant ------------------------------------------------------------------------

@given(square_case())
def test_determinant_against_numpy(case):
    type_name, a = case
    t = _tensor(a, type_name)
    det = nx.linalg.determinant(t)
    assert str(det.type) == type_name and det.shape == t.shape[:-2]
    expected = np.linalg.det(t.to_numpy().astype(complex))
    n = a.shape[-1]
    scale = np.max(np.abs(t.to_numpy()), initial=1.0) ** n * n   # Hadamard-like bound
    _close(det.to_numpy(), expected, type_name, scale)


@pytest.mark.parametrize("perm", [[0, 1, 2, 3], [1, 0, 2, 3], [1, 2, 0, 3], [3, 2, 1, 0],
                                  [1, 0, 3, 2], [2, 3, 1, 0]])
def test_determinant_sign_of_permutations(perm):
    m = np.eye(4)[perm] * np.array([1.0, 2.0, 3.0, 5.0])
    got = nx.linalg.determinant(nx.tensor(m.tolist(), type="f64")).to_number()
    assert got == round(np.linalg.det(m))


def test_determinant_types_and_names():
    det = nx.linalg.determinant(nx.tensor([[1, 2], [3, 4]], names=["x", "y"]))
    assert str(det.type) == "f32" and det.names == () and det.to_number() == -2.0
    det = nx.linalg.determinant(nx.tensor([[[1, 0], [0, 2]], [[3, 0], [0, 4]]], names=["b", "x", "y"]))
    assert det.names == (None,) and det.to_list() == [2.0, 12.0]
    det = nx.linalg.determinant(nx.tensor([[0, 0, 0, 1], [0, 2j, 0, 0], [0, 0, 3, 0], [1, 0, 0, 0]]))
    assert str(det.type) == "c64" and det.to_number() == -6j
    assert nx.linalg.determinant(nx.tensor([[1, 2], [2, 4]], type="f64")).to_number() == 0.0
    assert nx.linalg.determinant(nx.iota((2, 0, 0), type="f64")).to_list() == [1.0, 1.0]
    p, l, u = nx.linalg.lu(nx.iota((2, 0, 0)))
    assert p.shape == l.shape == u.shape == (2, 0, 0)


# -- invert -----------------------------------------------------------------------------

@given(square_case(dominant=True))
def test_invert_reconstructs_and_matches_numpy(case):
    type_name, a = case
    t = _tensor(a, type_name)
    inv = nx.linalg.invert(t)
    assert str(inv.type) == type_name and inv.shape == t.shape
    a_in = t.to_numpy().astype(complex)
    eye = np.broadcast_to(np.eye(a.shape[-1]), a.shape)
    _close(a_in @ inv.to_numpy(), eye, type_name)
    _close(inv.to_numpy(), np.linalg.inv(a_in), type_name)


def test_invert_singular_gives_nan_per_matrix():
    a = nx.tensor([[[0, 0], [1, 1]], [[1, 2], [0, 1]], [[1, 2], [2, 4]]])
    inv = nx.linalg.invert(a).to_numpy()
    assert np.all(np.isnan(inv[0])) and np.all(np.isnan(inv[2]))
    assert inv[1].tolist() == [[1.0, -2.0], [0.0, 1.0]]
    # Nx's threshold: |det| <= 1000 * the smallest positive normal of the type
    tiny = nx.linalg.invert(nx.tensor([[1e-20, 0.0], [0.0, 1e-20]], type="f32")).to_numpy()
    assert np.all(np.isnan(tiny))
    small = nx.linalg.invert(nx.tensor([[1e-15, 0.0], [0.0, 1e-15]], type="f32")).to_list()
    assert small == [[np.float32(1e15), 0.0], [0.0, np.float32(1e15)]]


# -- errors -----------------------------------------------------------------------------

@pytest.mark.parametrize("fn, shape, message", [
    ("lu", (3, 4), "tensor must be a square matrix or a batch of square matrices, got shape: (3, 4)"),
    ("lu", (3,), "tensor must have at least rank 2, got rank 1 with shape (3,)"),
    ("determinant", (2, 3), "determinant/1 expects a square tensor, got tensor with shape: (2, 3)"),
    ("determinant", (2, 2, 3), "determinant/1 expects a square tensor, got tensor with shape: (2, 3)"),
    ("invert", (2, 4), "invert/1 expects a square matrix or a batch of square matrices, "
                       "got tensor with shape: (2, 4)"),
    ("invert", (4,), "invert/1 expects a square matrix or a batch of square matrices, "
                     "got tensor with shape: (4,)"),
])
def test_shape_errors(fn, shape, message):
    with pytest.raises(ArgumentError) as err:
        getattr(nx.linalg, fn)(nx.iota(shape))
    assert str(err.value) == message


@pytest.mark.parametrize("fn", ["lu", "determinant", "invert"])
def test_f8_is_refused(fn):
    with pytest.raises(ArgumentError, match=f"nx.linalg.{fn}: type f8 is not supported"):
        getattr(nx.linalg, fn)(nx.eye(2, type="f8"))


# -- matrix_power -----------------------------------------------------------------------

@given(square_case(dominant=True), st.integers(-3, 5))
def test_matrix_power_against_numpy(case, power):
    type_name, a = case
    t = _tensor(a, type_name)
    got = nx.linalg.matrix_power(t, power=power)
    assert got.shape == t.shape
    assert str(got.type) == ("s32" if power == 0 else type_name)
    a_in = t.to_numpy().astype(complex)
    expected = np.linalg.matrix_power(a_in, power)
    scale = np.max(np.abs(expected), initial=1.0) * 4
    _close(got.to_numpy(), expected, type_name, scale)


def test_matrix_power_types_names_and_errors():
    a = nx.tensor([[1, 2], [3, 4]], names=["x", "y"])
    assert nx.linalg.matrix_power(a, power=1).names == ("x", "y")
    assert nx.linalg.matrix_power(a, power=3).to_list() == (np.array([[1, 2], [3, 4]]) @
                                                             np.array([[1, 2], [3, 4]]) @
                                                             np.array([[1, 2], [3, 4]])).tolist()
    assert nx.linalg.matrix_power(a, power=-2).names == (None, None)
    assert str(nx.linalg.matrix_power(nx.eye(2, type="f64"), power=0).type) == "s32"
    with pytest.raises(ArgumentError, match="matrix_power/2 expects an integer power, got: 1.5"):
        nx.linalg.matrix_power(a, power=1.5)
    with pytest.raises(ArgumentError, match=r"got tensor with shape: \(3,\)"):
        nx.linalg.matrix_power(nx.iota((3,)), power=2)
