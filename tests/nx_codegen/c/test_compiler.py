"""nx_codegen.C: fusion on the lowered IR, and results the spec accepts for the
element-wise ops, reductions and index ops the C kernels compute, generated
from the registry; the rest through the host fallback."""

import math

import pytest
from hypothesis import given, settings, strategies as st

import nx_ref as nx
import nx_codegen
from spec import registry, types
from nx_ref.defn.expr import trace
from nx_codegen import ir
from nx_codegen.c import lanes, render
from nx_codegen.c.compiler import CTarget, coverage
from nx_codegen.lower import lower
from tests.support import assert_close, scalar_values

C_TYPES = sorted(render.COMPUTE)


def _tensor(vals, t, shape=None):
    """A tensor of ``vals`` (possibly none) of type ``t`` and ``shape``."""
    shape = (len(vals),) if shape is None else shape
    if not vals:
        return nx.broadcast(nx.tensor(0, type=t), shape)
    return nx.reshape(nx.tensor(vals, type=t), shape)


def softmax(t):
    return nx.exp(t) / nx.sum(nx.exp(t))


def test_softmax_is_two_loops():
    program = lower(trace(softmax, [nx.template((1000,), "f32")]), CTarget())
    kernels = program.kernels()
    assert len(program.steps) == 2 and len(kernels) == 2
    first, second = kernels
    assert first.accs and len(first.inner_stores) == 1 and not second.accs
    exps = [e for k in kernels for root in [a.value for a in k.accs] + [s.value for s in k.inner_stores + k.stores]
            for e in ir.walk(root) if isinstance(e, ir.Elem) and e.op == "exp"]
    assert len(set(exps)) == 1        # exp computed once, in the first loop


def test_index_ops_are_index_arithmetic_not_copies():
    def f(x):
        y = nx.transpose(nx.reshape(x, (3, 4)))[1:3]
        return nx.reverse(nx.broadcast(y, (2, 2, 3)), axes=[2]) * 2
    program = lower(trace(f, [nx.template((12,), "f32")]), CTarget())
    assert len(program.steps) == 1
    x = nx.iota((12,), type="f32")
    assert nx.jit(f, compiler=nx_codegen.C)(x).to_list() == f(x).to_list()


def _supported(name, t):
    arity = registry.get(name).extras["arity"]
    g = trace(lambda *a: getattr(nx, name)(*a), [nx.template((3,), t)] * arity)
    return coverage(g)[1] == []


def _elementwise_ops():
    """Per type, the element-wise ops whose kernels the C target renders."""
    out = {}
    for name, op in registry.all_ops().items():
        if op.family != "elementwise" or name in ("select", "clip"):
            continue
        for t in C_TYPES:
            if types.normalize(t) in op.accepts and _supported(name, t):
                out.setdefault(t, []).append(name)
    return out


ELEMENTWISE = _elementwise_ops()
N = 7


def test_the_c_target_covers_the_core_element_wise_ops():
    names = set(ELEMENTWISE["f32"])
    assert {"add", "subtract", "multiply", "divide", "exp", "log", "tanh", "max", "min",
            "less", "negate", "sigmoid"} <= names


@pytest.mark.parametrize("t", C_TYPES)
@settings(max_examples=25)
@given(data=st.data())
def test_element_wise_ops_agree_with_the_reference(t, data):
    """Every supported op of a type in one compiled function (one build per type)."""
    ops = ELEMENTWISE[t]
    x = _tensor(data.draw(st.lists(scalar_values(t), min_size=N, max_size=N)), t)
    y = _tensor(data.draw(st.lists(scalar_values(t), min_size=N, max_size=N)), t)

    def every_op(a, b):
        return tuple(getattr(nx, name)(*([a, b][:registry.get(name).extras["arity"]])) for name in ops)
    got = nx.jit(every_op, compiler=nx_codegen.C)(x, y)
    for name, g, w in zip(ops, got, every_op(x, y)):
        assert g.spec == w.spec, name
        assert_close(w.type, g.to_flat_list(), w.to_flat_list(),
                     ulps=registry.get(name).tolerance.get(str(w.type), 0), context=f"{name} {t}")


CASES = [((2, 3), None, False), ((2, 3), [1], True), ((2, 3), [0], False), ((3, 2, 2), [0, 2], False),
         ((0,), None, False), ((2, 0), [1], True), ((), None, False)]


