"""The shape family (spec/ops/shape.py, joining.py, slicing.py, padding.py).

Every op moves values without computing with them, so results are compared
with numpy on object arrays of the decoded values (every one of the 20 types
is covered, bit for bit, NaN and -0.0 included), or with a direct Python
formula where numpy has no counterpart (interior and negative padding). Where
types merge, the expected values are the inputs converted by ``nx.as_type``.
The rules where Nx differs from numpy (clamped start indices, ``"auto"``,
repeated reflections) are pinned by explicit tests; errors walk a table.
The gradient rules are checked as the transposes of these linear maps:
``<g, f(x)> == <grad(g), x>`` for random ``x`` and ``g``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import nx_ref as nx
from spec import codec, registry, types
from spec.errors import ArgumentError, AxisError, NameError_, ShapeError, TypeError_
from spec.registry import TensorSpec
from tests.support import values_of, shapes

SHAPE_OPS = {"reshape", "rename", "transpose", "squeeze", "new_axis", "flatten", "reverse",
             "concatenate", "stack", "tile", "slice", "slice_along_axis", "put_slice", "split",
             "pad", "pad_outer", "reflect"}
PRIMITIVES = {"reshape", "squeeze", "transpose", "reverse", "concatenate", "stack", "slice",
              "put_slice", "pad"}
ALL = [t.name for t in types.ALL_TYPES]
INDEX_TYPES = ["s8", "u8", "s16", "s32", "s64", "u64", "u4", "s4", "u2", "s2"]
NAMES = ["a", "b", "c", "d", "e"]


def test_family_declares_the_shape_ops():
    ops = {n for n, op in registry.all_ops().items() if op.family == "shape"}
    assert SHAPE_OPS | {"broadcast"} == ops
    assert {n for n in SHAPE_OPS if registry.get(n).is_primitive} == PRIMITIVES


# -- helpers -----------------------------------------------------------------------------

def make(type_, shape, flat, names=None):
    out = TensorSpec(types.normalize(type_), tuple(shape), tuple(names or (None,) * len(shape)))
    return nx.ReferenceBackend().from_values(out, list(flat))


def as_array(t):
    """The tensor's decoded values as a numpy object array of its shape."""
    flat = nx.to_flat_list(t)
    arr = np.empty(len(flat), dtype=object)
    arr[:] = flat
    return arr.reshape(t.shape)


def assert_data(t, type_, shape, names, expected):
    """``t`` has the type, shape and names, and the values of ``expected`` (an
    array or flat list) bit for bit."""
    assert (str(t.type), t.shape, t.names) == (type_, tuple(shape), tuple(names))
    flat = list(np.asarray(expected, dtype=object).ravel())
    want = bytes(codec.encode(types.normalize(type_), flat))
    assert nx.to_binary(t) == want, f"{nx.to_flat_list(t)} != {flat}"


def size(shape):
    return int(np.prod(shape, dtype=np.int64))


@st.composite
def names_for(draw, rank):
    pool = draw(st.permutations(NAMES))
    return tuple(pool[i] if draw(st.booleans()) else None for i in range(rank))


@st.composite
def tensors(draw, shape=None, type_=None, max_rank=3, max_side=3, min_side=0):
    type_ = type_ or draw(st.sampled_from(ALL))
    shape = shape if shape is not None else draw(shapes(max_rank, max_side, min_side))
    flat = draw(values_of(type_, size(shape)))
    return make(type_, shape, flat, draw(names_for(len(shape))))


# -- reshape, rename, transpose, squeeze, new_axis, flatten, reverse ---------------------

@given(x=tensors(), data=st.data())
def test_reshape_matches_numpy(x, data):
    dims = [d for d in x.shape if d != 1] or [1]
    new = tuple(data.draw(st.permutations(dims))) + (1,) * data.draw(st.integers(0, 1))
    names = data.draw(names_for(len(new)))
    assert_data(nx.reshape(x, new, names=list(names)), str(x.type), new, names,
                as_array(x).reshape(new))
    if size(new) and new:
        auto = data.draw(st.integers(0, len(new) - 1))
        given = new[:auto] + ("auto",) + new[auto + 1:]
        assert nx.reshape(x, given).shape == new


