"""Binary element-wise arithmetic with implicit broadcasting: add, subtract,
multiply, divide, quotient, remainder, pow, atan2, min, max and complex.

Every op here follows the rules of :func:`spec.ops._elementwise.binary`: the
operands merge into one type (a Python number keeps a tensor's type when it
fits, ``merge_number``), both are converted to the op's computation type, the
element function below applies to the Python values and the result is rounded
(floats) or wrapped (integers, two's complement) into the output type.

Where Nx's pure backend raises on a value (integer division by zero, negative
integer exponents) the spec follows XLA, the compiler behind Nx's main backend,
so that no element value ever makes an op raise; each such rule is written in
the op's docstring and pinned by tests.
"""

from __future__ import annotations

import builtins
import cmath
import math
import operator

from spec import types
from spec.errors import ArgumentError
from spec.ops._elementwise import ANY, INTEGER, REAL, binary, complex_error

__all__ = ["add", "subtract", "multiply", "divide", "quotient", "remainder", "pow",
           "atan2", "min", "max", "complex"]

# This module declares ops named like builtins (pow, min, max, complex); its
# helpers use these aliases so that they never call an Op by accident.
_complex = builtins.complex
_pow = builtins.pow

_INF = math.inf
_NAN = math.nan
_FLOATING_NAMES = tuple(t.name for t in types.FLOAT_TYPES + types.COMPLEX_TYPES)


def ulps(default=0, **per_type):
    """A tolerance table: ``default`` ULPs for every float and complex type,
    overridden per type name."""
    return {name: per_type.get(name, default) for name in _FLOATING_NAMES}


def _is_complex(*xs):
    return any(isinstance(x, _complex) for x in xs)


# -- add, subtract, multiply --------------------------------------------------

@binary(accepts=ANY, fast=operator.add, tolerance=ulps(0),
        special_cases=[((_INF, -_INF), _NAN), ((-0.0, -0.0), -0.0), ((-0.0, 0.0), 0.0)],
        grad=lambda ops, g, out, x, y: [g, g])
def add(left, right):
    """Element-wise addition of two tensors (Python numbers are tensors too).

    The output type is the merge of the input types (a Python number keeps the
    tensor's type when it fits: ``u8 + 1`` stays u8, ``u8 + -1`` becomes s16);
    shapes broadcast; integers wrap around.

    >>> nx.add(1, 2)
    #Nx.Tensor<
      s32
      3
    >
    >>> nx.add(nx.tensor([0, 1, 2], type="u8", names=["data"]), -1)
    #Nx.Tensor<
      s16[data: 3]
      [-1, 0, 1]
    >
    >>> left = nx.tensor([[1], [2]], names=[None, "y"])
    >>> right = nx.tensor([[10, 20]], names=["x", None])
    >>> nx.add(left, right)
    #Nx.Tensor<
      s32[x: 2][y: 2]
      [
        [11, 21],
        [12, 22]
      ]
    >
    >>> nx.add(nx.tensor([1, 2, 3]), nx.tensor([1, 2]))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: cannot broadcast tensor of dimensions (3,) to (2,)
    """
    return left + right


@binary(accepts=ANY, fast=operator.sub, tolerance=ulps(0),
        special_cases=[((_INF, _INF), _NAN), ((0.0, 0.0), 0.0), ((-0.0, 0.0), -0.0)],
        grad=lambda ops, g, out, x, y: [g, ops.negate(g)])
def subtract(left, right):
    """Element-wise subtraction of two tensors; types merge and shapes broadcast
    as in :func:`add`, integers wrap around.

    >>> nx.subtract(1, 2)
    #Nx.Tensor<
      s32
      -1
    >
    >>> nx.subtract(1, nx.tensor([1.0, 2.0, 3.0], names=["data"]))
    #Nx.Tensor<
      f32[data: 3]
      [0.0, -1.0, -2.0]
    >
    >>> left = nx.tensor([[1], [2]], type="s8", names=["x", None])
    >>> right = nx.tensor([[10, 20]], type="s8", names=[None, "y"])
    >>> nx.subtract(left, right)
    #Nx.Tensor<
      s8[x: 2][y: 2]
      [
        [-9, -19],
        [-8, -18]
      ]
    >
    """
    return left - right


