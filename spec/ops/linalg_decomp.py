"""The spectral part of ``nx.linalg`` (Nx.LinAlg): ``eigh`` and ``svd`` (Backend
primitives; the composites written over them (``norm``, ``pinv``,
``least_squares``, ``matrix_rank``) are in :mod:`spec.ops.linalg_norm`.

As in :mod:`spec.ops.linalg`, inputs are matrices or batches of matrices
(leading batch axes), integer inputs compute in floating point, the f8 types
are refused, and the reference semantics compute in f64 (c128) and round once
into the output type.
Eigenvectors and singular vectors are only defined up to a sign (a phase, for
complex types), and Nx's choice is an artefact of its algorithm: this spec
fixes one (the first entry of largest magnitude of each eigenvector, of each
row of ``vt``, is real and positive), which reproduces Nx's examples where the
vectors are unique. Tolerances are :data:`spec.ops.linalg.RTOL`.
"""

from __future__ import annotations

from spec import types
from spec.errors import ArgumentError
from spec.ops.linalg_grad import eigh_grad, svd_grad
from spec.ops.linalg import RTOL, _ACCEPTS, _check_type, _spec
from spec.registry import Op, TensorSpec, option, register, tensor

__all__ = ["eigh", "svd", "work_type"]


def _check_matrices(a: TensorSpec, square: bool):
    if a.rank < 2:
        raise ArgumentError(f"tensor must have at least rank 2, got rank {a.rank} "
                            f"with shape {a.shape}")
    if square and a.shape[-1] != a.shape[-2]:
        raise ArgumentError("tensor must be a square matrix or a batch of square matrices, "
                            f"got shape: {a.shape}")


def _check_max_iter(fn, max_iter):
    if isinstance(max_iter, bool) or not isinstance(max_iter, int) or max_iter < 1:
        raise ArgumentError(f"nx.linalg.{fn}: max_iter must be a positive integer, "
                            f"got: {max_iter!r:.80}")
    return max_iter


def _check_eps(fn, eps):
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not eps >= 0:
        raise ArgumentError(f"nx.linalg.{fn}: eps must be a non-negative number, "
                            f"got: {eps!r:.80}")
    return float(eps)


def work_type(spec: TensorSpec) -> str:
    """The type the linalg composites compute in: c128 for complex types, else f64.

    >>> work_type(TensorSpec(types.normalize("c64"), (2, 2), (None, None)))
    'c128'
    """
    return "c128" if spec.type.is_complex else "f64"


# -- eigh -------------------------------------------------------------------------------

def _eigh_normalize(a, *, max_iter, eps):
    return dict(max_iter=_check_max_iter("eigh", max_iter), eps=_check_eps("eigh", eps))


def _eigh_infer(a, *, max_iter, eps):
    a = _spec(a)
    _check_type("eigh", a)
    _check_matrices(a, square=True)
    t = types.to_floating(a.type)
    return (TensorSpec(t, a.shape[:-1], (None,) * (a.rank - 1)),
            TensorSpec(t, a.shape, (None,) * a.rank))


