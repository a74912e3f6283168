"""Common constants as scalar tensors (Nx.Constants), for any floating type.

>>> import nx_ref as nx
>>> nx.constants.pi("f64").to_number()
3.141592653589793
>>> nx.constants.max_finite("u8").to_number(), nx.constants.epsilon("bf16").to_number()
(255, 0.0078125)
"""

from __future__ import annotations

import math

from spec import types
from spec.errors import TypeError_

__all__ = ["nan", "infinity", "neg_infinity", "pi", "e", "euler_gamma", "epsilon",
           "min_finite", "max_finite", "min", "max", "smallest_positive_normal", "i"]


def _scalar(value, type_, backend):
    from nx_ref.api import constant
    return constant(value, type=type_, backend=backend)


def _floating(type_, name):
    t = types.normalize(type_)
    if not t.is_floating:
        raise TypeError_(f"nx.constants.{name} only supports floating types, got: {t}")
    return t


def nan(type="f32", *, backend=None):
    """NaN in a floating type.

    >>> import nx_ref as nx
    >>> nx.constants.nan()
    #Nx.Tensor<
      f32
      NaN
    >
    """
    return _scalar(math.nan, _floating(type, "nan"), backend)


def infinity(type="f32", *, backend=None):
    """Positive infinity (f8_e4m3fn, which has none, saturates to 448.0).

    >>> import nx_ref as nx
    >>> nx.constants.infinity("f16").to_number()
    inf
    """
    t = _floating(type, "infinity")
    return _scalar(types.infinity(t), t, backend)


def neg_infinity(type="f32", *, backend=None):
    """Negative infinity.

    >>> import nx_ref as nx
    >>> nx.constants.neg_infinity().to_number()
    -inf
    """
    t = _floating(type, "neg_infinity")
    return _scalar(types.neg_infinity(t), t, backend)


def pi(type="f32", *, backend=None):
    """Pi rounded into a floating type.

    >>> import nx_ref as nx
    >>> nx.constants.pi().to_number()
    3.1415927410125732
    """
    return _scalar(math.pi, _floating(type, "pi"), backend)


def e(type="f32", *, backend=None):
    """Euler's number.

    >>> import nx_ref as nx
    >>> nx.constants.e("f64").to_number()
    2.718281828459045
    """
    return _scalar(math.e, _floating(type, "e"), backend)


def euler_gamma(type="f32", *, backend=None):
    """The Euler-Mascheroni constant.

    >>> import nx_ref as nx
    >>> nx.constants.euler_gamma("f64").to_number()
    0.5772156649015329
    """
    return _scalar(0.57721566490153286060651209, _floating(type, "euler_gamma"), backend)


def epsilon(type="f32", *, backend=None):
    """Machine epsilon of a floating type.

    >>> import nx_ref as nx
    >>> nx.constants.epsilon("f64").to_number()
    2.220446049250313e-16
    """
    t = _floating(type, "epsilon")
    return _scalar(types.epsilon(t), t, backend)


def smallest_positive_normal(type="f32", *, backend=None):
    """The smallest positive normal value.

    >>> import nx_ref as nx
    >>> nx.constants.smallest_positive_normal("f32").to_number()
    1.1754943508222875e-38
    """
    t = _floating(type, "smallest_positive_normal")
    return _scalar(types.smallest_positive_normal(t), t, backend)


def max_finite(type, *, backend=None):
    """The largest finite value of any type.

    >>> import nx_ref as nx
    >>> nx.constants.max_finite("s8").to_number()
    127
    """
    t = types.normalize(type)
    return _scalar(types.max_finite(t), t, backend)


def min_finite(type, *, backend=None):
    """The lowest finite value of any type.

    >>> import nx_ref as nx
    >>> nx.constants.min_finite("f16").to_number()
    -65504.0
    """
    t = types.normalize(type)
    return _scalar(types.min_finite(t), t, backend)


def max(type, *, backend=None):
    """The largest value of a type: infinity where the type has one.

    >>> import nx_ref as nx
    >>> nx.constants.max("f32").to_number(), nx.constants.max("u8").to_number()
    (inf, 255)
    """
    t = types.normalize(type)
    return _scalar(types.max_value(t), t, backend)


def min(type, *, backend=None):
    """The smallest value of a type: -infinity where the type has one.

    >>> import nx_ref as nx
    >>> nx.constants.min("s16").to_number()
    -32768
    """
    t = types.normalize(type)
    return _scalar(types.min_value(t), t, backend)


def i(type="c64", *, backend=None):
    """The imaginary unit in a complex type.

    >>> import nx_ref as nx
    >>> nx.constants.i()
    #Nx.Tensor<
      c64
      0.0+1.0i
    >
    """
    t = types.normalize(type)
    if not t.is_complex:
        raise TypeError_(f"nx.constants.i only supports complex types, got: {t}")
    return _scalar(1j, t, backend)
