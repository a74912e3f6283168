"""Tests of spec.types: Nx.Type's functions, the promotion table (golden), limits.

The promotion table and the merge_number table are pinned by golden files under
``tests/spec/golden/``; after a deliberate change, review and regenerate them with
``python3 -m tests.spec.test_types``. Each golden table is also checked against an
independent transliteration of Nx 0.13's rules, so the only differences allowed
are the deviations documented in spec/types.py.
"""

from __future__ import annotations

import difflib
import math
import pickle
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest

from spec import codec, types
from spec.errors import ArgumentError, TypeError_
from spec.types import ALL_TYPES

GOLDEN = Path(__file__).parent / "golden"
NAMES = [t.name for t in ALL_TYPES]


# -- Nx 0.13's rules, transliterated from nx/lib/nx/type.ex (the independent check) --

_NX_RANK = {"c": 4, "f": 3, "f8_e4m3fn": 3, "bf": 2, "s": 1, "u": 0}


def nx_merge(left: tuple, right: tuple) -> tuple:
    if left[0] == right[0]:
        return (left[0], max(left[1], right[1]))
    # Nx's sort: strictly lower rank first, otherwise the arguments swap
    low, high = (left, right) if _NX_RANK[left[0]] < _NX_RANK[right[0]] else (right, left)
    if low[0] == "u" and high[0] == "s":
        return ("s", max(min(low[1] * 2, 64), high[1]))
    if low[0] == "f" and high[0] == "c":
        return ("c", max(low[1] * 2, high[1]))
    return high


def _nx_size(x: int, tops) -> int:
    for bits, top in tops:
        if x <= top:
            return bits
    return 64


def nx_merge_number(t: tuple, number) -> tuple:
    kind, size = t
    if isinstance(number, complex):  # Nx.Shared.binary_type types it as {:c, 64}
        return nx_merge(t, ("c", 64))
    if isinstance(number, int):
        if kind == "u" and number >= 0:
            return ("u", max(_nx_size(number, [(1, 1), (8, 255), (16, 65535), (32, 2**32 - 1)]), size))
        if kind == "u":
            return nx_merge_number(("s", min(size * 2, 64)), number)
        if kind == "s":
            n = -number - 1 if number < 0 else number
            return ("s", max(_nx_size(n, [(1, 1), (8, 127), (16, 32767), (32, 2**31 - 1)]), size))
    if kind in ("bf", "f", "c"):
        return t
    return ("f", 32)


# -- golden tables ------------------------------------------------------------------

NUMBERS = [0, 1, 2, 3, 4, 7, 8, 15, 16, 127, 128, 255, 256, 32767, 32768, 65535, 65536,
           2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**63 - 1, 2**63, 2**64 - 1, 2**64,
           -1, -2, -3, -8, -9, -128, -129, -32768, -32769, -2**31, -2**31 - 1, -2**63, -2**63 - 1,
           0.0, 1.5, -2.5, math.inf, math.nan, 1j, 1 + 2j]


def promotion_lines() -> list[str]:
    table = types.promotion_table()
    return [f"{a} {b} {table[a, b]}" for a in NAMES for b in NAMES]


def merge_number_lines() -> list[str]:
    return [f"{t} {n!r} {types.merge_number(t, n)}" for t in NAMES for n in NUMBERS]


GOLDEN_TABLES = {
    "promotion_table.txt": (promotion_lines,
                            "left right merge(left, right): spec.types.merge for all 20 x 20 pairs"),
    "merge_number.txt": (merge_number_lines,
                         "type number merge_number(type, number): Python numbers against each type"),
}


def _golden_body(name: str) -> list[str]:
    text = (GOLDEN / name).read_text()
    return [line for line in text.splitlines() if line and not line.startswith("#")]


@pytest.mark.parametrize("name", sorted(GOLDEN_TABLES))
def test_golden_table(name):
    computed = GOLDEN_TABLES[name][0]()
    pinned = _golden_body(name)
    if computed != pinned:
        diff = "\n".join(difflib.unified_diff(pinned, computed, f"golden/{name}", "computed",
                                              lineterm="", n=0))
        pytest.fail(f"{name} no longer matches its golden file. If the change is deliberate, "
                    f"regenerate with `python3 -m tests.spec.test_types` and review:\n{diff}")