eigh = register(Op(
    name="eigh", family="linalg", params=(
        tensor("tensor"),
        option("max_iter", 1000, "the most Jacobi sweeps"),
        option("eps", 1.0e-4, "eigenvalues and eigenvector entries at most eps in "
                              "magnitude become zero")),
    infer=_eigh_infer, normalize=_eigh_normalize, accepts=_ACCEPTS, grad=eigh_grad,
    extras={"rtol": RTOL},
    doc="""The eigenvalues and eigenvectors of a Hermitian (real symmetric)
    matrix, or of each matrix of a batch: the tuple ``(eigenvals, eigenvecs)``
    with ``eigenvecs @ diag(eigenvals) @ adjoint(eigenvecs) == tensor`` and
    ``eigenvecs`` unitary (its columns are the eigenvectors). Shapes
    ``(..., n)`` and ``(..., n, n)``, both in the floating type of the input
    (a complex input gives complex eigenvalues with a zero imaginary part, as
    in Nx), with no names.

    Only the Hermitian part ``(tensor + adjoint(tensor)) / 2`` is read (JAX's
    ``symmetrize_input``; Nx's Jacobi method reads the whole matrix, so the
    two agree on Hermitian input). As in Nx, eigenvalues are sorted by
    magnitude, largest first (on ties of magnitude, the positive one first),
    and the eigenvalues and eigenvector entries of magnitude at most ``eps``
    become zero. The first entry of largest magnitude of each eigenvector is
    real and positive; within a repeated eigenvalue the basis is the one the
    reference's cyclic Jacobi method finds. ``max_iter`` bounds its sweeps (it
    stops earlier once no rotation changes the matrix).

    >>> eigenvals, eigenvecs = nx.linalg.eigh(nx.tensor([[1, 0], [0, 2]]))
    >>> nx.round(eigenvals)
    #Nx.Tensor<
      f32[2]
      [2.0, 1.0]
    >
    >>> eigenvecs
    #Nx.Tensor<
      f32[2][2]
      [
        [0.0, 1.0],
        [1.0, 0.0]
      ]
    >
    >>> eigenvals, eigenvecs = nx.linalg.eigh(nx.tensor([[[2, 5], [5, 6]], [[1, 0], [0, 4]]]))
    >>> nx.round(eigenvals)
    #Nx.Tensor<
      f32[2][2]
      [
        [9.0, -1.0],
        [4.0, 1.0]
      ]
    >
    >>> eigenvecs
    #Nx.Tensor<
      f32[2][2][2]
      [
        [
          [0.56062883, 0.82806724],
          [0.82806724, -0.56062883]
        ],
        [
          [0.0, 1.0],
          [1.0, 0.0]
        ]
      ]
    >

    (Nx prints ``0.8280672``, the round-off of its f32 computation.) A
    repeated eigenvalue (``-1`` below) has a whole plane of eigenvectors;
    the reconstruction is what both Nx and this spec guarantee:

    >>> a = nx.tensor([[0, 1, 2], [1, 0, 2], [2, 2, 3]])
    >>> eigenvals, eigenvecs = nx.linalg.eigh(a)
    >>> nx.round(eigenvals)
    #Nx.Tensor<
      f32[3]
      [5.0, -1.0, -1.0]
    >
    >>> nx.round(nx.dot(nx.multiply(eigenvecs, eigenvals), nx.linalg.adjoint(eigenvecs)))
    #Nx.Tensor<
      f32[3][3]
      [
        [0.0, 1.0, 2.0],
        [1.0, 0.0, 2.0],
        [2.0, 2.0, 3.0]
      ]
    >

    Errors:

    >>> nx.linalg.eigh(nx.tensor([[1, 2, 3], [4, 5, 6]]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: tensor must be a square matrix or a batch of square matrices, got shape: (2, 3)
    >>> nx.linalg.eigh(nx.tensor([1, 2]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: tensor must have at least rank 2, got rank 1 with shape (2,)
    """))


# -- svd --------------------------------------------------------------------------------

def _svd_normalize(a, *, max_iter, full_matrices):
    if not isinstance(full_matrices, bool):
        raise ArgumentError(f"nx.linalg.svd: full_matrices must be a boolean, "
                            f"got: {full_matrices!r:.80}")
    return dict(max_iter=_check_max_iter("svd", max_iter), full_matrices=full_matrices)


def _svd_infer(a, *, max_iter, full_matrices):
    a = _spec(a)
    _check_type("svd", a)
    _check_matrices(a, square=False)
    batch, (m, n) = a.shape[:-2], a.shape[-2:]
    k = min(m, n)
    t = types.to_floating(a.type)
    u, vt = ((m, m), (n, n)) if full_matrices else ((m, k), (k, n))
    none = (None,) * a.rank
    return (TensorSpec(t, batch + u, none), TensorSpec(types.to_real(t), batch + (k,), none[1:]),
            TensorSpec(t, batch + vt, none))


