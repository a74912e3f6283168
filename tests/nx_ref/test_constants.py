"""Tests of nx.constants against Nx.Constants' doctests and Nx.Type's bit patterns."""

from __future__ import annotations

import inspect
import math

import pytest

import nx_ref as nx
from nx_ref import constants
from spec import codec, types
from spec.errors import TypeError_
from tests.spec.test_types import NX_FLOAT_BITS
from tests.spec.test_values import exact_round

# (function, type, printed value) from Nx.Constants' doctests
NX_DOCTESTS = [
    *[("nan", t, "NaN") for t in ("f8", "bf16", "f16", "f32", "f64")],
    *[("infinity", t, "Inf") for t in ("f8", "bf16", "f16", "f32", "f64")],
    *[("neg_infinity", t, "-Inf") for t in ("f8", "bf16", "f16", "f32", "f64")],
    ("max_finite", "u8", "255"), ("max_finite", "s16", "32767"), ("max_finite", "f32", "3.4028235e38"),
    ("max", "u8", "255"), ("max", "f32", "Inf"),
    ("min_finite", "u8", "0"), ("min_finite", "s16", "-32768"), ("min_finite", "f32", "-3.4028235e38"),
    ("min", "u8", "0"), ("min", "f32", "-Inf"),
    ("i", "c64", "0.0+1.0i"), ("i", "c128", "0.0+1.0i"),
    ("smallest_positive_normal", "f64", "2.2250738585072014e-308"),
    ("smallest_positive_normal", "f32", "1.1754944e-38"),
    ("smallest_positive_normal", "f16", "6.104e-5"), ("smallest_positive_normal", "bf16", "1.18e-38"),
    ("smallest_positive_normal", "f8", "6e-5"),
    ("epsilon", "f64", "2.220446049250313e-16"), ("epsilon", "f32", "1.1920929e-7"),
    ("epsilon", "f16", "9.77e-4"), ("epsilon", "bf16", "0.0078"), ("epsilon", "f8", "0.25"),
    ("pi", "f64", "3.141592653589793"), ("pi", "f32", "3.1415927"), ("pi", "f16", "3.14"),
    ("pi", "bf16", "3.14"), ("pi", "f8", "3.0"),
    ("e", "f64", "2.718281828459045"), ("e", "f32", "2.7182817"), ("e", "f16", "2.719"),
    ("e", "bf16", "2.7"), ("e", "f8", "2.5"),
    ("euler_gamma", "f64", "0.5772156649015329"), ("euler_gamma", "f32", "0.5772157"),
    ("euler_gamma", "f16", "0.577"), ("euler_gamma", "bf16", "0.574"), ("euler_gamma", "f8", "0.5"),
]


@pytest.mark.parametrize("fun, type_, printed", NX_DOCTESTS,
                         ids=[f"{f}-{t}" for f, t, _ in NX_DOCTESTS])
def test_nx_constants_doctests(fun, type_, printed):
    t = getattr(nx.constants, fun)(type_)
    assert repr(t) == f"#Nx.Tensor<\n  {type_}\n  {printed}\n>"
    assert (t.type, t.shape, t.names) == (type_, (), ())


# Nx.Type's pi_binary / e_binary / euler_gamma_binary (little-endian bytes)
NX_CONSTANT_BYTES = {
    "pi": {"bf16": [73, 64], "f8": [66], "f16": [72, 66], "f32": [219, 15, 73, 64],
           "f64": [24, 45, 68, 84, 251, 33, 9, 64]},
    "e": {"bf16": [45, 64], "f8": [65], "f16": [112, 65], "f32": [84, 248, 45, 64],
          "f64": [105, 87, 20, 139, 10, 191, 5, 64]},
    "euler_gamma": {"bf16": [19, 63], "f8": [56], "f16": [158, 56], "f32": [104, 196, 19, 63],
                    "f64": [25, 182, 111, 252, 140, 120, 226, 63]},
}
EXACT = {"pi": math.pi, "e": math.e, "euler_gamma": 0.57721566490153286060651209}


@pytest.mark.parametrize("fun", sorted(NX_CONSTANT_BYTES))
def test_math_constants_are_nx_bits(fun):
    for type_, raw in NX_CONSTANT_BYTES[fun].items():
        assert getattr(nx.constants, fun)(type_).to_binary() == bytes(raw), (fun, type_)


@pytest.mark.parametrize("fun", sorted(NX_CONSTANT_BYTES))
def test_nx_tables_truncate_bf16_and_f8_and_round_the_rest(fun):
    # the rule the module docstring states, checked against Nx's own bytes
    for type_, raw in NX_CONSTANT_BYTES[fun].items():
        value = codec.decode(type_, bytes(raw))[0]
        nearest = exact_round(EXACT[fun], type_)
        if type_ in ("f16", "f32", "f64"):
            assert value == nearest
        else:
            wider = exact_round(EXACT[fun], "f32" if type_ == "bf16" else "f16")
            assert value <= nearest and value <= wider < value * (1 + 2 * types.epsilon(type_))