def _golden_rows(name):
    return [line.split(" ") for line in _golden_body(name)]


# Pairs where the spec's symmetric merge departs from Nx's order-dependent one
# (documented in spec.types.merge): Nx returns the left argument there.
MERGE_DEVIATIONS = {("f8", "f8_e4m3fn"): "f16", ("f8_e4m3fn", "f8"): "f16",
                    ("f8_e4m3fn", "f16"): "f16", ("f8_e4m3fn", "f32"): "f32",
                    ("f8_e4m3fn", "f64"): "f64"}


def test_promotion_golden_follows_nx_except_documented_deviations():
    rows = _golden_rows("promotion_table.txt")
    assert len(rows) == 400
    deviations = {}
    for a, b, merged in rows:
        nx = types.normalize(nx_merge(types.normalize(a).as_tuple(), types.normalize(b).as_tuple()))
        if nx != merged:
            deviations[a, b] = merged
            assert nx == a, f"Nx gives the left argument in every documented deviation ({a}, {b})"
    assert deviations == MERGE_DEVIATIONS


def test_merge_number_golden_follows_nx_except_f8_e4m3fn():
    rows = _golden_body("merge_number.txt")
    assert len(rows) == 20 * len(NUMBERS)
    for line, (t, n) in zip(rows, [(t, n) for t in NAMES for n in NUMBERS]):
        merged = line.rsplit(" ", 1)[1]
        nx = types.normalize(nx_merge_number(types.normalize(t).as_tuple(), n)).name
        if t == "f8_e4m3fn" and not isinstance(n, complex):
            assert (nx, merged) == ("f32", "f8_e4m3fn"), line  # documented in merge_number
        else:
            assert merged == nx, f"{line} (Nx: {nx})"


@pytest.mark.parametrize("a", NAMES)
def test_merge_is_symmetric_idempotent_and_holds_both_kinds(a):
    for b in NAMES:
        m = types.merge(a, b)
        assert m == types.merge(b, a)
        ta, tb = types.normalize(a), types.normalize(b)
        assert _NX_RANK[m.kind] >= max(_NX_RANK[ta.kind], _NX_RANK[tb.kind])
    assert types.merge(a, a) == a


# -- Nx.Type's doctests, translated --------------------------------------------------

