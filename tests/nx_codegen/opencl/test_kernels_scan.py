"""The dedicated OpenCL kernels of nx_codegen.opencl.kernels_scan and
kernels_window (sorts, arg-reductions, all/any, cumulative ops, window folds,
window_reduce, window scatters) against the reference backend on PoCL, over
every type they take.

The tables are the C kernels' (tests/nx_codegen/c/test_kernels_scan.py), plus
cases of this target's own paths (window_reduce, scatters whose init_value has
another type, negative padding); every case of a type runs in one jitted
function, so that each type builds one program. Hypothesis draws the values,
from a small pool part of the time (ties, -0.0 next to 0.0, NaN, infinities)."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nx_codegen
import nx_ref as nx
from nx_codegen import ir
from nx_codegen.lower import lower
from nx_codegen.opencl import kernels_scan, kernels_window
from nx_codegen.opencl.render import OpenCLTarget
from nx_ref.defn.expr import trace
from spec import registry
from tests.nx_codegen.c.test_kernels_scan import (CASES as C_CASES, EDGES, SCANS, SHAPE,
                                                  SOURCE_SHAPES, _same, _scan_graph, _tensor)
from tests.support import assert_close
from tests.nx_codegen.opencl import DEVICE

POCL = nx_codegen.OpenCL(device=DEVICE)
TYPES = list(kernels_scan.TYPES)

# cases of this target's own paths, (label, op, function of (x, a, b)), run
# on fewer types (EXTRA_TYPES) than the C table, to keep the builds few
EXTRA_CASES = [
    ("window_reduce padded", "window_reduce",
     lambda x, a, b: nx.window_reduce(x, nx.tensor(0, type=x.type), (2, 2),
                                      lambda v, acc: nx.max(v, acc) + 1, padding=[(1, 0), (0, 1)])),
    ("window_reduce strided", "window_reduce",
     lambda x, a, b: nx.window_reduce(x, nx.tensor(1, type=x.type), (2, 3),
                                      lambda v, acc: acc - v * acc + v, strides=[1, 2])),
    ("window_scatter_max, init of another type", "window_scatter_max",
     lambda x, a, b: nx.window_scatter_max(x, a, nx.tensor(-1.5 if _other(x) != "u8" else 2,
                                                           type=_other(x)),
                                           window_dimensions=(2, 2), strides=(1, 1))),
    ("window_scatter_min, negative padding", "window_scatter_min",
     lambda x, a, b: nx.window_scatter_min(nx.pad(x, 0, [(0, 1, 0), (0, 0, 0)]), b,
                                           nx.tensor(2, type="u8"), window_dimensions=(2, 3),
                                           strides=(2, 2), padding=[(1, -1), (2, 0)])),
    ("window_reduce with a Python initial value", "window_reduce",
     lambda x, a, b: nx.window_reduce(x, 0 if x.type.is_floating else nx.tensor(0, type=x.type),
                                      (1, 2), lambda v, acc: v + acc, strides=[1, 2])),
]
CASES = C_CASES + EXTRA_CASES
EXTRA_TYPES = ["f32", "f64", "bf16", "f8_e4m3fn", "s8", "u16", "s64", "u64"]


def _other(x):
    """An init_value type other than ``x``'s that compares exactly with it."""
    t = str(x.type)
    return "u8" if t[0] in "su" else "f64" if t == "f32" else "f32"


def every_case(x, a, b, cases=CASES):
    return tuple(fn(x, a, b) for _, _, fn in cases)


def _table(t):
    """The cases run on type ``t``: the C table, and this target's own on EXTRA_TYPES."""
    return CASES if t in EXTRA_TYPES else C_CASES


def _templates(t):
    return [nx.template(SHAPE, t)] + [nx.template(s, t) for s in SOURCE_SHAPES]


def _agree(t, label, op, g, w):
    assert g.spec == w.spec, label
    ulps = registry.get(op).tolerance.get(str(w.type), 0)
    if ulps == 0:
        assert _same(g, w), (label, t, g.to_list(), w.to_list())
    else:
        assert_close(w.type, g.to_flat_list(), w.to_flat_list(), ulps=ulps, context=f"{label} {t}")


def test_the_tables_cover_every_op_of_the_modules():
    assert {op for _, op, _ in CASES} | {op for op, _ in SCANS} == \
        set(kernels_scan.OPS) | set(kernels_window.OPS)


@pytest.mark.parametrize("t", TYPES)
def test_every_case_lowers_to_a_dedicated_kernel(t):
    program = lower(trace(every_case, _templates(t)), OpenCLTarget())
    assert not [s for s in program.steps if isinstance(s, ir.HostStep)], t
    assert {s.node.op for s in program.externs()} >= {op for _, op, _ in CASES}


