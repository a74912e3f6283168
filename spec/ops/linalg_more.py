"""More of ``nx.linalg`` (Nx.LinAlg): ``lu`` (a Backend primitive) and the
composites written over it, ``determinant`` and ``invert``.

As in :mod:`spec.ops.linalg`, inputs are square matrices or batches of them
(leading batch axes), integer inputs compute in floating point, the f8 types
are refused, and the reference semantics compute in f64 (c128) and round once
into the output type. Tolerances are :data:`spec.ops.linalg.RTOL`.
"""

from __future__ import annotations

from spec import types
from spec.errors import ArgumentError
from spec.ops.linalg_grad import lu_grad
from spec.ops.linalg import RTOL, _ACCEPTS, _check_type, _spec
from spec.registry import Op, TensorSpec, register, static, tensor

__all__ = ["lu", "determinant", "invert", "matrix_power", "SINGULAR_EPS"]

# |det| at or below this (per real output type) marks a matrix singular for
# invert: Nx's smallest positive normal number of the type times 1000
SINGULAR_EPS = {"f16": 6.103515625e-05 * 1e3, "bf16": 1.1754943508222875e-38 * 1e3,
                "f32": 1.1754943508222875e-38 * 1e3, "f64": 2.2250738585072014e-308 * 1e3}


def _check_square(a: TensorSpec, message: str):
    if a.rank < 2:
        raise ArgumentError(f"tensor must have at least rank 2, got rank {a.rank} "
                            f"with shape {a.shape}")
    if a.shape[-1] != a.shape[-2]:
        raise ArgumentError(message)


# -- lu ---------------------------------------------------------------------------------

def _lu_infer(a):
    a = _spec(a)
    _check_type("lu", a)
    _check_square(a, "tensor must be a square matrix or a batch of square matrices, "
                     f"got shape: {a.shape}")
    none = (None,) * a.rank
    t = types.to_floating(a.type)
    return (TensorSpec(a.type, a.shape, none), TensorSpec(t, a.shape, none),
            TensorSpec(t, a.shape, none))


lu = register(Op(
    name="lu", family="linalg", params=(tensor("tensor"),),
    infer=_lu_infer, accepts=_ACCEPTS, grad=lu_grad, extras={"rtol": RTOL},
    doc="""The LU decomposition with partial pivoting: the tuple ``(p, l, u)``
    with ``a == p @ l @ u``, ``p`` a permutation matrix (in the input's type),
    ``l`` unit lower triangular and ``u`` upper triangular (in the floating
    type of the input). At each column the row of largest magnitude at or
    below the diagonal is the pivot (the first one on ties); a column with
    only zeros there is not eliminated (``u`` gets a zero on its diagonal and
    no error is raised). Batched over leading axes; no names.

    >>> p, l, u = nx.linalg.lu(nx.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]))
    >>> p
    #Nx.Tensor<
      s32[3][3]
      [
        [0, 1, 0],
        [0, 0, 1],
        [1, 0, 0]
      ]
    >
    >>> l
    #Nx.Tensor<
      f32[3][3]
      [
        [1.0, 0.0, 0.0],
        [0.14285715, 1.0, 0.0],
        [0.5714286, 0.5, 1.0]
      ]
    >
    >>> u
    #Nx.Tensor<
      f32[3][3]
      [
        [7.0, 8.0, 9.0],
        [0.0, 0.85714287, 1.7142857],
        [0.0, 0.0, 1.110223e-16]
      ]
    >

    (The last pivot is round-off of the f64 computation; Nx, computing in
    f32, shows ``0.0`` there and ``0.4999998`` in ``l``.)

    >>> p, l, u = nx.linalg.lu(nx.tensor([[1, 0, 1], [-1, 0, -1], [1, 1, 1]]))
    >>> p.to_list(), l.to_list(), u.to_list()
    ([[1, 0, 0], [0, 0, 1], [0, 1, 0]], [[1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [-1.0, 0.0, 1.0]], [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])

    Errors:

    >>> nx.linalg.lu(nx.tensor([[1, 1, 1, 1], [-1, 4, 4, -1], [4, -2, 2, 0]]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: tensor must be a square matrix or a batch of square matrices, got shape: (3, 4)
    """))


