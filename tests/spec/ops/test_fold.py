"""nx.reduce (a reduction with a user's function) against numpy."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

import nx_ref as nx
from spec.errors import ArgumentError, ShapeError
from tests.support import shapes


@given(shape=shapes(max_rank=3, max_side=3), data=st.data())
def test_reduce_with_add_is_a_sum(shape, data):
    size = int(np.prod(shape)) if shape else 1
    values = data.draw(st.lists(st.integers(-1000, 1000), min_size=size, max_size=size))
    rank = len(shape)
    axes = data.draw(st.none() | st.lists(st.integers(0, max(rank - 1, 0)), unique=True,
                                          max_size=rank)) if rank else None
    keep = data.draw(st.booleans())
    a = np.array(values, dtype=np.int64).reshape(shape)
    t = nx.from_numpy(a.astype(np.int32))
    got = nx.reduce(t, 7, nx.add, axes=axes, keep_axes=keep)
    expected = np.sum(a, axis=None if axes is None else tuple(axes), keepdims=keep) + 7
    assert got.shape == np.shape(expected)
    assert np.array_equal(got.to_numpy(), expected)


def test_fold_order_is_row_major_with_the_element_first():
    seen = []

    def fun(x, acc):
        seen.append((x.to_number(), acc.to_number()))
        return nx.add(x, acc)

    nx.reduce(nx.tensor([[1, 2], [3, 4]]), 10, fun, axes=[1])
    assert seen == [(1, 10), (2, 11), (3, 10), (4, 13)]


def test_type_merges_tensor_and_accumulator_unless_given():
    assert str(nx.reduce(nx.tensor([1, 2], type="u8"), 0.5, nx.add).type) == "f32"
    assert str(nx.reduce(nx.tensor([1, 2], type="u8"), 0, nx.add).type) == "u8"
    assert str(nx.reduce(nx.tensor([1, 2]), 0, nx.add, type="f64").type) == "f64"


def test_names_follow_the_kept_axes():
    t = nx.iota((2, 3), names=["x", "y"])
    assert nx.reduce(t, 0, nx.add, axes=["y"]).names == ("x",)
    assert nx.reduce(t, 0, nx.add, axes=["y"], keep_axes=True).names == ("x", "y")


def test_bad_input():
    t = nx.iota((2, 3))
    with pytest.raises(ArgumentError, match="accumulator must be a scalar"):
        nx.reduce(t, nx.tensor([0, 0]), nx.add)
    with pytest.raises(ArgumentError, match="fun must be a function"):
        nx.reduce(t, 0, 3)
    with pytest.raises(ShapeError, match="fun must return a scalar"):
        nx.reduce(t, 0, lambda x, acc: nx.broadcast(x, (2,)))
    with pytest.raises(ArgumentError, match="axis"):
        nx.reduce(t, 0, nx.add, axes=[5])
