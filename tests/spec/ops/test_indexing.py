"""The indexing family: gather, take, take_along_axis, indexed_add, indexed_put.

Results are compared with numpy (fancy indexing, ``np.take``,
``np.take_along_axis``, sequential ``+=`` / ``np.add.at``) on object arrays of
the decoded values, so that every one of the 20 types is covered; the
differences from numpy (negative indices do not wrap, out-of-range indices
raise, type promotion of the updates) are pinned by explicit tests.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import nx_ref as nx
from spec import codec, registry, types, values
from spec.errors import ArgumentError, AxisError, NameError_, ShapeError, TypeError_
from spec.registry import TensorSpec
from tests.support import scalar_values

OPS = {name: op for name, op in registry.all_ops().items() if op.family == "indexing"}
ALL = [t.name for t in types.ALL_TYPES]
INDEX_TYPES = ["s8", "u8", "s16", "s32", "s64", "u64", "u4", "s4", "u2"]
FEW = settings(max_examples=12)


def test_family_is_the_five_ops():
    assert set(OPS) == {"gather", "take", "take_along_axis", "indexed_add", "indexed_put"}
    assert {n for n, op in OPS.items() if op.is_primitive} == {"gather", "indexed_add", "indexed_put"}


# -- helpers -----------------------------------------------------------------------------

def make(type_, shape, flat, names=None):
    """A reference tensor with the given row-major values (already of the type)."""
    out = TensorSpec(types.normalize(type_), tuple(shape), tuple(names or (None,) * len(shape)))
    return nx.ReferenceBackend().from_values(out, list(flat))


def as_array(flat, shape):
    arr = np.empty(len(flat), dtype=object)
    arr[:] = list(flat)
    return arr.reshape(shape)


def assert_data(t, type_, shape, expected_flat):
    """``t`` has the type and shape, and the expected values bit for bit."""
    assert str(t.type) == type_ and t.shape == tuple(shape)
    want = bytes(codec.encode(types.normalize(type_), list(expected_flat)))
    assert nx.to_binary(t) == want, f"{nx.to_flat_list(t)} != {list(expected_flat)}"


def fit(index_type, bound):
    """The largest index below ``bound`` that ``index_type`` holds (-1 when none)."""
    return min(bound - 1, types.max_finite(types.normalize(index_type)))


@st.composite
def data_of(draw, type_, shape):
    return draw(st.lists(scalar_values(type_), min_size=_size(shape), max_size=_size(shape)))


def _size(shape):
    n = 1
    for d in shape:
        n *= d
    return n


@st.composite
def gather_cases(draw, type_="s32"):
    """(tensor shape, flat data, axes, outer shape of indices, index type, index rows)."""
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=0, max_size=3)))
    rank = len(shape)
    axes = sorted(draw(st.lists(st.integers(0, rank - 1), unique=True, max_size=rank))) if rank else []
    itype = draw(st.sampled_from(INDEX_TYPES))
    outer = tuple(draw(st.lists(st.integers(0, 3), max_size=2)))
    if any(fit(itype, shape[a]) < 0 for a in axes):     # no valid index: no positions
        outer = outer[:-1] + (0,) if outer else (0,)
    rows = [[draw(st.integers(0, fit(itype, shape[a]))) for a in axes] for _ in range(_size(outer))]
    flat = draw(data_of(type_, shape))
    return shape, flat, axes, outer, itype, rows


def index_tensor(itype, outer, rows, depth):
    return make(itype, outer + (depth,), [i for row in rows for i in row])


# -- gather --------------------------------------------------------------------------

def numpy_gather(arr, axes, outer, rows):
    depth = len(axes)
    moved = np.moveaxis(arr, axes, list(range(depth)))
    rest = moved.shape[depth:]
    if not rows:
        return np.empty(outer + rest, dtype=object)
    picked = [moved[tuple(row)] for row in rows]
    if rest == ():
        return as_array(picked, outer)
    return np.stack(picked).reshape(outer + rest)


@pytest.mark.parametrize("type_", ALL)
@FEW
@given(data=st.data())
def test_gather_matches_numpy(type_, data):
    shape, flat, axes, outer, itype, rows = data.draw(gather_cases(type_))
    t = make(type_, shape, flat, names=[f"a{i}" for i in range(len(shape))])
    form = data.draw(st.sampled_from(["default", "ints", "names"]))
    if form == "default" and axes == list(range(len(axes))):
        opts = {}
    else:
        opts = {"axes": axes if form != "names" else [f"a{a}" for a in axes]}
    got = nx.gather(t, index_tensor(itype, outer, rows, len(axes)), **opts)
    expected = numpy_gather(as_array(flat, shape), axes, outer, rows)
    assert_data(got, type_, expected.shape, expected.ravel().tolist())
    assert got.names == (None,) * got.rank


def test_gather_shapes_follow_nx_shape_rule():
    # Nx.Shape.gather's examples
    for shape, ishape, axes, out in [((2, 3), (10, 2), [0, 1], (10,)),
                                     ((2, 3), (4, 5, 2), [0, 1], (4, 5)),
                                     ((2,), (4, 5, 1), [0], (4, 5)),
                                     ((2, 2, 2), (3,), [0, 1, 2], ()),
                                     ((2, 2, 2, 2, 2), (3, 3, 3), [0, 1, 2], (3, 3, 2, 2))]:
        got = OPS["gather"].infer(TensorSpec(types.normalize("f32"), shape, (None,) * len(shape)),
                                  TensorSpec(types.normalize("s32"), ishape, (None,) * len(ishape)),
                                  axes=tuple(axes))
        assert got.shape == out and got.names == (None,) * len(out)


def test_gather_rank0_and_empty():
    # a rank-0 tensor: positions with no entries read the whole (scalar) tensor
    got = nx.gather(nx.tensor(7.5), make("s32", (3, 0), []))
    assert_data(got, "f32", (3,), [7.5] * 3)
    got = nx.gather(nx.iota((2, 3)), make("s32", (0, 1), []))
    assert_data(got, "s32", (0, 3), [])
    got = nx.gather(make("s32", (0, 3), []), make("u8", (2, 1), [0, 0]), axes=[1])
    assert_data(got, "s32", (2, 0), [])
    # depth 0 with axes=[] copies the tensor once per position
    got = nx.gather(nx.iota((2,)), make("s64", (2, 0), []), axes=[])
    assert_data(got, "s32", (2, 2), [0, 1, 0, 1])


# -- take, take_along_axis -------------------------------------------------------------

@st.composite
def take_cases(draw, type_):
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=1, max_size=3)))
    axis = draw(st.integers(0, len(shape) - 1))
    itype = draw(st.sampled_from(INDEX_TYPES))
    top = fit(itype, shape[axis])
    ishape = tuple(draw(st.lists(st.integers(0, 3), max_size=2)))
    if top < 0:
        ishape = ishape[:-1] + (0,) if ishape else (0,)
    idx = [draw(st.integers(0, top)) for _ in range(_size(ishape))]
    return shape, draw(data_of(type_, shape)), axis, itype, ishape, idx


@pytest.mark.parametrize("type_", ALL)
@FEW
@given(data=st.data())
def test_take_matches_numpy(type_, data):
    shape, flat, axis, itype, ishape, idx = data.draw(take_cases(type_))
    names = [f"a{i}" for i in range(len(shape))]
    t = make(type_, shape, flat, names=names)
    form = data.draw(st.sampled_from([axis, axis - len(shape), names[axis]]))
    got = nx.take(t, make(itype, ishape, idx), axis=form)
    expected = np.asarray(np.take(as_array(flat, shape), np.array(idx, dtype=np.int64).reshape(ishape),
                                  axis=axis), dtype=object)
    assert_data(got, type_, expected.shape, expected.ravel().tolist())
    inner = (names[axis],) if len(ishape) == 1 else (None,) * len(ishape)
    assert got.names == tuple(names[:axis]) + inner + tuple(names[axis + 1:])


@st.composite
def along_cases(draw, type_):
    shape = tuple(draw(st.lists(st.integers(0, 3), min_size=1, max_size=3)))
    axis = draw(st.integers(0, len(shape) - 1))
    itype = draw(st.sampled_from(INDEX_TYPES))
    top = fit(itype, shape[axis])
    ishape = shape[:axis] + (draw(st.integers(0, 4)) if top >= 0 else 0,) + shape[axis + 1:]
    idx = [draw(st.integers(0, top)) for _ in range(_size(ishape))]
    return shape, draw(data_of(type_, shape)), axis, itype, ishape, idx


@pytest.mark.parametrize("type_", ALL)
@FEW
@given(data=st.data())
def test_take_along_axis_matches_numpy(type_, data):
    shape, flat, axis, itype, ishape, idx = data.draw(along_cases(type_))
    names = [data.draw(st.sampled_from([None, f"a{i}"])) for i in range(len(shape))]
    got = nx.take_along_axis(make(type_, shape, flat, names=names), make(itype, ishape, idx), axis=axis)
    expected = np.take_along_axis(as_array(flat, shape),
                                  np.array(idx, dtype=np.int64).reshape(ishape), axis=axis)
    assert_data(got, type_, ishape, expected.ravel().tolist())
    assert got.names == tuple(names)


def test_take_names_and_scalar_indices():
    t = nx.tensor([[1, 2, 3], [4, 5, 6]], names=["x", "y"])
    got = nx.take(t, nx.tensor([2, 0], names=["y"]), axis=1)
    assert got.names == ("x", "y") and got.to_list() == [[3, 1], [6, 4]]
    got = nx.take(nx.tensor([[1, 2, 3], [4, 5, 6]], names=[None, "y"]), nx.tensor([1], names=["z"]))
    assert got.names == ("z", "y")
    got = nx.take(t, nx.tensor([[0, 1]], names=["p", "q"]), axis="y")
    assert got.names == ("x", "p", "q") and got.shape == (2, 1, 2)
    # a rank-0 index (or a Python int) removes the axis, as t[..., i] would
    assert nx.take(t, 1, axis=1).to_list() == [2, 5]
    assert nx.take(t, nx.tensor(1)).names == ("y",)
    with pytest.raises(NameError_, match="cannot merge name 'y' on axis 1 with name 'r' on axis 0"):
        nx.take(t, nx.tensor([0], names=["r"]), axis=1)


# -- indexed_add, indexed_put --------------------------------------------------------

# (target type, updates type, output type): the merge of the two, written out here
TYPE_PAIRS = [
    ("s32", "s32", "s32"), ("u8", "u8", "u8"), ("s8", "u8", "s16"), ("s32", "s64", "s64"),
    ("f32", "s32", "f32"), ("s32", "f32", "f32"), ("u2", "s4", "s4"), ("f16", "f16", "f16"),
    ("bf16", "bf16", "bf16"), ("f8", "f8", "f8"), ("f8_e4m3fn", "u8", "f8_e4m3fn"),
    ("f32", "f64", "f64"), ("c64", "f32", "c64"), ("s64", "c128", "c128"), ("u64", "u64", "u64"),
]


@st.composite
def indexed_cases(draw, target_type, updates_type):
    """(shape, target data, axes, index rows, window, updates data)."""
    shape = tuple(draw(st.lists(st.integers(0, 4), max_size=3)))
    rank = len(shape)
    axes = sorted(draw(st.lists(st.integers(0, rank - 1), unique=True, max_size=rank))) if rank else []
    others = [a for a in range(rank) if a not in axes]
    window = tuple(draw(st.integers(0, shape[a])) for a in others)
    count = draw(st.integers(0, 4)) if all(shape[a] for a in axes) else 0
    rows = [[draw(st.integers(0, shape[a] - 1)) for a in axes] for _ in range(count)]
    upd = draw(data_of(updates_type, (count,) + window))
    return shape, draw(data_of(target_type, shape)), axes, rows, window, upd


def numpy_indexed(op, target, axes, rows, updates):
    """Apply each update slice in index order: ``+=`` (or ``=``) on the window."""
    result = target.copy()
    rank = target.ndim
    for row, upd in zip(rows, updates):
        where = [slice(None)] * rank
        for a, i in zip(axes, row):
            where[a] = i
        others = [a for a in range(rank) if a not in axes]
        for a, w in zip(others, np.shape(upd)):
            where[a] = slice(0, w)
        if op == "indexed_add":
            result[tuple(where)] += upd
        else:
            result[tuple(where)] = upd
    return result


@pytest.mark.parametrize("op", ["indexed_add", "indexed_put"])
@pytest.mark.parametrize("pair", TYPE_PAIRS, ids=lambda p: f"{p[0]}+{p[1]}")
@FEW
@given(data=st.data())
def test_indexed_matches_numpy(op, pair, data):
    ttype, utype, otype = pair
    shape, tflat, axes, rows, window, uflat = data.draw(indexed_cases(ttype, utype))
    t = make(ttype, shape, tflat, names=[f"a{i}" for i in range(len(shape))])
    itype = data.draw(st.sampled_from(["s32", "s64", "u8", "u16"]))
    got = getattr(nx, op)(t, index_tensor(itype, (len(rows),), rows, len(axes)),
                          make(utype, (len(rows),) + window, uflat), axes=axes)
    # the spec's rule: values converted into the output type, combined in Python's
    # precision in index order, rounded once
    target = as_array([values.cast(v, ttype, otype) for v in tflat], shape)
    updates = as_array([values.cast(v, utype, otype) for v in uflat], (len(rows),) + window)
    expected = numpy_indexed(op, target, axes, rows, updates)
    assert_data(got, otype, shape, expected.ravel().tolist())
    assert got.names == t.names


@given(data=st.data())
def test_indexed_add_repeats_match_np_add_at(data):
    shape = tuple(data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    rows = data.draw(st.lists(st.tuples(*[st.integers(0, d - 1) for d in shape]), max_size=12))
    upd = data.draw(st.lists(st.integers(-1000, 1000), min_size=len(rows), max_size=len(rows)))
    target = np.arange(_size(shape), dtype=np.int64).reshape(shape)
    expected = target.copy()
    np.add.at(expected, tuple(np.array(rows, dtype=np.int64).reshape(-1, len(shape)).T), upd)
    got = nx.indexed_add(nx.iota(shape, type="s64"),
                         make("s32", (len(rows), len(shape)), [i for r in rows for i in r]),
                         make("s64", (len(rows),), upd))
    assert got.to_flat_list() == expected.ravel().tolist()


def test_indexed_put_last_write_wins_and_add_accumulates():
    idx = nx.tensor([[1], [0], [1], [1]])
    got = nx.indexed_put(nx.tensor([0, 0, 0]), idx, nx.tensor([5, 6, 7, 8]))
    assert got.to_list() == [6, 8, 0]
    got = nx.indexed_add(nx.tensor([0, 0, 0]), idx, nx.tensor([5, 6, 7, 8]))
    assert got.to_list() == [6, 20, 0]


def test_indexed_add_wraps_and_rounds_once():
    # integers wrap in the output type; floats accumulate in double precision
    got = nx.indexed_add(nx.tensor([250], type="u8"), nx.tensor([[0], [0]]), nx.tensor([3, 4], type="u8"))
    assert got.to_list() == [1]
    big, tiny = 2.0 ** 24, 1.0
    got = nx.indexed_add(nx.tensor([big]), nx.tensor([[0], [0]]), nx.tensor([tiny, tiny]))
    assert got.to_list() == [big + 2]        # per-step f32 rounding would give 2**24
    got = nx.indexed_add(nx.tensor([1.0], type="f16"), nx.tensor([[0]]), nx.tensor([float("nan")], type="f16"))
    assert got.to_flat_list()[0] != got.to_flat_list()[0]


def test_indexed_scalar_shorthand_and_numbers():
    t = nx.tensor([[1, 2], [3, 4]], type="u8", names=["r", "c"])
    got = nx.indexed_put(t, nx.tensor([1, 0]), 10)
    # a Python number is an s32 tensor, merged with the target's type (as Nx's to_tensor)
    assert str(got.type) == "s32" and got.to_list() == [[1, 2], [10, 4]] and got.names == ("r", "c")
    assert nx.indexed_add(t, nx.tensor([0, 1]), nx.tensor(5, type="u8")).to_list() == [[1, 7], [3, 4]]
    assert str(nx.indexed_add(t, nx.tensor([0, 1]), 0.5).type) == "f32"
    # rank-0 target: a rank-1 index of size 0 names the only element
    assert nx.indexed_add(nx.tensor(1.5), make("s32", (0,), []), 2).to_flat_list() == [3.5]
    assert nx.indexed_add(nx.tensor(1), make("s32", (2, 0), []), nx.tensor([2, 3])).to_flat_list() == [6]


def test_indexed_windows_smaller_than_the_target_slice():
    t = nx.iota((2, 3, 3))
    got = nx.indexed_put(t, nx.tensor([[1]]), nx.tensor([[[-1, -2], [-3, -4]]]))
    assert got.to_list()[1] == [[-1, -2, 11], [-3, -4, 14], [15, 16, 17]]
    got = nx.indexed_add(t, nx.tensor([[2], [0]]), nx.tensor([[[100, 200]], [[1, 2]]]), axes=[2])
    assert got.to_list()[0] == [[1, 1, 102], [5, 4, 205], [6, 7, 8]]
    assert got.to_list()[1] == t.to_list()[1]


# -- out-of-range indices: Nx's pure backend raises; numpy would wrap negatives --------------

OUT_OF_RANGE = [
    (lambda i: nx.gather(nx.iota((2, 3)), i), "3 is out of bounds for axis 1 in shape (2, 3)"),
    (lambda i: nx.indexed_add(nx.iota((2, 3)), i, nx.tensor([1, 1])),
     "3 is out of bounds for axis 1 in shape (2, 3)"),
    (lambda i: nx.indexed_put(nx.iota((2, 3)), i, nx.tensor([1, 1])),
     "3 is out of bounds for axis 1 in shape (2, 3)"),
]


@pytest.mark.parametrize("case", range(len(OUT_OF_RANGE)))
def test_out_of_range_indices_raise(case):
    run, message = OUT_OF_RANGE[case]
    with pytest.raises(ArgumentError, match=r"index " + message.replace("(", r"\(").replace(")", r"\)")):
        run(nx.tensor([[0, 0], [1, 3]]))
    with pytest.raises(ArgumentError, match=r"index -1 is out of bounds for axis 0 in shape \(2, 3\)"):
        run(nx.tensor([[0, 1], [-1, 0]]))
    # the first bad index row by row, as Nx reports it
    with pytest.raises(ArgumentError, match=r"index -2 is out of bounds for axis 1"):
        run(nx.tensor([[0, -2], [5, 0]]))


def test_negative_indices_do_not_wrap_as_in_numpy():
    t = nx.tensor([10, 20, 30])
    assert np.take(np.array([10, 20, 30]), [-1]).tolist() == [30]       # numpy wraps
    for call in (lambda: nx.take(t, nx.tensor([-1])),
                 lambda: nx.take_along_axis(t, nx.tensor([-1])),
                 lambda: nx.take(t, nx.tensor([3])),
                 lambda: nx.gather(t, nx.tensor([[255]], type="u8"))):
        with pytest.raises(ArgumentError, match="out of bounds for axis 0 in shape \\(3,\\)"):
            call()
    # the target is never half-written by an update that raises
    with pytest.raises(ArgumentError):
        nx.indexed_put(t, nx.tensor([[0], [7]]), nx.tensor([1, 2]))
    assert t.to_list() == [10, 20, 30]


# -- bad input --------------------------------------------------------------------------

T23 = nx.iota((2, 3), names=["x", "y"])
ERRORS = [
    # (call, error class, message fragment)
    (lambda: nx.gather(T23, nx.tensor([[0.0, 1.0]])), TypeError_, "indices must be an integer tensor, got f32"),
    (lambda: nx.gather(T23, nx.tensor(0)), ShapeError, "expected indices rank to be at least 1, got: 0"),
    (lambda: nx.gather(T23, nx.tensor([[0, 0, 0]])), ShapeError,
     "last indices dimension size (3) to be less than or equal to the tensor rank (2)"),
    (lambda: nx.gather(T23, nx.tensor([[0, 0]]), axes=[1, 0]), AxisError, "axes must be an ordered list, got: [1, 0]"),
    (lambda: nx.gather(T23, nx.tensor([[0, 0]]), axes=[1]), AxisError,
     "same number of elements as the last dimension of indices"),
    (lambda: nx.gather(T23, nx.tensor([[0]]), axes=[2]), AxisError, "given axis (2) invalid for shape (2, 3)"),
    (lambda: nx.gather(T23, nx.tensor([[0]]), axes=["z"]), NameError_, "name 'z' not found"),
    (lambda: nx.gather(T23, nx.tensor([[0, 0]]), axes=[0, -2]), AxisError, "axis 0 is given twice"),
    (lambda: nx.gather(T23, [[0, 0]]), TypeError_, "argument 'indices'"),
    (lambda: nx.gather(T23, nx.tensor([[0]]), axis=0), ArgumentError, "unknown option axis"),
    (lambda: nx.take(T23, nx.tensor([1.0])), TypeError_, "indices must be an integer tensor, got f32"),
    (lambda: nx.take(T23, nx.tensor([1]), axis=2), AxisError, "given axis (2) invalid for shape (2, 3)"),
    (lambda: nx.take(T23, nx.tensor([1]), axis="z"), NameError_, "name 'z' not found"),
    (lambda: nx.take(nx.tensor(1), nx.tensor([0])), AxisError, "given axis (0) invalid for shape ()"),
    (lambda: nx.take(T23, nx.tensor([1]), axes=[0]), ArgumentError, "unknown option axes"),
    (lambda: nx.take_along_axis(T23, nx.tensor([[1.0]]), axis=1), TypeError_, "got f32"),
    (lambda: nx.take_along_axis(T23, nx.tensor([[1]]), axis=1), ShapeError,
     "non-indexing dimensions of indices must match. Expected (2, *), got: (1, 1)"),
    (lambda: nx.take_along_axis(T23, nx.tensor([1]), axis=1), ShapeError,
     "shapes must have the same number of dimensions. Expected (2, *), got: (1,)"),
    (lambda: nx.take_along_axis(T23, nx.tensor([[1]]), axis=-3), AxisError, "given axis (-3)"),
    (lambda: nx.indexed_add(T23, nx.tensor([[0.0, 0.0]]), nx.tensor([1])), TypeError_,
     "indices must be an integer tensor, got type: f32"),
    (lambda: nx.indexed_add(T23, nx.tensor([[[0, 0]]]), nx.tensor([1])), ShapeError,
     "indices must be a rank 1 or 2 tensor, got: 3"),
    (lambda: nx.indexed_add(T23, nx.tensor([[0, 0]]), nx.tensor([1, 2])), ShapeError,
     "expected the leading axis of indices ((1, 2)) and leading axis of updates ((2,)) to match"),
    (lambda: nx.indexed_add(T23, nx.tensor([[0, 0]]), 1), ShapeError, "leading axis of updates (())"),
    (lambda: nx.indexed_add(T23, nx.tensor([[0]]), nx.tensor([1])), ShapeError,
     "expected the rank of the input (2) to be equal to the rank of the updates (1) plus the "
     "trailing axis of indices ((1, 1)) minus one"),
    (lambda: nx.indexed_put(T23, nx.tensor([[0]]), nx.tensor([[1, 2, 3, 4]])), ShapeError,
     "axis (1) of updates ((1, 4)) must be less than or equal to the axis (1) of (2, 3)"),
    (lambda: nx.indexed_put(T23, nx.tensor([0]), 1), ShapeError, "expected indices to have shape (2,), got: (1,)"),
    (lambda: nx.indexed_put(T23, nx.tensor([0, 1]), nx.tensor([1])), ShapeError,
     "updates must be a scalar tensor when indices has rank 1, got: (1,)"),
    (lambda: nx.indexed_put(T23, nx.tensor([[0, 1]]), nx.tensor([1]), axes=["y", "x"]), AxisError,
     "axes must be an ordered list"),
    (lambda: nx.indexed_put(T23, nx.tensor([[0]]), nx.tensor([[1, 2]]), axes=[0, 1]), AxisError,
     "same number of elements as the last dimension of indices"),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_bad_input_raises_clear_errors(case):
    call, error, message = ERRORS[case]
    with pytest.raises(error) as e:
        call()
    assert message in str(e.value), str(e.value)


def test_every_integer_index_type_is_accepted_and_no_float_one():
    t = nx.tensor([[1, 2], [3, 4]])
    for type_ in ALL:
        idx = make(type_, (1, 2), [1, 0])
        if types.normalize(type_).is_integer:
            assert nx.gather(t, idx).to_list() == [3]
        else:
            with pytest.raises(TypeError_, match=f"got {type_}"):
                nx.gather(t, idx)


# -- gradient rules, applied with the eager namespace -------------------------------------

def test_gather_grad_scatters_back_with_repeats():
    x = nx.iota((2, 3), type="f32")
    idx = nx.tensor([[[1], [0]], [[1], [1]]])
    out = nx.gather(x, idx, axes=[0])
    g = nx.broadcast(nx.tensor(1.0), out.shape)
    (dx, di) = OPS["gather"].grad(nx, g, out, x, idx, axes=(0,))
    assert di is None and dx.to_list() == [[1.0, 1.0, 1.0], [3.0, 3.0, 3.0]]


@pytest.mark.parametrize("op", ["indexed_add", "indexed_put"])
def test_indexed_grads(op):
    target = nx.iota((3, 2), type="f32")
    idx = nx.tensor([[2], [0]])
    upd = nx.tensor([[1.0], [2.0]])
    out = getattr(nx, op)(target, idx, upd)
    g = nx.reshape(nx.iota((6,), type="f32"), (3, 2))
    dt, di, du = OPS[op].grad(nx, g, out, target, idx, upd, axes=(0,))
    assert di is None
    assert du.to_list() == [[4.0], [0.0]]
    expected = g.to_list() if op == "indexed_add" else [[0.0, 1.0], [2.0, 3.0], [0.0, 5.0]]
    assert dt.to_list() == expected
