"""The composites of ``nx.linalg`` written over :func:`~spec.ops.linalg_decomp.svd`:
``norm``, ``pinv``, ``least_squares`` and ``matrix_rank`` (Nx.LinAlg's, with
Nx's options, defaults and errors).

The default implementations compute in f64 (c128) and round once into the
output type; Nx computes in the output type, so its last bits may differ (its
printed examples show the f32 round-off of its decompositions).
"""

from __future__ import annotations

from spec import types
from spec.errors import ArgumentError
from spec.ops.linalg import RTOL, _ACCEPTS, _check_type, _spec
from spec.ops.linalg_decomp import _check_eps, work_type
from spec.registry import Op, TensorSpec, get, option, register, tensor

_REAL = tuple(t for t in _ACCEPTS if not t.is_complex)    # least_squares, matrix_rank: as in Nx

__all__ = ["norm", "pinv", "least_squares", "matrix_rank"]


# -- norm -------------------------------------------------------------------------------

_NORM_ATOMS = ("frobenius", "nuclear", "inf", "neg_inf")


def _norm_kind(t: TensorSpec, ord):
    """Which of Nx's norms ``ord`` names for a tensor of rank 1 or 2: ``("p",
    p)`` (the p-norm of the entries), ``("count",)``, ``("inf", max_or_min)``,
    ``("cols", max_or_min)`` (column sums), ``("smallest",)`` or ``("nuclear",)``."""
    if ord is None:
        return ("p", 2)
    if ord == "frobenius" and not isinstance(ord, bool):
        if t.rank == 1:
            raise ArgumentError("expected a 2-D tensor for ord='frobenius', got a 1-D tensor")
        return ("p", 2)
    if ord == "nuclear":
        if t.rank != 2:
            raise ArgumentError("nuclear norm not supported for rank != 2")
        return ("nuclear",)
    if ord in ("inf", "neg_inf"):
        return ("inf", "reduce_max" if ord == "inf" else "reduce_min")
    if isinstance(ord, bool) or not isinstance(ord, int):
        raise ArgumentError(f"unknown ord {ord!r:.80}")
    if t.rank == 1:
        return ("count",) if ord == 0 else ("p", ord)
    if ord not in (-2, -1, 1, 2):
        raise ArgumentError(f"invalid ord for 2-D tensor, got: {ord}")
    if ord in (1, -1):
        return ("cols", "reduce_max" if ord == 1 else "reduce_min")
    return ("smallest",) if ord == -2 else ("p", 2)


def _norm_normalize(t, *, ord, axes, keep_axes):
    t = _spec(t)
    if t.rank not in (1, 2):
        raise ArgumentError(f"expected 1-D or 2-D tensor, got tensor with shape {t.shape}")
    _norm_kind(t, ord)
    return dict(ord=ord, axes=axes, keep_axes=bool(keep_axes))


def _reduced(name, x: TensorSpec, axes, keep_axes) -> TensorSpec:
    op = get(name)
    return op.infer(x, **op.normalize(x, axes=axes, keep_axes=keep_axes))


def _norm_infer(t, *, ord, axes, keep_axes):
    t = _spec(t)
    kind = _norm_kind(t, ord)
    real = types.to_real(t.type)
    if kind[0] in ("smallest", "nuclear"):        # these take the singular values
        _check_type("norm", t)
    if kind[0] == "nuclear":
        return TensorSpec(real, (), ())
    if kind[0] == "smallest":
        base = TensorSpec(real, (min(t.shape),), (None,))
    elif kind[0] == "inf" and t.rank == 2:        # the row sums are reduced
        base = TensorSpec(real, t.shape[:1], t.names[:1])
    elif kind[0] == "cols":                       # the column sums are reduced
        base = TensorSpec(real, t.shape[1:], t.names[1:])
    else:
        base = t
    r = _reduced("reduce_max", TensorSpec(real, base.shape, base.names), axes, keep_axes)
    return TensorSpec(real, r.shape, r.names)


