"""nx.shape, nx.rank, nx.size, nx.axes, nx.names, nx.axis_size, nx.axis_index,
nx.bit_size, nx.byte_size and nx.is_compatible (nx_ref/shape_info.py) against
numpy's shape attributes and the encoded data, for every type."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

import nx_ref as nx
from spec import types
from spec.errors import AxisError, NameError_, ShapeError
from tests.support import shapes

ALL = [t.name for t in types.ALL_TYPES]


@given(shape=shapes(4, 3), type_=st.sampled_from(ALL), data=st.data())
def test_metadata_matches_numpy_and_the_data(shape, type_, data):
    names = [data.draw(st.sampled_from([None, f"n{i}"])) for i in range(len(shape))]
    t = nx.broadcast(nx.tensor(0, type=type_), shape, names=names)
    ref = np.zeros(shape)
    assert (nx.shape(t), nx.rank(t), nx.size(t), nx.flat_size(t)) == (ref.shape, ref.ndim,
                                                                      ref.size, ref.size)
    assert nx.axes(t) == list(range(ref.ndim)) and nx.names(t) == names
    assert nx.bit_size(t) == ref.size * types.normalize(type_).bits
    assert nx.byte_size(t) == nx.bit_size(t) // 8
    if ref.size and types.normalize(type_).bits % 8 == 0:
        assert nx.byte_size(t) == len(nx.to_binary(t))
    for axis in range(-ref.ndim, ref.ndim):
        assert nx.axis_size(t, axis) == ref.shape[axis]
        assert nx.axis_index(t, axis) == axis % ref.ndim
    for axis, name in enumerate(names):
        if name:
            assert (nx.axis_index(t, name), nx.axis_size(t, name)) == (axis, shape[axis])


def test_numbers_and_shapes():
    assert (nx.shape(2.5), nx.rank(2.5), nx.size((2, 0, 3)), nx.axes((4, 4))) == ((), 0, 0, [0, 1])
    assert nx.bit_size(1.5) == 32 and nx.bit_size(1j) == 64 and nx.names(True) == []


def test_is_compatible():
    a = nx.iota((2, 3), names=["x", None])
    assert nx.is_compatible(a, nx.iota((2, 3), names=[None, "y"]))
    assert not nx.is_compatible(a, nx.iota((2, 3), names=["y", None]))
    assert nx.is_compatible(1, nx.tensor(7)) and not nx.is_compatible(1, 1.0)
    assert nx.is_compatible([a, {"k": 1}], [a, {"k": 2}])
    assert not nx.is_compatible([a], (a,)) and not nx.is_compatible([a], [a, a])
    assert not nx.is_compatible(a, "x")


@pytest.mark.parametrize("call,cls", [
    (lambda: nx.axis_size(nx.iota((2, 3)), 2), AxisError),
    (lambda: nx.axis_index(nx.iota((2, 3)), "x"), NameError_),
    (lambda: nx.shape([2, -1]), ShapeError),
    (lambda: nx.rank(None), ShapeError),
])
def test_errors(call, cls):
    with pytest.raises(cls):
        call()
