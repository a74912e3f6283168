"""The C kernel of ``dot`` (nx_codegen/c/dot.py): the lowering gives it an
Extern step; its results equal the reference backend's over hypothesis-drawn
contractions (any batch, contract and kept axes, in any order, empty and
rank-0 operands, mixed types, both plans, one and several threads); NaN and
infinities propagate as in the reference; integers wrap around; on general
float data the blocked plan keeps the error bound it documents."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import nx_codegen
import nx_ref as nx
from nx_codegen import ir
from nx_codegen.c import dot as cdot
from nx_codegen.c.compiler import CTarget
from nx_codegen.lower import lower
from nx_ref import interop
from nx_ref.defn.expr import trace
from tests.support import assert_close

PAIRS = [("f32", "f32"), ("f64", "f64"), ("f32", "f64"), ("s32", "f32"), ("u64", "f32"),
         ("s8", "s8"), ("u8", "s8"), ("s16", "u16"), ("s32", "s32"), ("u32", "s32"),
         ("s64", "s64"), ("u64", "u64"), ("u8", "u8")]
# Floats are drawn on a grid (k / 4, |k| <= 16): every sum of the test's products is
# exact in any order, so results must equal the reference's exactly, whatever the
# blocking; large operands are drawn by numpy from a seed that hypothesis draws.


def _values(t, float_out, shape, rng, special=False):
    """Grid values for float results (integer operands too), any value for
    integers; with ``special``, some NaN and infinities among the floats."""
    dtype = interop.numpy_dtype(t)
    if t[0] == "f":
        x = np.array(rng.integers(-16, 17, shape) / 4, dtype=dtype)
        if special:
            x[rng.random(shape) < 0.05] = np.nan
            x[rng.random(shape) < 0.05] = np.inf
            x[rng.random(shape) < 0.05] = -np.inf
        return x
    info = np.iinfo(dtype)
    lo, hi = (max(info.min, -16), 16) if float_out else (int(info.min), int(info.max))
    return np.array(rng.integers(lo, hi, shape, dtype=dtype, endpoint=True))


@st.composite
def contractions(draw, batch=(0, 2, 0, 3), contract=(0, 2, 0, 4), kept1=(0, 2, 0, 4),
                 kept2=(0, 2, 0, 4)):
    """``(shape1, shape2, axes)`` of a dot: each group is (min count, max count,
    min side, max side); batch axes lead both operands, the other axes of each
    operand come in any order."""
    def sides(group):
        lo, hi, smin, smax = group
        return draw(st.lists(st.integers(smin, smax), min_size=lo, max_size=hi))
    b, c, k1, k2 = sides(batch), sides(contract), sides(kept1), sides(kept2)
    order1 = draw(st.permutations([("c", i) for i in range(len(c))] + [("k", i) for i in range(len(k1))]))
    order2 = draw(st.permutations([("c", i) for i in range(len(c))] + [("k", i) for i in range(len(k2))]))
    shape1 = tuple(b) + tuple(c[i] if g == "c" else k1[i] for g, i in order1)
    shape2 = tuple(b) + tuple(c[i] if g == "c" else k2[i] for g, i in order2)
    nb = len(b)
    axes = ([nb + order1.index(("c", i)) for i in range(len(c))], list(range(nb)),
            [nb + order2.index(("c", i)) for i in range(len(c))], list(range(nb)))
    return shape1, shape2, axes


def _check_cases(data, cases, special=False, plan=None):
    """Draw types and values for ``cases`` and compare one jit (one C build)
    of all their dots with the reference backend, exactly."""
    inputs, axes = [], []
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    for shape1, shape2, ax in cases:
        t1, t2 = data.draw(st.sampled_from(PAIRS))
        floats = "f" in t1[0] + t2[0]
        inputs += [nx.from_numpy(_values(t1, floats, shape1, rng, special)),
                   nx.from_numpy(_values(t2, floats, shape2, rng, special))]
        axes.append(ax)

    def dots(*ts):
        return tuple(nx.dot(ts[2 * i], c1, b1, ts[2 * i + 1], c2, b2)
                     for i, (c1, b1, c2, b2) in enumerate(axes))
    graph = trace(dots, [nx.template(t.shape, t.type) for t in inputs])
    program = lower(graph, CTarget())
    assert [type(s) for s in program.steps] == [ir.Extern] * len(cases)
    if plan is not None:
        assert [cdot.plan(s.node) for s in program.steps] == [plan] * len(cases)
    got = nx.jit(dots, compiler=nx_codegen.C)(*inputs)
    for g, w in zip(got, dots(*inputs)):
        assert g.spec == w.spec
        assert_close(w.type, g.to_flat_list(), w.to_flat_list(), ulps=0, context=f"dot {w.spec}")


@given(data=st.data())
def test_small_contractions_agree_with_the_reference(data):
    """Any axes, empty dimensions, rank-0 operands (the loop plan, mostly)."""
    _check_cases(data, [data.draw(contractions()) for _ in range(3)])


@settings(max_examples=12)
@given(data=st.data())
def test_blocked_contractions_agree_with_the_reference(data):
    """Products wide enough for the packed micro-kernel: edges of every tile,
    operands transposed or split over several axes (gathered), batches."""
    case = data.draw(contractions(batch=(0, 1, 1, 2), contract=(1, 2, 3, 16),
                                  kept1=(1, 2, 1, 12), kept2=(1, 1, 16, 70)))
    s1, s2, (c1, b1, _, b2) = case
    k = math.prod(s1[a] for a in c1)
    m = math.prod(s1) // k // math.prod(s1[a] for a in b1)
    assume(k >= 8 and m * k * math.prod(s2) // k // math.prod(s2[a] for a in b2) >= 4096)
    _check_cases(data, [case], plan="blocked")


@settings(max_examples=10)
@given(data=st.data())
def test_nan_and_infinities_propagate_as_in_the_reference(data):
    small = data.draw(contractions(batch=(0, 0, 0, 0)))
    wide = data.draw(contractions(batch=(0, 0, 0, 0), contract=(1, 1, 8, 12), kept1=(1, 1, 16, 20),
                                  kept2=(1, 1, 16, 20)))
    _check_cases(data, [small, wide], special=True)


def test_default_forms_scalars_vectors_and_matrices():
    f = nx.jit(lambda a, b, v, s: (nx.dot(a, b), nx.dot(a, v), nx.dot(v, b), nx.dot(v, v),
                                   nx.dot(s, s), nx.dot(s, a)), compiler=nx_codegen.C)
    a = nx.reshape(nx.iota((6,), type="f32"), (2, 3)) - 2.5
    b = nx.reshape(nx.iota((6,), type="s32"), (3, 2))
    v, s = nx.tensor([1.5, -2.0, 4.0]), nx.tensor(3, type="s8")
    got = f(a, nx.as_type(b, "f32"), v, s)
    want = (nx.dot(a, nx.as_type(b, "f32")), nx.dot(a, v), nx.dot(v, nx.as_type(b, "f32")),
            nx.dot(v, v), nx.dot(s, s), nx.dot(s, a))
    assert [g.to_list() for g in got] == [w.to_list() for w in want]
    assert [g.spec for g in got] == [w.spec for w in want]


def test_integers_wrap_around():
    f = nx.jit(lambda a, b: (nx.dot(a, b), nx.dot(nx.as_type(a, "u8"), nx.as_type(b, "u8"))),
               compiler=nx_codegen.C)
    a = nx.tensor([[100] * 40] * 20, type="s8")
    b = nx.tensor([[-100] * 20] * 40, type="s8")
    got = f(a, b)
    exact = 100 * -100 * 40
    assert got[0].to_list()[0][0] == (exact + 128) % 256 - 128
    assert got[1].to_list()[0][0] == (100 * 156 * 40) % 256


@pytest.mark.parametrize("shape1,shape2", [((128, 160), (160, 128)), ((2048, 1100), (1100,))],
                         ids=["blocked", "loop"])
def test_large_products_on_several_threads_are_exact_on_the_grid(shape1, shape2):
    g = trace(lambda a, b: nx.dot(a, b), [nx.template(shape1, "f32"), nx.template(shape2, "f32")])
    (nb, m, k, n), _, _ = cdot.geometry(g.outputs[0])
    assert 2 * nb * m * n * k > cdot.PARALLEL_FLOPS
    rng = np.random.default_rng(7)
    a = (rng.integers(-16, 17, shape1) / 4).astype(np.float32)
    b = (rng.integers(-16, 17, shape2) / 4).astype(np.float32)
    got = nx.jit(lambda x, y: nx.dot(x, y), compiler=nx_codegen.C)(nx.from_numpy(a), nx.from_numpy(b))
    np.testing.assert_array_equal(got.to_numpy(), (a.astype(np.float64) @ b).astype(np.float32))


@pytest.mark.parametrize("t", ["f32", "f64"])
@pytest.mark.parametrize("m,k,n", [(9, 300, 5), (30, 300, 40), (1, 700, 33)])
def test_general_floats_keep_the_documented_bound(t, m, k, n):
    """|got - exact| <= k * eps * sum(|a_i * b_i|) (+ the exact result's rounding):
    the bound of a sum of products in any order, which the spec's 4 ULPs of the
    exact result cannot give when a sum cancels (see the module's docstring)."""
    rng = np.random.default_rng(m * k * n)
    dtype = np.float32 if t == "f32" else np.float64
    a, b = rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((k, n)).astype(dtype)
    ta, tb = nx.from_numpy(a), nx.from_numpy(b)
    got = nx.jit(lambda x, y: nx.dot(x, y), compiler=nx_codegen.C)(ta, tb).to_numpy().astype(np.float64)
    exact = nx.dot(ta, tb).to_numpy().astype(np.float64)
    eps = np.finfo(dtype).eps
    magnitude = np.abs(a.astype(np.float64)) @ np.abs(b.astype(np.float64))
    assert np.all(np.abs(got - exact) <= k * eps * magnitude + eps * np.abs(exact))


def test_plans():
    def node(s1, s2, t="f32"):
        return trace(lambda a, b: nx.dot(a, b), [nx.template(s1, t), nx.template(s2, t)]).outputs[0]
    assert cdot.plan(node((8, 8), (8, 64))) == "blocked"
    assert cdot.plan(node((8, 8), (8, 15))) == "loop"       # N too narrow for the vectors
    assert cdot.plan(node((64, 7), (7, 64))) == "loop"      # K too short
    assert cdot.plan(node((4, 8), (8, 64))) == "loop"       # too little work
    assert cdot.geometry(node((2, 3, 4), (4, 5))) == ((1, 6, 4, 5), ((), (0, 1), (2,)), ((), (0,), (1,)))


@pytest.mark.parametrize("t1,t2,extern", [("f32", "s32", True), ("u8", "s64", True),
                                          ("f16", "f32", False), ("bf16", "bf16", False),
                                          ("c64", "f32", False)])
def test_the_lowering_gives_supported_dots_an_extern_step(t1, t2, extern):
    g = trace(lambda a, b: nx.dot(a, b), [nx.template((3, 4), t1), nx.template((4, 2), t2)])
    [step] = lower(g, CTarget()).steps
    assert isinstance(step, ir.Extern if extern else ir.HostStep)
    got = nx.jit(lambda a, b: nx.dot(a, b), compiler=nx_codegen.C)(
        nx.iota((3, 4), type=t1), nx.iota((4, 2), type=t2))
    want = nx.dot(nx.iota((3, 4), type=t1), nx.iota((4, 2), type=t2))
    assert got.spec == want.spec and got.to_list() == want.to_list()
