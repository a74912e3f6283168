"""The binary layout of tensor data, and codecs between it and Python values.

Data is row-major and little-endian, one element after another, with no padding
between elements:

* ``s8`` to ``s64`` in two's complement, ``u8`` to ``u64`` as plain binary;
* ``f16``, ``f32``, ``f64`` in the IEEE 754 binary formats; ``bf16`` is the top
  half of an f32; ``f8`` is E5M2 (the top byte of an f16); ``f8_e4m3fn`` is the OCP
  E4M3 "FN" format (4 exponent bits, bias 7, no infinities, NaN = S.1111.111);
* ``c64`` and ``c128`` as two f32 or two f64, real part first;
* ``s2``, ``s4``, ``u2`` and ``u4`` are packed, most significant bits first, as
  Nx's bitstrings are: element 0 sits in the high bits of byte 0, and the last
  byte is padded with zero bits (``nbytes`` rounds up).

``encode`` rounds or wraps each value into the type (see :mod:`spec.values`: one
rounding to nearest, ties to even, from the exact value) and returns an object
with the buffer protocol (an ``array.array`` or ``bytes``). A NaN is stored as a
quiet NaN of the type with the same sign; Python's ``float("nan")`` as the type's
canonical NaN (Nx's ``nan_binary``). Payload bits are not part of the layout (f16
and the f8 types drop them, f32, f64 and bf16 keep those that fit). ``decode`` returns the
Python values (``int``, ``float``, ``complex``), as an ``array.array`` where the
type has a native array code (do not mutate it) or a list.

>>> bytes(encode("s8", [1, -1, 300]))
b'\\x01\\xff,'
>>> bytes(encode("u4", [0, 7, 15]))
b'\\x07\\xf0'
>>> decode("u4", encode("u4", [0, 7, 15]), count=3)
[0, 7, 15]
>>> list(decode("bf16", encode("bf16", [1.0, 1.00390625, 1.01171875, float("inf")])))
[1.0, 1.0, 1.015625, inf]
>>> bytes(encode("f8_e4m3fn", [448.0, 1e9, float("-inf"), float("nan")])).hex()
'7e7efe7f'
"""

from __future__ import annotations

import math
import struct
import sys
from array import array

from spec import types, values

__all__ = ["encode", "decode", "nbytes", "ARRAY_CODES"]

