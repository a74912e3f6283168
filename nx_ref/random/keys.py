"""Keys of nx.random and the threefry2x32 block cipher that makes every bit, with the
helpers the samplers share. Bits match Nx (and JAX) exactly for the same key."""

import nx_ref.api as _nx
from nx_ref.tensor import Tensor
from spec import types as _types
from spec.errors import ArgumentError

_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))


# --- keys ---------------------------------------------------------------------------

def key(seed):
    """A PRNG key (``u32[2]``) from an integer seed, or a u64/s64 scalar tensor.

    >>> nx.random.key(12)
    #Nx.Tensor<
      u32[2]
      [0, 12]
    >
    >>> nx.random.key(999999999999)
    #Nx.Tensor<
      u32[2]
      [232, 3567587327]
    >
    """
    if isinstance(seed, int) and not isinstance(seed, bool):
        seed = _u64(seed)
    elif isinstance(seed, Tensor) and str(seed.type) == "u64":
        pass
    elif isinstance(seed, Tensor) and str(seed.type) == "s64":
        seed = _nx.bitcast(seed, "u64")
    else:
        raise ArgumentError(
            f"expected seed to be an integer, u64 tensor or s64 tensor, got: {seed!r}")
    high = _nx.right_shift(seed, 32)
    low = _nx.bitwise_and(seed, _u64(0xFFFFFFFF))
    return _nx.as_type(_nx.stack([high, low]), "u32")


def _assert_key(k):
    if not isinstance(k, Tensor):
        raise ArgumentError(f"expected key to be a tensor, got: {k!r}")
    if k.shape != (2,):
        raise ArgumentError(f"expected key to have shape {{2}}, got tensor with shape "
                            f"{_shape_str(k.shape)}")
    if str(k.type) != "u32":
        raise ArgumentError(f"expected key with 32-bit unsigned integer type, got key "
                            f"with type {k.type}")


def _shape_str(shape):
    return "{" + ", ".join(str(d) for d in shape) + "}"


def split(key, *, parts=2):
    """Splits a key into ``parts`` new keys, stacked along a new leading axis.

    >>> nx.random.split(nx.random.key(1701))
    #Nx.Tensor<
      u32[2][2]
      [
        [56197195, 1801093307],
        [961309823, 1704866707]
      ]
    >
    >>> nx.random.split(nx.random.key(1701), parts=4)
    #Nx.Tensor<
      u32[4][2]
      [
        [4000152724, 2030591747],
        [2287976877, 2598630646],
        [2426625787, 580268518],
        [3136765380, 433355682]
      ]
    >
    """
    _assert_key(key)
    if not isinstance(parts, int) or isinstance(parts, bool) or parts < 1:
        raise ArgumentError(f"expected parts to be a positive integer, got: {parts!r}")
    return _threefry2x32(key, (parts, 2))


def fold_in(key, data):
    """Folds integer ``data`` into a key; a tensor of data gives one key per element.

    >>> nx.random.fold_in(nx.random.key(42), 99)
    #Nx.Tensor<
      u32[2]
      [2015327502, 1351855566]
    >
    >>> nx.random.fold_in(nx.random.key(42), 1234)
    #Nx.Tensor<
      u32[2]
      [1356445167, 2917756949]
    >
    >>> nx.random.fold_in(nx.random.key(42), nx.tensor([[1, 99], [1234, 13]]))
    #Nx.Tensor<
      u32[2][2][2]
      [
        [
          [64467757, 2916123636],
          [2015327502, 1351855566]
        ],
        [
          [1356445167, 2917756949],
          [3514951389, 229662949]
        ]
      ]
    >
    """
    _assert_key(key)
    data = _nx.as_type(_as_tensor(data), "u64")
    high = _nx.right_shift(data, 32)
    low = _nx.bitwise_and(data, _u64(0xFFFFFFFF))
    pair = _nx.as_type(_nx.reshape(_nx.stack([high, low]), (2, data.size)), "u32")
    x1, x2 = _threefry2x32_20_pair(pair, key)
    return _nx.reshape(_nx.stack([x1, x2], axis=-1), tuple(data.shape) + (2,))