def test_reshape_auto_with_empty_tensors():
    assert nx.reshape(nx.iota((0, 3)), ("auto", 3)).shape == (0, 3)
    assert nx.reshape(nx.iota((2, 3)), (3, "auto")).shape == (3, 2)
    with pytest.raises(ShapeError, match="ambiguous"):
        nx.reshape(nx.iota((0, 3)), ("auto", 0))
    with pytest.raises(ShapeError, match="single \"auto\""):
        nx.reshape(nx.iota((4,)), ("auto", "auto"))


def test_reshape_takes_the_shape_and_names_of_a_tensor():
    shape = nx.iota((2, 1), names=["x", "y"])
    t = nx.reshape(nx.tensor([1.5, 2.5]), shape)
    assert (t.shape, t.names, t.to_list()) == ((2, 1), ("x", "y"), [[1.5], [2.5]])
    assert nx.reshape(nx.tensor([1, 2]), shape, names=["a", None]).names == ("a", None)


@given(x=tensors(max_rank=4), data=st.data())
def test_transpose_matches_numpy(x, data):
    perm = data.draw(st.permutations(range(x.rank)))
    given = [x.names[a] if x.names[a] and data.draw(st.booleans()) else a - x.rank * data.draw(
        st.integers(0, 1)) for a in perm]
    expected = np.transpose(as_array(x), perm)
    assert_data(nx.transpose(x, axes=given), str(x.type), expected.shape,
                [x.names[a] for a in perm], expected)
    default = np.transpose(as_array(x))
    assert_data(nx.transpose(x), str(x.type), default.shape, x.names[::-1], default)


@given(x=tensors(shape=None, max_rank=4, max_side=2), data=st.data())
def test_squeeze_matches_numpy(x, data):
    ones = [a for a, d in enumerate(x.shape) if d == 1]
    axes = data.draw(st.lists(st.sampled_from(ones), unique=True)) if ones else []
    kept = [a for a in range(x.rank) if a not in axes]
    assert_data(nx.squeeze(x, axes=axes), str(x.type), [x.shape[a] for a in kept],
                [x.names[a] for a in kept], np.squeeze(as_array(x), axis=tuple(axes)))
    kept = [a for a in range(x.rank) if a not in ones]
    assert_data(nx.squeeze(x), str(x.type), [x.shape[a] for a in kept],
                [x.names[a] for a in kept], np.squeeze(as_array(x)))


@given(x=tensors(), data=st.data())
def test_new_axis_matches_numpy(x, data):
    axis = data.draw(st.integers(-x.rank - 1, x.rank))
    position = axis if axis >= 0 else axis + x.rank + 1
    name = data.draw(st.sampled_from([None, "new"]))
    names = list(x.names)
    names.insert(position, name)
    expected = np.expand_dims(as_array(x), position)
    assert_data(nx.new_axis(x, axis, name), str(x.type), expected.shape, names, expected)


@given(x=tensors(max_rank=4), data=st.data())
def test_flatten_matches_numpy(x, data):
    assert_data(nx.flatten(x), str(x.type), (x.size,), (None,), as_array(x).ravel())
    if x.rank:
        first = data.draw(st.integers(0, x.rank - 1))
        last = data.draw(st.integers(first, x.rank - 1))
        shape = x.shape[:first] + (size(x.shape[first:last + 1]),) + x.shape[last + 1:]
        names = x.names[:first] + (None,) + x.names[last + 1:]
        assert_data(nx.flatten(x, axes=list(range(first, last + 1))), str(x.type), shape, names,
                    as_array(x).reshape(shape))


@given(x=tensors(max_rank=4), data=st.data())
def test_reverse_matches_numpy(x, data):
    axes = data.draw(st.lists(st.integers(0, max(x.rank - 1, 0)), unique=True)) if x.rank else []
    assert_data(nx.reverse(x, axes=axes), str(x.type), x.shape, x.names,
                np.flip(as_array(x), tuple(axes)))
    assert_data(nx.reverse(x), str(x.type), x.shape, x.names, np.flip(as_array(x)))