# -- determinant ------------------------------------------------------------------------

def _det_infer(a):
    a = _spec(a)
    _check_type("determinant", a)
    if a.rank < 2 or a.shape[-1] != a.shape[-2]:
        raise ArgumentError("determinant/1 expects a square tensor, got tensor with shape: "
                            f"{a.shape[-2:]}")
    return TensorSpec(types.to_floating(a.type), a.shape[:-2], (None,) * (a.rank - 2))


def _permutation_sign(nx, p):
    """+1 or -1 per matrix of the batch of permutation matrices ``p`` (f64):
    the parity of the number of inversions of the permutation."""
    n, r = p.shape[-1], p.rank
    perm = nx.argmax(nx.abs(p), axis=r - 2)                      # column k's row: perm[k]
    later = nx.subtract(nx.new_axis(perm, -2), nx.new_axis(perm, -1))   # perm[j] - perm[i]
    upper = nx.less(nx.iota((n, n), axis=0), nx.iota((n, n), axis=1))  # i < j
    inversions = nx.sum(nx.logical_and(nx.less(later, 0), upper), axes=[r - 2, r - 1])
    return nx.subtract(1.0, nx.multiply(2.0, nx.remainder(inversions, 2)))


def _determinant(nx, a):
    out = _det_infer(a.spec)
    if a.shape[-1] == 0:                         # the empty product
        return nx.broadcast(nx.tensor(1, type=out.type), out.shape)
    work = "c128" if out.type.is_complex else "f64"
    if a.shape[-1] in (2, 3):                   # Nx's closed forms: smooth, singular or not
        det = nx.as_type(_small_determinant(nx, nx.as_type(a, work)), out.type)
        return det if det.names == out.names else nx.rename(det, list(out.names))
    p, _, u = nx.linalg.lu(nx.as_type(a, work))
    diag = nx.take_diagonal(u) if u.rank == 2 else _batched_diagonal(nx, u)
    det = nx.multiply(nx.product(diag, axes=[u.rank - 2]), _permutation_sign(nx, p))
    return nx.as_type(det, out.type)


def _small_determinant(nx, a):
    """The determinant of 2x2 or 3x3 matrices by cofactor expansion along the
    first row (its gradient, the cofactor matrix, stays finite where ``a`` is
    singular, as in Nx)."""
    r = a.rank

    def e(i, j):
        row = nx.slice_along_axis(a, i, 1, axis=r - 2)
        return nx.squeeze(nx.slice_along_axis(row, j, 1, axis=r - 1), axes=[r - 2, r - 1])

    def minor(i0, i1, j0, j1):
        return nx.subtract(nx.multiply(e(i0, j0), e(i1, j1)), nx.multiply(e(i0, j1), e(i1, j0)))

    if a.shape[-1] == 2:
        return minor(0, 1, 0, 1)
    return nx.add(nx.subtract(nx.multiply(e(0, 0), minor(1, 2, 1, 2)),
                              nx.multiply(e(0, 1), minor(1, 2, 0, 2))),
                  nx.multiply(e(0, 2), minor(1, 2, 0, 1)))


def _batched_diagonal(nx, u):
    n = u.shape[-1]
    eye = nx.eye(n, type=u.type)
    return nx.sum(nx.multiply(u, eye), axes=[u.rank - 1])


