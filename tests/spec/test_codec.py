"""Tests of spec.codec: the binary layout of all 20 types, bit for bit.

Layouts are compared with numpy/ml_dtypes (``np.array(vals, dtype).tobytes()``)
and, for the packed 2- and 4-bit types that numpy lacks, with a bit string built
here. Rounding is compared with the exact reference of tests/spec/test_values.py.
"""

from __future__ import annotations

import math
import struct
import warnings
from array import array

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, strategies as st

from spec import codec, types
from spec.types import ALL_TYPES
from tests.spec.test_values import exact_round, same
from tests.support import scalar_values

NAMES = [t.name for t in ALL_TYPES]
NP = {"f8": ml_dtypes.float8_e5m2, "f8_e4m3fn": ml_dtypes.float8_e4m3fn, "bf16": ml_dtypes.bfloat16,
      "f16": np.float16, "f32": np.float32, "f64": np.float64, "c64": np.complex64,
      "c128": np.complex128, **{f"u{b}": np.dtype(f"<u{b // 8}") for b in (8, 16, 32, 64)},
      **{f"s{b}": np.dtype(f"<i{b // 8}") for b in (8, 16, 32, 64)}}
PACKED = ["u2", "u4", "s2", "s4"]
SMALL_FLOATS = ["f8", "f8_e4m3fn", "f16", "bf16"]


# -- round trips ------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_encode_decode_round_trip_every_type(name, data):
    vals = data.draw(st.lists(scalar_values(name), max_size=17))
    buf = codec.encode(name, vals)
    assert len(bytes(buf)) == codec.nbytes(name, len(vals))
    back = list(codec.decode(name, buf, count=len(vals)))
    assert len(back) == len(vals) and all(same(a, b) for a, b in zip(back, vals))
    assert bytes(codec.encode(name, back)) == bytes(buf)  # re-encoding is stable


@pytest.mark.parametrize("name", NAMES)
def test_empty_and_iterable_inputs(name):
    assert bytes(codec.encode(name, [])) == b"" and list(codec.decode(name, b"", count=0)) == []
    one = 1 if types.normalize(name).is_integer else 1.0
    assert bytes(codec.encode(name, (one for _ in range(3)))) == bytes(codec.encode(name, [one] * 3))


# -- bit-exact against numpy / ml_dtypes ----------------------------------------------

@pytest.mark.parametrize("name", [n for n in NAMES if types.normalize(n).is_integer and n not in PACKED])
@given(data=st.data())
def test_integer_layout_matches_numpy(name, data):
    vals = data.draw(st.lists(scalar_values(name), max_size=20))
    assert bytes(codec.encode(name, vals)) == np.array(vals, NP[name]).tobytes()
    assert list(codec.decode(name, np.array(vals, NP[name]).tobytes())) == vals


@pytest.mark.parametrize("name", [t.name for t in types.INTEGER_TYPES])
@given(data=st.data())
def test_integers_out_of_range_wrap(name, data):
    vals = data.draw(st.lists(st.integers(-(2**70), 2**70), max_size=10))
    t = types.normalize(name)
    lo = 0 if t.kind == "u" else -(2 ** (t.bits - 1))
    wrapped = [(v - lo) % 2**t.bits + lo for v in vals]
    assert bytes(codec.encode(name, vals)) == bytes(codec.encode(name, wrapped))
    assert list(codec.decode(name, codec.encode(name, vals), count=len(vals))) == wrapped


def _canonical_nans(xs):
    """numpy keeps NaN payloads, the codec does not: use the two plain NaNs."""
    return [math.copysign(math.nan, x) if x != x else x for x in xs]


