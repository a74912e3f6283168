"""Samplers of numbers from a key: uniform and normal floats (complex too), integers
and Gumbel values, each in a form that splits the key and a ``_split`` form."""

import struct

import nx_ref.api as _nx
from nx_ref import constants as _constants
from nx_ref.random.keys import (_as_tensor, _assert_key, _check_shape, _infer_type, _names,
                                _u64,
                                _random_bits, split)
from spec import types as _types
from spec.errors import ArgumentError

_MANTISSA = {"f8": 2, "f8_e4m3fn": 3, "bf16": 7, "f16": 10, "f32": 23, "f64": 52}


def _float_or_complex(key, type, shape, fun):
    kind = str(type)
    if kind in ("c64", "c128"):
        real = _types.to_real(type)
        data = fun(key, real, shape + (2,))
        return _nx.dot(data, _nx.stack([_nx.tensor(1), _constants.i()]))
    if kind in _MANTISSA:
        return fun(key, type, shape)
    raise ArgumentError(f"expected float or complex type, got type {type}")


def _next_after_minus_1(type):
    """The float of ``type`` just above -1 (towards zero): Nx's open lower bound for
    the uniform values that feed erf_inv."""
    bits = _types.normalize(type).bits
    fmt = {16: "<e", 32: "<f", 64: "<d"}.get(bits)
    if fmt is None:
        return float(_nx.subtract(_nx.tensor(-1.0, type=type), _nx.tensor(
            _types.epsilon(type) / 2, type=type)))
    ints = {16: "<H", 32: "<I", 64: "<Q"}[bits]
    as_int = struct.unpack(ints, struct.pack(fmt, -1.0))[0]
    return struct.unpack(fmt, struct.pack(ints, as_int - 1))[0]


# Nx's erf_inv (the one its documented samples went through) is Giles' approximation
# ("Approximating the erfinv function", 2010), evaluated in f64 and rounded once to the
# output type; nx.erf_inv is correctly rounded and differs by an ULP now and then.
_GILES_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
                  0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
_GILES_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
               0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)


def _horner(coefficients, w):
    p = _nx.tensor(coefficients[0], type="f64")
    for c in coefficients[1:]:
        p = _nx.add(_nx.multiply(p, w), _nx.tensor(c, type="f64"))
    return p


def _erf_inv_giles(u):
    x = _nx.as_type(u, "f64")
    one = _nx.tensor(1.0, type="f64")
    w = _nx.negate(_nx.log(_nx.multiply(_nx.subtract(one, x), _nx.add(one, x))))
    central = _horner(_GILES_CENTRAL, _nx.subtract(w, _nx.tensor(2.5, type="f64")))
    tail = _horner(_GILES_TAIL, _nx.subtract(_nx.sqrt(w), _nx.tensor(3.0, type="f64")))
    p = _nx.select(_nx.less(w, _nx.tensor(5.0, type="f64")), central, tail)
    return _nx.as_type(_nx.multiply(p, x), u.type)