def test_rename_sets_and_clears_names():
    t = nx.rename(nx.iota((2, 3)), ["rows", None])
    assert (t.names, t.to_list()) == (("rows", None), [[0, 1, 2], [3, 4, 5]])
    assert nx.rename(t, None).names == (None, None)
    with pytest.raises(NameError_, match="appears more than once"):
        nx.rename(t, ["a", "a"])


# -- concatenate, stack, tile -------------------------------------------------------------

@st.composite
def joined(draw, same_shape):
    """1-3 tensors of possibly different types that can be joined along ``axis``."""
    base = draw(shapes(3, 3))
    rank = len(base)
    axis = draw(st.integers(0, max(rank - 1, 0)))
    names = draw(names_for(rank))
    operands = []
    for _ in range(draw(st.integers(1, 3))):
        shape = list(base)
        if rank and not same_shape:
            shape[axis] = draw(st.integers(0, 3))
        type_ = draw(st.sampled_from(ALL))
        flat = draw(values_of(type_, size(shape)))
        operands.append(make(type_, shape, flat, names))
    return operands, axis


def converted(tensors):
    out = types.normalize(str(tensors[0].type))
    for t in tensors[1:]:
        out = types.merge(out, t.type)
    return str(out), [as_array(nx.as_type(t, str(out))) for t in tensors]


@given(case=joined(same_shape=False))
def test_concatenate_matches_numpy(case):
    operands, axis = case
    if operands[0].rank == 0:
        with pytest.raises(AxisError):
            nx.concatenate(operands, axis=axis)
        return
    out_type, arrays = converted(operands)
    expected = np.concatenate(arrays, axis=axis)
    assert_data(nx.concatenate(operands, axis=axis), out_type, expected.shape,
                operands[0].names, expected)


@given(case=joined(same_shape=True), data=st.data())
def test_stack_matches_numpy(case, data):
    operands, _ = case
    rank = operands[0].rank
    axis = data.draw(st.integers(-rank - 1, rank))
    out_type, arrays = converted(operands)
    expected = np.stack(arrays, axis=axis)
    position = axis if axis >= 0 else axis + rank + 1
    names = list(operands[0].names)
    names.insert(position, "new")
    assert_data(nx.stack(operands, axis=axis, name="new"), out_type, expected.shape, names,
                expected)


def test_join_numbers_and_names():
    assert nx.stack([1, 2.5]).to_list() == [1.0, 2.5]
    assert str(nx.concatenate([nx.tensor([1], type="u8"), nx.tensor([2], type="s8")]).type) == "s16"
    t = nx.concatenate([nx.tensor([1], names=["x"]), nx.tensor([2])])
    assert t.names == ("x",)
    with pytest.raises(NameError_, match="cannot merge name 'x'"):
        nx.concatenate([nx.tensor([1], names=["x"]), nx.tensor([2], names=["y"])])
    with pytest.raises(NameError_):
        nx.stack([nx.tensor([1], names=["x"])], name="x")


@given(x=tensors(max_rank=3, max_side=2),
       reps=st.lists(st.integers(1, 3), max_size=4))
def test_tile_matches_numpy(x, reps):
    expected = np.tile(as_array(x), reps) if reps else as_array(x)
    assert_data(nx.tile(x, reps), str(x.type), expected.shape, (None,) * expected.ndim, expected)


# -- slice, slice_along_axis, put_slice, split ------------------------------------------

@st.composite
def slice_args(draw, shape):
    """Start indices (ints or scalar tensors, some past the end or negative in
    tensors), lengths and strides for ``shape``."""
    starts, lengths, strides = [], [], []
    for dim in shape:
        length = draw(st.integers(0, dim))
        start = draw(st.integers(0, dim + 2))
        if draw(st.booleans()):
            itype = draw(st.sampled_from(INDEX_TYPES))
            lo, hi = types.min_finite(types.normalize(itype)), types.max_finite(types.normalize(itype))
            start = nx.tensor(max(lo, min(hi, start - 3 * draw(st.integers(0, 1)))), type=itype)
        starts.append(start)
        lengths.append(length)
        strides.append(draw(st.integers(1, 3)))
    return starts, lengths, strides


def clamp(start, dim, length):
    return min(max(int(start), 0), dim - length)


