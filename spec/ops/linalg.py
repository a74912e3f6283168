"""Linear algebra (``nx.linalg``, Nx.LinAlg): the frontend rules of the
decompositions and solvers.

``triangular_solve``, ``cholesky`` and ``qr`` are Backend primitives;
``adjoint`` and ``solve`` are composites written over them. Inputs are matrices
or batches of matrices (leading batch axes); integer inputs compute in floating
point (``to_floating``); the f8 types are refused. The reference semantics
compute in f64 (complex for complex types) and round once into the output type.
The functions live in ``nx.linalg``, not at the top level.

Tolerances are not ULPs of one element (a solver's error depends on the
condition of the matrix): ``RTOL`` is the relative error, per output type, that
a reconstruction (``L @ L^H``, ``Q @ R``, ``A @ X``) may show against its input
for well-conditioned matrices; tests and conformance use it.
"""

from __future__ import annotations

from spec import types
from spec.errors import ArgumentError
from spec.ops.linalg_grad import cholesky_grad, qr_grad, triangular_solve_grad
from spec.registry import Op, TensorSpec, option, register, tensor

__all__ = ["triangular_solve", "cholesky", "qr", "adjoint", "solve", "RTOL", "rtol"]

RTOL = {"f16": 1e-2, "bf16": 5e-2, "f32": 1e-4, "f64": 1e-10, "c64": 1e-4, "c128": 1e-10}

# the float and complex types linalg ops compute in (the narrow floats aside)
_ACCEPTS = tuple(t for t in types.ALL_TYPES if t.name not in ("f8", "f8_e4m3fn"))


def rtol(type_) -> float:
    """The relative tolerance of a reconstruction in ``type_``.

    >>> rtol("f32")
    0.0001
    """
    return RTOL[types.normalize(type_).name]


def _spec(x) -> TensorSpec:
    if isinstance(x, TensorSpec):
        return x
    return TensorSpec(types.infer(x), (), ())


def _check_square(fn, a: TensorSpec):
    if a.rank < 2:
        raise ArgumentError(f"nx.linalg.{fn}: tensor must have at least rank 2, got rank "
                            f"{a.rank} with shape {a.shape}")
    if a.shape[-1] != a.shape[-2]:
        raise ArgumentError(f"nx.linalg.{fn}: tensor must be a square matrix or a batch of "
                            f"square matrices, got shape: {a.shape}")


def _check_type(fn, a: TensorSpec):
    if a.type.name in ("f8", "f8_e4m3fn"):
        raise ArgumentError(f"nx.linalg.{fn}: type {a.type.name} is not supported, "
                            f"use f16, f32, f64, c64 or c128")


# -- triangular_solve -------------------------------------------------------------------

_TRANSFORMS = ("none", "transpose", "conjugate")


def _ts_normalize(a, b, *, lower, left_side, transform_a):
    if transform_a not in _TRANSFORMS:
        raise ArgumentError("invalid value for transform_a option, expected 'none', "
                            f"'transpose', or 'conjugate', got: {transform_a!r}")
    return dict(lower=bool(lower), left_side=bool(left_side), transform_a=transform_a)


def _ts_check_shapes(a: TensorSpec, b: TensorSpec, left_side: bool):
    if a.rank < 2 or a.shape[-1] != a.shape[-2]:
        raise ArgumentError("triangular_solve expected a square matrix or a batch of square "
                            f"matrices, got tensor with shape: {a.shape}")
    batch, n = a.shape[:-2], a.shape[-1]
    if b.shape == batch + (n,):                       # one vector per matrix
        return
    if b.rank == a.rank and b.shape[:-2] == batch:
        if (left_side and b.shape[-2] == n) or (not left_side and b.shape[-1] == n):
            return
    raise ArgumentError(f"incompatible dimensions for a and b on triangular solve: a has "
                        f"shape {a.shape} and b has shape {b.shape} (left_side={left_side})")


def _ts_infer(a, b, *, lower, left_side, transform_a):
    a, b = _spec(a), _spec(b)
    _check_type("triangular_solve", a)
    _check_type("triangular_solve", b)
    _ts_check_shapes(a, b, left_side)
    return TensorSpec(types.to_floating(types.merge(a.type, b.type)), b.shape, b.names)