@pytest.mark.parametrize("t", C_TYPES)
@settings(max_examples=10)
@given(data=st.data())
def test_reductions_agree_with_the_reference(t, data):
    """sum, product, reduce_max and reduce_min over several shapes and axes, in one build."""
    finite = t in ("f32", "f64", "c64", "c128")
    xs = []
    for shape, _, _ in CASES:
        size = math.prod(shape)
        vals = data.draw(st.lists(scalar_values(t, allow_nan=not finite, allow_infinity=not finite,
                                                min_value=-8 if finite else None,
                                                max_value=8 if finite else None),
                                  min_size=size, max_size=size))
        xs.append(_tensor(vals, t, shape))

    reductions = [r for r in ("sum", "product", "reduce_max", "reduce_min")
                  if types.normalize(t) in registry.get(r).accepts]

    def every_reduction(*inputs):
        return tuple(getattr(nx, r)(x, axes=axes, keep_axes=keep)
                     for x, (_, axes, keep) in zip(inputs, CASES) for r in reductions)
    got = nx.jit(every_reduction, compiler=nx_codegen.C)(*xs)
    names = [r for _ in CASES for r in reductions]
    for name, g, w in zip(names, got, every_reduction(*xs)):
        assert g.spec == w.spec
        assert_close(w.type, g.to_flat_list(), w.to_flat_list(),
                     ulps=registry.get(name).tolerance.get(t, 0), context=f"{name} {t}")


def test_special_values_and_wrap_around():
    f = nx.jit(lambda a, b: (a + b, a * b, nx.max(a, b), nx.min(a, b), a < b), compiler=nx_codegen.C)
    a = nx.tensor([float("nan"), float("inf"), -0.0, 0.0, 1.0])
    b = nx.tensor([1.0, float("-inf"), 0.0, -0.0, float("nan")])
    for got, want in zip(f(a, b), (a + b, a * b, nx.max(a, b), nx.min(a, b), a < b)):
        assert got.to_binary() == want.to_binary()
    i = nx.tensor([127, -128, 100], type="s8")
    assert nx.jit(lambda x: x + x, compiler=nx_codegen.C)(i).to_list() == (i + i).to_list()
    u = nx.tensor([0, 1, 2**64 - 1], type="u64")
    assert nx.jit(lambda x: -x, compiler=nx_codegen.C)(u).to_list() == nx.negate(u).to_list()
    f2i = nx.tensor([float("nan"), 3.9e9, -3.9e9, -2.5, 2.5])
    assert nx.jit(lambda x: nx.as_type(x, "s32"), compiler=nx_codegen.C)(f2i).to_list() == \
        nx.as_type(f2i, "s32").to_list()


def test_control_flow_hooks_and_host_ops():
    seen = []

    def f(x):
        def body(s):
            i, acc = s
            acc = nx.io_call(nx.sort(acc * 2 - 1), seen.append)
            return i + 1, acc
        return nx.while_loop(lambda s: s[0] < 3, body, (0, x))[1]
    x = nx.tensor([3.0, 1.0, 2.0])
    got = nx.jit(f, compiler=nx_codegen.C)(x)
    assert got.to_list() == nx.jit(f)(x).to_list()
    assert len(seen) == 6


def test_c_backend_eager_ops():
    b = nx_codegen.CBackend()
    t = nx.tensor([[1.0, 2.0], [3.0, 4.0]], backend=b)
    assert t.backend == b
    assert nx.sum(t * 2, axes=[1]).to_list() == [6.0, 14.0]
    assert nx.dot(t, t).to_list() == [[7.0, 10.0], [15.0, 22.0]]      # host fallback
    r = nx.backend_transfer(nx.exp(t), nx.ReferenceBackend)
    assert r.backend == nx.ReferenceBackend() and r.shape == (2, 2)


def test_bad_input_raises_before_any_c_runs():
    f = nx.jit(lambda a, b: a + b, compiler=nx_codegen.C)
    with pytest.raises(ValueError, match="cannot broadcast"):
        f(nx.tensor([1.0, 2.0]), nx.tensor([1.0, 2.0, 3.0]))


def test_long_f64_sums_are_compensated_lanes_independent_of_threads():
    """Sums of at least LANE_MIN f64 values run as vector lanes x blocks of
    compensated partial sums: within 1 ULP of the exact sum under heavy
    cancellation, and the same result for any thread count."""
    import numpy as np
    x = np.random.default_rng(7).standard_normal(70001)
    data = np.concatenate([x * 1e8, x, -x * 1e8])
    assert data.size >= lanes.LANE_MIN and data.size >= render.PARALLEL_MIN
    t = nx.backend_transfer(nx.from_numpy(data), nx_codegen.CBackend())
    program = lower(trace(nx.sum, [nx.template(data.shape, "f64")]), CTarget())
    assert lanes.splits(program.kernels()[0], True)
    exact = math.fsum(data.tolist())
    results = {float(nx.jit(nx.sum, compiler=nx_codegen.C(threads=n))(t)) for n in (1, 2)}
    assert len(results) == 1
    (got,) = results
    assert abs(got - exact) <= math.ulp(exact)