DOCTESTS = [
    (types.infer, (1,), "s32"), (types.infer, (1.0,), "f32"), (types.infer, (1j,), "c64"),
    (types.infer, (True,), "u8"),
    (types.normalize, (("u", 8),), "u8"), (types.normalize, ("u8",), "u8"),
    *[(types.to_floating, (t,), r) for t, r in
      [(("s", 8), "f32"), (("s", 32), "f32"), (("bf", 16), "bf16"), (("f", 32), "f32"), (("c", 64), "c64")]],
    *[(types.to_complex, (t,), r) for t, r in
      [(("s", 64), "c64"), (("bf", 16), "c64"), (("f", 32), "c64"), (("c", 64), "c64"),
       (("f", 64), "c128"), (("c", 128), "c128")]],
    *[(types.to_real, (t,), r) for t, r in
      [(("s", 8), "f32"), (("s", 64), "f32"), (("bf", 16), "bf16"), (("c", 64), "f32"),
       (("c", 128), "f64"), (("f", 32), "f32"), (("f", 64), "f64")]],
    *[(types.to_aggregate, (t,), r) for t, r in
      [(("s", 8), "s32"), (("u", 16), "u32"), (("s", 64), "s64"), (("bf", 16), "bf16"),
       (("f", 32), "f32"), (("c", 64), "c64")]],
    *[(types.merge, (a, b), r) for a, b, r in
      [("s8", "s8", "s8"), ("s8", "s64", "s64"), ("s8", "u8", "s16"), ("s16", "u8", "s16"),
       ("s8", "u16", "s32"), ("s32", "u8", "s32"), ("s8", "u32", "s64"), ("s64", "u8", "s64"),
       ("s8", "u64", "s64"), ("u8", "f32", "f32"), ("u64", "f32", "f32"), ("s8", "f32", "f32"),
       ("s64", "f32", "f32"), ("u8", "f64", "f64"), ("u64", "f64", "f64"), ("s8", "f64", "f64"),
       ("s64", "f64", "f64"), ("u8", "bf16", "bf16"), ("u64", "bf16", "bf16"),
       ("s8", "bf16", "bf16"), ("s64", "bf16", "bf16"), ("f32", "bf16", "f32"),
       ("f64", "bf16", "f64"), ("f16", "c64", "c64"), ("f32", "c64", "c64"),
       ("f64", "c64", "c128"), ("c64", "f32", "c64"), ("c64", "c64", "c64"),
       ("c128", "c64", "c128")]],
    *[(types.merge_number, (t, n), r) for t, n, r in
      [("u8", 0, "u8"), ("u8", 255, "u8"), ("u8", 256, "u16"), ("u8", -1, "s16"),
       ("u8", -32767, "s16"), ("u8", -32768, "s16"), ("u8", -32769, "s32"), ("s8", 0, "s8"),
       ("s8", 127, "s8"), ("s8", -128, "s8"), ("s8", 128, "s16"), ("s8", -129, "s16"),
       ("s8", 1.0, "f32"), ("u64", -1337, "s64"), ("f32", 1, "f32"), ("f32", 1.0, "f32"),
       ("f64", 1.0, "f64")]],
    *[(types.is_integer, (t,), r) for t, r in [(("s", 8), True), (("u", 64), True), (("f", 64), False)]],
    *[(types.is_float, (t,), r) for t, r in [(("f", 32), True), (("bf", 16), True), (("u", 64), False)]],
    *[(types.is_infinite_float, (t,), r) for t, r in
      [(("f", 32), True), (("bf", 16), True), (("f8_e4m3fn", 8), False), (("s", 32), False)]],
    *[(types.is_complex, (t,), r) for t, r in [(("c", 64), True), (("f", 64), False)]],
    *[(types.to_string, (t,), r) for t, r in
      [(("s", 8), "s8"), (("s", 16), "s16"), (("s", 32), "s32"), (("s", 64), "s64"),
       (("u", 8), "u8"), (("u", 16), "u16"), (("u", 32), "u32"), (("u", 64), "u64"),
       (("f8_e4m3fn", 8), "f8_e4m3fn"), (("f", 8), "f8"), (("bf", 16), "bf16"), (("f", 64), "f64")]],
    *[(types.cast_number, (t, n), r) for t, n, r in
      [("u8", 10, 10), ("s8", 10, 10), ("s8", -10, -10), ("f32", 10, 10.0), ("bf16", -10, -10.0),
       ("f32", 10.0, 10.0), ("bf16", -10.0, -10.0), ("c64", 10, complex(10.0, 0.0))]],
]


@pytest.mark.parametrize("fun, args, expected", DOCTESTS,
                         ids=[f"{f.__name__}{a}" for f, a, _ in DOCTESTS])
def test_nx_type_doctests(fun, args, expected):
    got = fun(*args)
    assert got == expected
    if not isinstance(got, types.Type):
        assert type(got) is type(expected)


@pytest.mark.parametrize("fun, args, error, message", [
    (types.normalize, (("u", 0),), TypeError_,
     "invalid numerical type: ('u', 0) (see nx.types for all supported types)"),
    (types.normalize, (("k", 8),), TypeError_,
     "invalid numerical type: ('k', 8) (see nx.types for all supported types)"),
    (types.cast_number, ("u8", -10), ArgumentError, "cannot cast number -10 to u8"),
    (types.cast_number, ("s8", 10.0), ArgumentError, "cannot cast number 10.0 to s8"),
])
def test_nx_type_doctest_errors(fun, args, error, message):
    with pytest.raises(error) as info:
        fun(*args)
    assert str(info.value) == message


# -- normalize, infer, binary_type ------------------------------------------------------

@pytest.mark.parametrize("t", ALL_TYPES, ids=NAMES)
def test_normalize_accepts_every_spelling(t):
    forms = [t, t.name, t.as_tuple(), types.Type(t.kind, t.bits)]
    assert all(types.normalize(f) is t for f in forms)
    assert types.normalize(t.name) == t.name and hash(t) == hash(t.name)
    assert pickle.loads(pickle.dumps(t)) == t and str(t) == t.name