triangular_solve = register(Op(
    name="triangular_solve", family="linalg",
    params=(tensor("a"), tensor("b"),
            option("lower", True, "a is lower triangular (else upper); the other triangle is ignored"),
            option("left_side", True, "solve op(a) x = b (else x op(a) = b)"),
            option("transform_a", "none", "op: 'none', 'transpose' or 'conjugate' (no transpose)")),
    infer=_ts_infer, normalize=_ts_normalize, accepts=_ACCEPTS, grad=triangular_solve_grad,
    extras={"rtol": RTOL},
    doc="""Solves ``op(a) @ x = b`` (``left_side=True``) or ``x @ op(a) = b``
    (``left_side=False``) for a triangular ``a``, where ``op`` is the identity,
    the transpose or the element-wise conjugate (``transform_a``). Only the
    triangle of ``a`` named by ``lower`` is read. ``a`` has shape ``(..., n, n)``
    and ``b`` shape ``(..., n)`` (one vector per matrix), ``(..., n, m)`` (left
    side) or ``(..., m, n)`` (right side), with the same batch axes. The result
    has ``b``'s shape and names, and the floating type of both types merged. A
    zero on the diagonal raises (Nx's "singular matrix").

    >>> a = nx.tensor([[3, 0, 0, 0], [2, 1, 0, 0], [1, 0, 1, 0], [1, 1, 1, 1]])
    >>> nx.linalg.triangular_solve(a, nx.tensor([4, 2, 4, 2]))
    #Nx.Tensor<
      f32[4]
      [1.3333334, -0.6666667, 2.6666667, -1.3333334]
    >
    >>> a = nx.tensor([[1, 1, 1], [0, 1, 1], [0, 0, 1]], type="f64")
    >>> nx.linalg.triangular_solve(a, nx.tensor([1, 2, 1]), transform_a="transpose", lower=False)
    #Nx.Tensor<
      f64[3]
      [1.0, 1.0, -1.0]
    >
    >>> a = nx.tensor([[1, 0, 0], [1, 1, 0], [1, 2, 1]])
    >>> nx.linalg.triangular_solve(a, nx.tensor([[0, 1, 3], [2, 1, 3]]), left_side=False)
    #Nx.Tensor<
      f32[2][3]
      [
        [2.0, -5.0, 3.0],
        [4.0, -5.0, 3.0]
      ]
    >
    >>> nx.linalg.triangular_solve(a, nx.tensor([[0, 2], [3, 0], [0, 0]]))
    #Nx.Tensor<
      f32[3][2]
      [
        [0.0, 2.0],
        [3.0, -2.0],
        [-6.0, 2.0]
      ]
    >
    >>> a = nx.tensor([[1, 0, 0], [1, 1j, 0], [1j, 1, 1]])
    >>> nx.linalg.triangular_solve(a, nx.tensor([1, -1, 3 + 3j]))
    #Nx.Tensor<
      c64[3]
      [1.0+0.0i, 0.0+2.0i, 3.0+0.0i]
    >
    >>> a = nx.tensor([[[1, 0], [2, 3]], [[4, 0], [5, 6]]])
    >>> nx.linalg.triangular_solve(a, nx.tensor([[2, -1], [3, 7]]))
    #Nx.Tensor<
      f32[2][2]
      [
        [2.0, -1.6666666],
        [0.75, 0.5416667]
      ]
    >

    Errors:

    >>> nx.linalg.triangular_solve(nx.tensor([[3, 0, 0, 0], [2, 1, 0, 0]]), nx.tensor([4, 2, 4, 2]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: triangular_solve expected a square matrix or a batch of square matrices, got tensor with shape: (2, 4)
    >>> nx.linalg.triangular_solve(nx.eye(4), nx.tensor([4]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: incompatible dimensions for a and b on triangular solve: a has shape (4, 4) and b has shape (1,) (left_side=True)
    >>> nx.linalg.triangular_solve(nx.tensor([[0, 0], [1, 1]]), nx.tensor([4, 2]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: can't solve for singular matrix
    >>> nx.linalg.triangular_solve(nx.eye(2), nx.tensor([1, 2]), transform_a="other")
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: invalid value for transform_a option, expected 'none', 'transpose', or 'conjugate', got: 'other'
    """))


# -- cholesky ---------------------------------------------------------------------------

