"""nx_codegen.OpenCL (first version): the lowering shared with the C target,
element-wise chains and reductions run as OpenCL kernels on PoCL, equal to the
reference within the spec's tolerances; generated from the registry."""

import math

import pytest
from hypothesis import given, settings, strategies as st

import nx_ref as nx
import nx_codegen
from spec import registry, types
from spec.errors import ArgumentError
from nx_ref.defn.expr import trace
from nx_codegen import ir
from nx_codegen.c.compiler import CTarget
from nx_codegen.lower import lower
from nx_codegen.opencl import render
from nx_codegen.opencl.compiler import devices
from tests.support import assert_close, scalar_values
from tests.nx_codegen.opencl import DEVICE
from tests.nx_codegen.c.test_compiler import PRODUCT_CASES, check_product

POCL = nx_codegen.OpenCL(device=DEVICE)
N = 7


def _tensor(vals, t, shape=None):
    shape = (len(vals),) if shape is None else shape
    if not vals:
        return nx.broadcast(nx.tensor(0, type=t), shape)
    return nx.reshape(nx.tensor(vals, type=t), shape)


def _kernel_ops(t):
    """The element-wise ops of type ``t`` that lower to OpenCL kernels."""
    out = []
    for name, op in registry.all_ops().items():
        if op.family != "elementwise" or name in ("select", "clip") \
                or types.normalize(t) not in op.accepts:
            continue
        arity = op.extras["arity"]
        g = trace(lambda *a, name=name: getattr(nx, name)(*a), [nx.template((3,), t)] * arity)
        if all(isinstance(s, ir.Kernel) for s in lower(g, render.OpenCLTarget()).steps):
            out.append(name)
    return out


OPS = {t: _kernel_ops(t) for t in render.TYPES}


def test_pocl_is_listed():
    assert any(name == "pocl:0" for name, _ in devices())


def test_the_lowering_is_the_c_targets():
    """Softmax lowers to the same two kernels for both targets; only the renderer differs."""
    g = trace(lambda x: nx.exp(x) / nx.sum(nx.exp(x)), [nx.template((1000,), "f32")])
    cl, c = lower(g, render.OpenCLTarget()), lower(g, CTarget())
    assert len(cl.kernels()) == 2 and cl.steps == c.steps
    assert "__kernel void k0" in render.render_program(cl)


def test_the_core_element_wise_ops_run_as_kernels():
    assert {"add", "subtract", "multiply", "divide", "exp", "log", "tanh", "max", "min",
            "less", "negate", "sigmoid"} <= set(OPS["f32"])
    assert {"add", "multiply", "max", "less", "bitwise_and"} & set(OPS["s32"]) >= {"add", "multiply"}


@pytest.mark.parametrize("t", render.TYPES)
@settings(max_examples=8)
@given(data=st.data())
def test_element_wise_ops_agree_with_the_reference(t, data):
    ops = OPS[t]
    x = _tensor(data.draw(st.lists(scalar_values(t), min_size=N, max_size=N)), t)
    y = _tensor(data.draw(st.lists(scalar_values(t), min_size=N, max_size=N)), t)

    def every_op(a, b):
        return tuple(getattr(nx, name)(*([a, b][:registry.get(name).extras["arity"]])) for name in ops)
    got = nx.jit(every_op, compiler=POCL)(x, y)
    for name, g, w in zip(ops, got, every_op(x, y)):
        assert g.spec == w.spec, name
        assert_close(w.type, g.to_flat_list(), w.to_flat_list(),
                     ulps=registry.get(name).tolerance.get(str(w.type), 0), context=f"{name} {t}")


CASES = [((2, 3), None, False), ((2, 3), [1], True), ((3, 2, 2), [0, 2], False),
         ((0,), None, False), ((2, 0), [1], True), ((), None, False)]


@pytest.mark.parametrize("t", ["f32", "f64", "s8", "u64"])
@settings(max_examples=5)
@given(data=st.data())
def test_reductions_agree_with_the_reference(t, data):
    finite = t in ("f32", "f64")
    xs = []
    for shape, _, _ in CASES:
        size = math.prod(shape)
        vals = data.draw(st.lists(scalar_values(t, allow_nan=not finite, allow_infinity=not finite,
                                                min_value=-8 if finite else None,
                                                max_value=8 if finite else None),
                                  min_size=size, max_size=size))
        xs.append(_tensor(vals, t, shape))
    reductions = ("sum", "product", "reduce_max", "reduce_min")

    def every_reduction(*inputs):
        return tuple(getattr(nx, r)(x, axes=axes, keep_axes=keep)
                     for x, (_, axes, keep) in zip(inputs, CASES) for r in reductions)
    got = nx.jit(every_reduction, compiler=POCL)(*xs)
    names = [r for _ in CASES for r in reductions]
    for name, g, w in zip(names, got, every_reduction(*xs)):
        assert g.spec == w.spec
        assert_close(w.type, g.to_flat_list(), w.to_flat_list(),
                     ulps=registry.get(name).tolerance.get(t, 0), context=f"{name} {t}")