@given(x=tensors(max_rank=3, max_side=4), data=st.data())
def test_slice_matches_numpy_with_clamped_starts(x, data):
    starts, lengths, strides = data.draw(slice_args(x.shape))
    index = tuple(slice(clamp(s, d, n), clamp(s, d, n) + n, st_)
                  for s, d, n, st_ in zip(starts, x.shape, lengths, strides))
    expected = as_array(x)[index + (Ellipsis,)]    # an array also at rank 0
    assert_data(nx.slice(x, starts, lengths, strides=strides), str(x.type), expected.shape,
                x.names, expected)


@given(x=tensors(max_rank=3, max_side=4, min_side=1), data=st.data())
def test_slice_along_axis_and_split_match_numpy(x, data):
    if x.rank == 0:
        return
    axis = data.draw(st.integers(0, x.rank - 1))
    dim = x.shape[axis]
    length = data.draw(st.integers(0, dim))
    start, stride = data.draw(st.integers(0, dim)), data.draw(st.integers(1, 3))
    index = [slice(None)] * x.rank
    index[axis] = slice(clamp(start, dim, length), clamp(start, dim, length) + length, stride)
    expected = as_array(x)[tuple(index)]
    assert_data(nx.slice_along_axis(x, start, length, axis=axis, strides=stride), str(x.type),
                expected.shape, x.names, expected)
    if dim > 1:
        cut = data.draw(st.integers(1, dim - 1))
        left, right = nx.split(x, cut, axis=axis)
        parts = np.split(as_array(x), [cut], axis=axis)
        assert_data(left, str(x.type), parts[0].shape, x.names, parts[0])
        assert_data(right, str(x.type), parts[1].shape, x.names, parts[1])


@given(x=tensors(max_rank=3, max_side=4), data=st.data())
def test_put_slice_matches_numpy(x, data):
    shape = tuple(data.draw(st.integers(0, d)) for d in x.shape)
    update = data.draw(tensors(shape=shape))
    starts = data.draw(slice_args(x.shape))[0]
    out_type, (target, values) = converted([x, update])
    index = tuple(slice(clamp(s, d, n), clamp(s, d, n) + n)
                  for s, d, n in zip(starts, x.shape, shape))
    target[index] = values
    names = tuple(a or b for a, b in zip(x.names, update.names))
    if any(a and b and a != b for a, b in zip(x.names, update.names)):
        with pytest.raises(NameError_):
            nx.put_slice(x, starts, update)
        return
    assert_data(nx.put_slice(x, starts, update), out_type, x.shape, names, target)


def test_split_fractions_and_negative_integers():
    t = nx.iota((10,))
    assert [p.shape for p in nx.split(t, 0.25)] == [(3,), (7,)]      # ceil(2.5) = 3
    assert [p.to_list() for p in nx.split(t, -3)] == [list(range(7)), [7, 8, 9]]
    for bad in (0, 10, -10, 0.0, 1.0, float("nan"), "2", True):
        with pytest.raises(ArgumentError):
            nx.split(t, bad)


def test_dynamic_start_indices_are_clamped_static_negative_ones_raise():
    t = nx.iota((5,))
    assert nx.slice(t, [nx.tensor(-7)], [2]).to_list() == [0, 1]
    assert nx.slice(t, [nx.tensor(200, type="u8")], [2]).to_list() == [3, 4]
    assert nx.slice(t, [9], [2]).to_list() == [3, 4]
    assert nx.put_slice(t, [nx.tensor(-1)], nx.tensor([9])).to_list() == [9, 1, 2, 3, 4]
    with pytest.raises(ArgumentError, match="greater than or equal to 0"):
        nx.slice(t, [-1], [2])


def test_slice_of_rank_0_and_empty_tensors():
    assert nx.slice(nx.tensor(7.5), [], []).to_number() == 7.5
    assert nx.slice(nx.iota((0, 3)), [0, 1], [0, 2]).shape == (0, 2)
    assert nx.slice(nx.iota((4,)), [2], [0]).shape == (0,)


# -- pad, pad_outer, reflect --------------------------------------------------------------