determinant = register(Op(
    name="determinant", family="linalg", params=(tensor("tensor"),),
    infer=_det_infer, composite=_determinant, accepts=_ACCEPTS,
    extras={"rtol": RTOL},
    doc="""The determinant of a square matrix, or of each matrix of a batch
    (shape ``(..., n, n)`` gives shape ``(...)``), in the floating type of the
    input, with no names. The default implementation computes in f64 (c128)
    and rounds once into the output type: 2x2 and 3x3 matrices by their
    closed forms (cofactor expansion, as Nx, so the gradient stays finite at
    singular matrices), larger ones from :func:`lu`, the sign of the
    permutation times the product of ``u``'s diagonal (Nx computes in the
    output type, so its last bits may differ: Nx prints ``47.999996`` and
    ``630.00006`` in two of the examples below).

    >>> nx.linalg.determinant(nx.tensor([[1, 2], [3, 4]], names=["x", "y"]))
    #Nx.Tensor<
      f32
      -2.0
    >
    >>> nx.linalg.determinant(nx.tensor([[1.0, 2.0, 3.0], [1.0, -2.0, 3.0], [7.0, 8.0, 9.0]]))
    #Nx.Tensor<
      f32
      48.0
    >
    >>> nx.linalg.determinant(nx.tensor([
    ...     [0, 0, 0, 0, -1], [0, 1, 2, 3, 0], [0, 1, -2, 3, 0], [0, 7, 8, 9, 0], [1, 0, 0, 0, 0]]))
    #Nx.Tensor<
      f32
      48.0
    >
    >>> nx.linalg.determinant(nx.tensor([
    ...     [[2, 4, 6, 7], [5, 1, 8, 8], [1, 7, 3, 1], [3, 9, 2, 4]],
    ...     [[2, 5, 1, 3], [4, 1, 7, 9], [6, 8, 3, 2], [7, 8, 1, 4]]]))
    #Nx.Tensor<
      f32[2]
      [630.0, 630.0]
    >
    >>> nx.linalg.determinant(nx.tensor([[1, 0, 0], [0, 2j, 0], [0, 0, 3]]))
    #Nx.Tensor<
      c64
      0.0+6.0i
    >

    Errors:

    >>> nx.linalg.determinant(nx.tensor([[1, 2, 3], [4, 5, 6]]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: determinant/1 expects a square tensor, got tensor with shape: (2, 3)
    """))


# -- invert -----------------------------------------------------------------------------

def _invert_infer(a):
    a = _spec(a)
    _check_type("invert", a)
    if a.rank < 2 or a.shape[-1] != a.shape[-2]:
        raise ArgumentError("invert/1 expects a square matrix or a batch of square matrices, "
                            f"got tensor with shape: {a.shape}")
    return TensorSpec(types.to_floating(a.type), a.shape, (None,) * a.rank)


def _invert(nx, a):
    out = _invert_infer(a.spec)
    work = "c128" if out.type.is_complex else "f64"
    x = nx.as_type(a, work)
    n, batch = a.shape[-1], a.shape[:-2]
    det = nx.linalg.determinant(x)
    eps = SINGULAR_EPS[types.to_real(out.type).name]
    singular = nx.broadcast(nx.reshape(nx.less_equal(nx.abs(det), eps), batch + (1, 1)),
                            a.shape)
    eye = nx.broadcast(nx.eye(n, type=work), a.shape)
    safe = nx.select(singular, eye, x)           # singular matrices are not solved
    inv = nx.select(singular, float("nan"), nx.linalg.solve(safe, eye))
    return nx.as_type(inv, out.type)


invert = register(Op(
    name="invert", family="linalg", params=(tensor("tensor"),),
    infer=_invert_infer, composite=_invert, accepts=_ACCEPTS,
    extras={"rtol": RTOL},
    doc="""The inverse of a square matrix, or of each matrix of a batch, in the
    floating type of the input, with no names. As in Nx, a matrix whose
    determinant is at most ``1000 *`` the smallest positive normal number of
    the type in magnitude (:data:`SINGULAR_EPS`) is singular: its inverse is all
    NaN and no error is raised. The default implementation solves
    ``a @ x = I`` (:func:`solve`) in f64 (c128) and rounds once.

    >>> a = nx.tensor([[1, 2, 1, 1], [0, 1, 0, 1], [0, 0, 1, 1], [0, 0, 0, 1]])
    >>> nx.linalg.invert(a)
    #Nx.Tensor<
      f32[4][4]
      [
        [1.0, -2.0, -1.0, 2.0],
        [0.0, 1.0, 0.0, -1.0],
        [0.0, 0.0, 1.0, -1.0],
        [0.0, 0.0, 0.0, 1.0]
      ]
    >
    >>> nx.linalg.invert(nx.tensor([[[1, 2], [0, 1]], [[1, 1], [0, 1]]])).to_list()
    [[[1.0, -2.0], [0.0, 1.0]], [[1.0, -1.0], [0.0, 1.0]]]
    >>> nx.linalg.invert(nx.tensor([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]]))
    #Nx.Tensor<
      f32[4][4]
      [
        [NaN, NaN, NaN, NaN],
        [NaN, NaN, NaN, NaN],
        [NaN, NaN, NaN, NaN],
        [NaN, NaN, NaN, NaN]
      ]
    >

    Errors:

    >>> nx.linalg.invert(nx.tensor([[3, 0, 0, 0], [2, 1, 0, 0]]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: invert/1 expects a square matrix or a batch of square matrices, got tensor with shape: (2, 4)
    """))


