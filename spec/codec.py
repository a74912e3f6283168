"""The binary layout of tensor data, and codecs between it and Python values.

Data is row-major and little-endian, one element after another:

* integers of 8 to 64 bits in two's complement; floats in IEEE binary formats
  (f8 is E5M2, bf16 the top half of an f32, f8_e4m3fn the OCP E4M3 "FN" format);
  complex numbers as two floats, real part first;
* 2- and 4-bit integers are packed most significant bits first, as Nx's
  bitstrings are (element 0 sits in the high bits of byte 0); the last byte is
  padded with zero bits.

``encode`` rounds or wraps each value into the type (see :mod:`spec.values`) and
returns an object with the buffer protocol (an ``array.array`` or ``bytes``);
``decode`` returns an iterable of Python values (``int``, ``float``, ``complex``).

>>> bytes(encode("s8", [1, -1, 300]))
b'\\x01\\xff,'
>>> decode("u4", encode("u4", [0, 7, 15]), count=3)
[0, 7, 15]
>>> bytes(encode("u4", [0, 7, 15]))
b'\\x07\\xf0'
>>> decode("bf16", encode("bf16", [1.0, 1.00390625, float("inf")]))
[1.0, 1.0, inf]
"""

from __future__ import annotations

import struct
import sys
from array import array

from spec import types, values

__all__ = ["encode", "decode", "nbytes", "ARRAY_CODES"]

_LITTLE = sys.byteorder == "little"


def _array_code(kind, itemsize):
    for code in {"s": "bhilq", "u": "BHILQ", "f": "fd"}[kind]:
        if array(code).itemsize == itemsize:
            return code
    raise RuntimeError(f"no array code for {kind}{itemsize * 8}")