# --- the threefry2x32 block cipher ---------------------------------------------------

def threefry2x32_20_concat(xs, ks):
    """Threefry-2x32 with 20 rounds: encrypts the two rows of ``xs`` (``u32[2][n]``)
    with the key ``ks`` and concatenates the two output rows.

    The counters 0..3 give the bits of ``split(key(1701))``, row after row:

    >>> nx.random.threefry2x32_20_concat(nx.iota((2, 2), type="u32"), nx.random.key(1701))
    #Nx.Tensor<
      u32[4]
      [56197195, 1801093307, 961309823, 1704866707]
    >
    """
    _assert_key(ks)
    if not isinstance(xs, Tensor):
        raise ArgumentError(f"expected xs to be a u32 tensor, got: {xs!r}")
    if xs.rank < 1 or xs.shape[0] != 2 or str(xs.type) != "u32":
        raise ArgumentError(f"expected xs to be a u32 tensor with a leading axis of size "
                            f"2, got a {xs.type} tensor with shape {_shape_str(xs.shape)}")
    x1, x2 = _threefry2x32_20_pair(xs, ks)
    return _nx.concatenate([x1, x2], axis=0)


def _rotate_left(x, r):
    return _nx.bitwise_or(_nx.left_shift(x, _u32(r)), _nx.right_shift(x, _u32(32 - r)))


def _threefry2x32_20_pair(xs, ks):
    """Five groups of four rounds, injecting the rotated key schedule after each."""
    key1, key2 = ks[0], ks[1]
    x1, x2 = _nx.add(xs[0], key1), _nx.add(xs[1], key2)
    schedule = [key2, _nx.bitwise_xor(_nx.bitwise_xor(key1, key2), _u32(0x1BD11BDA)), key1]
    rotations = list(_ROTATIONS)
    for i in range(1, 6):
        for r in rotations[0]:
            x1 = _nx.add(x1, x2)
            x2 = _nx.bitwise_xor(_rotate_left(x2, r), x1)
        k1, k2, k3 = schedule
        x1 = _nx.add(k1, x1)
        x2 = _nx.add(_nx.add(k2, _u32(i)), x2)
        schedule = [k2, k3, k1]
        rotations.reverse()
    return x1, x2


def _threefry2x32(key, shape):
    size = _size(shape)
    if size % 2 == 0:
        counts = _nx.iota((2, size // 2), type="u32")
        return _nx.reshape(threefry2x32_20_concat(counts, key), shape)
    counts = _nx.concatenate([_nx.iota((size,), type="u32"), _nx.tensor([0], type="u32")])
    bits = threefry2x32_20_concat(_nx.reshape(counts, (2, (size + 1) // 2)), key)
    return _nx.reshape(_nx.slice(bits, [0], [size]), shape)


def _random_bits(key, shape, bit_width=32):
    _assert_key(key)
    if bit_width == 64:
        bits = _nx.as_type(_threefry2x32(key, (2, _size(shape))), "u64")
        return _nx.reshape(_nx.bitwise_or(_nx.left_shift(bits[0], 32), bits[1]), shape)
    bits = _threefry2x32(key, shape)
    return bits if bit_width == 32 else _nx.as_type(bits, f"u{bit_width}")


# --- helpers ------------------------------------------------------------------------

def _u32(value):
    return _nx.tensor(value, type="u32")


def _u64(value):
    return _nx.tensor(value, type="u64")


def _size(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def _as_tensor(x):
    return x if isinstance(x, Tensor) else _nx.tensor(x)


def _check_shape(shape):
    if not isinstance(shape, tuple) or not all(
            isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape):
        raise ArgumentError(f"expected shape to be a tuple of non-negative integers, "
                            f"got: {shape!r}")
    return shape


def _infer_type(left, right, type, floating):
    if type is not None:
        return _types.normalize(type)
    merged = _types.merge(_as_tensor(left).type, _as_tensor(right).type)
    return _types.to_floating(merged) if floating else merged


def _names(names, shape):
    return names if names is not None else [None] * len(shape)