def _cholesky_infer(a):
    a = _spec(a)
    _check_type("cholesky", a)
    _check_square("cholesky", a)
    return TensorSpec(types.to_floating(a.type), a.shape, a.names)


cholesky = register(Op(
    name="cholesky", family="linalg", params=(tensor("tensor"),),
    infer=_cholesky_infer, accepts=_ACCEPTS, grad=cholesky_grad, extras={"rtol": RTOL},
    doc="""The Cholesky factor ``L`` of a symmetric (Hermitian) positive-definite
    matrix ``A``: lower triangular, with ``L @ adjoint(L) == A``. Only the lower
    triangle of ``A`` is read. Shape ``(..., n, n)``, batched over the leading
    axes; the result keeps shape and names, in the floating type of the input.
    A matrix that is not positive definite gives NaN where a square root of a
    negative number is taken, as in Nx (no error is raised).

    >>> nx.linalg.cholesky(nx.tensor([[20.0, 17.6], [17.6, 16.0]]))
    #Nx.Tensor<
      f32[2][2]
      [
        [4.472136, 0.0],
        [3.9354796, 0.7155413]
      ]
    >
    >>> nx.linalg.cholesky(nx.tensor([[1.0, -2j], [2j, 5.0]]))
    #Nx.Tensor<
      c64[2][2]
      [
        [1.0+0.0i, 0.0+0.0i],
        [0.0+2.0i, 1.0+0.0i]
      ]
    >
    >>> nx.linalg.cholesky(nx.tensor([[[4, 2], [2, 5]], [[1, 0], [0, 9]]], type="f64"))
    #Nx.Tensor<
      f64[2][2][2]
      [
        [
          [2.0, 0.0],
          [1.0, 2.0]
        ],
        [
          [1.0, 0.0],
          [0.0, 3.0]
        ]
      ]
    >

    Errors:

    >>> nx.linalg.cholesky(nx.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: nx.linalg.cholesky: tensor must be a square matrix or a batch of square matrices, got shape: (2, 3)
    >>> nx.linalg.cholesky(nx.tensor([1.0, 2.0]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: nx.linalg.cholesky: tensor must have at least rank 2, got rank 1 with shape (2,)
    """))


# -- qr ---------------------------------------------------------------------------------

_QR_MODES = ("reduced", "complete")


def _qr_normalize(a, *, mode, eps):
    if mode not in _QR_MODES:
        raise ArgumentError(f"invalid mode received. Expected one of {list(_QR_MODES)}, "
                            f"received: {mode!r}")
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or eps < 0:
        raise ArgumentError(f"nx.linalg.qr: eps must be a non-negative number, got: {eps!r}")
    return dict(mode=mode, eps=float(eps))


def _qr_infer(a, *, mode, eps):
    a = _spec(a)
    _check_type("qr", a)
    if a.rank < 2:
        raise ArgumentError(f"nx.linalg.qr: tensor must have at least rank 2, got rank "
                            f"{a.rank} with shape {a.shape}")
    batch, (m, n) = a.shape[:-2], a.shape[-2:]
    k = min(m, n) if mode == "reduced" else m
    t = types.to_floating(a.type)
    none = (None,) * a.rank
    return (TensorSpec(t, batch + (m, k), none), TensorSpec(t, batch + (k, n), none))