@pytest.mark.parametrize("op", ["cumulative_sum", "cumulative_product", "cumulative_min",
                                "cumulative_max"])
def test_cumulative_ops_run_as_their_own_kernels(op):
    def f(t):
        return getattr(nx, op)(t, axis=0, reverse=True)
    g = trace(f, [nx.template((4, 3), "s32")])
    program = lower(g, CTarget())
    assert [type(s).__name__ for s in program.steps] == ["Extern"]
    x = nx.reshape(nx.tensor([3, -1, 2, 7, 0, -4, 5, 1, 1, -2, 6, 2], type="s32"), (4, 3))
    assert nx.jit(f, compiler=nx_codegen.C)(x).to_list() == f(x).to_list()


FOLDS = [(lambda v, acc: v * acc + 1, [1]), (lambda v, acc: nx.max(v, acc) - v, [0]),
         (lambda v, acc: acc - v * acc + v, None)]


@pytest.mark.parametrize("t", C_TYPES)
@settings(max_examples=5)
@given(data=st.data())
def test_reduce_with_the_users_function_is_a_kernel(t, data):
    """nx.reduce folds in order with the function inlined as the accumulator's
    step: results equal the reference's fold, for every type."""
    finite = t in ("f32", "f64", "c64", "c128")
    vals = data.draw(st.lists(scalar_values(t, allow_nan=not finite, allow_infinity=not finite,
                                            min_value=-4 if finite else None,
                                            max_value=4 if finite else None),
                              min_size=6, max_size=6))
    x = _tensor(vals, t, (2, 3))
    folds = [(fun, axes) for fun, axes in FOLDS
             if not (types.normalize(t).is_complex and fun is FOLDS[1][0])]

    def every_fold(a):
        return tuple(nx.reduce(a, 1, fun, axes=axes) for fun, axes in folds)
    assert coverage(trace(every_fold, [nx.template((2, 3), t)]))[1] == []
    for g, w in zip(nx.jit(every_fold, compiler=nx_codegen.C)(x), every_fold(x)):
        assert g.spec == w.spec
        assert_close(w.type, g.to_flat_list(), w.to_flat_list(), ulps=0, context=f"reduce {t}")


def test_reduce_falls_back_to_the_host_when_the_function_changes_type_or_is_not_element_wise():
    x = nx.iota((2, 3), type="s32")
    for fun in (lambda v, acc: v + acc * 0.5, lambda v, acc: nx.sum(nx.stack([v, acc]))):
        def f(a, fun=fun):
            return nx.reduce(a, 0, fun, axes=[1])
        assert coverage(trace(f, [nx.template((2, 3), "s32")]))[1] == ["reduce"]
        assert nx.jit(f, compiler=nx_codegen.C)(x).to_list() == f(x).to_list()


def test_an_output_array_is_reused_only_once_its_tensor_is_dropped():
    f = nx.jit(lambda x: x * 2, compiler=nx_codegen.C)
    x = nx.tensor([1.0, 2.0, 3.0])
    kept = f(x)
    first = kept.data
    again = f(x)
    assert again.data is not first and kept.to_list() == [2.0, 4.0, 6.0]
    import weakref
    pooled = weakref.ref(again.data.base if again.data.base is not None else again.data)
    del again
    third = f(nx.tensor([5.0, 6.0, 7.0]))
    assert pooled() is not None
    assert (third.data.base if third.data.base is not None else third.data) is pooled()
    assert kept.to_list() == [2.0, 4.0, 6.0] and third.to_list() == [10.0, 12.0, 14.0]


def test_c_backend_as_the_default_backend():
    with nx.default_backend(nx_codegen.CBackend()):
        t = nx.tensor([1, 2, 3], type="s8")
        assert t.to_binary() == b"\x01\x02\x03"
        assert nx.backend_transfer(t * 2, nx.ReferenceBackend).to_list() == [2, 4, 6]


def test_y_equals_f_of_y_alternates_between_recycled_outputs():
    f = nx.jit(lambda x: x * 2, compiler=nx_codegen.C)
    y = f(nx.tensor([1.0, 2.0]))
    seen = set()
    for _ in range(6):
        y = f(y)
        seen.add(id(y.data.base if y.data.base is not None else y.data))
    assert len(seen) <= 3 and y.to_list() == [128.0, 256.0]
    keep = [f(y) for _ in range(5)]          # all referenced: fresh arrays, values intact
    assert all(k.to_list() == [256.0, 512.0] for k in keep)
    assert len({id(k.data.base if k.data.base is not None else k.data) for k in keep}) == 5