@binary(accepts=ANY, fast=operator.mul, tolerance=ulps(0, c64=1, c128=1),
        special_cases=[((_INF, 0.0), _NAN), ((-0.0, 5.0), -0.0), ((-_INF, -2.0), _INF)],
        grad=lambda ops, g, out, x, y: [ops.multiply(g, y), ops.multiply(g, x)])
def multiply(left, right):
    """Element-wise multiplication of two tensors; types merge and shapes
    broadcast as in :func:`add`, integers wrap around.

    >>> nx.multiply(1, 2)
    #Nx.Tensor<
      s32
      2
    >
    >>> nx.multiply(nx.tensor([100, 2], type="s8"), 2)
    #Nx.Tensor<
      s8[2]
      [-56, 4]
    >
    """
    return left * right


# -- divide, quotient, remainder ---------------------------------------------

def _real_divide(x, y):
    try:
        return x / y
    except ZeroDivisionError:
        if x == 0 or x != x:
            return _NAN
        return math.copysign(_INF, math.copysign(1.0, x) * math.copysign(1.0, y))


def _divide(x, y):
    if not _is_complex(x, y):
        return _real_divide(x, y)
    x, y = _complex(x), _complex(y)
    if y.imag == 0 and y.real != 0 and y.real == y.real:
        # a real divisor divides each component (C99 Annex G): Python's complex
        # division would compute inf * 0 and turn (-inf+0j) / 2 into (-inf+nanj)
        return _complex(x.real / y.real, x.imag / y.real)
    try:
        return x / y
    except ZeroDivisionError:
        # as numpy: each component divided by +0.0
        return _complex(_real_divide(x.real, 0.0), _real_divide(x.imag, 0.0))


@binary(accepts=ANY, out_type=types.to_floating, fast=operator.truediv,
        tolerance=ulps(0, c64=2, c128=2),
        special_cases=[((1.0, 0.0), _INF), ((-1.0, 0.0), -_INF), ((1.0, -0.0), -_INF),
                       ((0.0, 0.0), _NAN), ((_INF, _INF), _NAN), ((1.0, _INF), 0.0)],
        grad=lambda ops, g, out, x, y: [
            ops.divide(g, y), ops.multiply(g, ops.negate(ops.divide(out, y)))])
def divide(left, right):
    """Element-wise division. The output type is ``to_floating`` of the merged
    type: integers are converted to f32 (or wider) first, and the division is
    done in floating point.

    Division by zero never raises: it gives a signed infinity, and ``0 / 0`` and
    ``nan / 0`` give NaN (IEEE 754). A complex number divided by zero divides
    each component by ``+0.0``.

    >>> nx.divide(1, 2)
    #Nx.Tensor<
      f32
      0.5
    >
    >>> nx.divide(1, nx.tensor([1.0, 2.0, 3.0], names=["data"]))
    #Nx.Tensor<
      f32[data: 3]
      [1.0, 0.5, 0.33333334]
    >
    >>> nx.divide(1.0, nx.tensor([0.0, -0.0]))
    #Nx.Tensor<
      f32[2]
      [Inf, -Inf]
    >
    """
    return _divide(left, right)


def _integer_error(name):
    return lambda t: (f"{name} expects integer tensors as inputs and outputs an integer "
                      f"tensor, got: {t}")


def _quotient_grad(ops, g, out, x, y):
    raise ArgumentError(
        "cannot compute gradient for nx.quotient/2: integer division is not "
        "differentiable; if a floating point computation is acceptable, use "
        "nx.floor(nx.divide(a, b)) instead")


@binary(accepts=INTEGER, error=_integer_error("quotient"), grad=_quotient_grad,
        special_cases=[((7, 0), -1), ((-7, 2), -3), ((7, -2), -3)])