def _norm(nx, t, *, ord, axes, keep_axes):
    out = _norm_infer(t.spec, ord=ord, axes=axes, keep_axes=keep_axes)
    kind = _norm_kind(t.spec, ord)
    opts = dict(axes=axes, keep_axes=keep_axes)
    a = nx.abs(nx.as_type(t, work_type(t.spec)))     # f64 magnitudes
    if kind[0] == "count":
        r = nx.sum(nx.not_equal(t, 0), **opts)
    elif kind[0] == "p":
        r = _p_norm(nx, a, kind[1], opts)
    elif kind[0] == "inf":
        r = getattr(nx, kind[1])(nx.sum(a, axes=[1]) if t.rank == 2 else a, **opts)
    elif kind[0] == "cols":
        r = getattr(nx, kind[1])(nx.sum(a, axes=[0]), **opts)
    else:
        s = nx.linalg.svd(nx.as_type(t, work_type(t.spec)), full_matrices=False)[1]
        r = nx.sum(s) if kind[0] == "nuclear" else nx.reduce_min(s, **opts)
    return nx.as_type(r, out.type)


def _p_norm(nx, a, p, opts):
    """``sum(a ** p) ** (1 / p)``, scaled by the largest magnitude (as in Nx) so
    that large entries or large ``p`` do not overflow."""
    keep = dict(opts, keep_axes=True)
    scale_kept = nx.reduce_max(a, **keep)
    scale_kept = nx.select(nx.greater(scale_kept, 0), scale_kept, 1.0)
    scale = nx.reduce_max(a, **opts)
    scale = nx.select(nx.greater(scale, 0), scale, 1.0)
    total = nx.sum(nx.pow(nx.divide(a, scale_kept), p), **opts)
    return nx.multiply(nx.pow(total, 1.0 / p), scale)


norm = register(Op(
    name="norm", family="linalg", params=(
        tensor("tensor"),
        option("ord", None, "which norm (see the table)"),
        option("axes", None, "the axes a p-norm reduces (all by default)"),
        option("keep_axes", False, "keep the reduced axes with size 1")),
    infer=_norm_infer, normalize=_norm_normalize, composite=_norm,
    extras={"rtol": RTOL},
    doc="""A norm of a vector or a matrix (rank 1 or 2; no batches), in the
    real type of the input (f32 for integers), chosen by ``ord`` as in Nx:

    ================  ==================================  ===========================
    ``ord``           matrix                              vector
    ================  ==================================  ===========================
    ``None``          ``sqrt(sum(abs(x) ** 2))``          the same (the 2-norm)
    ``"frobenius"``   ``sqrt(sum(abs(x) ** 2))``          error
    ``"nuclear"``     the sum of the singular values      error
    ``"inf"``         the largest row sum of ``abs(x)``   ``max(abs(x))``
    ``"neg_inf"``     the smallest row sum of ``abs(x)``  ``min(abs(x))``
    ``0``             error                               the count of non-zeros
    ``1``, ``-1``     the largest, smallest column sum    ``sum(abs(x) ** p) ** (1 / p)``
    ``2``             ``sqrt(sum(abs(x) ** 2))``          the same
    ``-2``            the smallest singular value         ``sum(abs(x) ** p) ** (1 / p)``
    other integers    error                               ``sum(abs(x) ** p) ** (1 / p)``
    ================  ==================================  ===========================

    Note that ``ord=2`` on a matrix is the Frobenius norm in Nx 0.13 (numpy
    and JAX take the largest singular value); this spec follows Nx. Float
    orders are refused as in Nx. ``axes`` and ``keep_axes`` apply to the
    final reduction: over the entries for the p-norms, over the row (column)
    sums for ``"inf"`` and ``"neg_inf"`` (``1`` and ``-1``) of a matrix, over
    the singular values for ``-2``; ``"nuclear"`` ignores them. The
    default implementation works on the magnitudes in f64.

    >>> nx.linalg.norm(nx.tensor([3, 4]))
    #Nx.Tensor<
      f32
      5.0
    >
    >>> nx.linalg.norm(nx.tensor([3, 4]), ord=1)
    #Nx.Tensor<
      f32
      7.0
    >
    >>> nx.linalg.norm(nx.tensor([3, -4]), ord="inf")
    #Nx.Tensor<
      f32
      4.0
    >
    >>> nx.linalg.norm(nx.tensor([3, -4]), ord="neg_inf")
    #Nx.Tensor<
      f32
      3.0
    >
    >>> nx.linalg.norm(nx.tensor([3, -4, 0, 0]), ord=0)
    #Nx.Tensor<
      f32
      2.0
    >
    >>> a = nx.tensor([[3, -2], [2, -4]])
    >>> [float(nx.linalg.norm(a, ord=o)) for o in (1, -1, "inf", "neg_inf")]
    [6.0, 5.0, 6.0, 5.0]
    >>> float(nx.linalg.norm(nx.tensor([[3, -1], [2, -4]]), ord=-1))
    5.0
    >>> float(nx.linalg.norm(nx.tensor([[3, 0], [0, -4]]), ord="frobenius"))
    5.0
    >>> a = nx.tensor([[1, 0, 0], [0, -4, 0], [0, 0, 9]])
    >>> float(nx.linalg.norm(a, ord="nuclear")), float(nx.linalg.norm(a, ord=-2))
    (14.0, 1.0)
    >>> nx.linalg.norm(nx.tensor([[3, 4], [0, -4]]), axes=[1])
    #Nx.Tensor<
      f32[2]
      [5.0, 4.0]
    >
    >>> nx.linalg.norm(nx.tensor([[3j, 4], [4, 0]]), axes=[0])
    #Nx.Tensor<
      f32[2]
      [5.0, 4.0]
    >
    >>> float(nx.linalg.norm(nx.tensor([[3j, 0], [4, 0]]), ord="neg_inf"))
    3.0
    >>> float(nx.linalg.norm(nx.tensor([[0, 0], [0, 0]])))
    0.0

    Errors:

    >>> nx.linalg.norm(nx.tensor([3, 4]), ord="frobenius")
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: expected a 2-D tensor for ord='frobenius', got a 1-D tensor
    >>> nx.linalg.norm(nx.iota((2, 2, 2)))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: expected 1-D or 2-D tensor, got tensor with shape (2, 2, 2)
    >>> nx.linalg.norm(nx.iota((2, 2)), ord="blep")
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: unknown ord 'blep'
    >>> nx.linalg.norm(nx.iota((2, 2)), ord=-3)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: invalid ord for 2-D tensor, got: -3
    """))