qr = register(Op(
    name="qr", family="linalg", params=(
        tensor("tensor"),
        option("mode", "reduced", "'reduced': q (..., m, k), r (..., k, n) with k = min(m, n); "
                                  "'complete': q (..., m, m), r (..., m, n)"),
        option("eps", 1.0e-10, "entries of q and r at most eps in magnitude become zero; "
                               "columns already reduced to within eps are not reflected")),
    infer=_qr_infer, normalize=_qr_normalize, accepts=_ACCEPTS, grad=qr_grad,
    extras={"rtol": RTOL},
    doc="""The QR decomposition ``a = q @ r``: ``q`` has orthonormal columns
    (unitary for complex types), ``r`` is upper triangular. Returns the tuple
    ``(q, r)``, batched over the leading axes, in the floating type of the
    input, with no names. Computed with Householder reflections as in Nx: the
    diagonal of ``r`` is positive where a real column was reflected; a column
    whose part below the diagonal has a squared norm of at most ``eps`` is not
    reflected, keeps its sign and its (tiny) entries below the diagonal; at the
    end, entries of magnitude at most ``eps`` become zero. So ``q @ r`` may
    differ from ``a`` by about ``sqrt(eps)`` (absolute); ``eps=0`` gives an
    exactly triangular ``r`` and an accurate product. A wide matrix is factored as if padded with rows
    of zeros to a square one.

    >>> q, r = nx.linalg.qr(nx.tensor([[-3, 2, 1], [0, 1, 1], [0, 0, -1]]))
    >>> q
    #Nx.Tensor<
      f32[3][3]
      [
        [1.0, 0.0, 0.0],
        [0.0, 1.0, 0.0],
        [0.0, 0.0, 1.0]
      ]
    >
    >>> r
    #Nx.Tensor<
      f32[3][3]
      [
        [-3.0, 2.0, 1.0],
        [0.0, 1.0, 1.0],
        [0.0, 0.0, -1.0]
      ]
    >
    >>> q, r = nx.linalg.qr(nx.tensor([[3, 2, 1], [0, 1, 1], [0, 0, 1], [0, 0, 1]], type="f32"))
    >>> q
    #Nx.Tensor<
      f32[4][3]
      [
        [1.0, 0.0, 0.0],
        [0.0, 1.0, 0.0],
        [0.0, 0.0, 0.70710677],
        [0.0, 0.0, 0.70710677]
      ]
    >
    >>> r
    #Nx.Tensor<
      f32[3][3]
      [
        [3.0, 2.0, 1.0],
        [0.0, 1.0, 1.0],
        [0.0, 0.0, 1.4142135]
      ]
    >
    >>> q, r = nx.linalg.qr(nx.tensor([[3, 2, 1], [0, 1, 1], [0, 0, 1], [0, 0, 0]]), mode="complete")
    >>> q.shape, r.shape
    ((4, 4), (4, 3))
    >>> r
    #Nx.Tensor<
      f32[4][3]
      [
        [3.0, 2.0, 1.0],
        [0.0, 1.0, 1.0],
        [0.0, 0.0, 1.0],
        [0.0, 0.0, 0.0]
      ]
    >

    Errors:

    >>> nx.linalg.qr(nx.tensor([1, 2, 3, 4, 5]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: nx.linalg.qr: tensor must have at least rank 2, got rank 1 with shape (5,)
    >>> nx.linalg.qr(nx.eye(2), mode="error_test")
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: invalid mode received. Expected one of ['reduced', 'complete'], received: 'error_test'
    """))


# -- composites: adjoint, solve ---------------------------------------------------------

def _adjoint_infer(t):
    t = _spec(t)
    perm = list(range(t.rank - 2)) + [t.rank - 1, t.rank - 2] if t.rank >= 2 else []
    return TensorSpec(t.type, tuple(t.shape[a] for a in perm) if perm else t.shape,
                      tuple(t.names[a] for a in perm) if perm else t.names)


def _adjoint(nx, t):
    if t.rank >= 2:
        t = nx.transpose(t, axes=list(range(t.rank - 2)) + [t.rank - 1, t.rank - 2])
    return nx.conjugate(t) if t.type.is_complex else t


adjoint = register(Op(
    name="adjoint", family="linalg", params=(tensor("t"),),
    infer=_adjoint_infer, composite=_adjoint,
    doc="""The adjoint (conjugate transpose): the two innermost axes swapped,
    with their names, and complex values conjugated. Tensors of rank below 2
    are only conjugated. The type is unchanged.

    >>> nx.linalg.adjoint(nx.tensor([[1, 2], [3, 4]]))
    #Nx.Tensor<
      s32[2][2]
      [
        [1, 3],
        [2, 4]
      ]
    >
    >>> nx.linalg.adjoint(nx.tensor([[1, 2j], [3, complex(0, -4)]]))
    #Nx.Tensor<
      c64[2][2]
      [
        [1.0-0.0i, 3.0-0.0i],
        [0.0-2.0i, 0.0+4.0i]
      ]
    >
    >>> nx.linalg.adjoint(nx.iota((2, 3, 1), names=["b", "r", "c"])).shape
    (2, 1, 3)
    """))