def quotient(left, right):
    """Element-wise integer division, truncating toward zero (C's ``/``, not
    Python's ``//``). Integer types only; the output has the merged type.

    Division by zero does not raise: as in XLA, ``x // 0`` is ``-1`` (all bits
    set, the largest value of an unsigned type), and the overflowing
    ``min_value // -1`` wraps around to ``min_value``. Its gradient is undefined
    and raises.

    >>> nx.quotient(11, 2)
    #Nx.Tensor<
      s32
      5
    >
    >>> nx.quotient(nx.tensor([2, 4, 5], names=["data"]), 2)
    #Nx.Tensor<
      s32[data: 3]
      [1, 2, 2]
    >
    >>> nx.quotient(nx.tensor([-7, 7, 7, -128], type="s8"), nx.tensor([2, -2, 0, -1], type="s8"))
    #Nx.Tensor<
      s8[4]
      [-3, -3, -1, -128]
    >
    >>> left = nx.tensor([[10, 20]], type="u8", names=["x", "y"])
    >>> nx.quotient(left, nx.tensor([[1], [2]], type="u32"))
    #Nx.Tensor<
      u32[x: 2][y: 2]
      [
        [10, 20],
        [5, 10]
      ]
    >
    >>> nx.quotient(nx.tensor([1.0]), 2)
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: quotient expects integer tensors as inputs and outputs an integer tensor, got: f32
    """
    if right == 0:
        return -1
    q = builtins.abs(left) // builtins.abs(right)
    return q if (left < 0) == (right < 0) else -q


def _float_remainder(x, y):
    try:
        return math.fmod(x, y)
    except ValueError:  # fmod(inf, y) and fmod(x, 0)
        return _NAN


@binary(accepts=REAL, error=complex_error("remainder", 2), tolerance=ulps(0),
        special_cases=[((5.5, 0.0), _NAN), ((_INF, 2.0), _NAN), ((-5.5, _INF), -5.5),
                       ((-0.0, 3.0), -0.0), ((-7.0, 2.0), -1.0)],
        grad=lambda ops, g, out, x, y: [  # d/dy is -trunc(x / y), which is (x - out) / y
            g, ops.multiply(g, ops.negate(ops.divide(ops.subtract(x, out), y)))])
def remainder(left, right):
    """Element-wise remainder of a division truncated toward zero: the result
    has the sign of the dividend (Elixir's ``rem``, C's ``fmod``), unlike
    Python's ``%``. Integers and floats; complex inputs raise.

    Floats follow ``fmod`` exactly: ``x rem 0``, ``inf rem y`` and NaN operands
    give NaN, ``x rem inf`` is ``x``. Integers never raise: as in XLA,
    ``x rem 0`` is ``x``. The gradient for ``right`` is ``-trunc(left / right)``
    (Nx's rule uses ``floor``, which is wrong when the signs differ).

    >>> nx.remainder(2, nx.tensor([1.0, 2.0, 3.0], names=["data"]))
    #Nx.Tensor<
      f32[data: 3]
      [0.0, 0.0, 2.0]
    >
    >>> nx.remainder(nx.tensor(-11, type="s8"), nx.tensor(10, type="u8"))
    #Nx.Tensor<
      s16
      -1
    >
    >>> nx.remainder(nx.tensor([7, -7, 7]), nx.tensor([0, 3, -3]))
    #Nx.Tensor<
      s32[3]
      [7, -1, 1]
    >
    >>> nx.remainder(nx.tensor([1 + 1j]), 2)
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: nx.remainder/2 does not support complex inputs, got: c64
    """
    if isinstance(left, int) and isinstance(right, int):
        if right == 0:
            return left
        r = builtins.abs(left) % builtins.abs(right)
        return -r if left < 0 else r
    return _float_remainder(left, right)


# -- pow -----------------------------------------------------------------------

def _is_odd_integer(y):
    return math.isfinite(y) and y == math.floor(y) and math.fmod(y, 2.0) != 0.0


def _real_pow(x, y):
    try:
        return math.pow(x, y)
    except OverflowError:
        return -_INF if x < 0 and _is_odd_integer(y) else _INF
    except ValueError:
        if x == 0:  # zero to a negative power: a pole
            return math.copysign(_INF, x) if _is_odd_integer(y) else _INF
        return _NAN  # negative base, non-integer exponent