# -- pinv -------------------------------------------------------------------------------

def _pinv_normalize(t, *, eps):
    return dict(eps=_check_eps("pinv", eps))


def _pinv_infer(t, *, eps):
    t = _spec(t)
    _check_type("pinv", t)
    shape = t.shape[:-2] + (t.shape[-1], t.shape[-2]) if t.rank >= 2 else t.shape
    return TensorSpec(types.to_floating(t.type), shape, (None,) * t.rank)


def _pinv(nx, t, *, eps):
    out = _pinv_infer(t.spec, eps=eps)
    x = nx.as_type(t, work_type(t.spec))
    if t.rank == 0:
        inverse = nx.divide(1.0, x)
    elif t.rank == 1:
        inverse = nx.divide(nx.conjugate(x) if t.type.is_complex else x,
                            nx.sum(nx.multiply(nx.abs(x), nx.abs(x))))
    else:
        u, s, vt = nx.linalg.svd(x, full_matrices=False)
        dropped = nx.less(s, eps)                 # 1 / s, or 0 for the singular values below eps
        s_inv = nx.select(dropped, 0.0, nx.divide(1.0, nx.select(dropped, 1.0, s)))
        r, batch = t.rank, list(range(t.rank - 2))
        scaled_ut = nx.multiply(nx.new_axis(s_inv, -1), nx.linalg.adjoint(u))
        inverse = nx.dot(nx.linalg.adjoint(vt), [r - 1], batch, scaled_ut, [r - 2], batch)
    zero = nx.all(nx.less_equal(nx.abs(x), eps))  # all of it, the whole batch, as in Nx
    result = nx.as_type(nx.select(zero, 0.0, inverse), out.type)
    return result if result.names == out.names else nx.rename(result, list(out.names))