# -- matrix_power -----------------------------------------------------------------------

def _mp_normalize(a, power):
    # power is positional (static) as in Nx; it reaches the composite as an option
    if isinstance(power, bool) or not isinstance(power, int):
        raise ArgumentError(f"matrix_power/2 expects an integer power, got: {power!r}")
    return dict(power=power)


def _mp_infer(a, given_power=None, *, power):
    a = _spec(a)
    if a.rank < 2 or a.shape[-1] != a.shape[-2]:
        raise ArgumentError("matrix_power/2 expects a square matrix or a batch of square "
                            f"matrices, got tensor with shape: {a.shape}")
    if power < 0:
        return _invert_infer(a)
    if power == 0:
        return TensorSpec(types.normalize("s32"), a.shape, (None,) * a.rank)
    return TensorSpec(a.type, a.shape, a.names)


def _matrix_power(nx, a, *, power):
    out = _mp_infer(a.spec, power=power)
    if power < 0:
        return _matrix_power(nx, nx.linalg.invert(a), power=-power)
    if power == 0:
        return nx.broadcast(nx.eye(a.shape[-1]), a.shape)
    batch = list(range(a.rank - 2))
    result, square = None, a
    while True:                      # square-and-multiply over the bits of power
        if power & 1:
            result = square if result is None else nx.dot(result, [a.rank - 1], batch,
                                                          square, [a.rank - 2], batch)
        power >>= 1
        if not power:
            return nx.rename(result, list(out.names)) if result.names != out.names else result
        square = nx.dot(square, [a.rank - 1], batch, square, [a.rank - 2], batch)


matrix_power = register(Op(
    name="matrix_power", family="linalg",
    params=(tensor("tensor"), static("power", doc="the integer exponent; negative powers "
                                                  "take powers of the inverse")),
    infer=_mp_infer, normalize=_mp_normalize, composite=_matrix_power, accepts=_ACCEPTS,
    backend_options=("power",),
    doc="""The square matrix (or each matrix of a batch) raised to the integer
    ``power`` by repeated matrix products (square and multiply). ``power=0``
    gives identity matrices of type s32, as Nx's ``Nx.eye(shape)`` does, whatever
    the input's type; a positive power keeps the type and names (integer
    products wrap); a negative power is the power of :func:`invert`, in the
    floating type, with no names. ``power`` is positional as in Nx (it may
    also be given by keyword); ``normalize`` hands it to backends as the
    option ``power``.

    >>> nx.linalg.matrix_power(nx.tensor([[1, 2], [3, 4]]), 0)
    #Nx.Tensor<
      s32[2][2]
      [
        [1, 0],
        [0, 1]
      ]
    >
    >>> nx.linalg.matrix_power(nx.tensor([[1, 2], [3, 4]]), 6)
    #Nx.Tensor<
      s32[2][2]
      [
        [5743, 8370],
        [12555, 18298]
      ]
    >
    >>> nx.linalg.matrix_power(nx.eye(3), 65535).to_list()
    [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    >>> nx.linalg.matrix_power(nx.iota((2, 2, 2)), 3).to_list()
    [[[6, 11], [22, 39]], [[514, 615], [738, 883]]]
    >>> nx.linalg.matrix_power(nx.tensor([[1, 2], [3, 4]]), power=-1)
    #Nx.Tensor<
      f32[2][2]
      [
        [-2.0, 1.0],
        [1.5, -0.5]
      ]
    >

    Errors:

    >>> nx.linalg.matrix_power(nx.tensor([[1, 2], [3, 4], [5, 6]]), 1)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: matrix_power/2 expects a square matrix or a batch of square matrices, got tensor with shape: (3, 2)
    """))
