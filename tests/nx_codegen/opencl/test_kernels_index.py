"""The dedicated OpenCL kernels of the indexing and joining ops
(nx_codegen.opencl.kernels_index) on PoCL against the reference backend: every op
of the table in one jitted function per type (one program build each), on
hypothesis values with NaN/Inf/-0.0 and integer extremes; empty and rank-0
tensors; conversions between types; clamped starts; duplicate indices; copies
bit for bit; out-of-range indices raising the spec's error before any launch."""

import functools
import math
import random

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import nx_ref as nx
import nx_codegen
from spec.errors import ArgumentError
from nx_ref.defn.expr import trace
from nx_codegen import ir
from nx_codegen.c import kernels_index as c_kernels
from nx_codegen.lower import lower
from nx_codegen.opencl import compiler, externs, kernels_index
from nx_codegen.opencl.render import OpenCLTarget
from tests.support import scalar_values
from tests.nx_codegen.opencl import DEVICE
# the helpers the C kernels' tests use as they are
from tests.nx_codegen.c.test_kernels_index import (INDEX_TYPE, _is_index, _same,
                                                   _starts, _tensor)

POCL = nx_codegen.OpenCL(device=DEVICE)
TYPES = sorted(c_kernels.REAL)


# (name, op, function, inputs): each input is (shape, kind), the kind being "t" (the
# tested type), another type (start indices), or the target axes an index tensor
# addresses (its values are drawn in range, so that short ranges repeat indices)
CASES = [
    ("concatenate", "concatenate", lambda x, y, e: nx.concatenate([x, y, e], axis=1),
     [((3, 4), "t"), ((3, 2), "t"), ((3, 0), "t")]),
    ("concatenate axis 0", "concatenate", lambda x, y: nx.concatenate([x, y], axis=0),
     [((3, 4), "t"), ((1, 4), "t")]),
    ("concatenate empty", "concatenate", lambda x, y: nx.concatenate([x, y], axis=1),
     [((0, 2), "t"), ((0, 3), "t")]),
    ("pad interior, negative", "pad", lambda x, p: nx.pad(x, p, [(1, -2, 1), (-1, 2, 2)]),
     [((3, 4), "t"), ((), "t")]),
    ("pad all cut", "pad", lambda x, p: nx.pad(x, p, [(-3, 1, 0), (0, 0, 0)]),
     [((3, 4), "t"), ((), "t")]),
    ("pad scalar", "pad", lambda x, p: nx.pad(x, p, []), [((), "t"), ((), "t")]),
    ("pad empty", "pad", lambda x, p: nx.pad(x, p, [(1, 1, 0), (0, 1, 1)]),
     [((0, 3), "t"), ((), "t")]),
    ("slice", "slice", lambda x, i, j: nx.slice(x, [i, j], [2, 3]),
     [((3, 4), "t"), ((), "s32"), ((), "u8")]),
    ("slice strided", "slice", lambda x, i: nx.slice(x, [i, 0], [3, 4], strides=[2, 3]),
     [((3, 4), "t"), ((), "s64")]),
    ("slice empty", "slice", lambda x, i: nx.slice(x, [i, 0], [2, 0]),
     [((2, 2), "t"), ((), "u16")]),
    ("put_slice", "put_slice", lambda x, i, j, u: nx.put_slice(x, [i, j], u),
     [((3, 4), "t"), ((), "s16"), ((), "u64"), ((2, 3), "t")]),
    ("put_slice scalar", "put_slice", lambda x, u: nx.put_slice(x, [], u), [((), "t"), ((), "t")]),
    ("put_slice 3d", "put_slice", lambda x, i, j, k, u: nx.put_slice(x, [i, j, k], u),
     [((2, 2, 2), "t"), ((), "s8"), ((), "s32"), ((), "u32"), ((1, 2, 1), "t")]),
    ("gather", "gather", lambda x, i: nx.gather(x, i), [((3, 4), "t"), ((5, 2), (0, 1))]),
    ("gather axis 1", "gather", lambda x, i: nx.gather(x, i, axes=[1]),
     [((3, 4), "t"), ((2, 2, 1), (1,))]),
    ("gather no rows", "gather", lambda x, i: nx.gather(x, i), [((2, 1), "t"), ((0, 1), (0,))]),
    ("take", "gather", lambda x, i: nx.take(x, i, axis=1), [((3, 4), "t"), ((3,), (1,))]),
    ("indexed_add", "indexed_add", lambda x, i, u: nx.indexed_add(x, i, u),
     [((3, 4), "t"), ((6, 1), (0,)), ((6, 4), "t")]),
    ("indexed_add window", "indexed_add", lambda x, i, u: nx.indexed_add(x, i, u, axes=[1]),
     [((3, 4), "t"), ((5, 1), (1,)), ((5, 2), "t")]),
    ("indexed_add one", "indexed_add", lambda x, i, u: nx.indexed_add(x, i, u),
     [((3, 4), "t"), ((2,), (0, 1)), ((), "t")]),
    ("indexed_add middle axis", "indexed_add",
     lambda x, i, u: nx.indexed_add(x, i, u, axes=[1]),
     [((1, 3, 2), "t"), ((4, 1), (1,)), ((4, 1, 2), "t")]),
    ("indexed_add no rows", "indexed_add", lambda x, i, u: nx.indexed_add(x, i, u),
     [((1, 2), "t"), ((0, 1), (0,)), ((0, 2), "t")]),
    ("indexed_put", "indexed_put", lambda x, i, u: nx.indexed_put(x, i, u),
     [((3, 4), "t"), ((6, 2), (0, 1)), ((6,), "t")]),
    ("indexed_put rows", "indexed_put", lambda x, i, u: nx.indexed_put(x, i, u),
     [((3, 4), "t"), ((4, 1), (0,)), ((4, 4), "t")]),
    ("indexed_put window", "indexed_put", lambda x, i, u: nx.indexed_put(x, i, u, axes=[1]),
     [((2, 4), "t"), ((5, 1), (1,)), ((5, 1), "t")]),
]
# index tensors: the types vary with the op (the starts' types are in the table)