def _typed(value, type):
    """``value`` in ``type``: a Python number goes straight into the type, as Nx's
    as_type does with a number (no detour through f32, which would turn the f64 bound
    just above -1 into -1)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _nx.tensor(value, type=type)
    return _nx.as_type(_as_tensor(value), type)


# --- integers -----------------------------------------------------------------------

def randint(key, min_val, max_val, *, shape=(), type=None, names=None):
    """Uniform integers in ``[min_val, max_val)``; returns ``(sample, new_key)``.

    >>> key = nx.random.key(1701)
    >>> randint, _new_key = nx.random.randint(key, 1, 100)
    >>> randint
    #Nx.Tensor<
      s32
      91
    >
    >>> randint, _new_key = nx.random.randint(key, 1, 100, shape=(3, 2), type="u32")
    >>> randint
    #Nx.Tensor<
      u32[3][2]
      [
        [9, 20],
        [19, 6],
        [71, 15]
      ]
    >
    """
    keys = split(key)
    return randint_split(keys[1], min_val, max_val, shape=shape, type=type,
                         names=names), keys[0]


def randint_split(key, min_val, max_val, *, shape=(), type=None, names=None):
    """Same as :func:`randint` on an already split key; returns the sample only.

    >>> nx.random.randint_split(nx.random.key(1701), 0, 10, shape=(4,))
    #Nx.Tensor<
      s32[4]
      [1, 0, 2, 8]
    >
    """
    _assert_key(key)
    shape = _check_shape(shape)
    out_type = _infer_type(min_val, max_val, type, floating=False)
    if not _types.is_integer(out_type):
        raise ArgumentError(f"expected integer type, got type {out_type}")
    nbits = out_type.bits
    low = _nx.broadcast(_as_tensor(min_val), shape)
    high = _nx.broadcast(_as_tensor(max_val), shape)
    bits = _random_bits(key, (2,) + shape, bit_width=nbits)
    span = _nx.as_type(_nx.subtract(high, low), f"u{nbits}")
    multiplier = _nx.remainder(_nx.pow(_u64(2), _nx.tensor(nbits // 2)), span)
    multiplier = _nx.remainder(_nx.pow(multiplier, _nx.tensor(2)), span)
    offset = _nx.multiply(_nx.remainder(bits[0], span), multiplier)
    offset = _nx.remainder(_nx.add(offset, _nx.remainder(bits[1], span)), span)
    sample = _nx.as_type(_nx.add(low, offset), out_type)
    return _nx.reshape(sample, shape, names=_names(names, shape))


# --- floats -------------------------------------------------------------------------

def uniform(key, min_val=0.0, max_val=1.0, *, shape=(), type=None, names=None):
    """Uniform floats in ``[min_val, max_val)``; returns ``(sample, new_key)``.
    Complex types draw the real and imaginary parts independently.

    >>> key = nx.random.key(1701)
    >>> uniform, _new_key = nx.random.uniform(key)
    >>> uniform
    #Nx.Tensor<
      f32
      0.9728644
    >
    >>> uniform, _new_key = nx.random.uniform(key, shape=(3, 2), type="f16")
    >>> uniform
    #Nx.Tensor<
      f16[3][2]
      [
        [0.754, 0.6484],
        [0.7295, 0.2148],
        [0.09766, 0.06934]
      ]
    >
    >>> uniform, _new_key = nx.random.uniform(key, shape=(2, 2), type="c64")
    >>> uniform
    #Nx.Tensor<
      c64[2][2]
      [
        [0.18404806+0.65464616i, 0.55259156+0.11568141i],
        [0.6074585+0.81043756i, 0.2476865+0.2197547i]
      ]
    >
    """
    keys = split(key)
    return uniform_split(keys[1], min_val, max_val, shape=shape, type=type,
                         names=names), keys[0]


def uniform_split(key, min_val=0.0, max_val=1.0, *, shape=(), type=None, names=None):
    """Same as :func:`uniform` on an already split key; returns the sample only.

    >>> nx.random.uniform_split(nx.random.key(1701), -1.0, 1.0, shape=(2,), names=["x"])
    #Nx.Tensor<
      f32[x: 2]
      [-0.96030784, 0.20806384]
    >
    """
    _assert_key(key)
    shape = _check_shape(shape)
    out_type = _infer_type(min_val, max_val, type, floating=True)

    def draw(key, real, shape):
        nbits = real.bits
        one_bits = _nx.bitcast(_nx.tensor(1.0, type=real), f"u{nbits}")
        low, high = _typed(min_val, real), _typed(max_val, real)
        shift = _nx.tensor(nbits - _MANTISSA[str(real)], type=f"u{nbits}")
        bits = _nx.right_shift(_random_bits(key, shape, bit_width=nbits), shift)
        floats = _nx.bitcast(_nx.bitwise_or(bits, one_bits), real)
        floats = _nx.subtract(floats, _nx.tensor(1.0, type=real))
        floats = _nx.add(_nx.multiply(floats, _nx.subtract(high, low)), low)
        return _nx.reshape(_nx.max(floats, low), shape)

    sample = _float_or_complex(key, out_type, shape, draw)
    return _nx.reshape(sample, shape, names=_names(names, shape))


def normal(key, mean=0.0, standard_deviation=1.0, *, shape=(), type=None, names=None):
    """Normally distributed floats; returns ``(sample, new_key)``.

    >>> key = nx.random.key(42)
    >>> normal, _new_key = nx.random.normal(key)
    >>> normal
    #Nx.Tensor<
      f32
      1.3694695
    >
    >>> normal, _new_key = nx.random.normal(key, 0, 1, shape=(3, 2), type="f16")
    >>> normal
    #Nx.Tensor<
      f16[3][2]
      [
        [-0.3257, -0.772],
        [0.392, 0.534],
        [0.2708, -2.08]
      ]
    >
    >>> normal, _new_key = nx.random.normal(key, 0, 1, shape=(2, 2), type="c64")
    >>> normal
    #Nx.Tensor<
      c64[2][2]
      [
        [-0.7632761+0.86611277i, -0.1428289-0.7384796i],
        [0.6784615+0.41183108i, -2.2695384-0.3689095i]
      ]
    >
    >>> normal, _new_key = nx.random.normal(nx.random.key(1337), 10, 5, shape=(1000,))
    >>> nx.mean(normal)
    #Nx.Tensor<
      f32
      9.700222
    >
    >>> nx.standard_deviation(normal)
    #Nx.Tensor<
      f32
      5.0514164
    >
    """
    keys = split(key)
    return normal_split(keys[1], mean, standard_deviation, shape=shape, type=type,
                        names=names), keys[0]


def normal_split(key, mean=0.0, standard_deviation=1.0, *, shape=(), type=None,
                 names=None):
    """Same as :func:`normal` on an already split key; returns the sample only.

    >>> nx.random.normal_split(nx.random.key(42), shape=(2,), type="f64")
    #Nx.Tensor<
      f64[2]
      [0.18693555250637633, 1.0653336779127607]
    >
    """
    _assert_key(key)
    shape = _check_shape(shape)
    out_type = _infer_type(mean, standard_deviation, type, floating=True)

    def draw(key, real, shape):
        u = uniform_split(key, _next_after_minus_1(real), 1, shape=shape, type=real)
        z = _nx.multiply(_nx.sqrt(_nx.tensor(2, type=real)), _erf_inv_giles(u))
        return _nx.add(_nx.multiply(_typed(standard_deviation, real), z), _typed(mean, real))

    sample = _float_or_complex(key, out_type, shape, draw)
    return _nx.reshape(sample, shape, names=_names(names, shape))


def gumbel(key, *, shape=(), type="f32"):
    """Gumbel-distributed floats; returns ``(sample, new_key)``.

    >>> result, _key = nx.random.gumbel(nx.random.key(1))
    >>> result
    #Nx.Tensor<
      f32
      -0.729461
    >
    >>> result, _key = nx.random.gumbel(nx.random.key(1), shape=(2, 3))
    >>> result
    #Nx.Tensor<
      f32[2][3]
      [
        [0.6247938, -0.21740718, 0.76783276],
        [0.77784044, 4.0895305, 0.30290902]
      ]
    >
    """
    keys = split(key)
    return gumbel_split(keys[1], shape=shape, type=type), keys[0]


def gumbel_split(key, *, shape=(), type="f32"):
    """Same as :func:`gumbel` on an already split key; returns the sample only.

    >>> nx.random.gumbel_split(nx.random.key(1), shape=(2,), type="f64").type
    Type('f64')
    """
    _assert_key(key)
    out_type = _types.normalize(type)
    if not _types.is_float(out_type):
        raise ArgumentError(f"output type must be floating-point, got: {out_type}")
    u = uniform_split(key, _types.smallest_positive_normal(out_type), 1, shape=shape,
                      type=out_type)
    return _nx.negate(_nx.log(_nx.negate(_nx.log(u))))
