"""Common constants as scalar tensors: ``nx.constants`` (Nx.Constants).

Every function takes the type and ``backend=``, the backend to allocate the
tensor on (the default backend otherwise). As in Nx, the type defaults to f32 for
``nan``, ``infinity``, ``neg_infinity``, ``pi``, ``e`` and ``euler_gamma``, to c64
for ``i``, and must be given to the others. ``nan``, ``infinity``,
``neg_infinity``, ``pi``, ``e``, ``euler_gamma``, ``epsilon`` and
``smallest_positive_normal`` need a real floating type, ``i`` a complex one;
``min``, ``max``, ``min_finite`` and ``max_finite`` take any real type. Other
types raise :class:`~spec.errors.TypeError_` (Nx raises ArgumentError, or has no
clause for them).

The values are Nx's bit for bit, which for ``bf16`` and ``f8`` means Nx's table:
the f32 (for bf16) or f16 (for f8) constant with its low bits dropped rather than
rounded, so ``e`` and ``euler_gamma`` in bf16, and ``euler_gamma`` in f8, sit one
step below the nearest value. The spec's own values: for ``f8_e4m3fn`` Nx's table
reuses the E5M2 bytes (pi would read 2.5, e 2.25, euler_gamma 1.0, epsilon
0.625 in E4M3FN); here they are the nearest E4M3FN values and epsilon is 2**-3.

>>> import nx_ref as nx
>>> nx.constants.pi("f64")
#Nx.Tensor<
  f64
  3.141592653589793
>
>>> nx.constants.max_finite("u8").to_number(), nx.constants.epsilon("bf16").to_number()
(255, 0.0078125)
"""

from __future__ import annotations

import math
import struct

from spec import codec, types
from spec.errors import TypeError_

__all__ = ["nan", "infinity", "neg_infinity", "pi", "e", "euler_gamma", "epsilon",
           "min_finite", "max_finite", "min", "max", "smallest_positive_normal", "i"]

_EULER_GAMMA = 0.57721566490153286060651209


def _scalar(value, type_, backend):
    from nx_ref.api import constant
    return constant(value, type=type_, backend=backend)


def _floating(type_):
    """A real floating type, or Nx's error."""
    t = types.normalize(type_)
    if not t.is_float:
        raise TypeError_(f"only floating types are supported, got: {t}")
    return t


def _real(type_):
    t = types.normalize(type_)
    if t.is_complex:
        raise TypeError_(f"only real types are supported, got: {t}")
    return t


def _as_nx_table(value: float, t) -> float:
    """``value`` in ``t`` as Nx's constant tables hold it: bf16 and f8 drop the low
    bits of the f32 or f16 value; other types round to nearest."""
    if t.name == "bf16":
        bits = struct.unpack("<I", struct.pack("<f", value))[0] >> 16
        return codec.decode("bf16", bits.to_bytes(2, "little"))[0]
    if t.name == "f8":
        return codec.decode("f8", struct.pack("<e", value)[1:])[0]
    return value


def nan(type="f32", *, backend=None):
    """NaN (not a number) in a real floating type.

    >>> import nx_ref as nx
    >>> nx.constants.nan("bf16")
    #Nx.Tensor<
      bf16
      NaN
    >
    """
    return _scalar(math.nan, _floating(type), backend)


def infinity(type="f32", *, backend=None):
    """Positive infinity (``f8_e4m3fn``, which has none, saturates to 448.0, as Nx's does).

    >>> import nx_ref as nx
    >>> nx.constants.infinity("f16")
    #Nx.Tensor<
      f16
      Inf
    >
    """
    t = _floating(type)
    return _scalar(types.infinity(t), t, backend)


def neg_infinity(type="f32", *, backend=None):
    """Negative infinity (``f8_e4m3fn``: -448.0).

    >>> import nx_ref as nx
    >>> nx.constants.neg_infinity()
    #Nx.Tensor<
      f32
      -Inf
    >
    """
    t = _floating(type)
    return _scalar(types.neg_infinity(t), t, backend)