def test_special_values_wrap_around_and_softmax():
    f = nx.jit(lambda a, b: (a + b, a * b, nx.max(a, b), nx.min(a, b), a < b), compiler=POCL)
    a = nx.tensor([float("nan"), float("inf"), -0.0, 0.0, 1.0])
    b = nx.tensor([1.0, float("-inf"), 0.0, -0.0, float("nan")])
    for got, want in zip(f(a, b), (a + b, a * b, nx.max(a, b), nx.min(a, b), a < b)):
        assert got.to_binary() == want.to_binary()
    # a NaN's sign bit is not part of the spec (x86 makes 0/0 a negative NaN)
    assert_close("f32", nx.jit(nx.divide, compiler=POCL)(a, b).to_flat_list(),
                 (a / b).to_flat_list(), ulps=0)
    i = nx.tensor([127, -128, 100], type="s8")
    assert nx.jit(lambda x: x + x, compiler=POCL)(i).to_list() == (i + i).to_list()
    x = nx.iota((2, 500), type="f64") / 100

    def softmax(t):
        return nx.exp(t) / nx.sum(nx.exp(t), axes=[1], keep_axes=True)
    assert_close("f64", nx.jit(softmax, compiler=POCL)(x).to_flat_list(),
                 softmax(x).to_flat_list(), ulps=4)


def test_host_fallback_and_control_flow():
    def f(x):
        return nx.while_loop(lambda s: s[0] < 3, lambda s: (s[0] + 1, nx.sort(s[1] * 2 - 1)), (0, x))[1]
    x = nx.tensor([3.0, 1.0, 2.0])
    assert nx.jit(f, compiler=POCL)(x).to_list() == nx.jit(f)(x).to_list()


def test_unknown_device_names_the_available_ones():
    with pytest.raises(ArgumentError, match=r"unknown device 'nvidia:7'.*pocl:0"):
        nx.jit(lambda x: x + 1, compiler=nx_codegen.OpenCL(device="nvidia:7"))(nx.tensor([1.0]))