def test_complex_packed_and_unexact_cases_stay_on_the_host():
    for t, fn in [("c64", lambda x: nx.all(x, axes=[0])), ("s4", lambda x: nx.sort(x)),
                  ("u2", lambda x: nx.argmax(x)), ("c128", lambda x: nx.window_sum(x, (2,))),
                  # s64 elements against an f32 padding value do not compare exactly in double
                  ("s64", lambda x: nx.window_scatter_max(x, nx.tensor([1.0, 2.0, 3.0]),
                                                          nx.tensor(0.5), (2,))),
                  # abs of an s32 accumulator: another graph than in the input's type
                  ("f32", lambda x: nx.window_reduce(x, 0, (2,), lambda v, a: v + nx.abs(a)))]:
        program = lower(trace(fn, [nx.template((4,), t)]), OpenCLTarget())
        assert not program.externs(), t


@pytest.mark.parametrize("t", TYPES)
@settings(max_examples=6, deadline=None)
@given(data=st.data())
def test_kernels_agree_with_the_reference(t, data):
    """Every case of the type's table in one compiled function: bit for bit,
    except where the op declares a tolerance (float sums, products and summed
    scatters)."""
    cases = _table(t)
    x = _tensor(data, t, SHAPE)
    sources = [_tensor(data, t, s) for s in SOURCE_SHAPES]
    got = _jitted(t)(x, *sources)
    for (label, op, _), g, w in zip(cases, got, every_case(x, *sources, cases=cases)):
        _agree(t, label, op, g, w)


_JITTED = {}


def _jitted(t):
    if t not in _JITTED:
        _JITTED[t] = nx.jit(lambda x, a, b: every_case(x, a, b, _table(t)), compiler=POCL)
    return _JITTED[t]


@pytest.mark.parametrize("t", ["f32", "u8"])
def test_empty_and_rank_0_tensors(t):
    x = nx.tensor(3, type=t)
    z = nx.broadcast(nx.tensor(1, type=t), (0, 4))

    def every_edge(x, z):
        return tuple(fn(x, z) for _, fn in EDGES)
    program = lower(trace(every_edge, [nx.template((), t), nx.template((0, 4), t)]), OpenCLTarget())
    assert not [s for s in program.steps if isinstance(s, ir.HostStep)]
    got = nx.jit(every_edge, compiler=POCL)(x, z)
    for (label, _), g, w in zip(EDGES, got, every_edge(x, z)):
        assert g.spec == w.spec and _same(g, w), (label, g.to_list(), w.to_list())


def test_special_values_pinned():
    """The rules the reference sets, written out (values computed by hand)."""
    nan, inf = float("nan"), float("inf")
    x = nx.tensor([0.0, nan, -0.0, -inf, 2.0, nan])
    zeros = nx.tensor([-0.0, 0.0, -0.0])
    f = nx.jit(lambda x, z: (nx.sort(x), nx.sort(x, direction="desc"), nx.argsort(x),
                             nx.argmax(x), nx.argmin(x, tie_break="high"),
                             nx.window_max(z, (2,)), nx.window_min(z, (2,)),
                             nx.window_sum(z, (1,)), nx.window_sum(x, (2,)),
                             nx.window_product(x, (2,))),
               compiler=POCL)
    s, d, a, amax, amin, wmax, wmin, wsum, wsum_x, wprod = f(x, zeros)
    assert str(s.to_list()) == "[-inf, 0.0, -0.0, 2.0, nan, nan]"     # -0.0 == 0.0: input order
    assert str(d.to_list()) == "[nan, nan, 2.0, 0.0, -0.0, -inf]"
    assert a.to_list() == [3, 0, 2, 4, 1, 5]
    assert amax.to_list() == 1 and amin.to_list() == 1                  # the first NaN wins
    assert str(wmax.to_list()) == "[0.0, 0.0]" and str(wmin.to_list()) == "[-0.0, -0.0]"
    assert str(wsum.to_list()) == "[0.0, 0.0, 0.0]"                     # the fold starts at 0
    assert str(wsum_x.to_list()) == "[nan, nan, -inf, -inf, nan]"
    assert str(wprod.to_list()) == "[nan, nan, nan, -inf, nan]"         # 0 * inf is NaN