# every case runs on these types (each path of the kernels' type-dependent code:
# sums in double rounded into f32 and f16, 8-bit and 64-bit wrapping sums); the other
# types run one case per op (a cold PoCL build costs ~0.2 s per kernel)
FULL_TYPES = ("f16", "f32", "s8", "u64")
CORE = ("concatenate", "pad interior, negative", "slice strided", "put_slice", "gather",
        "indexed_add window", "indexed_put")


def _cases(t):
    return tuple(c for c in CASES if t in FULL_TYPES or c[0] in CORE)


def _specs(t, cases):
    """Per case, the (shape, type, kind) of each input for tested type ``t``."""
    return [[(shape, t if kind == "t" else INDEX_TYPE[op] if _is_index(kind) else kind, kind)
             for shape, kind in inputs] for _, op, _, inputs in cases]


def _every_op(cases):
    def f(*flat):
        outs, k = [], 0
        for _, _, fun, inputs in cases:
            outs.append(fun(*flat[k:k + len(inputs)]))
            k += len(inputs)
        return tuple(outs)
    return f


@functools.cache
def _compiled(t):
    """The cases of type ``t`` in one jitted function (one program build)."""
    return nx.jit(_every_op(_cases(t)), compiler=POCL)


def _draw_inputs(data, t):
    """The inputs of every case: data values picked (by a drawn seed) from a drawn
    pool of values of ``t``, which keeps each example's draws small."""
    pool = data.draw(st.lists(scalar_values(t), min_size=1, max_size=24))
    rng = random.Random(data.draw(st.integers(0, 2 ** 32 - 1)))
    tensors = []
    for specs in _specs(t, _cases(t)):
        target = specs[0][0]
        for shape, ty, kind in specs:
            size = math.prod(shape)
            if _is_index(kind):      # in range (out-of-range rows raise: tested below)
                vals = [data.draw(st.integers(0, target[kind[k % len(kind)]] - 1))
                        for k in range(size)]
            elif kind == "t":
                vals = [rng.choice(pool) for _ in range(size)]
            else:       # start indices: past both ends, to exercise the clamping
                vals = [data.draw(_starts(ty))]
            tensors.append(_tensor(vals, ty, shape))
    return tensors


@pytest.mark.parametrize("t", TYPES)
def test_every_op_lowers_to_extern_steps_and_no_host_step(t):
    templates = [nx.template(shape, ty) for specs in _specs(t, CASES) for shape, ty, _ in specs]
    program = lower(trace(_every_op(CASES), templates), OpenCLTarget())
    assert not [s for s in program.steps if isinstance(s, ir.HostStep)]
    assert {s.node.op for s in program.externs()} == set(kernels_index.OPS)


@pytest.mark.parametrize("t", TYPES)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_kernels_agree_with_the_reference(t, data):
    """Every op of the table on type ``t`` in one program."""
    inputs = _draw_inputs(data, t)
    got = _compiled(t)(*inputs)
    for (name, *_), g, w in zip(_cases(t), got, _every_op(_cases(t))(*inputs)):
        _same(w, g, f"{name} {t}")