def _integer_pow(x, y):
    if y < 0:  # the truncated value of 1 / x ** -y; 0 ** -n gives 0 as in XLA
        if x == 1:
            return 1
        if x == -1:
            return -1 if y & 1 else 1
        return 0
    return _pow(x, y, 1 << 64)  # wraps like every 64-bit or narrower type


def _exp(x):
    try:
        return math.exp(x)
    except OverflowError:
        return _INF


def _polar_pow(a, b):
    """a ** b through the polar form, without raising: infinities and NaN flow."""
    r, theta = math.hypot(a.real, a.imag), math.atan2(a.imag, a.real)
    log_r = math.log(r)  # a != 0 here, so r > 0 (or inf, or NaN)
    mag = _exp(b.real * log_r - b.imag * theta)
    phase = b.imag * log_r + b.real * theta
    if not math.isfinite(phase):
        return _complex(mag * _NAN, mag * _NAN)
    return _complex(mag * math.cos(phase), mag * math.sin(phase))


def _complex_pow(a, b):
    if b == 0:
        return _complex(1.0, 0.0)
    if a == 0:  # as numpy: |0 ** b| is 0 ** b.real, zero when b.real > 0; else undefined
        return _complex(0.0, 0.0) if b.real > 0 else _complex(_NAN, _NAN)
    try:
        return a ** b
    except (OverflowError, ZeroDivisionError):
        return _polar_pow(a, b)


def _pow_grad(ops, g, out, x, y):
    exponent = ops.select(ops.equal(y, 0), 1, ops.subtract(y, 1))
    base = ops.select(ops.equal(x, 0), 1, x)
    gx = ops.multiply(y, ops.pow(x, exponent))
    gy = ops.multiply(ops.log(base), out)
    return [ops.multiply(g, gx), ops.multiply(g, gy)]


@binary(accepts=ANY, tolerance=ulps(1, f64=1, c64=4, c128=32), grad=_pow_grad,
        special_cases=[((0.0, 0.0), 1.0), ((_NAN, 0.0), 1.0), ((1.0, _NAN), 1.0),
                       ((0.0, -1.0), _INF), ((-0.0, -1.0), -_INF), ((-0.0, -2.0), _INF),
                       ((-8.0, 1 / 3), _NAN), ((-2.0, 3.0), -8.0), ((10.0, 400.0), _INF),
                       ((-10.0, 401.0), -_INF), ((-1.0, _INF), 1.0), ((0.5, -_INF), _INF)])
def pow(left, right):
    """Element-wise power ``left ** right``; types merge and shapes broadcast as
    in :func:`add`.

    Floats follow C's ``pow`` (IEEE 754): ``x ** 0`` is 1 even for NaN, ``1 ** y``
    is 1, a negative base with a non-integer exponent gives NaN, zero to a
    negative power gives an infinity (negative for ``-0.0`` and odd integer
    exponents), overflow gives a signed infinity.

    Integers are computed exactly and wrap around. A negative integer exponent
    gives the truncated value of ``1 / x ** -y`` as XLA does: 1 for a base of 1,
    +-1 for a base of -1, and 0 otherwise (``0 ** -1`` included); Nx's pure
    backend raises instead.

    Complex numbers use the principal branch; ``0 ** b`` is 1 for ``b == 0``, 0
    when ``b.real > 0`` and NaN otherwise (as numpy).

    >>> nx.pow(2, 4)
    #Nx.Tensor<
      s32
      16
    >
    >>> nx.pow(2, nx.tensor([1.0, 2.0, 3.0], names=["data"]))
    #Nx.Tensor<
      f32[data: 3]
      [2.0, 4.0, 8.0]
    >
    >>> nx.pow(nx.tensor([[2], [3]], names=["x", None]), nx.tensor([[4, 5]], names=[None, "y"]))
    #Nx.Tensor<
      s32[x: 2][y: 2]
      [
        [16, 32],
        [81, 243]
      ]
    >
    >>> nx.pow(nx.tensor([2, 1, -1, 0]), -1)
    #Nx.Tensor<
      s32[4]
      [0, 1, -1, 0]
    >
    >>> nx.pow(nx.tensor([-8.0, 0.0, -0.0]), nx.tensor([0.5, -1.0, -1.0]))
    #Nx.Tensor<
      f32[3]
      [NaN, Inf, -Inf]
    >
    """
    if _is_complex(left, right):
        return _complex_pow(_complex(left), _complex(right))
    if isinstance(left, float) or isinstance(right, float):
        return _real_pow(float(left), float(right))
    return _integer_pow(left, right)