@pytest.mark.parametrize("name", ["f16", "f32", "f64"])
@given(xs=st.lists(st.floats(), max_size=20))
def test_ieee_layout_matches_numpy_from_any_double(name, xs):
    xs = _canonical_nans(xs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert bytes(codec.encode(name, xs)) == np.array(xs, np.float64).astype(NP[name]).tobytes()


@pytest.mark.parametrize("name", ["bf16", "f8", "f8_e4m3fn"])
@given(xs=st.lists(st.floats(width=32), max_size=20))
def test_ml_dtypes_layout_matches_from_f32_values(name, xs):
    # ml_dtypes converts an f64 to f32 first; from f32 values it rounds once.
    xs = _canonical_nans(xs)
    if name == "f8_e4m3fn":  # ml_dtypes turns overflow into NaN; Nx saturates (pinned below)
        xs = [x for x in xs if not abs(x) > 448.0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert bytes(codec.encode(name, xs)) == np.array(xs, np.float32).astype(NP[name]).tobytes()


@pytest.mark.parametrize("name", SMALL_FLOATS + ["f32"])
@given(xs=st.lists(st.floats(), max_size=20))
def test_encoding_any_double_rounds_once_to_nearest_even(name, xs):
    back = codec.decode(name, codec.encode(name, xs))
    assert all(same(b, exact_round(x, name)) for b, x in zip(back, xs))


@pytest.mark.parametrize("name", ["c64", "c128"])
@given(data=st.data())
def test_complex_layout_is_two_floats_real_first(name, data):
    part = st.floats(width=32 if name == "c64" else 64)
    zs = [complex(*_canonical_nans([a, b])) for a, b in data.draw(st.lists(st.tuples(part, part), max_size=10))]
    assert bytes(codec.encode(name, zs)) == np.array(zs, NP[name]).tobytes()
    assert bytes(codec.encode(name, [1.5, 2])) == np.array([1.5, 2], NP[name]).tobytes()


# -- every bit pattern of the small float formats ------------------------------------------

@pytest.mark.parametrize("name", SMALL_FLOATS)
def test_decode_every_bit_pattern_like_ml_dtypes(name):
    n = 256 if types.normalize(name).bits == 8 else 65536
    raw = np.arange(n, dtype=np.uint8 if n == 256 else "<u2").tobytes()
    got = codec.decode(name, raw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = np.frombuffer(raw, NP[name]).astype(np.float64).tolist()
    assert all(same(a, b) for a, b in zip(got, want))
    nan_bits = [i for i, v in enumerate(want) if v != v]
    signs = [math.copysign(1, got[i]) for i in nan_bits]
    assert signs == [-1.0 if i & (n >> 1) else 1.0 for i in nan_bits]   # a NaN keeps its sign


@pytest.mark.parametrize("name", SMALL_FLOATS)
def test_reencoding_every_value_gives_its_bits_and_nans_stay_quiet_nans_of_their_sign(name):
    t = types.normalize(name)
    n = 1 << t.bits
    raw = np.arange(n, dtype=np.uint8 if n == 256 else "<u2")
    vals = codec.decode(name, raw.tobytes())
    again = np.frombuffer(bytes(codec.encode(name, vals)), raw.dtype)
    finite_or_inf = [v == v for v in vals]
    assert (again[finite_or_inf] == raw[finite_or_inf]).all()
    nans = [(int(b), int(a)) for b, a, f in zip(raw, again, finite_or_inf) if not f]
    assert nans and all(_is_quiet_nan(name, a) and a & (n >> 1) == b & (n >> 1) for b, a in nans)


def _is_quiet_nan(name, bits):
    # E5M2 / f16 / bf16: exponent all ones and the top mantissa bit; E4M3FN: S.1111.111
    return {"f8": bits & 0x7E == 0x7E, "f8_e4m3fn": bits & 0x7F == 0x7F,
            "f16": bits & 0x7E00 == 0x7E00, "bf16": bits & 0x7FC0 == 0x7FC0}[name]


@pytest.mark.parametrize("name", ["f8", "f8_e4m3fn"])
def test_f8_encode_from_every_f16_value(name):
    halves = np.arange(65536, dtype="<u2").view(np.float16)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = halves.astype(NP[name]).view(np.uint8)
    got = np.frombuffer(bytes(codec.encode(name, halves.astype(np.float64).tolist())), np.uint8)
    differ = np.nonzero(got != want)[0]
    if name == "f8":
        assert differ.size == 0
    else:  # only where ml_dtypes overflows to NaN: there Nx saturates to +-448
        assert all(abs(float(halves[i])) > 448.0 and np.isnan(want.view(NP[name])[i].astype(float))
                   for i in differ)
        assert set(got[differ].tolist()) == {0x7E, 0xFE}


# -- rounding points the two-step encoders must redo ------------------------------------

@pytest.mark.parametrize("name, x, bits", [
    ("bf16", 1.0 + 2**-8, 0x3F80),                 # an exact tie: to even
    ("bf16", 1.0 + 2**-8 + 2**-30, 0x3F81),        # f32 lands on the tie; the value is above it
    ("bf16", -(1.0 + 2**-8 + 2**-30), 0xBF81),
    ("bf16", 1.0 + 3 * 2**-8 - 2**-30, 0x3F81),    # f32 lands on the tie 0x3F818000; below it
    ("f8", 1.125, 0x3C), ("f8", 1.125 + 2**-20, 0x3D), ("f8", 1.375 - 2**-20, 0x3D),
    ("f8_e4m3fn", 1.0625, 0x38), ("f8_e4m3fn", 1.0625 + 2**-20, 0x39),
    ("f8_e4m3fn", 2.0**-10 + 2**-30, 0x01),          # a subnormal tie, just above
    ("f8", 61440.0, 0x7C), ("f8", 61439.0, 0x7B), ("f8", 1e10, 0x7C), ("f8", -1e300, 0xFC),
    ("f8_e4m3fn", 1e300, 0x7E), ("f8_e4m3fn", -math.inf, 0xFE), ("f8_e4m3fn", 464.0, 0x7E),
    ("f16", 65520.0, 0x7C00), ("f16", 1e300, 0x7C00), ("bf16", 1e300, 0x7F80),
])
def test_rounding_points(name, x, bits):
    size = types.normalize(name).bytes
    assert bytes(codec.encode(name, [x])) == bits.to_bytes(size, "little")
    assert same(codec.decode(name, codec.encode(name, [x]))[0], exact_round(x, name))


@pytest.mark.parametrize("name", SMALL_FLOATS + ["f32", "f64", "c64"])
def test_large_integers_are_rounded_from_their_exact_value(name):
    part = "f32" if name == "c64" else name
    ints = [2**60 + 2**52 + 1, 2**60 + 2**36 + 1, -(2**63 + 2**39 + 1), 2**64 - 1, 2**2000, 3]
    got = list(codec.decode(name, codec.encode(name, ints)))
    want = [exact_round(n, part) for n in ints]
    if name == "c64":
        want = [complex(w, 0.0) for w in want]
    assert all(same(g, w) for g, w in zip(got, want)), (got, want)


def test_nan_sign_is_kept_and_payload_dropped():
    payload = struct.unpack("<d", struct.pack("<Q", 0xFFF4000000000001))[0]   # -NaN, signalling
    for name, quiet in [("f16", 0x7E00), ("bf16", 0x7FC0), ("f8", 0x7E), ("f8_e4m3fn", 0x7F),
                        ("f32", 0x7FC00000)]:
        size = types.normalize(name).bytes
        got = bytes(codec.encode(name, [math.nan, -math.nan]))
        assert got == quiet.to_bytes(size, "little") + (quiet | 1 << (8 * size - 1)).to_bytes(size, "little")
        neg = int.from_bytes(bytes(codec.encode(name, [payload])), "little")
        assert neg >> (8 * size - 1) == 1 and math.isnan(codec.decode(name, neg.to_bytes(size, "little"))[0])


# -- the packed 2- and 4-bit integers --------------------------------------------------

def bitstring_pack(bits, vals):
    """Nx's bitstring layout, built from a string of binary digits."""
    digits = "".join(format(v & ((1 << bits) - 1), f"0{bits}b") for v in vals)
    digits += "0" * (-len(digits) % 8)
    return int(digits, 2).to_bytes(len(digits) // 8, "big") if digits else b""


@pytest.mark.parametrize("name", PACKED)
@given(data=st.data())
def test_packed_layout_is_msb_first_like_nx_bitstrings(name, data):
    t = types.normalize(name)
    vals = data.draw(st.lists(scalar_values(name), max_size=33))
    assert bytes(codec.encode(name, vals)) == bitstring_pack(t.bits, vals)
    assert codec.decode(name, bitstring_pack(t.bits, vals), count=len(vals)) == vals


def test_packed_examples_and_padding():
    assert bytes(codec.encode("u4", [1, 2, 3])) == b"\x12\x30"
    assert bytes(codec.encode("s2", [1, -1, -2, 0, 1])) == bytes([0b01111000, 0b01000000])
    assert codec.decode("s4", b"\x8f", count=2) == [-8, -1]
    assert codec.decode("u2", b"\xe4") == [3, 2, 1, 0]            # without count: the whole bytes
    assert codec.decode("u2", b"\xe4\xff", count=5) == [3, 2, 1, 0, 3]
    assert [codec.nbytes(n, 5) for n in ("u2", "s4", "u8", "f8_e4m3fn", "bf16", "c64")] == [2, 3, 5, 5, 10, 40]


def test_decode_returns_the_array_for_native_types_and_accepts_arrays():
    buf = codec.encode("f32", [1.0, 2.5])
    assert isinstance(buf, array) and codec.decode("f32", buf) is buf
    assert list(codec.decode("s16", array("h", [1, -2]).tobytes())) == [1, -2]
    assert bytes(codec.encode("bf16", array("d", [1.0, 2.0]))) == bytes(codec.encode("bf16", [1.0, 2.0]))
