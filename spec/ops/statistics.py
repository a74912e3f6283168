"""Statistics built on the reductions: mean, variance, standard deviation,
logsumexp and all_close.

Each is a composite: its declaration holds the type, shape and naming rules
and a default implementation written once against the ``nx`` namespace (Nx's
own definitions, step by step, so each step rounds into its type as in Nx);
a backend may override any of them by name.
"""

from __future__ import annotations

from spec import types
from spec.errors import ArgumentError, ShapeError
from spec.names import broadcast_names
from spec.ops._reduce import as_spec, reduced_size, statistic
from spec.registry import Op, TensorSpec, option, register, tensor
from spec.shapes import broadcast_shapes

__all__ = ["mean", "variance", "standard_deviation", "logsumexp", "all_close"]

_U8 = types.normalize("u8")


def _floating(type_, **_opts):
    return types.to_floating(type_)


@statistic(accepts=types.ALL_TYPES, out_type=_floating,
           tolerance={"f8": 1, "f8_e4m3fn": 1, "f16": 1, "bf16": 1, "f32": 1, "f64": 1,
                      "c64": 1, "c128": 1})
def mean(nx, x, *, axes=None, keep_axes=False):
    """Returns the mean of the elements of a tensor, over all axes or over ``axes``.

    Computed as Nx does: ``sum`` (in its aggregate type), then divided by the
    number of elements reduced; the type is ``to_floating`` of the input's. The
    mean of an empty group is NaN (0 / 0).

    >>> nx.mean(nx.tensor(42))
    #Nx.Tensor<
      f32
      42.0
    >
    >>> nx.mean(nx.tensor([1, 2, 3], type="u8", names=["x"]), axes=["x"])
    #Nx.Tensor<
      f32
      2.0
    >
    >>> t = nx.iota((2, 2, 3), names=["x", "y", "z"])
    >>> nx.mean(t, axes=["x", "z"])
    #Nx.Tensor<
      f32[y: 2]
      [4.0, 7.0]
    >
    >>> nx.mean(t, axes=[-1], keep_axes=True)
    #Nx.Tensor<
      f32[x: 2][y: 2][z: 1]
      [
        [
          [1.0],
          [4.0]
        ],
        [
          [7.0],
          [10.0]
        ]
      ]
    >
    """
    return nx.divide(nx.sum(x, axes=axes, keep_axes=keep_axes), reduced_size(x.shape, axes))


def _check_ddof(x, opts):
    ddof = opts.get("ddof", 0)
    if not isinstance(ddof, int) or isinstance(ddof, bool):
        raise ArgumentError(f"expected ddof to be an integer, got: {ddof!r}")


_DDOF = option("ddof", 0, "delta degrees of freedom: the divisor is n - ddof")
_VARIANCE_TOLERANCE = {"f8": 2, "f8_e4m3fn": 2, "f16": 2, "bf16": 2, "f32": 2, "f64": 2,
                       "c64": 2, "c128": 2}


@statistic(accepts=types.ALL_TYPES, out_type=_floating, tolerance=_VARIANCE_TOLERANCE,
           options=(_DDOF,), check_options=_check_ddof)
def variance(nx, x, *, axes=None, keep_axes=False, ddof=0):
    """Returns the variance of a tensor: the mean of the squared deviations from
    the mean, over all axes or over ``axes``, divided by ``n - ddof``.

    Computed as Nx does: the mean (kept axes), the deviations, their squares
    (``z * z`` for complex ``z``, not ``|z| ** 2``, as in Nx), their sum, and
    the division; the type is ``to_floating`` of the input's.

    >>> nx.variance(nx.tensor([[1, 2], [3, 4]]))
    #Nx.Tensor<
      f32
      1.25
    >
    >>> nx.variance(nx.tensor([[1, 2], [3, 4]]), ddof=1)
    #Nx.Tensor<
      f32
      1.6666666
    >
    >>> nx.variance(nx.tensor([[1, 2], [3, 4]]), axes=[0], ddof=1)
    #Nx.Tensor<
      f32[2]
      [2.0, 2.0]
    >
    >>> nx.variance(nx.tensor([[1, 2], [3, 4]]), axes=[1], keep_axes=True)
    #Nx.Tensor<
      f32[2][1]
      [
        [0.25],
        [0.25]
      ]
    >
    >>> nx.variance(nx.tensor([1, 2]), ddof=0.5)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: expected ddof to be an integer, got: 0.5
    """
    n = reduced_size(x.shape, axes)
    centered = nx.subtract(x, mean.composite(nx, x, axes=axes, keep_axes=True))
    squares = nx.multiply(centered, centered)
    return nx.divide(nx.sum(squares, axes=axes, keep_axes=keep_axes), n - ddof)