def pad_reference(arr, value, config):
    """Padding by its definition: output position j of an axis holds input i
    when j == low + i * (interior + 1)."""
    out_shape = tuple(d + max(d - 1, 0) * it + lo + hi for d, (lo, hi, it) in zip(arr.shape, config))
    out = np.empty(out_shape, dtype=object)
    for j in itertools.product(*(range(n) for n in out_shape)):
        src = []
        for jj, d, (lo, _, it) in zip(j, arr.shape, config):
            i, r = divmod(jj - lo, it + 1)
            src.append(i if r == 0 and 0 <= i < d else None)
        out[j] = value if None in src else arr[tuple(src)]
    return out


@st.composite
def pad_configs(draw, shape):
    config = []
    for d in shape:
        interior = draw(st.integers(0, 2))
        lo, hi = draw(st.integers(-2, 2)), draw(st.integers(-2, 2))
        full = d + max(d - 1, 0) * interior
        lo = max(lo, -full)
        hi = max(hi, -(full + lo))
        config.append((lo, hi, interior))
    return config


@given(x=tensors(max_rank=3, max_side=3), data=st.data())
def test_pad_matches_its_definition(x, data):
    config = data.draw(pad_configs(x.shape))
    value = data.draw(tensors(shape=()))
    out_type, (arr, fill) = converted([x, value])
    expected = pad_reference(arr, fill[()], config)
    assert_data(nx.pad(x, value, config), out_type, expected.shape, x.names, expected)


def test_pad_with_a_python_number_merges_as_nx():
    assert str(nx.pad(nx.tensor([1], type="u8"), 7, [(1, 0, 0)]).type) == "u8"
    assert str(nx.pad(nx.tensor([1], type="s8"), 1.5, [(1, 0, 0)]).type) == "f32"
    assert nx.pad(nx.iota((0,)), 9, [(1, 2, 3)]).to_list() == [9, 9, 9]


NUMPY_MODES = {"cyclic": "wrap", "mirror": "symmetric", "reflect": "reflect", "replicate": "edge"}


@pytest.mark.parametrize("mode", sorted(NUMPY_MODES))
@given(x=tensors(max_rank=2, max_side=4, min_side=1), data=st.data())
@settings(max_examples=12)
def test_pad_outer_modes_match_numpy(mode, x, data):
    if x.rank == 0:
        return
    config = [(data.draw(st.integers(0, 2 * d + 1)), data.draw(st.integers(0, 2 * d + 1)))
              for d in x.shape]    # widths past the axis size repeat the period
    expected = np.pad(as_array(x), config, mode=NUMPY_MODES[mode])
    assert_data(nx.pad_outer(x, mode, config), str(x.type), expected.shape, x.names, expected)


def test_repeated_reflections_and_single_elements():
    t = nx.tensor([0, 1, 2])
    assert nx.pad_outer(t, "reflect", [(7, 7)]).to_list() == \
        [1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1]
    assert nx.pad_outer(t, "mirror", [(4, 4)]).to_list() == [2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 0]
    assert nx.pad_outer(nx.tensor([5]), "reflect", [(2, 1)]).to_list() == [5, 5, 5, 5]
    assert nx.reflect(t, padding_config=[(7, 7)]).to_list() == \
        nx.pad_outer(t, "reflect", [(7, 7)]).to_list()


def test_pad_outer_constant_is_pad_without_interior():
    t = nx.iota((2, 3), names=["x", None])
    got = nx.pad_outer(t, 1.5, [(1, -1), (0, 2)])
    want = nx.pad(t, 1.5, [(1, -1, 0), (0, 2, 0)])
    assert (got.names, got.to_list()) == (want.names, want.to_list())


# -- gradient rules: the transposes of linear maps ---------------------------------------

def random_f64(rng, shape):
    return make("f64", shape, rng.standard_normal(size(shape)).tolist())


def dot(a, b):
    return float(np.sum(np.asarray(nx.to_flat_list(a)) * np.asarray(nx.to_flat_list(b))))