pinv = register(Op(
    name="pinv", family="linalg", params=(
        tensor("tensor"),
        option("eps", 1.0e-10, "singular values below eps count as zero")),
    infer=_pinv_infer, normalize=_pinv_normalize, composite=_pinv, accepts=_ACCEPTS,
    extras={"rtol": RTOL},
    doc="""The Moore-Penrose pseudo-inverse: of a matrix (or each matrix of a
    batch) ``v @ diag(1 / s) @ adjoint(u)`` from :func:`svd`, where a singular
    value below ``eps`` contributes zero; of a vector ``x``, ``conj(x) /
    sum(abs(x) ** 2)``; of a scalar, its reciprocal. When every entry of the
    tensor (of the whole batch) is at most ``eps`` in magnitude the result is
    zero. Shape ``(..., n, m)`` for ``(..., m, n)`` (vectors and scalars keep
    their shape), the floating type of the input, no names.

    >>> nx.linalg.pinv(2), nx.linalg.pinv(0)
    (#Nx.Tensor<
      f32
      0.5
    >, #Nx.Tensor<
      f32
      0.0
    >)
    >>> nx.linalg.pinv(nx.tensor([0, 1, 2]))
    #Nx.Tensor<
      f32[3]
      [0.0, 0.2, 0.4]
    >
    >>> nx.linalg.pinv(nx.tensor([0, 0, 0])).to_list()
    [0.0, 0.0, 0.0]
    >>> nx.linalg.pinv(nx.tensor([[1, 1], [3, 4]]))
    #Nx.Tensor<
      f32[2][2]
      [
        [4.0, -1.0],
        [-3.0, 1.0]
      ]
    >
    >>> nx.linalg.pinv(nx.tensor([[0.5, 0], [0, 1], [0.5, 0]]))
    #Nx.Tensor<
      f32[2][3]
      [
        [1.0, 0.0, 1.0],
        [0.0, 1.0, 0.0]
      ]
    >

    (Nx prints ``4.0000577, -1.0000169, -3.000044, 1.000013`` and
    ``0.99999994``: the round-off of its f32 decomposition.)
    """))


# -- least_squares ----------------------------------------------------------------------

def _not_complex(fn, *specs):
    if any(s.type.is_complex for s in specs):
        raise ArgumentError(f"nx.linalg.{fn} is not yet implemented for complex inputs")


def _ls_normalize(a, b, *, eps):
    return dict(eps=_check_eps("least_squares", eps))


def _ls_infer(a, b, *, eps):
    a, b = _spec(a), _spec(b)
    _not_complex("least_squares", a, b)
    _check_type("least_squares", a)
    _check_type("least_squares", b)
    if a.rank != 2:
        raise ArgumentError(f"tensor of 1st argument must have rank 2, got rank {a.rank} "
                            f"with shape {a.shape}")
    if b.rank != 1:
        raise ArgumentError(f"tensor of 2nd argument must have rank 1, got rank {b.rank} "
                            f"with shape {b.shape}")
    if a.shape[0] != b.shape[0]:
        raise ArgumentError("the number of rows of the matrix as the 1st argument and the "
                            "number of columns of the vector as the 2nd argument must be the "
                            f"same, got 1st argument shape {a.shape} and 2nd argument shape "
                            f"{b.shape}")
    return TensorSpec(types.merge(types.to_floating(a.type), b.type), a.shape[1:], (None,))


def _least_squares(nx, a, b, *, eps):
    out = _ls_infer(a.spec, b.spec, eps=eps)
    x = nx.dot(nx.linalg.pinv(nx.as_type(a, "f64"), eps=eps), nx.as_type(b, "f64"))
    return nx.as_type(x, out.type)