svd = register(Op(
    name="svd", family="linalg", params=(
        tensor("tensor"),
        option("max_iter", 100, "the most Jacobi sweeps"),
        option("full_matrices", True, "u (..., m, m) and vt (..., n, n); else (..., m, k) "
                                      "and (..., k, n) with k = min(m, n)")),
    infer=_svd_infer, normalize=_svd_normalize, accepts=_ACCEPTS, grad=svd_grad,
    extras={"rtol": RTOL},
    doc="""The singular value decomposition ``tensor = u @ diag(s) @ vt`` of a
    matrix, or of each matrix of a batch: the tuple ``(u, s, vt)`` with ``u``
    and ``vt`` having orthonormal columns and rows, and the ``k = min(m, n)``
    singular values ``s`` non-negative and sorted from largest to smallest.
    ``u`` and ``vt`` are in the floating type of the input, ``s`` in its real
    type; no names. With ``full_matrices=True`` (the default) ``u`` is
    ``(..., m, m)`` and ``vt`` ``(..., n, n)``, else ``(..., m, k)`` and
    ``(..., k, n)``.

    The first entry of largest magnitude of each of the first ``k`` rows of
    ``vt`` is real and positive, and ``u``'s columns follow. Singular vectors
    that are not determined (for zero singular values, and those completing
    ``u`` or ``vt`` to a square matrix) come from Gram-Schmidt on the standard
    basis vectors, so an all-zero matrix gives identities, as in Nx.
    ``max_iter`` bounds the sweeps of the reference's one-sided Jacobi method.
    Complex inputs are accepted (Nx 0.13 raises "not yet implemented" for
    them; this spec follows JAX).

    >>> u, s, vt = nx.linalg.svd(nx.tensor([[1, 0, 0], [0, 1, 0], [0, 0, -1]]))
    >>> u
    #Nx.Tensor<
      f32[3][3]
      [
        [1.0, 0.0, 0.0],
        [0.0, 1.0, 0.0],
        [0.0, 0.0, -1.0]
      ]
    >
    >>> s
    #Nx.Tensor<
      f32[3]
      [1.0, 1.0, 1.0]
    >
    >>> vt
    #Nx.Tensor<
      f32[3][3]
      [
        [1.0, 0.0, 0.0],
        [0.0, 1.0, 0.0],
        [0.0, 0.0, 1.0]
      ]
    >
    >>> a = nx.tensor([[2, 0, 0], [0, 3, 0], [0, 0, -1], [0, 0, 0]])
    >>> u, s, vt = nx.linalg.svd(a)
    >>> u
    #Nx.Tensor<
      f32[4][4]
      [
        [0.0, 1.0, 0.0, 0.0],
        [1.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, -1.0, 0.0],
        [0.0, 0.0, 0.0, 1.0]
      ]
    >
    >>> s
    #Nx.Tensor<
      f32[3]
      [3.0, 2.0, 1.0]
    >
    >>> vt
    #Nx.Tensor<
      f32[3][3]
      [
        [0.0, 1.0, 0.0],
        [1.0, 0.0, 0.0],
        [0.0, 0.0, 1.0]
      ]
    >
    >>> u, s, vt = nx.linalg.svd(a, full_matrices=False)
    >>> u
    #Nx.Tensor<
      f32[4][3]
      [
        [0.0, 1.0, 0.0],
        [1.0, 0.0, 0.0],
        [0.0, 0.0, -1.0],
        [0.0, 0.0, 0.0]
      ]
    >

    (Nx prints ``0.99999994`` and ``1.9999999`` in the full decomposition, the
    round-off of its f32 polar decomposition.)

    Errors:

    >>> nx.linalg.svd(nx.tensor([1, 2, 3]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: tensor must have at least rank 2, got rank 1 with shape (3,)
    """))