# -- atan2 ---------------------------------------------------------------------

def _complex_atan2(y, x):
    if y.imag == 0 and x.imag == 0:
        return _complex(math.atan2(y.real, x.real), 0.0)
    try:  # XLA's definition: -i * log((x + iy) / sqrt(x^2 + y^2))
        return -1j * cmath.log((x + 1j * y) / cmath.sqrt(x * x + y * y))
    except (ValueError, ZeroDivisionError, OverflowError):
        return _complex(_NAN, _NAN)


def _atan2_grad(ops, g, out, x, y):
    den = ops.add(ops.multiply(x, x), ops.multiply(y, y))
    return [ops.multiply(g, ops.divide(y, den)), ops.multiply(g, ops.negate(ops.divide(x, den)))]


@binary(accepts=ANY, out_type=types.to_floating, fast=math.atan2, grad=_atan2_grad,
        tolerance=ulps(1, f64=1, c64=4, c128=8),
        special_cases=[((0.0, -0.0), math.pi), ((-0.0, -0.0), -math.pi), ((-0.0, 0.0), -0.0),
                       ((_INF, _INF), math.pi / 4), ((1.0, -_INF), math.pi), ((_NAN, 1.0), _NAN)])
def atan2(left, right):
    """Element-wise arc tangent of ``left / right``, in the quadrant given by
    the signs of both (C's ``atan2(y, x)``, signed zeros included). The output
    type is ``to_floating`` of the merged type.

    Complex inputs with zero imaginary parts give the real ``atan2`` (as Nx);
    other complex inputs follow XLA's ``-i * log((x + i*y) / sqrt(x**2 + y**2))``
    where Nx's pure backend raises.

    >>> nx.atan2(1, 2)
    #Nx.Tensor<
      f32
      0.4636476
    >
    >>> nx.atan2(nx.tensor([1, 2, 3], names=["data"]), 1)
    #Nx.Tensor<
      f32[data: 3]
      [0.7853982, 1.1071488, 1.2490457]
    >
    >>> nx.atan2(nx.tensor([[-0.0], [0.0]], type="f64"), nx.tensor([-0.0, 0.0], type="f64"))
    #Nx.Tensor<
      f64[2][2]
      [
        [-3.141592653589793, -0.0],
        [3.141592653589793, 0.0]
      ]
    >
    """
    if _is_complex(left, right):
        return _complex_atan2(_complex(left), _complex(right))
    return math.atan2(left, right)


# -- min, max ------------------------------------------------------------------

def _minmax_grad(ops, g, out, x, y):
    # ties share the gradient equally between both operands
    lhs = ops.divide(ops.select(ops.equal(x, out), 1.0, 0.0), ops.select(ops.equal(y, out), 2.0, 1.0))
    rhs = ops.divide(ops.select(ops.equal(y, out), 1.0, 0.0), ops.select(ops.equal(x, out), 2.0, 1.0))
    return [ops.multiply(g, lhs), ops.multiply(g, rhs)]


@binary(accepts=REAL, error=complex_error("max", 2), tolerance=ulps(0), grad=_minmax_grad,
        special_cases=[((_NAN, 1.0), _NAN), ((1.0, _NAN), _NAN), ((_NAN, _INF), _NAN),
                       ((-0.0, 0.0), 0.0), ((0.0, -0.0), 0.0), ((1.0, -_INF), 1.0)])