# Types stored natively by `array.array` (complex types store their components).
ARRAY_CODES = {
    **{f"s{b}": _array_code("s", b // 8) for b in (8, 16, 32, 64)},
    **{f"u{b}": _array_code("u", b // 8) for b in (8, 16, 32, 64)},
    "f32": "f", "f64": "d", "c64": "f", "c128": "d",
}


def nbytes(type_, count: int) -> int:
    """Bytes taken by ``count`` elements of ``type_``.

    >>> nbytes("u4", 3), nbytes("f32", 3), nbytes("c128", 2)
    (2, 12, 32)
    """
    type_ = types.normalize(type_)
    return (count * type_.bits + 7) // 8


def _native(code, vals, wrap):
    """Build an array, wrapping or rounding values when the fast path refuses them."""
    try:
        return array(code, vals)
    except (OverflowError, TypeError):
        return array(code, [wrap(v) for v in vals])


def _to_le(buf):
    if not _LITTLE and buf.itemsize > 1:
        buf = array(buf.typecode, buf)
        buf.byteswap()
    return buf


def encode(type_, vals):
    """Encode Python values (a list or any iterable) as the type's binary layout."""
    type_ = types.normalize(type_)
    name = type_.name
    if type_.is_integer:
        if type_.bits < 8:
            return _pack_bits(type_, [values.wrap_int(type_, int(v)) for v in vals])
        return _to_le(_native(ARRAY_CODES[name], vals, lambda v: values.wrap_int(type_, int(v))))
    if name in ("f32", "f64"):
        return _to_le(_native(ARRAY_CODES[name], vals, float))
    if type_.is_complex:
        flat = []
        for v in vals:
            v = complex(v)
            flat.append(v.real)
            flat.append(v.imag)
        return _to_le(array(ARRAY_CODES[name], flat))
    if name == "f16":
        vals = list(vals)
        try:
            return struct.pack(f"<{len(vals)}e", *vals)
        except (OverflowError, struct.error):
            return struct.pack(f"<{len(vals)}e", *[values.round_float("f16", float(v)) for v in vals])
    if name == "bf16":
        return _encode_bf16(vals)
    return bytes(_f8_index(name, float(v)) for v in vals)


def decode(type_, buf, count=None):
    """Decode a buffer in the type's layout into Python values.

    ``count`` is the number of elements, needed for the packed 2- and 4-bit types
    (whose last byte may hold padding). For types that ``array`` stores natively
    the array itself is returned (it iterates as Python values); the caller must
    not mutate it.
    """
    type_ = types.normalize(type_)
    name = type_.name
    if type_.is_integer and type_.bits < 8:
        out = _unpack_bits(type_, bytes(buf))
        return out if count is None else out[:count]
    code = ARRAY_CODES.get(name)
    if code is not None:
        if isinstance(buf, array) and buf.typecode == code and _LITTLE:
            arr = buf
        else:
            arr = array(code)
            arr.frombytes(bytes(buf))
            if not _LITTLE:
                arr.byteswap()
        if type_.is_complex:
            return list(map(complex, arr[0::2], arr[1::2]))
        return arr
    data = bytes(buf)
    if name == "f16":
        return list(struct.unpack(f"<{len(data) // 2}e", data))
    if name == "bf16":
        half = array("H")
        half.frombytes(data)
        if not _LITTLE:
            half.byteswap()
        full = array("I", [h << 16 for h in half])
        out = array("f")
        out.frombytes(full.tobytes())
        return out.tolist()
    table = _f8_table(name)
    return [table[b] for b in data]


def _encode_bf16(vals):
    f32 = array("f", [float(v) for v in vals])
    bits = array("I")
    bits.frombytes(f32.tobytes())
    out = array("H")
    for b in bits:
        if (b & 0x7F800000) == 0x7F800000 and (b & 0x007FFFFF):
            out.append((b >> 16) | 0x0040)           # NaN stays a quiet NaN
        else:
            # the f32 value is exact; round its low 16 bits away, ties to even
            out.append((b + 0x7FFF + ((b >> 16) & 1)) >> 16)
    # values that round through f32 first could double-round: redo those exactly
    res = array("H")
    for v, h, b in zip(vals, out, bits):
        if isinstance(v, float) and v == v and v != float(f32_from_bits(b)):
            h = _bf16_exact(float(v))
        res.append(h)
    return _to_le(res)


def f32_from_bits(b):
    return struct.unpack("<f", struct.pack("<I", b))[0]


def _bf16_exact(x: float) -> int:
    r = values.round_float("bf16", x)
    return struct.unpack("<I", struct.pack("<f", r))[0] >> 16


_F8_TABLES: dict = {}
_F8_INDEX: dict = {}


def _f8_decode_byte(name, byte):
    exp_bits, man_bits = types.FLOAT_FORMATS[name]
    bias = (1 << (exp_bits - 1)) - 1
    sign = -1.0 if byte & 0x80 else 1.0
    exp = (byte >> man_bits) & ((1 << exp_bits) - 1)
    man = byte & ((1 << man_bits) - 1)
    top = (1 << exp_bits) - 1
    if name == "f8_e4m3fn":
        if exp == top and man == (1 << man_bits) - 1:
            return float("nan")
    elif exp == top:
        return sign * float("inf") if man == 0 else float("nan")
    if exp == 0:
        return sign * man * 2.0 ** (1 - bias - man_bits)
    return sign * (1 + man / (1 << man_bits)) * 2.0 ** (exp - bias)


def _f8_table(name):
    table = _F8_TABLES.get(name)
    if table is None:
        table = [_f8_decode_byte(name, b) for b in range(256)]
        _F8_TABLES[name] = table
        index = {}
        for b, v in enumerate(table):
            if v == v:
                index.setdefault((v, str(v)[0] == "-"), b)
        _F8_INDEX[name] = index
    return table


def _f8_index(name, x: float) -> int:
    _f8_table(name)
    if x != x:
        return 0x7F if name == "f8_e4m3fn" else 0x7E
    r = values.round_float(name, x)
    return _F8_INDEX[name][(r, str(r)[0] == "-")]


def _pack_bits(type_, ints):
    bits = type_.bits
    per_byte = 8 // bits
    mask = (1 << bits) - 1
    out = bytearray((len(ints) * bits + 7) // 8)
    for i, v in enumerate(ints):
        shift = 8 - bits * (i % per_byte + 1)
        out[i // per_byte] |= (v & mask) << shift
    return bytes(out)


def _unpack_bits(type_, data: bytes):
    bits = type_.bits
    per_byte = 8 // bits
    mask = (1 << bits) - 1
    out = []
    for byte in data:
        for j in range(per_byte):
            out.append((byte >> (8 - bits * (j + 1))) & mask)
    if type_.kind == "s":
        half = 1 << (bits - 1)
        out = [v - (1 << bits) if v >= half else v for v in out]
    return out