MIXED = [   # conversions into the merged output type, and other index types
    (lambda x, y: nx.concatenate([x, y], axis=0), [((2, 2), "s8"), ((1, 2), "f16")]),
    (lambda x, y: nx.concatenate([x, y], axis=0), [((2, 2), "u64"), ((1, 2), "f32")]),
    (lambda x, y, z: nx.concatenate([x, y, z], axis=1),
     [((2, 1), "f8"), ((2, 2), "bf16"), ((2, 1), "u8")]),
    (lambda x, p: nx.pad(x, p, [(1, 1, 1)]), [((3,), "s16"), ((), "bf16")]),
    (lambda x, p: nx.pad(x, p, [(1, 1, 1)]), [((3,), "f64"), ((), "f8_e4m3fn")]),
    (lambda x, i, u: nx.put_slice(x, [i], u), [((4,), "s64"), ((), "s8"), ((2,), "bf16")]),
    (lambda x, i, u: nx.put_slice(x, [i], u), [((4,), "f32"), ((), "u32"), ((2,), "s32")]),
    (lambda x, i: nx.gather(x, i), [((4,), "f8"), ((3, 1), "u64")]),
    (lambda x, i, u: nx.indexed_add(x, i, u), [((4,), "u8"), ((5, 1), "s8"), ((5,), "f32")]),
    (lambda x, i, u: nx.indexed_add(x, i, u), [((4,), "s32"), ((5, 1), "u32"), ((5,), "s32")]),
    (lambda x, i, u: nx.indexed_add(x, i, u), [((4,), "f16"), ((5, 1), "s16"), ((5,), "f16")]),
    (lambda x, i, u: nx.indexed_add(x, i, u), [((4,), "bf16"), ((5, 1), "u8"), ((5,), "f32")]),
    (lambda x, i, u: nx.indexed_put(x, i, u), [((4,), "s64"), ((5, 1), "u8"), ((5,), "f16")]),
    (lambda x, i, u: nx.indexed_put(x, i, u), [((4,), "f8"), ((5, 1), "s64"), ((5,), "f8")]),
]


def _every_mixed(*flat):
    outs, k = [], 0
    for fun, specs in MIXED:
        outs.append(fun(*flat[k:k + len(specs)]))
        k += len(specs)
    return tuple(outs)


_MIXED = nx.jit(_every_mixed, compiler=POCL)


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
    program = lower(trace(_every_mixed, [x.spec for x in inputs]), OpenCLTarget())
    assert not [s for s in program.steps if isinstance(s, ir.HostStep)]
    for k, (g, w) in enumerate(zip(_MIXED(*inputs), _every_mixed(*inputs))):
        _same(w, g, f"mixed case {k}")


def test_duplicate_indices_add_in_order_and_the_last_put_wins():
    x = nx.tensor([1.0, 0.0], type="f32")
    i = nx.tensor([[0], [0], [0], [1]])
    u = nx.tensor([1e8, 1.0, -1e8, 5.0], type="f32")
    f = nx.jit(lambda x, i, u: (nx.indexed_add(x, i, u), nx.indexed_put(x, i, u)), compiler=POCL)
    added, put = f(x, i, u)
    # summed in double and rounded once, as the reference sums Python floats
    assert added.to_list() == nx.indexed_add(x, i, u).to_list() == [2.0, 5.0]
    assert put.to_list() == [-1e8, 5.0]


def test_integer_sums_wrap_around():
    x = nx.tensor([120, -128], type="s8")
    i = nx.tensor([[0], [0], [1], [0]])
    u = nx.tensor([5, 10, -1, -300 % 256 - 256], type="s8")     # the last one is -44
    got = nx.jit(lambda x, i, u: nx.indexed_add(x, i, u), compiler=POCL)(x, i, u)
    assert got.to_list() == nx.indexed_add(x, i, u).to_list() == [91, 127]


def _bits(t):
    return nx.bitcast(t, "s32").to_list()


