"""``t[...]`` (nx_ref/indexing.py) against numpy's basic and integer-array
indexing on object arrays of the decoded values, for every type; Nx's rules
where they differ from numpy (dynamic indices clamp, negative positions in
index tensors raise) are pinned, and bad indices raise clear errors.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

import nx_ref as nx
from spec import codec, types
from spec.errors import ArgumentError, AxisError, NameError_, TypeError_
from spec.registry import TensorSpec
from tests.support import values_of

ALL = [t.name for t in types.ALL_TYPES]
NAMES = ("a", "b", "c", "d")


def make(type_, shape, flat, names=None):
    out = TensorSpec(types.normalize(type_), tuple(shape), tuple(names or (None,) * len(shape)))
    return nx.ReferenceBackend().from_values(out, list(flat))


def as_array(t):
    flat = nx.to_flat_list(t)
    arr = np.empty(len(flat), dtype=object)
    arr[:] = flat
    return arr.reshape(t.shape)


def assert_data(t, type_, names, expected):
    expected = np.asarray(expected, dtype=object)
    assert (str(t.type), t.shape, t.names) == (type_, expected.shape, tuple(names))
    want = bytes(codec.encode(types.normalize(type_), list(expected.ravel())))
    assert nx.to_binary(t) == want


@st.composite
def tensors(draw, max_rank=3, min_rank=0, min_side=0):
    type_ = draw(st.sampled_from(ALL))
    shape = tuple(draw(st.lists(st.integers(min_side, 4), min_size=min_rank, max_size=max_rank)))
    n = int(np.prod(shape, dtype=np.int64))
    flat = draw(values_of(type_, n))
    names = tuple(NAMES[i] if draw(st.booleans()) else None for i in range(len(shape)))
    return make(type_, shape, flat, names)


def kept_axes(index, rank):
    """The input axis (None: a new axis) behind each output axis of numpy's
    basic indexing."""
    consumed = sum(1 for i in index if i is not None and i is not Ellipsis)
    kept, axis = [], 0
    for item in index:
        if item is None:
            kept.append(None)
        elif item is Ellipsis:
            kept.extend(range(axis, axis + rank - consumed))
            axis += rank - consumed
        else:
            kept.extend([axis] if isinstance(item, slice) else [])
            axis += 1
    return kept + (list(range(axis, rank)) if Ellipsis not in index else [])


@st.composite
def basic_index(draw, shape):
    """A numpy basic index for ``shape``: ints in range, slices with any bounds
    and steps, at most one ``...``, some ``None``s."""
    k = draw(st.integers(0, len(shape)))
    ellipsis = draw(st.integers(0, k)) if draw(st.integers(0, 2)) == 0 else None
    dims = shape[:k] if ellipsis is None else shape[:ellipsis] + shape[len(shape) - k + ellipsis:]
    items = []
    for dim in dims:
        if dim and draw(st.integers(0, 2)) == 0:
            items.append(draw(st.integers(-dim, dim - 1)))
        else:
            bound = st.one_of(st.none(), st.integers(-dim - 2, dim + 2))
            step = st.sampled_from([None, 1, 2, 3, -1, -2, -3])
            items.append(slice(draw(bound), draw(bound), draw(step)))
    if ellipsis is not None:
        items.insert(ellipsis, Ellipsis)
    for _ in range(draw(st.integers(0, 2))):
        items.insert(draw(st.integers(0, len(items))), None)
    return tuple(items)


@given(t=st.one_of(tensors(min_rank=1, min_side=1), tensors()), data=st.data())
def test_basic_indexing_matches_numpy(t, data):
    index = data.draw(basic_index(t.shape))
    expected = as_array(t)[index + ((Ellipsis,) if Ellipsis not in index else ())]
    names = [None if a is None else t.names[a] for a in kept_axes(index, t.rank)]
    assert_data(t[index], str(t.type), names, expected)
    if len(index) == 1:
        assert_data(t[index[0]], str(t.type), names, expected)


@given(t=tensors(), data=st.data())
def test_named_access_matches_positional(t, data):
    named = [a for a in range(t.rank) if t.names[a]]
    chosen = data.draw(st.lists(st.sampled_from(named), unique=True)) if named else []
    mapping, index = {}, [slice(None)] * t.rank
    for a in chosen:
        dim = t.shape[a]
        value = data.draw(st.integers(-dim, dim - 1)) if dim and data.draw(st.booleans()) \
            else slice(data.draw(st.integers(0, 3)), None, data.draw(st.integers(1, 2)))
        mapping[t.names[a]] = index[a] = value
    got, want = t[mapping], t[tuple(index)]
    assert (got.shape, got.names, nx.to_binary(got)) == (want.shape, want.names, nx.to_binary(want))


@given(t=tensors(max_rank=2), data=st.data())
def test_scalar_tensor_indices_clamp_into_the_axis(t, data):
    if t.rank == 0 or t.shape[0] == 0:
        return
    value = data.draw(st.integers(-5, t.shape[0] + 5))
    itype = data.draw(st.sampled_from(["s8", "s32", "s64"]))
    clamped = min(max(value, 0), t.shape[0] - 1)
    assert_data(t[nx.tensor(value, type=itype)], str(t.type), t.names[1:], as_array(t)[clamped])


@given(t=tensors(max_rank=3), data=st.data())
def test_index_tensors_and_lists_take_along_the_first_axis(t, data):
    if t.rank == 0 or t.shape[0] == 0:
        return
    positions = data.draw(st.lists(st.integers(0, t.shape[0] - 1), min_size=1, max_size=4))
    expected = as_array(t)[positions]
    got = t[nx.tensor(positions)]
    assert got.shape == expected.shape
    assert nx.to_binary(got) == bytes(codec.encode(t.type, list(expected.ravel())))
    assert nx.to_binary(t[positions]) == nx.to_binary(got)
    matrix = [positions, positions[::-1]]
    assert t[nx.tensor(matrix)].shape == (2, len(positions)) + t.shape[1:]


def test_python_slices_differ_from_nx_ranges():
    t = nx.tensor([1, 2, 3, 4, 5])
    # bounds are clipped and empty ranges give empty axes (Nx raises for both)
    assert t[3:99].to_list() == [4, 5]
    assert t[4:2].shape == (0,)
    # negative steps walk backwards (Nx rejects them)
    assert t[::-2].to_list() == [5, 3, 1]
    assert t[3:0:-1].to_list() == [4, 3, 2]
    # a dynamic -1 reads position 0, a static -1 the last position
    assert int(t[nx.tensor(-1)]) == 1 and int(t[-1]) == 5


def test_scalars_iteration_and_names():
    s = nx.tensor(7)
    assert s[()] is s or s[()].to_number() == 7
    assert s[...].to_number() == 7 and s[None].shape == (1,)
    t = nx.iota((2, 3), names=["x", "y"])
    assert [row.to_list() for row in t] == [[0, 1, 2], [3, 4, 5]]
    assert t[None, :, 1].names == (None, "x")
    assert t[{"y": nx.tensor(2)}].to_list() == [2, 5]
    assert t[{-1: 0}].to_list() == [0, 3]
    assert t[[]].shape == (0, 3)


ERRORS = [
    (lambda t: t[2], ArgumentError, "index 2 is out of bounds for axis 0 in shape (2, 3)"),
    (lambda t: t[0, -4], ArgumentError, "index -4 is out of bounds for axis 1"),
    (lambda t: t[0, 0, 0], AxisError, "too many indices for a tensor of rank 2"),
    (lambda t: nx.tensor(1)[0], AxisError, "too many indices for a tensor of rank 0"),
    (lambda t: t[..., 0, ...], ArgumentError, "single ellipsis"),
    (lambda t: t[1.0], ArgumentError, "expects index to be"),
    (lambda t: t["x"], ArgumentError, "expects index to be"),
    (lambda t: t[True], ArgumentError, "expects index to be"),
    (lambda t: t[::0], ArgumentError, "slice step cannot be zero"),
    (lambda t: t[0.5:], TypeError_, "slice indices must be integers"),
    (lambda t: t[0, nx.tensor([0, 1])], ArgumentError, "can only be used alone"),
    (lambda t: t[nx.tensor(1.0)], TypeError_, "index must be integer type, got f32 for axis 0"),
    (lambda t: t[nx.tensor([0.0])], TypeError_, "integer"),
    (lambda t: t[nx.tensor([2])], ArgumentError, "out of bounds"),
    (lambda t: t[[True, False]], TypeError_, "boolean masks"),
    (lambda t: t[np.array([True, False])], TypeError_, "boolean masks"),
    (lambda t: t[{"z": 0}], NameError_, "name 'z' not found"),
    (lambda t: t[{"x": 0, 0: 1}], ArgumentError, "duplicate axis 0"),
    (lambda t: t[{"x": None}], ArgumentError, "invalid index None for axis 'x'"),
    (lambda t: t[{"y": 1.5}], ArgumentError, "invalid index 1.5 for axis 1"),
    (lambda t: nx.iota((0, 2))[nx.tensor(0)], ArgumentError, "axis 0 of size 0"),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_bad_indices_raise_clear_errors(case):
    fn, cls, fragment = ERRORS[case]
    with pytest.raises(cls) as info:
        fn(nx.iota((2, 3), names=["x", "y"]))
    assert fragment in str(info.value)