def test_float_sums_and_products_without_long_double():
    """Exact sums under cancellation and past f64's range, products whose
    partial products overflow or underflow: equal to the reference."""
    big = 2.0 ** 1000
    cases = [
        ("f64", [big, 1.0, 2.0 ** -100, -big, -1.0], 2.0 ** -100, None),
        ("f64", [1.5e308, 1.5e308, -1.5e308, 1.0, -1.0], 1.5e308, None),     # partials overflow
        ("f64", [1.5e308, 1.5e308, 1.0, 2.0, 3.0], math.inf, None),
        ("f32", [3e38, 3e38, -3e38, 2.0 ** -149, -3e38], 2.0 ** -149, None),
        ("f64", [big, big, 2.0 ** -1000, 2.0 ** -1000, 0.5], None, 2.0 ** -1),
        ("f64", [big, big, big, 1.0, 1.0], None, math.inf),
        ("f32", [1e30, 1e30, 1e-30, 1e-30, 1e-30], None, None),
        ("f64", [2.0 ** -600, 2.0 ** -600, 2.0 ** 500, 3.0, 2.0 ** 100], None, None),
    ]
    for t, vals, total, product in cases:
        x = nx.tensor(vals, type=t)
        f = nx.jit(lambda x: (nx.window_sum(x, (5,)), nx.window_product(x, (5,))), compiler=POCL)
        s, p = f(x)
        assert s.to_list() == nx.window_sum(x, (5,)).to_list(), vals
        assert p.to_list() == nx.window_product(x, (5,)).to_list(), vals
        assert total is None or s.to_list() == [total]
        assert product is None or p.to_list() == [product]


def test_sums_of_many_taps_and_many_windows():
    """Windows of more taps than the private partials hold, and a scatter
    element picked by many windows."""
    vals = [((k * 7919) % 201 - 100) * 2.0 ** ((k * 31) % 61 - 30) for k in range(300)]
    x = nx.tensor(vals, type="f64")
    s = nx.tensor([((k * 13) % 17) / 8 for k in range(298)], type="f64")

    def f(x, s):
        return (nx.window_sum(x, (120,), strides=(7,)),
                nx.window_scatter_max(nx.broadcast(nx.tensor(1.0, type="f64"), (300,)), s,
                                      nx.tensor(0.0, type="f64"), (3,)))
    for g, w in zip(nx.jit(f, compiler=POCL)(x, s), f(x, s)):
        assert_close(w.type, g.to_flat_list(), w.to_flat_list(), ulps=1, context="many")


_SCAN_RUNS = {}


def _run_scan_graph(t, shape, scans, x):
    key = (t, shape, repr(scans))
    if key not in _SCAN_RUNS:           # one build per graph
        _SCAN_RUNS[key] = POCL.compile(_scan_graph(t, shape, scans))
    return _SCAN_RUNS[key]([x])


@pytest.mark.parametrize("t", TYPES)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_cumulative_ops_agree_with_the_composite_bit_for_bit(t, data):
    """The C table's scans (the first four: each op, both axes, both
    directions, on every type; all six on f32 and s8)."""
    shape = (4, 7)
    scans = SCANS if t in ("f32", "s8") else SCANS[:4]
    assert {op for op, _ in scans} == {op for op, _ in SCANS}
    program = lower(_scan_graph(t, shape, scans), OpenCLTarget())
    assert [s.node.op for s in program.externs()] == [op for op, _ in scans]
    assert not [s for s in program.steps if isinstance(s, ir.HostStep)]
    x = _tensor(data, t, shape)
    for (op, opts), g in zip(scans, _run_scan_graph(t, shape, scans, x)):
        w = getattr(nx, op)(x, **opts)
        assert g.spec == w.spec and _same(g, w), (op, opts, g.to_list(), w.to_list())


@pytest.mark.parametrize("n", [0, 1, 2, 37, 64])
def test_cumulative_ops_of_other_lengths(n):
    scans = [("cumulative_sum", {"axis": 0}), ("cumulative_product", {"axis": 0, "reverse": True}),
             ("cumulative_max", {"axis": 0})]
    x = nx.tensor([((k * 7919) % 13 - 6) / 4 for k in range(n)], type="f32") if n else \
        nx.broadcast(nx.tensor(1.0), (0,))
    for (op, opts), g in zip(scans, _run_scan_graph("f32", (n,), scans, x)):
        w = getattr(nx, op)(x, **opts)
        assert _same(g, w), (op, n, g.to_list(), w.to_list())


@pytest.mark.parametrize("t", ["s8", "u64", "f32"])
def test_window_scatters_of_rank_0_tensors(t):
    """One window and no loop: the kernel's skips still have a loop to leave."""
    x = nx.tensor(-128 if t != "u64" else 5, type=t)
    f = lambda x, s, i: (nx.window_scatter_max(x, s, i, [], padding="valid", strides=1),
                         nx.window_scatter_min(x, s, i, [], padding="valid", strides=1))
    got = nx.jit(f, compiler=POCL)(x, x * 0 + 3, x)
    for g, w in zip(got, f(x, x * 0 + 3, x)):
        assert g.to_list() == w.to_list() and g.type == w.type
