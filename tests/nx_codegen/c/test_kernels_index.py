"""The dedicated C kernels of the indexing and joining ops (nx_codegen.c.kernels_index)
against the reference backend: every op of the table, in one compiled function per
type (one build each), on hypothesis values; conversions between types; index
clamping; out-of-range indices raising the spec's error before any C runs."""

import functools
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import nx_ref as nx
import nx_codegen
from spec import types
from spec.errors import ArgumentError
from nx_ref.defn.expr import trace
from nx_codegen import ir
from nx_codegen.c import externs, kernels_index
from nx_codegen.c.compiler import CTarget
from nx_codegen.lower import lower
from tests.support import assert_close, scalar_values

TYPES = sorted(kernels_index.REAL)


def _tensor(vals, t, shape):
    if not math.prod(shape):
        return nx.broadcast(nx.tensor(0, type=t), shape)
    return nx.reshape(nx.tensor(vals, type=t), shape)


# (name, op, function, inputs): each input is (shape, kind), the kind being "t" (the
# tested type), another type (start indices), or the target axes an index tensor
# addresses (its values are drawn in range)
CASES = [
    ("concatenate", "concatenate", lambda x, y, e: nx.concatenate([x, y, e], axis=1),
     [((3, 4), "t"), ((3, 2), "t"), ((3, 0), "t")]),
    ("concatenate axis 0", "concatenate", lambda x, y: nx.concatenate([x, y], axis=0),
     [((3, 4), "t"), ((1, 4), "t")]),
    ("pad interior, negative", "pad", lambda x, p: nx.pad(x, p, [(1, -2, 1), (-1, 2, 2)]),
     [((3, 4), "t"), ((), "t")]),
    ("pad all cut", "pad", lambda x, p: nx.pad(x, p, [(-3, 1, 0), (0, 0, 0)]),
     [((3, 4), "t"), ((), "t")]),
    ("pad scalar", "pad", lambda x, p: nx.pad(x, p, []), [((), "t"), ((), "t")]),
    ("slice", "slice", lambda x, i, j: nx.slice(x, [i, j], [2, 3]),
     [((3, 4), "t"), ((), "s32"), ((), "u8")]),
    ("slice strided", "slice", lambda x, i: nx.slice(x, [i, 0], [3, 4], strides=[2, 3]),
     [((3, 4), "t"), ((), "s64")]),
    ("put_slice", "put_slice", lambda x, i, j, u: nx.put_slice(x, [i, j], u),
     [((3, 4), "t"), ((), "s16"), ((), "u64"), ((2, 3), "t")]),
    ("put_slice scalar", "put_slice", lambda x, u: nx.put_slice(x, [], u), [((), "t"), ((), "t")]),
    ("gather", "gather", lambda x, i: nx.gather(x, i), [((3, 4), "t"), ((5, 2), (0, 1))]),
    ("gather axis 1", "gather", lambda x, i: nx.gather(x, i, axes=[1]),
     [((3, 4), "t"), ((2, 2, 1), (1,))]),
    ("take", "gather", lambda x, i: nx.take(x, i, axis=1), [((3, 4), "t"), ((3,), (1,))]),
    ("indexed_add", "indexed_add", lambda x, i, u: nx.indexed_add(x, i, u),
     [((3, 4), "t"), ((6, 1), (0,)), ((6, 4), "t")]),
    ("indexed_add window", "indexed_add", lambda x, i, u: nx.indexed_add(x, i, u, axes=[1]),
     [((3, 4), "t"), ((5, 1), (1,)), ((5, 2), "t")]),
    ("indexed_add one", "indexed_add", lambda x, i, u: nx.indexed_add(x, i, u),
     [((3, 4), "t"), ((2,), (0, 1)), ((), "t")]),
    ("indexed_put", "indexed_put", lambda x, i, u: nx.indexed_put(x, i, u),
     [((3, 4), "t"), ((6, 2), (0, 1)), ((6,), "t")]),
    ("indexed_put rows", "indexed_put", lambda x, i, u: nx.indexed_put(x, i, u),
     [((3, 4), "t"), ((4, 1), (0,)), ((4, 4), "t")]),
]
# the creation ops take no data: they are computed once per type, next to the others
CREATION = [("iota", lambda t: nx.iota((600,), type=t)),
            ("iota axis", lambda t: nx.iota((2, 3, 4), axis=1, type=t)),
            ("eye", lambda t: nx.eye(3, type=t)),
            ("eye batched", lambda t: nx.eye((2, 2, 3), type=t))]
