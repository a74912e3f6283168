"""ULP distances and result comparison: NaN-aware, -0.0-aware, exact for integers,
per component for complex, the op's own tolerance."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nx_ref as nx
from spec import registry
from conformance.compare import compare, tolerance_of, ulp_distance


def test_ulp_distance_basics():
    assert ulp_distance("f32", 1.0, 1.0) == 0
    assert ulp_distance("f32", 1.0, math.nextafter(1.0, 2.0)) == 0   # rounds to the same f32
    assert ulp_distance("f64", 1.0, math.nextafter(1.0, 2.0)) == 1
    assert ulp_distance("f32", 0.0, -0.0) == 1
    assert ulp_distance("f32", float("nan"), float("nan")) == 0
    assert ulp_distance("f32", float("nan"), 1.0) == math.inf
    assert ulp_distance("f32", float("inf"), float("-inf")) == math.inf
    assert ulp_distance("c64", complex(1, float("nan")), complex(1, float("nan"))) == 0
    assert ulp_distance("c128", complex(1, 1), complex(1, math.nextafter(1.0, 2.0))) == 1


@given(st.integers(0, 0x7F7FFFFE), st.booleans())
def test_neighbouring_f32_bit_patterns_are_one_ulp_apart(bits, negative):
    import struct
    sign = 0x80000000 if negative else 0
    a = struct.unpack("<f", struct.pack("<I", bits | sign))[0]
    b = struct.unpack("<f", struct.pack("<I", (bits + 1) | sign))[0]
    assert ulp_distance("f32", a, b) == 1


def test_integers_are_exact_and_metadata_first():
    assert compare(nx.tensor([1, 2], type="s8"), nx.tensor([1, 2], type="s8")) is None
    assert compare(nx.tensor([1, 3], type="s8"), nx.tensor([1, 2], type="s8"))["index"] == 1
    assert compare(nx.tensor([1], type="s16"), nx.tensor([1], type="s8"))["what"] == "type"
    assert compare(nx.tensor([[1]]), nx.tensor([1]))["what"] == "shape"
    assert compare((nx.tensor(1), nx.tensor(2)), (nx.tensor(1),))["what"] == "structure"


def test_the_ops_tolerance_is_used():
    exp = registry.get("exp")
    assert tolerance_of(exp, "f32") == ("ulps", exp.tolerance["f32"])
    one_ulp = math.nextafter(1.0, 2.0)
    got, want = nx.tensor([one_ulp], type="f64"), nx.tensor([1.0], type="f64")
    assert compare(got, want, exp) is None          # within exp's tolerance
    assert compare(got, want, registry.get("add"))["ulps"] == 1   # add must be exact
    assert tolerance_of(registry.get("qr"), "f32")[0] == "rtol"


@pytest.mark.parametrize("fields, diff", [(("names",), "names"), (("shape",), None), (("type",), "type")])
def test_fields_limit_what_is_compared(fields, diff):
    got = nx.tensor([1.0, 2.0], type="f64")
    want = nx.tensor([1.0, 5.0], names=["x"])
    d = compare(got, want, fields=fields)
    assert (d and d["what"]) == diff
