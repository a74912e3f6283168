"""Creation and conversion ops: the literal rules of nx.tensor, iota, eye, broadcast,
as_type, bitcast, from_binary and template, against numpy where they agree and
pinned to Nx where they differ."""

import math
import struct

import numpy as np
import pytest
from hypothesis import given, strategies as st

import nx_ref as nx
from nx_ref import interop
from spec import types, values
from spec.errors import ArgumentError, AxisError, NameError_, ShapeError, TypeError_
from spec.ops.creation import literal
from tests.support import scalar_values, shapes

NUMPY_TYPES = [t for t in types.ALL_TYPES if t.bits >= 8]


# -- literals -------------------------------------------------------------------------

@pytest.mark.parametrize("data,type_name", [
    (1, "s32"), (1.0, "f32"), (1j, "c64"), (True, "u8"), ([True, False], "u8"),
    ([True, 2], "s32"), ([1, 2.0], "f32"), ([1, 2j], "c64"), ([2.0, 1j], "c64"),
    ([[1], [2.5]], "f32"), ([float("nan")], "f32"), ([2 ** 40], "s32"),
    ([np.float64(1.5)], "f32"), ([np.int8(3)], "s32"),
])
def test_inferred_types(data, type_name):
    assert str(literal(data)[0].type) == type_name


def test_integers_wrap_into_the_given_and_the_inferred_type():
    assert nx.tensor([300, 301, 302], type="s8").to_list() == [44, 45, 46]
    assert nx.tensor([-1, 256], type="u8").to_list() == [255, 0]
    assert nx.tensor(2 ** 40 + 5).to_list() == 5          # s32, as Nx writes it
    assert nx.tensor([7, -8, 8], type="s4").to_list() == [7, -8, -8]
    assert nx.tensor(2 ** 70 - 1, type="u64").to_list() == 2 ** 64 - 1


def test_booleans_and_integers_in_floating_types():
    t = nx.tensor([True, 2, 3.5], type="f16")
    assert t.to_list() == [1.0, 2.0, 3.5]
    assert nx.tensor([1, True], type="c64").to_list() == [1 + 0j, 1 + 0j]


@pytest.mark.parametrize("data,type_name,message", [
    ([1, 2.5], "s32", "cannot store the float 2.5 at position [1] in a tensor of type s32: it needs a floating type"),
    ([[1, 2], [3, float("nan")]], "u8", "the float nan at position [1, 1]"),
    ([1j], "f32", "cannot store the complex 1j at position [0] in a tensor of type f32: it needs a complex type"),
    (1.5, "s8", "cannot store the float 1.5 in a tensor of type s8"),
    ([[1, 2j]], "s64", "position [0, 1]"),
])
def test_values_that_do_not_fit_an_explicit_type(data, type_name, message):
    with pytest.raises(ArgumentError) as e:
        nx.tensor(data, type=type_name)
    assert message in str(e.value)


@pytest.mark.parametrize("data,message", [
    ([[1, 2], [3]], "lists have different shapes, got (2,) at position [0] and (1,) at position [1]"),
    ([1, [2]], "got () at position [0] and (1,) at position [1]"),
    ([[1], 2], "got (1,) at position [0] and () at position [1]"),
    ([[[1, 2], [3, 4]], [[5, 6], [7]]], "got (2,) at position [1, 0] and (1,) at position [1, 1]"),
    ([[1, 2], [3, 4], [5, 6, 7]], "at position [0] and (3,) at position [2]"),
])
def test_ragged_lists_name_the_positions(data, message):
    with pytest.raises(ShapeError) as e:
        nx.tensor(data)
    assert message in str(e.value)


@pytest.mark.parametrize("data,message", [
    ([1, "a"], "invalid value given to nx.tensor, got: 'a' at position [1]"),
    ([[1, None]], "got: None at position [0, 1]"),
    ("abc", "got: 'abc'"),
    ({"a": 1}, "got: {'a': 1}"),
    ([nx.tensor(1)], "at position [0]: a tensor. To build a tensor from other tensors, use nx.concatenate or nx.stack"),
])
def test_non_numbers_are_rejected_with_their_position(data, message):
    with pytest.raises(ArgumentError) as e:
        nx.tensor(data)
    assert message in str(e.value)