GRAD_CASES = [
    ("reshape", lambda x: (x, (3, 2)), {}),
    ("transpose", lambda x: (x,), {"axes": [1, 0]}),
    ("squeeze", lambda x: (nx.reshape(x, (2, 1, 3)),), {"axes": [1]}),
    ("reverse", lambda x: (x,), {"axes": [1]}),
    ("slice", lambda x: (x, [nx.tensor(1), nx.tensor(5)], [1, 2]), {"strides": [1, 2]}),
    ("slice", lambda x: (x, [nx.tensor(0), nx.tensor(0)], [2, 3]), {"strides": [2, 2]}),
]


@pytest.mark.parametrize("name,args,opts", GRAD_CASES)
def test_grad_rules_are_transposes(name, args, opts):
    rng = np.random.default_rng(0)
    op = registry.get(name)
    x_args = args(random_f64(rng, (2, 3)))
    out = getattr(nx, name)(*x_args, **opts)
    specs = [a.spec if isinstance(a, nx.Tensor) else a for a in x_args]
    canonical = op.normalize(*specs, **opts)
    canonical = {k: canonical[k] for k in op.backend_option_names if k in canonical}
    if name == "reshape":
        canonical = {}
    g = random_f64(rng, out.shape)
    inputs = [a for a, p in zip(x_args, op.params) if p.kind in ("tensor", "tensors")]
    dx = op.grad(nx, g, out, *inputs, **canonical)[0]
    assert dx.shape == x_args[0].shape
    assert dot(g, out) == pytest.approx(dot(dx, x_args[0]), rel=1e-12, abs=1e-12)


def test_grad_rules_of_multi_input_ops():
    rng = np.random.default_rng(1)
    x, u, v = random_f64(rng, (3, 4)), random_f64(rng, (2, 2)), random_f64(rng, ())
    starts = [nx.tensor(2), nx.tensor(1)]
    out = nx.put_slice(x, starts, u)
    g = random_f64(rng, out.shape)
    dx, _, du = registry.get("put_slice").grad(nx, g, out, x, starts, u)
    assert dot(g, out) == pytest.approx(dot(dx, x) + dot(du, u), rel=1e-12)
    config = ((1, -1, 1), (-2, 2, 0))
    out = nx.pad(x, v, config)
    g = random_f64(rng, out.shape)
    dx, dv = registry.get("pad").grad(nx, g, out, x, v, padding_config=config)
    assert dot(g, out) == pytest.approx(dot(dx, x) + dot(dv, v), rel=1e-12)
    parts = [x, random_f64(rng, (1, 4))]
    out = nx.concatenate(parts)
    g = random_f64(rng, out.shape)
    grads = registry.get("concatenate").grad(nx, g, out, parts, axis=0)[0]
    assert dot(g, out) == pytest.approx(sum(dot(d, p) for d, p in zip(grads, parts)), rel=1e-12)
    parts = [x, x]
    out = nx.stack(parts, axis=1)
    g = random_f64(rng, out.shape)
    grads = registry.get("stack").grad(nx, g, out, parts, axis=1)[0]
    assert dot(g, out) == pytest.approx(sum(dot(d, p) for d, p in zip(grads, parts)), rel=1e-12)


# -- errors ------------------------------------------------------------------------------

T23 = nx.iota((2, 3), names=["x", "y"])