@pytest.mark.parametrize("bad", ["f128", "F32", "", "f8_e4m3", ("f8_e4m3fn", 16), ("f", 8.0),
                                 ("f", True), ("s", 1), ("c", 32), 32, None, ["f", 32], ("f", 32, 1)])
def test_normalize_rejects_invalid_types_naming_them(bad):
    with pytest.raises(TypeError_, match="invalid numerical type"):
        types.normalize(bad)


def test_type_constructor_rejects_invalid_and_is_immutable():
    with pytest.raises(TypeError_, match=r"invalid numerical type: \('bf', 32\)"):
        types.Type("bf", 32)
    with pytest.raises(AttributeError):
        types.normalize("f32").bits = 64


@pytest.mark.parametrize("value", ["1", None, [1], object()])
def test_infer_rejects_non_numbers(value):
    with pytest.raises(TypeError_, match="cannot infer the type"):
        types.infer(value)


@pytest.mark.parametrize("left, right, expected", [
    (1, 2, "s32"), (1, 2.0, "f32"), (1.0, 1j, "c64"), (True, 1, "s32"),
    ("u8", 1, "u8"), (-1, "u8", "s16"), ("s8", 1.5, "f32"), ("f16", 1j, "c64"),
    ("f64", 1j, "c128"), ("u8", "s8", "s16"), ("bf16", "f16", "f16"),
])
def test_binary_type_follows_nx_shared(left, right, expected):
    assert types.binary_type(left, right) == expected


# -- predicates and conversions over all 20 types -------------------------------------

@pytest.mark.parametrize("t", ALL_TYPES, ids=NAMES)
def test_predicates_and_conversions_by_kind(t):
    kind = t.kind
    assert types.is_integer(t) == (kind in "su")
    assert types.is_float(t) == (kind in ("f", "bf", "f8_e4m3fn", "c"))
    assert types.is_complex(t) == (kind == "c")
    assert types.is_infinite_float(t) == (kind in ("f", "bf", "c"))
    nx_floating = {"bf": t, "f": t, "f8_e4m3fn": t, "c": t}.get(kind) or nx_merge(t.as_tuple(), ("f", 32))
    assert types.to_floating(t) == nx_floating
    assert types.to_complex(t) == ("c128" if t.name in ("f64", "c128") else "c64")
    assert types.to_real(t) == (t if t.is_float else "f64" if t == "c128" else "f32")
    expected_aggregate = {"u": "s64" if t.bits == 64 else "u32",
                          "s": "s64" if t.bits == 64 else "s32"}.get(kind, t.name)
    assert types.to_aggregate(t) == expected_aggregate


# -- limits: against Nx's bit patterns (type.ex) and ml_dtypes' finfo / iinfo --------

# type: (min_finite, max_finite, nan, infinity, neg_infinity, smallest normal, epsilon)
# as native (little-endian) unsigned integers, copied from Nx's *_binary functions.
NX_FLOAT_BITS = {
    "bf16": (0xFF7F, 0x7F7F, 0x7FC0, 0x7F80, 0xFF80, 0x0080, 0x3C00),
    "f8": (0xFB, 0x7B, 0x7E, 0x7C, 0xFC, 0x04, 0x34),
    "f8_e4m3fn": (0xFE, 0x7E, 0x7F, 0x7E, 0xFE, 0x08, 0x20),  # epsilon: see below
    "f16": (0xFBFF, 0x7BFF, 0x7E00, 0x7C00, 0xFC00, 0x0400, 0x1400),
    "f32": (0xFF7FFFFF, 0x7F7FFFFF, 0x7FC00000, 0x7F800000, 0xFF800000, 0x00800000, 0x34000000),
    "f64": (0xFFEFFFFFFFFFFFFF, 0x7FEFFFFFFFFFFFFF, 0x7FF8000000000000, 0x7FF0000000000000,
            0xFFF0000000000000, 0x0010000000000000, 0x3CB0000000000000),
}
# Nx's epsilon_binary(f8_e4m3fn) is <<50>> (0x32 = 0.625 in E4M3FN); the spec
# uses the format's machine epsilon 2**-3 = 0x20 (documented in spec.types.epsilon).
NX_F8_E4M3FN_EPSILON = 0x32


