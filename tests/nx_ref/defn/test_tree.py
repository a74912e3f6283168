"""Containers: flatten / unflatten round trips and their errors."""

import collections
import dataclasses

import pytest
from hypothesis import given, strategies as st

import nx_ref as nx
from spec.errors import ArgumentError, TypeError_
from nx_ref.defn import tree

Point = collections.namedtuple("Point", "x y")


@nx.container
@dataclasses.dataclass
class Box:
    lo: object
    hi: object


leaves = st.one_of(st.integers(-5, 5), st.floats(allow_nan=False), st.builds(nx.tensor, st.integers(0, 9)))
containers = st.recursive(leaves, lambda inner: st.one_of(
    st.tuples(inner, inner), st.lists(inner, max_size=3),
    st.dictionaries(st.sampled_from("abc"), inner, max_size=3),
    st.builds(Point, inner, inner), st.builds(Box, inner, inner)), max_leaves=10)


@given(containers)
def test_flatten_unflatten_round_trip(value):
    flat, shape = tree.flatten(value)
    rebuilt = tree.unflatten(shape, flat)
    again, shape2 = tree.flatten(rebuilt)
    assert shape2 == shape and len(again) == len(flat)
    assert all(a is b for a, b in zip(again, flat))
    assert type(rebuilt) is type(value)
    hash(shape)


def test_dict_leaves_come_in_sorted_key_order():
    assert tree.flatten({"b": 1, "a": 2})[0] == [2, 1]


def test_static_values_live_in_the_treedef():
    flat, shape = tree.flatten((1, "relu", None), static=True)
    assert flat == [1]
    assert tree.unflatten(shape, [5]) == (5, "relu", None)
    with pytest.raises(TypeError_, match="must be hashable"):
        tree.flatten((1, [set()]), static=True)


def test_non_containers_are_errors():
    with pytest.raises(TypeError_, match="expected a tensor, a number, or a container"):
        tree.flatten(object())
    with pytest.raises(ArgumentError, match="keep names unknown fields"):
        nx.container(keep=("zz",))(Box)
    with pytest.raises(ArgumentError, match="left over"):
        tree.unflatten(tree.flatten((1,))[1], [1, 2])