ERRORS = [
    (lambda: nx.reshape(T23, (4,)), ShapeError, "not compatible with new shape (4,)"),
    (lambda: nx.reshape(T23, (-1,)), ShapeError, 'give it as "auto"'),
    (lambda: nx.reshape(T23, 6), ShapeError, "a shape is a tuple"),
    (lambda: nx.reshape(T23, (6,), names=["a", "b"]), NameError_, "invalid names"),
    (lambda: nx.transpose(T23, axes=[0]), AxisError, "permutation (1) to match rank of shape (2)"),
    (lambda: nx.transpose(T23, axes=[0, "z"]), NameError_, "name 'z' not found"),
    (lambda: nx.transpose(T23, axes=[0, 0]), AxisError, "axis 0 is given twice"),
    (lambda: nx.squeeze(T23, axes=[0]), ShapeError, "got 2 for dimension 0"),
    (lambda: nx.squeeze(T23, axes=[2]), AxisError, "given axis (2) invalid"),
    (lambda: nx.new_axis(T23, -4), AxisError, "between -3 and 2, got: -4"),
    (lambda: nx.new_axis(T23, 0, "x"), NameError_, "appears more than once"),
    (lambda: nx.new_axis(T23, 1.0), AxisError, "must be an integer"),
    (lambda: nx.flatten(T23, axes=[1, 0]), AxisError, "must be consecutive"),
    (lambda: nx.reverse(T23, axes=[3]), AxisError, "given axis (3) invalid"),
    (lambda: nx.concatenate([T23, nx.iota((2, 2))], axis=0), ShapeError, "(*, 3)"),
    (lambda: nx.concatenate([T23], axis=2), AxisError, "given axis (2) invalid"),
    (lambda: nx.concatenate(T23), TypeError_, "expected a list of tensors"),
    (lambda: nx.stack([]), ArgumentError, "no tensors were given to stack"),
    (lambda: nx.stack([T23], axis=3), AxisError, "stack axis for a tensor of rank 2"),
    (lambda: nx.tile(T23, [0]), ArgumentError, "greater than or equal to 1"),
    (lambda: nx.slice(T23, [0], [1, 1]), ArgumentError, "invalid start indices rank"),
    (lambda: nx.slice(T23, [0, 0], [1]), ArgumentError, "invalid lengths rank"),
    (lambda: nx.slice(T23, [0, 0], [1, 1], strides=[1]), ArgumentError, "invalid strides rank"),
    (lambda: nx.slice(T23, [0, 0], [1, 4]), ArgumentError, "length at axis 1"),
    (lambda: nx.slice(T23, [0, 0], [1, -1]), ArgumentError, "non-negative integer"),
    (lambda: nx.slice(T23, [0, 0], [1, 1], strides=0), ArgumentError, "stride at axis 0"),
    (lambda: nx.slice(T23, [0, 1.5], [1, 1]), ArgumentError, "start index at axis 1"),
    (lambda: nx.slice(T23, [0, nx.tensor(1.0)], [1, 1]), TypeError_, "integer type, got f32"),
    (lambda: nx.slice(T23, [0, nx.tensor([1])], [1, 1]), ArgumentError, "must be scalar"),
    (lambda: nx.slice(T23, [0, "1"], [1, 1]), TypeError_, "expected a tensor or a number"),
    (lambda: nx.slice_along_axis(T23, 0, 1, axis="z"), NameError_, "name 'z' not found"),
    (lambda: nx.slice_along_axis(T23, -1, 1), ArgumentError, "greater than or equal to 0"),
    (lambda: nx.put_slice(T23, [0, 0], nx.iota((3,))), ArgumentError, "rank of slice must match 2"),
    (lambda: nx.put_slice(T23, [0, 0], nx.iota((1, 3), names=["y", None])), NameError_,
     "cannot merge name 'x'"),
    (lambda: nx.pad(T23, 0, [(0, 0, 0)]), ShapeError, "rank of padding configuration"),
    (lambda: nx.pad(T23, 0, [(0, 0), (0, 0)]), ArgumentError, "(low, high, interior)"),
    (lambda: nx.pad(T23, 0, [(0, 0, 0), (-4, 0, 0)]), ShapeError, "negative size (-1)"),
    (lambda: nx.pad(T23, nx.iota((1,)), [(0, 0, 0)] * 2), ArgumentError, "must be a scalar"),
    (lambda: nx.pad_outer(T23, nx.tensor(0), [(0, 0)] * 2), ArgumentError, "use nx.pad"),
    (lambda: nx.pad_outer(nx.iota((0,)), "cyclic", [(1, 0)]), ArgumentError, "size 0"),
    (lambda: nx.reflect(T23, padding_config=[(1, 1)]), ArgumentError, "one padding_config entry"),
    (lambda: nx.split(T23, 1, axis=2), AxisError, "given axis (2) invalid"),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_errors_name_the_argument(case):
    fn, cls, fragment = ERRORS[case]
    with pytest.raises(cls) as info:
        fn()
    assert fragment in str(info.value)


def test_errors_leave_inputs_unchanged():
    before = nx.to_binary(T23)
    for fn, cls, _ in ERRORS:
        with pytest.raises(cls):
            fn()
    assert nx.to_binary(T23) == before and T23.names == ("x", "y")