@statistic(accepts=types.ALL_TYPES, out_type=_floating, tolerance=_VARIANCE_TOLERANCE,
           options=(_DDOF,), check_options=_check_ddof)
def standard_deviation(nx, x, *, axes=None, keep_axes=False, ddof=0):
    """Returns the standard deviation of a tensor: the square root of its
    :func:`variance` (with the same ``axes``, ``keep_axes`` and ``ddof``).

    >>> nx.standard_deviation(nx.tensor([[1, 2], [3, 4]]))
    #Nx.Tensor<
      f32
      1.118034
    >
    >>> nx.standard_deviation(nx.tensor([[1, 2], [10, 20]]), axes=[0], ddof=1)
    #Nx.Tensor<
      f32[2]
      [6.363961, 12.727922]
    >
    >>> nx.standard_deviation(nx.tensor([[1, 2], [10, 20]]), keep_axes=True)
    #Nx.Tensor<
      f32[1][1]
      [
        [7.628073]
      ]
    >
    """
    return nx.sqrt(variance.composite(nx, x, axes=axes, keep_axes=keep_axes, ddof=ddof))


def _operand_type(value):
    type_ = getattr(value, "type", None)
    return type_ if type_ is not None else value


def _check_scaling(x, opts):
    factor = opts.get("exp_scaling_factor")
    if factor is None:
        return
    if hasattr(factor, "shape"):
        try:
            fits = broadcast_shapes(tuple(factor.shape), x.shape) == x.shape
        except ShapeError:
            fits = False
        if not fits:
            raise ShapeError(
                f"nx.logsumexp: exp_scaling_factor of shape {tuple(factor.shape)} cannot be "
                f"broadcast to the tensor's shape {x.shape}")
    elif not isinstance(factor, (int, float, complex)):
        raise ArgumentError(
            f"nx.logsumexp: expected exp_scaling_factor to be a tensor or a number, got: {factor!r}")


def _logsumexp_type(type_, exp_scaling_factor=None):
    floating = types.to_floating(type_)
    if exp_scaling_factor is None:
        return floating
    return types.binary_type(floating, _operand_type(exp_scaling_factor))


@statistic(accepts=types.REAL_TYPES, out_type=_logsumexp_type,
           error=lambda t: f"nx.logsumexp/2 does not support complex inputs, got: {t}",
           tolerance={"f8": 1, "f8_e4m3fn": 1, "f16": 2, "bf16": 2, "f32": 2, "f64": 2,
                      "c64": 2, "c128": 2},
           options=(option("exp_scaling_factor", None,
                           "a tensor (broadcastable to the input) or number multiplying "
                           "each exponential before the sum"),),
           check_options=_check_scaling)
def logsumexp(nx, x, *, axes=None, keep_axes=False, exp_scaling_factor=None):
    """Returns the logarithm of the sum of the exponentials of the elements,
    over all axes or over ``axes``, computed stably: ``log(sum(exp(x - m))) + m``
    with ``m`` the maximum of each group (0 where it is infinite).

    ``exp_scaling_factor`` (a number, or a tensor broadcastable to the input)
    multiplies each exponential before the sum. Unlike Nx, integer inputs are
    converted to floating point before subtracting the maximum (Nx subtracts in
    the integer type, which wraps around for small types). Complex tensors are
    rejected, as ``reduce_max`` rejects them. The logsumexp of an empty group
    is ``-inf``.

    >>> nx.logsumexp(nx.tensor([1, 2, 3, 4, 5, 6]))
    #Nx.Tensor<
      f32
      6.4561934
    >
    >>> nx.logsumexp(nx.tensor([1, 2, 3, 4, 5, 6]), exp_scaling_factor=0.5)
    #Nx.Tensor<
      f32
      5.7630463
    >
    >>> a = nx.tensor([-1, -1, -1, 1, 1, 1])
    >>> nx.logsumexp(nx.tensor([1, 2, 3, 4, 5, 6]), exp_scaling_factor=a)
    #Nx.Tensor<
      f32
      6.356537
    >
    >>> t = nx.tensor([[1, 2], [3, 4], [5, 6]], names=["x", "y"])
    >>> nx.logsumexp(t, axes=["x"])
    #Nx.Tensor<
      f32[y: 2]
      [5.1429315, 6.1429315]
    >
    >>> t = nx.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], names=["x", "y", "z"])
    >>> nx.logsumexp(t, axes=["x", "z"], keep_axes=True)
    #Nx.Tensor<
      f32[x: 1][y: 2][z: 1]
      [
        [
          [6.3314114],
          [8.331411]
        ]
      ]
    >
    """
    floating = types.to_floating(x.type)
    x = nx.as_type(x, floating)
    top = nx.reduce_max(x, axes=axes, keep_axes=True)
    top = nx.select(nx.is_infinity(top), nx.tensor(0, type=floating), top)
    exponentials = nx.exp(nx.subtract(x, top))
    if exp_scaling_factor is not None:
        exponentials = nx.multiply(exp_scaling_factor, exponentials)
    total = nx.log(nx.sum(exponentials, axes=axes, keep_axes=keep_axes))
    if not keep_axes:
        top = nx.reduce_max(top, axes=axes)  # drops the size-1 axes
    return nx.add(total, top)