least_squares = register(Op(
    name="least_squares", family="linalg", params=(
        tensor("a"), tensor("b"),
        option("eps", 1.0e-15, "singular values of a below eps count as zero")),
    infer=_ls_infer, normalize=_ls_normalize, composite=_least_squares, accepts=_REAL,
    extras={"rtol": RTOL},
    doc="""The least-squares solution ``x`` of ``a @ x = b`` (the one of
    smallest norm when there are many): ``pinv(a, eps=eps) @ b``, for a real
    matrix ``a`` of shape ``(m, n)`` and a vector ``b`` of shape ``(m,)`` (no
    batches, no complex types, as in Nx). The result has shape ``(n,)``, no
    names, and the floating type of ``a`` merged with ``b``'s type.

    >>> nx.linalg.least_squares(nx.tensor([[1, 2], [2, 3]]), nx.tensor([1, 2]))
    #Nx.Tensor<
      f32[2]
      [1.0, 0.0]
    >
    >>> a = nx.tensor([[0, 1], [1, 1], [2, 1], [3, 1]])
    >>> nx.linalg.least_squares(a, nx.tensor([-1, 0.2, 0.9, 2.1]))
    #Nx.Tensor<
      f32[2]
      [0.99999994, -0.95]
    >
    >>> nx.linalg.least_squares(nx.tensor([[1, 2, 3], [4, 5, 6]]), nx.tensor([1, 2]))
    #Nx.Tensor<
      f32[3]
      [-0.055555556, 0.11111111, 0.2777778]
    >

    (Nx prints ``[1.0000005, -2.3841858e-7]``, ``[1.0000001, -0.95000035]`` and
    ``[-0.055555582, 0.111111075, 0.27777776]``, computing in f32; the
    ``0.99999994`` here is the exact solution for ``b`` rounded to f32.)

    Errors:

    >>> nx.linalg.least_squares(nx.tensor([1, 2, 3]), nx.tensor([1, 2]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: tensor of 1st argument must have rank 2, got rank 1 with shape (3,)
    >>> nx.linalg.least_squares(nx.tensor([[1, 2], [2, 3]]), nx.tensor([[1, 2], [3, 4]]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: tensor of 2nd argument must have rank 1, got rank 2 with shape (2, 2)
    >>> nx.linalg.least_squares(nx.tensor([[1, 2j], [3, -4j]]), nx.tensor([1, 2]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: nx.linalg.least_squares is not yet implemented for complex inputs
    >>> nx.linalg.least_squares(nx.tensor([[1, 2], [2, 3]]), nx.tensor([1, 2, 3]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: the number of rows of the matrix as the 1st argument and the number of columns of the vector as the 2nd argument must be the same, got 1st argument shape (2, 2) and 2nd argument shape (3,)
    """))


# -- matrix_rank ------------------------------------------------------------------------

def _rank_normalize(a, *, eps):
    return dict(eps=_check_eps("matrix_rank", eps))


def _rank_infer(a, *, eps):
    a = _spec(a)
    _not_complex("matrix_rank", a)
    _check_type("matrix_rank", a)
    if a.rank != 2:
        raise ArgumentError(f"tensor must have rank 2, got rank {a.rank} with shape {a.shape}")
    return TensorSpec(types.normalize("u32"), (), ())


def _matrix_rank(nx, a, *, eps):
    out = _rank_infer(a.spec, eps=eps)
    s = nx.linalg.svd(nx.as_type(a, "f64"), full_matrices=False)[1]
    tol = nx.multiply(eps * max(a.shape), nx.reduce_max(s))
    return nx.as_type(nx.sum(nx.greater(s, tol)), out.type)


matrix_rank = register(Op(
    name="matrix_rank", family="linalg", params=(
        tensor("tensor"),
        option("eps", 1.0e-7, "relative threshold of a non-zero singular value")),
    infer=_rank_infer, normalize=_rank_normalize, composite=_matrix_rank, accepts=_REAL,
    differentiable=False,
    doc="""The rank of a real matrix (no batches, no complex types, as in Nx):
    the number of its singular values greater than ``eps * max(m, n) *
    max(s)``, as a u32 scalar.

    >>> nx.linalg.matrix_rank(nx.tensor([[1, 2], [3, 4]]))
    #Nx.Tensor<
      u32
      2
    >
    >>> int(nx.linalg.matrix_rank(nx.tensor([[1, 1, 1, 1], [1, 1, 1, 1], [1, 2, 3, 4]])))
    2
    >>> int(nx.linalg.matrix_rank(nx.tensor([[1, 1, 1], [2, 2, 2], [8, 9, 10], [-2, 1, 5]])))
    3

    Errors:

    >>> nx.linalg.matrix_rank(nx.tensor([1, 2, 3]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: tensor must have rank 2, got rank 1 with shape (3,)
    >>> nx.linalg.matrix_rank(nx.tensor([[1, 2j], [3, -4j]]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: nx.linalg.matrix_rank is not yet implemented for complex inputs
    """))