def max(left, right):
    """Element-wise maximum of two tensors; types merge and shapes broadcast as
    in :func:`add`. Complex inputs raise.

    Floats follow IEEE 754's ``maximum`` (as XLA): NaN in either operand gives
    NaN, and ``0.0`` is greater than ``-0.0``.

    >>> nx.max(1, 2)
    #Nx.Tensor<
      s32
      2
    >
    >>> nx.max(1, nx.tensor([1.0, 2.0, 3.0], names=["data"]))
    #Nx.Tensor<
      f32[data: 3]
      [1.0, 2.0, 3.0]
    >
    >>> nx.max(nx.tensor([float("nan"), -0.0, 1.0]), nx.tensor([float("inf"), 0.0, float("-inf")]))
    #Nx.Tensor<
      f32[3]
      [NaN, 0.0, 1.0]
    >
    """
    if left != left:
        return left
    if right != right:
        return right
    if left == right:  # only -0.0 and 0.0 differ among equal values
        return right if left == 0 and math.copysign(1.0, left) < 0 else left
    return left if left > right else right


@binary(accepts=REAL, error=complex_error("min", 2), tolerance=ulps(0), grad=_minmax_grad,
        special_cases=[((_NAN, 1.0), _NAN), ((1.0, _NAN), _NAN), ((_NAN, -_INF), _NAN),
                       ((-0.0, 0.0), -0.0), ((0.0, -0.0), -0.0), ((1.0, _INF), 1.0)])
def min(left, right):
    """Element-wise minimum of two tensors; types merge and shapes broadcast as
    in :func:`add`. Complex inputs raise.

    Floats follow IEEE 754's ``minimum`` (as XLA): NaN in either operand gives
    NaN, and ``-0.0`` is less than ``0.0``.

    >>> nx.min(1, 2)
    #Nx.Tensor<
      s32
      1
    >
    >>> nx.min(nx.tensor([1, 2, 3], names=["data"]), 1)
    #Nx.Tensor<
      s32[data: 3]
      [1, 1, 1]
    >
    >>> left = nx.tensor([[1], [2]], type="f32", names=["x", None])
    >>> nx.min(left, nx.tensor([[10, 20]], type="f32", names=[None, "y"]))
    #Nx.Tensor<
      f32[x: 2][y: 2]
      [
        [1.0, 1.0],
        [2.0, 2.0]
      ]
    >
    >>> nx.min(nx.tensor([1 + 1j]), 2)
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: nx.min/2 does not support complex inputs, got: c64
    """
    if left != left:
        return left
    if right != right:
        return right
    if left == right:
        return left if left == 0 and math.copysign(1.0, left) < 0 else right
    return left if left < right else right


# -- complex -------------------------------------------------------------------

def _complex_part_type(merged):
    """Each part is computed in the component type of the complex output."""
    return types.to_real(types.to_complex(merged))


@binary(accepts=REAL, out_type=types.to_complex, compute_type=_complex_part_type,
        error=complex_error("complex", 2), tolerance=ulps(0),
        special_cases=[((1.0, _INF), _complex(1.0, _INF)), ((-0.0, _NAN), _complex(-0.0, _NAN))],
        grad=lambda ops, g, out, x, y: [ops.real(g), ops.negate(ops.imag(g))])
def complex(left, right):
    """Constructs a complex tensor from its real part ``left`` and imaginary part
    ``right``, which broadcast. The output type is ``to_complex`` of the merged
    type (c128 from f64, otherwise c64); complex inputs raise.

    The parts are paired exactly (XLA's ``complex``), so an infinite imaginary
    part keeps a finite real part.

    >>> nx.complex(nx.tensor(1), nx.tensor(2))
    #Nx.Tensor<
      c64
      1.0+2.0i
    >
    >>> nx.complex(nx.tensor([1, 2], names=["x"]), nx.tensor([3, 4]))
    #Nx.Tensor<
      c64[x: 2]
      [1.0+3.0i, 2.0+4.0i]
    >
    >>> nx.complex(nx.tensor([1.5], type="f64"), 0)
    #Nx.Tensor<
      c128[1]
      [1.5+0.0i]
    >
    >>> nx.complex(nx.tensor(1j), 1)
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: nx.complex/2 does not support complex inputs, got: c64
    """
    return _complex(left, right)
