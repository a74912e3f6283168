"""The window ops against an independent oracle: numpy's sliding windows over
the padded tensor (``sliding_window_view``, then strides and dilations as
slicing steps), folded with exact Python arithmetic. Every type each op
accepts, empty inputs (padding only), rank 0, names, strides larger than the
window, dilations, negative and asymmetric padding; the differences from
numpy and the Nx-specific rules pinned explicitly; every error; and the
gradient rules, applied to the nx namespace, against direct formulas.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, strategies as st
from numpy.lib.stride_tricks import sliding_window_view

import nx_ref as nx
from spec import codec, registry, types, values
from spec.errors import ArgumentError, ShapeError, TypeError_
from spec.registry import TensorSpec
from tests.support import assert_close, scalar_values

ALL = [t.name for t in types.ALL_TYPES]
REAL = [t.name for t in types.REAL_TYPES]
NAN, INF = math.nan, math.inf
FOLDS = ["window_sum", "window_product", "window_max", "window_min"]
ACCEPTS = {"window_sum": ALL, "window_product": ALL, "window_max": REAL, "window_min": REAL}


def make_tensor(type_, shape, names, flat):
    out = TensorSpec(types.normalize(type_), tuple(shape), tuple(names))
    return nx.ReferenceBackend().from_binary(out, bytes(codec.encode(out.type, list(flat))))


def wrap(type_, v):
    t = types.normalize(type_)
    v %= 1 << t.bits
    return v - (1 << t.bits) if t.kind == "s" and v >= 1 << (t.bits - 1) else v


# -- the oracle ---------------------------------------------------------------------

def explicit_padding(padding, shape, window, dilations):
    if padding == "valid":
        return [(0, 0)] * len(shape)
    if padding == "same":
        spans = [(w - 1) * d + 1 for w, d in zip(window, dilations)]
        return [((s - 1) // 2, s - 1 - (s - 1) // 2) for s in spans]
    return [tuple(p) for p in padding]


def windows_of(a, fill, window, strides, padding, dilations):
    """numpy array of shape out_shape + (window size,): the elements of every
    window of ``a`` padded with ``fill`` (negative padding crops)."""
    if a.ndim == 0:
        return a.reshape((1,))
    crop = tuple(slice(max(-lo, 0), dim - max(-hi, 0)) for dim, (lo, hi) in zip(a.shape, padding))
    a = np.pad(a[crop], [(max(lo, 0), max(hi, 0)) for lo, hi in padding],
               constant_values=fill)
    spans = [(w - 1) * d + 1 for w, d in zip(window, dilations)]
    steps = tuple(slice(None, None, s) for s in strides) + tuple(
        slice(None, None, d) for d in dilations)
    view = sliding_window_view(a, spans)[steps]
    out_shape = view.shape[:a.ndim]
    return view.reshape(out_shape + (-1,))


def exact_sum(vals):
    if any(v != v for v in vals):
        return NAN
    infs = {v for v in vals if math.isinf(v)}
    if infs:
        return NAN if len(infs) == 2 else infs.pop()
    return float(sum(map(Fraction, vals)))


def exact_product(vals):
    if any(v != v for v in vals):
        return NAN
    if any(math.isinf(v) for v in vals):
        if 0.0 in vals:
            return NAN
        return math.copysign(INF, math.prod(math.copysign(1.0, v) for v in vals))
    exact = math.prod(map(Fraction, vals))
    try:
        return float(exact)
    except OverflowError:
        return math.copysign(INF, exact)


def fold(op, t, vals):
    if op == "window_max" or op == "window_min":
        if t.is_float and any(v != v for v in vals):
            return NAN
        return max(vals) if op == "window_max" else min(vals)
    if t.is_integer:
        return wrap(t, sum(vals) if op == "window_sum" else math.prod(vals))
    if t.is_complex:      # small Gaussian integers: numpy's arithmetic is exact
        return complex(sum(vals) if op == "window_sum" else np.prod(np.array(vals)))
    return exact_sum(vals) if op == "window_sum" else exact_product(vals)


FILL = {"window_sum": lambda t: 0, "window_product": lambda t: 1,
        "window_max": types.min_value, "window_min": types.max_value}


def oracle(op, type_, shape, flat, window, strides, padding, dilations):
    t = types.normalize(type_)
    dtype = object if t.is_integer else (np.complex128 if t.is_complex else np.float64)
    a = np.array(list(flat), dtype=dtype).reshape(shape)
    pads = explicit_padding(padding, shape, window, dilations)
    w = windows_of(a, FILL[op](t), window, strides, pads, dilations)
    kind = int if t.is_integer else (complex if t.is_complex else float)
    # floats: the exact fold, rounded into the type (overflowing to infinity there)
    finish = (lambda v: v) if t.is_integer else (lambda v: values.round_to(t, v))
    return w.shape[:-1], [finish(fold(op, t, [kind(v) for v in vals]))
                          for vals in w.reshape(-1, w.shape[-1])]


# -- cases ---------------------------------------------------------------------------

@st.composite
def window_options(draw, max_rank=3, dilate=True, min_rank=0,
                   modes=("valid", "same", "explicit")):
    """A shape, names and options whose windows fit; the per-axis options are
    given as ints where they are all equal, else as lists."""
    rank = draw(st.integers(min_rank, max_rank))
    mode = draw(st.sampled_from(modes))
    shape, window, strides, dilations, padding = [], [], [], [], []
    for _ in range(rank):
        dim = draw(st.integers(0 if mode == "explicit" else 1, 4))
        d = draw(st.integers(1, 2)) if dilate else 1
        if mode == "explicit":
            # negative padding where the axis keeps an element; padded size >= 1
            neg = -1 if dim > 1 else 0
            lo = draw(st.integers(neg, 2))
            hi = draw(st.integers(max(neg, 1 - dim - lo), 2))
            padded = dim + lo + hi
        else:
            lo = hi = 0
            padded = dim
        max_w = (padded - 1) // d + 1 if mode != "same" else 3
        window.append(draw(st.integers(1, min(max_w, 3))))
        shape.append(dim)
        strides.append(draw(st.integers(1, 3)))
        dilations.append(d)
        padding.append((lo, hi))
    names = [draw(st.sampled_from([None, f"a{i}"])) for i in range(rank)]
    opts = {"strides": strides[0] if rank and len(set(strides)) == 1 else strides,
            "padding": padding if mode == "explicit" else mode}
    if dilate:
        opts["window_dilations"] = dilations
    return tuple(shape), names, tuple(window), opts


def values_for(op, type_):
    t = types.normalize(type_)
    if t.is_complex:      # exact in complex arithmetic, products included
        part = st.integers(-1 if op == "window_product" else -3, 3).map(float)
        return st.builds(complex, part, part)
    if op == "window_product" and t.is_integer:
        return scalar_values(t, min_value=-40, max_value=40)
    return scalar_values(t)


def as_lists(opts, rank):
    strides = opts["strides"]
    return ([strides] * rank if isinstance(strides, int) else strides,
            opts.get("window_dilations", [1] * rank))


@pytest.mark.parametrize("op,type_", [(op, t) for op in FOLDS for t in ACCEPTS[op]])
@given(data=st.data())
def test_folds_match_the_oracle(op, type_, data):
    shape, names, window, opts = data.draw(window_options())
    flat = data.draw(st.lists(values_for(op, type_), min_size=math.prod(shape),
                              max_size=math.prod(shape)))
    x = make_tensor(type_, shape, names, flat)
    got = getattr(nx, op)(x, window, **opts)
    strides, dilations = as_lists(opts, len(shape))
    out_shape, expected = oracle(op, type_, shape, flat, window, strides, opts["padding"],
                                 dilations)
    assert str(got.type) == type_ and got.names == tuple(names)
    assert got.shape == tuple(out_shape)
    ulps = registry.get(op).tolerance.get(type_, 0)
    assert_close(type_, got.to_flat_list(), expected, ulps, context=f"{op} {opts}")


@pytest.mark.parametrize("type_", ["u8", "s16", "s64", "f16", "f32", "f64", "c64"])
@given(data=st.data())
def test_window_mean_is_the_wrapped_sum_divided(type_, data):
    shape, names, window, opts = data.draw(window_options())
    flat = data.draw(st.lists(values_for("window_sum", type_), min_size=math.prod(shape),
                              max_size=math.prod(shape)))
    x = make_tensor(type_, shape, names, flat)
    got = nx.window_mean(x, window, **opts)
    out_type = types.to_floating(types.normalize(type_))
    strides, dilations = as_lists(opts, len(shape))
    _, sums = oracle("window_sum", type_, shape, flat, window, strides, opts["padding"],
                     dilations)
    # the sum is rounded into the input type before the division, as in Nx
    sums = nx.tensor(sums, type=type_).to_flat_list() if sums else []
    expected = [s / math.prod(window) for s in sums]
    assert got.type == out_type and got.names == tuple(names)
    assert_close(out_type, got.to_flat_list(), expected, 1)


# -- explicit rules (where Nx differs from numpy, or picks a rule) -------------------

def test_window_sum_keeps_the_type_and_wraps():
    t = nx.tensor([[100, 100], [100, 100]], type="s8")
    assert nx.window_sum(t, (2, 2)).to_flat_list() == [wrap("s8", 400)]
    assert nx.window_product(nx.tensor([16, 16], type="u8"), (2,)).to_flat_list() == [0]
    assert nx.window_mean(nx.tensor([200, 200], type="u8"), (2,)).to_flat_list() == [72.0]


def test_signed_zeros():
    # the sum starts at +0.0, as numpy's; max/min are IEEE's maximum and minimum,
    # where numpy's answer depends on the order of the zeros
    got = nx.window_sum(nx.tensor([-0.0, -0.0, -0.0]), (2,)).to_flat_list()
    assert [math.copysign(1.0, v) for v in got] == [1.0, 1.0]
    assert math.copysign(1.0, float(np.max(np.array([0.0, -0.0])))) == -1.0
    t = nx.tensor([-0.0, 0.0, -0.0, -0.0])
    assert math.copysign(1.0, nx.window_max(nx.tensor([0.0, -0.0]), (2,)).to_flat_list()[0]) == 1
    assert [math.copysign(1.0, v) for v in nx.window_max(t, (2,)).to_flat_list()] == [1, 1, -1]
    assert [math.copysign(1.0, v) for v in nx.window_min(t, (2,)).to_flat_list()] == [-1, -1, -1]
    c = nx.window_sum(nx.tensor([complex(-0.0, -0.0)]), (1,)).to_flat_list()[0]
    assert math.copysign(1.0, c.real) == math.copysign(1.0, c.imag) == 1.0


def test_nan_propagates_and_padding_values():
    t = nx.tensor([1.0, NAN, 3.0, 2.0])
    for name in ("window_max", "window_min"):
        got = getattr(nx, name)(t, (2,)).to_flat_list()
        assert [v != v for v in got] == [True, True, False]
        assert got[2] == (3.0 if name == "window_max" else 2.0)
    pad = [(1, 1)]
    assert nx.window_max(nx.tensor([1.0]), (1,), padding=pad).to_flat_list() == [-INF, 1.0, -INF]
    u8 = nx.tensor([1], type="u8")
    assert nx.window_min(u8, (1,), padding=pad).to_flat_list() == [255, 1, 255]
    e4 = nx.window_max(nx.tensor([1.0], type="f8_e4m3fn"), (1,), padding=pad).to_flat_list()
    assert e4 == [-448.0, 1.0, -448.0]     # no infinity in f8_e4m3fn: its lowest finite value
    assert nx.window_product(nx.tensor([3.0]), (2,), padding=[(1, 0)]).to_flat_list() == [3.0]


def test_rank_zero_and_empty_inputs():
    assert nx.window_sum(nx.tensor(5), ()).to_flat_list() == [5]
    assert nx.window_max(nx.tensor(2.5), [], strides=[], padding=[]).shape == ()
    empty = nx.iota((0, 2), names=["x", "y"])
    got = nx.window_sum(empty, (1, 2), padding=[(1, 2), (0, 0)])
    assert (got.shape, got.names, got.to_flat_list()) == ((3, 1), ("x", "y"), [0, 0, 0])


def test_same_padding_ignores_strides_as_nx():
    # the "same" padding is span - 1 split low/high whatever the strides (Nx's rule)
    t = nx.iota((1, 4, 6, 1), type="f32")
    got = nx.window_max(t, (1, 2, 3, 1), padding="same", strides=[1, 2, 2, 1])
    assert got.to_flat_list() == [7.0, 9.0, 11.0, 19.0, 21.0, 23.0]
    t = nx.iota((1, 2, 2, 1), type="f32")
    assert nx.window_max(t, (1, 3, 3, 1), padding="same").to_flat_list() == [3.0] * 4
    t = nx.iota((8,), type="f32")
    assert nx.window_max(t, (3,), padding="same", window_dilations=[2]).to_flat_list() == [
        2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 6.0, 7.0]


def test_strides_larger_than_the_window_and_whole_window():
    t = nx.iota((1, 6, 6, 1), type="f32")
    got = nx.window_max(t, (1, 2, 2, 1), padding="same", strides=[1, 3, 3, 1])
    assert got.to_flat_list() == [7.0, 10.0, 25.0, 28.0]
    t = nx.iota((3, 4))
    assert nx.window_sum(t, (3, 4)).to_flat_list() == [66]
    assert nx.window_sum(t, (3, 4), strides=5).shape == (1, 1)


def test_window_reduce_order_and_types():
    t = nx.tensor([[1, 2], [3, 4]])
    # fun(element, acc), elements in row-major window order
    got = nx.window_reduce(t, 0, (2, 2), lambda x, acc: nx.add(nx.multiply(acc, 10), x))
    assert got.to_flat_list() == [1234]
    # padding holds acc: with a counting function every position counts
    got = nx.window_reduce(t, 0, (2, 2), lambda x, acc: nx.add(acc, 1), padding="same")
    assert got.to_flat_list() == [4, 4, 4, 4]
    # the result is converted to the tensor's type; numbers are accepted as results
    got = nx.window_reduce(nx.tensor([1, 2], type="u8"), 0.5, (2,), lambda x, acc: 300)
    assert (str(got.type), got.to_flat_list()) == ("u8", [44])


@pytest.mark.parametrize("type_", ["s8", "u32", "f16", "f32"])
@given(data=st.data())
def test_window_reduce_agrees_with_window_sum_and_max(type_, data):
    shape, names, window, opts = data.draw(window_options(max_rank=2))
    t = types.normalize(type_)
    # integers, so that sums are exact in every type and the order of the fold is moot
    ints = st.integers(0 if t.kind == "u" else -50, 50)
    flat = data.draw(st.lists(ints.map(float) if t.is_float else ints,
                              min_size=math.prod(shape), max_size=math.prod(shape)))
    x = make_tensor(type_, shape, names, flat)
    summed = nx.window_reduce(x, nx.tensor(0, type=type_), window, nx.add, **opts)
    lowest = nx.tensor(types.min_value(t), type=type_)
    maxed = nx.window_reduce(x, lowest, window, lambda a, b: nx.max(a, b), **opts)
    assert summed.names == tuple(names) and summed.type == t
    assert summed.to_flat_list() == nx.window_sum(x, window, **opts).to_flat_list()
    assert maxed.to_flat_list() == nx.window_max(x, window, **opts).to_flat_list()


# -- the scatters -----------------------------------------------------------------------

def scatter_oracle(is_max, a, source, init, window, strides, padding):
    """numpy's argmax/argmin over each window padded with ``init``, where no
    two candidates are equal; a source value whose window picks padding is dropped."""
    index = np.arange(a.size).reshape(a.shape)
    ones = [1] * a.ndim
    elements = windows_of(a, init, window, strides, padding, ones)
    positions = windows_of(index, -1, window, strides, padding, ones)
    out = [init] * a.size
    pick = np.argmax if is_max else np.argmin
    chosen = []
    for vals, pos, s in zip(elements.reshape(len(source), -1),
                            positions.reshape(len(source), -1), source):
        chosen.append(pos[pick(vals)])
        if chosen[-1] >= 0:
            out[chosen[-1]] += s
    return out, chosen


@pytest.mark.parametrize("name", ["window_scatter_max", "window_scatter_min"])
@pytest.mark.parametrize("source_type,init", [("s32", 0), ("f32", 1.5), ("u8", 2), ("f64", -1)])
@given(data=st.data())
def test_scatters_match_numpy_on_distinct_values(name, source_type, init, data):
    shape, names, window, opts = data.draw(window_options(dilate=False, min_rank=1))
    # distinct values, none equal to init_value: no ties to break
    flat = [v + 0.25 for v in data.draw(st.permutations(range(math.prod(shape))))]
    x = make_tensor("f32", shape, names, flat)
    strides, _ = as_lists(opts, len(shape))
    pads = explicit_padding(opts["padding"], shape, window, [1] * len(shape))
    out_shape = tuple((d + lo + hi - w) // s + 1
                      for d, w, s, (lo, hi) in zip(shape, window, strides, pads))
    src = data.draw(st.lists(st.integers(0, 9), min_size=math.prod(out_shape),
                             max_size=math.prod(out_shape)))
    source = nx.reshape(nx.tensor(src, type=source_type), out_shape)
    got = getattr(nx, name)(x, source, init, window, **opts)
    expected, chosen = scatter_oracle(name.endswith("max"), np.array(flat).reshape(shape), src,
                                      init, window, strides, pads)
    assert got.type == types.merge(types.normalize(source_type), types.infer(init))
    assert got.names == tuple(names) and got.shape == shape
    assert got.to_flat_list() == expected
    # the gradient rule: each source value gets g where its window selected
    g = nx.reshape(nx.iota((x.size,), type="f32") + 1, shape)
    _, dsource, _ = grad_of(name, got, x, source, nx.tensor(init), g=g, window=window, **opts)
    assert dsource.to_flat_list() == [float(p + 1) if p >= 0 else 0.0 for p in chosen]


def test_scatter_ties_nan_and_padding():
    src = nx.tensor([10])
    # ties: the last of equal extremes
    assert nx.window_scatter_max(nx.tensor([3, 1, 3]), src, 0, (3,)).to_flat_list() == [0, 0, 10]
    assert nx.window_scatter_min(nx.tensor([1, 1, 3]), src, 0, (3,)).to_flat_list() == [0, 10, 0]
    # NaN is selected only where it comes first
    assert nx.window_scatter_max(nx.tensor([NAN, 1.0, 2.0]), src, 0, (3,)).to_flat_list() == [
        10.0, 0.0, 0.0]
    assert nx.window_scatter_max(nx.tensor([1.0, NAN, 0.5]), src, 0, (3,)).to_flat_list() == [
        10.0, 0.0, 0.0]
    # padding holds init_value and may be selected, dropping the source value (Nx)
    got = nx.window_scatter_max(nx.tensor([-1, -2]), nx.tensor([5, 7]), 0, (2,), padding=[(1, 1)],
                                strides=2)
    assert got.to_flat_list() == [0, 0]
    got = nx.window_scatter_max(nx.tensor([-1, -2]), nx.tensor([5, 7]), -9, (2,),
                                padding=[(1, 1)], strides=2)
    assert got.to_flat_list() == [-4, -2]
    # overlapping windows add up on top of init_value
    got = nx.window_scatter_max(nx.tensor([1.0, 9.0, 2.0]), nx.tensor([0.5, 0.25]), 1.0, (2,))
    assert got.to_flat_list() == [1.0, 1.75, 1.0]


def test_scatter_types_and_names():
    t = nx.tensor([[1, 2], [3, 4]], names=["x", "y"])
    got = nx.window_scatter_max(t, nx.tensor([[1]], type="u8"), 0, (2, 2))
    assert (str(got.type), got.names) == ("s32", ("x", "y"))
    got = nx.window_scatter_min(t, nx.tensor([[1]], type="f16"), nx.tensor(0, type="u8"), (2, 2))
    assert str(got.type) == "f16"


# -- errors ------------------------------------------------------------------------

T = nx.iota((2, 3))


def call(name, *args, **opts):
    if name == "window_reduce":
        return nx.window_reduce(args[0], 0, args[1], nx.add, **opts)
    if name.startswith("window_scatter"):
        return getattr(nx, name)(args[0], nx.tensor([[1]]), 0, args[1], **opts)
    return getattr(nx, name)(*args, **opts)


ALL_OPS = FOLDS + ["window_mean", "window_reduce", "window_scatter_max", "window_scatter_min"]
ERRORS = [
    ((2, 3, 1), {}, ShapeError, r"rank of shape \(2\) does not match rank of window \(3\)"),
    ((0, 1), {}, ShapeError, r"axis 0 found in window_dimensions.*positive integer, got 0"),
    ((2, 1.5), {}, ShapeError, r"axis 1 found in window_dimensions"),
    (2, {}, ArgumentError, r"invalid window_dimensions"),
    ((2, 3), {"strides": [1]}, ShapeError, r"invalid strides, rank of shape \(2\) does not match"),
    ((2, 3), {"strides": 0}, ArgumentError, r"strides must be positive integers, got \[0, 0\]"),
    ((2, 3), {"strides": [1, -2]}, ArgumentError, r"strides must be positive integers"),
    ((2, 3), {"strides": "x"}, ArgumentError, r"strides must be a positive integer or a list"),
    ((2, 3), {"padding": "full"}, ArgumentError, r"invalid padding mode specified"),
    ((2, 3), {"padding": [(0, 0)]}, ShapeError, r"one \(low, high\) pair per axis"),
    ((2, 3), {"padding": [(0, 0), (1,)]}, ArgumentError, r"list of \(low, high\) pairs"),
    ((2, 3), {"padding": [(0, 0), (0, -1)]}, ShapeError,
     r"on axis 1 the window spans 3 elements .* padded axis has 2"),
    ((3, 1), {}, ShapeError, r"empty tensor: on axis 0"),
]


@pytest.mark.parametrize("name", ALL_OPS)
@pytest.mark.parametrize("window,opts,error,match", ERRORS)
def test_bad_options_raise(name, window, opts, error, match):
    with pytest.raises(error, match=match) as info:
        call(name, T, window, **opts)
    assert str(info.value).startswith(f"nx.{name}: ")


@pytest.mark.parametrize("name", FOLDS + ["window_mean", "window_reduce"])
def test_dilation_errors(name):
    with pytest.raises(ArgumentError, match=r"window_dilations must be positive integers"):
        call(name, T, (1, 1), window_dilations=[1, 0])
    with pytest.raises(ShapeError, match=r"window spans 5 elements \(window 2, dilation 4\)"):
        call(name, T, (1, 2), window_dilations=[1, 4])


def test_other_errors():
    for name in ("window_max", "window_min", "window_scatter_max", "window_scatter_min"):
        with pytest.raises(TypeError_, match=f"nx.{name}/[35] does not support complex"):
            call(name, nx.tensor([[1j]]), (1, 1))
    with pytest.raises(TypeError_, match="window_scatter_max/5 does not support complex"):
        nx.window_scatter_max(nx.tensor([1.0]), nx.tensor([1j]), 0, (1,))
    with pytest.raises(ShapeError, match=r"source shape must match .* expected \(1, 1\)"):
        nx.window_scatter_min(T, nx.tensor([1, 2]), 0, (2, 3))
    with pytest.raises(ArgumentError, match="init_value must be a scalar"):
        nx.window_scatter_min(T, nx.tensor([[1]]), nx.tensor([0]), (2, 3))
    with pytest.raises(ArgumentError, match="unknown option window_dilations"):
        nx.window_scatter_max(T, nx.tensor([[1]]), 0, (2, 3), window_dilations=1)
    with pytest.raises(ArgumentError, match="fun must be a function"):
        nx.window_reduce(T, 0, (1, 1), 3)
    with pytest.raises(ArgumentError, match=r"accumulator \(acc\) must be a scalar"):
        nx.window_reduce(T, nx.tensor([0, 1]), (1, 1), nx.add)
    with pytest.raises(ShapeError, match="fun must return a scalar"):
        nx.window_reduce(T, 0, (1, 1), lambda x, acc: nx.tensor([1, 2]))


# -- gradient rules (applied to the nx namespace) --------------------------------------

def grad_of(name, out, *inputs, g, window, **opts):
    op = registry.get(name)
    specs = [i.spec for i in inputs]
    canonical = op.normalize(*specs, window, **opts)
    return op.grad(nx, g, out, *inputs, **{k: canonical[k] for k in op.backend_option_names})


def window_positions(shape, window, opts):
    """numpy windows of the flat input positions (-1 for padding)."""
    strides, dilations = as_lists(opts, len(shape))
    pads = explicit_padding(opts["padding"], shape, window, dilations)
    index = np.arange(math.prod(shape)).reshape(shape)
    return windows_of(index, -1, window, strides, pads, dilations)


@given(window_options(), st.data())
def test_window_sum_grad(case, data):
    shape, names, window, opts = case
    x = make_tensor("f32", shape, names, [0.0] * math.prod(shape))
    out = nx.window_sum(x, window, **opts)
    g = nx.tensor(data.draw(st.lists(st.integers(-5, 5), min_size=out.size, max_size=out.size)),
                  type="f32") if out.shape else nx.tensor(1.0)
    g = nx.reshape(g, out.shape)
    (dx,) = grad_of("window_sum", out, x, g=g, window=window, **opts)
    expected = [0.0] * x.size
    for positions, gv in zip(window_positions(shape, window, opts).reshape(out.size, -1),
                             g.to_flat_list()):
        for p in positions:
            if p >= 0:
                expected[p] += gv
    assert dx.shape == x.shape and dx.to_flat_list() == expected


@pytest.mark.parametrize("name", ["window_max", "window_min"])
@given(case=window_options(min_rank=1), data=st.data())
def test_window_max_min_grad(name, case, data):
    shape, names, window, opts = case
    flat = [float(v) for v in data.draw(st.permutations(range(math.prod(shape))))]
    x = make_tensor("f32", shape, names, flat)
    out = getattr(nx, name)(x, window, **opts)
    g = nx.reshape(nx.iota((out.size,), type="f32") + 1, out.shape)
    (dx,) = grad_of(name, out, x, g=g, window=window, **opts)
    expected = [0.0] * x.size
    pick = max if name == "window_max" else min
    for positions, gv in zip(window_positions(shape, window, opts).reshape(out.size, -1),
                             g.to_flat_list()):
        valid = [p for p in positions if p >= 0]
        if valid:
            expected[pick(valid, key=lambda p: flat[p])] += gv
    assert dx.to_flat_list() == expected


@pytest.mark.parametrize("name", ["window_scatter_max", "window_scatter_min"])
def test_scatter_grads(name):
    t = nx.tensor([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [11, 12, 13, 14, 15]])
    src, opts = nx.tensor([[1, 2], [3, 4]]), {"padding": "same", "strides": [2, 3]}
    out = getattr(nx, name)(t, src, 0, (2, 3), **opts)
    g = nx.reshape(nx.iota((15,), type="f32") + 1, (3, 5))
    dx, dsource, dinit = grad_of(name, out, t, src, nx.tensor(0), g=g, window=(2, 3), **opts)
    # each source value gets g where its window selected (0 where that is padding)
    selected = {"window_scatter_max": [7.0, 10.0, 12.0, 15.0],
                "window_scatter_min": [0.0, 3.0, 0.0, 0.0]}
    assert dsource.to_flat_list() == selected[name]
    assert dx.to_flat_list() == [0] * 15 and float(dinit) == 120.0


@pytest.mark.parametrize("name,arity", [("window_product", 3), ("window_reduce", 5)])
def test_no_gradient(name, arity):
    with pytest.raises(ArgumentError, match=f"cannot compute gradient for nx.{name}/{arity}"):
        registry.get(name).grad(nx, None, None)