@pytest.mark.parametrize("data", [[], [[]], [[], []], ()])
def test_empty_lists_are_rejected(data):
    with pytest.raises(ArgumentError, match="cannot build an empty tensor"):
        nx.tensor(data)


@pytest.mark.parametrize("bad", ["f33", ("f", 7), "int", ("s", 32.0), 32, None.__class__])
def test_invalid_types_are_rejected(bad):
    with pytest.raises(TypeError_, match="invalid numerical type"):
        nx.tensor([1], type=bad)


@given(st.sampled_from(types.ALL_TYPES), st.data())
def test_literals_hold_the_value_rounded_into_their_type(type_, data):
    vals = data.draw(st.lists(scalar_values(type_), min_size=1, max_size=5))
    t = nx.tensor(vals, type=type_)
    got = t.to_flat_list()
    for g, v in zip(got, vals):
        expected = values.round_to(type_, v)
        assert g == expected or (g != g and expected != expected)


# -- from_binary, to_binary ---------------------------------------------------------

@given(st.sampled_from(types.ALL_TYPES), st.data())
def test_binaries_round_trip(type_, data):
    vals = data.draw(st.lists(scalar_values(type_), min_size=1, max_size=6))
    t = nx.tensor(vals, type=type_)
    binary = nx.to_binary(t)
    back = nx.from_binary(binary, type_)
    per_byte = 8 // type_.bits if type_.bits < 8 else 1
    assert back.shape[0] == -(-len(vals) // per_byte) * per_byte  # packed padding reads as elements
    assert nx.to_binary(back) == binary
    assert nx.to_binary(t, limit=1) == binary[:math.ceil(type_.bits / 8)]


@pytest.mark.parametrize("type_", NUMPY_TYPES, ids=str)
def test_binaries_are_numpy_little_endian_layout(type_):
    t = nx.tensor([1, 0, 3], type=type_)
    assert nx.to_binary(t) == np.asarray([1, 0, 3]).astype(interop.numpy_dtype(type_)).tobytes()


def test_from_binary_errors():
    with pytest.raises(ArgumentError, match="binary does not match the given size: 4 bytes do not hold"):
        nx.from_binary(bytes(4), "f64")
    with pytest.raises(ArgumentError, match="cannot build an empty tensor"):
        nx.from_binary(b"", "u8")
    with pytest.raises(TypeError_, match="nx.from_binary expects bytes, got str"):
        nx.from_binary("abc", "u8")
    with pytest.raises(TypeError_, match="invalid numerical type"):
        nx.from_binary(b"ab", "u7")
    assert nx.from_binary(b"\x12", "u4").to_list() == [1, 2]
    assert nx.from_binary(bytearray(b"\x01\x02"), "u8").to_list() == [1, 2]


def test_to_binary_limit_errors():
    with pytest.raises(ArgumentError, match="limit must be a non-negative integer"):
        nx.to_binary(nx.tensor([1, 2]), limit=-1)
    assert nx.to_binary(nx.tensor([1, 2], type="u8"), limit=10) == b"\x01\x02"


# -- iota and eye -----------------------------------------------------------------------

@given(shapes(max_rank=3, max_side=4), st.data())
def test_iota_agrees_with_numpy(shape, data):
    flat = nx.iota(shape)
    assert flat.to_flat_list() == list(range(int(np.prod(shape))))
    if shape:
        axis = data.draw(st.integers(-len(shape), len(shape) - 1))
        expected = np.broadcast_to(
            np.arange(shape[axis]).reshape([-1 if i == axis % len(shape) else 1
                                            for i in range(len(shape))]), shape)
        assert nx.iota(shape, axis=axis).to_flat_list() == expected.ravel().tolist()


def test_iota_types_names_and_shapes_from_tensors():
    assert nx.iota((3,), type="f16").to_list() == [0.0, 1.0, 2.0]
    assert nx.iota((258,), type="u8").to_flat_list()[-2:] == [0, 1]    # wraps like a write
    t = nx.iota((2, 3), axis="y", names=["x", "y"])
    assert t.names == ("x", "y") and t.to_list() == [[0, 1, 2], [0, 1, 2]]
    with pytest.warns(DeprecationWarning, match="deprecated"):
        from_tensor = nx.iota(nx.tensor([[1, 2]], names=["a", "b"]))
    assert from_tensor.shape == (1, 2) and from_tensor.names == ("a", "b")
    with pytest.warns(DeprecationWarning):
        assert nx.iota(7).shape == ()          # a number is a scalar tensor's shape, as in Nx


@pytest.mark.parametrize("kwargs,error,message", [
    ({"axis": 2}, AxisError, "given axis (2) invalid for shape (2, 3) with rank 2"),
    ({"axis": "z", "names": ["x", "y"]}, NameError_, "name 'z' not found"),
    ({"names": ["x"]}, NameError_, "for tensor of rank 2"),
    ({"type": "f33"}, TypeError_, "invalid numerical type"),
    ({"axes": [0]}, ArgumentError, "nx.iota: unknown option axes=[0], expected one of: type, axis, names, backend"),
])
def test_iota_errors(kwargs, error, message):
    with pytest.raises(error) as e:
        nx.iota((2, 3), **kwargs)
    assert message in str(e.value)


def test_iota_shape_errors():
    with pytest.raises(ShapeError, match=r"got -1 in shape \(2, -1\)"):
        nx.iota((2, -1))
    with pytest.raises(ShapeError, match="expected a shape"):
        nx.iota("2")


@given(st.integers(0, 4), st.integers(0, 4), st.lists(st.integers(0, 2), max_size=2))
def test_eye_agrees_with_numpy(rows, cols, batch):
    shape = tuple(batch) + (rows, cols)
    expected = np.broadcast_to(np.eye(rows, cols, dtype=np.int32), shape)
    assert nx.eye(shape).to_flat_list() == expected.ravel().tolist()
    assert nx.eye(rows).to_flat_list() == np.eye(rows, dtype=np.int32).ravel().tolist()


def test_eye_errors():
    with pytest.raises(ShapeError, match=r"at least 2 dimensions or an integer, got: \(3,\)"):
        nx.eye((3,))
    with pytest.raises(ShapeError, match="non-negative size, got: -1"):
        nx.eye(-1)
    with pytest.raises(NameError_):
        nx.eye(2, names=["x"])


# -- broadcast --------------------------------------------------------------------------

@given(shapes(max_rank=2, max_side=3), shapes(max_rank=3, max_side=3))
def test_implicit_broadcast_agrees_with_numpy(shape, target):
    x = np.arange(int(np.prod(shape)), dtype=np.int32).reshape(shape)
    try:
        expected = np.broadcast_to(x, target)
    except ValueError:
        with pytest.raises(ShapeError):
            nx.broadcast(nx.tensor(x), target)
        return
    got = nx.broadcast(nx.tensor(x), target)
    assert got.shape == target and got.to_flat_list() == expected.ravel().tolist()


def test_broadcast_with_axes_and_names():
    t = nx.tensor([1, 2, 3], names=["v"])
    got = nx.broadcast(t, (2, 3, 2), axes=[1], names=["x", "y", "z"])
    assert got.names == ("x", "y", "z")
    assert got.to_list() == np.broadcast_to(np.array([1, 2, 3])[None, :, None], (2, 3, 2)).tolist()
    assert nx.broadcast(t, (3, 2), axes=[-2]).to_list() == [[1, 1], [2, 2], [3, 3]]
    assert nx.broadcast(t, (3, 2), axes=["a"], names=["a", "b"]).names == ("a", "b")
    assert nx.broadcast(t, (2, 3)).names == (None, None)     # broadcasting discards names
    shape = nx.tensor([[0, 0, 0]] * 2, names=["i", "j"])
    assert nx.broadcast(t, shape).names == ("i", "j")
    assert nx.broadcast(2.5, (2,)).to_list() == [2.5, 2.5]


@pytest.mark.parametrize("shape,kwargs,error,message", [
    ((3, 2), {}, ShapeError, "cannot broadcast tensor of dimensions (3,) to (3, 2) with axes [1]"),
    ((2,), {}, ShapeError, "cannot broadcast tensor of dimensions (3,) to (2,)"),
    ((4, 3), {"axes": [0, 1]}, ShapeError, "expected length of axes (2) to match rank of shape (1)"),
    ((3, 3), {"axes": [2]}, AxisError, "given axis (2) invalid for shape (3, 3) with rank 2"),
    ((3, 3), {"axes": ["v"]}, NameError_, "name 'v' not found"),
    ((3, 3), {"names": ["a"]}, NameError_, "for tensor of rank 2"),
    ((), {}, ShapeError, "cannot broadcast tensor of dimensions (3,) to ()"),
])
def test_broadcast_errors(shape, kwargs, error, message):
    with pytest.raises(error) as e:
        nx.broadcast(nx.tensor([1, 2, 3], names=["v"]), shape, **kwargs)
    assert message in str(e.value)


def test_broadcast_axes_must_be_ordered():
    with pytest.raises(ShapeError, match="broadcast axes must be ordered, got 0 after 1"):
        nx.broadcast(nx.iota((2, 2)), (2, 2, 2), axes=[1, 0])


# -- as_type and bitcast --------------------------------------------------------------

@pytest.mark.parametrize("source", NUMPY_TYPES, ids=str)
@pytest.mark.parametrize("target", NUMPY_TYPES, ids=str)
def test_bitcast_agrees_with_numpy_view(source, target):
    if source.bits != target.bits or source.is_complex or target.is_complex:
        with pytest.raises(TypeError_):
            nx.bitcast(nx.tensor([1], type=source), target)
        return
    t = nx.tensor([1, 0, 3], type=source)
    got = nx.bitcast(t, target)
    assert got.type == target and nx.to_binary(got) == nx.to_binary(t)
    expected = t.to_numpy().view(interop.numpy_dtype(target))
    assert interop.to_numpy(got).tobytes() == expected.tobytes()


def test_bitcast_keeps_names_and_shape():
    got = nx.bitcast(nx.tensor([[1.0]], names=["x", None]), "u32")
    assert got.names == ("x", None) and got.to_list() == [[struct.unpack("<I", struct.pack("<f", 1.0))[0]]]
    assert nx.bitcast(nx.tensor([0x3C00], type="u16"), "f16").to_list() == [1.0]


@given(st.sampled_from([t for t in NUMPY_TYPES if not t.is_complex]),
       st.sampled_from([t for t in NUMPY_TYPES if t.is_floating]))
def test_as_type_between_floats_and_from_integers_agrees_with_numpy(source, target):
    vals = [0, 1, 2, 100]
    t = nx.tensor(vals, type=source)
    got = nx.as_type(t, target)
    expected = t.to_numpy().astype(interop.numpy_dtype(target))
    assert got.to_flat_list() == expected.tolist()


def test_as_type_nx_rules_where_numpy_differs():
    # numpy leaves float -> int overflow undefined; Nx saturates and maps NaN to 0
    t = nx.tensor([float("inf"), float("nan"), float("-inf"), 1e10, -2.7])
    assert nx.as_type(t, "s32").to_list() == [2147483647, 0, -2147483648, 2147483647, -2]
    assert nx.as_type(t, "u8").to_list() == [255, 0, 0, 255, 0]
    assert nx.as_type(nx.tensor([300, -1]), "u8").to_list() == [44, 255]
    assert nx.as_type(nx.tensor([1 + 2j]), "f32").to_list() == [1.0]
    assert nx.as_type(1.0e-128, "f64").to_list() == 1.0e-128
    assert nx.as_type(1.0e-128, "f32").to_list() == 0.0


# -- templates and constants -------------------------------------------------------------

def test_template():
    t = nx.template((2, 3), ("f", 32), names=["rows", None])
    assert (t.type, t.shape, t.names) == ("f32", (2, 3), ("rows", None))
    with pytest.raises(ShapeError):
        nx.template(6, "f32")
    with pytest.raises(NameError_):
        nx.template((2,), "f32", names=["a", "b"])


def test_constant():
    assert nx.constant(3).type == "s32" and nx.constant(3, type="f16").to_list() == 3.0
    assert nx.constant(np.float32(1.5)).to_list() == 1.5
    assert nx.constant(True).type == "u8"
    with pytest.raises(ArgumentError, match="nx.constant expects a number, got: 'a'"):
        nx.constant("a")
    with pytest.raises(ArgumentError, match="it needs a complex type"):
        nx.constant(1j, type="f64")