OPS = sorted(kernels_index.OPS)
# index tensors: s32 rows for gather, s64 for the scatters (the types vary below)
INDEX_TYPE = {"gather": "s32", "indexed_add": "s64", "indexed_put": "u16"}


def _is_index(kind):
    return isinstance(kind, tuple)


def _specs(t):
    """Per case, the (shape, type, kind) of each input for tested type ``t``."""
    return [[(shape, t if kind == "t" else INDEX_TYPE[op] if _is_index(kind) else kind, kind)
             for shape, kind in inputs] for _, op, _, inputs in CASES]


def _every_op(t):
    counts = [len(inputs) for _, _, _, inputs in CASES]

    def f(*flat):
        outs, k = [], 0
        for (_, _, fun, _), n in zip(CASES, counts):
            outs.append(fun(*flat[k:k + n]))
            k += n
        return tuple(outs) + tuple(make(t) for _, make in CREATION)
    return f


def _starts(ty):
    """Start index values: near the window, and the extremes of the index type."""
    lo = 0 if ty.startswith("u") else -3
    extremes = [types.min_finite(types.normalize(ty)), types.max_finite(types.normalize(ty))]
    return st.one_of(st.integers(lo, 6), st.sampled_from(extremes))


@functools.cache
def _compiled(t):
    """The C-compiled function of every op on type ``t`` (built once per type)."""
    return nx.jit(_every_op(t), compiler=nx_codegen.C)


def _draw_inputs(data, t):
    tensors = []
    for specs in _specs(t):
        target = specs[0][0]
        for shape, ty, kind in specs:
            size = math.prod(shape)
            if _is_index(kind):      # in range (out-of-range rows raise: tested below)
                vals = [data.draw(st.integers(0, target[kind[k % len(kind)]] - 1))
                        for k in range(size)]
            elif kind == "t":
                vals = data.draw(st.lists(scalar_values(t), min_size=size, max_size=size))
            else:       # start indices: past both ends, to exercise the clamping
                vals = [data.draw(_starts(ty))]
            tensors.append(_tensor(vals, ty, shape))
    return tensors


def _same(w, g, context):
    assert g.spec == w.spec, context
    gv, wv = g.to_flat_list(), w.to_flat_list()
    assert_close(w.type, gv, wv, context=context)
    if not w.type.is_integer:       # and the sign of each zero
        assert [math.copysign(1, v) for v in gv if v == 0] == \
            [math.copysign(1, v) for v in wv if v == 0], context


@pytest.mark.parametrize("t", TYPES)
def test_every_op_lowers_to_extern_steps_and_no_host_step(t):
    templates = [nx.template(shape, ty) for specs in _specs(t) for shape, ty, _ in specs]
    program = lower(trace(_every_op(t), templates), CTarget())
    assert not [s for s in program.steps if isinstance(s, ir.HostStep)]
    assert {s.node.op for s in program.externs()} == set(OPS)


@pytest.mark.parametrize("t", TYPES)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_kernels_agree_with_the_reference(t, data):
    """Every op of the table on type ``t`` in one compiled function (one build)."""
    inputs = _draw_inputs(data, t)
    f = _every_op(t)
    got = _compiled(t)(*inputs)
    names = [c[0] for c in CASES] + [c[0] for c in CREATION]
    for name, g, w in zip(names, got, f(*inputs)):
        _same(w, g, f"{name} {t}")


MIXED = [   # conversions into the merged output type, and other index types
    (lambda x, y: nx.concatenate([x, y], axis=0), [((2, 2), "s8"), ((1, 2), "f16")]),
    (lambda x, y: nx.concatenate([x, y], axis=0), [((2, 2), "u64"), ((1, 2), "f32")]),
    (lambda x, p: nx.pad(x, p, [(1, 1, 1)]), [((3,), "s16"), ((), "bf16")]),
    (lambda x, p: nx.pad(x, p, [(1, 1, 1)]), [((3,), "f64"), ((), "f8_e4m3fn")]),
    (lambda x, i, u: nx.put_slice(x, [i], u), [((4,), "s64"), ((), "s8"), ((2,), "bf16")]),
    (lambda x, i, u: nx.put_slice(x, [i], u), [((4,), "f32"), ((), "u32"), ((2,), "s32")]),
    (lambda x, i: nx.gather(x, i), [((4,), "f8"), ((3, 1), "u64")]),
    (lambda x, i, u: nx.indexed_add(x, i, u), [((4,), "u8"), ((5, 1), "s8"), ((5,), "f32")]),
    (lambda x, i, u: nx.indexed_add(x, i, u), [((4,), "s32"), ((5, 1), "u32"), ((5,), "s32")]),
    (lambda x, i, u: nx.indexed_add(x, i, u), [((4,), "f16"), ((5, 1), "s16"), ((5,), "f16")]),
    (lambda x, i, u: nx.indexed_put(x, i, u), [((4,), "s64"), ((5, 1), "u8"), ((5,), "f16")]),
]