def test_complex_select_and_the_textbook_product():
    """select picks complex values; product folds from 1 with the spec's textbook
    multiply (no C99 infinity recovery): (0+inf i)(0+1i) is NaN+NaN i."""
    x = nx.tensor([1 + 1j, 2 - 1j], type="c64")
    p = nx.tensor([1, 0], type="u8")
    for t in ("c64", "c128"):
        z = nx.tensor([complex(0.0, float("inf")), complex(0.0, 1.0)], type=t)
        f = nx.jit(lambda a, b, c: (nx.select(b, a, a * 2), nx.product(c)), compiler=nx_codegen.C)
        for got, want in zip(f(nx.as_type(x, t), p, z), (nx.select(p, nx.as_type(x, t), nx.as_type(x, t) * 2),
                                                         nx.product(z))):
            assert_close(t, got.to_flat_list(), want.to_flat_list(), ulps=0)


@pytest.mark.parametrize("f", [
    lambda x: nx.slice(nx.reverse(x), [1], [3], strides=[2]),
    lambda x: nx.reverse(nx.slice(nx.reverse(x), [1], [4], strides=[2])),
    lambda x: nx.slice(nx.reverse(nx.slice(x, [1], [4], strides=[2])), [1], [1]),
    lambda x: nx.reverse(nx.transpose(nx.reshape(nx.slice(x, [0], [4], strides=[1]), (2, 2)))),
])
def test_composed_index_arithmetic(f):
    """Index expressions compose with their precedence kept (a reversed strided
    slice once read outside its buffer)."""
    x = nx.tensor([0.5, 0.25, 3.0, 4.0, 5.0])
    assert nx.jit(f, compiler=nx_codegen.C)(x).to_list() == f(x).to_list()


@pytest.mark.parametrize("t", ["c64", "c128", "f64"])
def test_constants_with_nan_and_infinite_parts(t):
    """A NaN part of a complex constant is a double in __builtin_complex (an
    f32 NAN next to a double failed to build: found by the conformance suite)."""
    nan, inf = float("nan"), float("inf")
    value = complex(nan, -inf) if t != "f64" else nan

    def f(x, p):
        return nx.select(p, x, nx.tensor(value, type=t))
    x = nx.tensor([1.0, -1.0], type=t) if t == "f64" else nx.tensor([1 + 0j, -1 + 0j], type=t)
    p = nx.tensor([1, 0], type="u8")
    assert str(nx.jit(f, compiler=nx_codegen.C)(x, p).to_list()) == str(f(x, p).to_list())


def test_arguments_unlike_the_compiled_parameters_are_refused():
    """A compiled program called directly with a tensor of another shape or
    type would read past its buffer: it is refused before any kernel runs."""
    from spec.errors import ArgumentError
    run = nx_codegen.C().compile(trace(lambda x: x * 3 + 1, [nx.template((4,), "f32")]))
    for args, message in [([nx.tensor([1.0, 2.0])], r"argument 0 is f32\[2\].*f32\[4\]"),
                          ([nx.tensor([1, 2, 3, 4])], r"argument 0 is s32\[4\].*f32\[4\]"),
                          ([], "takes 1 arguments, got 0")]:
        with pytest.raises(ArgumentError, match=message):
            run(args)
    assert run([nx.tensor([1.0, 2.0, 3.0, 4.0])])[0].to_list() == [4.0, 7.0, 10.0, 13.0]


PRODUCT_CASES = [
    ("f64", [2.0 ** 1000, 2.0 ** 1000, 2.0 ** -1000]),
    ("f64", [2.0 ** -1000, 2.0 ** 1000, 2.0 ** 1000]),
    ("f64", [1.0715086071862673e+301, 1.0715086071862673e+301, 9.332636185032189e-302]),
    ("f64", [5e-324, 2.0 ** 1023, 2.0]),
    ("f64", [2.0 ** 1000] * 3 + [2.0 ** -1000] * 3 + [1.5] * 300),
    ("f32", [3e38] * 10 + [1e-38] * 10),
    ("bf16", [1e38] * 10 + [1e-38] * 10),
    ("f64", [0.0, float("inf")]), ("f64", [-0.0, 2.0]), ("f64", [float("nan"), 0.0]),
]


def check_product(compiler, t, values):
    """The spec keeps a product's exponent apart: an intermediate product out
    of range does not decide the result, whatever the order of the factors."""
    x = nx.tensor(values, type=t)
    got = nx.jit(lambda x: (nx.product(x), nx.product(nx.reshape(x, (1, "auto")), axes=[1])),
                 compiler=compiler)(x)
    want = nx.product(x).to_list()
    assert [str(got[0].to_list()), str(got[1].to_list())] == [str(want), str([want])]


@pytest.mark.parametrize("t,values", PRODUCT_CASES)
def test_float_products_never_overflow_or_underflow_midway(t, values):
    check_product(nx_codegen.C, t, values)