def test_copies_keep_nan_payloads_and_signed_zeros_bit_for_bit():
    words = [0x7FC00001, -0x80000000, -0x400000, 0x3F800000]    # NaN payload, -0.0, -NaN, 1.0
    x = nx.bitcast(nx.tensor(words, type="s32"), "f32")
    m = nx.reshape(x, (2, 2))

    def f(x, m, i, j):
        return (nx.concatenate([x, x]), nx.pad(x, nx.tensor(-0.0), [(1, 1, 1)]),
                nx.slice(x, [i], [2]), nx.put_slice(x, [i], nx.reverse(x)[:2]),
                nx.gather(x, j), nx.indexed_put(x, j, nx.reverse(x)[:3]),
                nx.take(m, nx.tensor([1, 0]), axis=1))
    i, j = nx.tensor(1, type="s32"), nx.tensor([[2], [0], [1]])
    for g, w in zip(nx.jit(f, compiler=POCL)(x, m, i, j), f(x, m, i, j)):
        assert _bits(g) == _bits(w)
    assert _bits(nx.jit(lambda x: nx.concatenate([x, x]), compiler=POCL)(x))[:4] == words


SCATTERS = {"gather": lambda x, i, u: nx.gather(x, i),
            "indexed_add": lambda x, i, u: nx.indexed_add(x, i, u),
            "indexed_put": lambda x, i, u: nx.indexed_put(x, i, u)}


def test_out_of_range_indices_raise_the_spec_error_before_any_launch(monkeypatch):
    launched = []
    real = compiler._Launches.__call__
    monkeypatch.setattr(compiler._Launches, "__call__",
                        lambda self, *args: (launched.append(self), real(self, *args))[1])
    x, u = nx.iota((3, 4), type="f32"), nx.tensor([1.0, 2.0])
    bad = [nx.tensor([[0, 1], [2, 4]]), nx.tensor([[-1, 0], [0, 0]]),
           nx.tensor([[3, 0], [0, 0]], type="u8")]
    for name, f in SCATTERS.items():
        c = nx.jit(f, compiler=POCL)
        c(x, nx.tensor([[0, 1], [2, 3]]), u)
        assert launched, name
        for i in bad:
            launched.clear()
            with pytest.raises(ArgumentError) as reference:
                f(x, i, u)
            with pytest.raises(ArgumentError) as compiled:
                c(x, i, u)
            assert str(compiled.value) == str(reference.value)
            assert "out of bounds" in str(compiled.value)
            assert not launched, name


def test_kernels_clamp_indices_even_without_their_check(monkeypatch):
    """Run without the host check, a kernel clamps indices into its buffers."""
    monkeypatch.setattr(externs, "CHECKS", {})
    f = nx.jit(lambda x, i, u: (nx.gather(x, i), nx.indexed_put(x, i, u), nx.indexed_add(x, i, u)),
               compiler=POCL)
    x = nx.iota((3, 4), type="s32")
    raw = [[-5, 2], [7, 9], [1, 1]]
    clamped = nx.tensor(np.clip(np.array(raw), 0, [[2, 3]]).tolist())
    u = nx.tensor([10, 20, 30], type="s32")
    gathered, put, added = f(x, nx.tensor(raw), u)
    assert gathered.to_list() == nx.gather(x, clamped).to_list()
    assert put.to_list() == nx.indexed_put(x, clamped, u).to_list()
    assert added.to_list() == nx.indexed_add(x, clamped, u).to_list()


def test_the_eager_backend_runs_the_kernels():
    b = nx_codegen.OpenCLBackend(device=DEVICE)
    x, i = nx.tensor([[1.5, -2.0], [3.0, 4.0]]), nx.tensor([[1], [0], [1]])
    u = nx.tensor([[1.0, 1.0], [2.0, 2.0], [4.0, 4.0]])
    dx, di, du = (nx.backend_transfer(t, b) for t in (x, i, u))
    assert nx.indexed_add(dx, di, du).to_list() == nx.indexed_add(x, i, u).to_list()
    assert nx.gather(dx, di).to_list() == nx.gather(x, i).to_list()
    assert nx.concatenate([dx, dx], axis=1).to_list() == nx.concatenate([x, x], axis=1).to_list()


@functools.cache
def _steps(fun, *specs):
    return [type(s).__name__ for s in lower(trace(fun, [nx.template(*s) for s in specs]),
                                            OpenCLTarget()).steps]


def test_non_real_types_and_constant_slices_stay_off_the_externs():
    assert _steps(lambda x, y: nx.concatenate([x, y]), ((2,), "c64"), ((2,), "c64")) == ["HostStep"]
    assert _steps(lambda x, i: nx.gather(x, i), ((2,), "s4"), ((1, 1), "s32")) == ["HostStep"]
    # a slice with constant starts is index arithmetic in a fused kernel
    assert _steps(lambda x: nx.slice(x, [1], [2]), ((4,), "f32")) == ["Kernel"]
