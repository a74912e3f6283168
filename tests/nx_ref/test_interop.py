"""Tests of nx_ref.interop: to_numpy / from_numpy for all 20 types."""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, strategies as st

import nx_ref as nx
from nx_ref.backend import Backend
from nx_ref.interop import numpy_dtype, nx_type
from nx_ref.tensor import Tensor
from spec import codec, types
from spec.errors import TypeError_
from spec.types import ALL_TYPES
from tests.support import scalar_values

NAMES = [t.name for t in ALL_TYPES]
DTYPES = {
    "u2": ml_dtypes.uint2, "u4": ml_dtypes.uint4, "s2": ml_dtypes.int2, "s4": ml_dtypes.int4,
    "u8": np.uint8, "u16": np.uint16, "u32": np.uint32, "u64": np.uint64,
    "s8": np.int8, "s16": np.int16, "s32": np.int32, "s64": np.int64,
    "f8": ml_dtypes.float8_e5m2, "f8_e4m3fn": ml_dtypes.float8_e4m3fn, "f16": np.float16,
    "bf16": ml_dtypes.bfloat16, "f32": np.float32, "f64": np.float64,
    "c64": np.complex64, "c128": np.complex128,
}
PACKED = ["u2", "u4", "s2", "s4"]


def same_values(a, b) -> bool:
    def key(v):
        if isinstance(v, complex):
            return (key(v.real), key(v.imag))
        if isinstance(v, float) and math.isnan(v):
            return "nan"
        return (v, math.copysign(1, v)) if isinstance(v, float) else v
    return [key(x) for x in a] == [key(x) for x in b]


def _as_python(arr):
    """Python values of a numpy array of any of our dtypes."""
    if arr.dtype in (DTYPES["bf16"], DTYPES["f8"], DTYPES["f8_e4m3fn"]):
        arr = arr.astype(np.float64)
    elif arr.dtype in (DTYPES[n] for n in PACKED):
        arr = arr.astype(np.int64)
    return arr.reshape(-1).tolist()


@pytest.mark.parametrize("name", NAMES)
def test_type_map_is_one_to_one(name):
    dtype = numpy_dtype(name)
    assert dtype == np.dtype(DTYPES[name]) and nx_type(dtype) == name
    if dtype.kind in "iufc" and dtype.itemsize > 1:
        assert nx_type(dtype.newbyteorder(">")) == name


# -- to_numpy ---------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_to_numpy_has_the_tensor_values_shape_and_dtype(name, data):
    vals = data.draw(st.lists(scalar_values(name), min_size=6, max_size=6))
    t = nx.tensor(vals, type=name).reshape((2, 3)) if hasattr(Tensor, "reshape") else \
        nx.reshape(nx.tensor(vals, type=name), (2, 3))
    a = nx.to_numpy(t)
    assert a.dtype == np.dtype(DTYPES[name]) and a.shape == (2, 3)
    assert same_values(_as_python(a), t.to_flat_list())
    assert not a.flags.writeable
    with pytest.raises(ValueError):
        a.flags.writeable = True
    assert same_values(_as_python(t.to_numpy()), t.to_flat_list())
    assert same_values(_as_python(np.asarray(t)), t.to_flat_list())


@pytest.mark.parametrize("name", [n for n in NAMES if n not in PACKED])
def test_to_numpy_shares_the_reference_storage(name):
    t = nx.tensor([1, 0, 1], type=name)
    a = nx.to_numpy(t)
    storage = np.frombuffer(t.data.buf, np.uint8)
    assert a.__array_interface__["data"][0] == storage.__array_interface__["data"][0]
    assert not a.flags.owndata


@pytest.mark.parametrize("name", PACKED)
def test_packed_types_unpack_to_ml_dtypes_one_per_byte(name):
    t = types.normalize(name)
    vals = [types.min_finite(t), types.max_finite(t), 0, 1, types.max_finite(t) - 1]  # odd count: padding
    a = nx.to_numpy(nx.tensor(vals, type=name))
    assert a.dtype == np.dtype(DTYPES[name]) and a.itemsize == 1
    assert a.astype(np.int64).tolist() == vals and not a.flags.writeable


def test_to_numpy_of_scalars_and_empty_tensors():
    a = nx.to_numpy(nx.tensor(2.5, type="f64"))
    assert a.shape == () and float(a) == 2.5
    assert nx.to_numpy(nx.from_numpy(np.zeros((0, 3), np.int16))).shape == (0, 3)


def test_to_numpy_rejects_non_tensors():
    with pytest.raises(TypeError_, match="nx.to_numpy expects a tensor, got list"):
        nx.to_numpy([1, 2])


class BytesBackend(Backend):
    """A minimal backend holding plain bytes, to exercise the copying path."""

    def from_binary(self, out, data):
        return Tensor.from_spec(out, bytes(data), self)

    def to_binary(self, tensor, limit=None):
        return tensor.data