def _bits_value(name, bits):
    t = types.normalize(name)
    return codec.decode(t, bits.to_bytes(t.bits // 8, "little"))[0]


@pytest.mark.parametrize("name", sorted(NX_FLOAT_BITS))
def test_float_limits_match_nx_bit_patterns(name):
    lo, hi, nan, inf, neg_inf, tiny, eps = (_bits_value(name, b) for b in NX_FLOAT_BITS[name])
    assert (types.min_finite(name), types.max_finite(name)) == (lo, hi)
    assert math.isnan(types.nan(name)) and math.isnan(nan)
    assert (types.infinity(name), types.neg_infinity(name)) == (inf, neg_inf)
    assert (types.max_value(name), types.min_value(name)) == (inf, neg_inf)
    assert types.smallest_positive_normal(name) == tiny
    assert types.epsilon(name) == eps
    assert bytes(codec.encode(name, [types.nan(name)])) == \
        NX_FLOAT_BITS[name][2].to_bytes(types.normalize(name).bytes, "little")


def test_f8_e4m3fn_epsilon_is_the_documented_deviation():
    assert _bits_value("f8_e4m3fn", NX_F8_E4M3FN_EPSILON) == 0.625
    assert types.epsilon("f8_e4m3fn") == 2.0 ** -3 == _bits_value("f8_e4m3fn", 0x20)


ML_FLOATS = {"bf16": ml_dtypes.bfloat16, "f8": ml_dtypes.float8_e5m2,
             "f8_e4m3fn": ml_dtypes.float8_e4m3fn, "f16": np.float16, "f32": np.float32,
             "f64": np.float64, "c64": np.float32, "c128": np.float64}
ML_INTS = {"u2": ml_dtypes.uint2, "u4": ml_dtypes.uint4, "s2": ml_dtypes.int2, "s4": ml_dtypes.int4,
           **{f"{k}{b}": np.dtype(f"{'u' if k == 'u' else ''}int{b}") for k in "us" for b in (8, 16, 32, 64)}}


@pytest.mark.parametrize("name", sorted(ML_FLOATS))
def test_float_limits_match_ml_dtypes_finfo(name):
    info = ml_dtypes.finfo(ML_FLOATS[name])
    assert types.max_finite(name) == float(info.max) and types.min_finite(name) == float(info.min)
    assert types.epsilon(name) == float(info.eps)
    assert types.smallest_positive_normal(name) == float(info.smallest_normal)


@pytest.mark.parametrize("name", sorted(ML_INTS))
def test_integer_limits_match_iinfo(name):
    info = ml_dtypes.iinfo(ML_INTS[name])
    assert (types.min_finite(name), types.max_finite(name)) == (int(info.min), int(info.max))
    assert (types.min_value(name), types.max_value(name)) == (int(info.min), int(info.max))


@pytest.mark.parametrize("fun", [types.epsilon, types.smallest_positive_normal, types.nan,
                                 types.infinity, types.neg_infinity])
@pytest.mark.parametrize("name", ["s32", "u8", "s4"])
def test_float_only_limits_reject_integer_types(fun, name):
    with pytest.raises(TypeError_, match=f"only floating types are supported, got: {name}"):
        fun(name)


def test_f8_e4m3fn_has_no_infinity_and_saturates():
    assert (types.infinity("f8_e4m3fn"), types.neg_infinity("f8_e4m3fn")) == (448.0, -448.0)
    assert (types.max_value("f8_e4m3fn"), types.min_value("f8_e4m3fn")) == (448.0, -448.0)


def _regenerate():
    GOLDEN.mkdir(exist_ok=True)
    for name, (lines, title) in GOLDEN_TABLES.items():
        header = [f"# {title}",
                  "# Pinned by tests/spec/test_types.py; regenerate with `python3 -m tests.spec.test_types`"]
        (GOLDEN / name).write_text("\n".join(header + lines()) + "\n")
        print(f"wrote {GOLDEN / name}")


if __name__ == "__main__":
    _regenerate()