def test_long_reductions_run_as_work_group_reductions():
    """Two kernels per reduction; results equal the reference's: f64 sums under
    cancellation, the first of equal extremes (-0.0 before 0.0), NaN, integer wrap."""
    import numpy as np
    from nx_codegen.opencl import reduce
    n = 3 * reduce.MIN_INNER + 5
    g = trace(lambda x: (nx.sum(x), nx.reduce_max(x)), [nx.template((n,), "f64")])
    program = lower(g, render.OpenCLTarget())
    assert all(reduce.splits(k) for k in program.kernels())
    rng = np.random.default_rng(3)
    x = rng.standard_normal(n // 3 + 1)
    data = np.concatenate([x * 1e8, x, -x * 1e8])[:n]
    f = nx.jit(lambda t: (nx.sum(t), nx.reduce_max(t), nx.reduce_min(t)), compiler=POCL)
    t = nx.from_numpy(data)
    for got, want, ulps in zip(f(t), (nx.sum(t), nx.reduce_max(t), nx.reduce_min(t)), (1, 0, 0)):
        assert_close("f64", [float(got)], [float(want)], ulps=ulps)
    zeros = np.zeros(n, np.float32)
    zeros[7::2] = -0.0
    z = nx.from_numpy(zeros)
    for got, want in zip(f(z), (nx.sum(z), nx.reduce_max(z), nx.reduce_min(z))):
        assert got.to_binary() == want.to_binary()
    zeros[n - 3] = float("nan")
    z = nx.from_numpy(zeros)
    assert all(math.isnan(float(v)) for v in f(z)[1:])
    ints = nx.from_numpy(rng.integers(-128, 128, n).astype(np.int8))
    g8 = nx.jit(lambda t: (nx.sum(t), nx.product(t), nx.reduce_max(t)), compiler=POCL)
    assert [v.to_list() for v in g8(ints)] == [nx.sum(ints).to_list(), nx.product(ints).to_list(),
                                                 nx.reduce_max(ints).to_list()]


def test_program_binaries_are_cached_on_disk(tmp_path, monkeypatch):
    from nx_codegen.opencl import compiler
    monkeypatch.setenv("NX_CODEGEN_CACHE", str(tmp_path))
    graph = trace(lambda x: x * 3 + 1, [nx.template((2,), "f32")])
    x = nx.tensor([1.0, 2.0])

    def fresh_run():            # as a new process would: nothing built in memory
        monkeypatch.setattr(compiler, "_programs", {})
        return POCL.compile(graph)([x])[0].to_list()
    before = dict(compiler._stats)
    assert fresh_run() == [4.0, 7.0]
    assert compiler._stats["builds"] == before["builds"] + 1
    (binary,) = (tmp_path / "opencl").glob("*.bin")
    assert fresh_run() == [4.0, 7.0]
    assert compiler._stats["disk_hits"] == before["disk_hits"] + 1
    binary.write_bytes(b"not a program")                     # corrupt: rebuilt from source
    assert fresh_run() == [4.0, 7.0]
    assert compiler._stats["builds"] == before["builds"] + 2


def test_empty_outer_spaces_of_several_axes():
    """A kernel over (0, 2) or (2, 0) outputs launches nothing (its index decoding
    once divided by the empty axis; found by the conformance suite)."""
    x = nx.reshape(nx.tensor([1.0, 2.0, 3.0, 4.0]), (2, 2))
    for f in (lambda t: nx.slice(t, [0, 0], [0, 2]) * 2, lambda t: nx.slice(t, [0, 0], [2, 0]) + 1,
              lambda t: nx.sum(nx.slice(t, [0, 0], [0, 2]), axes=[1])):
        assert nx.jit(f, compiler=POCL)(x).shape == f(x).shape


def test_casts_between_byte_aligned_and_small_or_packed_types():
    x = nx.tensor([-2147483648, 7, 3, -1], type="s32")
    for t in ("u2", "s4", "bf16", "f8"):
        assert nx.jit(lambda v: nx.as_type(v, t), compiler=POCL)(x).to_list() == nx.as_type(x, t).to_list()


def test_outputs_reuse_the_buffers_of_dropped_results_only():
    f = nx.jit(lambda x: x + 1, compiler=nx_codegen.OpenCL(device=DEVICE))
    x = nx.tensor([1.0, 2.0])
    kept = [f(x) for _ in range(3)]           # all alive: three distinct buffers
    assert len({id(t.data.buffer) for t in kept}) == 3
    first = id(kept[0].data)
    del kept
    again = f(x)                              # a dropped result's buffer comes back
    assert id(again.data) == first and again.to_list() == [2.0, 3.0]


def test_a_launch_sets_only_the_arguments_that_changed(monkeypatch):
    from nx_codegen.opencl import compiler
    calls = []
    original = compiler._Launches.__call__

    def spy(self, queue, device, buffers, events=None):
        state = self._state(device)
        before = [list(b) for b in state[1]]
        original(self, queue, device, buffers, events)
        calls.append((before, [list(b) for b in state[1]]))
    monkeypatch.setattr(compiler._Launches, "__call__", spy)
    f = nx.jit(lambda x: x * 2, compiler=nx_codegen.OpenCL(device=DEVICE))
    a, b = nx.tensor([1.0]), nx.tensor([2.0])
    assert f(a).to_list() == [2.0] and f(b).to_list() == [4.0]
    first, second = calls
    assert first[0] == [[]] and len(first[1][0]) == 2        # bound whole on the first call
    assert second[1][0][0] is not first[1][0][0]              # the new input was set



@pytest.mark.parametrize("t,values", PRODUCT_CASES)
def test_float_products_never_overflow_or_underflow_midway(t, values):
    check_product(POCL, t, values)


def test_f32_exp_tanh_sigmoid_equal_the_c_kernels_bit_for_bit():
    """They are the C target's functions (tested there on all 2^32 inputs):
    on a million bit patterns spread over every f32, OpenCL gives C's bits."""
    import numpy as np
    x = np.arange(0, 2 ** 32, 4099, dtype=np.uint64).astype(np.uint32).view(np.float32)
    f = lambda x: (nx.exp(x), nx.tanh(x), nx.sigmoid(x))
    want = nx.jit(f, compiler=nx_codegen.C)(nx.from_numpy(x))
    got = nx.jit(f, compiler=POCL)(nx.from_numpy(x))
    for g, w in zip(got, want):
        g, w = g.to_numpy(), w.to_numpy()
        same = (g.view(np.uint32) == w.view(np.uint32)) | (np.isnan(g) & np.isnan(w))
        assert same.all(), x[~same][:5]