@pytest.mark.parametrize("name", ["f32", "bf16", "s4", "c128"])
def test_other_backends_go_through_to_binary(name):
    ref = nx.tensor([1, 2, 3], type=name)
    t = nx.from_numpy(nx.to_numpy(ref), backend=BytesBackend)
    assert isinstance(t.backend, BytesBackend) and t.data == ref.to_binary()
    a = nx.to_numpy(t)
    assert _as_python(a) == ref.to_flat_list() and not a.flags.writeable


# -- from_numpy -------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_round_trip_through_numpy_keeps_the_bytes(name, data):
    vals = data.draw(st.lists(scalar_values(name), max_size=9))
    t = nx.tensor(vals, type=name) if vals else nx.from_numpy(np.zeros(0, DTYPES[name]))
    back = nx.from_numpy(nx.to_numpy(t))
    assert (back.type, back.shape, back.names) == (t.type, t.shape, (None,))
    assert back.to_binary() == t.to_binary()


@pytest.mark.parametrize("name", NAMES)
def test_from_numpy_reads_every_dtype(name):
    vals = [0, 1, 1, 0, 0, 1]
    a = np.array(vals, np.int64).astype(DTYPES[name]).reshape(3, 2)
    t = nx.from_numpy(a, names=["x", "y"])
    assert (t.type, t.shape, t.names) == (name, (3, 2), ("x", "y"))
    assert t.to_flat_list() == vals
    assert t.to_binary() == bytes(codec.encode(name, vals))


def test_booleans_become_u8():
    t = nx.from_numpy(np.array([[True, False], [False, True]]))
    assert (t.type, t.to_list()) == ("u8", [[1, 0], [0, 1]])


@pytest.mark.parametrize("dtype", ["<i2", ">i2", ">u4", ">i8", ">f2", ">f4", ">f8", ">c8", ">c16", "<c16"])
def test_big_endian_and_strided_inputs_are_read_by_value(dtype):
    base = (np.arange(24).reshape(4, 6) * 3 - 7).astype(dtype)
    for view in (base, base.T, base[::-1, ::2], base[1:3, 1::3], np.asfortranarray(base)):
        t = nx.from_numpy(view)
        assert t.shape == view.shape and t.type == nx_type(view.dtype)
        assert same_values(t.to_flat_list(), view.astype(view.dtype.newbyteorder("=")).reshape(-1).tolist())


@pytest.mark.parametrize("name", PACKED + ["bf16", "f8_e4m3fn"])
def test_strided_ml_dtypes_inputs(name):
    a = (np.arange(12).reshape(3, 4) % 2).astype(DTYPES[name])
    t = nx.from_numpy(a[:, ::-3].T)
    assert t.shape == (2, 3) and t.type == name
    assert t.to_flat_list() == a[:, ::-3].T.astype(np.int64).reshape(-1).tolist()


def test_from_numpy_copies_and_takes_scalars_and_array_likes():
    a = np.array([1.0, 2.0], np.float32)
    t = nx.from_numpy(a)
    a[0] = 9.0
    assert t.to_list() == [1.0, 2.0]
    s = nx.from_numpy(np.float16(1.5))
    assert (s.type, s.shape, s.to_number()) == ("f16", (), 1.5)
    assert nx.from_numpy([[1, 2]]).type == np.dtype(int).name.replace("int", "s")
    assert nx.from_numpy(np.arange(3), backend=nx.ReferenceBackend()).to_list() == [0, 1, 2]


def test_from_numpy_validates_names():
    with pytest.raises(ValueError):
        nx.from_numpy(np.zeros((2, 2)), names=["x"])


@pytest.mark.parametrize("array, described", [
    (np.array([object()]), "object"), (np.array(["ab"]), "str"), (np.array([b"ab"]), "bytes"),
    (np.array(["2024-01-01"], "datetime64[D]"), "datetime64"),
    (np.array([1], "timedelta64[s]"), "timedelta64"),
    (np.zeros(2, [("a", "i4"), ("b", "f4")]), "structured"), (np.zeros(2, "V4"), "void"),
    (np.zeros(2, ml_dtypes.float8_e4m3fnuz), "float8_e4m3fnuz"),
    (np.zeros(2, ml_dtypes.float4_e2m1fn), "float4_e2m1fn"),
])
def test_unsupported_dtypes_raise_naming_the_dtype(array, described):
    with pytest.raises(TypeError_) as info:
        nx.from_numpy(array)
    message = str(info.value)
    assert f"({described}) has no nx type" in message and "supported: bool" in message


def test_long_double_is_unsupported_where_it_is_wider_than_f64():
    dtype = np.dtype(np.longdouble)
    if dtype.itemsize == 8:  # some platforms alias it to float64, which is supported
        assert nx_type(dtype) == "f64"
    else:
        with pytest.raises(TypeError_, match="has no nx type"):
            nx.from_numpy(np.zeros(1, dtype))
