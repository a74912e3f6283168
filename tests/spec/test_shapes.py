"""Shape rules: user shapes, implicit broadcasting (against numpy), axes and their
errors (Nx.Shape's examples translated)."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

from spec.errors import AxisError, NameError_, ShapeError
from spec.registry import TensorSpec
from spec import shapes, types
from tests.support import shapes as shape_strategy


# -- shapes given by users ---------------------------------------------------------

def test_validate_shape_accepts_tuples_lists_and_index_like_ints():
    assert shapes.validate_shape((1, 2, 3)) == (1, 2, 3)
    assert shapes.validate_shape([4, np.int64(5)]) == (4, 5)
    assert shapes.validate_shape(()) == ()
    assert shapes.validate_shape((0, 3)) == (0, 3)      # the spec accepts empty dimensions


@pytest.mark.parametrize("bad,message", [
    ((2, -1), "invalid dimension in axis 1 found in shape: each dimension must be a non-negative integer, got -1 in shape (2, -1)"),
    ((2.0,), "invalid dimension in axis 0 found in shape: each dimension must be a non-negative integer, got 2.0"),
    ((True, 2), "invalid dimension in axis 0"),
    (("a",), "got 'a'"),
    (6, "invalid shape: a shape is a tuple with the size of each dimension, got: 6"),
    (None, "invalid shape"),
])
def test_validate_shape_errors_name_the_axis_and_the_shape(bad, message):
    with pytest.raises(ShapeError) as e:
        shapes.validate_shape(bad)
    assert message in str(e.value)


def test_a_tensor_as_a_dimension_is_named_in_the_error():
    spec = TensorSpec(types.normalize("s32"), (), ())
    with pytest.raises(ShapeError, match="got a tensor as dimension"):
        shapes.validate_shape((2, spec))


def test_shape_of_follows_nx_shape():
    spec = TensorSpec(types.normalize("f32"), (2, 3), (None, None))
    assert shapes.shape_of(spec) == (2, 3)
    assert shapes.shape_of(3) == () and shapes.shape_of(2.5) == () and shapes.shape_of(1j) == ()
    assert shapes.shape_of([1, 2]) == (1, 2)
    with pytest.raises(ShapeError, match="expected a shape"):
        shapes.shape_of({"x": 1})


def test_size():
    assert [shapes.size(s) for s in [(), (0,), (2, 3), (4, 0, 2)]] == [1, 0, 6, 0]


# -- implicit broadcasting -------------------------------------------------------------

@pytest.mark.parametrize("left,right,expected", [
    ((), (), ()), ((), (4, 2, 1, 5), (4, 2, 1, 5)), ((8, 1, 6, 1), (7, 1, 5), (8, 7, 6, 5)),
    ((7, 1, 5), (8, 1, 6, 1), (8, 7, 6, 5)), ((5, 4), (1,), (5, 4)), ((3, 1), (15, 3, 5), (15, 3, 5)),
    ((2, 0), (1,), (2, 0)), ((0,), (1, 0), (1, 0)),
])
def test_broadcast_shapes_nx_examples(left, right, expected):
    assert shapes.broadcast_shapes(left, right) == expected


def test_broadcast_shapes_error_names_both_shapes():
    with pytest.raises(ShapeError, match=r"cannot broadcast tensor of dimensions \(4, 2, 5\) to \(3, 2, 5\)"):
        shapes.broadcast_shapes((4, 2, 5), (3, 2, 5))


@given(shape_strategy(max_rank=4, max_side=3), shape_strategy(max_rank=4, max_side=3))
def test_broadcast_shapes_agrees_with_numpy(left, right):
    try:
        expected = np.broadcast_shapes(left, right)
    except ValueError:
        with pytest.raises(ShapeError):
            shapes.broadcast_shapes(left, right)
    else:
        assert shapes.broadcast_shapes(left, right) == expected


# -- axes ----------------------------------------------------------------------------

def test_normalize_axis_accepts_ints_negative_ints_names_and_numpy_ints():
    names = ("batch", "x", "y")
    assert [shapes.normalize_axis(a, (4, 2, 5), names) for a in (0, 2, -1, -3, "x", np.int8(1))] == \
        [0, 2, 2, 0, 1, 1]


@pytest.mark.parametrize("axis,error,message", [
    (3, AxisError, "given axis (3) invalid for shape (4, 2, 5) with rank 3"),
    (-4, AxisError, "given axis (-4) invalid for shape (4, 2, 5) with rank 3"),
    ("z", NameError_, "name 'z' not found in tensor with names ['batch', 'x', None] and shape (4, 2, 5)"),
    (None, AxisError, "axis name cannot be None (shape (4, 2, 5))"),
    (1.0, AxisError, "invalid axis 1.0 for shape (4, 2, 5): expected an integer or an axis name"),
    (True, AxisError, "invalid axis True"),
])
def test_normalize_axis_errors(axis, error, message):
    with pytest.raises(error) as e:
        shapes.normalize_axis(axis, (4, 2, 5), ("batch", "x", None))
    assert message in str(e.value)


def test_a_scalar_has_no_axis():
    with pytest.raises(AxisError, match=r"given axis \(0\) invalid for shape \(\) with rank 0"):
        shapes.normalize_axis(0, ())


def test_normalize_axes_nx_examples_and_duplicates():
    assert shapes.normalize_axes([-1, 0], (2, 3, 4), ("batch", None, None)) == (2, 0)
    assert shapes.normalize_axes(["batch", 1], (2, 3, 4), ("batch", "x", None)) == (0, 1)
    assert shapes.normalize_axes(1, (2, 3)) == (1,)
    with pytest.raises(AxisError) as e:
        shapes.normalize_axes([1, 1], (2, 3, 4))
    assert str(e.value) == ("axes [1, 1] must be unique integers between 0 and 2: axis 1 is "
                            "given twice for shape (2, 3, 4)")
    with pytest.raises(AxisError, match="axis 0 is given twice"):
        shapes.normalize_axes(["x", 0], (2, 3), ("x", None))
    with pytest.raises(AxisError, match=r"given axis \(5\)"):
        shapes.normalize_axes([0, 5], (2, 3))


@given(st.data())
def test_named_and_negative_axes_pick_the_same_axis_as_their_index(data):
    shape = data.draw(shape_strategy(max_rank=4, max_side=3).filter(bool))
    names = tuple(f"a{i}" for i in range(len(shape)))
    i = data.draw(st.integers(0, len(shape) - 1))
    assert shapes.normalize_axis(i - len(shape), shape, names) == i
    assert shapes.normalize_axis(names[i], shape, names) == i


def test_reduce_shape():
    assert shapes.reduce_shape((4, 1, 2), ("batch", "x", "y"), (1,), False) == ((4, 2), ("batch", "y"))
    assert shapes.reduce_shape((2, 4, 6, 5), "bxyz", (1, 3), False) == ((2, 6), ("b", "y"))
    assert shapes.reduce_shape((1, 2, 3), "bxy", (), False) == ((1, 2, 3), ("b", "x", "y"))
    assert shapes.reduce_shape((4, 2, 8), "xyz", (2,), True) == ((4, 2, 1), ("x", "y", "z"))
    assert shapes.reduce_shape((4, 2), "xy", None, False) == ((), ())


# -- explicit broadcasting --------------------------------------------------------------

def test_broadcast_axes_nx_examples():
    assert shapes.broadcast_axes((2, 2, 2), (2, 2, 2, 2)) == (1, 2, 3)
    assert shapes.broadcast_axes((2, 2, 2), (2, 2, 2, 2, 2)) == (2, 3, 4)
    with pytest.raises(ShapeError, match=r"cannot broadcast tensor of dimensions \(2, 3\) to \(3,\)"):
        shapes.broadcast_axes((2, 3), (3,))


def test_check_broadcast_nx_examples():
    shapes.check_broadcast((1, 3), (2, 3), (0, 1))
    shapes.check_broadcast((3,), (3, 2), (0,))
    with pytest.raises(ShapeError, match=r"cannot broadcast tensor of dimensions \(4, 2, 2\) to \(1, 1\) with axes \[0, 1, 2\]"):
        shapes.check_broadcast((4, 2, 2), (1, 1), (0, 1, 2))
    with pytest.raises(ShapeError, match="broadcast axes must be ordered, got 0 after 1"):
        shapes.check_broadcast((2, 2), (2, 2, 2), (1, 0))
    with pytest.raises(ShapeError, match=r"expected length of axes \(1\) to match rank of shape \(2\)"):
        shapes.check_broadcast((2, 2), (2, 2, 2), (1,))
    with pytest.raises(ShapeError, match=r"dimensions \(3,\) to \(3, 2\) with axes \[1\]"):
        shapes.check_broadcast((3,), (3, 2), (1,))


@given(shape_strategy(max_rank=3, max_side=3), shape_strategy(max_rank=4, max_side=3))
def test_right_aligned_explicit_broadcast_agrees_with_numpy(shape, target):
    try:
        np.broadcast_to(np.zeros(shape), target)
        ok = True
    except ValueError:
        ok = False
    if len(shape) > len(target):
        assert not ok
        return
    axes = shapes.broadcast_axes(shape, target)
    if ok:
        shapes.check_broadcast(shape, target, axes)
        assert shapes.can_broadcast_to(shape, target, axes)
    else:
        assert not shapes.can_broadcast_to(shape, target, axes)
        with pytest.raises(ShapeError):
            shapes.check_broadcast(shape, target, axes)