def pi(type="f32", *, backend=None):
    """Pi in a real floating type.

    >>> import nx_ref as nx
    >>> nx.constants.pi()
    #Nx.Tensor<
      f32
      3.1415927
    >
    >>> nx.constants.pi("f8").to_number()
    3.0
    """
    t = _floating(type)
    return _scalar(_as_nx_table(math.pi, t), t, backend)


def e(type="f32", *, backend=None):
    """Euler's number e in a real floating type.

    >>> import nx_ref as nx
    >>> nx.constants.e("f16").to_number(), nx.constants.e("bf16").to_number()
    (2.71875, 2.703125)
    """
    t = _floating(type)
    return _scalar(_as_nx_table(math.e, t), t, backend)


def euler_gamma(type="f32", *, backend=None):
    """The Euler-Mascheroni constant in a real floating type.

    >>> import nx_ref as nx
    >>> nx.constants.euler_gamma("f64").to_number(), nx.constants.euler_gamma("bf16").to_number()
    (0.5772156649015329, 0.57421875)
    """
    t = _floating(type)
    return _scalar(_as_nx_table(_EULER_GAMMA, t), t, backend)


def epsilon(type, *, backend=None):
    """Machine epsilon: the gap between 1.0 and the next value of the type.

    >>> import nx_ref as nx
    >>> nx.constants.epsilon("f64").to_number(), nx.constants.epsilon("f8").to_number()
    (2.220446049250313e-16, 0.25)
    >>> nx.constants.epsilon("s32")
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: only floating types are supported, got: s32
    """
    t = _floating(type)
    return _scalar(types.epsilon(t), t, backend)


def smallest_positive_normal(type, *, backend=None):
    """The smallest positive normal value of a real floating type.

    >>> import nx_ref as nx
    >>> nx.constants.smallest_positive_normal("f16")
    #Nx.Tensor<
      f16
      6.104e-5
    >
    """
    t = _floating(type)
    return _scalar(types.smallest_positive_normal(t), t, backend)


def max_finite(type, *, backend=None):
    """The largest finite value of a real type.

    >>> import nx_ref as nx
    >>> nx.constants.max_finite("s16").to_number(), nx.constants.max_finite("f8_e4m3fn").to_number()
    (32767, 448.0)
    """
    t = _real(type)
    return _scalar(types.max_finite(t), t, backend)


def min_finite(type, *, backend=None):
    """The lowest finite value of a real type.

    >>> import nx_ref as nx
    >>> nx.constants.min_finite("f32")
    #Nx.Tensor<
      f32
      -3.4028235e38
    >
    """
    t = _real(type)
    return _scalar(types.min_finite(t), t, backend)


def max(type, *, backend=None):
    """The largest value of a real type: infinity in the floating types that have one.

    >>> import nx_ref as nx
    >>> nx.constants.max("f32").to_number(), nx.constants.max("u8").to_number()
    (inf, 255)
    """
    t = _real(type)
    return _scalar(types.max_value(t), t, backend)


def min(type, *, backend=None):
    """The smallest value of a real type: -infinity in the floating types that have one.

    >>> import nx_ref as nx
    >>> nx.constants.min("s16").to_number(), nx.constants.min("bf16").to_number()
    (-32768, -inf)
    """
    t = _real(type)
    return _scalar(types.min_value(t), t, backend)


def i(type="c64", *, backend=None):
    """The imaginary unit in a complex type.

    >>> import nx_ref as nx
    >>> nx.constants.i("c128")
    #Nx.Tensor<
      c128
      0.0+1.0i
    >
    >>> nx.constants.i("f32")
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: invalid type for complex number. Expected c64 or c128, got: f32
    """
    t = types.normalize(type)
    if not t.is_complex:
        raise TypeError_(f"invalid type for complex number. Expected c64 or c128, got: {t}")
    return _scalar(1j, t, backend)