def _every_mixed(*flat):
    outs, k = [], 0
    for fun, specs in MIXED:
        outs.append(fun(*flat[k:k + len(specs)]))
        k += len(specs)
    return tuple(outs)


_MIXED_C = nx.jit(_every_mixed, compiler=nx_codegen.C)


@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_mixed_types_convert_as_the_spec_casts(data):
    """Operands of several types are cast into the output type (one build)."""
    inputs = []
    for fun, specs in MIXED:
        bound = specs[0][0][0]
        for k, (shape, ty) in enumerate(specs):
            size = math.prod(shape)
            if k == 1 and fun.__code__.co_varnames[1] == "i":     # indices, start indices
                values = st.integers(0, bound - 1) if shape else _starts(ty)
            else:
                values = scalar_values(ty)
            inputs.append(_tensor(data.draw(st.lists(values, min_size=size, max_size=size)),
                                  ty, shape))
    program = lower(trace(_every_mixed, [x.spec for x in inputs]), CTarget())
    assert not [s for s in program.steps if isinstance(s, ir.HostStep)]
    for k, (g, w) in enumerate(zip(_MIXED_C(*inputs), _every_mixed(*inputs))):
        _same(w, g, f"mixed case {k}")


def test_duplicate_indices_add_in_order_and_the_last_put_wins():
    x = nx.tensor([1.0, 0.0], type="f32")
    i = nx.tensor([[0], [0], [0], [1]])
    u = nx.tensor([1e8, 1.0, -1e8, 5.0], type="f32")
    f = nx.jit(lambda x, i, u: (nx.indexed_add(x, i, u), nx.indexed_put(x, i, u)),
               compiler=nx_codegen.C)
    added, put = f(x, i, u)
    # summed in double and rounded once, as the reference sums Python floats
    assert added.to_list() == nx.indexed_add(x, i, u).to_list() == [2.0, 5.0]
    assert put.to_list() == [-1e8, 5.0]


def test_out_of_range_indices_raise_the_spec_error_before_the_kernel():
    def f(x, i, j, u):
        return nx.gather(x, i), nx.indexed_add(x, j, u), nx.indexed_put(x, j, u)
    c = nx.jit(f, compiler=nx_codegen.C)
    x, u = nx.iota((3, 4), type="f32"), nx.tensor([1.0, 2.0])
    good = nx.tensor([[0, 1], [2, 3]])
    for i, j in [(nx.tensor([[0, 1], [2, 4]]), good), (good, nx.tensor([[-1, 0], [0, 0]])),
                 (nx.tensor([[3, 0], [0, 0]], type="u8"), good)]:
        with pytest.raises(ArgumentError) as reference:
            f(x, i, j, u)
        with pytest.raises(ArgumentError) as compiled:
            c(x, i, j, u)
        assert str(compiled.value) == str(reference.value)
        assert "out of bounds" in str(compiled.value)


def test_kernels_clamp_indices_even_without_their_check(monkeypatch):
    """Called without the host check, a kernel clamps indices into its buffers."""
    monkeypatch.setattr(externs, "CHECKS", {})
    f = nx.jit(lambda x, i, u: (nx.gather(x, i), nx.indexed_put(x, i, u)), compiler=nx_codegen.C)
    x = nx.iota((3, 4), type="s32")
    raw = [[-5, 2], [7, 9], [1, 1]]
    clamped = nx.tensor(np.clip(np.array(raw), 0, [[2, 3]]).tolist())
    u = nx.tensor([10, 20, 30], type="s32")
    gathered, put = f(x, nx.tensor(raw), u)
    assert gathered.to_list() == nx.gather(x, clamped).to_list()
    assert put.to_list() == nx.indexed_put(x, clamped, u).to_list()


def test_non_real_types_stay_on_the_host():
    g = trace(lambda x, y: nx.concatenate([x, y]), [nx.template((2,), "c64")] * 2)
    assert [type(s).__name__ for s in lower(g, CTarget()).steps] == ["HostStep"]
    g = trace(lambda x, i: nx.gather(x, i), [nx.template((2,), "s4"), nx.template((1, 1), "s32")])
    assert [type(s).__name__ for s in lower(g, CTarget()).steps] == ["HostStep"]
