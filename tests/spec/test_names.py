"""Naming rules: user names, and how binary operations merge names (the examples of
Nx.Shape.binary_broadcast translated), checked in the spec and through nx ops."""

import pytest
from hypothesis import given, strategies as st

import nx_ref as nx
from spec.errors import NameError_, ShapeError
from spec.names import broadcast_names, merge_names, validate_names
from spec.shapes import broadcast_shapes

# (left shape, left names, right shape, right names, shape, names): Nx's examples
BINARY_BROADCAST = [
    ((), (), (), (), (), ()),
    ((), (), (4, 2, 1, 5), ("batch", None, "data", None), (4, 2, 1, 5), ("batch", None, "data", None)),
    ((8, 1, 6, 1), ("batch", None, "data", None), (7, 1, 5), ("time", "data", None),
     (8, 7, 6, 5), ("batch", "time", "data", None)),
    ((7, 1, 5), ("time", "data", None), (8, 1, 6, 1), ("batch", None, "data", None),
     (8, 7, 6, 5), ("batch", "time", "data", None)),
    ((5, 4), (None, None), (1,), ("data",), (5, 4), (None, "data")),
    ((3, 1), ("x", "y"), (15, 3, 5), ("batch", "x", None), (15, 3, 5), ("batch", "x", "y")),
]


@pytest.mark.parametrize("ls,ln,rs,rn,shape,names", BINARY_BROADCAST)
def test_binary_broadcast_nx_examples(ls, ln, rs, rn, shape, names):
    assert broadcast_shapes(ls, rs) == shape
    assert broadcast_names(ls, ln, rs, rn) == names


@pytest.mark.parametrize("ls,ln,rs,rn,shape,names", BINARY_BROADCAST[1:])
def test_binary_ops_name_their_outputs_the_same_way(ls, ln, rs, rn, shape, names):
    out = nx.add(nx.broadcast(1, ls, names=list(ln)), nx.broadcast(2, rs, names=list(rn)))
    assert out.shape == shape and out.names == names


def test_binary_broadcast_nx_error_cases():
    with pytest.raises(ShapeError, match=r"cannot broadcast tensor of dimensions \(4, 2, 5\) to \(3, 2, 5\)"):
        broadcast_shapes((4, 2, 5), (3, 2, 5))
    with pytest.raises(NameError_) as e:
        broadcast_names((1, 2, 5), ("batch", "x", "y"), (3, 2, 5), ("time", "x", "y"))
    assert str(e.value) == "cannot merge name 'batch' on axis 0 with name 'time' on axis 0"


def test_conflicting_names_name_the_output_axis_when_ranks_differ():
    with pytest.raises(NameError_, match="cannot merge name 'a' on axis 1 with name 'b' on axis 1"):
        broadcast_names((2, 3), ("x", "a"), (3,), ("b",))
    with pytest.raises(NameError_, match="name 'x' on axis 0 with name 'y' on axis 0"):
        nx.add(nx.tensor([1, 2], names=["x"]), nx.tensor([1, 2], names=["y"]))


@given(st.lists(st.sampled_from([None, "a", "b"]), min_size=0, max_size=4))
def test_merging_with_unnamed_axes_keeps_the_names(names):
    names = tuple(names)
    assert merge_names(names, (None,) * len(names)) == names
    assert merge_names((None,) * len(names), names) == names
    assert merge_names(names, names) == names


def test_validate_names():
    assert validate_names(None, 0) == ()
    assert validate_names(None, 3) == (None, None, None)
    assert validate_names(["x", None, "z"], 3) == ("x", None, "z")
    assert validate_names("x", 1) == ("x",)
    assert validate_names(("x", "y"), 2) == ("x", "y")


@pytest.mark.parametrize("names,rank,message", [
    (["batch"], 3, "invalid names ['batch'] for tensor of rank 3: when specifying names every dimension must have a name or be None"),
    ([], 1, "invalid names [] for tensor of rank 1"),
    (["x", 1], 2, "each name must be a string or None, got 1"),
    (["x", "x"], 2, "axis name 'x' appears more than once"),
    (5, 1, "invalid names 5"),
])
def test_validate_names_errors(names, rank, message):
    with pytest.raises(NameError_) as e:
        validate_names(names, rank)
    assert message in str(e.value)