_LITTLE = sys.byteorder == "little"
_EXACT_IN_F64 = 1 << 53


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

    >>> nbytes("u4", 3), nbytes("s2", 5), nbytes("f32", 3), nbytes("c128", 2)
    (2, 2, 12, 32)
    """
    type_ = types.normalize(type_)
    return (count * type_.bits + 7) // 8


def _to_le(buf):
    if not _LITTLE and buf.itemsize > 1:
        buf = array(buf.typecode, buf)
        buf.byteswap()
    return buf


def _from_le(code, data):
    arr = array(code)
    arr.frombytes(data)
    if not _LITTLE:
        arr.byteswap()
    return arr


# -- encode ---------------------------------------------------------------------

def encode(type_, vals):
    """Encode Python values (a list, an ``array.array`` or any iterable) in the
    type's binary layout.

    >>> bytes(encode("f16", [1.0, -2.0])), bytes(encode("c64", [1j]))
    (b'\\x00<\\x00\\xc0', b'\\x00\\x00\\x00\\x00\\x00\\x00\\x80?')
    """
    type_ = types.normalize(type_)
    name = type_.name
    if not isinstance(vals, (list, array)):
        vals = list(vals)
    if type_.is_integer:
        if type_.bits < 8:
            return _pack_bits(type_.bits, vals)
        try:
            return _to_le(array(ARRAY_CODES[name], vals))
        except (OverflowError, TypeError):
            return _to_le(array(ARRAY_CODES[name], [values.wrap_int(type_, int(v)) for v in vals]))
    vals = _exact_big_ints(type_, vals)
    if type_.is_complex:
        return _to_le(array(ARRAY_CODES[name], _interleave(vals)))
    if name in ("f32", "f64"):
        try:
            return _to_le(array(ARRAY_CODES[name], vals))
        except TypeError:
            return _to_le(array(ARRAY_CODES[name], [float(v) for v in vals]))
    if name == "bf16":
        return _encode_bf16(vals)
    if name == "f16":
        try:
            return struct.pack(f"<{len(vals)}e", *vals)
        except (OverflowError, struct.error):  # past f16's range: round each value ourselves
            return struct.pack(f"<{len(vals)}e", *[values.round_float("f16", v) for v in vals])
    return _encode_f8(name, vals)


def _exact_big_ints(type_, vals):
    """Round integers beyond 2**53 into the type from their exact value (the
    C conversions below would round them to f64 first)."""
    if isinstance(vals, array) and vals.typecode in "fd" or int not in set(map(type, vals)):
        return vals
    return [values.round_to(type_, v) if type(v) is int and not -_EXACT_IN_F64 <= v <= _EXACT_IN_F64
            else v for v in vals]


def _interleave(vals):
    flat = [0.0] * (2 * len(vals))
    cs = [complex(v) for v in vals]
    flat[0::2] = [c.real for c in cs]
    flat[1::2] = [c.imag for c in cs]
    return flat


def _encode_bf16(vals):
    # One rounding of each value to f32 (C, ties to even), then of each f32 to
    # its top 16 bits, ties to even, for all elements at once: the f32 words are
    # read as one big integer of 32-bit lanes and each lane gets 0x7FFF plus the
    # lowest bit of its top half (no carry leaves a lane of a finite value).
    # Rounding twice gives the nearest bf16 except when the f32 lands exactly on
    # a bf16 tie (low half 0x8000) without the value being one: those few, and
    # NaNs, are redone one by one.
    try:
        f32 = array("f", vals)
    except TypeError:
        f32 = array("f", [float(v) for v in vals])
    n = len(f32)
    raw = _to_le(f32).tobytes()
    words = int.from_bytes(raw, "little")
    lsb = (words >> 16) & int.from_bytes(b"\x01\x00\x00\x00" * n, "little")
    rounded = (words + int.from_bytes(b"\xff\x7f\x00\x00" * n, "little") + lsb).to_bytes(4 * n, "little")
    out = bytearray(2 * n)
    out[0::2], out[1::2] = rounded[2::4], rounded[3::4]
    for i in _bf16_special(raw):
        x = f32[i]
        if x != x:
            _put_bf16(out, i, (_f32_bits(x) >> 16) | 0x0040)  # NaN made quiet
            if i + 1 < n:  # a NaN's lane may have carried into the next one
                b = _f32_bits(f32[i + 1])
                _put_bf16(out, i + 1, (b + 0x7FFF + ((b >> 16) & 1)) >> 16)
        elif vals[i] != x:
            _put_bf16(out, i, _f32_bits(values.round_float("bf16", vals[i])) >> 16)
    return bytes(out)


def _put_bf16(out: bytearray, i: int, half: int):
    out[2 * i:2 * i + 2] = half.to_bytes(2, "little")


# Translate tables over the bytes of little-endian f32 words: an all-ones exponent
# has 0x7F in the low 7 bits of byte 3 and bit 7 of byte 2 set; a bf16 tie has
# 0x80 in byte 1 and 0 in byte 0.
_EXP_HI = bytes(int(b & 0x7F == 0x7F) for b in range(256))
_EXP_LO = bytes(b >> 7 for b in range(256))
_IS_80 = bytes(int(b == 0x80) for b in range(256))
_ZERO = bytes(int(b == 0) for b in range(256))


def _bf16_special(raw: bytes):
    """Indices of the little-endian f32 words that are NaN, infinite, or have a
    low half of 0x8000 (a bf16 tie, if the value was exact)."""
    n = len(raw) // 4
    flags = int.from_bytes(raw[3::4].translate(_EXP_HI), "little") \
        & int.from_bytes(raw[2::4].translate(_EXP_LO), "little")
    ties = int.from_bytes(raw[1::4].translate(_IS_80), "little") \
        & int.from_bytes(raw[0::4].translate(_ZERO), "little")
    marked = (flags | ties).to_bytes(n, "little")
    pos = marked.find(1)
    while pos != -1:
        yield pos
        pos = marked.find(1, pos + 1)


def _f32_bits(x: float) -> int:
    return struct.unpack("<I", struct.pack("<f", x))[0]


def _encode_f8(name, vals):
    # One rounding to f16 (exact for every f8 value and every midpoint between
    # two of them), then a table from f16 bits to the f8 byte. An f16 that is an
    # f8 tie while the value was not exactly that is rounded again from the value.
    try:
        half = struct.pack(f"<{len(vals)}e", *vals)
    except (OverflowError, struct.error):  # past f16's range; both f8 formats saturate
        half = struct.pack(f"<{len(vals)}e", *[_clamp_f16(float(v)) for v in vals])
    halves = struct.unpack(f"<{len(vals)}H", half)
    codes, ties = _f8_encode_table(name)
    out = bytearray(map(codes.__getitem__, halves))
    flags = bytes(map(ties.__getitem__, halves))
    i = flags.find(1)
    while i != -1:
        if float(vals[i]) != _F16_VALUES[halves[i]]:
            out[i] = _f8_byte(name, values.round_float(name, vals[i]))
        i = flags.find(1, i + 1)
    return bytes(out)


def _clamp_f16(x: float) -> float:
    return x if not abs(x) > 65504.0 or x != x else (65504.0 if x > 0 else -65504.0)


_F16_VALUES = struct.unpack("<65536e", struct.pack("<65536H", *range(65536)))
_F8_DECODE: dict = {}
_F8_ENCODE: dict = {}


def _f8_byte(name, r: float) -> int:
    """The byte of a value already in the f8 format (NaN: the quiet NaN)."""
    if r != r:
        return 0x7F if name == "f8_e4m3fn" else 0x7E
    return _f8_index(name)[(r, str(r)[0] == "-")]


def _f8_index(name):
    _f8_decode_table(name)
    return _F8_DECODE[name, "index"]


def _f8_encode_table(name):
    """Two lists indexed by f16 bit patterns: the byte of the nearest f8 value
    (ties to even), and 1 where the f16 value is an f8 tie."""
    tables = _F8_ENCODE.get(name)
    if tables is None:
        decoded = _f8_decode_table(name)
        top = 0x7E if name == "f8_e4m3fn" else 0x7B       # the largest finite byte
        # the values of bytes 0 to top, then the next one the format would have
        ladder = decoded[:top + 1] + [2 * decoded[top] - decoded[top - 1]]
        over = top if name == "f8_e4m3fn" else 0x7C         # saturate, or infinity
        codes, ties = [], []
        b = 0
        for x in _F16_VALUES[:0x7C00]:                      # the finite f16 values, increasing
            while b <= top and x > (ladder[b] + ladder[b + 1]) / 2:
                b += 1
            tie = b <= top and x == (ladder[b] + ladder[b + 1]) / 2
            codes.append(min(b + (b % 2 if tie else 0), over))   # a tie goes to the even byte
            ties.append(int(tie))
        nan = _f8_byte(name, float("nan"))
        codes += [over] + [nan] * (0x8000 - 0x7C01)         # infinity, then the NaNs
        ties += [0] * (0x8000 - 0x7C00)
        tables = (codes + [c | 0x80 for c in codes], ties + ties)  # negatives mirror positives
        _F8_ENCODE[name] = tables
    return tables


# -- decode ---------------------------------------------------------------------

def decode(type_, buf, count=None):
    """Decode a buffer in the type's layout into Python values.

    ``count`` is the number of elements, needed for the packed 2- and 4-bit types
    (whose last byte may hold padding). For types that ``array`` stores natively
    the array itself is returned (it iterates as Python values); the caller must
    not mutate it.

    >>> decode("s4", bytes([0x7f, 0x80]), count=3), decode("f8", bytes([0x3c, 0x7c]))
    ([7, -1, -8], [1.0, inf])
    """
    type_ = types.normalize(type_)
    name = type_.name
    if type_.is_integer and type_.bits < 8:
        return _unpack_bits(type_, bytes(buf), count)
    code = ARRAY_CODES.get(name)
    if code is not None:
        if isinstance(buf, array) and buf.typecode == code and _LITTLE:
            arr = buf
        else:
            arr = _from_le(code, bytes(buf))
        if type_.is_complex:
            return list(map(complex, arr[0::2], arr[1::2]))
        return arr
    data = bytes(buf)
    if name == "f16":
        return list(struct.unpack(f"<{len(data) // 2}e", data))
    if name == "bf16":
        full = bytearray(2 * len(data))   # each bf16 becomes the top half of an f32
        if _LITTLE:
            full[2::4], full[3::4] = data[0::2], data[1::2]
        else:
                full[0::4], full[1::4] = data[1::2], data[0::2]
        return _f32_list(full)
    table = _f8_decode_table(name)
    return list(map(table.__getitem__, data))


def _f32_list(native_bytes) -> list:
    out = array("f")
    out.frombytes(native_bytes)
    return out.tolist()


def _f8_decode_byte(name, byte):
    exp_bits, man_bits = types.FLOAT_FORMATS[name]
    bias = (1 << (exp_bits - 1)) - 1
    sign = -1.0 if byte & 0x80 else 1.0
    exp = (byte >> man_bits) & ((1 << exp_bits) - 1)
    man = byte & ((1 << man_bits) - 1)
    top = (1 << exp_bits) - 1
    if name == "f8_e4m3fn":
        if exp == top and man == (1 << man_bits) - 1:
            return math.copysign(math.nan, sign)
    elif exp == top:
        return sign * math.inf if man == 0 else math.copysign(math.nan, sign)
    if exp == 0:
        return sign * man * 2.0 ** (1 - bias - man_bits)
    return sign * (1 + man / (1 << man_bits)) * 2.0 ** (exp - bias)


def _f8_decode_table(name):
    table = _F8_DECODE.get(name)
    if table is None:
        table = [_f8_decode_byte(name, b) for b in range(256)]
        index = {}
        for b, v in enumerate(table):
            if v == v:
                index.setdefault((v, str(v)[0] == "-"), b)
        _F8_DECODE[name] = table
        _F8_DECODE[name, "index"] = index
    return table


# -- the packed 2- and 4-bit integers ----------------------------------------------

def _field_tables(bits):
    """Per position in a byte (high bits first), a translate table from a byte to
    the field's value as an unsigned and as a two's complement (s8) byte."""
    per = 8 // bits
    mask = (1 << bits) - 1
    half = 1 << (bits - 1)
    out = []
    for j in range(per):
        shift = 8 - bits * (j + 1)
        fields = [(b >> shift) & mask for b in range(256)]
        out.append((bytes(fields), bytes((f - (1 << bits)) & 0xFF if f >= half else f for f in fields)))
    return out


_FIELDS = {bits: _field_tables(bits) for bits in (2, 4)}


def _pack_bits(bits, vals):
    per = 8 // bits
    mask = (1 << bits) - 1
    try:
        fields = bytes(v & mask for v in vals)
    except TypeError:
        fields = bytes(int(v) & mask for v in vals)
    n = len(fields)
    fields += bytes(-n % per)
    acc = 0
    for j in range(per):  # OR the shifted fields of each position, as big integers
        shift = 8 - bits * (j + 1)
        column = fields[j::per]
        acc |= int.from_bytes(column, "big") << shift
    return acc.to_bytes(len(fields) // per, "big")


def _unpack_bits(type_, data: bytes, count):
    per = 8 // type_.bits
    signed = type_.kind == "s"
    out = bytearray(len(data) * per)
    for j, (unsigned_table, signed_table) in enumerate(_FIELDS[type_.bits]):
        out[j::per] = data.translate(signed_table if signed else unsigned_table)
    if count is not None:
        del out[count:]
    return array("b", bytes(out)).tolist() if signed else list(out)