def _solve_infer(a, b):
    a, b = _spec(a), _spec(b)
    _check_type("solve", a)
    _check_type("solve", b)
    if a.rank < 2 or a.shape[-1] != a.shape[-2]:
        raise ArgumentError("`a` tensor has incompatible dimensions, expected a square matrix "
                            f"or a batch of square matrices, got: {a.shape}")
    batch, n = a.shape[:-2], a.shape[-1]
    if b.shape != batch + (n,) and not (b.rank == a.rank and b.shape[:-1] == batch + (n,)):
        raise ArgumentError(f"`b` tensor has incompatible dimensions, expected "
                            f"{batch + (n, 'm')} or {batch + (n,)}, got: {b.shape}")
    return TensorSpec(types.to_floating(types.merge(a.type, b.type)), b.shape, (None,) * b.rank)


def _solve(nx, a, b):
    out = _solve_infer(a.spec, b.spec)
    work = "c128" if out.type.is_complex else "f64"   # factor in double precision, round once
    a, b = nx.as_type(a, work), nx.as_type(b, work)
    if b.rank < a.rank:
        b = nx.new_axis(b, -1)
    # a = q r, so a x = b is r x = q^H b, a triangular system
    q, r = nx.linalg.qr(a, eps=0.0)
    batch = list(range(a.rank - 2))
    qhb = nx.dot(nx.conjugate(q) if out.type.is_complex else q, [a.rank - 2], batch,
                 b, [a.rank - 2], batch)
    x = nx.linalg.triangular_solve(r, qhb, lower=False)
    return nx.as_type(nx.reshape(x, out.shape, names=list(out.names)), out.type)


solve = register(Op(
    name="solve", family="linalg", params=(tensor("a"), tensor("b")),
    infer=_solve_infer, composite=_solve, accepts=_ACCEPTS,
    extras={"rtol": RTOL},
    doc="""Solves ``a @ x = b`` for ``x``: ``a`` has shape ``(..., n, n)`` and
    ``b`` shape ``(..., n)`` or ``(..., n, m)`` with the same batch axes; ``x``
    has ``b``'s shape, no names, and the floating type of both types merged.
    The default implementation factors ``a = q @ r`` (:func:`qr`) and solves
    ``r @ x = adjoint(q) @ b`` (:func:`triangular_solve`) in f64 (c128), and
    rounds the solution once into the output type; an exactly zero pivot of
    ``r`` raises. Nx factors with LU in the output type, so the last bits may
    differ.

    >>> a = nx.tensor([[1, 3, 2, 1], [2, 1, 0, 0], [1, 0, 1, 0], [1, 1, 1, 1]])
    >>> nx.linalg.solve(a, nx.tensor([-3, 0, 4, -2]))
    #Nx.Tensor<
      f32[4]
      [1.0, -2.0, 3.0, -4.0]
    >
    >>> a = nx.tensor([[1, 0, 1], [1, 1, 0], [1, 1, 1]], type="f64", names=["x", "y"])
    >>> nx.linalg.solve(a, nx.tensor([0, 2, 1], names=["z"]))
    #Nx.Tensor<
      f64[3]
      [1.0000000000000002, 1.0000000000000002, -1.0000000000000002]
    >
    >>> a = nx.tensor([[[14, 10], [9, 9]], [[4, 11], [2, 3]]])
    >>> nx.linalg.solve(a, nx.tensor([[[2, 4], [3, 2]], [[1, 5], [-3, -1]]]))
    #Nx.Tensor<
      f32[2][2][2]
      [
        [
          [-0.33333334, 0.44444445],
          [0.6666667, -0.22222222]
        ],
        [
          [-3.6, -2.6],
          [1.4, 1.4]
        ]
      ]
    >

    Errors:

    >>> nx.linalg.solve(nx.tensor([[1, 0], [0, 1]]), nx.tensor([4, 2, 4, 2]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: `b` tensor has incompatible dimensions, expected (2, 'm') or (2,), got: (4,)
    >>> nx.linalg.solve(nx.tensor([[3, 0, 0, 0], [2, 1, 0, 0], [1, 1, 1, 1]]), nx.tensor([4]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: `a` tensor has incompatible dimensions, expected a square matrix or a batch of square matrices, got: (3, 4)
    >>> nx.linalg.solve(nx.tensor([[1.0, 0.0], [0.0, 0.0]]), nx.tensor([1.0, 1.0]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: can't solve for singular matrix
    """))