@pytest.mark.parametrize("fun, nx_byte, nx_reads", [("pi", 66, 2.5), ("e", 65, 2.25), ("euler_gamma", 56, 1.0)])
def test_f8_e4m3fn_constants_are_the_nearest_values(fun, nx_byte, nx_reads):
    # documented deviation: Nx's table reuses the E5M2 byte, which reads differently in E4M3FN
    assert codec.decode("f8_e4m3fn", bytes([nx_byte]))[0] == nx_reads
    got = getattr(nx.constants, fun)("f8_e4m3fn").to_number()
    assert got == exact_round(EXACT[fun], "f8_e4m3fn") != nx_reads


@pytest.mark.parametrize("type_", sorted(NX_FLOAT_BITS))
def test_limits_are_nx_bits(type_):
    lo, hi, nan, inf, neg_inf, tiny, eps = NX_FLOAT_BITS[type_]
    size = types.normalize(type_).bytes
    expect = {"min_finite": lo, "max_finite": hi, "nan": nan, "infinity": inf,
              "neg_infinity": neg_inf, "max": inf, "min": neg_inf, "smallest_positive_normal": tiny,
              "epsilon": eps}
    for fun, bits in expect.items():
        assert getattr(nx.constants, fun)(type_).to_binary() == bits.to_bytes(size, "little"), fun


@pytest.mark.parametrize("type_", [t.name for t in types.INTEGER_TYPES])
def test_integer_limits(type_):
    t = types.normalize(type_)
    lo, hi = (0, 2**t.bits - 1) if t.kind == "u" else (-(2 ** (t.bits - 1)), 2 ** (t.bits - 1) - 1)
    got = [getattr(nx.constants, f)(type_).to_number() for f in ("min_finite", "max_finite", "min", "max")]
    assert got == [lo, hi, lo, hi]


def test_defaults_match_nx():
    defaults = {name: inspect.signature(getattr(constants, name)).parameters["type"].default
                for name in constants.__all__}
    assert defaults == {**{n: "f32" for n in ("nan", "infinity", "neg_infinity", "pi", "e", "euler_gamma")},
                        "i": "c64", **{n: inspect.Parameter.empty for n in
                                       ("epsilon", "smallest_positive_normal", "min_finite",
                                        "max_finite", "min", "max")}}
    assert nx.constants.pi().type == "f32" and nx.constants.i().type == "c64"


@pytest.mark.parametrize("fun", ["nan", "infinity", "neg_infinity", "pi", "e", "euler_gamma",
                                 "epsilon", "smallest_positive_normal"])
@pytest.mark.parametrize("type_", ["s32", "u8", "c64"])
def test_floating_constants_reject_other_types(fun, type_):
    with pytest.raises(TypeError_) as info:
        getattr(nx.constants, fun)(type_)
    assert str(info.value) == f"only floating types are supported, got: {type_}"


@pytest.mark.parametrize("fun", ["min_finite", "max_finite", "min", "max"])
def test_limits_reject_complex_types(fun):
    with pytest.raises(TypeError_, match="only real types are supported, got: c128"):
        getattr(nx.constants, fun)("c128")


@pytest.mark.parametrize("type_", ["f32", "s8", ("f", 64)])
def test_i_rejects_real_types(type_):
    with pytest.raises(TypeError_) as info:
        nx.constants.i(type_)
    assert str(info.value) == \
        f"invalid type for complex number. Expected c64 or c128, got: {types.normalize(type_)}"


def test_f8_e4m3fn_infinities_saturate():
    assert nx.constants.infinity("f8_e4m3fn").to_number() == 448.0
    assert nx.constants.neg_infinity("f8_e4m3fn").to_number() == -448.0
    assert nx.constants.max("f8_e4m3fn").to_number() == 448.0


@pytest.mark.parametrize("fun", constants.__all__)
def test_backend_option_and_shorthand_types(fun):
    type_ = nx.c128 if fun == "i" else nx.f16
    for backend in (nx.ReferenceBackend, nx.ReferenceBackend()):
        t = getattr(nx.constants, fun)(type_, backend=backend)
        assert isinstance(t.backend, nx.ReferenceBackend) and t.type == type_
    with pytest.raises(ValueError, match="backend must be"):
        getattr(nx.constants, fun)(type_, backend="nope")


def test_module_lists_exactly_nx_constants():
    assert sorted(constants.__all__) == sorted(
        ["nan", "infinity", "neg_infinity", "pi", "e", "euler_gamma", "epsilon", "min_finite",
         "max_finite", "min", "max", "smallest_positive_normal", "i"])
