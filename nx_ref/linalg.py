"""``nx.linalg``: Nx.LinAlg's functions, bound from the spec registry's ops of
family ``"linalg"`` (declared in :mod:`spec.ops.linalg`) as the top-level ``nx.*``
functions are bound in :mod:`nx_ref.api`.

>>> import nx_ref as nx
>>> nx.linalg.cholesky(nx.tensor([[4.0, 2.0], [2.0, 5.0]])).to_list()
[[2.0, 0.0], [1.0, 2.0]]
"""

from __future__ import annotations

from nx_ref.api import _bind

__all__ = ["triangular_solve", "cholesky", "qr", "adjoint", "solve", "lu", "determinant", "invert",
           "matrix_power", "eigh", "svd", "norm", "pinv", "least_squares", "matrix_rank"]


def _linalg(name):
    fn = _bind(name)
    fn.__module__ = "nx_ref.linalg"
    return fn


triangular_solve = _linalg("triangular_solve")
cholesky = _linalg("cholesky")
qr = _linalg("qr")
adjoint = _linalg("adjoint")
solve = _linalg("solve")
lu = _linalg("lu")
determinant = _linalg("determinant")
invert = _linalg("invert")
matrix_power = _linalg("matrix_power")
eigh = _linalg("eigh")
svd = _linalg("svd")
norm = _linalg("norm")
pinv = _linalg("pinv")
least_squares = _linalg("least_squares")
matrix_rank = _linalg("matrix_rank")