# -- all_close ---------------------------------------------------------------------

def _all_close_normalize(a, b, *, rtol=1e-5, atol=1e-8, equal_nan=False):
    for name, value in (("rtol", rtol), ("atol", atol)):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ArgumentError(f"nx.all_close: expected {name} to be a number, got: {value!r}")
    return {"rtol": rtol, "atol": atol, "equal_nan": bool(equal_nan)}


def _all_close_infer(a, b, *, rtol=1e-5, atol=1e-8, equal_nan=False):
    a, b = as_spec(a), as_spec(b)
    broadcast_shapes(a.shape, b.shape)
    broadcast_names(a.shape, a.names, b.shape, b.names)
    return TensorSpec(_U8, (), ())


def _all_close(nx, a, b, *, rtol=1e-5, atol=1e-8, equal_nan=False):
    if a.type.is_integer and b.type.is_integer:
        # in f64: integer subtraction and abs wrap around (s8: |-128 - 0| is -128)
        a, b = nx.as_type(a, "f64"), nx.as_type(b, "f64")
        bound = nx.add(atol, nx.multiply(rtol, nx.abs(b)))
        return nx.all(nx.less_equal(nx.abs(nx.subtract(a, b)), bound))
    close = nx.less_equal(nx.abs(nx.subtract(a, b)), nx.add(atol, nx.multiply(rtol, nx.abs(b))))
    # inf - inf is NaN, yet equal infinities are close: compare them directly
    infinite = nx.logical_or(nx.is_infinity(a), nx.is_infinity(b))
    close = nx.select(infinite, nx.equal(a, b), close)
    if equal_nan:
        close = nx.select(nx.logical_and(nx.is_nan(a), nx.is_nan(b)), 1, close)
    return nx.all(close)


all_close = register(Op(
    name="all_close", family="reduction",
    params=(tensor("a"), tensor("b"),
            option("rtol", 1e-5, "relative tolerance"),
            option("atol", 1e-8, "absolute tolerance"),
            option("equal_nan", False, "whether NaN is close to NaN")),
    infer=_all_close_infer, normalize=_all_close_normalize, composite=_all_close,
    differentiable=False,
    doc="""Returns 1 (u8) if every element of ``a`` is close to the element of ``b``
    it broadcasts with, 0 otherwise: ``|a - b| <= atol + rtol * |b|``.

    ``rtol`` defaults to 1e-5 and ``atol`` to 1e-8. Equal infinities are close;
    an infinity is close to nothing else. NaN is close to nothing, unless
    ``equal_nan=True``, which makes NaN close to NaN. Two integer tensors are
    compared in f64. (Nx takes only ``|b|`` in f64 and subtracts in the integer
    type, where the difference wraps around: it finds s8 -128 close to 0.)

    >>> nx.all_close(nx.tensor([1.0e10, 1.0e-7]), nx.tensor([1.00001e10, 1.0e-8]))
    #Nx.Tensor<
      u8
      0
    >
    >>> nx.all_close(nx.tensor([1.0e-8, 1.0e-8]), nx.tensor([1.0e-8, 1.0e-9]))
    #Nx.Tensor<
      u8
      1
    >
    >>> nx.all_close(nx.tensor(float("nan")), nx.tensor(float("nan")))
    #Nx.Tensor<
      u8
      0
    >
    >>> t = nx.tensor([float("nan"), 1])
    >>> nx.all_close(t, t, equal_nan=True)
    #Nx.Tensor<
      u8
      1
    >
    >>> nx.all_close(nx.tensor(float("inf")), nx.tensor(float("inf")))
    #Nx.Tensor<
      u8
      1
    >
    >>> nx.all_close(nx.tensor(1.0e30), nx.tensor(float("inf")))
    #Nx.Tensor<
      u8
      0
    >
    >>> x = nx.tensor([[80, -128], [-72, -128]], type="s8")
    >>> nx.all_close(x, x)
    #Nx.Tensor<
      u8
      1
    >
    >>> nx.all_close(nx.tensor([-128], type="s8"), nx.tensor([0], type="s8"))
    #Nx.Tensor<
      u8
      0
    >
    """,
))
